"""The catalogue of measures: the words every page, document, chart and CSV file takes.

The catalogue lives in ``measures.toml`` beside this module (its header says what each table
holds); this module loads it once and answers questions about it, with no Django:

- a measure's **label**, unit, definition, theme, display precision and chart kind;
- a breakdown's (dimension's) label and the order of its values, and each value's label
  ("copd" → "COPD", "18+" → "18 and over");
- for ``caremarket check``: whether a measure's breakdowns are **additive** (the categories sum
  to the stated total), which breakdowns overlap (one safeguarding concern may involve several
  types of abuse), and whether its whole-number figures are **counted** (printed exactly) or
  modelled and so published rounded.

A code with no entry still reads as words (``humanise``); ``is_catalogued`` tells staff pages
which measures need a label.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE = Path(__file__).with_name("measures.toml")

#: Units whose parts add up to a total (percentages, prices, years and ranks do not).
ADDITIVE_UNITS = frozenset(
    {"people", "count", "beds", "units", "posts", "hours", "hours_per_week", "gbp",
     "per_1000_75plus"}
)  # fmt: skip

#: Units that count whole things: printed whole, such a figure is exact unless it is an estimate.
COUNTED_UNITS = frozenset({"people", "count", "beds", "units", "posts"})

#: Chart kinds a measure may ask for.
CHART_KINDS = frozenset({"auto", "none", "line", "bar"})

#: The theme of a measure the catalogue does not know.
OTHER_THEME = "other"

_WORDS = {
    "copd": "COPD", "tia": "TIA", "ld": "learning disability", "abi": "acquired brain injury",
    "cqc": "CQC", "icb": "ICB", "eu": "EU", "mps": "MPS", "uk": "UK", "nhs": "NHS",
    "gbp": "(£)", "pct": "(%)", "dols": "DoLS", "imd": "IMD", "qof": "QOF",
}  # fmt: skip


@dataclass(frozen=True)
class Measure:
    #: The words people read ("Safeguarding concerns").
    label: str = ""
    #: The theme it is grouped under on a council's page (a key of ``themes()``).
    theme: str = OTHER_THEME
    #: The units it is imported in.
    units: tuple[str, ...] = ()
    #: Decimal places shown: the finest the publishers printed.
    precision: int = 0
    #: "auto", "none", "line" or "bar".
    chart: str = "auto"
    #: What it measures, in a sentence.
    definition: str = ""
    #: The categories of its breakdowns sum to their stated total (when the unit allows it).
    additive: bool = True
    #: Breakdowns (dimension names) in which one case can fall in several categories.
    overlapping: frozenset[str] = frozenset()
    #: Modelled, projected or estimated: whole numbers are rounded, never exact counts.
    estimate: bool = False
    #: Why, in words, for the findings and for people reading the catalogue.
    note: str = ""
    #: Kept for the checks only (a percentage's numerator or denominator, repeating figures
    #: shown elsewhere): left off public pages, listed on the staff provenance page.
    hidden: bool = False
    #: A requirement or gap the council states: shown to providers with its source.
    opportunity: bool = False


@dataclass(frozen=True)
class Dimension:
    label: str
    #: Values in their natural order (age groups youngest first); others follow as published.
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """A council's own figure set beside the sufficiency engine's estimate for a service."""

    service: str
    measure: str
    dimension: str
    category: str
    #: "gap": the council's figure is a shortfall (+) or surplus (−); "demand": a level of need.
    compare: str


@dataclass(frozen=True)
class Catalogue:
    themes: dict[str, str]
    units: dict[str, dict[str, str]]
    measures: dict[str, Measure]
    dimensions: dict[str, Dimension]
    values: dict[str, str]
    comparisons: tuple[Comparison, ...] = ()


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message says where."""


def _measure(name: str, data: dict[str, Any], themes: dict[str, str]) -> Measure:
    where = f"{CATALOGUE.name}, measure {name}"
    if not isinstance(data.get("label"), str) or not data["label"].strip():
        raise CatalogueError(f"{where}: has no label")
    theme = data.get("theme", OTHER_THEME)
    if theme not in themes:
        raise CatalogueError(f"{where}: theme {theme!r} is not one of the [themes]")
    chart = data.get("chart", "auto")
    if chart not in CHART_KINDS:
        raise CatalogueError(f"{where}: chart {chart!r} is not one of {sorted(CHART_KINDS)}")
    precision = data.get("precision", 0)
    if not isinstance(precision, int) or not 0 <= precision <= 6:
        raise CatalogueError(f"{where}: precision must be a whole number from 0 to 6")
    return Measure(
        label=data["label"].strip(),
        theme=theme,
        units=tuple(data.get("units", ())),
        precision=precision,
        chart=chart,
        definition=str(data.get("definition", "")),
        additive=bool(data.get("additive", True)),
        overlapping=frozenset(data.get("overlapping", ())),
        estimate=bool(data.get("estimate", False)),
        note=str(data.get("note", "")),
        hidden=bool(data.get("hidden", False)),
        opportunity=bool(data.get("opportunity", False)),
    )


def _comparison(number: int, data: dict[str, Any]) -> Comparison:
    fields = ("service", "measure", "dimension", "category", "compare")
    missing = [name for name in fields if not isinstance(data.get(name), str) or not data[name]]
    if missing:
        raise CatalogueError(f"{CATALOGUE.name}, comparison {number}: needs {', '.join(missing)}")
    if data["compare"] not in ("gap", "demand"):
        raise CatalogueError(f"{CATALOGUE.name}, comparison {number}: compare is gap or demand")
    return Comparison(*(str(data[name]) for name in fields))


