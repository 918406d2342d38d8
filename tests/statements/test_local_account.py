"""The Local Account: a second kind of statement, drafted, reviewed and published like the MPS,
with "How we are doing" drawn live from the council's Client Level Data and its targets."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from caremarket.accounts.models import Membership, User
from caremarket.outcomes.models import Target
from caremarket.places.models import LocalAuthority
from caremarket.statements import workflow
from caremarket.statements.catalogue import (
    DOCUMENT_TYPES,
    LOCAL_ACCOUNT,
    LOCAL_ACCOUNT_SECTIONS,
    MPS,
)
from caremarket.statements.data import PROVIDERS, YEARLY_PROVIDERS, build_block
from caremarket.statements.formatting import period_in_words, reporting_year_of
from caremarket.statements.models import Statement
from caremarket.statements.render import render_document_html
from tests.imports.helpers import run
from tests.outcomes.helpers import STOKE, sample_rows, write_cld
from tests.outcomes.test_ascof_command import add_population

STAFF_LIST = "/staff/stoke-on-trent/local-accounts/"


@pytest.fixture
def people(councils: list) -> tuple[User, User]:
    writer = User.objects.create_user("writer", password="a-long-password-1")
    reviewer = User.objects.create_user("reviewer", password="a-long-password-1")
    for user in (writer, reviewer):
        Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    return writer, reviewer


@pytest.fixture
def with_cld(councils: list, tmp_path: Path) -> LocalAuthority:
    """Stoke with the hand-worked 2024/25 CLD (2A: 1 of 1) and its population."""
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    stoke = LocalAuthority.objects.get(code=STOKE)
    add_population(stoke)
    return stoke


def local_account(council: LocalAuthority, writer: User, period: str = "2024/25") -> object:
    return workflow.create_statement(
        council,
        period=period,
        slug="local-account-2024-25",
        user=writer,
        kind=LOCAL_ACCOUNT,
        narrative={"introduction": "Our year, in our words."},
    )


def publish(edition, writer: User, reviewer: User):
    workflow.submit_for_review(edition, writer)
    findings = workflow.findings_for(edition)
    return workflow.publish(edition, reviewer, {f.code for f in findings if not f.explained})


def test_every_data_section_of_each_kind_has_a_provider() -> None:
    for document in DOCUMENT_TYPES.values():
        for spec in document.sections:
            if spec.data_key and spec.data_key != "sources":
                assert spec.data_key in PROVIDERS or spec.data_key in YEARLY_PROVIDERS, spec
        keys = [s.key for s in document.sections]
        assert len(keys) == len(set(keys)) and keys[-1] == "sources"


def test_the_local_account_has_the_seed_sections_in_order() -> None:
    titles = [s.title for s in LOCAL_ACCOUNT_SECTIONS]
    assert titles[0] == "Introduction" and "How we are doing" in titles
    data_keys = {s.key: s.data_key for s in LOCAL_ACCOUNT_SECTIONS}
    assert data_keys["services"] == "activity"
    # figures from the safeguarding return and the complaints log
    assert data_keys["keeping-safe"] == "safeguarding"
    assert data_keys["compliments-complaints"] == "complaints"


@pytest.mark.parametrize(
    ("period", "year"),
    [
        ("2024/25", "2024/25"),
        ("2024-25", "2024/25"),
        ("2024–2025", "2024/25"),
        (" 2020 to 2021 ", "2020/21"),
        ("1999/00", "1999/00"),
        ("2024/26", None),
        ("2024–2028", None),
        ("2024", None),
        ("", None),
        ("next year", None),
    ],
)
def test_the_year_a_period_names(period: str, year: str | None) -> None:
    assert reporting_year_of(period) == year


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2020/21", "April 2020 to March 2021"),
        ("2020-21", "April 2020 to March 2021"),
        ("1999/00", "April 1999 to March 2000"),
        ("2024–2028", "2024 to 2028"),
        ("2024-28", "2024 to 2028"),
        ("2028–2024", "2028–2024"),  # backwards: as written, not a made-up span
        ("2024", "2024"),
        ("Autumn 2024", "Autumn 2024"),
        ("", ""),
    ],
)
def test_the_period_a_cover_names_in_words(period: str, words: str) -> None:
    assert period_in_words(period) == words


def test_a_yearly_block_without_a_year_has_no_figures(with_cld: LocalAuthority) -> None:
    assert build_block("outcomes", with_cld, None, None) is None


def test_drafting_and_publishing_a_local_account(
    with_cld: LocalAuthority, people: tuple[User, User], client: Client
) -> None:
    writer, reviewer = people
    Target.objects.create(
        local_authority=with_cld, measure="ascof_2a", dimension="ascof", category="All ages",
        period="2024/25", value=80, direction="higher", tolerance=0, set_at=timezone.now(),
    )  # fmt: skip
    edition = local_account(with_cld, writer)
    statement = edition.statement
    assert statement.kind == LOCAL_ACCOUNT and statement.reporting_year == "2024/25"
    assert statement.title == "Adult Social Care Local Account"
    assert [s.key for s in edition.sections.all()] == [s.key for s in LOCAL_ACCOUNT_SECTIONS]
    with pytest.raises(workflow.WorkflowError, match="second commissioner"):
        workflow.submit_for_review(edition, writer)
        workflow.publish(edition, writer, set())
    workflow.return_to_draft(edition, writer)
    publish(edition, writer, reviewer)
    edition.refresh_from_db()
    table = next(t for t in edition.snapshot["blocks"]["outcomes"]["tables"])
    assert table["id"] == "ascof-measures"
    reablement = next(r for r in table["rows"] if r[0].startswith("New clients who needed"))
    assert reablement[1:] == ["All ages", 1, 1, 100.0, 80.0, "Met the target"]
    rates = edition.snapshot["blocks"]["outcomes"]["tables"][1]
    assert rates["id"] == "ascof-care-home-moves"
    assert [(r[1], r[2]) for r in rates["rows"]] == [("Aged 18 to 64", 0), ("Aged 65 and over", 1)]

    page = client.get(edition.public_url())
    assert page.status_code == 200
    assert edition.public_url().startswith("/councils/stoke-on-trent/local-accounts/")
    text = page.content.decode()
    assert "Adult Social Care Local Account <span" in text and "2024/25" in text
    assert "Market Position Statement" not in text
    assert ">Local Accounts</a>" in text  # breadcrumb
    assert "Met the target" in text and "Target 80.0%, actual 100.0%: met the target" in text
    assert "Our year, in our words." in text
    # the council's own sections with no words yet are left out of what is published
    assert "Keeping our population safe" not in text
    assert "cld.csv" not in text.split("data-technical-appendix")[0]

    pdf = client.get(edition.public_url() + "pdf/")
    reader = PdfReader(io.BytesIO(pdf.content))
    assert reader.metadata.title == "Stoke-on-Trent – Adult Social Care Local Account 2024/25"
    pdf_text = " ".join("".join(p.extract_text() for p in reader.pages).split())
    assert "How people who draw on care and support fared in 2024/25" in pdf_text
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Period covered April 2024 to March 2025" in cover
    assert "All ages 1 1 100.0% 80.0% Met the target" in pdf_text

    response = client.get(edition.public_url() + "tables/ascof-measures.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Measure", "Who", "Counted", "Out of", "Result", "Target",
                       "Against the target"]  # fmt: skip
    assert next(r for r in rows if r[0].startswith("New clients who needed"))[1:] == [
        "All ages", "1", "1", "100.0%", "80.0%", "Met the target"
    ]  # fmt: skip
    # "Our services and what they did": activity from the same CLD, in words and as CSV
    activity = {t["id"]: t for t in edition.snapshot["blocks"]["activity"]["tables"]}
    assert list(activity)[:2] == ["activity-summary", "activity-requests"]
    assert activity["activity-requests"]["rows"] == [
        ["Went on to reablement (short-term support to regain independence)",
         "Short-term support", 0, 1, 1],
        ["All requests", "", 0, 1, 1],
    ]  # fmt: skip
    assert (
        "1 request in all: 0 aged 18 to 64, 1 aged 65 and over."
        in (activity["activity-requests"]["notes"])
    )
    assert "People in long-term support on 31 March 2025, by setting" in text
    response = client.get(edition.public_url() + "tables/activity-long-term-year-end.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Setting", "Aged 18 to 64", "Aged 65 and over", "All ages"]
    assert ["All people in long-term support", "1", "1", "2"] in rows
    # the same document is not also at a Market Position Statement's address
    mps_address = edition.public_url().replace("/local-accounts/", "/mps/")
    assert client.get(mps_address).status_code == 404
    # the council page links it beside its MPS; the MPS list and opportunities do not list it
    council_page = client.get("/councils/stoke-on-trent/").content.decode()
    assert "Adult Social Care Local Account 2024/25" in council_page
    assert (
        "local-account-2024-25" not in client.get("/councils/stoke-on-trent/mps/").content.decode()
    )
    listed = client.get("/councils/stoke-on-trent/local-accounts/").content.decode()
    assert "Adult Social Care Local Account 2024/25, edition 1" in listed


def test_next_years_edition_starts_from_this_one(
    with_cld: LocalAuthority, people: tuple[User, User]
) -> None:
    writer, reviewer = people
    edition = publish(local_account(with_cld, writer), writer, reviewer)
    second = workflow.start_new_edition(edition.statement, reviewer)
    assert second.number == 2 and second.statement.kind == LOCAL_ACCOUNT
    assert second.sections.get(key="introduction").body == "Our year, in our words."


def test_a_year_without_client_level_data_shows_no_ascof(
    with_cld: LocalAuthority, people: tuple[User, User]
) -> None:
    edition = local_account(with_cld, people[0], period="2020/21")
    assert build_block("outcomes", with_cld, None, edition.statement.reporting_year) is None


def test_a_partly_covered_year_says_so(with_cld: LocalAuthority) -> None:
    for key in ("outcomes", "activity"):
        block = build_block(key, with_cld, None, "2025/26")
        notes = block["tables"][0]["notes"] if block else []
        assert any("runs to 30 June 2025, before the end of the year" in n for n in notes), key


def test_a_published_section_without_figures_keeps_its_words_and_no_staff_note(
    with_cld: LocalAuthority, people: tuple[User, User]
) -> None:
    """2020/21 came before Client Level Data: the draft tells staff no figures are there; the
    published Local Account prints the council's words without that note."""
    writer, reviewer = people
    edition = local_account(with_cld, writer, period="2020/21")
    services = edition.sections.get(key="services")
    services.body = "Our Care Brokerage Team arranged packages of care."
    services.save()
    assert "No figures have been imported" in render_document_html(edition)
    published = render_document_html(publish(edition, writer, reviewer))
    assert "Our Care Brokerage Team arranged packages of care." in published
    assert "No figures have been imported" not in published


