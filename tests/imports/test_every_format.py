"""Every format against the same bad files: empty, header only, wrong encoding, truncated.

Each importer must refuse or report these without writing anything, import its good file, and
change nothing when the same file is imported again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.imports.importers.registry import IMPORTERS
from tests.imports.helpers import (
    EXAMPLES,
    FIXTURES,
    counts,
    header_only,
    reencoded,
    run,
    truncated,
    write,
)

#: format → (good file in the real layout, line number of its header)
GOOD_FILES: list[tuple[str, Path, int]] = [
    ("cqc-directory", FIXTURES / "CQC_directory.csv", 5),
    ("cqc-hsca", FIXTURES / "HSCA_Active_Locations.csv", 1),
    ("capacity-tracker", FIXTURES / "capacity_tracker.csv", 1),
    ("onspd", FIXTURES / "onspd_sample.csv", 1),
    ("prevalence", FIXTURES / "prevalence_generic.csv", 1),
    ("prevalence", EXAMPLES / "data/prevalence/cfas2_dementia_prevalence_BCC-PHM.csv", 2),
    ("figures", EXAMPLES / "figures/bath-and-north-east-somerset.csv", 1),
    ("pipeline", EXAMPLES / "pipeline.csv", 1),
    ("schemes", EXAMPLES / "schemes.csv", 1),
    ("ons-snpp", EXAMPLES / "data/ons/snpp2022_migcat_persons_65plus_coventry_stoke_banes.csv", 1),
    ("ons-snpp", FIXTURES.parent / "ons/snpp2022_sample.csv", 1),
    ("figures", FIXTURES.parent / "figures/figures_good.csv", 1),
    ("pipeline", FIXTURES.parent / "council_records/pipeline.csv", 1),
    ("schemes", FIXTURES.parent / "council_records/schemes.csv", 1),
    ("safeguarding", EXAMPLES / "safeguarding/stoke-on-trent-2020-21.csv", 1),
]
IDS = [f"{f}:{p.name}" for f, p, _ in GOOD_FILES]


def without_runs(numbers: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in numbers.items() if k != "ImportRun"}


def test_it_registers_every_format_the_issue_names() -> None:
    assert {
        "ons-snpp",
        "cqc-directory",
        "cqc-hsca",
        "capacity-tracker",
        "onspd",
        "prevalence",
        "figures",
        "pipeline",
        "schemes",
        "safeguarding",
    } <= set(IMPORTERS)


@pytest.mark.parametrize(("format_name", "path", "header_line"), GOOD_FILES, ids=IDS)
def test_it_imports_the_good_file_once(
    councils: list, format_name: str, path: Path, header_line: int
) -> None:
    report = run(format_name, path)
    assert report.written and report.error_count == 0, report.errors[:5]
    assert report.rows_read > 0 and report.rows_written == report.rows_read
    stored = counts()
    again = run(format_name, path)
    assert again.rows_written == 0 and again.rows_unchanged == again.rows_read
    assert without_runs(counts()) == without_runs(stored)


@pytest.mark.parametrize(("format_name", "path", "header_line"), GOOD_FILES, ids=IDS)
def test_it_writes_nothing_on_a_dry_run(
    councils: list, format_name: str, path: Path, header_line: int
) -> None:
    before = counts()
    report = run(format_name, path, dry_run=True)
    assert report.rows_read > 0 and not report.written
    assert counts() == before


@pytest.mark.parametrize(("format_name", "path", "header_line"), GOOD_FILES, ids=IDS)
def test_it_refuses_an_empty_file(
    councils: list, format_name: str, path: Path, header_line: int, tmp_path: Path
) -> None:
    before = counts()
    with pytest.raises(ImportRefused, match="empty"):
        run(format_name, write(tmp_path, path.name, ""))
    assert counts() == before


@pytest.mark.parametrize(("format_name", "path", "header_line"), GOOD_FILES, ids=IDS)
def test_it_refuses_a_file_with_only_a_header(
    councils: list, format_name: str, path: Path, header_line: int, tmp_path: Path
) -> None:
    before = counts()
    with pytest.raises(ImportRefused, match="no rows"):
        run(format_name, header_only(path, tmp_path, header_line))
    assert counts() == before


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
@pytest.mark.parametrize(("format_name", "path", "header_line"), GOOD_FILES, ids=IDS)
def test_it_refuses_a_file_in_another_encoding(
    councils: list,
    format_name: str,
    path: Path,
    header_line: int,
    encoding: str,
    tmp_path: Path,
) -> None:
    before = counts()
    with pytest.raises(ImportRefused, match="not UTF-8"):
        run(format_name, reencoded(path, tmp_path, encoding))
    assert counts() == before


@pytest.mark.parametrize(("format_name", "path", "header_line"), GOOD_FILES, ids=IDS)
def test_it_writes_nothing_from_a_truncated_file(
    councils: list, format_name: str, path: Path, header_line: int, tmp_path: Path
) -> None:
    before = counts()
    report = run(format_name, truncated(path, tmp_path))
    assert report.error_count >= 1 and not report.written
    assert "truncated" in str(report.errors[-1])
    assert counts() == before
