"""ASCOF 2A, 2B, 2C, 2E and 3D from a council's Client Level Data, by DHSC's own method.

The method is DHSC's T-SQL (repository DataS-DHSC/ASC-CLD-LA-Dashboard, a copy beside the
project in ``standards/asc-cld/dhsc-la-dashboard/``). This module reproduces it step by step,
in pure Python, for one council's submissions. File references below are to that copy:
``SUB`` = Stored_procedures/create_REF_Submission_Reporting_Periods_table.sql, ``GS`` =
create_GetSubmissions_procedure.sql, ``MT`` = Main_tables/create_main_table_for_period.sql,
``FE`` = create_FilterToEventsInPeriod_procedure.sql, ``DF`` =
create_GetDerivedFields_procedure.sql, ``UE`` = create_GetUniqueEvents_procedure.sql, ``PD`` =
ASCOF_measures/Create_personal_details_table.sql, ``A2`` / ``BC`` / ``E2`` / ``D3`` = the
ASCOF_measures/Create_ASCOF_2A / 2B2C / 2E / 3D _2425_Onwards.sql scripts.

Steps
-----
1. **Reporting periods** (SUB:14-91): for each submission, events are counted by the month they
   end in; events ending in or after the import month are left out (SUB:24); a month counts
   if it holds at least 2% of the events and at least (event types in the file - 1) event
   types (SUB:66-76), or any month counts when the file has fewer than 100 dated events
   (SUB:70,75). The derived period runs from the first counted month's first day to the last
   counted month's last day.
2. **Submission selection** (MT:37-102, GS:130-159): the joined period is split into quarters
   from 1 April 2023 (MT:14, DHSC's CLD start); for each quarter the latest submission whose
   derived period covers it and that was imported after the quarter ended is chosen. Each
   chosen submission's reference period runs from the first to the last quarter it was chosen
   for (MT:116-122).
3. **Event filtering** (FE:225-245): the derived end date is the date of death when it falls
   between start and end, or after the start of an event with no end (FE:226-227); requests,
   assessments and reviews must end inside the reference period and start before its end;
   services must start before its end and end on or after its start or have no end; events
   of people who died before the reference period or before the event started are left out.
4. **Cleaning and mapping** (DF:107-119, DF:287-319): each field the measures read is mapped to
   its Release 2 value. DHSC's mapping tables are not published (MT:154-156), so a value maps
   when it equals a Release 2 value the SQL names (``cld_fields.md``), compared as SQL Server
   compares; a value of a *complete* list that does not map becomes
   ``Invalid and not mapped`` (the value DHSC's tables give unmappable values, 5-data-cleaning
   .md) and is counted in ``Problems.unmapped``; a value of a *partial* list (service
   component, primary support reason, gender) that is not one the SQL names is kept as given
   (the SQL tests it with LIKE patterns) and counted in ``Problems.unrecognised``. Nothing is
   guessed.
5. **Combined person id** (DF:101-105, DF:122): NHS number if present, else
   ``LA code_LA person id``; rows with neither are dropped and counted.
6. **Unique events** (DF:54-66) and **deduplication** (UE:82-93, DF:138-180): rows are grouped
   by DHSC's unique-event key; services still open at the end of a reference period that is
   followed by another and not found in it are cropped to the reference period's end; one
   row is kept per unique event.
7. **Person details** (PD): latest accommodation status (with accommodation inferred from
   services when unknown, PD:259-426), gender, primary support reason, birth year and month
   and date of death per person.
8. **Measures**: 2A (A2), 2B and 2C (BC), 2E all and learning disability (E2), 3D parts 1a,
   2a, 1b, 2b (D3).

SQL Server behaviour the method depends on, reproduced here
-----------------------------------------------------------
- **Text compares case-insensitively and ignores trailing spaces** (default collation
  SQL_Latin1_General_CP1_CI_AS; ANSI padding). The scripts rely on it: ``'Service User'``
  (A2:61, D3:187) and ``'Service user'`` (BC:70, E2:142) are the same value;
  ``'Unknown: Presumed at home'`` (PD:212,395) joins ``'Unknown: presumed at home'`` (E2:84);
  ``Event_Type LIKE '%service%'`` matches ``Service`` (FE:235,240; DF:58-65). ``_key`` and
  ``_like`` below implement it; unique-event keys (DF:54-66) and "distinct" counts of values
  (PD:149,569,1074) use the same folding.
- **NULL is unknown**: a comparison with NULL is neither true nor false, so ``x NOT LIKE
  'Direct payment'`` is false when x is NULL (D3:391-404) and
  ``Service_Component_Cleaned NOT LIKE '%Short%'`` drops services with no component from 2B/2C
  (BC:74-75) although BC:74 names NULL as allowed. ``DATEDIFF`` with a NULL is NULL, so its
  comparisons are false (A2:178, A2:436).
- **NULLs sort first** ascending (last descending): DHSC writes the order it wants explicitly
  with ``COALESCE(end, '9999-01-01')`` (UE:74,88; PD:67; A2:71; E2:155) and
  ``COALESCE(hierarchy, 999)`` (UE:75,89; A2:110,143); the same sentinels are used here.
- **Ages from year and month of birth**: a birth date is the first of the birth month
  (DF:219, PD:785,1297); an age is ``FLOOR(DATEDIFF(DAY, birth, d) / 365.25)`` (PD:785,
  BC:59, E2:204, D3:144, A2:265), computed here exactly as ``(4 * days) // 1461``.
- **DENSE_RANK ties**: when several rows tie for "latest" and disagree, the value becomes
  Unknown (PD:144-172, 564-592, 1069-1098); ``ROW_NUMBER`` ties (A2:564-575) cannot change a
  result here (tied rows give the same final outcome).
- **``MIN`` of text** puts a person with new admissions in both age bands in ``18 to 64``
  (BC:135-139, ``'18 to 64' < '65 and above'``).
- **``ROUND(x, 1)`` on FLOAT** rounds half away from zero (``_round1``); a missing result is 0
  (BC:189, E2:400, D3:586, A2:1076-1081).

Where caremarket has to choose (the SQL cannot be followed literally)
---------------------------------------------------------------------
- A council file may hold several submissions: rows stating the same reporting period are
  one submission (DHSC receives one file per submission, SUB:38-49).
- ``ImportDate`` and NHS England's traced NHS number, conversation flag and record id are not
  in a council file. A submission's import time is when caremarket imported it, and
  submissions imported together are ordered by their stated reporting period end then start
  (GS:136-140 takes the latest); the record id is the order rows were imported (UE:91); the
  council's NHS number stands in for the traced one (DF:102-103); the conversation flag is
  absent for every row (UE:90).
- PD:789-801 and PD:832-843 end their ``ORDER BY`` with a comma and do not compile as
  published; their comment says "prioritising (1) valid entries (2) the most recent
  submissions (3) the earliest birth dates", which is what is done here for birth year and
  month and for date of death (a conflicting value is counted in ``Problems.conflicts``).
- The person-details table is built with the reporting year being measured (as the example
  calls at A2:1108-1114 do) from every event of the joined period; only the columns the five
  measures read are built (employment, ethnicity, funding status, unpaid carer and latest
  local id are not).
- 2A's "prior request" flag (A2:337-352) is not part of the measure and is not computed.
- The measures need data after the reporting year (2A's sequels, A2:15-20), so the joined
  period runs from 1 April 2023 to the last quarter any submission covers.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from caremarket.rules.quality import add_months

__all__ = [
    "CLD_START",
    "FIELD_VALUES",
    "AscofResult",
    "Event",
    "MeasureRow",
    "Person",
    "Problems",
    "RawRow",
    "Submission",
    "age",
    "compute",
    "derived_period",
    "joined_events",
    "person_details",
    "prepare",
    "reporting_year",
]

CLD_START = date(2023, 4, 1)  # MT:14
FAR_FUTURE = date(9999, 1, 1)  # the SQL's sentinel for an open end date
INVALID = "Invalid and not mapped"
UNKNOWN = "Unknown"

# ---------------------------------------------------------------------------------------------
# Release 2 values the SQL compares against (cld_fields.md section 2, with file:line there)
# ---------------------------------------------------------------------------------------------

EVENT_TYPES = ("Request", "Assessment", "Service", "Review")
CLIENT_TYPES = (
    "Service user",
    "Unpaid carer",
    "Unpaid carer known by association",
    "Carer",  # R1 spellings 3D still accepts (D3:365)
    "Carer known by association",
)
ST_NURSING = "Long term support: Nursing care"
ST_RESIDENTIAL = "Long term support: Residential care"
ST_COMMUNITY = "Long term support: Community"
ST_PRISON = "Long term support: Prison"
ST_MAX = "Short term support: ST-Max"
ST_LOW = "Short term support: Ongoing low level"
ST_OTHER = "Short term support: Other short term"
CARER_DIRECT = "Unpaid carer support: Direct to unpaid carer"
CARER_CARED_FOR = "Unpaid carer support: Support involving the person cared-for"
LONG_TERM = (ST_NURSING, ST_RESIDENTIAL, ST_COMMUNITY, ST_PRISON)
SERVICE_TYPES = (*LONG_TERM, ST_MAX, ST_LOW, ST_OTHER, CARER_DIRECT, CARER_CARED_FOR)
DIRECT_PAYMENT = "Direct payment"
MANAGED_BUDGET = "CASSR managed personal budget"
COMMISSIONED = "CASSR commissioned support"
DELIVERY_MECHANISMS = (DIRECT_PAYMENT, MANAGED_BUDGET, COMMISSIONED)
SERVICE_COMPONENTS = (  # partial: only the values the SQL names
    DIRECT_PAYMENT,
    "Short term residential care",
    "Short term nursing care",
    "Equipment",
    "Shared Lives",
    "Community supported living",
    "Extra care housing",
    "Home support or domiciliary care",
)
EVENT_OUTCOMES = (  # in DHSC's hierarchy order (6-deduplication.md)
    "Progress to reablement/ST-Max",
    "Progress to assessment, review or reassessment",
    "Release 1 specification only: Not mapped",
    "Progress to support planning or services",
    "Continuation of support or services",
    "Admitted to hospital",
    "NFA: Responsibility moved to another local authority",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Self-funded client or under 12wk disregard",
    "NFA: Information and advice or signposting",
    "NFA: Referral to other service within the local authority",
    "NFA: Support declined",
    "NFA: Deceased",
    "NFA: Support ended as planned",
    "NFA: Support ended for other reason",
    "NFA: No services offered for other reason",
    "NFA: Other",
)
SETTLED = (  # PD:192-200, group 1
    "Owner occupier or shared ownership scheme",
    "Tenant: Local authority or other social housing provider",
    "Tenant: Private landlord",
    "Settled mainstream housing with family or friends",
    "Supported accommodation, supported lodgings or supported group home",
    "Shared Lives scheme",
    "Approved premises for offenders released from prison or under probation supervision",
    "Sheltered housing, extra care housing or other sheltered housing",
    "Mobile accommodation for Gypsy, Roma and Traveller communities",
)
UNSETTLED = (  # PD:201-211, group 0
    "Rough sleeper or squatting",
    "Night shelter, emergency hostel or direct access hostel",
    "Refuge",
    "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
    "Staying with family or friends as a short term guest",
    "Acute hospital or long term healthcare residential facility",
    "Registered care home",
    "Registered nursing home",
    "Prison, young offenders institution or detention centre",
    "Other temporary accommodation",
    UNKNOWN,
)
PRESUMED_HOME = "Unknown: Presumed at home"  # PD:212, E2:84 ('presumed')
PRESUMED_COMMUNITY = "Unknown: Presumed in community"  # PD:213, E2:96
LD_SUPPORT = "Learning Disability Support"  # E2:108
CARER_PSR = "Social support: Support to unpaid carer"  # PD:1035
GENDERS = ("Male", "Female", UNKNOWN)  # partial (E2:320, PD:490)
FUNDING = (
    "Fully social care funded",
    "Joint client and social care funded",
    "Fully client funded",
)

#: field -> (Release 2 values, whether the list is complete)
FIELD_VALUES: dict[str, tuple[tuple[str, ...], bool]] = {
    "Client_Type": (CLIENT_TYPES, True),
    "Service_Type": (SERVICE_TYPES, True),
    "Service_Component": (SERVICE_COMPONENTS, False),
    "Delivery_Mechanism": (DELIVERY_MECHANISMS, True),
    "Event_Outcome": (EVENT_OUTCOMES, True),
    "Accommodation_Status": ((*SETTLED, *UNSETTLED), True),
    "Primary_Support_Reason": ((LD_SUPPORT, CARER_PSR), False),
    "Gender": (GENDERS, False),
}

OUTCOME_HIERARCHY = {v.lower(): i for i, v in enumerate(EVENT_OUTCOMES, start=1)}


# ---------------------------------------------------------------------------------------------
# SQL Server text semantics
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _fold(value: str) -> str:
    return value.rstrip().lower()


_CANONICAL = {name: {_fold(v): v for v in values} for name, (values, _) in FIELD_VALUES.items()}


def _key(value: str | None) -> str | None:
    """A value as the default collation compares it: case folded, trailing spaces ignored."""
    if value is None:
        return None
    return _fold(value)


def _eq(value: str | None, other: str) -> bool:
    """``value = other``; false when value is NULL."""
    return value is not None and _equal(value, other)


@lru_cache(maxsize=65536)
def _equal(value: str, other: str) -> bool:
    return _fold(value) == _fold(other)


@lru_cache(maxsize=1024)
def _folded(options: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_fold(o) for o in options)


def _in(value: str | None, options: tuple[str, ...]) -> bool:
    """``value IN (...)``; false when value is NULL."""
    return value is not None and _within(value, options)


@lru_cache(maxsize=65536)
def _within(value: str, options: tuple[str, ...]) -> bool:
    return _fold(value) in _folded(options)


def _not_in(value: str | None, options: tuple[str, ...]) -> bool:
    """``value NOT IN (...)``; also false when value is NULL (unknown is not true)."""
    return value is not None and not _in(value, options)


def _like(value: str | None, pattern: str) -> bool:
    """``value LIKE pattern`` for the patterns the SQL uses (``%`` at either end only)."""
    return value is not None and _matches(value, pattern)


@lru_cache(maxsize=65536)
def _matches(value: str, pattern: str) -> bool:
    v = value.lower()
    p = pattern.lower()
    if p.startswith("%") and p.endswith("%"):
        return p[1:-1] in v
    if p.endswith("%"):
        return v.startswith(p[:-1])
    if p.startswith("%"):
        return v.endswith(p[1:])
    return _key(value) == _key(pattern)


def _not_like(value: str | None, pattern: str) -> bool:
    """``value NOT LIKE pattern``; false when value is NULL."""
    return value is not None and not _like(value, pattern)


def _days(start: date | None, end: date | None) -> int | None:
    """``DATEDIFF(DAY, start, end)``; NULL when either is NULL."""
    if start is None or end is None:
        return None
    return (end - start).days


def birth_date(year: int | None, month: int | None) -> date | None:
    """``CAST(CONCAT(year, '-', month, '-01') AS DATE)`` (PD:1295-1298)."""
    if year is None or month is None:
        return None
    return date(year, month, 1)


def age(born: date | None, on: date | None) -> int | None:
    """``FLOOR(DATEDIFF(DAY, born, on) / 365.25)``, exactly (PD:785, BC:59, E2:204, D3:144)."""
    days = _days(born, on)
    if days is None:
        return None
    return (4 * days) // 1461


def _round1(numerator: int, denominator: int, scale: int) -> float:
    """``ROUND(CAST(n AS FLOAT) / CAST(d AS FLOAT) * scale, 1)``, half away from zero."""
    if denominator == 0:
        return 0.0
    value = numerator / denominator * scale
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One row of a council's CLD file, with its identifiers already pseudonymised.

    ``nhs_id`` and ``local_id`` are the keyed hashes of NHS_Number and
    LA_Person_Unique_Identifier; ``linked_ids`` are the hashes of Adult_1..3_Linked_Person_ID
    (the same key, so they join to ``local_id`` as PD:998-1000 joins them). ``record_id`` is the
    order of import (the SQL's Der_Unique_Record_ID).
    """

    record_id: int
    submission: str
    la_code: str
    period_start: date
    period_end: date
    nhs_id: str | None = None
    local_id: str | None = None
    birth_year: int | None = None
    birth_month: int | None = None
    date_of_death: date | None = None
    gender: str | None = None
    client_type: str | None = None
    primary_support_reason: str | None = None
    accommodation_status: str | None = None
    event_type: str | None = None
    event_start: date | None = None
    event_end: date | None = None
    event_outcome: str | None = None
    request_route: str | None = None
    assessment_type: str | None = None
    service_type: str | None = None
    service_component: str | None = None
    delivery_mechanism: str | None = None
    linked_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submission:
    """A council submission: its id and when it was imported (the SQL's ImportDate)."""

    id: str
    imported: datetime
    order: tuple[date, date] = (date.min, date.min)  # stated end, start: ties on import time


