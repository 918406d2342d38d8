"""The directory's pure rules: distance, bounding boxes, postcodes, vacancy freshness, typos."""

from __future__ import annotations

import unittest
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from caremarket.rules.directory import (
    PostcodeKind,
    VacancyStatus,
    bounding_box,
    cells_covering,
    closest_word,
    edit_distance,
    miles_between,
    need_token,
    normalise_postcode,
    place_tokens,
    postcode_kind,
    query_words,
    vacancy_status,
    words,
)

# Stoke-on-Trent railway station and Coventry railway station.
STOKE = (53.0079, -2.1809)
COVENTRY = (52.4009, -1.5135)

england_lat = st.floats(min_value=49.8, max_value=55.9, allow_nan=False)
england_lon = st.floats(min_value=-6.5, max_value=1.8, allow_nan=False)
radius = st.floats(min_value=0.1, max_value=100, allow_nan=False)


class DistanceTest(unittest.TestCase):
    def test_it_measures_stoke_to_coventry_in_miles(self) -> None:
        # About 50 miles as the crow flies.
        self.assertAlmostEqual(miles_between(*STOKE, *COVENTRY), 50.4, delta=0.3)

    def test_it_is_zero_for_the_same_point_and_symmetric(self) -> None:
        self.assertEqual(miles_between(*STOKE, *STOKE), 0)
        self.assertAlmostEqual(
            miles_between(*STOKE, *COVENTRY), miles_between(*COVENTRY, *STOKE), places=9
        )

    def test_one_degree_of_latitude_is_about_69_miles(self) -> None:
        self.assertAlmostEqual(miles_between(52, -2, 53, -2), 69.09, delta=0.05)

    @settings(max_examples=200)
    @given(england_lat, england_lon, england_lat, england_lon, england_lat, england_lon)
    def test_it_obeys_the_triangle_inequality(self, a, b, c, d, e, f) -> None:
        self.assertLessEqual(
            miles_between(a, b, e, f), miles_between(a, b, c, d) + miles_between(c, d, e, f) + 1e-9
        )


class BoundingBoxTest(unittest.TestCase):
    @settings(max_examples=300)
    @given(
        england_lat,
        england_lon,
        radius,
        st.floats(min_value=0, max_value=1),
        st.floats(min_value=0, max_value=360),
    )
    def test_every_point_within_the_radius_is_inside_the_box(
        self, lat, lon, miles, fraction, bearing
    ) -> None:
        # Walk `fraction` of the radius along a bearing (flat-earth step, then measured exactly).
        import math

        step = miles * fraction
        dlat = math.degrees(step / 3958.7613) * math.cos(math.radians(bearing))
        dlon = (
            math.degrees(step / 3958.7613)
            * math.sin(math.radians(bearing))
            / math.cos(math.radians(lat))
        )
        point = (lat + dlat, lon + dlon)
        if miles_between(lat, lon, *point) <= miles:
            self.assertTrue(bounding_box(lat, lon, miles).contains(*point))

    def test_the_box_is_not_much_bigger_than_the_circle(self) -> None:
        box = bounding_box(*STOKE, 10)
        self.assertAlmostEqual(miles_between(box.min_lat, STOKE[1], box.max_lat, STOKE[1]), 20, 1)
        self.assertLess(miles_between(STOKE[0], box.min_lon, STOKE[0], box.max_lon), 20.5)

    def test_a_negative_radius_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            bounding_box(*STOKE, -1)


class PlaceTokensTest(unittest.TestCase):
    def test_a_point_lies_in_one_cell_per_level(self) -> None:
        # Stoke: (53.003 + 90) / 0.1 = 1430.03 and (-2.18 + 180) / 0.15 = 1185.47 at level 0;
        # each level's cells are 4 times larger: 357.5 and 296.4, 89.4 and 74.1, 22.3 and 18.5.
        self.assertEqual(
            place_tokens(53.003, -2.18), ["g0x1430y1185", "g1x357y296", "g2x89y74", "g3x22y18"]
        )

    def test_a_ten_mile_box_is_covered_by_twenty_of_the_finest_cells(self) -> None:
        # Latitude 52.858 to 53.148: rows 1428 to 1431; longitude -2.421 to -1.939: columns
        # 1183 to 1187. Four rows of five.
        cells = cells_covering(bounding_box(53.003, -2.18, 10))
        self.assertEqual(len(cells), 20)
        self.assertEqual(cells[0], "g0x1428y1183")
        self.assertEqual(cells[-1], "g0x1431y1187")

    def test_a_larger_box_is_covered_by_coarser_cells(self) -> None:
        # 25 miles: eight rows at level 0 (too many), three by three at level 1.
        cells = cells_covering(bounding_box(53.003, -2.18, 25))
        self.assertEqual(len(cells), 9)
        self.assertTrue(all(cell.startswith("g1x") for cell in cells))
        # 500 km: the coarsest level, however many.
        self.assertTrue(all(c.startswith("g3x") for c in cells_covering(bounding_box(53, -2, 311))))

    @settings(max_examples=300)
    @given(england_lat, england_lon, radius, st.floats(0, 1), st.floats(0, 1))
    def test_every_point_in_the_box_is_in_a_covering_cell(
        self, lat: float, lon: float, miles: float, along: float, across: float
    ) -> None:
        box = bounding_box(lat, lon, miles)
        point_lat = box.min_lat + along * (box.max_lat - box.min_lat)
        point_lon = box.min_lon + across * (box.max_lon - box.min_lon)
        cells = set(cells_covering(box))
        self.assertTrue(cells & set(place_tokens(point_lat, point_lon)))

    def test_tokens_are_letters_and_digits_ending_in_a_digit(self) -> None:
        self.assertEqual(need_token("breaks-and-respite"), "needbreaksandrespite0")
        for token in [*place_tokens(-90, -180), *place_tokens(90, 180), need_token("x")]:
            self.assertRegex(token, r"^[a-z0-9]*[0-9]$")


