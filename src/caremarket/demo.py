"""The demo data set: three councils from the seed documents and their published figures,
their postcodes (OS Code-Point Open), wards and Stoke's six towns, and a 2016 sample of the CQC
register placed by postcode.

Everything comes from files in `examples/`, imported through the same importers a council uses,
so the demo also proves the importers read the real formats.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.conf import settings
from django.utils import timezone

from caremarket.accounts.demo import DemoLogin, site_admin, staff_login, staff_sign_in
from caremarket.accounts.models import Membership, User
from caremarket.accounts.roles import Role
from caremarket.imports.framework import run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.outcomes.demo import invent_feedback
from caremarket.outcomes.models import Target
from caremarket.places.models import LocalAuthority
from caremarket.quality.demo import invent_all, provider_logins, quality_officer
from caremarket.sourcing.demo import broker
from caremarket.sourcing.demo import invent_all as invent_brokerage
from caremarket.sourcing.demo import provider_logins as home_care_logins

COUNCILS = (
    ("E06000021", "Stoke-on-Trent", "West Midlands", "stoke-on-trent"),
    ("E08000026", "Coventry", "West Midlands", "coventry"),
    ("E06000022", "Bath and North East Somerset", "South West", "bath-and-north-east-somerset"),
)

#: (format, path inside examples/, council code or None) in the order they load.
DEMO_IMPORTS: tuple[tuple[str, str, str | None], ...] = (
    ("ons-snpp", "data/ons/snpp2022_migcat_persons_65plus_coventry_stoke_banes.csv", None),
    ("figures", "figures/stoke-on-trent.csv", None),
    ("figures", "figures/coventry.csv", None),
    ("figures", "figures/bath-and-north-east-somerset.csv", None),
    ("pipeline", "pipeline.csv", None),
    ("schemes", "schemes.csv", None),
    ("prevalence", "data/prevalence/cfas2_dementia_prevalence_BCC-PHM.csv", None),
    ("codepoint-open", "data/geo/codepoint_open_2025-10_three_councils.csv", None),
    ("wards", "data/geo/wards_three_councils_os_codelist_2025-10.csv", None),
    ("localities", "places/stoke-on-trent-localities.csv", None),
    ("cqc-directory", "data/cqc/cqc_directory_2016-02_partial_three_councils.csv", None),
    ("oruk", "directory/stoke-on-trent.json", "E06000021"),
    ("oruk", "directory/coventry.json", "E08000026"),
    ("oruk", "directory/bath-and-north-east-somerset.json", "E06000022"),
    # Stoke-on-Trent's published 2020/21 safeguarding and DoLS figures (seed 001, section 9)
    ("safeguarding", "safeguarding/stoke-on-trent-2020-21.csv", None),
    # invented people (the file name says so): the ASCOF page needs client level data
    ("cld", "outcomes/stoke-on-trent-cld-INVENTED.csv", "E06000021"),
)


#: Import options by file: the 2016 register extract is old and partial, and says so wherever
#: its locations appear.
DEMO_OPTIONS: dict[str, dict[str, str]] = {
    "data/cqc/cqc_directory_2016-02_partial_three_councils.csv": {
        "edition": "a sample of the register"
    },
}


def load_councils() -> list[LocalAuthority]:
    councils = []
    for code, name, region, slug in COUNCILS:
        council, _ = LocalAuthority.objects.update_or_create(
            code=code, defaults={"name": name, "region": region, "slug": slug}
        )
        councils.append(council)
    return councils


def load_demo(out: TextIO) -> list[DemoLogin]:
    """Load everything; the sign-ins (site admin first, then invented council staff, then
    invented provider staff)."""
    councils = load_councils()
    out.write(f"Councils: {', '.join(c.name for c in councils)}\n")
    for format_name, relative, code in DEMO_IMPORTS:
        path = settings.EXAMPLES_DIR / relative
        council = LocalAuthority.objects.get(code=code) if code else None
        report = run_import(
            IMPORTERS[format_name], path, council=council, options=DEMO_OPTIONS.get(relative)
        )
        if format_name != "figures":  # the figures' findings are acknowledged in the MPS
            for warning in report.warnings:
                out.write(f"  {warning}\n")
        out.write(report.summary() + "\n")
    publish_demo_statements(councils, out)
    commissioner, commissioner_login = staff_login(
        councils[0], Role.COMMISSIONER, f"{councils[0].slug}-commissioner", "Asha Patel"
    )
    set_demo_targets(councils[0], commissioner, out)
    invent_feedback(councils[0], out)  # invented log entries totalling the published counts
    publish_demo_local_account(councils[0], out)  # after the targets and log it reports on
    invent_all(councils, out)  # invented quality records on whatever register locations exist
    invent_brokerage(councils, out)  # invented requests, offers and packages (Stoke-on-Trent)
    stoke = councils[0]  # the invented staff who made its quality records and brokerage
    return [
        site_admin(councils),
        commissioner_login,
        staff_sign_in(quality_officer(stoke), stoke, Role.QUALITY_OFFICER.label),
        staff_sign_in(broker(stoke), stoke, "Broker (practitioner)"),
        *provider_logins(councils),
        *home_care_logins(councils),
    ]


#: Targets the seed states: Stoke-on-Trent Local Account 2020-21 (seed 001), section "8. Our
#: Services", table "Healthwatch 2020/21 (target) 2020/21 (actual)". (measure's category, target)
SEED_TARGETS = (
    ("strategic_meetings_attended|actual", 100.0),
    ("people_engaged|actual", 6000.0),
    ("twitter_followers|actual", 2500.0),
)


def set_demo_targets(council: LocalAuthority, setter: User, out: TextIO) -> None:
    """Stoke-on-Trent's Healthwatch targets for 2020/21, from the seed's own table, set by
    the demo's invented commissioner (`setter`)."""
    for category, value in SEED_TARGETS:
        Target.objects.update_or_create(
            local_authority=council,
            measure="healthwatch_indicator",
            dimension="indicator|status",
            category=category,
            period="2020/21",
            defaults={
                "value": value,
                "direction": Target.Direction.HIGHER,
                "tolerance": 0,
                "source": "Stoke-on-Trent Local Account 2020-21, section 8 (Our Services), "
                "table Healthwatch 2020/21 (target) 2020/21 (actual)",
                "set_by": setter,
                "set_at": timezone.now(),
            },
        )
    out.write(f"Targets: {len(SEED_TARGETS)} for {council.name} from its Local Account\n")


