"""A small quality world: two councils, a care home in each, staff and a provider account."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.accounts.models import Membership, User
from caremarket.directory.models import Organization, Service
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location, Provider
from caremarket.places.models import LocalAuthority


@dataclass
class World:
    stoke: LocalAuthority
    coventry: LocalAuthority
    home: Location
    other_home: Location
    coventry_home: Location
    officer: User
    coventry_officer: User
    practitioner: User
    provider: User
    other_provider: User
    service: Service


def user(name: str, council: LocalAuthority | None, role: str) -> User:
    person = User.objects.create_user(name, password="a-long-password-1")
    if council is not None:
        Membership.objects.create(user=person, local_authority=council, role=role)
    return person


def location(
    run: ImportRun,
    cqc_id: str,
    name: str,
    council: LocalAuthority,
    provider: Provider,
    rating: str = "Good",
) -> Location:
    return Location.objects.create(
        cqc_location_id=cqc_id,
        provider=provider,
        name=name,
        postcode="ST3 7AA",
        local_authority=council,
        care_home=True,
        beds=40,
        latest_rating=rating,
        service_types=["Care home service without nursing"],
        import_run=run,
        source_row=1,
    )


def make_world() -> World:
    stoke = LocalAuthority.objects.create(
        code="E06000021", name="Stoke-on-Trent", slug="stoke-on-trent"
    )
    coventry = LocalAuthority.objects.create(code="E08000026", name="Coventry", slug="coventry")
    run = ImportRun.objects.create(
        format="cqc-hsca",
        publisher="CQC",
        dataset="HSCA",
        file_name="hsca.csv",
        sha256="0" * 64,
        status="ok",
    )
    grange = Provider.objects.create(
        cqc_provider_id="1-1", name="Grange Care Ltd", import_run=run, source_row=1
    )
    other = Provider.objects.create(
        cqc_provider_id="1-2", name="Other Care Ltd", import_run=run, source_row=2
    )
    home = location(run, "1-000000001", "Meir Grange", stoke, grange)
    other_home = location(run, "1-000000002", "Longton Lodge", stoke, other)
    coventry_home = location(run, "1-000000003", "Foleshill House", coventry, other)
    org = Organization.objects.create(name="Grange Care Ltd", cqc_provider=grange)
    other_org = Organization.objects.create(name="Other Care Ltd", cqc_provider=other)
    provider = user("grange-provider", stoke, "provider")
    other_provider = user("other-provider", stoke, "provider")
    org.editors.add(provider)
    other_org.editors.add(other_provider)
    service = Service.objects.create(
        organization=org,
        local_authority=stoke,
        cqc_location=home,
        kind=Service.Kind.CARE_HOME,
        name="Meir Grange",
    )
    return World(
        stoke=stoke,
        coventry=coventry,
        home=home,
        other_home=other_home,
        coventry_home=coventry_home,
        officer=user("stoke-quality", stoke, "quality_officer"),
        coventry_officer=user("coventry-quality", coventry, "quality_officer"),
        practitioner=user("stoke-practitioner", stoke, "practitioner"),
        provider=provider,
        other_provider=other_provider,
        service=service,
    )
