"""Quality rules: audit ratings, concern clocks and deadlines, by hand-worked cases."""

from __future__ import annotations

import unittest
from datetime import UTC, date, datetime
from fractions import Fraction

from caremarket.rules.quality import (
    DEFAULT_SCHEME,
    DEFAULT_STANDARDS,
    EXCELLENT,
    GOOD,
    POOR,
    REQUIRES_IMPROVEMENT,
    UK,
    ConcernHours,
    QualityRuleError,
    Rag,
    RatingScheme,
    RiskFacts,
    SchemeError,
    StandardScore,
    action_plan_due,
    add_months,
    comments_due,
    concern_due,
    is_cqc_downgrade,
    overall_rating,
    parse_minimum,
    reaudit_due,
    risk,
    scheme_from_data,
    scheme_to_data,
    scheme_with,
)

RI = REQUIRES_IMPROVEMENT


def audit(by_domain: dict[str, list[str | None]]) -> list[StandardScore]:
    """Scores for the default standards: each domain's ratings in its standards' order."""
    scores = []
    for domain, domain_weight, standards in DEFAULT_STANDARDS:
        ratings = by_domain[domain]
        assert len(ratings) == len(standards), domain
        for (standard, weight), rating in zip(standards, ratings, strict=True):
            scores.append(StandardScore(standard, rating, weight, domain_weight))
    return scores


def default_audit(**changes: list[str | None]) -> list[StandardScore]:
    """Every standard Good, except the domains given (by a short key)."""
    keys = {
        "involvement": "Involvement and information",
        "personalised": "Personalised care and support",
        "safeguarding": "Safeguarding and safety",
        "staffing": "Suitability of staffing",
        "management": "Quality of management",
    }
    by_domain = {name: [GOOD] * len(standards) for name, _, standards in DEFAULT_STANDARDS}
    for key, ratings in changes.items():
        by_domain[keys[key]] = ratings
    return audit(by_domain)


class DefaultStandardsTests(unittest.TestCase):
    def test_five_domains_and_sixteen_standards(self) -> None:
        self.assertEqual(len(DEFAULT_STANDARDS), 5)
        self.assertEqual(sum(len(s) for _, _, s in DEFAULT_STANDARDS), 16)


