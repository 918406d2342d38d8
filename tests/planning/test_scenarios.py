import json

from django.test import TestCase
from django.urls import reverse

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority, PopulationFigure
from caremarket.planning.inputs import default_models, population_rows
from caremarket.planning.models import Scenario


def single_years(council, years=(2024, 2034), base=1000.0):
    """Single years 65–89 and 90+ (like the ONS file) plus the all-ages row."""
    for year in years:
        growth = 1 + (year - years[0]) / 100
        PopulationFigure.objects.create(
            local_authority=council,
            year=year,
            age_from=0,
            age_to=None,
            kind="projection",
            value=250_000,
            source="ONS test",
        )
        for age in range(65, 90):
            PopulationFigure.objects.create(
                local_authority=council,
                year=year,
                age_from=age,
                age_to=age,
                kind="projection",
                value=base * growth,
                source="ONS test",
            )
        PopulationFigure.objects.create(
            local_authority=council,
            year=year,
            age_from=90,
            age_to=None,
            kind="projection",
            value=base * growth,
            source="ONS test",
        )


class ScenarioTests(TestCase):
    def setUp(self):
        self.council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        self.other = LocalAuthority.objects.create(code="E08000026", name="Coventry")
        single_years(self.council)
        self.user = User.objects.create_user("commissioner")
        Membership.objects.create(user=self.user, local_authority=self.council, role="commissioner")
        self.client.force_login(self.user)
        self.url = reverse("planning:sufficiency", kwargs={"council": self.council.slug})

    def post(self, models, name="Base", years="2024, 2034"):
        return self.client.post(
            self.url,
            {
                "name": name,
                "description": "",
                "years_text": years,
                "models_text": json.dumps(models),
            },
        )

    def test_population_leaves_out_the_all_ages_row(self):
        rows = population_rows(self.council)
        self.assertFalse(any(r["age_from"] == 0 for r in rows))
        self.assertEqual(len(rows), 2 * 26)

    def test_the_new_scenario_form_starts_from_cited_presets(self):
        response = self.client.get(self.url)
        self.assertContains(response, "mcgv2008")
        # persons-only projections: the sex-specific CFAS II model is not offered
        presets = {m.get("preset") for m in default_models(self.council)}
        self.assertEqual(presets, {"mcgv2008"})

    def test_a_new_scenario_is_built_from_forms_without_json(self):
        page = self.client.get(self.url)
        self.assertContains(page, "Start with these models")
        self.assertContains(
            page, "Residential care beds: 65 per 1,000 people aged 75 and over (More Choice"
        )
        self.assertContains(page, "needs population projections split by sex")
        self.assertContains(page, "Advanced: write every model as JSON")
        form = {"name": "From forms", "description": "", "years_text": "2024, 2034"}
        response = self.client.post(self.url, {**form, "start": ["residential_care_beds"]})
        scenario = Scenario.objects.get(name="From forms")
        self.assertRedirects(response, scenario.get_absolute_url())
        self.assertEqual(scenario.years, [2024, 2034])
        self.assertEqual([m["service"] for m in scenario.demand_models], ["residential_care_beds"])
        page = self.client.get(scenario.get_absolute_url())
        self.assertContains(
            page, '<th scope="row" class="govuk-table__header">Residential care beds'
        )
        self.assertNotContains(page, ">residential_care_beds<")
        self.assertContains(page, "1,040")  # 65 per 1,000 of 16,000 aged 75+
        # wrong, missing and unknown choices: messages, and nothing saved
        for fields, message in (
            ({**form, "name": "Other"}, "Choose at least one model to start with"),
            ({**form, "name": "Other", "start": ["nonsense"]}, "Select a valid choice"),
            ({**form, "name": "Other", "years_text": "soon", "start": ["extra_care_units"]},
             "is not a year"),
            ({**form, "start": ["extra_care_units"]}, "already has a scenario with that name"),
        ):  # fmt: skip
            with self.subTest(message=message):
                response = self.client.post(self.url, fields)
                self.assertContains(response, "There is a problem")
                self.assertContains(response, message)
        self.assertEqual(Scenario.objects.count(), 1)

    def test_saving_runs_the_engine_on_the_councils_population(self):
        # 75+ in 2024: ages 75–89 (15 × 1000) + 90+ (1000) = 16,000; 65 per 1,000 → 1,040
        response = self.post(
            [
                {
                    "service": "residential_beds",
                    "method": "ratio",
                    "cohort": {"age_from": 75},
                    "per_1000": 65,
                    "supply": 811,
                }
            ]
        )
        scenario = Scenario.objects.get()
        self.assertRedirects(response, scenario.get_absolute_url())
        page = self.client.get(scenario.get_absolute_url())
        self.assertContains(page, "1,040")
        self.assertContains(page, "229")  # gap 1,040 − 811
        self.assertContains(page, '<svg class="cm-chart"')
        csv = self.client.get(
            reverse(
                "planning:scenario_csv", kwargs={"council": self.council.slug, "pk": scenario.pk}
            )
        )
        self.assertIn("residential_beds,,2024,1040.0,811,229.0", csv.content.decode())

    def test_the_page_says_how_every_rows_figure_was_worked_out(self):
        self.post(
            [
                {"service": "nursing", "method": "ratio", "preset": "mcgv2008",
                 "preset_rate": "nursing_care"},
                {"service": "home_care_clients", "method": "trend",
                 "history": {"2022": 240, "2023": 250}},
            ]
        )  # fmt: skip
        page = self.client.get(Scenario.objects.get().get_absolute_url())
        html = page.content.decode()
        self.assertContains(page, "How each figure was worked out")
        self.assertContains(page, '<dd class="govuk-summary-list__value">aged 75 and over</dd>')
        self.assertContains(page, "More Choice, Greater Voice")
        # 75+ is 16,000 in 2024 and 17,600 in 2034; 45 per 1,000 → 720 and 792.
        self.assertRegex(html, r"(?s)>2024</th>\s*<td[^>]*>16,000</td><td[^>]*>720</td>")
        self.assertRegex(html, r"(?s)>2034</th>\s*<td[^>]*>17,600</td><td[^>]*>792</td>")
        self.assertContains(page, "2022: 240; 2023: 250")
        # The trend: 10 more a year from 250 in 2023 → 260 in 2024 and 360 in 2034.
        self.assertContains(page, "Home care clients: inputs by year")
        cells = r"<td[^>]*>360</td><td[^>]*>no</td><td[^>]*>360</td>"
        self.assertRegex(html, r"(?s)>2034</th>\s*" + cells)

    def test_engine_problems_are_shown_and_nothing_is_saved(self):
        response = self.post(
            [
                {
                    "service": "x",
                    "method": "ratio",
                    "cohort": {"age_from": 18, "age_to": 64},
                    "per_1000": 5,
                }
            ]
        )
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "models[0]")
        self.assertEqual(Scenario.objects.count(), 0)
        self.assertContains(response, "age_to&quot;: 64")  # what was typed is kept

    def test_bad_years_and_json_get_clear_messages(self):
        response = self.post([], years="2024, soon")
        self.assertContains(response, "is not a year")
        response = self.client.post(
            self.url, {"name": "x", "years_text": "2024", "models_text": "{not json"}
        )
        self.assertContains(response, "not valid JSON")
        response = self.client.post(self.url, {"name": "", "years_text": "", "models_text": ""})
        self.assertContains(response, "Enter a name for the scenario")
        self.assertContains(response, "Enter at least one year")

    def test_two_scenarios_compare_side_by_side(self):
        self.post(
            [
                {
                    "service": "residential_beds",
                    "method": "ratio",
                    "cohort": {"age_from": 75},
                    "per_1000": 65,
                    "supply": 811,
                }
            ],
            name="Base",
        )
        self.post(
            [
                {
                    "service": "residential_beds",
                    "method": "ratio",
                    "cohort": {"age_from": 75},
                    "per_1000": 58.5,
                    "supply": 811,
                }
            ],
            name="10% to extra care",
        )
        a, b = Scenario.objects.order_by("pk")
        response = self.client.get(
            reverse("planning:compare", kwargs={"council": self.council.slug}),
            {"a": a.pk, "b": b.pk},
        )
        self.assertContains(response, "-104")  # 16,000 × 6.5 / 1,000

    def test_another_councils_scenario_is_not_found(self):
        theirs = Scenario.objects.create(
            local_authority=self.other, name="Theirs", years=[2024], demand_models=[]
        )
        url = reverse("planning:scenario", kwargs={"council": self.council.slug, "pk": theirs.pk})
        self.assertEqual(self.client.get(url).status_code, 404)


