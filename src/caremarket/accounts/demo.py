"""Sign-in accounts for the demo: the site admin, an invented commissioner, and invented people
working for real register providers, so the staff and provider pages can be walked.

Every account gets a new random password on each demo run; `caremarket demo` prints them.
The people are invented and say so in their names; the organisations they work for are real
CQC register providers of the demo data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from caremarket.accounts.models import Membership, User
from caremarket.accounts.roles import Role
from caremarket.market.models import Provider
from caremarket.places.models import LocalAuthority

#: Marks an invented person wherever their name is shown.
INVENTED = "(invented)"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    #: Who the account is, in words: "Site admin", "Provider: Lovett Care Limited, Stoke-on-Trent".
    label: str = ""


def _sign_in(user: User) -> str:
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.is_active = True
    user.save()
    return password


def site_admin(councils: list[LocalAuthority]) -> DemoLogin:
    """The site admin, also commissioner and council admin of every demo council."""
    admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.org"})
    admin.is_staff = admin.is_superuser = True
    password = _sign_in(admin)
    for council in councils:
        for role in (Role.COMMISSIONER, Role.COUNCIL_ADMIN):
            Membership.objects.get_or_create(user=admin, local_authority=council, role=role)
    return DemoLogin("admin", password, "Site admin (and commissioner and council admin)")


def invented_person(council: LocalAuthority, role: str, username: str, person: str) -> User:
    """The account of an invented `person` holding `role` for `council`, named so the pages
    show they are invented. A new account cannot sign in until it is given a password."""
    first, _, last = person.partition(" ")
    user, created = User.objects.get_or_create(username=username)
    user.first_name, user.last_name = first, f"{last} {INVENTED}".strip()
    user.email = f"{username}@example.org"
    if created:
        user.set_unusable_password()
    user.save()
    Membership.objects.get_or_create(user=user, local_authority=council, role=role)
    return user


def staff_sign_in(user: User, council: LocalAuthority, job: str) -> DemoLogin:
    """A printed sign-in for invented council staff (from `invented_person`): a new password
    each time, labelled with their `job` (e.g. "Quality officer"), name (which says it is
    invented) and council."""
    password = _sign_in(user)
    return DemoLogin(user.username, password, f"{job}: {user.display_name}, {council.name}")


def staff_login(
    council: LocalAuthority, role: Role, username: str, person: str
) -> tuple[User, DemoLogin]:
    """An invented member of the council's own staff holding `role` there, with a sign-in, so
    their pages can be walked. Safe to call again: the same account, a new password."""
    user = invented_person(council, role, username, person)
    return user, staff_sign_in(user, council, role.label)


def provider_login(
    council: LocalAuthority, provider: Provider, username: str, person: str
) -> DemoLogin:
    """An invented person (`person`, e.g. "Sam Okafor") who signs in for a real register
    provider in `council`: the provider role there, and an editor of the provider's directory
    organisation, so every page that shows a provider its own locations shows this one's.
    Safe to call again: the same account, a new password."""
    from caremarket.directory.models import Organization

    user = invented_person(council, Role.PROVIDER, username, person)
    password = _sign_in(user)
    organisation, _ = Organization.objects.get_or_create(
        cqc_provider=provider, defaults={"name": provider.name}
    )
    organisation.editors.add(user)
    return DemoLogin(
        username,
        password,
        f"Provider: {person} {INVENTED}, {provider.name}, {council.name}",
    )