class OverallRatingTests(unittest.TestCase):
    def test_all_good_is_good_with_score_three(self) -> None:
        result = overall_rating(default_audit())
        self.assertEqual((result.rating, result.score, result.assessed), (GOOD, 3, 16))
        self.assertEqual(result.score_text, "3.00")

    def test_safeguarding_counts_double_and_changes_the_band(self) -> None:
        # Good 3 everywhere but: safeguarding 4 x RI (2) at domain weight 2 = 16 over weight 8,
        # staffing 2 x RI = 4 over 2, one management standard RI: 3+3+2 = 8 over 3;
        # involvement 9 over 3, personalised 12 over 4. 49 / 20 = 2.45: Requires improvement.
        scores = default_audit(
            safeguarding=[RI] * 4, staffing=[RI] * 2, management=[GOOD, GOOD, RI]
        )
        result = overall_rating(scores)
        self.assertEqual(result.score, Fraction(49, 20))
        self.assertEqual(result.rating, RI)
        self.assertEqual(result.score_text, "2.45")
        # Unweighted the same scores are 41 / 16 = 2.5625: Good. The domain weight matters.
        flat = [StandardScore(s.standard, s.rating) for s in scores]
        self.assertEqual(overall_rating(flat).score, Fraction(41, 16))
        self.assertEqual(overall_rating(flat).rating, GOOD)

    def test_a_score_exactly_on_a_threshold_reaches_it(self) -> None:
        # 9 + 12 + 16 + 4 + 9 = 50 over 20 = 2.5 exactly: Good, not Requires improvement.
        result = overall_rating(default_audit(safeguarding=[RI] * 4, staffing=[RI] * 2))
        self.assertEqual(result.score, Fraction(5, 2))
        self.assertEqual(result.rating, GOOD)

    def test_one_poor_standard_caps_an_excellent_score(self) -> None:
        # 15 Excellent and safeguarding's first standard Poor: 4 x 18 + 1 x 2 = 74 over 20 = 3.7.
        excellent = {name: [EXCELLENT] * len(s) for name, _, s in DEFAULT_STANDARDS}
        excellent["Safeguarding and safety"] = [POOR, EXCELLENT, EXCELLENT, EXCELLENT]
        result = overall_rating(audit(excellent))
        self.assertEqual(result.score, Fraction(37, 10))
        self.assertEqual(result.uncapped, EXCELLENT)
        self.assertEqual((result.rating, result.capped_by), (RI, POOR))

    def test_the_cap_never_raises_a_rating(self) -> None:
        result = overall_rating(default_audit(safeguarding=[POOR] * 4, staffing=[POOR] * 2))
        # 9 + 12 + 8 + 2 + 9 = 40 over 20 = 2.0: Requires improvement, not capped further.
        self.assertEqual(result.score, 2)
        self.assertEqual(result.rating, RI)
        all_poor = overall_rating([StandardScore("A", POOR), StandardScore("B", POOR)])
        self.assertEqual((all_poor.rating, all_poor.score, all_poor.capped_by), (POOR, 1, None))

    def test_standards_not_assessed_count_for_nothing(self) -> None:
        scores = [StandardScore("A", EXCELLENT), StandardScore("B", None), StandardScore("C", None)]
        result = overall_rating(scores)
        self.assertEqual((result.rating, result.score, result.assessed), (EXCELLENT, 4, 1))

    def test_bands_below_each_threshold(self) -> None:
        # One Good and one RI: 2.5 (Good); with a third RI: 7/3 = 2.33 (RI);
        # Excellent and Good: 3.5 exactly (Excellent); Poor, Poor, RI: 4/3 = 1.33 (Poor).
        self.assertEqual(
            overall_rating([StandardScore("A", GOOD), StandardScore("B", RI)]).rating, GOOD
        )
        three = [StandardScore("A", GOOD), StandardScore("B", RI), StandardScore("C", RI)]
        self.assertEqual(overall_rating(three).rating, RI)
        self.assertEqual(overall_rating(three).score_text, "2.33")
        excellent_good = [StandardScore("A", EXCELLENT), StandardScore("B", GOOD)]
        self.assertEqual(overall_rating(excellent_good).rating, EXCELLENT)  # 3.5 exactly
        poorish = [StandardScore("A", POOR), StandardScore("B", POOR), StandardScore("C", RI)]
        self.assertEqual(overall_rating(poorish).rating, POOR)  # 4/3 = 1.33

    def test_nothing_assessed_is_refused_in_words(self) -> None:
        with self.assertRaisesRegex(QualityRuleError, "Rate at least one standard"):
            overall_rating([StandardScore("A", None)])
        with self.assertRaisesRegex(QualityRuleError, "Rate at least one standard"):
            overall_rating([])

    def test_unknown_rating_and_bad_weights_are_refused(self) -> None:
        with self.assertRaisesRegex(QualityRuleError, "“Outstanding” is not a rating for “A”"):
            overall_rating([StandardScore("A", "Outstanding")])
        with self.assertRaisesRegex(QualityRuleError, "weight of “A” must be 0 or more"):
            overall_rating([StandardScore("A", GOOD, weight=-1)])
        with self.assertRaisesRegex(QualityRuleError, "all have a weight of 0"):
            overall_rating([StandardScore("A", GOOD, weight=0)])

    def test_a_council_scheme_from_data(self) -> None:
        data = {
            "scale": [["Met", 2], ["Not met", 1]],
            "thresholds": [["1.75", "Met"], ["1", "Not met"]],
        }
        scheme = scheme_from_data(data)
        met = [StandardScore("A", "Met")] * 3 + [StandardScore("B", "Not met")]
        self.assertEqual(overall_rating(met, scheme).rating, "Met")  # 7/4 = 1.75
        self.assertEqual(overall_rating(met[1:], scheme).rating, "Not met")  # 5/3 = 1.67
        self.assertEqual(scheme_from_data(scheme_to_data(DEFAULT_SCHEME)), DEFAULT_SCHEME)

    def test_bad_schemes_are_refused_in_words(self) -> None:
        with self.assertRaisesRegex(QualityRuleError, "needs a scale"):
            scheme_from_data({"scale": [["Met"]]})
        with self.assertRaisesRegex(QualityRuleError, "needs a scale"):
            scheme_from_data({"scale": [["Met", 1]], "thresholds": [["lots", "Met"]]})
        with self.assertRaisesRegex(QualityRuleError, "highest minimum first"):
            RatingScheme((("A", 2), ("B", 1)), ((Fraction(1), "B"), (Fraction(2), "A")))
        with self.assertRaisesRegex(QualityRuleError, "is not on the scale"):
            RatingScheme((("A", 2),), ((Fraction(1), "Z"),))
        with self.assertRaisesRegex(QualityRuleError, "no higher than the lowest score"):
            RatingScheme((("A", 2), ("B", 1)), ((Fraction(2), "A"),))
        with self.assertRaisesRegex(QualityRuleError, "each named once"):
            RatingScheme((("A", 2), ("A", 1)), ((Fraction(1), "A"),))
        with self.assertRaisesRegex(QualityRuleError, "Each cap"):
            RatingScheme((("A", 1),), ((Fraction(1), "A"),), (("A", "Z"),))