@dataclass
class Problems:
    """What the method could not use, counted, for the analyst to put right."""

    unmapped: Counter[tuple[str, str]] = field(default_factory=Counter)
    unrecognised: Counter[tuple[str, str]] = field(default_factory=Counter)
    no_person_id: int = 0
    end_before_start: int = 0
    conflicts: Counter[str] = field(default_factory=Counter)
    uncovered_quarters: list[tuple[date, date]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Plain sentences, one per problem."""
        out: list[str] = []
        for (name, value), n in sorted(self.unmapped.items()):
            out.append(
                f"{name.replace('_', ' ')} '{value}' is not a Release 2 value: "
                f"{n} row(s) counted as 'Invalid and not mapped'."
            )
        by_field: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for (name, value), n in sorted(self.unrecognised.items()):
            by_field[name].append((value, n))
        for name, values in by_field.items():
            listed = ", ".join(f"'{v}' ({n})" for v, n in values)
            out.append(
                f"{name.replace('_', ' ')}: values the method does not compare against, "
                f"kept as given (rows): {listed}."
            )
        if self.no_person_id:
            out.append(
                f"{self.no_person_id} row(s) have neither an NHS number nor a local person "
                "id and are left out, as DHSC leaves them out."
            )
        if self.end_before_start:
            out.append(
                f"{self.end_before_start} event(s) end before they start: 2A, 2E and 3D leave "
                "them out, as DHSC's method does (2B and 2C do not look at the end date)."
            )
        for name, n in sorted(self.conflicts.items()):
            out.append(f"{n} person(s) have conflicting {name}; the method's rule was applied.")
        spans: list[tuple[date, date]] = []
        for start, end in sorted(self.uncovered_quarters):  # consecutive quarters as one span
            if spans and spans[-1][1] + timedelta(days=1) == start:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        for start, end in spans:
            out.append(
                f"No submission covers {start:%-d %B %Y} to {end:%-d %B %Y}: "
                "no events are counted from that quarter."
            )
        return out


# ---------------------------------------------------------------------------------------------
# Steps 1-2: reporting periods and submission selection
# ---------------------------------------------------------------------------------------------


def derived_period(rows: Sequence[RawRow], imported: datetime) -> tuple[date, date] | None:
    """A submission's reporting period derived from its events' end dates (SUB:14-91)."""
    cutoff = date(imported.year, imported.month, 1)
    by_month: dict[date, list[RawRow]] = defaultdict(list)
    for row in rows:
        if row.event_end is not None and row.event_end < cutoff:  # SUB:24
            by_month[date(row.event_end.year, row.event_end.month, 1)].append(row)
    if not by_month:
        return None

    def types(group: list[RawRow]) -> int:  # COUNT(DISTINCT Event_Type), NULL not counted
        return len({_key(r.event_type) for r in group if r.event_type is not None})

    total = sum(len(g) for g in by_month.values())
    types_in_file = max(types(g) for g in by_month.values())  # SUB:83
    starts: list[date] = []
    ends: list[date] = []
    for month, group in by_month.items():
        counted = 100.0 * len(group) / total >= 2 and types(group) >= types_in_file - 1
        if (counted and total >= 100) or total < 100:  # SUB:66-71
            starts.append(month)
        if counted or total < 100:  # SUB:72-76 (the end has no 100-event condition)
            ends.append(_month_end(month))
    if not starts or not ends:
        return None
    return min(starts), max(ends)


def quarters(start: date, end: date) -> list[tuple[date, date]]:
    """The reference periods: quarters from ``start`` while they end by ``end`` (MT:40-102)."""
    out = []
    q_start = start
    q_end = add_months(q_start, 3) - timedelta(days=1)
    while q_end <= end:
        out.append((q_start, q_end))
        q_start = add_months(q_start, 3)
        q_end = add_months(q_start, 3) - timedelta(days=1)
    return out


def select_submissions(
    rows_by_submission: Mapping[str, Sequence[RawRow]],
    submissions: Sequence[Submission],
    joined_end: date | None = None,
    problems: Problems | None = None,
) -> dict[str, tuple[date, date]]:
    """Each chosen submission's reference period (MT:37-122, GS:130-159)."""
    periods = {
        s.id: derived_period(rows_by_submission.get(s.id, ()), s.imported) for s in submissions
    }
    covered_ends = [p[1] for p in periods.values() if p is not None]
    if not covered_ends:
        return {}
    end = max(covered_ends) if joined_end is None else max(joined_end, max(covered_ends))
    chosen: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for q_start, q_end in quarters(CLD_START, end):
        candidates = [
            s
            for s in submissions
            if (p := periods[s.id]) is not None
            and p[0] <= q_start
            and p[1] >= q_end
            and s.imported > datetime.combine(q_end, time())  # GS:151 (ImportDate > end)
        ]
        if not candidates:
            if problems is not None:
                problems.uncovered_quarters.append((q_start, q_end))
            continue
        latest = max(candidates, key=lambda s: (s.imported, s.order, s.id))  # GS:136-159
        chosen[latest.id].append((q_start, q_end))
    return {sid: (min(q[0] for q in qs), max(q[1] for q in qs)) for sid, qs in chosen.items()}


# ---------------------------------------------------------------------------------------------
# Steps 3-6: events in period, cleaning, person id, unique events
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A row of the joined, cleaned and deduplicated table the measures read."""

    record_id: int
    la_code: str
    person: str
    ref_start: date
    ref_end: date
    local_id: str | None
    birth_year: int | None
    birth_month: int | None
    date_of_death: date | None
    gender: str | None
    client_type: str | None
    primary_support_reason: str | None
    accommodation_status: str | None
    event_type: str | None
    event_start: date | None
    end: date | None  # Der_Event_End_Date
    event_outcome: str | None
    outcome_rank: int | None  # Event_Outcome_Hierarchy
    service_type: str | None
    service_component: str | None
    delivery_mechanism: str | None
    linked_ids: tuple[str, ...]


def _der_end(row: RawRow) -> date | None:
    """FE:225-229."""
    dod, start, end = row.date_of_death, row.event_start, row.event_end
    if dod is not None and start is not None:
        if end is not None and start <= dod <= end:
            return dod
        if end is None and dod > start:
            return dod
    return end


def _in_period(row: RawRow, end: date | None, ref: tuple[date, date]) -> bool:
    """FE:233-245."""
    ref_start, ref_end = ref
    start = row.event_start
    if start is None or start > ref_end:
        return False
    if _not_like(row.event_type, "%service%"):
        ok = end is not None and ref_start <= end <= ref_end
    elif _like(row.event_type, "%service%"):
        ok = end is None or end >= ref_start
    else:  # Event_Type NULL: neither branch is true
        ok = False
    dod = row.date_of_death
    return ok and (dod is None or (dod >= ref_start and dod >= start))


@lru_cache(maxsize=65536)
def _mapped(name: str, value: str | None) -> tuple[str | None, bool | None]:
    """A raw value's Release 2 spelling (DF:107-119, DF:287-319), and whether it was not one:
    None for a value that maps (or is blank), True when the field's list is complete (the
    value becomes 'Invalid and not mapped'), False when it is partial (kept as given)."""
    if value is None or value.strip() == "":
        return None, None
    canonical = _CANONICAL[name].get(_fold(value))
    if canonical is not None:
        return canonical, None
    if FIELD_VALUES[name][1]:
        return INVALID, True
    return value, False


#: The mapped fields of a row, in ``_cleaned``'s order.
CLEANED_FIELDS = (
    "Event_Outcome",
    "Gender",
    "Client_Type",
    "Primary_Support_Reason",
    "Accommodation_Status",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
)


def _raw_values(row: RawRow) -> tuple[str | None, ...]:
    return (
        row.event_outcome,
        row.gender,
        row.client_type,
        row.primary_support_reason,
        row.accommodation_status,
        row.service_type,
        row.service_component,
        row.delivery_mechanism,
    )


def _count_unmapped(values: Counter[tuple[str | None, ...]], problems: Problems) -> None:
    """Count every row's values that are not Release 2 values (once per row and field)."""
    for raw, n in values.items():
        for name, value in zip(CLEANED_FIELDS, raw, strict=True):
            _, kind = _mapped(name, value)
            if kind is True:
                problems.unmapped[(name, value or "")] += n
            elif kind is False:
                problems.unrecognised[(name, value or "")] += n


