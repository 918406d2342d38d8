"""Consistency checks on council figures: what does not add up is reported, never corrected.

- a stated Total that differs from the sum of its rows by more than rounding;
- a percentage that disagrees with its numerator and denominator (`X_pct`, `X_numerator`,
  `X_denominator` with the same breakdown, or a rate in `RATES` such as the vacancy rate);
- a subset larger than its set (e.g. substantiated enquiries above enquiries);
- age bands in one breakdown that overlap or leave a gap;
- the same figure published with two different values (by two documents, say).

Each finding names the figures and the file lines they came from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure
from caremarket.places.models import LocalAuthority

#: Units whose parts add up to a total (percentages, rates and years do not).
ADDITIVE_UNITS = {"people", "count", "beds", "units", "posts", "hours", "hours_per_week", "gbp"}

#: Units that count whole things: their parts must add up exactly.
WHOLE_UNITS = {"people", "count", "beds", "units", "posts"}

#: (subset measure, set measure): the first can never exceed the second.
SUBSETS = (
    ("safeguarding_enquiries", "safeguarding_concerns"),
    ("safeguarding_enquiries_substantiated", "safeguarding_enquiries"),
    ("complaints_upheld", "complaints"),
    ("dols_completions", "dols_referrals"),
    ("direct_payment_recipients_employing_staff", "direct_payment_recipients"),
    ("healthy_life_expectancy_years", "life_expectancy_years"),
)

#: Rates published without `_numerator`/`_denominator` rows, whose parts are figures in their own
#: right: rate measure → (numerator measure, measures summed for the denominator).
RATES = {
    "workforce_vacancy_rate_pct": (
        "workforce_vacancies",
        ("workforce_filled_posts", "workforce_vacancies"),
    ),
}

AGE_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str
    message: str
    rows: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"{self.rule}:{self.key}"

    def __str__(self) -> str:
        where = f" ({'; '.join(self.rows)})" if self.rows else ""
        return f"{self.message}{where}"


def _step(figures: Iterable[CouncilFigure]) -> float:
    """The precision the figures were printed to: 1 for whole numbers, else 10^-decimals.

    The printed decimals are kept at import ("60.0" is 1 decimal even though the float is 60);
    digits the float itself shows count too, for figures made in code.
    """
    decimals = 0
    for figure in figures:
        text = f"{figure.value:.6f}".rstrip("0").rstrip(".")
        shown = len(text.split(".")[1]) if "." in text else 0
        decimals = max(decimals, shown, figure.decimals or 0)
    return 10.0 ** -min(decimals, 4)


def _fmt(value: float) -> str:
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _label(f: CouncilFigure) -> str:
    return f"{f.measure} {f.period}"


def total_findings(figures: list[CouncilFigure]) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[CouncilFigure]] = defaultdict(list)
    for f in figures:
        if f.unit not in ADDITIVE_UNITS or f.dimension == "all":
            continue
        parts = f.category.split("|")
        dims = f.dimension.split("|")
        if dims[-1] in ("bound", "area"):
            continue
        groups[(f.local_authority_id, f.period, f.measure, f.dimension, tuple(parts[:-1]))].append(
            f
        )
    for (_, period, measure, dimension, prefix), rows in groups.items():
        totals = [f for f in rows if f.is_total]
        parts = [f for f in rows if not f.is_total]
        if not totals or not parts:
            continue
        summed = sum(f.value for f in parts)
        if all(f.unit in WHOLE_UNITS and float(f.value).is_integer() for f in rows):
            tolerance = 1e-9  # whole counts are exact: nothing to round
        else:
            # each printed figure may be rounded by half its last digit
            tolerance = 0.5 * _step(rows) * (len(parts) + 1) + 1e-9
        for total in totals:
            if abs(total.value - summed) > tolerance:
                within = f" for {'|'.join(prefix)}" if prefix else ""
                yield Finding(
                    "total",
                    f"{total.local_authority_id}:{period}:{measure}:{dimension}:{total.category}",
                    f"{measure} {period} by {dimension}{within}: the stated total "
                    f"{_fmt(total.value)} is not the sum of its {len(parts)} rows "
                    f"({_fmt(summed)}, a difference of {_fmt(total.value - summed)})",
                    (total.where(), *(f.where() for f in parts[:3])),
                )


def percentage_findings(figures: list[CouncilFigure]) -> Iterator[Finding]:
    index = {
        (f.local_authority_id, f.period, f.measure, f.dimension, f.category): f for f in figures
    }
    for f in figures:
        if not f.measure.endswith("_pct"):
            continue
        stem = f.measure.removesuffix("_pct")
        numerator_measure, denominator_measures = RATES.get(
            f.measure, (f"{stem}_numerator", (f"{stem}_denominator",))
        )
        key = (f.local_authority_id, f.period, f.dimension, f.category)
        numerator = index.get((key[0], key[1], numerator_measure, key[2], key[3]))
        parts = [index.get((key[0], key[1], m, key[2], key[3])) for m in denominator_measures]
        if numerator is None or None in parts:
            continue
        denominator = [p for p in parts if p is not None]
        total = sum(p.value for p in denominator)
        if total == 0:
            continue
        computed = 100 * numerator.value / total
        if abs(computed - f.value) > 0.5 * _step([f]) + 1e-9:
            shown = " + ".join(_fmt(p.value) for p in denominator)
            shown = f"({shown})" if len(denominator) > 1 else shown
            yield Finding(
                "percentage",
                f"{f.local_authority_id}:{f.period}:{f.measure}:{f.dimension}:{f.category}",
                f"{f.measure} {f.period} ({f.dimension}={f.category}): {_fmt(f.value)}% is "
                f"stated but {_fmt(numerator.value)} ÷ {shown} is {computed:.2f}%",
                tuple(
                    dict.fromkeys([f.where(), numerator.where(), *(p.where() for p in denominator)])
                ),
            )


def subset_findings(figures: list[CouncilFigure]) -> Iterator[Finding]:
    index: dict[tuple[object, ...], list[CouncilFigure]] = defaultdict(list)
    for f in figures:
        index[(f.local_authority_id, f.period, f.measure, f.dimension, f.category)].append(f)
    for subset, whole in SUBSETS:
        for (la, period, measure, dimension, category), rows in index.items():
            if measure != subset:
                continue
            for part in rows:
                for container in index.get((la, period, whole, dimension, category), []):
                    if part.value > container.value:
                        yield Finding(
                            "subset",
                            f"{la}:{period}:{subset}:{dimension}:{category}",
                            f"{subset} ({_fmt(part.value)}) is larger than {whole} "
                            f"({_fmt(container.value)}) for {period}, {dimension}={category}",
                            (part.where(), container.where()),
                        )


def _band(text: str) -> tuple[int, int | None] | None:
    match = AGE_BAND.match(text)
    if not match:
        return None
    start = int(match.group(1))
    return (start, None) if match.group(3) else (start, int(match.group(2)))


def band_findings(figures: list[CouncilFigure]) -> Iterator[Finding]:
    groups: dict[tuple[object, ...], list[tuple[tuple[int, int | None], CouncilFigure]]] = (
        defaultdict(list)
    )
    for f in figures:
        dims = f.dimension.split("|")
        if "age_band" not in dims:
            continue
        position = dims.index("age_band")
        parts = f.category.split("|")
        band = _band(parts[position])
        if band is None:
            continue
        others = tuple(p for i, p in enumerate(parts) if i != position)
        groups[(f.local_authority_id, f.period, f.measure, f.dimension, others, f.source)].append(
            (band, f)
        )
    for (la, period, measure, dimension, others, _), bands in groups.items():
        unique = sorted({b for b, _ in bands}, key=lambda b: (b[0], b[1] or 999))
        if len(unique) < 2:
            continue
        # A band spanning all the others is their total (e.g. 18+ beside 18-64 and 65+).
        low = min(b[0] for b in unique)
        high = None if any(b[1] is None for b in unique) else max(b[1] or 0 for b in unique)
        unique = [b for b in unique if b != (low, high)] if len(unique) > 2 else unique
        where = tuple(f.where() for _, f in bands[:4])
        for first, second in pairwise(unique):
            first_end = first[1]
            if first_end is None or first_end >= second[0]:
                yield Finding(
                    "age-bands",
                    f"{la}:{period}:{measure}:{dimension}:{'|'.join(others)}:overlap",
                    f"{measure} {period}: age bands {_show(first)} and {_show(second)} overlap",
                    where,
                )
            elif first_end + 1 < second[0]:
                yield Finding(
                    "age-bands",
                    f"{la}:{period}:{measure}:{dimension}:{'|'.join(others)}:gap",
                    f"{measure} {period}: ages {first_end + 1}–{second[0] - 1} are missing "
                    f"between bands {_show(first)} and {_show(second)}",
                    where,
                )


def _show(band: tuple[int, int | None]) -> str:
    return f"{band[0]}+" if band[1] is None else f"{band[0]}-{band[1]}"


def conflict_findings(figures: list[CouncilFigure]) -> Iterator[Finding]:
    """The same figure (council, period, measure, breakdown) published with different values,
    e.g. by two documents: both are kept, and the disagreement is reported."""
    groups: dict[tuple[object, ...], list[CouncilFigure]] = defaultdict(list)
    for f in figures:
        groups[(f.local_authority_id, f.period, f.measure, f.dimension, f.category)].append(f)
    for (la, period, measure, dimension, category), rows in groups.items():
        if len({f.value for f in rows}) < 2:
            continue
        values = " and ".join(_fmt(f.value) for f in rows)
        yield Finding(
            "conflict",
            f"{la}:{period}:{measure}:{dimension}:{category}",
            f"{measure} {period} ({dimension}={category}) is published as {values}",
            tuple(f.where() for f in rows),
        )


def run_checks(figures: list[CouncilFigure]) -> list[Finding]:
    findings: list[Finding] = []
    rules = (total_findings, percentage_findings, subset_findings, band_findings, conflict_findings)
    for rule in rules:
        findings.extend(rule(figures))
    return list({f.code: f for f in findings}.values())


def findings_for_council(council: LocalAuthority) -> list[Finding]:
    figures = list(CouncilFigure.objects.for_council(council).select_related("import_run"))
    return run_checks(figures)


def findings_for_run(run: ImportRun) -> list[Finding]:
    """Findings on every council the run touched, that involve at least one of its rows."""
    councils = CouncilFigure.objects.filter(import_run=run).values_list(
        "local_authority", flat=True
    )
    figures = list(
        CouncilFigure.objects.filter(local_authority__in=set(councils)).select_related("import_run")
    )
    return [f for f in run_checks(figures) if any(run.file_name in w for w in f.rows)]