class SchemeSettingsTests(unittest.TestCase):
    """Bands and caps as a member of staff types them on the settings page."""

    def test_minimums_as_typed(self) -> None:
        self.assertEqual(parse_minimum(" 2.5 ", GOOD, DEFAULT_SCHEME), Fraction(5, 2))
        self.assertEqual(parse_minimum("4", EXCELLENT, DEFAULT_SCHEME), Fraction(4))
        self.assertEqual(parse_minimum("1.01", RI, DEFAULT_SCHEME), Fraction(101, 100))
        for typed, words in (
            ("", "Enter the lowest average score for Good"),
            ("two", "at most two decimal places, like 2.5"),
            ("2.555", "at most two decimal places"),
            ("nan", "at most two decimal places"),
            ("inf", "at most two decimal places"),
            ("1e3", "at most two decimal places"),
            ("2,5", "at most two decimal places"),
            ("-2", "must be more than 1 and no more than 4"),
            ("1", "must be more than 1"),  # the lowest score belongs to the lowest band
            ("4.01", "no more than 4"),
            ("99999999999", "no more than 4"),
        ):
            with self.assertRaisesRegex(SchemeError, words) as caught:
                parse_minimum(typed, GOOD, DEFAULT_SCHEME)
            self.assertEqual((caught.exception.rating, caught.exception.part), (GOOD, "minimum"))

    def test_the_default_rebuilt_from_its_own_numbers_is_the_default(self) -> None:
        minimums = [Fraction(7, 2), Fraction(5, 2), Fraction(3, 2)]
        rebuilt = scheme_with(DEFAULT_SCHEME, minimums, {GOOD: "", RI: "", POOR: RI})
        self.assertEqual(rebuilt, DEFAULT_SCHEME)

    def test_new_bands_and_caps_rate_by_hand(self) -> None:
        # Good from 3 (not 2.5); any standard Requires improvement holds the overall to Good.
        scheme = scheme_with(
            DEFAULT_SCHEME,
            [Fraction(7, 2), Fraction(3), Fraction(3, 2)],
            {GOOD: "", RI: GOOD, POOR: RI},
        )
        self.assertEqual(scheme.thresholds[-1], (Fraction(1), POOR))
        # 16 standards, safeguarding's four weighted 2: weights 20. One RI in involvement:
        # (19 × 3 + 2) / 20 = 59/20 = 2.95 < 3: Requires improvement (Good by the default).
        one_ri = default_audit(involvement=[RI, GOOD, GOOD])
        self.assertEqual(overall_rating(one_ri).rating, GOOD)
        self.assertEqual(overall_rating(one_ri, scheme).rating, RI)
        # All Excellent but one RI: (19 × 4 + 2) / 20 = 3.9, Excellent by score, capped at Good.
        excellent = default_audit(
            involvement=[RI, EXCELLENT, EXCELLENT],
            personalised=[EXCELLENT] * 4,
            safeguarding=[EXCELLENT] * 4,
            staffing=[EXCELLENT] * 2,
            management=[EXCELLENT] * 3,
        )
        result = overall_rating(excellent, scheme)
        self.assertEqual((result.uncapped, result.rating, result.capped_by), (EXCELLENT, GOOD, RI))

    def test_bands_out_of_order_or_caps_upside_down_are_refused(self) -> None:
        for minimums, caps, rating, part, words in (
            ([Fraction(3), Fraction(3), Fraction(2)], {}, EXCELLENT, "minimum", "higher than for"),
            ([Fraction(2), Fraction(3), Fraction(3, 2)], {}, EXCELLENT, "minimum", "Good"),
            ([Fraction(4), Fraction(3), Fraction(3)], {}, GOOD, "minimum", "than for Requires"),
            ([Fraction(4), Fraction(3), Fraction(2)], {RI: POOR}, RI, "cap", "worse than"),
            ([Fraction(4), Fraction(3), Fraction(2)], {POOR: EXCELLENT}, POOR, "cap", "nothing"),
        ):
            with self.assertRaisesRegex(SchemeError, words) as caught:
                scheme_with(DEFAULT_SCHEME, minimums, caps)
            self.assertEqual((caught.exception.rating, caught.exception.part), (rating, part))
        with self.assertRaisesRegex(QualityRuleError, "every rating but the last"):
            scheme_with(DEFAULT_SCHEME, [Fraction(3)], {})
        with self.assertRaisesRegex(QualityRuleError, "two ratings on the scale"):
            scheme_with(DEFAULT_SCHEME, [Fraction(4), Fraction(3), Fraction(2)], {POOR: "Bad"})


