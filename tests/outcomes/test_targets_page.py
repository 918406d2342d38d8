"""Targets: set on the staff page (wrong, missing and huge input refused in words, nothing
lost), audited, shown beside the figure on the council's data page and on the ASCOF page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.outcomes.models import Target
from caremarket.places.models import LocalAuthority
from tests.imports.helpers import run, write
from tests.outcomes.helpers import STOKE, sample_rows, write_cld
from tests.outcomes.test_ascof_command import add_population

URL = "/staff/stoke-on-trent/outcomes/targets/"
SOURCE = "Stoke-on-Trent Local Account 2020-21"
FIGURES = (
    "local_authority,period,measure,dimension,category,value,unit,source,base_period\n"
    f"E06000021,2020/21,healthwatch_indicator,indicator|status,people_engaged|actual,3641,count,{SOURCE},\n"
    f"E06000021,2020/21,healthwatch_indicator,indicator|status,twitter_followers|actual,2758,count,{SOURCE},\n"
    f"E06000021,2023/24,funding_real_terms_cut_since_2010_11_pct,all,Total,29.6,pct,{SOURCE},\n"
)
ENGAGED = "healthwatch_indicator::indicator|status::people_engaged|actual"
CUT = "funding_real_terms_cut_since_2010_11_pct::all::Total"


@pytest.fixture
def commissioner(councils: list, client, tmp_path: Path) -> User:
    run("figures", write(tmp_path, "figures.csv", FIGURES))
    user = User.objects.create_user("commissioner", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    client.force_login(user)
    return user


def good(**changes: str) -> dict[str, str]:
    return {
        "figure": ENGAGED,
        "period": "2020/21",
        "value": "6000",
        "direction": "higher",
        "tolerance": "",
        "source": "Local Account 2020-21, section 8 (Healthwatch table)",
        **changes,
    }


def test_a_target_is_set_audited_and_shown_beside_its_figure(commissioner: User, client) -> None:
    response = client.post(URL, good())
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.measure, target.category, target.value, target.tolerance) == (
        "healthwatch_indicator",
        "people_engaged|actual",
        6000,
        0,
    )
    assert target.set_by == commissioner
    event = AuditEvent.objects.get(action="set a target")
    assert event.user == commissioner and event.object_id == str(target.pk)
    staff_page = client.get(URL).content.decode()
    assert 'type="text" name="value" inputmode="decimal"' in staff_page  # GOV.UK: no type=number
    assert "Target 6,000, actual 3,641: missed the target (2,359 below it)." in staff_page
    public = client.get("/councils/stoke-on-trent/").content.decode()
    assert "Figures against the council's targets" in public
    assert 'govuk-tag--red">Missed</strong>' in public
    assert "Target 6,000, actual 3,641: missed the target" in public
    assert "Healthwatch indicators: People engaged, actual" in public
    # the same figure and period again replaces the target, audited as a change
    client.post(URL, good(value="3000", direction="higher"))
    assert Target.objects.get().value == 3000
    assert AuditEvent.objects.filter(action="changed a target").count() == 1
    public = client.get("/councils/stoke-on-trent/").content.decode()
    assert 'govuk-tag--green">Met</strong>' in public


def test_a_percentage_near_its_target_and_a_period_without_a_figure(
    commissioner: User, client
) -> None:
    client.post(URL, good(figure=CUT, period="2023/24", value="28", direction="lower",
                          tolerance="2"))  # fmt: skip
    client.post(URL, good(figure=CUT, period="2024/25", value="28", direction="lower"))
    page = client.get("/councils/stoke-on-trent/").content.decode()
    assert (
        "Target 28.0%, actual 29.6%: near the target (1.6 percentage points above it, within "
        "the tolerance of 2.0 percentage points)." in page
    )
    assert 'govuk-tag--yellow">Near</strong>' in page
    assert "Target 28.0%; no figure for 2024/25 yet." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"figure": ""}, "Choose the figure the target is for"),
        ({"figure": "population::all::Total"}, "Choose one of the council&#x27;s figures"),
        ({"period": ""}, "Enter period"),
        ({"period": "last year"}, "Enter the period like 2020/21, 2024 or 2024-03-31"),
        ({"period": "2020/22"}, "A financial year runs over two years in a row, like 2020/21"),
        ({"value": ""}, "Enter the target value"),
        ({"value": "lots"}, "The target value must be a number"),
        ({"value": "nan"}, "The target value must be a number"),
        ({"value": "1e400"}, "The target value must be a number"),
        ({"value": "9" * 40}, "The target value must be at most 1,000,000,000,000"),
        ({"direction": ""}, "Choose whether higher or lower is better"),
        ({"direction": "sideways"}, "Choose whether higher or lower is better"),
        ({"tolerance": "-1"}, "The tolerance must be 0 or more"),
        ({"source": "x" * 301}, "must be 300 characters or fewer"),
    ],
)
def test_bad_input_is_refused_in_words_and_kept(
    commissioner: User, client, changes: dict[str, str], message: str
) -> None:
    response = client.post(URL, good(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert Target.objects.count() == 0
    assert "Local Account 2020-21, section 8" in page or "source" in changes  # kept


def test_removing_a_target_is_a_post_and_audited(commissioner: User, client) -> None:
    client.post(URL, good())
    target = Target.objects.get()
    assert client.get(f"{URL}{target.pk}/remove/").status_code == 302
    assert Target.objects.count() == 1
    client.post(f"{URL}{target.pk}/remove/")
    assert Target.objects.count() == 0
    assert AuditEvent.objects.filter(action="removed a target").count() == 1


def test_another_councils_target_cannot_be_removed(commissioner: User, client) -> None:
    other = LocalAuthority.objects.get(code="E08000026")
    target = Target.objects.create(
        local_authority=other, measure="population", period="2021", value=1,
        direction="higher", set_at="2026-01-01T00:00Z",
    )  # fmt: skip
    assert client.post(f"{URL}{target.pk}/remove/").status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()


def test_ascof_targets_are_set_from_the_ascof_page_and_shown_there(
    commissioner: User, client, tmp_path: Path
) -> None:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    add_population(LocalAuthority.objects.get(code=STOKE))
    ascof = client.get("/staff/stoke-on-trent/outcomes/ascof/").content.decode()
    link = "?figure=ascof_3d%3A%3Aascof%3A%3AClients%20who%20receive%20direct%20payments%20"
    assert link in ascof
    figure = "ascof_3d::ascof::Clients who receive direct payments (2a), Aged 18 to 64"
    assert f'value="{figure}"' in client.get(URL).content.decode()
    refused = client.post(URL, good(figure=figure, period="2024"))
    assert "ASCOF figures are for reporting years, like 2024/25" in refused.content.decode()
    client.post(URL, good(figure=figure, period="2024/25", value="90", tolerance="5"))
    ascof = client.get("/staff/stoke-on-trent/outcomes/ascof/").content.decode()
    assert "Target 90.0%, actual 100.0%: met the target (10.0 percentage points above it)." in ascof
    assert 'govuk-tag--green">Met</strong>' in ascof


def test_the_demo_sets_the_seed_targets_beside_the_seed_figures(councils: list, client) -> None:
    from django.conf import settings

    from caremarket.accounts.demo import staff_login
    from caremarket.accounts.roles import Role
    from caremarket.demo import set_demo_targets

    run("figures", settings.EXAMPLES_DIR / "figures" / "stoke-on-trent.csv")
    out = io.StringIO()
    setter, login = staff_login(councils[0], Role.COMMISSIONER, "commissioner", "Asha Patel")
    assert login.label == "Commissioner: Asha Patel (invented), Stoke-on-Trent"
    set_demo_targets(councils[0], setter, out)
    set_demo_targets(councils[0], setter, out)  # again: still three
    assert Target.objects.count() == 3
    client.force_login(setter)
    staff_page = client.get(URL).content.decode()
    assert staff_page.count("Asha Patel (invented), ") == 3 and "not recorded" not in staff_page
    # a target whose setter's account has gone says so in words
    setter.delete()
    client.force_login(User.objects.create_superuser("site"))
    staff_page = client.get(URL).content.decode()
    assert staff_page.count("; who set it is not recorded") == 3
    page = client.get("/councils/stoke-on-trent/").content.decode()
    for sentence in (
        "Target 100, actual 148: met the target (48 above it).",
        "Target 6,000, actual 3,641: missed the target (2,359 below it).",
        "Target 2,500, actual 2,758: met the target (258 above it).",
    ):
        assert sentence in page
    assert "Source: Stoke-on-Trent Local Account 2020-21, section 8" in page


def test_the_council_page_folds_each_themes_figures_with_their_charts_and_downloads(
    commissioner: User, client
) -> None:
    """A phone reader gets a page of sections, not every table at once (the demo's Stoke page
    was 96,000 pixels tall at 390 wide): each theme's tables, charts, CSV links and targets sit
    together in one closed <details>; the population projection stays open above them."""
    client.post(URL, good())
    page = client.get("/councils/stoke-on-trent/").content.decode()
    theme = page.index('id="theme-outcomes"')
    opened = page.index("<details", theme)
    closed = page.index("</details>", opened)
    folded = page[opened:closed]
    assert "Show the figures (1 table and the targets)" in folded
    assert '<table class="govuk-table cm-data-table" id="table-healthwatch-indicator' in folded
    assert "/councils/stoke-on-trent/figures/healthwatch-indicator" in folded  # its CSV
    assert "Figures against the council's targets" in folded
    assert page.count("<details") == page.count("</details>") >= 2  # each section folded
    assert page.index('id="theme-outcomes"') < opened  # the heading stays in the contents