def test_explanations_follow_the_engines_year_order_whatever_it_was():
    """`by_year` lists follow the years as the engine was given them; the page sorts them."""
    from caremarket.planning.results import Result, explanations
    from caremarket.rules.sufficiency import calculate

    output = calculate(
        {
            "years": [2034, 2024],
            "population": [
                {"year": 2024, "age_from": 75, "age_to": None, "value": 20000},
                {"year": 2034, "age_from": 75, "age_to": None, "value": 23000},
            ],
            "models": [
                {"service": "beds", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": 65}
            ],
        }
    )
    result = Result(output["rows"], [], output["inputs"], output["years"])
    [beds] = explanations(result)
    assert beds.columns == ["Cohort population", "Demand"]
    assert beds.rows == [(2024, ["20,000", "1,300"]), (2034, ["23,000", "1,495"])]
    assert ("Rate per 1,000", "65") in beds.facts


class ModelFormTests(TestCase):
    """Adding and removing a model without writing JSON."""

    def setUp(self):
        self.council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        single_years(self.council)
        self.user = User.objects.create_user("commissioner")
        Membership.objects.create(user=self.user, local_authority=self.council, role="commissioner")
        self.client.force_login(self.user)
        self.scenario = Scenario.objects.create(
            local_authority=self.council,
            name="Base",
            years=[2024, 2034],
            demand_models=[
                {"service": "residential_beds", "method": "ratio", "cohort": {"age_from": 75},
                 "per_1000": 65, "supply": 811}
            ],
        )  # fmt: skip
        kwargs = {"council": self.council.slug, "pk": self.scenario.pk}
        self.add_url = reverse("planning:add_model", kwargs=kwargs)
        self.remove_url = reverse("planning:remove_model", kwargs=kwargs)

    def add(self, **fields):
        return self.client.post(self.add_url, {"floor_at_zero": "on", **fields})

    def models(self):
        self.scenario.refresh_from_db()
        return self.scenario.demand_models

    def test_the_form_offers_every_cited_preset_rate_and_own_models(self):
        page = self.client.get(self.add_url)
        self.assertContains(page, "Extra care: 15 rent + 10 sale per 1,000 people aged 75 and over")
        self.assertContains(page, 'value="mcgv2008:nursing_care"')
        self.assertContains(page, "Our own rate per 1,000 people of an age group")
        # persons-only projections: CFAS II (by sex) is not offered, and the page says why
        self.assertNotContains(page, 'value="cfas2_dementia"')
        self.assertContains(page, "needs population projections split by sex")
        for sex in ("male", "female"):
            PopulationFigure.objects.create(
                local_authority=self.council, year=2024, age_from=65, age_to=69, sex=sex,
                kind="projection", value=500, source="ONS test",
            )  # fmt: skip
        page = self.client.get(self.add_url)
        self.assertContains(page, 'value="cfas2_dementia"')
        self.assertNotContains(page, "needs population projections split by sex")

    def test_a_preset_rate_is_added_and_calculated(self):
        response = self.add(service="Nursing beds", kind="mcgv2008:nursing_care", supply="500")
        self.assertRedirects(response, self.scenario.get_absolute_url())
        self.assertEqual(
            self.models()[-1],
            {"service": "nursing_beds", "method": "ratio", "preset": "mcgv2008",
             "preset_rate": "nursing_care", "supply": 500.0},
        )  # fmt: skip
        page = self.client.get(self.scenario.get_absolute_url())
        self.assertContains(page, "720")  # 45 per 1,000 of 16,000 aged 75+
        self.assertContains(page, "Nursing beds: inputs by year")

    def test_an_own_rate_and_a_trend_are_added(self):
        self.add(service="day care", kind="ratio", per_1000="12.5", age_from="65", age_to="89")
        self.add(service="clients", kind="trend", history="2022: 240, 2023: 250", age_from="")
        day, clients = self.models()[-2:]
        self.assertEqual(
            day,
            {"service": "day_care", "method": "ratio", "cohort": {"age_from": 65, "age_to": 89},
             "per_1000": 12.5},
        )  # fmt: skip
        self.assertEqual(
            clients,
            {"service": "clients", "method": "trend", "history": {"2022": 240.0, "2023": 250.0},
             "floor": 0},
        )  # fmt: skip

    def test_wrong_missing_and_huge_input_get_messages_and_nothing_changes(self):
        before = self.models()
        cases = [
            ({}, ["Enter a name for the service", "Choose how demand is worked out"]),
            ({"service": "x", "kind": "ratio"}, ["Enter the rate per 1,000 people",
                                                 "Enter the youngest age of the group"]),
            ({"service": "x", "kind": "ratio", "per_1000": "lots", "age_from": "75"},
             ["Enter a number"]),
            ({"service": "x", "kind": "ratio", "per_1000": "5", "age_from": "80", "age_to": "70"},
             ["Ages to must be the same as or older than ages from"]),
            ({"service": "x", "kind": "trend", "history": "2022: 240"},
             ["Enter at least two past years of people supported"]),
            ({"service": "x", "kind": "trend", "history": "last year: 240, 2023: 250"},
             ["is not a year and a number"]),
            ({"service": "x", "kind": "trend", "history": "2022: 1, 2022: 2"},
             ["2022 is given twice"]),
            ({"service": "x", "kind": "mcgv2008:nonsense"}, ["Select a valid choice"]),
            ({"service": "Residential beds", "kind": "mcgv2008:nursing_care"},
             ["This scenario already has a model with that name"]),
            ({"service": "x" * 5000, "kind": "mcgv2008:nursing_care"},
             ["Ensure this value has at most 80 characters"]),
            ({"service": "x", "kind": "mcgv2008:nursing_care", "supply": "1e400"},
             ["Enter a number"]),
            ({"service": "x", "kind": "mcgv2008:nursing_care", "supply": "-3"},
             ["greater than or equal to 0"]),
        ]  # fmt: skip
        for fields, expected in cases:
            with self.subTest(fields=str(fields)[:80]):
                response = self.add(**fields)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "There is a problem")
                for message in expected:
                    self.assertContains(response, message)
        self.assertEqual(self.models(), before)

    def test_the_engine_refuses_a_model_the_councils_data_cannot_support(self):
        # 18-64 is not in the projections: the engine names the gap, once, by the service.
        response = self.add(
            service="adults", kind="ratio", per_1000="3", age_from="18", age_to="64"
        )
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Adults: ")
        self.assertNotContains(response, "models[1]")
        self.assertEqual(len(self.models()), 1)

    def test_a_model_is_removed_but_never_the_last(self):
        self.add(service="nursing", kind="mcgv2008:nursing_care")
        response = self.client.post(self.remove_url, {"service": "residential_beds"})
        self.assertRedirects(response, self.scenario.get_absolute_url())
        self.assertEqual([m["service"] for m in self.models()], ["nursing"])
        response = self.client.post(self.remove_url, {"service": "nursing"}, follow=True)
        self.assertContains(response, "A scenario needs at least one model")
        response = self.client.post(self.remove_url, {"service": "gone"}, follow=True)
        self.assertContains(response, "That model is not in this scenario")
        self.assertEqual([m["service"] for m in self.models()], ["nursing"])
        self.assertEqual(self.client.get(self.remove_url).status_code, 405)

    def test_another_councils_scenario_cannot_be_changed(self):
        other = LocalAuthority.objects.create(code="E08000026", name="Coventry")
        theirs = Scenario.objects.create(
            local_authority=other, name="Theirs", years=[2024], demand_models=[]
        )
        url = reverse("planning:add_model", kwargs={"council": self.council.slug, "pk": theirs.pk})
        self.assertEqual(self.client.get(url).status_code, 404)
