"""ASCOF for one council and year from its stored CLD and ONS population (rules.ascof does it).

Shared by `caremarket ascof`, the API and the staff page: each turns `AscofInputError` into its
own answer (exit 2, HTTP 400, a message on the page), one line per problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from caremarket.outcomes.models import CldEvent, CldSubmission
from caremarket.places.models import LocalAuthority, PopulationFigure
from caremarket.rules.activity import Activity
from caremarket.rules.activity import compute as activity_tables
from caremarket.rules.ascof import AscofResult, RawRow, Submission, compute, reporting_year

BANDS = {"18 to 64": (18, 64), "65 and above": (65, None)}


class AscofInputError(Exception):
    """The request cannot be answered; `problems` are plain sentences, one per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Ascof:
    council: LocalAuthority
    year: str
    result: AscofResult
    population: dict[str, int]
    population_source: str
    population_problems: list[str]
    missing_bands: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Issue 17's JSON shape, plus the problems the method counted."""
        return {
            "council": self.council.code,
            "year": self.year,
            "measures": {
                name: [row.as_dict() for row in rows] for name, rows in self.result.measures.items()
            },
            "population": {
                "source": self.population_source,
                **{band: value for band, value in self.population.items()},
            },
            "problems": self.population_problems + self.result.problems.lines(),
        }


def _band_total(figures: Sequence[PopulationFigure], low: int, high: int | None) -> float | None:
    """People aged low..high from single years and bands that tile it exactly, else None."""
    rows = sorted(
        (
            f
            for f in figures
            if f.age_from >= low and (high is None or (f.age_to is not None and f.age_to <= high))
        ),
        key=lambda f: f.age_from,
    )
    expected: int | None = low
    total = 0.0
    for figure in rows:
        if expected is None or figure.age_from != expected:
            return None  # a gap, an overlap, or something after an open-ended band
        total += figure.value
        expected = None if figure.age_to is None else figure.age_to + 1
    if high is None:
        return total if rows and expected is None else None
    return total if expected == high + 1 else None


def population(council: LocalAuthority, year: int) -> tuple[dict[str, int], str, list[str]]:
    """The council's population aged 18 to 64 and 65 and over in a year (BC:160-175).

    Each band comes from ONS mid-year estimates when imported, else ONS projections for that
    year. Returns the bands found, where they came from, and a sentence per band missing.
    """
    figures = list(
        PopulationFigure.objects.for_council(council).filter(
            year=year, sex=PopulationFigure.Sex.ALL
        )
    )
    found: dict[str, int] = {}
    sources: set[str] = set()
    for band, ages in BANDS.items():
        for kind in (PopulationFigure.Kind.ESTIMATE, PopulationFigure.Kind.PROJECTION):
            of_kind = [f for f in figures if f.kind == kind]
            total = _band_total(of_kind, *ages)
            if total is not None:
                found[band] = round(total)
                sources |= {
                    f"ONS {kind.label.lower()}s for mid-{year}"
                    + (f" ({f.source})" if f.source else "")
                    for f in of_kind[:1]
                }
                break
    missing = [
        f"No ONS population for {council.name} in {year} covering ages "
        f"{band.replace('above', 'over')}: import ONS population figures for {year} by "
        f"single year of age (caremarket import ons-snpp FILE)."
        for band in BANDS
        if band not in found
    ]
    if len(missing) == len(BANDS):
        missing = [
            f"No ONS population for {council.name} in {year} covering ages 18 to 64 and 65 "
            f"and over: import ONS population figures for {year} by single year of age "
            f"(caremarket import ons-snpp FILE)."
        ]
    return found, "; ".join(sorted(sources)), missing


MEASURE_OF_BAND = {"18 to 64": "2B", "65 and above": "2C"}


def population_advice(council: LocalAuthority, year: int, missing: Sequence[str]) -> list[str]:
    """For the staff page: what a missing population stops, what is held, and what to import
    and where, in words (the command-line message names the command instead)."""
    if not missing:
        return []
    held = list(
        PopulationFigure.objects.for_council(council).filter(
            year=year, sex=PopulationFigure.Sex.ALL
        )
    )
    lows = [f.age_from for f in held if f.age_to is not None or f.age_from > 0]
    if not held:
        have = f"no population for {year} has been imported"
    elif lows and min(lows) >= 65:
        have = f"the population imported for {year} covers ages 65 and over only"
    else:
        have = f"the population imported for {year} leaves gaps in those ages"
    out = []
    for band in missing:
        ages = band.replace("above", "over")
        out.append(
            f"Measure {MEASURE_OF_BAND[band]} is not worked out: it is counted per 100,000 "
            f"people aged {ages} living in {council.name} in mid-{year}, and {have}."
        )
    out.append(
        "To add it, download the Office for National Statistics' population projections for "
        "local authorities (2022-based, persons, by single year of age, all ages) or a file "
        "in the same layout, and import it from Data imports, choosing "
        f"“Subnational population projections for England”. Keep the rows for {council.name}, "
        "or tick “Import the good rows and list the bad ones” to import the whole England "
        "file: its other councils' rows are then listed and left out."
    )
    return out


