"""ASCOF from Client Level Data: hand-worked cases, each checked against DHSC's T-SQL.

Line references are to ``standards/asc-cld/dhsc-la-dashboard/`` (see the abbreviations in
``caremarket.rules.ascof``'s docstring). Every case is worked by hand from the SQL: the
expected counts below come from reading the cited lines, not from running this code.
"""

from __future__ import annotations

import unittest
from datetime import date, datetime
from typing import Any

from caremarket.rules.ascof import (
    AscofResult,
    MeasureRow,
    Problems,
    RawRow,
    Submission,
    age,
    compute,
    derived_period,
    joined_events,
    person_details,
    reporting_year,
    select_submissions,
)

LA = "E06000021"
YEAR = (date(2024, 4, 1), date(2025, 3, 31))
POP = {"18 to 64": 160_000, "65 and above": 45_000}
SUB = Submission("S1", datetime(2025, 7, 15, 9, 0))
D = date


class Cld:
    """A small CLD file built event by event; ids are people, not NHS numbers."""

    def __init__(self) -> None:
        self.rows: list[RawRow] = []
        # Anchors: events ending in the first and last months, so the derived reporting
        # period (SUB:66-76, fewer than 100 events: every month counts) runs April 2023 to
        # June 2025.
        self.add("anchor", "Request", D(2023, 4, 1), D(2023, 4, 10), outcome="NFA: Other")
        self.add("anchor", "Request", D(2025, 6, 1), D(2025, 6, 20), outcome="NFA: Other")

    def add(
        self,
        person: str | None,
        event_type: str,
        start: date | None,
        end: date | None,
        *,
        outcome: str | None = None,
        service: str | None = None,
        component: str | None = None,
        mechanism: str | None = None,
        client: str = "Service user",
        born: tuple[int, int] | None = (1950, 6),
        died: date | None = None,
        accommodation: str | None = "Owner occupier or shared ownership scheme",
        gender: str = "Female",
        psr: str | None = "Physical Support: Personal care support",
        local_id: str | None = None,
        submission: str = "S1",
    ) -> None:
        self.rows.append(
            RawRow(
                record_id=len(self.rows) + 1,
                submission=submission,
                la_code=LA,
                period_start=D(2023, 4, 1),
                period_end=D(2025, 6, 30),
                nhs_id=person,
                local_id=local_id,
                birth_year=born[0] if born else None,
                birth_month=born[1] if born else None,
                date_of_death=died,
                gender=gender,
                client_type=client,
                primary_support_reason=psr,
                accommodation_status=accommodation,
                event_type=event_type,
                event_start=start,
                event_end=end,
                event_outcome=outcome,
                service_type=service,
                service_component=component,
                delivery_mechanism=mechanism,
            )
        )

    def service(self, person: str, service: str, start: date, end: date | None, **kw: Any) -> None:
        self.add(person, "Service", start, end, service=service, **kw)

    def run(self) -> AscofResult:
        return compute(self.rows, [SUB], YEAR, POP)


def rows(result: AscofResult, measure: str, **match: str) -> list[MeasureRow]:
    return [
        r for r in result.measures[measure] if all(getattr(r, k) == v for k, v in match.items())
    ]


def one(result: AscofResult, measure: str, **match: str) -> tuple[int, int, float]:
    found = rows(result, measure, **match)
    assert len(found) == 1, found
    return found[0].numerator, found[0].denominator, found[0].value


LTS_COMMUNITY = "Long term support: Community"
LTS_RES = "Long term support: Residential care"
LTS_NURS = "Long term support: Nursing care"
ST_MAX = "Short term support: ST-Max"


