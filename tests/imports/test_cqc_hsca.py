"""HSCA_Active_Locations as CSV and .xlsx: columns by name, Y/blank flags, drift, bad rows."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from caremarket.imports.framework import ImportRefused
from caremarket.market.models import Location
from tests.imports.helpers import FIXTURES, counts, run, write

GOOD = FIXTURES / "HSCA_Active_Locations.csv"


def rows() -> tuple[list[str], list[dict[str, str]]]:
    with GOOD.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def save_csv(tmp_path: Path, header: list[str], data: list[dict[str, str]]) -> Path:
    path = tmp_path / "HSCA_Active_Locations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(data)
    return path


def save_xlsx(tmp_path: Path, header: list[str], data: list[dict[str, str]]) -> Path:
    """As CQC publishes it: a notes sheet first, dates as dates and beds as numbers."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Care directory with filters"])
    sheet = book.create_sheet("HSCA_Active_Locations")
    sheet.append(header)
    for row in data:
        cells: list[object] = []
        for name in header:
            value: object = row[name]
            if name == "Location HSCA start date" and value:
                value = datetime.strptime(str(value), "%d/%m/%Y")
            elif name == "Care homes beds" and value:
                value = int(str(value))
            cells.append(value or None)
        sheet.append(cells)
    path = tmp_path / "HSCA_Active_Locations_1_May_2024.xlsx"
    book.save(path)
    return path


def test_it_reads_beds_coordinates_flags_and_provider(councils: list) -> None:
    run("cqc-hsca", GOOD)
    abbey = Location.objects.get(cqc_location_id="1-100000001")
    assert abbey.beds == 64 and abbey.care_home and not abbey.dormant
    assert (abbey.latitude, abbey.longitude) == (53.0301, -2.1402)
    assert abbey.service_types == ["Care home service with nursing"]
    assert abbey.service_user_bands == ["Older People", "Dementia"]
    assert "Treatment of disease, disorder or injury" in abbey.regulated_activities
    assert abbey.latest_rating == "Good" and abbey.latest_rating_date == date(2023, 5, 12)
    assert abbey.registration_date == date(2010, 10, 1)
    assert abbey.provider is not None and abbey.provider.companies_house_number == "01234567"
    lodge = Location.objects.get(cqc_location_id="1-100000003")
    assert lodge.dormant and lodge.latest_rating == "" and lodge.latest_rating_date is None
    assert Location.objects.get(cqc_location_id="1-100000002").beds is None


def test_it_reads_the_xlsx_the_same_as_the_csv(councils: list, tmp_path: Path) -> None:
    header, data = rows()
    report = run("cqc-hsca", save_xlsx(tmp_path, header, data))
    assert report.rows_written == 3 and report.errors == []
    assert report.run is not None and report.run.edition == "1 May 2024"
    abbey = Location.objects.get(cqc_location_id="1-100000001")
    assert abbey.beds == 64 and abbey.registration_date == date(2010, 10, 1)
    again = run("cqc-hsca", GOOD)
    assert again.rows_written == 0


def test_it_tolerates_columns_in_another_order_and_spelling(councils: list, tmp_path: Path) -> None:
    header, data = rows()
    renamed = {
        "Care homes beds": "Care Home Beds",
        "Care home?": "Care home",
        "Dormant (Y/N)": "Dormant",
    }
    data = [{renamed.get(k, k): v for k, v in row.items()} for row in data]
    header = sorted(renamed.get(h, h) for h in header)
    run("cqc-hsca", save_csv(tmp_path, header, data))
    assert Location.objects.get(cqc_location_id="1-100000001").beds == 64


def test_it_refuses_a_file_missing_a_required_column_by_name(
    councils: list, tmp_path: Path
) -> None:
    header, data = rows()
    header.remove("Location Local Authority")
    with pytest.raises(ImportRefused, match="'Location Local Authority'"):
        run("cqc-hsca", save_csv(tmp_path, header, data))


def test_it_reports_each_bad_cell_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    header, data = rows()
    bad = [dict(data[0]) for _ in range(5)]
    bad[0].update({"Location ID": "?", "Care homes beds": "-3"})
    bad[1].update({"Location ID": "1-900000002", "Location HSCA start date": "31/13/2020"})
    bad[2].update(
        {"Location ID": "1-900000003", "Care homes beds": "sixty", "Dormant (Y/N)": "Maybe"}
    )
    bad[3].update({"Location ID": "1-900000004", "Location Latitude": "123"})
    bad[4].update({"Location ID": "1-100000001"})
    before = counts()
    report = run("cqc-hsca", save_csv(tmp_path, header, data + bad))
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "Location ID"),
        (5, "Care homes beds"),
        (6, "Location HSCA start date"),
        (7, "Dormant (Y/N)"),
        (7, "Care homes beds"),
        (8, "Location Latitude"),
        (9, "Location ID"),
    ]
    assert "cannot be negative" in report.errors[1].reason
    assert "repeats line 2" in report.errors[-1].reason
    assert counts() == before


def test_it_refuses_a_truncated_spreadsheet(councils: list, tmp_path: Path) -> None:
    header, data = rows()
    path = save_xlsx(tmp_path, header, data)
    cut = write(tmp_path, "cut.xlsx", "")
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    before = counts()
    with pytest.raises(ImportRefused, match="truncated"):
        run("cqc-hsca", cut)
    assert counts() == before


def test_it_updates_only_what_changed(councils: list, tmp_path: Path) -> None:
    run("cqc-hsca", GOOD)
    header, data = rows()
    data[0]["Care homes beds"] = "70"
    report = run("cqc-hsca", save_csv(tmp_path, header, data))
    assert (report.rows_written, report.rows_unchanged) == (1, 2)
    abbey = Location.objects.get(cqc_location_id="1-100000001")
    assert abbey.beds == 70 and abbey.import_run == report.run


def test_a_large_file_is_read_once_and_written_from_the_rows_kept(
    councils: list, tmp_path: Path
) -> None:
    from caremarket.imports.framework import KeptRows, run_import
    from caremarket.imports.importers.cqc_hsca import CqcHscaImporter

    class Counted(CqcHscaImporter):
        reads = 0

        def read(self, path: Path):  # type: ignore[no-untyped-def]
            Counted.reads += 1
            return super().read(path)

    header, data = rows()
    many = [
        {**data[n % len(data)], "Location ID": f"1-{300000000 + n}"}
        for n in range(KeptRows.BATCH * 2 + 5)
    ]
    many[7]["Care homes beds"] = "lots"  # a bad row, skipped, not kept
    report = run_import(Counted, save_csv(tmp_path, header, many), skip_bad_rows=True)
    assert Counted.reads == 1
    assert (report.rows_read, report.error_count) == (len(many) - 1, 1)
    assert report.rows_written == Location.objects.count() == len(many) - 1
    last = Location.objects.get(cqc_location_id=many[-1]["Location ID"])
    assert (last.source_row, last.name) == (len(many) + 1, many[-1]["Location Name"])
    assert not Location.objects.filter(cqc_location_id=many[7]["Location ID"]).exists()