def parse(text: str) -> Catalogue:
    """A catalogue from its TOML text; a malformed one raises CatalogueError saying where."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{CATALOGUE.name}: {error}") from error
    themes = {str(k): str(v) for k, v in data.get("themes", {}).items()}
    themes.setdefault(OTHER_THEME, "Other figures")
    measures = {
        str(name): _measure(str(name), entry, themes)
        for name, entry in data.get("measures", {}).items()
    }
    dimensions = {
        str(name): Dimension(str(entry.get("label", humanise(str(name)))),
                             tuple(str(v) for v in entry.get("order", ())))
        for name, entry in data.get("dimensions", {}).items()
    }  # fmt: skip
    return Catalogue(
        themes=themes,
        units={str(k): {"label": str(v.get("label", k)), "suffix": str(v.get("suffix", ""))}
               for k, v in data.get("units", {}).items()},
        measures=measures,
        dimensions=dimensions,
        values={str(k): str(v) for k, v in data.get("values", {}).items()},
        comparisons=tuple(_comparison(i, entry) for i, entry in
                          enumerate(data.get("comparisons", []), start=1)),
    )  # fmt: skip


@cache
def catalogue() -> Catalogue:
    return parse(CATALOGUE.read_text(encoding="utf-8"))


def humanise(code: str) -> str:
    """A code no catalogue entry names, made into words ("abuse_type" → "Abuse type",
    "85+" → "85 and over", "depression_18plus" → "Depression (18 and over)")."""
    code = code.strip()
    if not code:
        return ""
    if match := re.fullmatch(r"(\d+)\+", code):
        return f"{match.group(1)} and over"
    if match := re.fullmatch(r"(\d+)-(\d+)", code):
        return f"{match.group(1)} to {match.group(2)}"
    if code != code.lower() or " " in code:
        return code  # already words ("England", "West Midlands")
    code = re.sub(r"_(\d+)_?plus$", r" (\1 and over)", code)
    code = re.sub(r"(\d+)_?plus", r"\1 and over", code)
    text = " ".join(_WORDS.get(word, word) for word in code.split("_"))
    return text[:1].upper() + text[1:]


def measure(name: str) -> Measure:
    """The catalogue's entry, or one made from the name for a measure it does not know."""
    return catalogue().measures.get(name) or Measure(label=humanise(name))


def is_catalogued(name: str) -> bool:
    return name in catalogue().measures


def measure_label(name: str) -> str:
    return measure(name).label


def dimension_label(dimension: str) -> str:
    """ "abuse_type" → "Type of abuse"; a compound "service|age_band" → "Service and age group"."""
    parts = [_dimension(part).label for part in dimension.split("|")]
    text = " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]
    return text[:1].upper() + text[1:].lower() if len(parts) > 1 else text


def _dimension(name: str) -> Dimension:
    return catalogue().dimensions.get(name) or Dimension(humanise(name))


def value_label(value: str) -> str:
    """One category value's words ("copd" → "COPD")."""
    return catalogue().values.get(value) or humanise(value)


def category_label(category: str) -> str:
    """A category in words, compound parts joined ("residential_care|65+" → "Residential care,
    65 and over")."""
    parts = [value_label(part) for part in category.split("|")]
    return ", ".join(parts[:1] + [p[:1].lower() + p[1:] if p[1:2].islower() else p
                                   for p in parts[1:]])  # fmt: skip


def category_order(dimension: str, categories: list[str]) -> list[str]:
    """The categories in the dimension's natural order (by each part), others as given, with
    the stated totals last."""
    dims = dimension.split("|")

    def key(item: tuple[int, str]) -> tuple[int, tuple[int, ...], int]:
        index, category = item
        parts = category.split("|")
        is_total = parts[-1] == "Total"
        ranks = []
        for name, part in zip(dims, parts, strict=False):
            order = _dimension(name).order
            ranks.append(order.index(part) if part in order else len(order))
        return (1 if is_total else 0, tuple(ranks), index)

    return [c for _, c in sorted(enumerate(categories), key=key)]


def unit_label(unit: str) -> str:
    return catalogue().units.get(unit, {}).get("label", humanise(unit))


def themes() -> dict[str, str]:
    """Theme key → heading, in the order a council's page shows them."""
    return dict(catalogue().themes)


def comparisons(service: str) -> list[Comparison]:
    """The council figures that can be set beside the engine's estimate for `service`."""
    return [c for c in catalogue().comparisons if c.service == service]


def is_additive(name: str, unit: str, dimension: str) -> bool:
    """Whether the categories of this breakdown are meant to sum to its stated total."""
    facts = measure(name)
    if unit not in ADDITIVE_UNITS or not facts.additive:
        return False
    return not (set(dimension.split("|")) & facts.overlapping)


def is_counted(name: str, unit: str) -> bool:
    """Whether a whole-number figure of this measure is an exact count of recorded things."""
    return unit in COUNTED_UNITS and not measure(name).estimate


def source_words(source: str) -> str:
    """A source as people read it: the document and section, without file names and lines or
    the notes made for the data file ("period = publication year")."""
    text = re.sub(r"\s*\((?:[^()]*)?period = [^()]*\)", "", source)
    text = FILE_NOTE.sub("", text)
    return text.replace(" ; also ", "; also ").strip()


#: A file name (with its line, if any) in brackets or parentheses: "[coventry.csv]",
#: "(CQC_directory.csv)", "(coventry.csv line 34)".
FILE_NOTE = re.compile(
    r"\s*[\[(][^\[\]()]*\.(?:csv|xlsx?|json|zip|ods|txt|toml)(?: line \d+)?[\])]"
)