class SqlBehaviour(unittest.TestCase):
    def test_age_is_floor_of_days_over_365_25_from_first_of_birth_month(self) -> None:
        """PD:785, BC:59: born June 1950 means 1 June 1950."""
        self.assertEqual(age(D(1950, 6, 1), D(2025, 3, 31)), 74)
        # 1 Jan 2001 to 1 Jan 2019 is 6574 days; / 365.25 = 17.998: still 17 on the day.
        self.assertEqual(age(D(2001, 1, 1), D(2019, 1, 1)), 17)
        self.assertEqual(age(D(2001, 1, 1), D(2019, 1, 2)), 18)
        self.assertIsNone(age(None, D(2025, 1, 1)))

    def test_reporting_year(self) -> None:
        self.assertEqual(reporting_year("2024/25"), YEAR)
        for bad in ("2024", "2024/26", "24/25", "2022/23", "x/y"):
            with self.assertRaises(ValueError):
                reporting_year(bad)


class ReportingPeriods(unittest.TestCase):
    def _file(self, n_per_month: dict[tuple[int, int], int], types: int = 4) -> list[RawRow]:
        out = []
        kinds = ["Request", "Assessment", "Service", "Review"][:types]
        for (y, m), n in n_per_month.items():
            for i in range(n):
                out.append(
                    RawRow(
                        record_id=len(out),
                        submission="S",
                        la_code=LA,
                        period_start=D(2024, 1, 1),
                        period_end=D(2024, 12, 31),
                        nhs_id=f"p{i}",
                        event_type=kinds[i % len(kinds)],
                        event_start=D(y, m, 1),
                        event_end=D(y, m, 15),
                    )
                )
        return out

    def test_sparse_months_are_not_part_of_the_derived_period(self) -> None:
        """SUB:66-76: a month needs 2% of events and (types - 1) types when 100+ events."""
        counts = {(2024, m): 40 for m in range(4, 7)}
        counts[(2024, 3)] = 2  # 2 of 122 events: 1.6%, under 2%
        counts[(2024, 7)] = 5  # 5 of 125 = 4%, all four types: counts
        period = derived_period(self._file(counts), datetime(2024, 9, 10))
        self.assertEqual(period, (D(2024, 4, 1), D(2024, 7, 31)))

    def test_events_ending_in_the_import_month_are_left_out(self) -> None:
        """SUB:24: end dates on or after the first of the import month are not counted."""
        counts = {(2024, 4): 3, (2024, 5): 3, (2024, 9): 3}
        period = derived_period(self._file(counts), datetime(2024, 9, 10))
        self.assertEqual(period, (D(2024, 4, 1), D(2024, 5, 31)))

    def test_months_with_too_few_event_types_are_left_out(self) -> None:
        """SUB:68,74: a month with 2 types when the file's busiest has 4 does not count."""
        counts = {(2024, m): 40 for m in range(4, 7)}
        rows = self._file(counts)
        rows += [
            RawRow(
                record_id=1000 + i,
                submission="S",
                la_code=LA,
                period_start=D(2024, 1, 1),
                period_end=D(2024, 12, 31),
                nhs_id="x",
                event_type="Request" if i % 2 else "Review",
                event_start=D(2024, 7, 1),
                event_end=D(2024, 7, 2),
            )
            for i in range(10)
        ]
        self.assertEqual(
            derived_period(rows, datetime(2024, 9, 1)), (D(2024, 4, 1), D(2024, 6, 30))
        )

    def test_latest_submission_covering_each_quarter_is_chosen(self) -> None:
        """GS:142-159, MT:60-122: per quarter the latest import covering it; reference
        periods span the quarters each submission was chosen for."""
        a = [self._row("A", D(2023, 4, 5)), self._row("A", D(2023, 12, 20))]
        b = [self._row("B", D(2023, 7, 5)), self._row("B", D(2024, 3, 20))]
        subs = [
            Submission("A", datetime(2024, 1, 15)),
            Submission("B", datetime(2024, 4, 15)),
        ]
        problems = Problems()
        refs = select_submissions({"A": a, "B": b}, subs, None, problems)
        # Q1 2023/24 only A covers; Q2-Q4 both cover up to Dec and B is later; Q4 only B.
        self.assertEqual(refs["A"], (D(2023, 4, 1), D(2023, 6, 30)))
        self.assertEqual(refs["B"], (D(2023, 7, 1), D(2024, 3, 31)))
        self.assertEqual(problems.uncovered_quarters, [])

    def test_a_quarter_no_submission_covers_is_reported(self) -> None:
        a = [self._row("A", D(2023, 4, 5)), self._row("A", D(2023, 6, 20))]
        problems = Problems()
        refs = select_submissions(
            {"A": a}, [Submission("A", datetime(2023, 7, 3))], D(2023, 9, 30), problems
        )
        self.assertEqual(refs, {"A": (D(2023, 4, 1), D(2023, 6, 30))})
        self.assertEqual(problems.uncovered_quarters, [(D(2023, 7, 1), D(2023, 9, 30))])
        self.assertIn("No submission covers 1 July 2023 to 30 September 2023", problems.lines()[0])
        problems.uncovered_quarters.append((D(2023, 10, 1), D(2023, 12, 31)))
        self.assertIn("covers 1 July 2023 to 31 December 2023: no", problems.lines()[0])

    def test_a_submission_imported_before_the_quarter_ends_is_not_chosen(self) -> None:
        """GS:151: ImportDate must be after the reference period's end."""
        a = [self._row("A", D(2023, 4, 5)), self._row("A", D(2023, 6, 20))]
        refs = select_submissions({"A": a}, [Submission("A", datetime(2023, 6, 30, 0, 0))])
        self.assertEqual(refs, {})

    @staticmethod
    def _row(sub: str, end: date) -> RawRow:
        return RawRow(
            record_id=0,
            submission=sub,
            la_code=LA,
            period_start=D(2023, 4, 1),
            period_end=D(2024, 3, 31),
            nhs_id="p",
            event_type="Request",
            event_start=end,
            event_end=end,
        )