def _unique_key(row: RawRow, end: date | None, person: str) -> tuple[object, ...]:
    """DHSC's unique event (DF:54-66), with raw values compared as the collation does."""
    service = _like(row.event_type, "%service%")
    return (
        row.la_code,
        row.event_start,
        None if service else end,
        _key(row.client_type),
        person,
        _key(row.event_type),
        _key(row.request_route) if _like(row.event_type, "%request%") else None,
        _key(row.assessment_type) if _like(row.event_type, "%assessment%") else None,
        _key(row.service_type) if service else None,
        _key(row.service_component) if service else None,
    )


def joined_events(
    rows: Iterable[RawRow],
    submissions: Sequence[Submission],
    joined_end: date | None = None,
    problems: Problems | None = None,
) -> list[Event]:
    """The joined-submissions main table for one council (MT steps 1-5)."""
    problems = problems if problems is not None else Problems()
    by_sub: dict[str, list[RawRow]] = defaultdict(list)
    for row in rows:
        by_sub[row.submission].append(row)
    refs = select_submissions(by_sub, submissions, joined_end, problems)

    kept: list[tuple[RawRow, date | None, tuple[date, date], str, tuple[object, ...]]] = []
    for sid, ref in refs.items():
        for row in by_sub[sid]:
            end = _der_end(row)
            if not _in_period(row, end, ref):
                continue
            if row.nhs_id is None and row.local_id is None:  # DF:122
                problems.no_person_id += 1
                continue
            person = row.nhs_id if row.nhs_id is not None else f"{row.la_code}_{row.local_id}"
            kept.append((row, end, ref, person, _unique_key(row, end, person)))

    # Crop services open at the end of a reference period that another follows, when the
    # same unique event is not in the next one (DF:138-180).
    last_start = max((ref[0] for ref in refs.values()), default=None)
    present = {(ref[0], key) for _, _, ref, _, key in kept}
    cropped = []
    for row, end, ref, person, key in kept:
        if (
            ref[0] != last_start
            and (end is None or end > ref[1])
            and (ref[1] + timedelta(days=1), key) not in present
        ):
            end = ref[1]
        cropped.append((row, end, ref, person, key))

    # Clean, then keep one row per unique event (UE:82-93). What does not map is counted for
    # every row (duplicates too), once per distinct set of values.
    raw_values: Counter[tuple[str | None, ...]] = Counter()
    best: dict[tuple[object, ...], tuple[tuple[object, ...], _Kept]] = {}
    for row, end, ref, person, key in cropped:
        raw_values[_raw_values(row)] += 1
        outcome = _mapped("Event_Outcome", row.event_outcome)[0]
        rank = OUTCOME_HIERARCHY.get(outcome.lower()) if outcome else None
        order = (
            ref[1],
            end if end is not None else FAR_FUTURE,
            -(rank if rank is not None else 999),
            row.record_id,
        )
        current = best.get(key)
        if current is None or order > current[0]:
            best[key] = (order, (row, end, ref, person, outcome, rank))
    _count_unmapped(raw_values, problems)
    events = [
        Event(
            record_id=row.record_id,
            la_code=row.la_code,
            person=person,
            ref_start=ref[0],
            ref_end=ref[1],
            local_id=row.local_id,
            birth_year=row.birth_year,
            birth_month=row.birth_month,
            date_of_death=row.date_of_death,
            gender=_mapped("Gender", row.gender)[0],
            client_type=_mapped("Client_Type", row.client_type)[0],
            primary_support_reason=_mapped("Primary_Support_Reason", row.primary_support_reason)[0],
            accommodation_status=_mapped("Accommodation_Status", row.accommodation_status)[0],
            event_type=_canonical_event_type(row.event_type),
            event_start=row.event_start,
            end=end,
            event_outcome=outcome,
            outcome_rank=rank,
            service_type=_mapped("Service_Type", row.service_type)[0],
            service_component=_mapped("Service_Component", row.service_component)[0],
            delivery_mechanism=_mapped("Delivery_Mechanism", row.delivery_mechanism)[0],
            linked_ids=row.linked_ids,
        )
        for _, (row, end, ref, person, outcome, rank) in best.values()
    ]
    return sorted(events, key=lambda e: e.record_id)


