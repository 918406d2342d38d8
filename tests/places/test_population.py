from django.test import TestCase

from caremarket.places.models import LocalAuthority, PopulationFigure


class CohortTotalsTests(TestCase):
    def setUp(self):
        self.la = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
        for age_from, age_to, value in [
            (0, None, 250000),
            (64, 64, 10),
            (65, 65, 100),
            (90, None, 7),
        ]:
            PopulationFigure.objects.create(
                local_authority=self.la,
                year=2024,
                age_from=age_from,
                age_to=age_to,
                kind="projection",
                value=value,
                source="test",
            )

    def test_it_sums_single_years_and_the_open_band_without_all_ages(self):
        totals = PopulationFigure.objects.for_council(self.la).cohort_totals(65)
        self.assertEqual(totals, {2024: 107})

    def test_it_labels_ages(self):
        labels = sorted(f.age_label for f in PopulationFigure.objects.all())
        self.assertEqual(labels, ["64", "65", "90+", "all ages"])
