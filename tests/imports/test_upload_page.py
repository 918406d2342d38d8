"""The commissioners' upload page: provenance list, upload, errors re-rendered, reports."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from caremarket.accounts.audit import AuditEvent
from caremarket.accounts.models import Membership, User
from caremarket.imports import forms
from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure
from tests.imports.helpers import counts

HEADER = b"local_authority,period,measure,dimension,category,value,unit,source\n"
GOOD = HEADER + (
    b"E06000021,2023/24,people_supported,age_band,18-64,100,people,Test MPS\n"
    b"E06000021,2023/24,people_supported,age_band,65+,200,people,Test MPS\n"
    b"E06000021,2023/24,people_supported,age_band,Total,301,people,Test MPS\n"
)
URL = reverse("imports:imports", kwargs={"council": "stoke-on-trent"})


@pytest.fixture
def commissioner(councils: list, client: Client) -> User:
    user = User.objects.create_user("commissioner", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    client.force_login(user)
    return user


def upload(client: Client, content: bytes, name: str = "figures.csv", **options: str) -> object:
    data = {"format": "figures", "file": SimpleUploadedFile(name, content), **options}
    return client.post(URL, data)


def bad_rows(page: str) -> list[list[str]]:
    """The cells of the bad-rows table: line, column, problem."""
    table = page.split('id="bad-rows"', 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    return [
        [html.unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_it_imports_a_file_and_shows_its_run(client: Client, commissioner: User) -> None:
    response = upload(client, GOOD)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{run.pk}/")
    assert run.imported_by == commissioner and run.local_authority is not None
    page = client.get(response["Location"]).content.decode()
    assert "figures.csv" in page and run.sha256 in page
    # A long file name as the heading wraps on a phone instead of scrolling the page sideways.
    assert '<h1 class="govuk-heading-xl cm-file-name">figures.csv</h1>' in page
    assert "Figures that do not add up" in page and "301" in page
    listing = client.get(URL).content.decode()
    assert "figures.csv" in listing and "commissioner" in listing
    assert AuditEvent.objects.filter(action="imported").count() == 1


def test_it_checks_without_writing_on_a_dry_run(client: Client, commissioner: User) -> None:
    response = upload(client, GOOD, dry_run="on")
    assert response.status_code == 200
    assert "dry run, nothing written" in response.content.decode()
    assert CouncilFigure.objects.count() == 0 and ImportRun.objects.count() == 0


def test_it_lists_bad_rows_and_writes_nothing(client: Client, commissioner: User) -> None:
    bad = GOOD + b"E06000021,2023/24,people_supported,age_band,85+,lots,people,Test MPS\n"
    before = counts()
    response = upload(client, bad)
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "The file has 1 bad row, listed below: nothing was imported" in page
    assert "Nothing was imported" in page and bad_rows(page) == [
        ["5", "value", "not a number: 'lots'"]
    ]
    assert (
        'value="figures" checked' in page
        and 'name="skip_bad_rows" type="checkbox" value="on">' in page
    )
    assert counts() == before
    skipped = upload(client, bad, skip_bad_rows="on")
    assert skipped.status_code == 302 and CouncilFigure.objects.count() == 3
    assert "line 5, column value" in client.get(skipped["Location"]).content.decode()


def test_it_refuses_rows_for_another_council(client: Client, commissioner: User) -> None:
    other = HEADER + b"E08000026,2023/24,people_supported,all,Total,1,people,Coventry MPS\n"
    page = upload(client, other).content.decode()
    assert bad_rows(page) == [
        ["2", "local_authority", "unknown council 'E08000026' (give its ONS code)"]
    ]
    assert CouncilFigure.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "figures"}, "Select a file to import"),
        ({"file": b"x"}, "Select the format of the file"),
        ({"format": "onspd", "file": b"x"}, "Select a valid choice"),
        ({"format": "figures", "file": b"just,one\nline"}, "required column(s) missing"),
        ({"format": "figures", "file": b'"unterminated\n'}, "cannot be imported"),
        ({"format": "figures", "file": "é".encode("cp1252") + b"\n"}, "not UTF-8"),
    ],
)
def test_it_rerenders_the_form_with_an_error_summary(
    client: Client, commissioner: User, data: dict, message: str
) -> None:
    post: dict[str, object] = {"dry_run": "on"}
    for key, value in data.items():
        post[key] = SimpleUploadedFile("upload.csv", value) if key == "file" else value
    response = client.post(URL, post)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    assert 'name="dry_run" type="checkbox" value="on" checked' in page
    assert ImportRun.objects.count() == 0


def test_it_refuses_a_file_over_the_size_limit(
    client: Client, commissioner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 100)
    response = upload(client, GOOD)
    assert response.status_code == 400
    assert "must be smaller than" in response.content.decode()
    assert 'value="figures" checked' in response.content.decode()


def test_it_hides_another_councils_runs(client: Client, commissioner: User, councils: list) -> None:
    user = User.objects.create_user("coventry", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[1], role="commissioner")
    upload(client, GOOD)
    run = ImportRun.objects.get()
    client.force_login(user)
    url = reverse("imports:run", kwargs={"council": "coventry", "pk": run.pk})
    assert client.get(url).status_code == 404
    assert (
        "figures.csv"
        not in client.get(
            reverse("imports:imports", kwargs={"council": "coventry"})
        ).content.decode()
    )


def test_it_lists_every_bad_row_when_all_are_bad_even_skipping(
    client: Client, commissioner: User
) -> None:
    bad = HEADER + b"E06000021,2023/24,people_supported,all,Total,-4,people,Test MPS\n"
    bad += b"E06000021,23/24,people_supported,all,Total,4,people,Test MPS\n"
    response = upload(client, bad, skip_bad_rows="on")
    page = response.content.decode()
    assert response.status_code == 400 and "no good ones: nothing was imported" in page
    assert [row[:2] for row in bad_rows(page)] == [["2", "value"], ["3", "period"]]
    assert 'name="skip_bad_rows" type="checkbox" value="on" checked' in page
    assert ImportRun.objects.count() == 0


def test_it_lists_each_runs_provenance(client: Client, commissioner: User) -> None:
    upload(client, GOOD)
    upload(client, GOOD, "again.csv")
    first, _ = ImportRun.objects.order_by("pk")
    page = client.get(URL).content.decode()
    assert "The council: Council figures (tidy CSV)" in page
    # the format choices in words, without the command line's format names
    assert 'value="figures"' in page and "figures: Council figures" not in page
    assert "3 read, 3 written, 0 unchanged" in page and "3 read, 0 written, 3 unchanged" in page
    assert first.sha256[:14] in page and page.count("commissioner</td>") == 2
    assert page.index("again.csv") < page.index(">figures.csv<")  # newest first
    assert len(first.report["warnings"]) == 1


def test_the_size_limit_is_fifty_megabytes() -> None:
    assert forms.MAX_UPLOAD_BYTES == 50 * 1024 * 1024


def test_a_council_uploads_its_directory_feed(client: Client, commissioner: User) -> None:
    from pathlib import Path

    from caremarket.directory.models import Service

    feed = Path(__file__).resolve().parents[1] / "fixtures" / "oruk" / "stoke_directory_feed.json"
    data = {"format": "oruk", "file": SimpleUploadedFile("feed.json", feed.read_bytes())}
    response = client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.filter(local_authority__code="E06000021").count() == 6


def test_a_files_notes_are_not_called_figures_unless_it_holds_figures(
    client: Client, commissioner: User, councils: list
) -> None:
    run = ImportRun.objects.create(
        format="cqc-directory",
        publisher="Care Quality Commission",
        dataset="CQC directory",
        file_name="cqc_directory.csv",
        sha256="0" * 64,
        local_authority=councils[0],
        status=ImportRun.Status.COMPLETE,
        report={"warnings": ["the file has no header row"]},
    )
    url = reverse("imports:run", kwargs={"council": "stoke-on-trent", "pk": run.pk})
    page = client.get(url).content.decode()
    assert "What to know about this file" in page and "the file has no header row" in page
    assert "Figures that do not add up" not in page
