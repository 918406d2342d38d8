"""Activity from Client Level Data: hand-worked cases.

Each case is a small CLD file (the raw Release 2 fields: Event_Type, Event_Start_Date,
Event_End_Date, Event_Outcome, Client_Type, Service_Type, Date_of_Birth as year and month,
Date_of_Death) and the counts worked out by hand from the rules in ``caremarket.rules.activity``
(and the DHSC dashboard lines it cites). Reporting year 2024/25: 1 April 2024 to 31 March 2025.
The file helper is the ASCOF tests' (one submission, imported 15 July 2025, covering April 2023
to June 2025, so one reference period ending 30 June 2025).
"""

from __future__ import annotations

import unittest
from datetime import date

from caremarket.rules.activity import COLUMNS, Activity, ActivityTable, compute, outcome_words
from caremarket.rules.ascof import EVENT_OUTCOMES
from tests.rules.test_ascof import LTS_COMMUNITY, LTS_NURS, LTS_RES, ST_MAX, SUB, YEAR, Cld

D = date
PRISON = "Long term support: Prison"


def run(cld: Cld) -> Activity:
    return compute(cld.rows, [SUB], YEAR)


def table(result: Activity, key: str) -> ActivityTable:
    found = result.table(key)
    assert found is not None, key
    return found


def counts(result: Activity, key: str, label: str) -> dict[str, int]:
    found = table(result, key)
    rows = [r for r in (*found.rows, found.total) if r is not None and r.label == label]
    assert len(rows) == 1, [r.label for r in found.rows]
    return dict(zip(COLUMNS, rows[0].counts, strict=True))


def by_band(a: int = 0, b: int = 0, under: int = 0, unknown: int = 0) -> dict[str, int]:
    return {
        "18 to 64": a,
        "65 and above": b,
        "Under 18": under,
        "Unknown": unknown,
        "Total": a + b + under + unknown,
    }


class Requests(unittest.TestCase):
    def setUp(self) -> None:
        c = Cld()
        # Event_Type Request, Client_Type Service user, ending in the year; born June 1950 is
        # 73 on 10 May 2024 (65 and above); born January 1990 is 34 (18 to 64).
        c.add(
            "A", "Request", D(2024, 5, 1), D(2024, 5, 10), outcome="Progress to reablement/ST-Max"
        )
        c.add(
            "B",
            "Request",
            D(2024, 6, 1),
            D(2024, 6, 3),
            outcome="NFA: Information and advice or signposting",
            born=(1990, 1),
        )
        # The same request twice (same unique-event key, DF:54-66): one request.
        c.add("B2", "Request", D(2024, 6, 1), D(2024, 6, 3), outcome="NFA: Support declined")
        c.add("B2", "Request", D(2024, 6, 1), D(2024, 6, 3), outcome="NFA: Support declined")
        # Already in long-term support: a Long term support: Community service open since
        # January 2024 with no end (RQ:110).
        c.service("C", LTS_COMMUNITY, D(2024, 1, 1), None)
        c.add(
            "C",
            "Request",
            D(2024, 7, 1),
            D(2024, 7, 2),
            outcome="Continuation of support or services",
        )
        # Long-term service ended 30 June 2024: a request starting that day is inside it
        # (BETWEEN is inclusive, RQ:109); one starting 1 July is from a new client.
        c.service("I", LTS_RES, D(2023, 5, 1), D(2024, 6, 30))
        c.add("I", "Request", D(2024, 6, 30), D(2024, 7, 5), outcome="NFA: Other")
        c.add("I", "Request", D(2024, 7, 1), D(2024, 7, 9), outcome="NFA: Deceased")
        # Ends after the year, or before it: not this year's.
        c.add("D", "Request", D(2025, 3, 20), D(2025, 4, 2), outcome="NFA: Other")
        c.add("E", "Request", D(2024, 3, 1), D(2024, 3, 31), outcome="NFA: Other")
        # Event_Outcome 'Moved away' is not a Release 2 value: its own row, and reported.
        c.add("F", "Request", D(2024, 9, 1), D(2024, 9, 2), outcome="Moved away")
        # No outcome recorded.
        c.add("F2", "Request", D(2024, 9, 1), D(2024, 9, 2), outcome=None)
        # Client_Type Unpaid carer: in no table, counted.
        c.add(
            "G",
            "Request",
            D(2024, 9, 1),
            D(2024, 9, 2),
            outcome="NFA: Other",
            client="Unpaid carer",
        )
        # No year and month of birth: Age not known.
        c.add("H", "Request", D(2024, 10, 1), D(2024, 10, 2), outcome="NFA: Other", born=None)
        # Under 18 at the request's end (born May 2007: 17 on 2 October 2024).
        c.add("U", "Request", D(2024, 10, 1), D(2024, 10, 2), outcome="NFA: Other", born=(2007, 5))
        self.result = run(c)

    def test_summary_counts_new_and_existing_clients(self) -> None:
        # New: A, B, B2, I (1 July), F, F2, H, U = 8; existing: C, I (30 June) = 2.
        self.assertEqual(
            counts(self.result, "summary", "Requests for support from new clients"),
            by_band(a=1, b=5, under=1, unknown=1),
        )
        self.assertEqual(
            counts(
                self.result,
                "summary",
                "Requests for support from people already in long-term support",
            ),
            by_band(b=2),
        )

    def test_what_followed_in_words_grouped_as_dhsc(self) -> None:
        found = table(self.result, "requests")
        self.assertEqual(
            [(r.group, r.label, r.total) for r in found.rows],
            [
                (
                    "Short-term support",
                    "Went on to reablement (short-term support to regain independence)",
                    1,
                ),
                (
                    "Universal services, information or signposting",
                    "Given information and advice, or signposted to other services",
                    1,
                ),
                ("No services", "Declined support", 1),
                ("No services", "Died", 1),
                ("No services", "No further action, for another reason", 2),
                ("Not known", "Outcome not a Release 2 value (not mapped)", 1),
                ("Not known", "No outcome recorded", 1),
            ],
        )
        assert found.total is not None
        self.assertEqual(found.total.counts, (1, 5, 1, 1, 8))
        self.assertEqual(
            found.in_words(),
            "8 requests in all: 1 aged 18 to 64, 5 aged 65 and over, 1 under 18, "
            "1 whose age is not known.",
        )

    def test_left_out_and_unmapped_are_reported(self) -> None:
        lines = self.result.lines()
        self.assertIn(
            "Requests, assessments or reviews of carers, in no table (the tables count "
            "service users): 1.",
            lines,
        )
        self.assertIn(
            "Requests, assessments, reviews or reablement episodes with no year and month of "
            "birth, counted under Age not known: 1.",
            lines,
        )
        self.assertTrue(any("Event Outcome 'Moved away'" in line for line in lines), lines)

    def test_csv_has_words_for_columns_and_a_total_row(self) -> None:
        rows = table(self.result, "requests").csv_rows()
        self.assertEqual(
            rows[0],
            [
                "What followed",
                "Group",
                "Aged 18 to 64",
                "Aged 65 and over",
                "Under 18",
                "Age not known",
                "All ages",
            ],
        )
        self.assertEqual(rows[-1], ["All requests", "", 1, 5, 1, 1, 8])


