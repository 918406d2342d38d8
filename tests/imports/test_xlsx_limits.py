"""Zip-bomb workbooks: inflated size, parts held in memory and single cells are capped while
streaming, and refused before openpyxl parses anything, on the command line and the page."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from caremarket.accounts.models import Membership, User
from caremarket.imports.framework import ImportRefused
from caremarket.imports.importers import tabular
from caremarket.places.models import LocalAuthority
from tests.imports.helpers import counts, run
from tests.imports.test_cqc_hsca import rows, save_xlsx

MIB = 1024 * 1024


def workbook(tmp_path: Path, name: str = "Abbey Court") -> Path:
    header, data = rows()
    data[0]["Location Name"] = name
    return save_xlsx(tmp_path, header, data)


def with_part(
    path: Path,
    name: str,
    inflated: int,
    head: bytes = b"",
    row: bytes = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>',
) -> Path:
    """The workbook with `name` replaced by well-formed XML inflating to `inflated` bytes that
    deflates to very little: a zip bomb, built in pieces."""
    bomb = path.with_name("bomb.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != name:
                out.writestr(item, source.read(item))
        with out.open(name, "w", force_zip64=True) as part:
            part.write(head + b"<worksheet><sheetData>")
            block = row * (MIB // len(row) + 1)
            for _ in range(inflated // MIB):
                part.write(block)
            part.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < inflated // 50
    return bomb


@pytest.fixture
def small_caps(monkeypatch):
    """The caps scaled down 64 times, so a bomb is quick to build: the checks are the same."""
    monkeypatch.setattr(tabular, "MAX_XLSX_INFLATED", 8 * MIB)
    monkeypatch.setattr(tabular, "MAX_XLSX_PART_IN_MEMORY", 2 * MIB)


def test_a_zip_bomb_workbook_is_refused_before_it_is_parsed(db, tmp_path, small_caps):
    bomb = with_part(workbook(tmp_path), "xl/worksheets/sheet1.xml", 16 * MIB)
    before = counts()
    with pytest.raises(ImportRefused, match=r"would unpack to 16 MB, more than the 8 MB allowed"):
        run("cqc-hsca", bomb)
    assert counts() == before


def test_a_part_held_in_memory_is_capped_on_its_own(db, tmp_path, small_caps):
    bomb = with_part(workbook(tmp_path), "xl/styles.xml", 4 * MIB)
    with pytest.raises(ImportRefused, match=r"xl/styles.xml would unpack to 4 MB"):
        run("cqc-hsca", bomb)


def test_a_cell_larger_than_a_spreadsheet_cell_is_refused(db, tmp_path):
    # openpyxl writes at most 32,767 characters a cell, as Excel does: this one is written raw.
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 300_000 + b"</t></is></c></row>"
    path = with_part(workbook(tmp_path), "xl/worksheets/sheet2.xml", MIB, row=cell)
    with pytest.raises(ImportRefused, match="larger than a spreadsheet cell can be"):
        run("cqc-hsca", path)


def test_a_workbook_declaring_xml_entities_is_refused(db, tmp_path):
    doctype = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
    path = with_part(workbook(tmp_path), "xl/worksheets/sheet1.xml", MIB, head=doctype)
    with pytest.raises(ImportRefused, match="declares XML entities"):
        run("cqc-hsca", path)


def test_an_ordinary_workbook_still_reads(councils, tmp_path):
    report = run("cqc-hsca", workbook(tmp_path, name="x" * 30_000), dry_run=True)
    assert report.rows_read == 3 and not report.errors


def test_the_command_line_refuses_a_zip_bomb_with_the_reason(db, tmp_path, small_caps):
    bomb = with_part(workbook(tmp_path), "xl/worksheets/sheet1.xml", 16 * MIB)
    with pytest.raises(CommandError, match=r"bomb\.xlsx refused: the spreadsheet would unpack"):
        call_command("import", "cqc-hsca", str(bomb))


def test_the_upload_page_refuses_a_zip_bomb_with_the_reason(client, db, tmp_path, small_caps):
    council = LocalAuthority.objects.create(
        code="E06000021", name="Stoke-on-Trent", slug="stoke-on-trent"
    )
    user = User.objects.create_user("cath", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=council, role="commissioner")
    client.force_login(user)
    bomb = with_part(workbook(tmp_path), "xl/worksheets/sheet1.xml", 16 * MIB)
    with bomb.open("rb") as handle:
        response = client.post(
            reverse("imports:imports", kwargs={"council": council.slug}),
            {"format": "cqc-hsca", "file": handle},
        )
    assert "would unpack to 16 MB, more than the 8 MB allowed" in response.content.decode()
