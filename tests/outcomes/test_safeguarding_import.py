"""`caremarket import safeguarding`: the return checked whole, bad rows by line and column in
words, nothing written unless all is good, a year replaced whole, and `caremarket check`
finding more enquiries substantiated than there were enquiries."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from caremarket.accounts.models import Membership, User
from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.outcomes.models import SafeguardingFigure
from tests.imports.helpers import EXAMPLES, run, write

HEADER = "local_authority,year,measure,breakdown,category,value,source\n"
SOURCE = "Safeguarding Adults Collection 2023/24"
STOKE_FILE = EXAMPLES / "safeguarding/stoke-on-trent-2020-21.csv"


def return_file(tmp_path: Path, rows: list[str], name: str = "sac.csv") -> Path:
    return write(tmp_path, name, HEADER + "\n".join(rows) + "\n")


def good_rows() -> list[str]:
    return [
        f'E06000021,2023/24,concerns,all,Total,"4,300",{SOURCE}',
        f"E06000021,2023/24,s42_enquiries,all,Total,400,{SOURCE}",
        f"E06000021,2023/24,concluded_enquiries,abuse_type,physical_abuse,50,{SOURCE}",
        f"E06000021,2023/24,substantiated_fully,abuse_type,physical_abuse,20,{SOURCE}",
        f"E06000021,2023/24,substantiated_partly,abuse_type,physical_abuse,10,{SOURCE}",
        f"E06000021,2023/24,msp_asked,all,Total,300,{SOURCE}",
        f"E06000021,2023/24,msp_expressed,all,Total,250,{SOURCE}",
        f"E06000021,2023/24,dols_received,all,Total,1500,{SOURCE}",
        f"E06000021,2023/24,dols_completed,all,Total,900,{SOURCE}",
    ]


def test_a_good_return_is_stored_with_its_provenance(councils: list, tmp_path: Path) -> None:
    report = run("safeguarding", return_file(tmp_path, good_rows()))
    assert report.written and report.rows_written == 9 and report.warnings == []
    concerns = SafeguardingFigure.objects.get(measure="concerns")
    assert concerns.value == 4300 and concerns.year == "2023/24"
    assert concerns.where() == "sac.csv line 2"
    assert concerns.import_run.dataset == "Safeguarding Adults Collection return and DoLS figures"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("E99999999,2023/24,concerns,all,Total,1,s", "local_authority", "not a council we know"),
        (",2023/24,concerns,all,Total,1,s", "local_authority", "'empty'"),
        ("E06000021,2023-24,concerns,all,Total,1,s", "year", "write it like 2020/21"),
        ("E06000021,2023/25,concerns,all,Total,1,s", "year", "not a financial year"),
        ("E06000021,2999/00,concerns,all,Total,1,s", "year", "has not started yet"),
        ("E06000021,2023/24,enquiries,all,Total,1,s", "measure", "not one of the return's"),
        ("E06000021,2023/24,concerns,age,Total,1,s", "breakdown", "all, abuse_type or location"),
        ("E06000021,2023/24,dols_received,location,own_home,1,s", "breakdown", "use all"),
        ("E06000021,2023/24,concerns,all,own_home,1,s", "category", "must be Total"),
        ("E06000021,2023/24,concerns,abuse_type,theft,1,s", "category", "not a type of abuse"),
        ("E06000021,2023/24,concerns,location,moon,1,s", "category", "not a location of risk"),
        ("E06000021,2023/24,concerns,all,Total,,s", "value", "is empty"),
        ("E06000021,2023/24,concerns,all,Total,-3,s", "value", "not a whole number"),
        ("E06000021,2023/24,concerns,all,Total,2.5,s", "value", "not a whole number"),
        ("E06000021,2023/24,concerns,all,Total,١٢,s", "value", "not a whole number"),
        ("E06000021,2023/24,concerns,all,Total,99999999999,s", "value", "more than 10,000,000"),
        ("E06000021,2023/24,concerns,all,Total,1,", "source", "say where the figures come from"),
        ("E06000021,2023/24,concerns,all,Total,1," + "x" * 1001, "source", "longer than 1,000"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(
    councils: list, tmp_path: Path, row: str, column: str, words: str
) -> None:
    report = run("safeguarding", return_file(tmp_path, [*good_rows(), row]))
    assert not report.written
    assert [(e.line, e.column) for e in report.errors] == [(11, column)]
    assert words in report.errors[0].reason
    assert SafeguardingFigure.objects.count() == 0 and ImportRun.objects.count() == 0


def test_a_repeated_count_and_a_short_row_are_bad_rows(councils: list, tmp_path: Path) -> None:
    rows = [*good_rows(), good_rows()[1].replace("400", "401"), "E06000021,2023/24,concerns"]
    report = run("safeguarding", return_file(tmp_path, rows))
    assert [str(e) for e in report.errors] == [
        "line 11: repeats line 3 (same council, year, measure, breakdown and category)",
        "line 12: has 3 field(s) but the header has 7; is the file truncated?",
    ]
    assert SafeguardingFigure.objects.count() == 0


def test_a_missing_column_refuses_the_file(councils: list, tmp_path: Path) -> None:
    path = write(tmp_path, "sac.csv", "local_authority,year,measure,value\nE06000021,2023/24,x,1\n")
    with pytest.raises(ImportRefused, match="'breakdown', 'category', 'source'"):
        run("safeguarding", path)


def test_a_huge_field_is_a_bad_row_not_a_crash(councils: list, tmp_path: Path) -> None:
    rows = [*good_rows(), "E06000021,2023/24,concerns,all,Total,1," + "y" * 200_000]
    report = run("safeguarding", return_file(tmp_path, rows))
    assert not report.written and report.errors[0].line == 11
    assert SafeguardingFigure.objects.count() == 0


def test_a_binary_file_is_refused_or_reported(councils: list, tmp_path: Path) -> None:
    path = write(tmp_path, "sac.csv", HEADER + "E06000021,2023/24,concerns,all,Total,1,a\x00b\n")
    report = run("safeguarding", path)
    assert not report.written and "NUL byte" in str(report.errors[0])


def test_importing_a_year_again_replaces_it_whole(councils: list, tmp_path: Path) -> None:
    run("safeguarding", return_file(tmp_path, good_rows()))
    again = run("safeguarding", return_file(tmp_path, good_rows()))
    assert again.rows_written == 0 and again.warnings == []
    changed = [r.replace(",400,", ",410,") for r in good_rows()[:-1]]
    report = run("safeguarding", return_file(tmp_path, changed, "sac-v2.csv"))
    assert report.rows_written == 1
    assert report.warnings == ["1 count(s) of 2023/24 that this file no longer states were removed"]
    assert not SafeguardingFigure.objects.filter(measure="dols_completed").exists()
    enquiries = SafeguardingFigure.objects.get(measure="s42_enquiries")
    assert enquiries.value == 410 and enquiries.where() == "sac-v2.csv line 3"


def test_more_substantiated_than_concluded_is_a_finding_after_import_and_in_check(
    councils: list, tmp_path: Path
) -> None:
    rows = [*good_rows(), f"E06000021,2023/24,concluded_enquiries,all,Total,20,{SOURCE}"]
    rows.append(f"E06000021,2023/24,substantiated,all,Total,25,{SOURCE}")
    report = run("safeguarding", return_file(tmp_path, rows))
    assert report.warnings == [
        "Part larger than its whole: Substantiated safeguarding enquiries, 2023/24 is 25, more "
        "than safeguarding enquiries concluded (20), which it is part of. Source: "
        "Safeguarding Adults Collection 2023/24. (sac.csv line 12; sac.csv line 11)"
    ]
    out = StringIO()
    call_command("check", council="E06000021", stdout=out)
    assert "Substantiated safeguarding enquiries, 2023/24 is 25" in out.getvalue()


def test_stokes_published_return_finds_the_substantiated_financial_abuse(
    councils: list,
) -> None:
    """Stoke-on-Trent's Local Account 2020-21 prints 61 substantiated enquiries of financial or
    material abuse beside 52 enquiries: `caremarket check` says so in words."""
    report = run("safeguarding", STOKE_FILE)
    assert report.written and report.rows_written == 53
    out = StringIO()
    call_command("check", council="E06000021", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "E06000021 Stoke-on-Trent: Part larger than its whole: Substantiated safeguarding "
        "enquiries by type of abuse (financial or material abuse), 2020/21 is 61, more than "
        "section 42 safeguarding enquiries (52), which it is part of. Source: Stoke-on-Trent "
        'Local Account 2020-21, section "9. Keeping Our Population Safe", table "Safeguarding '
        'Concerns and Enquiries (investigations)". (stoke-on-trent-2020-21.csv line 37; '
        "stoke-on-trent-2020-21.csv line 36)"
    ]


def test_fully_and_partly_substantiated_are_summed_when_no_total_is_stated(
    councils: list, tmp_path: Path
) -> None:
    rows = good_rows()
    rows[2] = rows[2].replace(",50,", ",25,")  # 25 concluded, 20 fully and 10 partly
    report = run("safeguarding", return_file(tmp_path, rows))
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(
        "Part larger than its whole: Substantiated safeguarding enquiries by type of abuse "
        "(physical abuse), 2023/24 is 30, more than safeguarding enquiries concluded (25)"
    )
    assert "sac.csv line 5; sac.csv line 6" in report.warnings[0]


def test_a_council_uploads_its_return_and_reads_the_finding_on_the_run_page(
    councils: list, client
) -> None:
    user = User.objects.create_user("commissioner", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    client.force_login(user)
    url = "/staff/stoke-on-trent/imports/"
    assert ">Safeguarding Adults Collection return" in client.get(url).content.decode()
    other = STOKE_FILE.read_bytes().replace(b"E06000021,", b"E08000026,", 1)
    refused = client.post(
        url, {"format": "safeguarding", "file": SimpleUploadedFile("sac.csv", other)}
    )
    assert refused.status_code == 400 and "not a council we know" in refused.content.decode()
    assert SafeguardingFigure.objects.count() == 0
    response = client.post(
        url,
        {"format": "safeguarding", "file": SimpleUploadedFile("sac.csv", STOKE_FILE.read_bytes())},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "financial or material abuse), 2020/21 is 61" in page
    assert SafeguardingFigure.objects.count() == 53