class AssessmentsAndReviews(unittest.TestCase):
    def test_flagged_by_long_term_support_open_at_start(self) -> None:
        c = Cld()
        c.service("R", LTS_COMMUNITY, D(2023, 6, 1), None)
        c.add(
            "R",
            "Review",
            D(2024, 11, 1),
            D(2024, 11, 1),
            outcome="Continuation of support or services",
        )
        c.add(
            "S", "Review", D(2024, 11, 1), D(2024, 11, 3), outcome="NFA: Support ended as planned"
        )
        c.add(
            "S",
            "Assessment",
            D(2024, 5, 1),
            D(2024, 5, 20),
            outcome="Progress to support planning or services",
        )
        c.add(
            "R",
            "Assessment",
            D(2024, 5, 1),
            D(2024, 5, 20),
            outcome="Progress to support planning or services",
        )
        # Event_Start_Date missing: never flagged (BETWEEN with NULL is unknown, RQ:109).
        c.add("R", "Review", None, D(2024, 12, 1), outcome="NFA: Other")
        result = run(c)
        self.assertEqual(
            counts(result, "summary", "Reviews of people in long-term support"), by_band(b=1)
        )
        self.assertEqual(counts(result, "summary", "Other reviews"), by_band(b=1))
        self.assertEqual(counts(result, "summary", "Assessments of new clients"), by_band(b=1))
        self.assertEqual(
            counts(result, "summary", "Assessments of people already in long-term support"),
            by_band(b=1),
        )
        self.assertEqual(
            counts(result, "assessments", "Went on to support planning or services"), by_band(b=2)
        )
        self.assertEqual(counts(result, "reviews", "All reviews"), by_band(b=2))