class MainTable(unittest.TestCase):
    def test_death_replaces_a_later_or_missing_end_date(self) -> None:
        """FE:225-229: a death between start and end, or after the start of an open event."""
        cld = Cld()
        cld.service("p", LTS_COMMUNITY, D(2024, 1, 1), D(2024, 12, 31), died=D(2024, 6, 1))
        cld.service("q", LTS_COMMUNITY, D(2024, 1, 1), None, died=D(2024, 7, 1))
        events = {e.person: e for e in joined_events(cld.rows, [SUB])}
        self.assertEqual(events["p"].end, D(2024, 6, 1))
        self.assertEqual(events["q"].end, D(2024, 7, 1))

    def test_events_are_filtered_to_the_reference_period(self) -> None:
        """FE:235-245: requests must end in the period; people who died before the period
        or before the event started drop out."""
        cld = Cld()
        cld.add("early", "Request", D(2023, 1, 1), D(2023, 3, 31))
        cld.service("dead", LTS_COMMUNITY, D(2023, 5, 1), None, died=D(2023, 4, 20))
        cld.add("noend", "Assessment", D(2024, 1, 1), None)
        people = {e.person for e in joined_events(cld.rows, [SUB])}
        self.assertEqual(people, {"anchor"})

    def test_person_id_nhs_number_first_else_local_id_and_rows_with_neither_dropped(
        self,
    ) -> None:
        """DF:101-105, DF:122."""
        cld = Cld()
        cld.add("nhs1", "Request", D(2024, 5, 1), D(2024, 5, 2), local_id="L1")
        cld.add("nhs1", "Request", D(2024, 6, 1), D(2024, 6, 2), local_id="L2")
        cld.add(None, "Request", D(2024, 5, 1), D(2024, 5, 2), local_id="L3")
        cld.add(None, "Request", D(2024, 5, 1), D(2024, 5, 3))
        problems = Problems()
        people = {e.person for e in joined_events(cld.rows, [SUB], None, problems)}
        self.assertEqual(people, {"anchor", "nhs1", f"{LA}_L3"})
        self.assertEqual(problems.no_person_id, 1)

    def test_duplicates_keep_one_row_by_outcome_hierarchy(self) -> None:
        """DF:54-66 (client type compared case-insensitively), UE:82-93 (hierarchy 4 beats
        hierarchy 10; an unmapped outcome ranks 999)."""
        cld = Cld()
        cld.add("p", "Request", D(2024, 5, 1), D(2024, 5, 9), outcome="Nonsense")
        cld.add(
            "p",
            "Request",
            D(2024, 5, 1),
            D(2024, 5, 9),
            outcome="NFA: Information and advice or signposting",
            client="SERVICE USER",
        )
        cld.add(
            "p",
            "request",
            D(2024, 5, 1),
            D(2024, 5, 9),
            outcome="Progress to support planning or services",
        )
        problems = Problems()
        events = [e for e in joined_events(cld.rows, [SUB], None, problems) if e.person == "p"]
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0].event_outcome, "Progress to support planning or services")
        self.assertEqual(problems.unmapped[("Event_Outcome", "Nonsense")], 1)
        self.assertIn("Event Outcome 'Nonsense' is not a Release 2 value", problems.lines()[0])

    def test_open_service_not_in_the_next_submission_is_cropped(self) -> None:
        """DF:138-180: a service open at the end of a prior reference period and absent
        from the next is ended at the period's end; one found again keeps the later row."""
        a, b = "A", "B"
        cld = Cld()
        cld.rows.clear()
        # A covers Apr 2023 - Sep 2023, B covers Jul 2023 - Jun 2025 but is chosen from
        # Oct 2023 only if it covers from then on: give B events from Oct 2023.
        cld.add("x", "Request", D(2023, 4, 1), D(2023, 4, 2), submission=a)
        cld.add("x", "Request", D(2023, 9, 1), D(2023, 9, 2), submission=a)
        cld.service("gone", LTS_COMMUNITY, D(2023, 5, 1), None, submission=a)
        cld.service("kept", LTS_COMMUNITY, D(2023, 5, 1), None, submission=a)
        cld.add("x", "Request", D(2023, 10, 1), D(2023, 10, 2), submission=b)
        cld.add("x", "Request", D(2025, 6, 1), D(2025, 6, 2), submission=b)
        cld.service("kept", LTS_COMMUNITY, D(2023, 5, 1), None, submission=b)
        subs = [Submission(a, datetime(2023, 10, 20)), Submission(b, datetime(2025, 7, 20))]
        events = {e.person: e for e in joined_events(cld.rows, subs) if e.person != "x"}
        self.assertEqual(events["gone"].end, D(2023, 9, 30))
        self.assertIsNone(events["kept"].end)
        self.assertEqual(events["kept"].ref_start, D(2023, 10, 1))


