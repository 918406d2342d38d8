"""`caremarket import FORMAT FILE`: what a person at a terminal sees, and what gets written."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure
from tests.imports.helpers import counts, with_lines, write

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "figures" / "figures_good.csv"
BAD_ROW = "E06000021,2023/24,people_supported,age_band,85+,abc,people,Test"


def test_it_imports_a_file_and_prints_a_summary(
    councils: list, capsys: pytest.CaptureFixture
) -> None:
    call_command("import", "figures", str(GOOD))
    out = capsys.readouterr().out
    assert "figures figures_good.csv: 5 row(s) read; 5 written, 0 unchanged" in out
    assert CouncilFigure.objects.count() == 5 and ImportRun.objects.count() == 1


def test_it_prints_the_checks_as_warnings(
    councils: list, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    off_by_one = GOOD.read_text(encoding="utf-8").replace(",4000,", ",4001,")
    call_command("import", "figures", str(write(tmp_path, "figures.csv", off_by_one)))
    out = capsys.readouterr().out
    assert (
        "warning: Stated total does not add up: People supported by age group, 2023/24: "
        "the stated total is 4,001"
    ) in out


def test_it_stores_the_council_given_on_the_command_line(councils: list) -> None:
    call_command("import", "figures", str(GOOD), "--council", "E06000021")
    assert ImportRun.objects.get().local_authority == councils[0]


def test_it_writes_nothing_on_a_dry_run(councils: list, capsys: pytest.CaptureFixture) -> None:
    call_command("import", "figures", str(GOOD), "--dry-run")
    assert "dry run, nothing written" in capsys.readouterr().out
    assert counts()["CouncilFigure"] == 0 and counts()["ImportRun"] == 0


def test_it_lists_bad_rows_and_fails_without_writing(
    councils: list, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = with_lines(GOOD, tmp_path, [BAD_ROW])
    before = counts()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "figures", str(path))
    err = capsys.readouterr().err
    assert f"{path.name}: line 7, column value: not a number: 'abc'" in err
    assert counts() == before


def test_it_writes_the_good_rows_when_told_to_skip(
    councils: list, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    call_command("import", "figures", str(with_lines(GOOD, tmp_path, [BAD_ROW])), "--skip-bad-rows")
    captured = capsys.readouterr()
    assert "line 7, column value" in captured.err and "1 bad row(s)" in captured.out
    assert CouncilFigure.objects.count() == 5


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("census", "GOOD"), "unknown format 'census'; choose one of .*figures"),
        (("figures", "missing.csv"), "no such file: .*missing.csv"),
        (("figures", "GOOD", "--council", "E99999999"), "unknown council 'E99999999'"),
    ],
    ids=["unknown-format", "missing-file", "unknown-council"],
)
def test_it_refuses_with_a_clear_message(
    councils: list, tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    given = [str(GOOD) if a == "GOOD" else str(tmp_path / a) if a.endswith(".csv") else a
             for a in arguments]  # fmt: skip
    with pytest.raises(CommandError, match=message):
        call_command("import", *given)
    assert counts()["ImportRun"] == 0


def test_it_names_the_missing_column_of_a_refused_file(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace(",unit,", ",units,", 1)
    with pytest.raises(CommandError, match=r"figures\.csv refused: .*'unit'"):
        call_command("import", "figures", str(write(tmp_path, "figures.csv", text)))


def test_it_refuses_a_file_in_another_encoding(councils: list, tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(GOOD.read_bytes().replace(b"23.50", b"\xa323.50"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("import", "figures", str(path))
    assert counts()["CouncilFigure"] == 0


def test_it_fails_when_every_row_is_bad_even_when_skipping(
    councils: list, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = write(tmp_path, "figures.csv", GOOD.read_text(encoding="utf-8").splitlines()[0] + "\n")
    path = with_lines(path, tmp_path, [BAD_ROW])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "figures", str(path), "--skip-bad-rows")
    assert "line 2, column value" in capsys.readouterr().err
    assert counts()["ImportRun"] == 0


def test_it_refuses_a_header_only_file_even_on_a_dry_run(councils: list, tmp_path: Path) -> None:
    path = write(tmp_path, "figures.csv", GOOD.read_text(encoding="utf-8").splitlines()[0] + "\n")
    with pytest.raises(CommandError, match="header but no rows"):
        call_command("import", "figures", str(path), "--dry-run")
