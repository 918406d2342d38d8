"""Two councils with a postcode each, and staff for each, for the front-door tests."""

from __future__ import annotations

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority, Postcode


@pytest.fixture
def stoke(db):
    return LocalAuthority.objects.create(
        code="E06000021",
        name="Stoke-on-Trent",
        slug="stoke-on-trent",
        contact_email="asc@stoke.example",
        safeguarding_phone="0800 561 0015",
    )


@pytest.fixture
def coventry(db):
    return LocalAuthority.objects.create(
        code="E08000026",
        name="Coventry",
        slug="coventry",
        contact_email="asc@coventry.example",
        safeguarding_phone="024 7683 3003",
    )


@pytest.fixture
def postcodes(stoke, coventry):
    Postcode.objects.create(
        postcode="ST4 1AA",
        outward="ST4",
        latitude=53.0,
        longitude=-2.18,
        local_authority_code=stoke.code,
    )
    Postcode.objects.create(
        postcode="CV1 2AA",
        outward="CV1",
        latitude=52.4,
        longitude=-1.5,
        local_authority_code=coventry.code,
    )


def make_staff(username: str, council: LocalAuthority, role: str) -> User:
    user = User.objects.create_user(username, password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=council, role=role)
    return user


@pytest.fixture
def stoke_practitioner(stoke):
    return make_staff("stoke-practitioner", stoke, "practitioner")


@pytest.fixture
def coventry_practitioner(coventry):
    return make_staff("coventry-practitioner", coventry, "practitioner")


@pytest.fixture
def stoke_admin(stoke):
    return make_staff("stoke-admin", stoke, "council_admin")


def listed_service(name: str, council: LocalAuthority, *codes: str, status: str = "active"):
    """A directory service of `council` in the need categories `codes`."""
    from caremarket.directory.models import Organization, Service, TaxonomyTerm

    organization = Organization.objects.create(name=f"{name} Trust", local_authority=council)
    service = Service.objects.create(
        organization=organization,
        local_authority=council,
        kind=Service.Kind.COMMUNITY_GROUP,
        name=name,
        status=status,
    )
    service.categories.set(TaxonomyTerm.objects.filter(code__in=codes))
    return service
