"""`caremarket import cld`: validated whole first, all or nothing, provenance, pseudonyms."""

from __future__ import annotations

import io
import string
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.outcomes.cld_import import REQUIRED
from caremarket.outcomes.models import CldEvent, CldSubmission
from caremarket.outcomes.pseudonym import nhs_number_problem, pseudonym
from tests.imports.helpers import run
from tests.outcomes.helpers import (
    STOKE,
    cld_row,
    cld_text,
    nhs_number,
    sample_rows,
    write_cld,
)


@pytest.fixture
def stoke(councils: list) -> object:
    return councils[0]


def test_it_stores_each_row_pseudonymised_with_its_submission_and_line(
    stoke: object, tmp_path: Path
) -> None:
    rows = sample_rows()
    rows.append(
        cld_row(
            NHS_Number=nhs_number(111222333),
            Reporting_Period_Start_Date="2025-04-01",
            Event_Type="Request",
            Event_Start_Date="2025-04-02",
            Event_End_Date="2025-04-03",
        )
    )
    report = run("cld", write_cld(tmp_path, rows), council=STOKE)
    assert report.written and report.rows_written == 7, report.errors
    subs = list(CldSubmission.objects.order_by("period_start"))
    assert [(s.period_start, s.period_end) for s in subs] == [
        (date(2024, 4, 1), date(2025, 6, 30)),
        (date(2025, 4, 1), date(2025, 6, 30)),
    ]
    assert {s.import_run for s in subs} == {report.run}
    first = CldEvent.objects.get(source_row=2)
    assert (first.birth_year, first.birth_month) == (1944, 2)
    assert first.nhs_pseudonym == pseudonym("nhs", rows[0]["NHS_Number"])
    assert first.local_pseudonym == pseudonym("local", "LA-0001")
    assert len(first.nhs_pseudonym) == 64 and first.event_type == "Request"
    carer = CldEvent.objects.get(source_row=6)
    assert carer.linked_pseudonyms == [pseudonym("local", "LA-0003")]
    assert report.run.citation.startswith("Local authority, Adult Social Care Client Level Data")


def test_no_nhs_number_local_id_postcode_or_birth_date_is_stored_in_clear(
    stoke: object, tmp_path: Path
) -> None:
    rows = sample_rows()
    path = write_cld(tmp_path, rows)
    run("cld", path, council=STOKE)
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    secrets = {r["NHS_Number"] for r in rows} | {r["LA_Person_Unique_Identifier"] for r in rows}
    secrets |= {r["Date_of_Birth"] for r in rows} | {"ST4 1AA", "LA-0003"}
    assert CldEvent.objects.count() == len(rows)
    assert [s for s in secrets if s in dump] == []


def test_bad_rows_kept_in_the_run_report_do_not_repeat_personal_values(
    stoke: object, tmp_path: Path
) -> None:
    rows = [
        *sample_rows(),
        cld_row(NHS_Number="9434765918", Date_of_Birth="14/13/1950", Date_of_Death="1.2.2024"),
    ]
    report = run("cld", write_cld(tmp_path, rows), council=STOKE, skip_bad_rows=True)
    assert report.written and report.error_count == 3
    stored = str(ImportRun.objects.get().report)
    assert "line 8, column Date_of_Birth: is not a date" in stored
    assert "9434765918" not in stored and "14/13/1950" not in stored and "1.2.2024" not in stored


def test_it_changes_nothing_when_the_same_file_comes_again(stoke: object, tmp_path: Path) -> None:
    path = write_cld(tmp_path, sample_rows())
    run("cld", path, council=STOKE)
    again = run("cld", path, council=STOKE)
    assert (again.rows_written, again.rows_unchanged) == (0, 6)
    assert "imported before" in again.warnings[0]
    assert CldEvent.objects.count() == 6 and CldSubmission.objects.count() == 1


BAD = [
    ({"LA_Code": "E08000026"}, "LA_Code", "not E06000021"),
    ({"Event_Start_Date": "31/02/2024"}, "Event_Start_Date", "not a date"),
    ({"Event_End_Date": "yesterday"}, "Event_End_Date", "not a date"),
    ({"NHS_Number": "9434765918"}, "NHS_Number", "check digit"),
    ({"NHS_Number": "12345"}, "NHS_Number", "10 digits"),
    ({"Date_of_Birth": "2999-01-01"}, "Date_of_Birth", "plausible"),
    ({"Date_of_Death": "1940-01-01"}, "Date_of_Death", "before the date of birth"),
    ({"Reporting_Period_End_Date": "2024-01-01"}, "Reporting_Period_End_Date", "before"),
    ({"Reporting_Period_Start_Date": ""}, "Reporting_Period_Start_Date", "empty"),
    ({"Service_Type": "x" * 201}, "Service_Type", "longer than 200"),
    ({"LA_Person_Unique_Identifier": "y" * 101}, "LA_Person_Unique_Identifier", "longer"),
]