#: The statements were published in 2024: the demo's scenarios start there.
DEMO_BASE_YEAR = 2024

#: The seed statements' periods, for the demo's first editions.
STATEMENT_PERIODS = {
    "E06000021": ("2024–2028", "mps-2024-28", "Adult Social Care Market Position Statement"),
    "E08000026": ("2024–2029", "mps-2024-29", "Adult Social Care Market Position Statement"),
    "E06000022": ("2024–2027", "ageing-well-2024-27", "Ageing Well Market Position Statement"),
}


def demo_commissioners(council: LocalAuthority) -> tuple[User, User]:
    """Two commissioners per council: one drafts, the other reviews (as the workflow requires)."""
    users = []
    for suffix in ("writer", "reviewer"):
        user, created = User.objects.get_or_create(username=f"{council.slug}-{suffix}")
        if created:
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, local_authority=council, role=Role.COMMISSIONER)
        users.append(user)
    return users[0], users[1]


def demo_scenario(council: LocalAuthority, user: User) -> Any:
    """The cited presets on the council's own data, to the statement's horizon and beyond."""
    from caremarket.planning.inputs import default_models, default_years
    from caremarket.planning.models import Scenario

    scenario, _ = Scenario.objects.update_or_create(
        local_authority=council,
        name="Baseline: More Choice, Greater Voice",
        defaults={
            "description": "Cited national rates on the ONS projections; supply from the register.",
            "years": default_years(council, DEMO_BASE_YEAR),
            "demand_models": default_models(council),
            "created_by": user,
            "updated_by": user,
        },
    )
    return scenario


def publish_demo_statements(councils: list[LocalAuthority], out: TextIO) -> None:
    """A published first edition for each council, from its narrative and live data."""
    from caremarket.statements import workflow
    from caremarket.statements.models import Statement
    from caremarket.statements.narrative import read_narrative

    for council in councils:
        period, slug, title = STATEMENT_PERIODS[council.code]
        if Statement.objects.filter(local_authority=council, slug=slug).exists():
            continue
        writer, reviewer = demo_commissioners(council)
        narrative_file = settings.EXAMPLES_DIR / "narrative" / f"{council.slug}.md"
        narrative = read_narrative(narrative_file) if narrative_file.exists() else {}
        edition = workflow.create_statement(
            council, period=period, slug=slug, title=title, user=writer, narrative=narrative
        )
        edition.scenario = demo_scenario(council, writer)
        edition.save(update_fields=["scenario"])
        review_and_publish(edition, writer, reviewer, out)


def review_and_publish(edition: Any, writer: User, reviewer: User, out: TextIO) -> None:
    """The writer sends the edition for review; the reviewer acknowledges every finding staff
    have not explained (the demo's figures are the seeds' own, as published) and publishes."""
    from caremarket.statements import workflow

    workflow.submit_for_review(edition, writer)
    findings = workflow.findings_for(edition)
    workflow.publish(edition, reviewer, {f.code for f in findings if not f.explained})
    statement = edition.statement
    out.write(
        f"{edition.council.name}: {statement.title} {statement.period}, edition 1 published "
        f"({len(findings)} finding(s) acknowledged)\n"
    )


#: Stoke-on-Trent's Local Account 2020-21 (seed 001): its own words, shortened, in
#: examples/narrative/, and the figures it published, from examples/figures/.
LOCAL_ACCOUNT = ("2020/21", "local-account-2020-21", "stoke-on-trent-local-account-2020-21.md")


def publish_demo_local_account(council: LocalAuthority, out: TextIO) -> None:
    """The council's Local Account 2020/21, drafted by one commissioner, published by another."""
    from caremarket.statements import workflow
    from caremarket.statements.catalogue import LOCAL_ACCOUNT as KIND
    from caremarket.statements.models import Statement
    from caremarket.statements.narrative import read_narrative

    period, slug, narrative_file = LOCAL_ACCOUNT
    if Statement.objects.filter(local_authority=council, slug=slug).exists():
        return
    writer, reviewer = demo_commissioners(council)
    narrative = read_narrative(settings.EXAMPLES_DIR / "narrative" / narrative_file, KIND)
    edition = workflow.create_statement(
        council, period=period, slug=slug, user=writer, narrative=narrative, kind=KIND
    )
    review_and_publish(edition, writer, reviewer, out)
    # A draft for the year the invented CLD covers, so staff see ASCOF against targets in it.
    workflow.create_statement(
        council,
        period="2024/25",
        slug="local-account-2024-25",
        user=writer,
        kind=KIND,
        narrative={
            "introduction": "A draft to show how the Local Account reports ASCOF: its figures "
            "for 2024/25 come from the demo's invented Client Level Data (the file's name "
            "says so), not from the council. It is not published."
        },
    )
    out.write(f"{council.name}: a draft Local Account 2024/25 on invented Client Level Data\n")