class PersonDetails(unittest.TestCase):
    def _people(self, cld: Cld) -> dict[str, Any]:
        events = joined_events(cld.rows, [SUB])
        return person_details(events, YEAR)

    def test_latest_known_accommodation_wins(self) -> None:
        """PD:127-136: known before unknown, then latest end date."""
        cld = Cld()
        cld.add(
            "p", "Review", D(2024, 5, 1), D(2024, 5, 2), accommodation="Tenant: Private landlord"
        )
        cld.add("p", "Review", D(2024, 9, 1), D(2024, 9, 2), accommodation="Unknown")
        self.assertEqual(self._people(cld)["p"].accommodation_status, "Tenant: Private landlord")

    def test_clashing_accommodation_is_inferred_from_services(self) -> None:
        """PD:144-172 (clash at rank 1 becomes Unknown), PD:259-403 (inferred)."""
        cld = Cld()
        cld.service("res", LTS_RES, D(2024, 5, 1), D(2024, 9, 2), accommodation=None)
        for kind, acc in (("Review", "Tenant: Private landlord"), ("Assessment", "Refuge")):
            cld.add("res", kind, D(2024, 5, 1), D(2024, 9, 2), accommodation=acc)
        cld.service(
            "home",
            LTS_COMMUNITY,
            D(2024, 5, 1),
            None,
            accommodation=None,
            component="Home support or domiciliary care",
        )
        cld.service("comm", LTS_COMMUNITY, D(2024, 5, 1), None, accommodation=None)
        cld.add("none", "Request", D(2024, 5, 1), D(2024, 5, 2), accommodation=None)
        people = self._people(cld)
        self.assertEqual(people["res"].accommodation_status, "Registered care home")
        self.assertEqual(people["res"].accommodation_group, 0)
        self.assertEqual(people["home"].accommodation_status, "Unknown: Presumed at home")
        self.assertEqual(people["home"].accommodation_group, 1)
        self.assertEqual(people["comm"].accommodation_status, "Unknown: Presumed in community")
        self.assertEqual(people["comm"].accommodation_group, 0)
        self.assertEqual(people["none"].accommodation_status, "Unknown")

    def test_gender_clash_is_unknown(self) -> None:
        """PD:564-592."""
        cld = Cld()
        cld.add("p", "Review", D(2024, 5, 1), D(2024, 5, 2), gender="Male")
        cld.add("p", "Assessment", D(2024, 5, 1), D(2024, 5, 2), gender="Female")
        self.assertEqual(self._people(cld)["p"].gender, "Unknown")


