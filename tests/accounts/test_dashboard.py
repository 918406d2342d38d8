""" "Your work" offers each person exactly the council pages their roles open, and they open."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.models import Membership, User
from caremarket.demo import load_councils

EXPECTED = {
    "commissioner": {
        "Market Position Statements",
        "Local Accounts",
        "Sufficiency and gaps",
        "Data imports",
        "Figure checks: what does not add up",
        "Directory changes to approve",
        "Directory listings due for review",
        "Reports of wrong directory information",
        "Log a concern about a care provider",
        "ASCOF from Client Level Data",
        "Activity from Client Level Data",
        "Targets for the council&#x27;s figures",  # the link text as the page escapes it
        "Safeguarding and Deprivation of Liberty Safeguards figures",
        "Compliments, complaints and comments",
        "Time to source care",
    },
    "practitioner": {
        "Referrals",
        "Log a concern about a care provider",
        "Brokerage: care requests and offers",
        "Time to source care",
    },
    "quality_officer": {
        "Audit log",
        "Quality: concerns, audits and placement stops",
        "Log a concern about a care provider",
        "Quality settings: concern clocks, rating bands and standards",
    },
    "provider": set(),
}


def links(page: str) -> dict[str, str]:
    """Link text (without the hidden council name) → url, inside the main content."""
    main = page.split("<main", 1)[1]
    found = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)<span', main)
    return {text: url for url, text in found}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_is_offered_its_pages_and_each_opens(client: Client, db: None, role: str) -> None:
    stoke, coventry, _ = load_councils()
    user = User.objects.create_user(username=role, password="x")
    Membership.objects.create(user=user, local_authority=stoke, role=role)
    client.force_login(user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    offered = links(page)
    assert set(offered) == EXPECTED[role]
    assert coventry.name not in page.split("Your roles", 1)[1].split("</ul>", 1)[1]
    for url in offered.values():
        assert "stoke-on-trent" in url
        assert client.get(url).status_code == 200, url
    assert ("Your directory listings" in page) == (role == "provider")
    # under a heading that covers them all (it said "Directory" over care requests too)
    assert ("Your organisation's services</h2>" in page) == (role == "provider")
    assert ("Quality records about your services" in page) == (role == "provider")
    assert ("Care requests sent to you" in page) == (role == "provider")
    assert ("Your care homes' vacancies" in page) == (role == "provider")


def test_a_council_admin_and_a_site_admin_see_everything(client: Client, db: None) -> None:
    stoke, *_ = load_councils()
    admin = User.objects.create_user(username="admin", password="x")
    Membership.objects.create(user=admin, local_authority=stoke, role="council_admin")
    client.force_login(admin)
    offered = links(client.get(reverse("accounts:dashboard")).content.decode())
    assert len(offered) == 22
    site = User.objects.create_superuser(username="site", password="x")
    Membership.objects.create(user=site, local_authority=stoke, role="commissioner")
    client.force_login(site)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    # the councils a site admin holds roles for, with every page; any other one on asking
    # (every council at once made the demo admin's page over 100,000 pixels tall)
    assert page.count("Front door settings<span") == 1
    assert page.count("<option value=") == 3  # every council on the instance to choose from
    page = client.get(reverse("accounts:dashboard"), {"council": "coventry"}).content.decode()
    assert page.count("Front door settings<span") == 2
    assert 'Front door settings<span class="govuk-visually-hidden"> for Coventry' in page
    assert '<option value="coventry" selected>' in page
    page = client.get(reverse("accounts:dashboard"), {"council": "atlantis"}).content.decode()
    assert "Choose a council from the list" in page
    assert page.count("Front door settings<span") == 1
