"""Targets beside the figures they are for: which figures can carry one, and each target judged
against its figure (the judgement itself is `rules.targets`).

A target names a figure by measure, breakdown (dimension) and category, as the council's
published figures do. ASCOF figures are named ``ascof_2a`` with dimension ``ascof`` and the row's
label on the ASCOF page as category ("All ages").
"""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.needs.models import CouncilFigure
from caremarket.outcomes.models import Target
from caremarket.places.models import LocalAuthority
from caremarket.rules import measures as catalogue
from caremarket.rules.consistency import amount, period_words
from caremarket.rules.targets import Judgement, judge

ASCOF_PREFIX = "ascof_"
ASCOF_DIMENSION = "ascof"
#: The separator of measure, dimension and category in a form's choice of figure.
SEP = "::"


def ascof_measure(code: str) -> str:
    return f"{ASCOF_PREFIX}{code.lower()}"


def figure_key(measure: str, dimension: str, category: str) -> str:
    return SEP.join((measure, dimension, category))


def figure_label(measure: str, dimension: str, category: str) -> str:
    """ "Healthwatch indicators: Strategic meetings attended, actual", "ASCOF 2A: All ages"."""
    if measure.startswith(ASCOF_PREFIX):
        return f"ASCOF {measure[len(ASCOF_PREFIX) :].upper()}: {category}"
    name = catalogue.measure_label(measure)
    if dimension == "all":
        return name
    return f"{name}: {catalogue.category_label(category)}"


def figure_choices(council: LocalAuthority, ascof_labels: dict[str, list[str]]) -> list[tuple]:
    """The council's published figures (one row per measure, breakdown and category), grouped by
    measure, then the ASCOF rows (`ascof_labels`: the labels of each measure's rows)."""
    rows = (
        CouncilFigure.objects.for_council(council)
        .values_list("measure", "dimension", "category")
        .distinct()
        .order_by("measure", "dimension", "category")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for measure, dimension, category in rows:
        if catalogue.measure(measure).hidden:
            continue
        groups.setdefault(catalogue.measure_label(measure), []).append(
            (
                figure_key(measure, dimension, category),
                figure_label(measure, dimension, category),
            )
        )
    choices: list[tuple] = [("", "Choose a figure")]
    for code, labels in ascof_labels.items():
        measure = ascof_measure(code)
        choices.append(
            (
                f"ASCOF {code}",
                [
                    (
                        figure_key(measure, ASCOF_DIMENSION, label),
                        figure_label(measure, ASCOF_DIMENSION, label),
                    )
                    for label in labels
                ],
            )
        )
    choices += sorted(groups.items())
    return choices


@dataclass(frozen=True)
class Judged:
    target: Target
    label: str
    period: str
    #: None when the council holds no figure for that period yet.
    judgement: Judgement | None
    #: "Target 85%; no figure for 2024/25 yet."
    sentence: str


def _decimals(value: float, at_least: int) -> int:
    text = f"{value:.6f}".rstrip("0")
    return max(at_least, len(text.split(".")[1]) if "." in text else 0)


def judged(target: Target, actual: float | None, unit: str, decimals: int) -> Judged:
    label = figure_label(target.measure, target.dimension, target.category)
    shown = _decimals(target.value, decimals)
    if actual is None:
        sentence = (
            f"Target {amount(target.value, unit, shown)}; no figure for "
            f"{period_words(target.period)} yet."
        )
        return Judged(target, label, period_words(target.period), None, sentence)
    result = judge(actual, target.value, target.direction, target.tolerance, unit=unit,
                   decimals=shown)  # fmt: skip
    return Judged(target, label, period_words(target.period), result, result.sentence)


def figure_targets(council: LocalAuthority) -> dict[str, list[Judged]]:
    """Every target on a published figure, judged against it, by measure."""
    found: dict[str, list[Judged]] = {}
    targets = Target.objects.filter(local_authority=council).exclude(
        measure__startswith=ASCOF_PREFIX
    )
    for target in targets:
        figure = (
            CouncilFigure.objects.for_council(council)
            .filter(
                measure=target.measure,
                dimension=target.dimension,
                category=target.category,
                period=target.period,
            )
            .order_by("id")
            .first()
        )
        precision = catalogue.measure(target.measure).precision
        if figure is None:
            units = catalogue.measure(target.measure).units
            item = judged(target, None, units[0] if units else "", precision)
        else:
            item = judged(target, figure.value, figure.unit, max(figure.decimals, precision))
        found.setdefault(target.measure, []).append(item)
    return found


def ascof_targets(council: LocalAuthority, year: str) -> dict[tuple[str, str], Target]:
    """The council's ASCOF targets for a year, by (measure code, row label)."""
    return {
        (t.measure[len(ASCOF_PREFIX) :].upper(), t.category): t
        for t in Target.objects.filter(
            local_authority=council, measure__startswith=ASCOF_PREFIX, period=year
        )
    }