class PostcodeTest(unittest.TestCase):
    def test_full_postcodes_in_any_spacing_or_case(self) -> None:
        for text in ("ST4 1AA", "st41aa", " st4  1aa ", "CV1 2GT", "EC1A 1BB", "M1 1AE", "B33 8TH"):
            self.assertEqual(postcode_kind(text), PostcodeKind.FULL, text)

    def test_outward_codes(self) -> None:
        for text in ("ST4", "st4", "EC1A", "M1", "B33", "BA2"):
            self.assertEqual(postcode_kind(text), PostcodeKind.OUTWARD, text)

    def test_place_names_and_nonsense_are_not_postcodes(self) -> None:
        for text in ("Stoke", "Bath", "Longton", "", "ST4 1A", "12345", "ST4 1AAA", "A"):
            self.assertEqual(postcode_kind(text), PostcodeKind.NOT_A_POSTCODE, text)

    def test_it_normalises_spacing(self) -> None:
        self.assertEqual(normalise_postcode(" st41aa"), "ST4 1AA")
        self.assertEqual(normalise_postcode("ec1a1bb"), "EC1A 1BB")
        self.assertEqual(normalise_postcode("st4"), "ST4")


class VacancyTest(unittest.TestCase):
    today = date(2026, 11, 23)

    def test_a_recent_report_with_vacancies_has_vacancies(self) -> None:
        self.assertEqual(vacancy_status(self.today, 2, self.today), VacancyStatus.HAS_VACANCIES)
        fourteen = self.today - timedelta(days=14)
        self.assertEqual(vacancy_status(fourteen, 1, self.today), VacancyStatus.HAS_VACANCIES)

    def test_a_report_older_than_14_days_is_unknown(self) -> None:
        fifteen = self.today - timedelta(days=15)
        self.assertEqual(vacancy_status(fifteen, 5, self.today), VacancyStatus.UNKNOWN)
        self.assertEqual(vacancy_status(fifteen, 0, self.today), VacancyStatus.UNKNOWN)

    def test_no_report_or_a_future_report_is_unknown(self) -> None:
        self.assertEqual(vacancy_status(None, None, self.today), VacancyStatus.UNKNOWN)
        tomorrow = self.today + timedelta(days=1)
        self.assertEqual(vacancy_status(tomorrow, 3, self.today), VacancyStatus.UNKNOWN)
        self.assertEqual(vacancy_status(self.today, None, self.today), VacancyStatus.UNKNOWN)

    def test_a_recent_report_of_none_is_full(self) -> None:
        self.assertEqual(vacancy_status(self.today, 0, self.today), VacancyStatus.FULL)


class WordsTest(unittest.TestCase):
    def test_words_are_folded_without_accents_or_apostrophes(self) -> None:
        self.assertEqual(words("Alzheimer's Society — Café"), ["alzheimers", "society", "cafe"])

    def test_query_words_drop_stop_words_and_repeats(self) -> None:
        self.assertEqual(query_words("care homes near me for the care"), ["care", "homes"])

    def test_a_huge_query_is_cut_to_a_few_words(self) -> None:
        essay = "garden " * 5000 + " ".join(f"w{i}" for i in range(99))
        self.assertEqual(len(query_words(essay)), 12)
        self.assertEqual(query_words("x" * 10_000), [])

    def test_query_words_of_punctuation_only_are_empty(self) -> None:
        self.assertEqual(query_words("\"'*(){}:^-"), [])


class TypoTest(unittest.TestCase):
    def test_edit_distance_counts_a_swap_as_one(self) -> None:
        self.assertEqual(edit_distance("alzhiemers", "alzheimers"), 1)
        self.assertEqual(edit_distance("kitten", "sitting"), 3)
        self.assertEqual(edit_distance("", "abc"), 3)
        self.assertEqual(edit_distance("abc", "abc"), 0)

    def test_edit_distance_stops_at_the_limit(self) -> None:
        self.assertEqual(edit_distance("abcdefgh", "zyxwvuts", limit=2), 3)
        self.assertEqual(edit_distance("a", "abcdef", limit=2), 3)

    @settings(max_examples=200)
    @given(st.text("abcde", max_size=8), st.text("abcde", max_size=8))
    def test_the_limit_never_changes_a_distance_within_it(self, a, b) -> None:
        full = edit_distance(a, b)
        self.assertEqual(edit_distance(a, b, limit=2), min(full, 3))
        self.assertEqual(full, edit_distance(b, a))

    def test_it_corrects_a_misspelt_name(self) -> None:
        vocabulary = ["age", "alzheimers", "society", "stoke", "carers"]
        self.assertEqual(closest_word("alzhiemers", vocabulary), "alzheimers")
        self.assertEqual(closest_word("socety", vocabulary), "society")

    def test_it_leaves_known_short_and_distant_words_alone(self) -> None:
        vocabulary = ["alzheimers", "society", "stoke", "care"]
        self.assertIsNone(closest_word("society", vocabulary))
        self.assertIsNone(closest_word("cafe", vocabulary))  # short: one edit makes a new word
        self.assertIsNone(closest_word("gardening", vocabulary))
