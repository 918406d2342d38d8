"""The 2016 CQC_directory.csv sample as kept: no preamble or header, placed by postcode."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from caremarket.imports.models import ImportRun
from caremarket.market.models import Location
from caremarket.places.models import Area, Postcode
from tests.imports.helpers import EXAMPLES, run

SAMPLE = EXAMPLES / "data" / "cqc" / "cqc_directory_2016-02_partial_three_councils.csv"
GEO = EXAMPLES / "data" / "geo"


def postcodes_of_the_sample(tmp_path: Path) -> Path:
    """The real Code-Point rows of the sample's postcodes (and CV1 1AH), header beside."""
    with SAMPLE.open(newline="") as handle:
        wanted = {row[3] for row in csv.reader(handle)}
    rows = [
        line
        for line in (GEO / "codepoint_open_2025-10_three_councils.csv").read_text().splitlines()
        if line.split(",")[0].strip('"') in wanted | {"CV1 1AH"}
    ]
    path = tmp_path / "cv.csv"
    path.write_text("\n".join(rows) + "\n")
    shutil.copy(GEO / "Code-Point_Open_Column_Headers.csv", tmp_path)
    return path


def test_it_reads_the_headerless_sample_and_places_it_by_postcode(councils, tmp_path) -> None:
    run("codepoint-open", postcodes_of_the_sample(tmp_path))
    run("wards", GEO / "wards_three_councils_os_codelist_2025-10.csv")
    report = run("cqc-directory", SAMPLE)
    assert (report.rows_read, report.rows_written, report.error_count) == (99, 99, 0)
    assert "no header row" in report.warnings[0]
    # CV1 1EA no longer exists: reported by name and line, and never guessed.
    assert "1 location(s)" in report.warnings[1] and "CV1 1EA" in report.warnings[1]
    assert ImportRun.objects.get(format="cqc-directory").edition == "February 2016"
    gone = Location.objects.get(postcode="CV1 1EA")
    assert gone.latitude is None and gone.area is None
    placed = Location.objects.exclude(postcode="CV1 1EA")
    assert placed.filter(latitude__isnull=True).count() == 0
    mbi = Location.objects.get(cqc_location_id="1-1010722651")
    postcode = Postcode.objects.get(postcode="CV1 4HT")
    assert (mbi.latitude, mbi.longitude) == (postcode.latitude, postcode.longitude)
    assert mbi.area == Area.objects.get(code=postcode.ward_code, kind="ward")
    assert mbi.local_authority.name == "Coventry" and mbi.name == "MBI Home Care Limited"
    assert mbi.directory_service.locations.get().latitude == mbi.latitude
    again = run("cqc-directory", SAMPLE)
    assert again.rows_written == 0


def test_the_register_coordinates_stay_unless_the_postcode_moves(councils, tmp_path) -> None:
    run("codepoint-open", postcodes_of_the_sample(tmp_path))
    run("cqc-directory", SAMPLE)
    Location.objects.filter(cqc_location_id="1-1010722651").update(latitude=52.5, longitude=-1.5)
    assert run("cqc-directory", SAMPLE).rows_written == 0
    assert Location.objects.get(cqc_location_id="1-1010722651").latitude == 52.5
    moved = tmp_path / "cqc_directory_2016-02.csv"
    moved.write_text(SAMPLE.read_text().replace("CV1 4HT", "CV1 1AH", 1))
    assert run("cqc-directory", moved).rows_written == 1
    location = Location.objects.get(cqc_location_id="1-1010722651")
    assert location.latitude == Postcode.objects.get(postcode="CV1 1AH").latitude


def test_with_no_postcodes_held_every_location_is_reported(councils, tmp_path: Path) -> None:
    path = tmp_path / "sample.csv"
    shutil.copy(SAMPLE, path)
    report = run("cqc-directory", path)
    assert "99 location(s)" in report.warnings[1] and "and 79 more" in report.warnings[1]
    assert report.written and ImportRun.objects.get().edition == ""


def test_the_hsca_file_keeps_its_coordinates_and_gains_wards(councils, tmp_path) -> None:
    hsca = Path(__file__).resolve().parent.parent / "fixtures/imports/HSCA_Active_Locations.csv"
    wanted = {"ST2 8AA", "ST6 3AA", "ST3 1AA"}
    rows = [
        line
        for line in (GEO / "codepoint_open_2025-10_three_councils.csv").read_text().splitlines()
        if line.split(",")[0].strip('"') in wanted
    ]
    (tmp_path / "st.csv").write_text("\n".join(rows) + "\n")
    shutil.copy(GEO / "Code-Point_Open_Column_Headers.csv", tmp_path)
    run("codepoint-open", tmp_path / "st.csv")
    run("wards", GEO / "wards_three_councils_os_codelist_2025-10.csv")
    report = run("cqc-hsca", hsca)
    assert report.written
    for location in Location.objects.filter(postcode__in=wanted):
        ward = Postcode.objects.get(postcode=location.postcode).ward_code
        assert location.area == Area.objects.get(kind="ward", code=ward)
        assert location.latitude != Postcode.objects.get(postcode=location.postcode).latitude