def uk(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=UK, fold=fold)  # type: ignore[misc]


class ConcernDueTests(unittest.TestCase):
    def test_high_risk_24_hours_and_others_72_across_a_month_end(self) -> None:
        logged = uk(2026, 1, 31, 22, 0)
        self.assertEqual(concern_due(logged, True), uk(2026, 2, 1, 22, 0))
        self.assertEqual(concern_due(logged, False), uk(2026, 2, 3, 22, 0))

    def test_across_a_year_end_and_a_leap_day(self) -> None:
        self.assertEqual(concern_due(uk(2026, 12, 31, 23, 30), False), uk(2027, 1, 3, 23, 30))
        self.assertEqual(concern_due(uk(2028, 2, 28, 12, 0), True), uk(2028, 2, 29, 12, 0))

    def test_clocks_going_forward_give_a_later_wall_clock_time(self) -> None:
        # 29 March 2026, 01:00 GMT the clocks go to 02:00 BST. 09:00 GMT Saturday + 24 hours
        # is 09:00 UTC Sunday, which UK clocks show as 10:00.
        due = concern_due(uk(2026, 3, 28, 9, 0), True)
        self.assertEqual((due.hour, due.tzname()), (10, "BST"))
        self.assertEqual(due, datetime(2026, 3, 29, 9, 0, tzinfo=UTC))

    def test_clocks_going_back_give_an_earlier_wall_clock_time(self) -> None:
        # 25 October 2026, 02:00 BST the clocks go back to 01:00 GMT. 09:00 BST Saturday
        # (08:00 UTC) + 24 hours is 08:00 UTC = 08:00 GMT Sunday.
        due = concern_due(uk(2026, 10, 24, 9, 0), True)
        self.assertEqual((due.day, due.hour, due.tzname()), (25, 8, "GMT"))

    def test_logged_in_the_repeated_hour(self) -> None:
        # 01:30 on 25 October 2026 happens twice: first in BST (00:30 UTC), then GMT.
        first = concern_due(uk(2026, 10, 25, 1, 30, fold=0), True)
        second = concern_due(uk(2026, 10, 25, 1, 30, fold=1), True)
        self.assertEqual(first, datetime(2026, 10, 26, 0, 30, tzinfo=UTC))
        self.assertEqual(second, datetime(2026, 10, 26, 1, 30, tzinfo=UTC))

    def test_a_utc_time_is_answered_in_uk_time(self) -> None:
        due = concern_due(datetime(2026, 7, 1, 23, 0, tzinfo=UTC), True)
        self.assertEqual(due.tzinfo, UK)
        self.assertEqual((due.day, due.hour), (3, 0))  # 23:00 UTC 2 July is 00:00 BST 3 July

    def test_council_hours(self) -> None:
        hours = ConcernHours(high=12, other=48)
        self.assertEqual(concern_due(uk(2026, 4, 30, 18, 0), True, hours), uk(2026, 5, 1, 6, 0))
        self.assertEqual(concern_due(uk(2026, 4, 30, 18, 0), False, hours), uk(2026, 5, 2, 18, 0))

    def test_bad_input_is_refused_in_words(self) -> None:
        with self.assertRaisesRegex(QualityRuleError, "time zone"):
            concern_due(datetime(2026, 1, 1, 9, 0), True)
        with self.assertRaisesRegex(QualityRuleError, "high-risk concerns must be between 1"):
            ConcernHours(high=0)
        with self.assertRaisesRegex(QualityRuleError, "other concerns must be between 1 and 672"):
            ConcernHours(other=10_000)


