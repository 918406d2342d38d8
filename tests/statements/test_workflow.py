import io

import pytest
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.places.models import LocalAuthority, PopulationFigure
from caremarket.statements import workflow
from caremarket.statements.models import Edition, EditionIsFrozen


def add_population(council, value_2024=1000.0):
    for year, scale in [(2024, 1.0), (2029, 1.1), (2034, 1.25)]:
        for age_from, age_to, share in [(65, 74, 0.55), (75, 84, 0.32), (85, None, 0.13)]:
            PopulationFigure.objects.update_or_create(
                local_authority=council,
                year=year,
                age_from=age_from,
                age_to=age_to,
                sex="all",
                kind="projection",
                defaults={
                    "value": value_2024 * scale * share * 40,
                    "source": "ONS 2022-based SNPP (test)",
                },
            )


class WorkflowTests(TestCase):
    def setUp(self):
        self.council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        self.other = LocalAuthority.objects.create(code="E08000026", name="Coventry")
        self.writer = User.objects.create_user("writer")
        self.reviewer = User.objects.create_user("reviewer")
        for user in (self.writer, self.reviewer):
            Membership.objects.create(user=user, local_authority=self.council, role="commissioner")
        add_population(self.council)
        self.edition = workflow.create_statement(
            self.council,
            period="2024–2028",
            slug="mps-2024-28",
            user=self.writer,
            narrative={"introduction": "Our **first** statement.\n\n<script>alert(1)</script>"},
        )

    def url(self, name, **kwargs):
        return reverse(
            name, kwargs={"council": self.council.slug, "statement": "mps-2024-28", **kwargs}
        )

    def test_it_creates_every_catalogue_section(self):
        self.assertEqual(self.edition.sections.count(), 19)

    def test_the_last_editor_cannot_approve(self):
        workflow.submit_for_review(self.edition, self.writer)
        with pytest.raises(workflow.WorkflowError, match="second commissioner"):
            workflow.publish(self.edition, self.writer, set())

    def test_publishing_needs_review_first(self):
        with pytest.raises(workflow.WorkflowError, match="review"):
            workflow.publish(self.edition, self.reviewer, set())

    def test_publishing_freezes_data_html_and_pdf(self):
        workflow.submit_for_review(self.edition, self.writer)
        workflow.publish(self.edition, self.reviewer, set())
        self.edition.refresh_from_db()
        self.assertEqual(self.edition.status, "published")
        self.assertIn("population", self.edition.snapshot["blocks"])
        self.assertIn("<strong>first</strong>", self.edition.html)
        self.assertNotIn("<script>", self.edition.html)
        text = "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(bytes(self.edition.pdf))).pages
        )
        self.assertIn("People aged 65+, 75+ and 85+", text)
        self.assertIn("40,000", text)  # 65+ in 2024: 1000 × 40 × (0.55 + 0.32 + 0.13)
        # later imports do not change what was published
        add_population(self.council, value_2024=5000.0)
        page = self.client.get(self.edition.public_url())
        self.assertContains(page, "40,000")
        with pytest.raises(EditionIsFrozen):
            self.edition.save()
        section = self.edition.sections.first()
        section.body = "changed"
        with pytest.raises(EditionIsFrozen):
            section.save()
        self.assertTrue(AuditEvent.objects.filter(action="mps_published").exists())

    def test_a_new_edition_starts_from_the_last_and_can_be_compared(self):
        workflow.submit_for_review(self.edition, self.writer)
        workflow.publish(self.edition, self.reviewer, set())
        second = workflow.start_new_edition(self.edition.statement, self.writer)
        self.assertEqual(second.number, 2)
        self.assertEqual(
            second.sections.get(key="introduction").body,
            self.edition.sections.get(key="introduction").body,
        )
        intro = second.sections.get(key="introduction")
        intro.body = "Our second statement."
        intro.save()
        add_population(self.council, value_2024=2000.0)
        self.client.force_login(self.writer)
        response = self.client.get(self.url("statements:compare") + "?a=1&b=2")
        self.assertContains(response, "Our second statement.")
        self.assertContains(response, "Aged 65 and over")
        self.assertContains(response, "Figures that changed")

    def test_drafts_are_not_public(self):
        response = self.client.get(self.url("statements:edition", number=1))
        self.assertEqual(response.status_code, 404)

    def test_another_councils_commissioner_cannot_see_the_draft(self):
        outsider = User.objects.create_user("outsider")
        Membership.objects.create(user=outsider, local_authority=self.other, role="commissioner")
        self.client.force_login(outsider)
        self.assertEqual(self.client.get(self.url("statements:draft", number=1)).status_code, 403)

    def test_the_web_workflow_end_to_end(self):
        self.client.force_login(self.writer)
        edit = self.url("statements:edit_section", number=1, key="vision")
        response = self.client.post(edit, {"title": "", "body": "x", "position": "1"})
        self.assertContains(response, "Enter the section&#x27;s title")
        self.client.post(
            edit, {"title": "Vision and priorities", "body": "Home first.", "position": "1"}
        )
        self.client.post(self.url("statements:transition", number=1), {"action": "submit"})
        response = self.client.post(
            self.url("statements:transition", number=1), {"action": "publish"}, follow=True
        )
        self.assertContains(response, "a second commissioner must approve it")
        self.client.force_login(self.reviewer)
        self.client.post(self.url("statements:transition", number=1), {"action": "publish"})
        self.assertEqual(Edition.objects.get(pk=self.edition.pk).status, "published")
        public = self.client.get(self.url("statements:edition", number=1))
        self.assertContains(public, "Home first.")
        pdf = self.client.get(self.url("statements:edition_pdf", number=1))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        csv = self.client.get(
            self.url("statements:edition_table_csv", number=1, table="population-older-people")
        )
        self.assertIn("Year (mid-year),Aged 65 and over", csv.content.decode())
        self.assertIn("Source: ONS 2022-based SNPP (test)", csv.content.decode())
        self.assertEqual(
            self.client.get(
                self.url("statements:edition_table_csv", number=1, table="nope")
            ).status_code,
            404,
        )


