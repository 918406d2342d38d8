"""The Local Account's "Keeping our population safe" and "Compliments, complaints and comments"
drawn from the council's safeguarding return and its complaints log: tables in words, a CSV per
table, frozen when published."""

from __future__ import annotations

import csv
import io

from caremarket.outcomes.demo import invent_feedback
from caremarket.statements import workflow
from caremarket.statements.catalogue import LOCAL_ACCOUNT
from caremarket.statements.data import build_block
from tests.imports.helpers import run
from tests.outcomes.test_safeguarding_import import STOKE_FILE
from tests.statements.test_local_account import people, publish

__all__ = ["people"]


def test_the_sections_draw_the_years_return_and_log(councils: list, people, client) -> None:
    stoke = councils[0]
    assert build_block("safeguarding", stoke, None, "2020/21") is None
    assert build_block("complaints", stoke, None, "2020/21") is None
    run("safeguarding", STOKE_FILE)
    invent_feedback(stoke, io.StringIO())
    assert build_block("safeguarding", stoke, None, None) is None  # no year, no figures
    assert build_block("complaints", stoke, None, "2019/20") is None
    writer, reviewer = people
    edition = workflow.create_statement(
        stoke, period="2020/21", slug="local-account-2020-21", user=writer, kind=LOCAL_ACCOUNT
    )
    publish(edition, writer, reviewer)
    edition.refresh_from_db()
    safe = edition.snapshot["blocks"]["safeguarding"]["tables"]
    assert [t["id"] for t in safe] == [
        "safeguarding-2020-21",
        "safeguarding-abuse-type-2020-21",
        "safeguarding-location-2020-21",
        "dols-2020-21",
    ]
    assert safe[0]["rows"] == [
        ["Safeguarding concerns", 4193],
        ["Section 42 safeguarding enquiries", 326],
        ["Substantiated safeguarding enquiries", 238],
    ]
    handled = edition.snapshot["blocks"]["complaints"]["tables"][1]["rows"]
    assert ["Complaints upheld (fully or partly)", 26] in handled
    assert ["Share of answered complaints answered within 15 working days", "72%"] in handled

    text = client.get(edition.public_url()).content.decode()
    for words in (
        "Keeping our population safe",
        "Safeguarding concerns and enquiries by type of abuse, 2020/21",
        "Financial or material abuse",
        "Deprivation of Liberty Safeguards referrals",
        "Compliments, complaints and comments by service area, 2020/21",
        "Lifeline &amp; Telecare",
        "were invented for the demonstration",
    ):
        assert words in text, words
    assert "financial_or_material_abuse" not in text and "s42_enquiries" not in text

    response = client.get(edition.public_url() + "tables/safeguarding-abuse-type-2020-21.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Type of abuse",
        "Concerns",
        "Section 42 enquiries",
        "Substantiated (fully or partly)",
    ]
    assert ["Financial or material abuse", "634", "52", "61"] in rows
    response = client.get(edition.public_url() + "tables/feedback-by-service-area-2020-21.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Service area", "Compliments", "Complaints", "Comments"]
    assert ["Total", "82", "88", "1"] in rows