class LongTermSupport(unittest.TestCase):
    def setUp(self) -> None:
        c = Cld()
        # P1: nursing and community both open at 31 March 2025: counted once, in nursing.
        c.service("P1", LTS_NURS, D(2024, 1, 1), None)
        c.service("P1", LTS_COMMUNITY, D(2023, 6, 1), None)
        # P2: residential ended 30 March 2025: in the year, not at its end.
        c.service("P2", LTS_RES, D(2024, 2, 1), D(2025, 3, 30))
        # P3: community open, Date_of_Death 1 February 2025: the end becomes the date of death
        # (FE:226), so in the year, not at its end.
        c.service("P3", LTS_COMMUNITY, D(2024, 2, 1), None, died=D(2025, 2, 1))
        # P4 starts after the year; P5 ends before it.
        c.service("P4", LTS_COMMUNITY, D(2025, 4, 1), None)
        c.service("P5", LTS_COMMUNITY, D(2023, 6, 1), D(2024, 3, 31))
        # P6: community, aged 18 to 64 (born January 1990); P7 in prison.
        c.service("P6", LTS_COMMUNITY, D(2024, 6, 1), D(2025, 3, 31), born=(1990, 1))
        c.service("P7", PRISON, D(2024, 6, 1), None, born=(1980, 3))
        # P8: ends before it starts: left out, as 2E leaves it out.
        c.service("P8", LTS_COMMUNITY, D(2024, 6, 1), D(2024, 5, 1))
        # P9: Client_Type Unpaid carer with a long-term service: in no table, counted.
        c.service("P9", LTS_COMMUNITY, D(2024, 6, 1), None, client="Unpaid carer")
        self.result = run(c)

    def test_at_year_end_by_most_intensive_setting(self) -> None:
        self.assertEqual(counts(self.result, "long-term-year-end", "Nursing care"), by_band(b=1))
        self.assertEqual(counts(self.result, "long-term-year-end", "Residential care"), by_band())
        self.assertEqual(
            counts(self.result, "long-term-year-end", "In the community"), by_band(a=1)
        )
        self.assertEqual(counts(self.result, "long-term-year-end", "In prison"), by_band(a=1))
        self.assertEqual(
            counts(self.result, "long-term-year-end", "All people in long-term support"),
            by_band(a=2, b=1),
        )

    def test_during_the_year(self) -> None:
        self.assertEqual(counts(self.result, "long-term-year", "Nursing care"), by_band(b=1))
        self.assertEqual(counts(self.result, "long-term-year", "Residential care"), by_band(b=1))
        self.assertEqual(
            counts(self.result, "long-term-year", "In the community"), by_band(a=1, b=1)
        )
        self.assertEqual(
            counts(self.result, "summary", "People in long-term support during the year"),
            by_band(a=2, b=3),
        )
        self.assertEqual(
            counts(self.result, "summary", "People in long-term support on 31 March 2025"),
            by_band(a=2, b=1),
        )
        self.assertIn(
            "Long-term or reablement services of carers, in no table (the tables count "
            "service users): 1.",
            self.result.lines(),
        )


class ShortTermSupport(unittest.TestCase):
    def test_reablement_episodes_ending_in_the_year(self) -> None:
        c = Cld()
        c.service(
            "S1", ST_MAX, D(2024, 8, 1), D(2024, 8, 20), outcome="NFA: Support ended as planned"
        )
        c.service(
            "S1",
            ST_MAX,
            D(2024, 11, 1),
            D(2024, 11, 30),
            outcome="Progress to support planning or services",
        )
        c.service("S2", ST_MAX, D(2025, 3, 1), None)  # still open: not ended in the year
        c.service("S3", ST_MAX, D(2025, 3, 20), D(2025, 4, 5))  # ends after the year
        c.service("S4", ST_MAX, D(2024, 9, 1), D(2024, 9, 20), born=(1990, 1))
        result = run(c)
        self.assertEqual(
            counts(result, "summary", "Reablement episodes that ended in the year"),
            by_band(a=1, b=2),
        )
        self.assertEqual(
            counts(result, "summary", "People whose reablement ended in the year"),
            by_band(a=1, b=1),
        )
        self.assertEqual(
            [(r.label, r.total) for r in table(result, "short-term").rows],
            [
                ("Went on to support planning or services", 1),
                ("Support ended as planned", 1),
                ("No outcome recorded", 1),
            ],
        )


class Coverage(unittest.TestCase):
    def test_a_year_no_submission_reaches_is_not_covered(self) -> None:
        """An open Long term support: Community service would otherwise look open in 2027/28."""
        c = Cld()
        c.service("P", LTS_COMMUNITY, D(2024, 1, 1), None)
        self.assertTrue(run(c).covered)
        later = compute(c.rows, [SUB], (D(2027, 4, 1), D(2028, 3, 31)))
        self.assertFalse(later.covered)
        self.assertTrue(
            any("No submission covers 1 July 2025 to 31 March 2028" in x for x in later.lines())
        )


class Words(unittest.TestCase):
    def test_every_release_2_outcome_has_words(self) -> None:
        for outcome in EVENT_OUTCOMES:
            group, words = outcome_words(outcome)
            self.assertTrue(group and words and "NFA" not in words, outcome)
        self.assertEqual(outcome_words(None)[1], "No outcome recorded")
        self.assertEqual(
            outcome_words("Moved away")[1], "Outcome not a Release 2 value (not mapped)"
        )