class Measure2B2C(unittest.TestCase):
    def test_first_admissions(self) -> None:
        """BC:48-75 (cohort), BC:82-91 (start in year, not self-funded), BC:100-124 (no
        residential or nursing care ending under 365 days before), BC:131-146 (18+, one
        band each, MIN), BC:180-213 (per 100,000, rounded to 1 decimal)."""
        cld = Cld()
        w = (1980, 1)  # working age
        res = {"component": "Residential care"}
        cld.service("new_w", LTS_RES, D(2024, 6, 1), None, born=w, **res)
        cld.service("new_w2", LTS_RES, D(2025, 3, 31), None, born=w, **res)
        cld.service("new_o", LTS_NURS, D(2024, 6, 1), None, component="Nursing care")
        # prior residential care ended 100 days before: existing
        cld.service("existing", LTS_RES, D(2023, 5, 1), D(2024, 2, 22), **res)
        cld.service("existing", LTS_RES, D(2024, 6, 1), None, **res)
        # prior ended 365 days before: new again (DATEDIFF < 365 is false)
        cld.service("gap", LTS_RES, D(2023, 4, 1), D(2023, 6, 1), **res)
        cld.service("gap", LTS_RES, D(2024, 5, 31), None, **res)
        # self-funded, short-term, no component (BC:75 drops NULL), community
        cld.service(
            "selffund",
            LTS_RES,
            D(2024, 6, 1),
            D(2024, 8, 1),
            outcome="NFA: Self-funded client or under 12wk disregard",
            **res,
        )
        cld.service("short", LTS_RES, D(2024, 6, 1), None, component="Short term residential care")
        cld.service("nullcomp", LTS_RES, D(2024, 6, 1), None)
        cld.service("comm", LTS_COMMUNITY, D(2024, 6, 1), None, **res)
        # under 18, unknown birth, died before the year, carer
        cld.service("child", LTS_RES, D(2024, 6, 1), None, born=(2010, 1), **res)
        cld.service("nobirth", LTS_RES, D(2024, 6, 1), None, born=None, **res)
        cld.service("dead", LTS_RES, D(2024, 2, 1), None, died=D(2024, 3, 1), **res)
        cld.service("carer", LTS_RES, D(2024, 6, 1), None, client="Unpaid carer", **res)
        # care home before the year, still open: not an admission in the year
        cld.service("before", LTS_RES, D(2023, 6, 1), None, **res)
        result = cld.run()
        # 2 / 160,000 * 100,000 = 1.25, rounded half away from zero (not to even)
        self.assertEqual(one(result, "2B"), (2, 160_000, 1.3))
        self.assertEqual(one(result, "2C"), (2, 45_000, 4.4))  # new_o, gap
        self.assertEqual(
            result.problems.unrecognised[("Service_Component", "Residential care")], 13
        )
        self.assertEqual(rows(result, "2B")[0].numerator_ids, frozenset({"new_w", "new_w2"}))


