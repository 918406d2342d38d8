"""The tidy council-figures CSV: bad rows, checks as warnings, and random malformed rows."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremarket.demo import load_councils
from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure
from tests.imports.helpers import FIGURES_HEADER, counts, figures_csv, run, write

HEADER = FIGURES_HEADER
GOOD_ROWS = [
    "E06000021,2023/24,people_supported,age_band,18-64,100,people,Test MPS table 1",
    "E06000021,2023/24,people_supported,age_band,65+,200,people,Test MPS table 1",
    "E06000021,2023/24,people_supported,age_band,Total,301,people,Test MPS table 1",
]


figures_file = figures_csv


def test_it_stores_figures_with_provenance_and_warns_of_checks(
    councils: list, tmp_path: Path
) -> None:
    report = run("figures", figures_file(tmp_path, GOOD_ROWS))
    assert report.rows_written == 3
    total = CouncilFigure.objects.get(category="Total")
    assert total.where() == "figures.csv line 4" and total.import_run == report.run
    assert len(report.warnings) == 1 and "301" in report.warnings[0]
    assert report.run is not None and report.run.report["warnings"] == report.warnings


def test_it_reports_every_bad_row_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    rows = [
        *GOOD_ROWS,
        "E06000021,2023/24,people_supported,age_band,85+,lots,people,Test",
        "E09999999,2023/24,people_supported,all,Total,5,people,Test",
        "E06000021,2023/25,people_supported,all,Total,5,people,Test",
        "E06000021,2023/24,people_supported,all,Total,-5,people,Test",
        "E06000021,2023/24,people_supported,age_band,18-64,100,people,Test MPS table 1",
        "E06000021,2023/24,people_supported,all,Total,5,people,",
    ]
    before = counts()
    report = run("figures", figures_file(tmp_path, rows))
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "value"),
        (6, "local_authority"),
        (7, "period"),
        (8, "value"),
        (9, ""),
        (10, "source"),
    ]
    assert "repeats line 2" in report.errors[4].reason
    assert counts() == before


def test_it_refuses_a_file_missing_a_column(councils: list, tmp_path: Path) -> None:
    path = write(
        tmp_path, "x.csv", HEADER.replace(",unit", "") + "E06000021,2023,m,all,Total,1,Test\n"
    )
    with pytest.raises(ImportRefused, match="'unit'"):
        run("figures", path)


def test_it_writes_the_good_rows_when_skipping_bad_ones(councils: list, tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "E06000021,2023/24,people_supported,age_band,85+,lots,people,Test"]
    report = run("figures", figures_file(tmp_path, rows), skip_bad_rows=True)
    assert report.rows_written == 3 and CouncilFigure.objects.count() == 3


def test_it_updates_a_changed_value_and_keeps_the_rest(councils: list, tmp_path: Path) -> None:
    run("figures", figures_file(tmp_path, GOOD_ROWS))
    changed = [*GOOD_ROWS[:2], GOOD_ROWS[2].replace(",301,", ",300,")]
    report = run("figures", figures_file(tmp_path, changed, "v2.csv"))
    assert (report.rows_written, report.rows_unchanged) == (1, 2)
    assert report.warnings == []
    assert CouncilFigure.objects.get(category="Total").where() == "v2.csv line 4"


def test_it_reads_the_period_a_change_is_measured_from(councils: list, tmp_path: Path) -> None:
    header = HEADER.strip() + ",base_period\n"
    rows = [
        "E06000022,2023-05-31,home_care_hours_per_week,all,Total,5600,hours_per_week,Test,",
        "E06000022,2024-05-31,home_care_hours_per_week,all,Total,12600,hours_per_week,Test,",
        "E06000022,2024-05-31,home_care_hours_per_week_change_pct,all,Total,225,pct,Test,"
        "2023-05-31",
    ]
    report = run("figures", write(tmp_path, "changes.csv", header + "\n".join(rows) + "\n"))
    assert report.rows_written == 3
    assert CouncilFigure.objects.get(unit="pct").base_period == "2023-05-31"
    (warning,) = report.warnings
    assert "a change of 225% since 31 May 2023" in warning and "= 125.00%" in warning
    # The same file again changes nothing.
    again = run("figures", write(tmp_path, "changes.csv", header + "\n".join(rows) + "\n"))
    assert again.rows_written == 0


def test_it_refuses_a_base_period_that_is_not_a_period_or_not_on_a_change(
    councils: list, tmp_path: Path
) -> None:
    header = HEADER.strip() + ",base_period\n"
    rows = [
        "E06000021,2024,population_change_pct,all,Total,5,pct,Test,last year",
        "E06000021,2024,population,all,Total,5,people,Test,2023",
    ]
    report = run("figures", write(tmp_path, "bad.csv", header + "\n".join(rows) + "\n"))
    assert [str(e) for e in report.errors] == [
        "line 2, column base_period: not a period: 'last year' (use 2023/24, 2023 or 2024-03-31)",
        "line 3, column base_period: only a change has a period it is measured from",
    ]


def test_it_reports_a_bad_date_and_a_mangled_financial_year(councils: list, tmp_path: Path) -> None:
    rows = [
        *GOOD_ROWS,
        "E06000021,2024-02-30,people_supported,all,Total,5,people,Test",
        "E06000021,23/24,people_supported,all,Total,5,people,Test",
    ]
    before = counts()
    report = run("figures", figures_file(tmp_path, rows))
    assert [str(e) for e in report.errors] == [
        "line 5, column period: not a period: '2024-02-30' (use 2023/24, 2023 or 2024-03-31)",
        "line 6, column period: not a period: '23/24' (use 2023/24, 2023 or 2024-03-31)",
    ]
    assert counts() == before


def test_it_keeps_the_skipped_rows_in_the_run_report(councils: list, tmp_path: Path) -> None:
    rows = [*GOOD_ROWS, "E09999999,2023/24,people_supported,all,Total,5,people,Test"]
    report = run("figures", figures_file(tmp_path, rows), skip_bad_rows=True)
    assert report.run is not None and report.run.status == ImportRun.Status.COMPLETE_WITH_SKIPS
    assert report.run.report["skipped"] == [
        "line 5, column local_authority: unknown council 'E09999999' (give its ONS code)"
    ]
    assert report.run.report["skipped_count"] == 1 and report.run.rows_written == 3


def test_it_writes_nothing_the_second_time(councils: list, tmp_path: Path) -> None:
    path = figures_file(tmp_path, GOOD_ROWS)
    run("figures", path)
    stored = list(CouncilFigure.objects.values())
    again = run("figures", path)
    assert (again.rows_written, again.rows_unchanged) == (0, 3)
    assert list(CouncilFigure.objects.values()) == stored


def test_it_writes_nothing_on_a_dry_run(councils: list, tmp_path: Path) -> None:
    before = counts()
    report = run("figures", figures_file(tmp_path, GOOD_ROWS), dry_run=True)
    assert report.rows_read == 3 and report.summary().endswith("dry run, nothing written")
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n \n", "empty"),
        (HEADER.encode(), "no rows"),
        ((HEADER + GOOD_ROWS[0] + " \xa3100\n").encode("cp1252"), "byte 0xa3"),
        ((HEADER + GOOD_ROWS[0] + "\n").encode("utf-16"), "not UTF-8"),
    ],
    ids=["empty", "blank", "header-only", "cp1252", "utf-16"],
)
def test_it_refuses_a_file_it_cannot_read(
    councils: list, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message):
        run("figures", path)
    assert counts()["ImportRun"] == 0 and CouncilFigure.objects.count() == 0


@pytest.mark.parametrize(
    "last",
    [
        "E06000021,2023/24,people_supported,age_band,85+,4",
        'E06000021,2023/24,people_supported,age_band,85+,4,people,"Test MPS, tab',
    ],
    ids=["cut-mid-row", "unterminated-quote"],
)
def test_it_writes_nothing_from_a_truncated_file(councils: list, tmp_path: Path, last: str) -> None:
    path = write(tmp_path, "figures.csv", HEADER + "\n".join([*GOOD_ROWS, last]))
    before = counts()
    report = run("figures", path)
    (error,) = report.errors
    assert error.line == 5 and "truncated" in error.reason
    assert not report.written and counts() == before


def test_it_reports_a_nul_byte_instead_of_storing_it(councils: list, tmp_path: Path) -> None:
    """PostgreSQL refuses NUL in text: it must be a row error, not a crash mid-transaction."""
    path = figures_file(tmp_path, [*GOOD_ROWS, "E06000021,2023,m,all,Total,1,people,a\x00b"])
    report = run("figures", path)
    assert [(e.line, e.column) for e in report.errors] == [(5, "source")]
    assert "NUL" in report.errors[0].reason and counts()["CouncilFigure"] == 0


# Random malformed rows: the importer may refuse the file or report rows, never crash or
# half-write. Cells are drawn from good values, near misses and junk; rows have random widths,
# and some files are random bytes altogether.
CELLS = {
    "local_authority": ["E06000021", "E08000026", "E99999999", "", "e06000021", "Stoke"],
    "period": ["2023/24", "2023", "2024-03-31", "2023/25", "2024-02-30", "", "last year"],
    "measure": ["people_supported", "complaints", "Bad Measure", "", "x" * 90],
    "dimension": ["all", "age_band", "service|age_band", "", "Age Band"],
    "category": ["Total", "18-64", "65+", "a|Total", "", "x" * 250],
    "value": ["1", "0", "-3", "2.5", "1e400", "nan", "inf", "", "ten", "1,000", "abc"],
    "unit": ["people", "pct", "gbp", "", "x" * 40],
    "source": ["Test MPS", "", "x" * 1200, "é ✓ “quoted”", "a\x00b", '"'],
}
cell = st.one_of(
    st.text(max_size=30), st.sampled_from(sorted({v for vs in CELLS.values() for v in vs}))
)
row_strategy = st.fixed_dictionaries(
    {column: st.one_of(st.sampled_from(values), cell) for column, values in CELLS.items()}
)
# (cells, how many to keep, extra cells): a short row, a full row or a long one
shaped_row = st.tuples(row_strategy, st.integers(0, 8), st.lists(st.text(max_size=10), max_size=2))


def csv_text(rows: list[tuple[dict[str, str], int, list[str]]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CELLS.keys())
    for values, keep, more in rows:
        cells = [*values.values()][:keep] if keep < len(CELLS) else [*values.values(), *more]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8", "surrogatepass")


malformed_file = st.one_of(
    st.lists(shaped_row, min_size=1, max_size=8).map(csv_text),
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda junk: HEADER.encode() + junk),
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=malformed_file, skip=st.booleans())
def test_it_never_crashes_or_half_writes_on_random_rows(content: bytes, skip: bool) -> None:
    load_councils()
    before = counts()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_bytes(content)
        try:
            report = run("figures", path, skip_bad_rows=skip)
        except ImportRefused:
            assert counts() == before
            return
    after = counts()
    if report.error_count and not skip:
        assert after == before and not report.written
    elif report.written:
        added = after["CouncilFigure"] - before["CouncilFigure"]
        assert added == report.rows_written <= report.rows_read
        assert after["ImportRun"] == before["ImportRun"] + 1
    CouncilFigure.objects.all().delete()
    ImportRun.objects.all().delete()