def test_a_year_no_data_covers_has_no_activity(with_cld: LocalAuthority) -> None:
    assert build_block("activity", with_cld, None, "2020/21") is None  # before CLD began
    assert build_block("activity", with_cld, None, "2027/28") is None  # no events at all
    assert build_block("activity", with_cld, None, None) is None


def test_the_staff_page_creates_a_local_account(people: tuple[User, User], client: Client) -> None:
    client.force_login(people[0])
    page = client.get(STAFF_LIST).content.decode()
    assert '<h1 class="govuk-heading-xl">Local Accounts</h1>' in page
    assert 'value="Adult Social Care Local Account"' in page
    response = client.post(
        STAFF_LIST,
        {"title": "Adult Social Care Local Account", "period": "2024-25", "slug": "la-2024-25"},
    )
    statement = Statement.objects.get(slug="la-2024-25")
    assert response.status_code == 302 and statement.kind == LOCAL_ACCOUNT
    assert statement.period == "2024/25"
    assert "la-2024-25" not in client.get("/staff/stoke-on-trent/mps/").content.decode()
    assert Statement.objects.filter(kind=MPS).count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2024–2028"}, "Enter the year the Local Account covers as a financial year"),
        ({"period": "x" * 5000}, "Enter the year the Local Account covers"),
        ({"period": ""}, "Enter the year the Local Account covers, like 2024/25"),
        ({"title": ""}, "Enter the statement&#x27;s title"),
        ({"slug": "Not a slug!"}, "Use only lower-case letters, numbers and hyphens"),
    ],
)
def test_bad_input_on_the_new_local_account_form(
    people: tuple[User, User], client: Client, data: dict[str, str], message: str
) -> None:
    client.force_login(people[0])
    good = {"title": "Adult Social Care Local Account", "period": "2024/25", "slug": "la"}
    response = client.post(STAFF_LIST, good | data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Statement.objects.exists()


def test_the_mps_command_builds_a_local_account_by_its_short_name(
    with_cld: LocalAuthority, people: tuple[User, User], tmp_path: Path
) -> None:
    from django.core.management import CommandError, call_command

    local_account(with_cld, people[0])
    out = tmp_path / "out"
    call_command("mps", "build", "--council", STOKE, "--draft", "--statement",
                 "local-account-2024-25", "--format", "csv", "--out", str(out))  # fmt: skip
    assert (out / "stoke-on-trent-local-account-2024-25-edition-1-ascof-measures.csv").exists()
    # without a short name the command means the council's Market Position Statement
    with pytest.raises(CommandError, match="has no draft"):
        call_command("mps", "build", "--council", STOKE, "--draft", "--format", "csv",
                     "--out", str(out))  # fmt: skip