class ScenarioSectionTests(TestCase):
    def test_an_editions_scenario_fills_the_gap_and_opportunity_tables(self):
        from caremarket.planning.models import Scenario
        from caremarket.statements.render import build_snapshot

        council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        add_population(council)  # 75+ = 1000 × 40 × 0.45 = 18,000 in 2024
        scenario = Scenario.objects.create(
            local_authority=council,
            name="Baseline",
            years=[2024, 2034],
            demand_models=[
                {
                    "service": "residential_care_beds",
                    "method": "ratio",
                    "cohort": {"age_from": 75},
                    "per_1000": 65,
                    "supply": 1000,
                }
            ],
        )
        edition = workflow.create_statement(council, period="2024–2028", slug="mps", user=None)
        edition.scenario = scenario
        edition.save()
        blocks = build_snapshot(edition)["blocks"]
        gaps = blocks["sufficiency"]["tables"][0]
        self.assertEqual(gaps["rows"][0], ["Residential care beds", "2024", 1170.0, 1000, 170.0])
        opportunity = blocks["opportunities"]["tables"][0]["rows"][0]
        self.assertEqual(opportunity[:3], ["Residential care beds", "2024", 170.0])
        self.assertIn(
            "Sufficiency scenario “Baseline”", blocks["opportunities"]["tables"][0]["sources"]
        )


class MarketOpportunitiesPageTests(TestCase):
    def test_it_lists_published_opportunities_and_filters_them(self):
        from caremarket.planning.models import Scenario

        council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        add_population(council)
        scenario = Scenario.objects.create(
            local_authority=council,
            name="Baseline",
            years=[2024, 2034],
            demand_models=[
                {
                    "service": "nursing_care_beds",
                    "method": "ratio",
                    "cohort": {"age_from": 75},
                    "per_1000": 45,
                    "supply": 500,
                }
            ],
        )
        edition = workflow.create_statement(council, period="2024–2028", slug="mps", user=None)
        edition.scenario = scenario
        edition.save()
        workflow.submit_for_review(edition, User.objects.create_user("a"))
        workflow.publish(edition, User.objects.create_user("b"), set())
        page = self.client.get(reverse("statements:market_opportunities"))
        self.assertContains(page, "Nursing care beds")
        self.assertContains(page, "310")  # 18,000 × 45 / 1,000 − 500
        filtered = self.client.get(
            reverse("statements:market_opportunities"), {"council": "coventry"}
        )
        self.assertContains(filtered, "There is no council with that name")
        self.assertNotContains(filtered, "310")
        # The longest address the server takes (caremarket.requestlimits): longer ones get 414.
        huge = self.client.get(reverse("statements:market_opportunities"), {"service": "x" * 7_900})
        self.assertEqual(huge.status_code, 200)


class AddSectionTests(TestCase):
    def test_a_council_adds_its_own_section_at_the_end(self):
        council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        user = User.objects.create_user("w")
        Membership.objects.create(user=user, local_authority=council, role="commissioner")
        edition = workflow.create_statement(council, period="2024–2028", slug="mps", user=user)
        self.client.force_login(user)
        url = reverse(
            "statements:transition",
            kwargs={"council": council.slug, "statement": "mps", "number": 1},
        )
        response = self.client.post(url, {"action": "add_section", "title": "Housing with care"})
        section = edition.sections.get(key="housing-with-care")
        self.assertEqual(section.position, 19)
        self.assertRedirects(
            response,
            reverse(
                "statements:edit_section",
                kwargs={
                    "council": council.slug,
                    "statement": "mps",
                    "number": 1,
                    "key": "housing-with-care",
                },
            ),
        )
        again = self.client.post(
            url, {"action": "add_section", "title": "Housing with care"}, follow=True
        )
        self.assertTrue(edition.sections.filter(key="housing-with-care-2").exists())
        empty = self.client.post(url, {"action": "add_section", "title": "  "}, follow=True)
        self.assertContains(empty, "Enter a title for the new section")
        self.assertEqual(again.status_code, 200)
        # A section with no words yet says so in the draft, instead of a heading over nothing.
        draft = self.client.get(
            reverse(
                "statements:draft",
                kwargs={"council": council.slug, "statement": "mps", "number": 1},
            )
        ).content.decode()
        after = draft.split('id="housing-with-care">Housing with care</h2>')[1]
        self.assertIn("Nothing has been written in this section yet.", after.split("</section>")[0])