class Measure2E(unittest.TestCase):
    def test_living_at_home_by_band_gender_and_learning_disability(self) -> None:
        """E2:134-157 (long-term service users in year, end not before start), E2:164-226
        (age at latest capped end, deaths), E2:235-288 (numerator group 1), E2:304-409."""
        cld = Cld()
        ld = "Learning Disability Support"
        cld.service("home_f", LTS_COMMUNITY, D(2024, 1, 1), None, born=(1990, 1), psr=ld)
        cld.service(
            "home_m",
            LTS_COMMUNITY,
            D(2024, 1, 1),
            None,
            born=(1990, 1),
            gender="Male",
            accommodation="Registered care home",
            psr=ld,
        )
        cld.service("old", LTS_RES, D(2024, 1, 1), None, accommodation="Registered care home")
        # unknown accommodation inferred as presumed at home (PD:395, E2:84 lower-case)
        cld.service(
            "inferred",
            LTS_COMMUNITY,
            D(2024, 1, 1),
            None,
            accommodation="Unknown",
            component="Home support or domiciliary care",
        )
        cld.service("carer", LTS_COMMUNITY, D(2024, 1, 1), None, client="Unpaid carer")
        cld.service("backwards", LTS_COMMUNITY, D(2024, 9, 1), D(2024, 8, 1))
        cld.service("ended", LTS_COMMUNITY, D(2023, 5, 1), D(2024, 3, 31))
        cld.service("dead", LTS_COMMUNITY, D(2023, 5, 1), None, died=D(2024, 3, 1))
        result = cld.run()
        self.assertEqual(
            one(result, "2E", cohort="all", group="18 to 64", gender="Total"), (1, 2, 50.0)
        )
        self.assertEqual(
            one(result, "2E", cohort="all", group="18 to 64", gender="Male"), (0, 1, 0.0)
        )
        self.assertEqual(
            one(result, "2E", cohort="all", group="65 and above", gender="Total"), (1, 2, 50.0)
        )
        self.assertEqual(
            one(result, "2E", cohort="all", group="65 and above", gender="Female"), (1, 2, 50.0)
        )
        self.assertEqual(
            one(result, "2E", cohort="learning disability", group="18 to 64", gender="Total"),
            (1, 2, 50.0),
        )
        self.assertEqual(rows(result, "2E", cohort="learning disability", group="65 and above"), [])


class Measure3D(unittest.TestCase):
    def test_clients_and_carers(self) -> None:
        """D3:161-193 (open at year end), D3:199-273 (delivery mechanism and setting
        hierarchy), D3:281-327; carers D3:353-536 including the NULL component of D3:391."""
        cld = Cld()
        end = D(2025, 3, 31)
        cld.service("dp", LTS_COMMUNITY, D(2024, 1, 1), None, mechanism="Direct payment")
        cld.service("dpc", LTS_COMMUNITY, D(2024, 1, 1), None, component="Direct payment")
        cld.service(
            "pb", LTS_COMMUNITY, D(2024, 1, 1), end, mechanism="CASSR managed personal budget"
        )
        cld.service(
            "comm", LTS_COMMUNITY, D(2024, 1, 1), None, mechanism="CASSR commissioned support"
        )
        cld.service("unknown", LTS_COMMUNITY, D(2024, 1, 1), None, mechanism="cash")
        # nursing care outranks the direct payment: not a community client
        cld.service("nurs", LTS_COMMUNITY, D(2024, 1, 1), None, mechanism="Direct payment")
        cld.service("nurs", LTS_NURS, D(2024, 1, 1), None)
        # ended before the year end; a working-age person
        cld.service(
            "ended", LTS_COMMUNITY, D(2024, 1, 1), D(2025, 3, 30), mechanism="Direct payment"
        )
        cld.service(
            "young", LTS_COMMUNITY, D(2024, 1, 1), None, mechanism="Direct payment", born=(1990, 1)
        )
        carer = "Unpaid carer"
        direct = "Unpaid carer support: Direct to unpaid carer"
        cld.service(
            "c_dp",
            direct,
            D(2024, 5, 1),
            D(2024, 5, 1),
            client=carer,
            mechanism="Direct payment",
            component="Carer payment",
        )
        cld.service(
            "c_pb_null",
            direct,
            D(2024, 5, 1),
            D(2024, 5, 1),
            client=carer,
            mechanism="CASSR managed personal budget",
        )
        cld.service(
            "c_comm",
            direct,
            D(2024, 5, 1),
            D(2024, 5, 1),
            client=carer,
            mechanism="CASSR commissioned support",
            component="Respite",
        )
        cld.add("c_assessed", "Assessment", D(2024, 5, 1), D(2024, 5, 2), client=carer)
        result = cld.run()
        # community clients: dp, dpc, pb, comm, unknown (65+), young (18-64)
        self.assertEqual(one(result, "3D", part="1a", group="Total"), (4, 6, 66.7))
        self.assertEqual(one(result, "3D", part="2a", group="Total"), (3, 6, 50.0))
        self.assertEqual(one(result, "3D", part="2a", group="18 to 64"), (1, 1, 100.0))
        self.assertEqual(one(result, "3D", part="1a", group="65 and above"), (3, 5, 60.0))
        # carers: c_dp and c_comm; c_pb_null has no support category (D3:391 NULL)
        self.assertEqual(one(result, "3D", part="1b", group="Total"), (1, 2, 50.0))
        self.assertEqual(one(result, "3D", part="2b", group="Total"), (1, 2, 50.0))
        self.assertEqual(one(result, "3D", part="1b", group="18 to 64"), (0, 0, 0.0))