class DeadlineTests(unittest.TestCase):
    def test_comments_and_action_plan_are_due_14_days_later(self) -> None:
        self.assertEqual(comments_due(date(2026, 1, 20)), date(2026, 2, 3))
        self.assertEqual(action_plan_due(date(2026, 2, 20)), date(2026, 3, 6))
        self.assertEqual(action_plan_due(date(2028, 2, 20)), date(2028, 3, 5))  # leap year
        self.assertEqual(action_plan_due(date(2026, 12, 25)), date(2027, 1, 8))

    def test_reaudit_six_months_later_keeps_to_the_month(self) -> None:
        self.assertEqual(reaudit_due(date(2026, 3, 15)), date(2026, 9, 15))
        self.assertEqual(reaudit_due(date(2026, 8, 31)), date(2027, 2, 28))
        self.assertEqual(reaudit_due(date(2027, 8, 31)), date(2028, 2, 29))
        self.assertEqual(add_months(date(2026, 11, 15), 3), date(2027, 2, 15))
        self.assertEqual(add_months(date(2026, 1, 31), -2), date(2025, 11, 30))


class CqcAndRiskTests(unittest.TestCase):
    def test_downgrades(self) -> None:
        self.assertTrue(is_cqc_downgrade("Good", "Requires improvement"))
        self.assertTrue(is_cqc_downgrade("outstanding", "Inadequate "))
        self.assertFalse(is_cqc_downgrade("Requires improvement", "Good"))
        self.assertFalse(is_cqc_downgrade("Good", "Good"))
        self.assertFalse(is_cqc_downgrade("", "Inadequate"))
        self.assertFalse(is_cqc_downgrade("Good", "Insufficient evidence to rate"))

    def test_nothing_on_record_is_green(self) -> None:
        self.assertEqual(risk(RiskFacts()), (Rag.GREEN, ["No concerns, stops or gaps on record"]))

    def test_red_reasons_come_first_then_amber(self) -> None:
        rag, reasons = risk(
            RiskFacts(
                placement_stop="partial",
                overdue_concerns=2,
                open_concerns=3,
                open_high_risk_concerns=1,
                cqc_rating="Requires improvement",
                compliance_gaps=("Business continuity plan review overdue",),
            )
        )
        self.assertEqual(rag, Rag.RED)
        self.assertEqual(
            reasons,
            [
                "Partial placement stop",
                "2 concerns overdue",
                "1 high-risk concern open",
                "2 concerns open",
                "CQC rated Requires improvement",
                "Business continuity plan review overdue",
            ],
        )

    def test_amber_and_each_red_on_its_own(self) -> None:
        self.assertEqual(
            risk(RiskFacts(open_notice="Notice of concern", actions_overdue=1)),
            (Rag.AMBER, ["Notice of concern open", "1 action overdue"]),
        )
        self.assertEqual(risk(RiskFacts(cqc_downgraded=True))[0], Rag.AMBER)
        self.assertEqual(
            risk(RiskFacts(placement_stop="full"))[1], ["Placement stop: no new placements"]
        )
        self.assertEqual(risk(RiskFacts(audit_rating=POOR))[0], Rag.RED)
        self.assertEqual(
            risk(RiskFacts(enquiry_open=True)), (Rag.RED, ["Large-Scale Enquiry open"])
        )
        self.assertEqual(risk(RiskFacts(cqc_rating="Inadequate"))[0], Rag.RED)
        self.assertEqual(risk(RiskFacts(audit_rating=RI))[0], Rag.AMBER)
