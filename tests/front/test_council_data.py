"""A council's page shows every figure it holds, grouped by theme, in words, with sources in
words, CSV and JSON for each table, and the same measure from other councils side by side."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.demo import load_councils
from caremarket.places.models import LocalAuthority
from tests.imports.helpers import figures_csv, run

SOURCE = "Stoke-on-Trent Local Account 2020-21, section 6, Our Expenditure"
ROWS = [
    "E06000021,2020/21,qof_prevalence_pct,condition,copd,2.8,pct,"
    f'"{SOURCE} (period = report year)"',
    f'E06000021,2020/21,qof_prevalence_pct,condition,stroke_and_tia,1.9,pct,"{SOURCE}"',
    f'E06000021,2020/21,safeguarding_concerns,abuse_type,physical_abuse,950,count,"{SOURCE}"',
    f'E06000021,2020/21,safeguarding_concerns,abuse_type,neglect_and_acts_of_omission,1200,count,"{SOURCE}"',
    f'E06000021,2020/21,night_sitting_hours,all,Total,12.25,hours,"{SOURCE}"',
    'E08000026,2023/24,safeguarding_concerns,all,Total,3100,count,"Coventry MPS 2024-29"',
]


@pytest.fixture
def stoke(db: None, tmp_path: Path) -> LocalAuthority:
    councils = load_councils()
    run("figures", figures_csv(tmp_path, ROWS))
    return councils[0]


def test_the_council_page_groups_figures_by_theme_in_words(client: Client, stoke):
    page = client.get(stoke.get_absolute_url()).content.decode()
    for words in (
        "Need", "Safeguarding", "Other figures", "COPD", "Stroke and TIA",
        "Safeguarding concerns by type of abuse", "Neglect and acts of omission",
        "Night sitting hours", "12.25", f"Source: {SOURCE}", "2.8%",
    ):  # fmt: skip
        assert words in page, words
    words_read = re.sub(r"<[^>]+>", " ", page)
    for machine in ("E06000021", "qof_prevalence", "stroke_and_tia", ".csv", "period = "):
        assert machine not in words_read, machine
    assert reverse("statements:market_opportunities") in page
    assert reverse("directory:search") in page
    assert reverse("front:measure_compare", kwargs={"measure": "safeguarding_concerns"}) in page


def test_each_table_downloads_as_csv_and_json(client: Client, stoke):
    table = "qof-prevalence-pct-condition"
    csv_url = reverse("front:council_table_csv", kwargs={"council": stoke.slug, "table": table})
    text = client.get(csv_url).content.decode()
    assert text.splitlines()[0].startswith("Condition,")
    assert "COPD,2.8" in text
    assert f"Source: {SOURCE}" in text
    json_url = reverse("front:council_table_json", kwargs={"council": stoke.slug, "table": table})
    data = json.loads(client.get(json_url).content)
    assert data["council"] == "Stoke-on-Trent"
    assert data["rows"][0] == ["COPD", 2.8]
    missing = reverse("front:council_table_csv", kwargs={"council": stoke.slug, "table": "nope"})
    assert client.get(missing).status_code == 404


def test_a_measure_several_councils_hold_is_shown_side_by_side(client: Client, stoke):
    page = client.get(reverse("front:measure_compare", kwargs={"measure": "safeguarding_concerns"}))
    text = page.content.decode()
    assert "Stoke-on-Trent" in text and "Coventry" in text
    assert "3,100" in text and "1,200" in text
    assert client.get("/figures/no_such_measure/").status_code == 404


def test_chart_axis_labels_never_run_together():
    from caremarket.charts import label_positions

    shown = label_positions(26, 3)  # 2022 to 2047
    assert shown[-1] == 25 and shown[-2] <= 22
    assert label_positions(5, 1) == [0, 1, 2, 3, 4]
    assert label_positions(0, 1) == []


def test_staff_see_files_hashes_and_lines_and_the_measures_needing_a_label(client: Client, stoke):
    from caremarket.accounts.models import Membership, User

    url = reverse("needs:provenance", kwargs={"council": stoke.slug})
    assert client.get(url).status_code == 302  # staff only
    user = User.objects.create_user("carol")
    Membership.objects.create(user=user, local_authority=stoke, role="commissioner")
    client.force_login(user)
    text = client.get(url).content.decode()
    assert "figures.csv" in text and "night_sitting_hours" in text
    assert "Night sitting hours" in text and "Measures that need a label (1)" in text
    assert "2–3" in text  # the two prevalence rows, as a range of lines