class Measure2A(unittest.TestCase):
    def test_sequels_of_new_clients_reablement(self) -> None:
        """A2:57-73, A2:120-240 (clusters 7 days apart), A2:249 (ending in year), A2:289-290,
        A2:317-363 (new: no long-term support ending under 91 days before), A2:417-937
        (sequel steps 1-6), A2:947-1081 (numerator and denominator lists)."""
        cld = Cld()
        ok = "NFA: Support ended as planned"
        # 1 cluster of two ST-Max 5 days apart, outcome from the later one: 4a, counted
        cld.service(
            "cluster", ST_MAX, D(2024, 5, 1), D(2024, 5, 20), outcome="Admitted to hospital"
        )
        cld.service("cluster", ST_MAX, D(2024, 5, 25), D(2024, 6, 10), outcome=ok)
        # existing client: community support ended 30 days before
        cld.service("existing", LTS_COMMUNITY, D(2023, 6, 1), D(2024, 4, 1))
        cld.service("existing", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok)
        # long-term support ended 91 days before: new; then LTS within 7 days (step 3)
        cld.service("lts", LTS_COMMUNITY, D(2023, 6, 1), D(2024, 1, 31))
        cld.service("lts", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok)
        cld.service("lts", LTS_COMMUNITY, D(2024, 6, 4), None)
        # step 1: died within 7 days of the end
        cld.service("died", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok, died=D(2024, 6, 8))
        # step 2: admitted to hospital
        cld.service("hosp", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome="Admitted to hospital")
        # step 4c: outcome of a review in the last 14 days beats 'continuation' (rank 105)
        cld.service(
            "review",
            ST_MAX,
            D(2024, 5, 1),
            D(2024, 6, 1),
            outcome="Continuation of support or services",
        )
        cld.add("review", "Review", D(2024, 5, 20), D(2024, 5, 25), outcome="NFA: Other")
        # step 5: equipment during reablement, unusable ST-Max outcome
        cld.service(
            "equip",
            ST_MAX,
            D(2024, 5, 1),
            D(2024, 6, 1),
            outcome="Progress to support planning or services",
        )
        cld.service(
            "equip",
            "Short term support: Other short term",
            D(2024, 5, 2),
            D(2024, 5, 3),
            component="Equipment",
        )
        # step 6: unable to classify, not in the denominator
        cld.service(
            "utc",
            ST_MAX,
            D(2024, 5, 1),
            D(2024, 6, 1),
            outcome="Continuation of support or services",
        )
        # left out: under 18, a carer, end before start, ending after the year, open
        cld.service("child", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok, born=(2010, 1))
        cld.service(
            "carer", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok, client="Unpaid carer"
        )
        cld.service("backwards", ST_MAX, D(2024, 6, 1), D(2024, 5, 1), outcome=ok)
        cld.service("later", ST_MAX, D(2025, 3, 20), D(2025, 4, 2), outcome=ok)
        cld.service("open", ST_MAX, D(2025, 3, 20), None)
        # working age: no birth date recorded still counts, in the total only
        cld.service("nobirth", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok, born=None)
        cld.service("young", ST_MAX, D(2024, 5, 1), D(2024, 6, 1), outcome=ok, born=(1990, 1))
        result = cld.run()
        final = {k.split("#")[0]: v for k, v in result.outcomes_2a.items()}
        self.assertEqual(final["cluster"], (ok, "4a", "65 and above"))
        self.assertEqual(final["lts"], (LTS_COMMUNITY, "3", "65 and above"))
        self.assertEqual(final["died"][:2], ("NFA: Deceased", "1"))
        self.assertEqual(final["hosp"][:2], ("Admitted to hospital", "2"))
        self.assertEqual(final["review"][:2], ("NFA: Other", "4c"))
        self.assertEqual(final["equip"][:2], ("Short term support: Ongoing low level", "5"))
        self.assertEqual(final["utc"][:2], ("Continuation of support or services", "6"))
        self.assertEqual(final["nobirth"][2], "Unknown")
        self.assertEqual(
            set(final),
            {"cluster", "lts", "died", "hosp", "review", "equip", "utc", "nobirth", "young"},
        )
        # 65+: cluster, review, equip in both; lts in the denominator only
        self.assertEqual(one(result, "2A", group="65 and above"), (3, 4, 75.0))
        self.assertEqual(one(result, "2A", group="18 to 64"), (1, 1, 100.0))
        self.assertEqual(one(result, "2A", group="Total"), (5, 6, 83.3))