_Kept = tuple[RawRow, date | None, tuple[date, date], str, str | None, int | None]


@lru_cache(maxsize=1024)
def _canonical_event_type(value: str | None) -> str | None:
    """Event_Type is not mapped by DHSC (DF keeps it raw); its spelling is folded here."""
    for v in EVENT_TYPES:
        if _eq(value, v):
            return v
    return value


# ---------------------------------------------------------------------------------------------
# Step 7: person details
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A row of the latest person details table (PD:1282-1333), as far as the measures read it."""

    la_code: str
    person: str
    accommodation_status: str
    accommodation_group: int | None
    gender: str
    primary_support_reason: str
    birth: date | None
    date_of_death: date | None


def _latest(
    events: Sequence[Event],
    sort_key: Callable[[Event], tuple[object, ...]],
    value: Callable[[Event], str],
    unknown: str,
) -> tuple[str, bool]:
    """DENSE_RANK = 1 by ``sort_key`` descending; values clashing at rank 1 become ``unknown``."""
    top = max(sort_key(e) for e in events)
    values = {_key(value(e)): value(e) for e in events if sort_key(e) == top}
    if len(values) > 1:
        return unknown, True
    return next(iter(values.values())), False


def _end(e: Event) -> date:
    return e.end if e.end is not None else FAR_FUTURE  # PD:67


def _start(e: Event) -> date:
    return e.event_start if e.event_start is not None else date.min


ACCOMMODATION_GROUP = {
    **{_key(v): 1 for v in SETTLED},
    **{_key(v): 0 for v in UNSETTLED},
    _key(PRESUMED_HOME): 1,
    _key(PRESUMED_COMMUNITY): 0,
}
USEFUL_COMPONENTS = (
    "Shared Lives",
    "Community supported living",
    "Extra care housing",
    "Home support or domiciliary care",
)
SERVICE_RANK = {_key(v): i for i, v in enumerate((*LONG_TERM, ST_MAX, ST_LOW, ST_OTHER), 1)}


def _accommodation_from_services(services: Sequence[Event]) -> str:
    """PD:259-403: accommodation inferred from the person's latest services."""
    if not services:  # the LEFT JOIN finds nothing: 'Not useful' twice, so Unknown
        return UNKNOWN

    def rank(e: Event) -> tuple[object, ...]:  # PD:297-307, as a descending key
        hierarchy = SERVICE_RANK.get(_key(e.service_type) or "", 99)
        useful = 1 if _in(e.service_component, USEFUL_COMPONENTS) else 0
        return (_end(e), -hierarchy, useful, _start(e))

    top = max(rank(e) for e in services)
    first = [e for e in services if rank(e) == top]
    types = {
        _key(e.service_type): e.service_type
        for e in first
        if SERVICE_RANK.get(_key(e.service_type) or "", 99) != 99
    }
    comps = {
        _key(e.service_component): e.service_component
        for e in first
        if _in(e.service_component, USEFUL_COMPONENTS)
    }
    stype = next(iter(types.values())) if len(types) == 1 else None  # PD:337-349
    comp = next(iter(comps.values())) if len(comps) == 1 else None  # PD:350-362
    if _eq(stype, ST_NURSING):  # PD:389-399
        return "Registered nursing home"
    if _eq(stype, ST_RESIDENTIAL):
        return "Registered care home"
    if _eq(comp, "Shared Lives"):
        return "Shared Lives scheme"
    if _eq(comp, "Extra care housing"):
        return "Sheltered housing, extra care housing or other sheltered housing"
    if _eq(comp, "Community supported living"):
        return "Supported accommodation, supported lodgings or supported group home"
    if _eq(stype, ST_COMMUNITY) and _eq(comp, "Home support or domiciliary care"):
        return PRESUMED_HOME
    if _eq(stype, ST_COMMUNITY) and comp is None:
        return PRESUMED_COMMUNITY
    if _eq(stype, ST_PRISON):
        return "Prison, young offenders institution or detention centre"
    return UNKNOWN