def raw_rows(events: Iterable[CldEvent]) -> list[RawRow]:
    def text(value: str) -> str | None:
        return value or None

    return [
        RawRow(
            record_id=e.id,
            submission=str(e.submission_id),
            la_code=e.la_code,
            period_start=e.submission.period_start,
            period_end=e.submission.period_end,
            nhs_id=text(e.nhs_pseudonym),
            local_id=text(e.local_pseudonym),
            birth_year=e.birth_year,
            birth_month=e.birth_month,
            date_of_death=e.date_of_death,
            gender=text(e.gender),
            client_type=text(e.client_type),
            primary_support_reason=text(e.primary_support_reason),
            accommodation_status=text(e.accommodation_status),
            event_type=text(e.event_type),
            event_start=e.event_start,
            event_end=e.event_end,
            event_outcome=text(e.event_outcome),
            request_route=text(e.request_route),
            assessment_type=text(e.assessment_type),
            service_type=text(e.service_type),
            service_component=text(e.service_component),
            delivery_mechanism=text(e.delivery_mechanism),
            linked_ids=tuple(e.linked_pseudonyms or ()),
        )
        for e in events
    ]


def _inputs(
    council_code: str | None, year: str | None
) -> tuple[LocalAuthority, tuple[date, date], list[CldSubmission], list[str]]:
    """The council, reporting year and submissions asked for, and a sentence per problem."""
    problems: list[str] = []
    council = None
    if not council_code:
        problems.append("Give the council's ONS code, for example E06000021.")
    else:
        council = LocalAuthority.objects.for_code(council_code)
        if council is None:
            problems.append(f"No council has the ONS code '{council_code}'.")
    period: tuple[date, date] | None = None
    if not year:
        problems.append("Give the reporting year, for example 2024/25.")
    else:
        try:
            period = reporting_year(year)
        except ValueError as error:
            problems.append(str(error))
    if council is None or period is None:
        raise AscofInputError(problems)
    submissions = list(CldSubmission.objects.filter(local_authority=council))
    if not submissions:
        problems.append(
            f"No Client Level Data has been imported for {council.name}: import it with "
            f"caremarket import cld FILE --council {council.code}."
        )
    return council, period, submissions, problems


def _cld(submissions: Sequence[CldSubmission]) -> tuple[list[RawRow], list[Submission]]:
    """The council's stored CLD rows and submissions, as rules.ascof reads them."""
    events = CldEvent.objects.filter(submission__in=submissions).select_related("submission")
    return raw_rows(events.iterator(chunk_size=5000)), [
        Submission(
            str(s.id),
            timezone.localtime(s.imported_at).replace(tzinfo=None),
            (s.period_end, s.period_start),
        )
        for s in submissions
    ]


def ascof(council_code: str | None, year: str | None, *, strict: bool = True) -> Ascof:
    """Every measure for a council (ONS code) and reporting year (``2024/25``).

    A missing population is an error; with ``strict=False`` (the staff page) 2B or 2C is left
    out instead and the reason kept in ``population_problems``.
    """
    council, period, submissions, problems = _inputs(council_code, year)
    pop, source, missing = population(council, period[0].year)
    if strict:
        problems += missing
    if problems or year is None:
        raise AscofInputError(problems)
    result = compute(*_cld(submissions), period, pop)
    return Ascof(
        council, year, result, pop, source, missing, tuple(b for b in BANDS if b not in pop)
    )


@dataclass
class CldActivity:
    council: LocalAuthority
    year: str
    result: Activity

    def as_json(self) -> dict[str, Any]:
        return {
            "council": self.council.code,
            "year": self.year,
            "tables": [t.as_dict() for t in self.result.tables],
            "problems": self.result.lines(),
        }


def activity(council_code: str | None, year: str | None) -> CldActivity:
    """The activity tables (rules.activity) for a council and reporting year."""
    council, period, submissions, problems = _inputs(council_code, year)
    if problems or year is None:
        raise AscofInputError(problems)
    return CldActivity(council, year, activity_tables(*_cld(submissions), period))