class Sequels2A(unittest.TestCase):
    def test_short_term_care_home_and_a_later_non_service_outcome(self) -> None:
        """A2:562-598: 'Other short term' with a short-term residential component becomes
        'Short term support: Residential or Nursing care' (denominator only, A2:971);
        A2:650-665, A2:744-754, A2:797-810: with no service after it, a request's NFA outcome
        (hierarchy 10) beats the ST-Max's unusable 'Continuation' (105) as source 2 (4b)."""
        cld = Cld()
        cld.service("strc", ST_MAX, D(2024, 7, 1), D(2024, 7, 20), outcome="NFA: Other")
        cld.service(
            "strc",
            "Short term support: Other short term",
            D(2024, 7, 22),
            D(2024, 8, 20),
            component="Short term residential care",
        )
        cld.service(
            "later",
            ST_MAX,
            D(2024, 7, 1),
            D(2024, 7, 20),
            outcome="Continuation of support or services",
        )
        cld.add(
            "later",
            "Request",
            D(2024, 7, 23),
            D(2024, 7, 24),
            outcome="NFA: Information and advice or signposting",
        )
        result = cld.run()
        final = {k.split("#")[0]: v[:2] for k, v in result.outcomes_2a.items()}
        self.assertEqual(final["strc"], ("Short term support: Residential or Nursing care", "3"))
        self.assertEqual(final["later"], ("NFA: Information and advice or signposting", "4b"))
        self.assertEqual(one(result, "2A", group="Total"), (1, 2, 50.0))

    def test_nhs_number_and_local_id_rows_are_different_people(self) -> None:
        """DF:101-105: the NHS number wins where present, so a row with only the local id is
        another person (LA code_local id); A2:319 then sees no long-term support for the one
        with the NHS number."""
        cld = Cld()
        cld.service("nhs", LTS_COMMUNITY, D(2023, 6, 1), None, local_id="L9")
        cld.service(None, ST_MAX, D(2024, 5, 1), D(2024, 6, 1), local_id="L9",
                    outcome="NFA: Support ended as planned")  # fmt: skip
        result = cld.run()
        self.assertEqual({k.split("#")[0] for k in result.outcomes_2a}, {f"{LA}_L9"})


if __name__ == "__main__":
    unittest.main()