def person_details(
    events: Sequence[Event], period: tuple[date, date], problems: Problems | None = None
) -> dict[str, Person]:
    """The latest person details table (PD), keyed by combined person id."""
    problems = problems if problems is not None else Problems()
    by_person: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_person[e.person].append(e)
    out: dict[str, Person] = {}
    for pid, evs in by_person.items():
        # Accommodation (PD:97-172): known first, latest submission, end, start.
        def accom(e: Event) -> str:
            a = e.accommodation_status
            return UNKNOWN if a is None or _eq(a, INVALID) else a

        status, clash = _latest(
            evs,
            lambda e: (
                0 if _in(accom(e), (UNKNOWN,)) else 1,
                e.ref_end,
                _end(e),
                _start(e),
            ),
            accom,
            UNKNOWN,
        )
        if clash:
            problems.conflicts["accommodation status"] += 1
        if _eq(status, UNKNOWN):  # PD:259-426
            status = _accommodation_from_services([e for e in evs if _eq(e.event_type, "Service")])
        group = ACCOMMODATION_GROUP.get(_key(status) or "")

        # Gender (PD:513-592): known first, end, start (no submission order).
        def gender(e: Event) -> str:
            g = e.gender
            return UNKNOWN if g is None or _in(g, (UNKNOWN, INVALID)) else g

        sex, clash = _latest(
            evs,
            lambda e: (0 if _eq(gender(e), UNKNOWN) else 1, _end(e), _start(e)),
            gender,
            UNKNOWN,
        )
        if clash:
            problems.conflicts["gender"] += 1

        # Primary support reason (PD:1022-1098).
        def psr(e: Event) -> str:
            p = e.primary_support_reason
            return UNKNOWN if p is None or _eq(p, INVALID) else p

        reason, clash = _latest(
            evs,
            lambda e: (
                0
                if e.primary_support_reason is None
                or _in(e.primary_support_reason, (UNKNOWN, INVALID, CARER_PSR))
                else 1,
                e.ref_end,
                _end(e),
                _start(e),
            ),
            psr,
            UNKNOWN,
        )
        if clash:
            problems.conflicts["primary support reason"] += 1

        # Birth (PD:775-817) and death (PD:825-851): valid first, latest submission, earliest.
        births = [(e.ref_end, birth_date(e.birth_year, e.birth_month)) for e in evs]
        valid = [b for b in births if b[1] is not None]
        born: date | None = None
        if valid:
            latest_ref = max(b[0] for b in valid)
            candidates = {b[1] for b in valid if b[0] == latest_ref and b[1] is not None}
            born = min(candidates)
            if len({b[1] for b in valid}) > 1:
                problems.conflicts["years or months of birth"] += 1
        deaths = [(e.ref_end, e.date_of_death) for e in evs if e.date_of_death is not None]
        died: date | None = None
        if deaths:
            latest_ref = max(d[0] for d in deaths)
            died = min(d[1] for d in deaths if d[0] == latest_ref and d[1] is not None)
            if len({d[1] for d in deaths}) > 1:
                problems.conflicts["dates of death"] += 1

        out[pid] = Person(
            la_code=evs[0].la_code,
            person=pid,
            accommodation_status=status,
            accommodation_group=1 if _eq(status, PRESUMED_HOME) else group,
            gender=sex,
            primary_support_reason=reason,
            birth=born,
            date_of_death=died,
        )
    return out


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    """One published figure and the people (or ST-Max clusters) behind it."""

    measure: str
    group: str
    numerator: int
    denominator: int
    value: float
    part: str = ""
    cohort: str = ""
    gender: str = ""
    numerator_ids: frozenset[str] = frozenset()
    denominator_ids: frozenset[str] = frozenset()

    @classmethod
    def percentage(
        cls, measure: str, group: str, num: frozenset[str], den: frozenset[str], **labels: str
    ) -> MeasureRow:
        """A measure that is the share of its denominator's people in its numerator (2A, 2E,
        3D): counts, the value as DHSC rounds it, and the people behind both."""
        return cls(
            measure=measure,
            group=group,
            numerator=len(num),
            denominator=len(den),
            value=_round1(len(num), len(den), 100),
            numerator_ids=num,
            denominator_ids=den,
            **labels,
        )

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of issue 17."""
        out: dict[str, object] = {}
        if self.part:
            out["part"] = self.part
        if self.cohort:
            out["cohort"] = self.cohort
        out["group"] = self.group
        if self.gender:
            out["gender"] = self.gender
        out.update(numerator=self.numerator, denominator=self.denominator, value=self.value)
        return out


@dataclass
class AscofResult:
    """Every measure's rows, plus what could not be used."""

    period: tuple[date, date]
    measures: dict[str, list[MeasureRow]]
    problems: Problems
    outcomes_2a: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def reporting_year(label: str) -> tuple[date, date]:
    """``2024/25`` -> 1 April 2024 to 31 March 2025; a ValueError in plain words otherwise."""
    parts = label.split("/")
    if len(parts) != 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        raise ValueError(f"'{label}' is not a reporting year such as 2024/25.")
    start = int(parts[0])
    if len(parts[0]) != 4 or len(parts[1]) != 2 or (start + 1) % 100 != int(parts[1]):
        raise ValueError(f"'{label}' is not a reporting year such as 2024/25.")
    if start < CLD_START.year:
        raise ValueError(f"'{label}' is before Client Level Data began (April {CLD_START.year}).")
    return date(start, 4, 1), date(start + 1, 3, 31)


# ---------------------------------------------------------------------------------------------
# 2B and 2C (BC)
# ---------------------------------------------------------------------------------------------


