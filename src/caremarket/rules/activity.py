"""Activity from a council's Client Level Data: requests, assessments, reviews, long-term and
short-term support, the tables a Local Account publishes ("10,773 new requests in 2023/24").

Every table starts from the same cleaned, deduplicated events and person details as ASCOF
(``rules.ascof.prepare``: submission selection, event filtering, cleaning and mapping, the
combined person id, unique events, cropping of open services), so the activity and the ASCOF
measures of a year always read the same data. What is counted follows DHSC's own dashboard
fact tables in the same repository (``standards/asc-cld/dhsc-la-dashboard/``): ``RQ`` =
3.Requests_fact.sql, ``AS`` = 4.Assessments_fact.sql, ``RV`` = 5.Reviews_fact.sql, ``SV`` =
2.Services_fact.sql, ``DF`` = Stored_procedures/create_GetDerivedFields_procedure.sql, ``CL`` =
Main_tables/docs/methodology/5-data-cleaning.md.

Rules
-----
- **A request, assessment or review of the year** is one whose (death-corrected) end date falls
  in the reporting year (the event filter keeps such events by their end, FE:233-245; RQ:81,
  AS:44, RV:187 read ``Event_Type`` = Request, Assessment, Review).
- **New client or already in long-term support** (RQ:100-132, AS:63-94, RV:207-239): an event
  is from someone already in long-term support when any long-term service of the same person
  (``Service_Type_Grouped = 'Long Term Support'``, CL: nursing, residential, community, prison;
  any client type, RQ:96-97) was open when it started: started on or before and ended on or
  after the event's start, or started on or before it with no end. An event with no start
  date is never flagged (``BETWEEN`` with NULL is unknown).
- **Ages** (DF:182-225): a request, assessment or review is banded by the person's age at its
  end date, a service by its age at its end or, when still open, at its reference period's
  end, each from the row's own year and month of birth; bands Under 18, 18 to 64, 65 and
  above, Unknown (DF:202-208). People (long-term support, reablement) are banded once, from
  the person-details birth date (PD:775-817), at the last day they are counted for in the
  year.
- **What followed** is the outcome recorded on the event (``Event_Outcome``, cleaned), grouped
  as DHSC groups it (CL:70-89) and named in words; an event with no outcome or one that does
  not map is a row of its own ("No outcome recorded", "Outcome not a Release 2 value"), and
  the unmapped values are listed with the other problems. Release 2 records no separate
  "long-term support followed" sequel on a request: the recorded outcome is what is shown.
- **Support setting**: a person in long-term support is counted once, in the most intensive
  setting they had (nursing, residential, community, prison: the hierarchy of PD:235-241 and
  D3:105-113). At year end means a long-term service that started by the last day of the year
  and ends on or after it (or has no end), for a person who had not died before that day.
- **Short-term support** counts reablement (``Short term support: ST-Max``) episodes that end
  in the year, one per unique service event, by the outcome recorded on them.
- Only service users are in the tables (``Client_Type`` = Service user); carers' events and
  events whose client type is missing or unmapped are counted and reported, not guessed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from caremarket.rules.ascof import (
    EVENT_TYPES,
    FAR_FUTURE,
    INVALID,
    LONG_TERM,
    ST_MAX,
    Event,
    Person,
    Problems,
    RawRow,
    Submission,
    age,
    birth_date,
    prepare,
)

__all__ = [
    "BANDS",
    "COLUMNS",
    "Activity",
    "ActivityRow",
    "ActivityTable",
    "activity",
    "compute",
    "outcome_words",
]

SERVICE_USER = "Service user"
BANDS = ("18 to 64", "65 and above", "Under 18", "Unknown")
COLUMNS = (*BANDS, "Total")
#: Column headings in words.
COLUMN_WORDS = {
    "18 to 64": "Aged 18 to 64",
    "65 and above": "Aged 65 and over",
    "Under 18": "Under 18",
    "Unknown": "Age not known",
    "Total": "All ages",
}
NO_OUTCOME = "No outcome recorded"
SINGULAR = {
    "requests": "request",
    "assessments": "assessment",
    "reviews": "review",
    "episodes": "episode",
    "people": "person",
}

#: Each Release 2 outcome: the group DHSC puts it in (CL:70-89, with NFA split into what a
#: reader asks: signposted or referred on, or no services) and the outcome in words.
OUTCOMES: dict[str, tuple[str, str]] = {
    "Progress to reablement/ST-Max": (
        "Short-term support",
        "Went on to reablement (short-term support to regain independence)",
    ),
    "Progress to assessment, review or reassessment": (
        "Assessment, review or support planning",
        "Went on to an assessment, review or reassessment",
    ),
    "Progress to support planning or services": (
        "Assessment, review or support planning",
        "Went on to support planning or services",
    ),
    "Continuation of support or services": (
        "Assessment, review or support planning",
        "Support or services carried on",
    ),
    "Admitted to hospital": ("Hospital", "Admitted to hospital"),
    "NFA: Information and advice or signposting": (
        "Universal services, information or signposting",
        "Given information and advice, or signposted to other services",
    ),
    "NFA: Referral to other service within the local authority": (
        "Universal services, information or signposting",
        "Referred to another council service",
    ),
    "NFA: Referral to NHS services or NHS funded social care": (
        "Universal services, information or signposting",
        "Referred to the NHS or to NHS-funded care",
    ),
    "NFA: Responsibility moved to another local authority": (
        "No services",
        "Another council became responsible",
    ),
    "NFA: Self-funded client or under 12wk disregard": (
        "No services",
        "Paying for their own care, or in the 12-week property disregard",
    ),
    "NFA: Support declined": ("No services", "Declined support"),
    "NFA: Deceased": ("No services", "Died"),
    "NFA: Support ended as planned": ("No services", "Support ended as planned"),
    "NFA: Support ended for other reason": ("No services", "Support ended for another reason"),
    "NFA: No services offered for other reason": (
        "No services",
        "No services offered, for another reason",
    ),
    "NFA: Other": ("No services", "No further action, for another reason"),
    "Release 1 specification only: Not mapped": (
        "Not known",
        "Recorded with an older (Release 1) outcome that has no Release 2 equivalent",
    ),
    INVALID: ("Not known", "Outcome not a Release 2 value (not mapped)"),
    NO_OUTCOME: ("Not known", NO_OUTCOME),
}
GROUP_ORDER = (
    "Short-term support",
    "Assessment, review or support planning",
    "Hospital",
    "Universal services, information or signposting",
    "No services",
    "Not known",
)
OUTCOME_ORDER = {
    v: i for i, v in enumerate(sorted(OUTCOMES, key=lambda o: GROUP_ORDER.index(OUTCOMES[o][0])))
}
SETTINGS = {  # the long-term service types, most intensive first (PD:235-241), in words
    LONG_TERM[0]: "Nursing care",
    LONG_TERM[1]: "Residential care",
    LONG_TERM[2]: "In the community",
    LONG_TERM[3]: "In prison",
}


def outcome_words(outcome: str | None) -> tuple[str, str]:
    """The group and words for a cleaned Event_Outcome (None when none was recorded)."""
    return OUTCOMES[
        outcome if outcome in OUTCOMES else (NO_OUTCOME if outcome is None else INVALID)
    ]


def band(years: int | None) -> str:
    """DF:202-208, the working-age bands."""
    if years is None:
        return "Unknown"
    if years < 18:
        return "Under 18"
    return "18 to 64" if years <= 64 else "65 and above"


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    """One row: counts by age band (BANDS order), the last being all ages."""

    label: str
    counts: tuple[int, ...]
    group: str = ""

    @property
    def total(self) -> int:
        return self.counts[-1]

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"label": self.label}
        if self.group:
            out["group"] = self.group
        out["counts"] = dict(zip(COLUMNS, self.counts, strict=True))
        return out


@dataclass(frozen=True)
class ActivityTable:
    """A published table: what it counts in words, its rows and (when rows add up) a total."""

    key: str
    title: str
    description: str
    unit: str  # what one count is: "requests", "people", ...
    row_heading: str
    rows: tuple[ActivityRow, ...]
    total: ActivityRow | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.key,
            "title": self.title,
            "description": self.description,
            "unit": self.unit,
            "columns": list(COLUMNS),
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict() if self.total else None,
        }

    def in_words(self) -> str:
        """The table's total as a sentence ("8 requests in all: 1 aged 18 to 64, ..."); empty
        for a table whose rows do not add up."""
        if self.total is None:
            return ""
        a, b, under, unknown, total = self.total.counts
        if total == 0:
            return f"No {self.unit} in the year."
        parts = [f"{a:,} aged 18 to 64", f"{b:,} aged 65 and over"]
        if under:
            parts.append(f"{under:,} under 18")
        if unknown:
            parts.append(f"{unknown:,} whose age is not known")
        unit = SINGULAR.get(self.unit, self.unit) if total == 1 else self.unit
        return f"{total:,} {unit} in all: {', '.join(parts)}."

    def csv_rows(self) -> list[list[object]]:
        """Header and rows for a CSV: the row label, its group, then one count per column."""
        out: list[list[object]] = [[self.row_heading, "Group", *(COLUMN_WORDS[c] for c in COLUMNS)]]
        for row in (*self.rows, *((self.total,) if self.total else ())):
            out.append([row.label, row.group, *row.counts])
        return out


@dataclass
class Activity:
    """Every activity table of a year, and what could not be used."""

    period: tuple[date, date]
    tables: list[ActivityTable]
    problems: Problems
    left_out: Counter[str] = field(default_factory=Counter)
    #: Whether any chosen submission's reference period reaches into the year (when none
    #: does, services still open at the data's end would look open all year).
    covered: bool = False

    def table(self, key: str) -> ActivityTable | None:
        return next((t for t in self.tables if t.key == key), None)

    def lines(self) -> list[str]:
        """Plain sentences, one per problem: the activity's own, then the shared ones."""
        out = [f"{what}: {n:,}." for what, n in sorted(self.left_out.items()) if n]
        return out + self.problems.lines()


