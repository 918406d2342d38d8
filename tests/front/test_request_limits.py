"""Bodies and addresses that are too big are refused before a byte of the body is read."""

import pytest
from django.urls import reverse

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority

HUGE = str(300 * 1024 * 1024)


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read before the request was refused")

    readline = read


def post_unread(client, path, length=HUGE, **extra):
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=length,
        **{"wsgi.input": Unreadable()},
        **extra,
    )


@pytest.mark.django_db
def test_an_anonymous_huge_post_is_refused_from_its_length_before_it_is_read(client):
    response = post_unread(client, reverse("assessments:ask"))
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()


@pytest.mark.django_db
def test_every_route_has_the_limit_even_unknown_ones(client):
    for path in ("/", "/sign-in/", "/no-such-page/", "/admin/login/"):
        assert post_unread(client, path).status_code == 413, path


@pytest.mark.django_db
def test_the_api_refuses_a_huge_body_in_json_with_cors(client):
    response = post_unread(client, "/api/v1/calc/sufficiency")
    assert response.status_code == 413
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "too large" in response.json()["message"]


@pytest.mark.django_db
def test_a_chunked_body_without_a_length_is_refused_unread(client):
    response = post_unread(
        client, reverse("assessments:ask"), length="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411


@pytest.mark.django_db
def test_a_nonsense_length_is_refused(client):
    assert post_unread(client, "/", length="lots").status_code == 400


@pytest.mark.django_db
def test_the_upload_page_keeps_its_larger_limit_for_staff_only(client, settings):
    council = LocalAuthority.objects.create(
        code="E06000021", name="Stoke-on-Trent", slug="stoke-on-trent"
    )
    url = reverse("imports:imports", kwargs={"council": council.slug})
    ten_mb = str(10 * 1024 * 1024)
    assert post_unread(client, url, length=ten_mb).status_code == 413  # not signed in
    user = User.objects.create_user("cath", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=council, role="commissioner")
    client.force_login(user)
    # Past the limit check the page reads the body: a real one, under the upload limit.
    response = client.post(url, {"format": "figures"})
    assert "Select a file to import" in response.content.decode()
    over = str(settings.MAX_UPLOAD_BYTES + 2 * 1024 * 1024)
    assert post_unread(client, url, length=over).status_code == 413
    assert post_unread(client, reverse("assessments:ask"), length=ten_mb).status_code == 413


@pytest.mark.django_db
def test_an_over_long_api_address_gets_json_with_cors(client):
    response = client.get("/api/v1/oruk/services", {"search": "x" * 9000})
    assert response.status_code == 414
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "too long" in response.json()["message"]


@pytest.mark.django_db
def test_an_over_long_page_address_gets_a_page(client):
    response = client.get("/directory/", {"q": "x" * 9000})
    assert response.status_code == 414
    assert "This web address is too long" in response.content.decode()
