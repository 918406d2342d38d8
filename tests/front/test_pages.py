import pytest
from django.test import Client, TestCase
from django.urls import reverse

from caremarket.places.models import LocalAuthority, PopulationFigure


class CouncilPageTests(TestCase):
    def setUp(self):
        self.la = LocalAuthority.objects.create(
            code="E06000022", name="Bath and North East Somerset"
        )
        for year, values in {2024: (1000, 600, 200), 2034: (1300, 800, 300)}.items():
            # single-year rows: 65-74, 75-84 and 85+ as bands inside each cohort
            for (age_from, age_to), value in zip(
                [(65, 74), (75, 84), (85, None)], values, strict=True
            ):
                PopulationFigure.objects.create(
                    local_authority=self.la,
                    year=year,
                    age_from=age_from,
                    age_to=age_to,
                    kind="projection",
                    value=value,
                    source="ONS 2022-based SNPP (test.csv)",
                )

    def test_it_shows_the_chart_and_the_same_figures_as_a_table_with_source(self):
        response = self.client.get(reverse("front:council", kwargs={"council": self.la.slug}))
        self.assertContains(response, '<svg class="cm-chart"')
        self.assertContains(response, 'role="img"')
        # 65+ in 2024 = 1000 + 600 + 200; 75+ = 800; 85+ = 200
        self.assertContains(response, "1,800")
        self.assertContains(response, "2,400")  # 65+ in 2034
        self.assertContains(response, "Source: ONS 2022-based SNPP")
        self.assertNotContains(response, "test.csv")
        self.assertContains(response, '<caption class="govuk-table__caption')

    def test_an_unknown_council_gets_the_styled_404(self):
        response = self.client.get("/councils/atlantis/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, "govuk-template", status_code=404)

    def test_a_council_without_data_says_so(self):
        other = LocalAuthority.objects.create(code="E08000026", name="Coventry")
        response = self.client.get(other.get_absolute_url())
        self.assertContains(response, "No population projections have been imported")


class SecurityHeaderTests(TestCase):
    def test_every_page_sends_the_security_headers(self):
        response = self.client.get(reverse("front:home"))
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "strict-origin-when-cross-origin")

    def test_hsts_is_sent_over_https_when_configured(self):
        with self.settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False):
            response = self.client.get(reverse("front:home"), secure=True)
        self.assertIn("max-age=31536000", response["Strict-Transport-Security"])

    def test_forms_carry_a_csrf_token(self):
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, "csrfmiddlewaretoken")

    def test_statutory_pages_exist(self):
        for name, text in [
            ("front:accessibility", "Web Content Accessibility Guidelines version 2.2 AA"),
            ("front:privacy", "data controller"),
            ("front:cookies", "essential"),
        ]:
            self.assertContains(self.client.get(reverse(name)), text)

    def test_the_service_is_not_branded_as_gov_uk(self):
        body = self.client.get(reverse("front:home")).content.decode()
        self.assertNotIn("GOV.UK", body)
        self.assertNotIn("govuk-header__logotype", body)
        self.assertNotIn("govuk-crest", body)


def test_every_response_says_how_long_the_server_took(client: Client, db: None) -> None:
    response = client.get("/")
    name, duration = response["Server-Timing"].split(";dur=")
    assert name == "app" and float(duration) >= 0


def test_the_home_page_searches_the_directory_and_the_menu_links_it(
    client: Client, db: None
) -> None:
    page = client.get("/").content.decode()
    assert 'action="/directory/"' in page and 'name="q"' in page and 'name="postcode"' in page
    assert 'href="/directory/">Find support</a>' in page


@pytest.mark.django_db
def test_the_home_page_lists_councils_with_information_and_links_them_all(client):
    from caremarket.places.councils import load_councils

    load_councils(["E06000021", "E08000026"])
    stoke = LocalAuthority.objects.get(code="E06000021")
    PopulationFigure.objects.create(
        local_authority=stoke, year=2024, age_from=65, age_to=65, kind="projection",
        value=3000, source="ONS",
    )  # fmt: skip
    html = client.get("/").content.decode()
    assert ">Stoke-on-Trent</a>" in html and ">Coventry</a>" not in html
    assert "All 2 councils" in html