class _Tally:
    """Counts of distinct things (events or people) by row label and age band."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, set[object]]] = defaultdict(lambda: defaultdict(set))

    def add(self, label: str, band_name: str, what: object) -> None:
        self.seen[label][band_name].add(what)

    def row(self, label: str, group: str = "", *, source: str | None = None) -> ActivityRow:
        by_band = self.seen.get(source if source is not None else label, {})
        counts = [len(by_band.get(b, ())) for b in BANDS]
        every: set[object] = set().union(*by_band.values()) if by_band else set()
        return ActivityRow(label, (*counts, len(every)), group)

    def total(self, labels: Iterable[str], label: str) -> ActivityRow:
        merged: dict[str, set[object]] = defaultdict(set)
        for name in labels:
            for b, items in self.seen.get(name, {}).items():
                merged[b] |= items
        every: set[object] = set().union(*merged.values()) if merged else set()
        return ActivityRow(label, (*(len(merged.get(b, ())) for b in BANDS), len(every)))


def _event_age(e: Event) -> int | None:
    """DF:213-222: age at the event's end, or a still-open service's reference period end."""
    on = e.end if e.end is not None else (e.ref_end if e.event_type == "Service" else None)
    return age(birth_date(e.birth_year, e.birth_month), on)


def _in_lts(e: Event, services: Sequence[Event]) -> bool:
    """RQ:108-112: a long-term service of the person open when the event started."""
    start = e.event_start
    if start is None:
        return False
    for s in services:
        if s.event_start is None:
            continue
        if s.end is not None and s.event_start <= start <= s.end:
            return True
        if s.end is None and start >= s.event_start:
            return True
    return False


def _outcome_table(
    key: str,
    title: str,
    description: str,
    unit: str,
    events: Iterable[Event],
) -> ActivityTable:
    tally = _Tally()
    labels: dict[str, tuple[str, str]] = {}
    for e in events:
        outcome = e.event_outcome if e.event_outcome is not None else NO_OUTCOME
        if outcome not in OUTCOMES:
            outcome = INVALID
        labels[outcome] = OUTCOMES[outcome]
        tally.add(outcome, band(_event_age(e)), e.record_id)
    order = sorted(labels, key=lambda o: OUTCOME_ORDER[o])
    rows = tuple(tally.row(labels[o][1], labels[o][0], source=o) for o in order)
    return ActivityTable(
        key,
        title,
        description,
        unit,
        "What followed",
        rows,
        tally.total(order, f"All {unit}"),
    )


def activity(
    events: Sequence[Event],
    people: Mapping[str, Person],
    period: tuple[date, date],
    problems: Problems,
) -> Activity:
    """The activity tables of one reporting year from ``rules.ascof.prepare``'s output."""
    start, end = period
    result = Activity(
        period=period,
        tables=[],
        problems=problems,
        covered=any(e.ref_end >= start and e.ref_start <= end for e in events),
    )
    left_out = result.left_out

    lts_by_person: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.event_type == "Service" and e.service_type in LONG_TERM:  # RQ:96-97, any client
            lts_by_person[e.person].append(e)

    def in_year(e: Event) -> bool:
        return e.end is not None and start <= e.end <= end

    contacts: dict[str, list[Event]] = {"Request": [], "Assessment": [], "Review": []}
    for e in events:
        if e.event_type not in EVENT_TYPES:
            if in_year(e):
                left_out[
                    "Events of the year whose event type is not Request, Assessment, Service "
                    "or Review, in no table"
                ] += 1
            continue
        if e.event_type == "Service" or not in_year(e):
            continue
        if e.client_type != SERVICE_USER:
            left_out[_not_service_user(e, "Requests, assessments or reviews")] += 1
            continue
        contacts[e.event_type].append(e)

    summary = _Tally()
    flagged: dict[str, dict[bool, list[Event]]] = {}
    for kind, found in contacts.items():
        flagged[kind] = {True: [], False: []}
        for e in found:
            flagged[kind][_in_lts(e, lts_by_person.get(e.person, ()))].append(e)

    def count(label: str, found: Iterable[Event]) -> str:
        for e in found:
            summary.add(label, band(_event_age(e)), e.record_id)
        return label

    summary_labels = [
        count("Requests for support from new clients", flagged["Request"][False]),
        count(
            "Requests for support from people already in long-term support",
            flagged["Request"][True],
        ),
        count("Assessments of new clients", flagged["Assessment"][False]),
        count("Assessments of people already in long-term support", flagged["Assessment"][True]),
        count("Reviews of people in long-term support", flagged["Review"][True]),
        count("Other reviews", flagged["Review"][False]),
    ]

    # Long-term support during the year and at its end, by most intensive setting.
    during: dict[str, tuple[int, date]] = {}
    at_end: dict[str, int] = {}
    st_max: list[Event] = []
    for e in events:
        if e.event_type != "Service":
            continue
        if e.client_type != SERVICE_USER:
            if (e.service_type in LONG_TERM or e.service_type == ST_MAX) and _overlaps(
                e, start, end
            ):
                left_out[_not_service_user(e, "Long-term or reablement services")] += 1
            continue
        if e.service_type == ST_MAX and in_year(e) and _valid(e):
            st_max.append(e)
        if e.service_type not in LONG_TERM or not _valid(e) or not _overlaps(e, start, end):
            continue
        person = people.get(e.person)
        died = person.date_of_death if person else None
        if died is not None and died < start:
            continue
        rank = LONG_TERM.index(e.service_type) + 1
        last = min(e.end if e.end is not None else FAR_FUTURE, end)
        best = during.get(e.person)
        during[e.person] = (
            min(rank, best[0]) if best else rank,
            max(last, best[1]) if best else last,
        )
        open_at_end = (
            e.event_start is not None and e.event_start <= end and (e.end is None or e.end >= end)
        )
        if open_at_end and (died is None or died >= end):
            at_end[e.person] = min(rank, at_end.get(e.person, rank))

    def person_band(pid: str, on: date) -> str:
        p = people.get(pid)
        return band(age(p.birth if p else None, on))

    setting_labels = list(SETTINGS.values())
    lts_year = _Tally()
    for pid, (rank, last) in during.items():
        lts_year.add(setting_labels[rank - 1], person_band(pid, last), pid)
        summary.add("People in long-term support during the year", person_band(pid, last), pid)
    lts_end = _Tally()
    for pid, rank in at_end.items():
        lts_end.add(setting_labels[rank - 1], person_band(pid, end), pid)
        summary.add(f"People in long-term support on {end:%-d %B %Y}", person_band(pid, end), pid)
    st_people: dict[str, date] = {}
    for e in st_max:
        summary.add("Reablement episodes that ended in the year", band(_event_age(e)), e.record_id)
        if e.end is not None:
            st_people[e.person] = max(e.end, st_people.get(e.person, e.end))
    for pid, last in st_people.items():
        summary.add("People whose reablement ended in the year", person_band(pid, last), pid)
    summary_labels += [
        "People in long-term support during the year",
        f"People in long-term support on {end:%-d %B %Y}",
        "Reablement episodes that ended in the year",
        "People whose reablement ended in the year",
    ]

    year_words = f"1 April {start.year} to 31 March {end.year}"
    result.tables = [
        ActivityTable(
            "summary",
            "Activity in the year",
            f"Requests, assessments and reviews of service users that ended from {year_words}, "
            "split by whether the person was already in long-term support when it began; the "
            "people in long-term support; and reablement (short-term support to regain "
            "independence).",
            "counted",
            "Activity",
            tuple(summary.row(label) for label in summary_labels),
        ),
        _outcome_table(
            "requests",
            "What followed requests for support from new clients",
            "Requests for support from people not already in long-term support, that ended "
            f"from {year_words}, by the outcome recorded on the request.",
            "requests",
            flagged["Request"][False],
        ),
        _outcome_table(
            "assessments",
            "What followed assessments",
            f"Assessments of service users that ended from {year_words}, by the outcome "
            "recorded on the assessment.",
            "assessments",
            contacts["Assessment"],
        ),
        _outcome_table(
            "reviews",
            "What followed reviews",
            f"Reviews of service users that ended from {year_words}, by the outcome recorded "
            "on the review.",
            "reviews",
            contacts["Review"],
        ),
        ActivityTable(
            "long-term-year-end",
            f"People in long-term support on {end:%-d %B %Y}, by setting",
            f"People with long-term support still open on {end:%-d %B %Y}, each counted once "
            "in the most intensive setting they had (nursing care, then residential care, then "
            "the community, then prison), by their age that day.",
            "people",
            "Setting",
            tuple(lts_end.row(label) for label in setting_labels),
            lts_end.total(setting_labels, "All people in long-term support"),
        ),
        ActivityTable(
            "long-term-year",
            "People in long-term support during the year, by setting",
            f"People who had long-term support at any time from {year_words}, each counted once "
            "in the most intensive setting they had in the year.",
            "people",
            "Setting",
            tuple(lts_year.row(label) for label in setting_labels),
            lts_year.total(setting_labels, "All people in long-term support"),
        ),
        _outcome_table(
            "short-term",
            "What followed reablement (short-term support to maximise independence)",
            f"Reablement episodes of service users that ended from {year_words}, by the "
            "outcome recorded on the episode.",
            "episodes",
            st_max,
        ),
    ]
    unknown_age = sum(
        1 for found in contacts.values() for e in found if _event_age(e) is None
    ) + sum(1 for e in st_max if _event_age(e) is None)
    if unknown_age:
        left_out[
            "Requests, assessments, reviews or reablement episodes with no year and month of "
            "birth, counted under Age not known"
        ] += unknown_age
    return result


def _valid(e: Event) -> bool:
    return e.event_start is not None and (e.end is None or e.end >= e.event_start)


def _overlaps(e: Event, start: date, end: date) -> bool:
    return e.event_start is not None and e.event_start <= end and (e.end is None or e.end >= start)


def _not_service_user(e: Event, what: str) -> str:
    if e.client_type is None:
        return f"{what} with no client type, in no table"
    if e.client_type == INVALID:
        return f"{what} whose client type does not map, in no table"
    return f"{what} of carers, in no table (the tables count service users)"


def compute(
    rows: Iterable[RawRow], submissions: Sequence[Submission], period: tuple[date, date]
) -> Activity:
    """Every activity table for one council and reporting year."""
    events, people, problems = prepare(rows, submissions, period)
    return activity(events, people, period, problems)