def test_it_reports_every_bad_row_by_line_and_column_and_writes_nothing(
    stoke: object, tmp_path: Path
) -> None:
    rows = sample_rows() + [cld_row(**change) for change, _, _ in BAD]
    report = run("cld", write_cld(tmp_path, rows), council=STOKE)
    assert not report.written and CldEvent.objects.count() == 0
    assert ImportRun.objects.count() == 0
    found = {(e.line, e.column): e.reason for e in report.errors}
    for offset, (_, column, words) in enumerate(BAD):
        line = len(sample_rows()) + 2 + offset
        assert words in found[(line, column)], (line, column, found)
    assert report.error_count == len(BAD)


def test_values_outside_the_release_2_lists_are_not_bad_rows(stoke: object, tmp_path: Path) -> None:
    """The method counts them as unmapped (rules.ascof); the import keeps them as given."""
    rows = [
        cld_row(
            NHS_Number=nhs_number(222333444),
            Event_Type="Servic",
            Service_Type="LTS community",
            Event_Start_Date="2024-05-01",
        )
    ]
    report = run("cld", write_cld(tmp_path, rows), council=STOKE)
    assert report.written
    assert CldEvent.objects.get().service_type == "LTS community"


def test_it_refuses_files_it_cannot_read(stoke: object, tmp_path: Path) -> None:
    missing = cld_text(sample_rows(), [c for c in REQUIRED if c != "Event_Type"])
    for text, words in (
        ("", "empty"),
        (missing, "'Event_Type'"),
        (cld_text([]), "no rows"),
    ):
        path = tmp_path / "f.csv"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ImportRefused, match=words):
            run("cld", path, council=STOKE)
    with pytest.raises(ImportRefused, match="--council"):
        run("cld", write_cld(tmp_path, sample_rows()))
    path = tmp_path / "latin1.csv"
    path.write_bytes(cld_text(sample_rows()).replace("Female", "Fémale").encode("latin-1"))
    with pytest.raises(ImportRefused, match="UTF-8"):
        run("cld", path, council=STOKE)
    assert CldEvent.objects.count() == 0


def test_the_nhs_number_check_digit() -> None:
    assert nhs_number_problem("9434765919") is None
    assert nhs_number_problem("9434765918") is not None
    assert nhs_number_problem("943476591") is not None


TEXT = st.text(alphabet=string.printable.replace("\r", "").replace("\x0b", ""), max_size=30)
DATES = st.one_of(
    st.dates(date(1900, 1, 1), date(2030, 1, 1)).map(str),
    TEXT,
    st.dates(date(1900, 1, 1), date(2030, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "NHS_Number": st.one_of(st.integers(0, 10**10).map(str), TEXT),
                "LA_Person_Unique_Identifier": TEXT,
                "Event_Type": TEXT,
                "Event_Start_Date": DATES,
                "Event_End_Date": DATES,
                "Date_of_Birth": DATES,
                "Service_Type": TEXT,
            }
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_file_is_stored_whole_or_not_at_all_and_never_in_clear(
    stoke: object, tmp_path_factory: pytest.TempPathFactory, changes: list[dict[str, str]]
) -> None:
    CldEvent.objects.all().delete()
    CldSubmission.objects.all().delete()
    rows = [cld_row(**change) for change in changes]
    path = write_cld(tmp_path_factory.mktemp("cld"), rows)
    report = run("cld", path, council=STOKE)
    assert all(e.line >= 2 and (e.column in REQUIRED or e.column == "") for e in report.errors)
    stored = CldEvent.objects.count()
    assert stored == (len(rows) if report.written and report.rows_written else 0)
    assert report.written == (report.error_count == 0)
    if stored:
        values = " ".join(
            str(v)
            for v in CldEvent.objects.values_list(
                "nhs_pseudonym", "local_pseudonym", "event_type", "service_type"
            )
        )
        for row in rows:
            digits = "".join(row["NHS_Number"].split())
            if len(digits) == 10:
                assert digits not in values


def test_purge_deletes_only_data_past_the_councils_retention(stoke: object, tmp_path: Path) -> None:
    from caremarket.accounts.models import AuditEvent
    from caremarket.outcomes.housekeeping import purge
    from caremarket.outcomes.models import OutcomesSettings

    rows = sample_rows()
    rows.append(cld_row(NHS_Number=nhs_number(333444555), Reporting_Period_Start_Date="2025-04-01",
                        Event_Type="Request", Event_Start_Date="2025-04-02",
                        Event_End_Date="2025-04-03"))  # fmt: skip
    run("cld", write_cld(tmp_path, rows), council=STOKE)
    # default 48 months: on 1 July 2029 the period ending 30 June 2025 is kept, a day later not
    assert purge(today=date(2029, 6, 30)) == (0, 0)
    assert purge(today=date(2029, 7, 1), dry_run=True) == (2, 7)
    assert CldEvent.objects.count() == 7
    OutcomesSettings.objects.create(local_authority=stoke, cld_retention_months=27)
    assert purge(today=date(2027, 10, 1)) == (2, 7)
    assert CldEvent.objects.count() == 0 and CldSubmission.objects.count() == 0
    assert ImportRun.objects.count() == 1  # provenance stays
    event = AuditEvent.objects.get(action="purged client level data")
    assert event.detail == "2 submission(s), 7 event(s) past retention"
