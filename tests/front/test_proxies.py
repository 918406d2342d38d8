"""Behind the council's proxies the sign-in limit and the audit see each client's address."""

import pytest
from django.urls import reverse

from caremarket.accounts.models import AuditEvent, User
from caremarket.proxies import client_address

PROXY = "10.0.0.2"


def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw():
    assert client_address(PROXY, "203.0.113.5", 1) == "203.0.113.5"
    # A client writing its own header cannot choose: only the proxies' entries count.
    assert client_address(PROXY, "198.51.100.1, 203.0.113.5", 1) == "203.0.113.5"
    assert client_address(PROXY, "198.51.100.1, 203.0.113.5, 10.0.0.1", 2) == "203.0.113.5"
    assert client_address(PROXY, "203.0.113.5", 0) == PROXY
    assert client_address(PROXY, "", 1) == PROXY
    assert client_address(PROXY, "not-an-address", 1) == PROXY


@pytest.mark.django_db
def test_behind_a_proxy_one_guesser_does_not_lock_out_the_office(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.LOGIN_RATE = "3/15m"
    User.objects.create_user("alice", password="correct horse battery")
    for name in ("x1", "x2", "x3", "x4"):
        client.post(
            reverse("accounts:login"),
            {"username": name, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": "correct horse battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="signed_in")
    assert event.ip_address == "203.0.113.5"


@pytest.mark.django_db
def test_without_proxies_a_forged_header_does_not_escape_the_limit(client, settings):
    settings.LOGIN_RATE = "3/15m"
    for number in range(4):
        response = client.post(
            reverse("accounts:login"),
            {"username": f"x{number}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CAREMARKET_PROXIES", "9"),
        ("CAREMARKET_MAX_REQUEST_KB", "0"),
        ("CAREMARKET_MAX_UPLOAD_MB", "-1"),
    ],
)
def test_a_limit_setting_out_of_range_stops_start_up(monkeypatch, name, value):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import caremarket.settings as production

    monkeypatch.setenv(name, value)
    try:
        with pytest.raises(ImproperlyConfigured, match=name):
            importlib.reload(production)
    finally:
        monkeypatch.undo()
        importlib.reload(production)