def measure_2bc(
    events: Sequence[Event],
    people: Mapping[str, Person],
    period: tuple[date, date],
    population: Mapping[str, int],
) -> list[MeasureRow]:
    """First admissions to long-term residential or nursing care per 100,000 (BC)."""
    start, end = period
    build = []
    for e in events:  # BC:48-75
        p = people.get(e.person)
        if p is None or p.birth is None:  # BC:72 (and the LEFT JOIN)
            continue
        if not (
            _eq(e.event_type, "Service")
            and _eq(e.client_type, "Service user")
            and _in(e.service_type, (ST_RESIDENTIAL, ST_NURSING))
            and (p.date_of_death is None or p.date_of_death >= start)
            and (
                e.service_component is None
                or _like(e.service_component, "%Residential%")
                or _like(e.service_component, "%Nursing%")
            )
            and _not_like(e.service_component, "%Short%")  # NULL drops out here (BC:75)
        ):
            continue
        build.append((e, age(p.birth, e.event_start)))
    by_person: dict[str, list[tuple[Event, int | None]]] = defaultdict(list)
    for e, a in build:
        by_person[e.person].append((e, a))

    bands: dict[str, set[str]] = {"18 to 64": set(), "65 and above": set()}
    for pid, rows in by_person.items():
        new_bands = []
        for e, a in rows:  # BC:82-91
            if e.event_start is None or not start <= e.event_start <= end:
                continue
            if e.event_outcome is not None and _eq(
                e.event_outcome, "NFA: Self-funded client or under 12wk disregard"
            ):
                continue
            existing = any(  # BC:105-118
                b.event_start is not None
                and b.event_start < e.event_start
                and (b.end is None or (e.event_start - b.end).days < 365)
                for b, _ in rows
            )
            if existing or a is None or a < 18:  # BC:124, BC:142
                continue
            new_bands.append("18 to 64" if a <= 64 else "65 and above")
        if new_bands:
            bands[min(new_bands)].add(pid)  # BC:135-139
    out = []
    for measure, band in (("2B", "18 to 64"), ("2C", "65 and above")):
        if band not in population:
            continue  # no denominator: the caller reports what to import
        n = len(bands[band])
        d = population[band]
        out.append(
            MeasureRow(
                measure=measure,
                group=band,
                numerator=n,
                denominator=d,
                value=_round1(n, d, 100000),
                numerator_ids=frozenset(bands[band]),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# 2E (E2)
# ---------------------------------------------------------------------------------------------


def measure_2e(
    events: Sequence[Event], people: Mapping[str, Person], period: tuple[date, date]
) -> list[MeasureRow]:
    """Long-term support clients living in their own home or with family (E2)."""
    start, end = period
    capped: dict[str, date] = {}
    for e in events:  # E2:134-157
        if not (
            _eq(e.client_type, "Service user")
            and _eq(e.event_type, "Service")
            and _in(e.service_type, LONG_TERM)
            and e.event_start is not None
            and (e.end is None or e.end >= e.event_start)
            and e.event_start <= end
            and (e.end is None or e.end >= start)
        ):
            continue
        stop = e.end if e.end is not None else FAR_FUTURE
        stop = end if stop >= end else stop  # E2:176-180
        capped[e.person] = max(capped.get(e.person, stop), stop)  # E2:191-193
    out: list[MeasureRow] = []
    for cohort, ld in (("all", False), ("learning disability", True)):
        final: list[tuple[str, str, str, int | None]] = []  # person, gender, band, group
        for pid, stop in capped.items():
            p = people.get(pid)
            if p is None:
                continue
            if p.date_of_death is not None and p.date_of_death < start:  # E2:209
                continue
            if ld and not _eq(p.primary_support_reason, LD_SUPPORT):  # E2:212
                continue
            a = age(p.birth, stop)
            if a is not None and a < 18:  # E2:226
                continue
            band = "Unknown" if a is None else ("18 to 64" if a <= 64 else "65 and above")
            if ld and band != "18 to 64":  # E2:248
                continue
            group = ACCOMMODATION_GROUP.get(_key(p.accommodation_status) or "")
            final.append((pid, p.gender, band, group))
        genders = {g for _, g, b, _ in final if b != "Unknown" and _in(g, ("Male", "Female"))}
        present = [v for v in ("Female", "Male") if any(_eq(g, v) for g in genders)]
        if any(b != "Unknown" for _, _, b, _ in final):
            present.append("Total")  # E2:318-320: the genders #Denominator holds
        for band in ("18 to 64",) if ld else ("18 to 64", "65 and above"):
            for gender in present:
                rows = [
                    r for r in final if r[2] == band and (gender == "Total" or _eq(r[1], gender))
                ]
                den = frozenset(r[0] for r in rows)
                num = frozenset(r[0] for r in rows if r[3] == 1)
                out.append(
                    MeasureRow.percentage("2E", band, num, den, cohort=cohort, gender=gender)
                )
    return out


# ---------------------------------------------------------------------------------------------
# 3D (D3)
# ---------------------------------------------------------------------------------------------

CLIENT_HIERARCHY = {  # D3:105-113
    (ST_NURSING, ""): 1,
    (ST_RESIDENTIAL, ""): 2,
    (ST_COMMUNITY, DIRECT_PAYMENT): 3,
    (ST_COMMUNITY, MANAGED_BUDGET): 4,
    (ST_COMMUNITY, COMMISSIONED): 5,
    (ST_COMMUNITY, ""): 6,
    (ST_PRISON, MANAGED_BUDGET): 7,
    (ST_PRISON, COMMISSIONED): 8,
    (ST_PRISON, ""): 9,
}
CLIENT_HIERARCHY_KEYS = {(_key(t), _key(m)): h for (t, m), h in CLIENT_HIERARCHY.items()}
DP_ONLY = "Direct Payment only"
PB = "CASSR Managed Personal Budget"
COMMISSIONED_ONLY = "CASSR Commissioned Support only"
CARER_HIERARCHY = {  # D3:127-132
    DP_ONLY: 1,
    PB: 2,
    COMMISSIONED_ONLY: 3,
    "Support Direct to Carer: Unknown Delivery Mech": 4,
    "Information, Advice and Other Universal Services / Signposting": 5,
    "No Direct Support Provided to Carer": 6,
}


def _band(a: int | None) -> str:
    if a is None:
        return "Unknown"
    if a < 18:
        return "Under 18"
    return "18 to 64" if a <= 64 else "65 and above"


def _carer_support(e: Event) -> str | None:
    """D3:385-422, in order, with NULL comparisons unknown."""
    st, dm, sc = e.service_type, e.delivery_mechanism, e.service_component
    outcome = e.event_outcome if e.event_outcome is not None else INVALID  # D3:361
    direct = _eq(st, CARER_DIRECT)
    if direct and (_eq(dm, DIRECT_PAYMENT) or _eq(sc, DIRECT_PAYMENT)):
        return DP_ONLY
    if direct and _eq(dm, MANAGED_BUDGET) and _not_like(sc, DIRECT_PAYMENT):
        return PB
    if direct and _eq(dm, COMMISSIONED) and _not_like(sc, DIRECT_PAYMENT):
        return COMMISSIONED_ONLY
    if direct and _not_in(dm, DELIVERY_MECHANISMS) and _not_like(sc, DIRECT_PAYMENT):
        return "Support Direct to Carer: Unknown Delivery Mech"
    if direct and dm is None and _not_like(sc, DIRECT_PAYMENT):
        return "Support Direct to Carer: Unknown Delivery Mech"
    if _eq(st, CARER_CARED_FOR):
        return "No Direct Support Provided to Carer"
    ar = _in(e.event_type, ("Assessment", "Review"))
    if ar and _not_like(outcome, "NFA: Information and advice or signposting"):
        return "No Direct Support Provided to Carer"
    if ar and _eq(outcome, "NFA: Information and advice or signposting"):
        return "Information, Advice and Other Universal Services / Signposting"
    if _eq(e.event_type, "Request"):
        return "Information, Advice and Other Universal Services / Signposting"
    return None


def measure_3d(
    events: Sequence[Event], people: Mapping[str, Person], period: tuple[date, date]
) -> list[MeasureRow]:
    """Self-directed support and direct payments, clients and carers (D3)."""
    start, end = period

    def person_age(pid: str) -> int | None:  # D3:142-145
        p = people.get(pid)
        return age(p.birth, end) if p is not None else None

    def died(pid: str) -> date | None:
        p = people.get(pid)
        return p.date_of_death if p is not None else None

    # Clients (D3:161-273)
    client_rows: dict[str, list[tuple[int, str, str | None, str]]] = defaultdict(list)
    for e in events:
        dod = died(e.person)
        if not (
            _in(e.service_type, LONG_TERM)
            and _eq(e.client_type, "Service User")
            and e.event_start is not None
            and e.event_start <= end
            and (e.end is None or e.end >= e.event_start)
            and (e.end is None or e.end >= end)
            and (dod is None or dod >= end)
        ):
            continue
        mech = DIRECT_PAYMENT if _eq(e.service_component, DIRECT_PAYMENT) else e.delivery_mechanism
        known = (
            mech is not None
            and (_key(e.service_type), _key(mech)) in CLIENT_HIERARCHY_KEYS
            and _in(e.service_type, (ST_COMMUNITY, ST_PRISON))
        )
        mech = mech if known and mech is not None else ""  # D3:199-209
        if _eq(e.service_type, ST_COMMUNITY) and _eq(e.service_component, DIRECT_PAYMENT):
            rank = 3  # D3:223-226
        else:
            found = CLIENT_HIERARCHY_KEYS.get((_key(e.service_type), _key(mech)))
            if found is None:
                continue  # a NULL hierarchy never equals the minimum (D3:270)
            rank = found
        st = e.service_type or ""
        client_rows[e.person].append((rank, st, e.service_component, mech))
    clients: list[tuple[str, str, str, str | None, str]] = []  # pid, band, st, sc, mech
    for pid, rows in client_rows.items():
        band = _band(person_age(pid))
        if band not in ("18 to 64", "65 and above", "Unknown"):  # D3:273
            continue
        top = min(r[0] for r in rows)  # D3:243
        clients.extend((pid, band, r[1], r[2], r[3]) for r in rows if r[0] == top)
    community = [c for c in clients if _eq(c[2], ST_COMMUNITY)]  # D3:295

    def sds(c: tuple[str, str, str, str | None, str]) -> bool:  # D3:289-290
        return _eq(c[4], DIRECT_PAYMENT) or _eq(c[3], DIRECT_PAYMENT) or _eq(c[4], MANAGED_BUDGET)

    def dp(c: tuple[str, str, str, str | None, str]) -> bool:  # D3:311
        return _eq(c[4], DIRECT_PAYMENT) or _eq(c[3], DIRECT_PAYMENT)

    # Carers (D3:353-482)
    carer_rows: dict[str, list[tuple[int | None, str | None]]] = defaultdict(list)
    for e in events:
        dod = died(e.person)
        if not (
            _in(e.client_type, CLIENT_TYPES[1:])
            and e.event_start is not None
            and e.event_start <= end
            and (e.end is None or e.end >= start)
            and (e.end is None or e.end >= e.event_start)
            and (dod is None or dod >= start)
            and (
                (
                    e.service_type is None
                    and _eq(e.event_outcome, "NFA: Information and advice or signposting")
                )
                or _in(e.service_type, (CARER_DIRECT, CARER_CARED_FOR))
                or (_in(e.event_type, ("Assessment", "Review")) and e.service_type is None)
            )
        ):
            continue
        support = _carer_support(e)
        carer_rows[e.person].append((CARER_HIERARCHY.get(support) if support else None, support))
    carers: list[tuple[str, str, str | None]] = []
    for pid, crow in carer_rows.items():
        band = _band(person_age(pid))  # D3:451-456 (one age per person here)
        ranks = [r for r, _ in crow if r is not None]
        if not ranks or band not in ("18 to 64", "65 and above", "Unknown"):  # D3:481-482
            continue
        top = min(ranks)
        carers.extend((pid, band, s) for r, s in crow if r == top)
    carers = [c for c in carers if c[2] in (DP_ONLY, PB, COMMISSIONED_ONLY)]  # D3:503

    def rollup(
        rows: Sequence[tuple[str, str]],
        numerator: Callable[[int], bool],
    ) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
        out: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        groups = sorted({b for _, b in rows})
        for group in [*groups, "Total"]:
            idx = [i for i, (_, b) in enumerate(rows) if group in ("Total", b)]
            den = frozenset(rows[i][0] for i in idx)
            num = frozenset(rows[i][0] for i in idx if numerator(i))
            out[group] = (num, den)
        out.pop("Unknown", None)  # D3:327, D3:536
        return out

    parts = {
        "1a": rollup([(c[0], c[1]) for c in community], lambda i: sds(community[i])),
        "2a": rollup([(c[0], c[1]) for c in community], lambda i: dp(community[i])),
        "1b": rollup([(c[0], c[1]) for c in carers], lambda i: carers[i][2] in (DP_ONLY, PB)),
        "2b": rollup([(c[0], c[1]) for c in carers], lambda i: carers[i][2] == DP_ONLY),
    }
    # A part appears when it has anyone at all (ROLLUP over no rows gives no rows).
    present_parts = [p for p in ("1a", "2a", "1b", "2b") if parts[p]["Total"][1]]
    groups = {g for p in present_parts for g in parts[p]}  # D3:588-597 cross join
    out = []
    for part in present_parts:
        for group in ("18 to 64", "65 and above", "Total"):
            if group not in groups:
                continue
            num, den = parts[part].get(group, (frozenset(), frozenset()))
            out.append(MeasureRow.percentage("3D", group, num, den, part=part))
    return out


# ---------------------------------------------------------------------------------------------
# 2A (A2)
# ---------------------------------------------------------------------------------------------

_UTC_PENALTY = (  # A2:84-90
    "Continuation of support or services",
    "Progress to support planning or services",
    "Progress to assessment, review or reassessment",
    "Progress to reablement/ST-Max",
    "Release 1 specification only: Not mapped",
    "Invalid and not mapped",
)
UTC_HIERARCHY = {
    _key(v): (i + 100 if _in(v, _UTC_PENALTY) else i) for i, v in enumerate(EVENT_OUTCOMES, start=1)
}
UTC_OUTCOME = {h: v for v, h in zip(EVENT_OUTCOMES, UTC_HIERARCHY.values(), strict=True)}
DENOMINATOR_2A = (  # A2:964-979
    ST_COMMUNITY,
    ST_NURSING,
    ST_RESIDENTIAL,
    ST_PRISON,
    ST_LOW,
    ST_OTHER,
    "Short term support: Residential or Nursing care",
    "NFA: Information and advice or signposting",
    "NFA: Support ended as planned",
    "NFA: Responsibility moved to another local authority",
    "NFA: Other",
    "NFA: No services offered for other reason",
    "NFA: Support ended for other reason",
    "NFA: Referral to other service within the local authority",
)
NUMERATOR_2A = (  # A2:983-993
    ST_LOW,
    ST_OTHER,
    "NFA: Information and advice or signposting",
    "NFA: Support ended as planned",
    "NFA: Responsibility moved to another local authority",
    "NFA: Other",
    "NFA: No services offered for other reason",
    "NFA: Support ended for other reason",
    "NFA: Referral to other service within the local authority",
)


@dataclass(frozen=True)
class _Row2A:
    """A row of #ASCOF2A_Build (A2:99-115)."""

    record_id: int
    event_type: str | None
    start: date
    end: date  # NULL set to 9999-01-01 (A2:68-73)
    service_type: str | None
    service_component: str | None
    outcome: str
    rank: int


@dataclass(frozen=True)
class _Cluster:
    id: int
    person: str
    start: date
    end: date
    outcome: str
    rank: int
    band: str = "Unknown"


def _clusters(rows_by_person: Mapping[str, Sequence[_Row2A]]) -> list[_Cluster]:
    """A2:120-240: ST-Max events no more than 7 days apart form a cluster."""
    out: list[_Cluster] = []
    next_id = 0
    for pid in sorted(rows_by_person):
        stmax = sorted(
            (
                r
                for r in rows_by_person[pid]
                if _eq(r.event_type, "Service") and _eq(r.service_type, ST_MAX)
            ),
            key=lambda r: (r.start, r.end, r.rank, -r.record_id),  # A2:137-144
        )
        current: list[_Row2A] = []
        previous_end: date | None = None
        for r in stmax:
            if previous_end is None or (r.start - previous_end).days > 7:  # A2:177-184
                if current:
                    out.append(_make_cluster(next_id, pid, current))
                next_id += 1
                current = []
            current.append(r)
            previous_end = r.end if previous_end is None else max(previous_end, r.end)
        if current:
            out.append(_make_cluster(next_id, pid, current))
    return out


def _make_cluster(cid: int, pid: str, rows: Sequence[_Row2A]) -> _Cluster:
    """A2:192-240: the cluster's outcome is the last by end, then hierarchy, then record."""
    last = max(rows, key=lambda r: (r.end, -r.rank, r.record_id))
    return _Cluster(
        id=cid,
        person=pid,
        start=min(r.start for r in rows),
        end=max(r.end for r in rows),
        outcome=last.outcome,
        rank=last.rank,
    )


def measure_2a(
    events: Sequence[Event],
    people: Mapping[str, Person],
    period: tuple[date, date],
    outcomes: dict[str, tuple[str, str, str]] | None = None,
) -> list[MeasureRow]:
    """Reablement (ST-Max) of new clients with no further request for ongoing support (A2).

    ``outcomes`` receives each counted cluster's final outcome, sequel type and age band,
    keyed ``person#cluster``.
    """
    start, end = period
    by_person: dict[str, list[_Row2A]] = defaultdict(list)
    for e in events:  # A2:57-115
        if not (
            _eq(e.client_type, "Service User")
            and e.event_start is not None
            and (e.end is None or e.end >= e.event_start)
        ):
            continue
        outcome = e.event_outcome if e.event_outcome is not None else INVALID
        rank = UTC_HIERARCHY.get(_key(e.event_outcome) or "", 999)
        by_person[e.person].append(
            _Row2A(
                record_id=e.record_id,
                event_type=e.event_type,
                start=e.event_start,
                end=e.end if e.end is not None else FAR_FUTURE,
                service_type=e.service_type,
                service_component=e.service_component,
                outcome=outcome,
                rank=rank,
            )
        )

    results: dict[int, tuple[_Cluster, str, str]] = {}
    for cluster in _clusters(by_person):
        if not start <= cluster.end <= end:  # A2:249
            continue
        p = people.get(cluster.person)
        born = p.birth if p else None
        died = p.date_of_death if p else None
        a = age(born, cluster.end)
        if not ((a is not None and a >= 18) or born is None):  # A2:289
            continue
        if not (died is None or died >= cluster.start):  # A2:290
            continue
        band = _band(a)  # A2:264-269
        cluster = replace(cluster, band=band)
        # A2:270-305: every other event of the person; the cluster's own ST-Max rows drop out.
        others = [
            r
            for r in by_person[cluster.person]
            if not (
                cluster.start <= r.start <= cluster.end
                and _eq(r.event_type, "Service")
                and _eq(r.service_type, ST_MAX)
            )
        ]
        # A2:317-363: new client unless long-term support ended under 91 days before.
        if any(
            _in(r.service_type, LONG_TERM)
            and r.start < cluster.start
            and (cluster.start - r.end).days < 91
            for r in others
        ):
            continue
        results[cluster.id] = (cluster, *_sequel(cluster, others, died))

    if outcomes is not None:
        for cluster, final, sequel in results.values():
            outcomes[f"{cluster.person}#{cluster.id}"] = (final, sequel, cluster.band)
    out = []
    for group in ("18 to 64", "65 and above", "Total"):
        chosen = [(c, f) for c, f, _ in results.values() if group == "Total" or c.band == group]
        den = frozenset(f"{c.person}#{c.id}" for c, f in chosen if _in(f, DENOMINATOR_2A))
        num = frozenset(f"{c.person}#{c.id}" for c, f in chosen if _in(f, NUMERATOR_2A))
        out.append(MeasureRow.percentage("2A", group, num, den))
    return out


def _sequel(cluster: _Cluster, others: Sequence[_Row2A], died: date | None) -> tuple[str, str]:
    """A2:395-937: the cluster's final outcome and sequel type, step by step."""
    # Step 1 (A2:427-436): died before, or within 7 days of, the end.
    if died is not None and (died - cluster.end).days <= 7:
        return "NFA: Deceased", "1"
    # Step 2 (A2:449-458).
    if _eq(cluster.outcome, "Admitted to hospital"):
        return cluster.outcome, "2"
    # Events in the 7 days after (A2:470-520).
    window = [
        r
        for r in others
        if r.start >= cluster.start and r.end > cluster.end and (r.start - cluster.end).days <= 7
    ]
    stmax_starts = [r.start for r in window if _eq(r.service_type, ST_MAX)]
    if stmax_starts:
        first = min(stmax_starts)
        window = [r for r in window if r.start < first]

    # Step 3 (A2:527-617): a service in the window.
    def hierarchy(r: _Row2A) -> int:
        return SERVICE_RANK.get(_key(r.service_type) or "", 99)

    services = [r for r in window if hierarchy(r) != 99]
    if services:
        top = min(
            window,
            key=lambda r: (
                hierarchy(r),
                1
                if _in(
                    r.service_component, ("Short term residential care", "Short term nursing care")
                )
                else 2,
            ),
        )
        if _eq(top.service_type, ST_OTHER) and _in(
            top.service_component, ("Short term residential care", "Short term nursing care")
        ):
            return "Short term support: Residential or Nursing care", "3"
        return top.service_type or "", "3"

    # Step 4 (A2:626-871): outcomes from the ST-Max, later non-service events, and
    # assessments or reviews ending in its last 14 days.
    candidates: list[tuple[int, int]] = []  # (hierarchy, source)
    if not window and cluster.rank < 100:  # A2:626-643
        candidates.append((cluster.rank, 1))
    usable = [  # A2:650-665
        r
        for r in window
        if (cluster.rank < 100 or r.rank < 100)
        and not _eq(r.outcome, "NFA: Support ended as planned")
        and not _eq(r.event_type, "Service")
    ]
    if usable:
        candidates.append((cluster.rank, 1))  # A2:729-739
        candidates.extend((r.rank, 2) for r in usable if r.rank < 100)  # A2:744-754
    nested = [  # A2:673-687
        r for r in others if r.start >= cluster.start and cluster.start < r.end <= cluster.end
    ]
    reviews = [  # A2:692-720
        r
        for r in nested
        if _in(r.event_type, ("Assessment", "Review"))
        and (cluster.end - r.end).days < 14
        and r.rank < 100
    ]
    if reviews:
        last = max(reviews, key=lambda r: (r.end, -r.rank, r.record_id))
        candidates.append((last.rank, 3))
    if candidates:
        best = min(h for h, _ in candidates)  # A2:787-843
        source = min(s for h, s in candidates if h == best)
        final = INVALID if best == 999 else UTC_OUTCOME.get(best, INVALID)
        return final, {1: "4a", 2: "4b", 3: "4c"}[source]
    # Step 5 (A2:877-907): equipment during the reablement.
    if any(_eq(r.event_type, "Service") and _eq(r.service_component, "Equipment") for r in nested):
        return ST_LOW, "5"
    # Step 6 (A2:920-929): unable to classify.
    return cluster.outcome, "6"


# ---------------------------------------------------------------------------------------------
# Everything
# ---------------------------------------------------------------------------------------------


def prepare(
    rows: Iterable[RawRow], submissions: Sequence[Submission], period: tuple[date, date]
) -> tuple[list[Event], dict[str, Person], Problems]:
    """Steps 1-7 for one council and reporting year: the cleaned, deduplicated events, the
    person details and what could not be used. Every table built from CLD starts here (the
    measures below, and ``rules.activity``)."""
    problems = Problems()
    events = joined_events(rows, submissions, period[1], problems)
    problems.end_before_start = sum(
        1
        for e in events
        if e.end is not None and e.event_start is not None and e.end < e.event_start
    )
    return events, person_details(events, period, problems), problems


def compute(
    rows: Iterable[RawRow],
    submissions: Sequence[Submission],
    period: tuple[date, date],
    population: Mapping[str, int],
) -> AscofResult:
    """All five measures for one council and reporting year.

    ``population`` holds the council's population aged ``18 to 64`` and ``65 and above``
    (BC:160-175); a band left out leaves its measure (2B or 2C) out.
    """
    events, people, problems = prepare(rows, submissions, period)
    outcomes: dict[str, tuple[str, str, str]] = {}
    measures = {
        "2A": measure_2a(events, people, period, outcomes),
        "2B": [],
        "2C": [],
        "2E": measure_2e(events, people, period),
        "3D": measure_3d(events, people, period),
    }
    for row in measure_2bc(events, people, period, population):
        measures[row.measure].append(row)
    return AscofResult(period=period, measures=measures, problems=problems, outcomes_2a=outcomes)
