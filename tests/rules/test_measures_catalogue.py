"""The catalogue of measures: every demo measure and value has words, the order and labels
people read, and a malformed catalogue says where."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from caremarket.rules import measures

FIGURES = Path(__file__).resolve().parents[2] / "examples" / "figures"


def demo_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("stoke-on-trent", "coventry", "bath-and-north-east-somerset"):
        with (FIGURES / f"{name}.csv").open(encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def test_every_demo_measure_dimension_and_value_is_in_the_catalogue():
    known = measures.catalogue()
    rows = demo_rows()
    assert {r["measure"] for r in rows} <= set(known.measures)
    assert {d for r in rows for d in r["dimension"].split("|")} <= set(known.dimensions)
    assert {c for r in rows for c in r["category"].split("|")} <= set(known.values)
    labels = [entry.label for entry in known.measures.values()]
    assert len(labels) == len(set(labels)), "two measures read the same"
    for name, entry in known.measures.items():
        assert "_" not in entry.label, name
        assert entry.theme in known.themes, name
        assert not any(w for w in entry.definition.split() if "_" in w), name


def test_labels_read_as_a_council_would_print_them():
    assert measures.value_label("copd") == "COPD"
    assert measures.value_label("18+") == "18 and over"
    assert measures.value_label("stroke_and_tia") == "Stroke and TIA"
    assert measures.category_label("residential_care|65+") == "Residential care, 65 and over"
    assert measures.dimension_label("abuse_type") == "Type of abuse"
    assert measures.measure_label("safeguarding_concerns") == "Safeguarding concerns"
    assert measures.measure("care_home_beds").theme == "supply"


def test_an_unknown_code_still_reads_as_words_and_is_not_catalogued():
    assert not measures.is_catalogued("night_sitting_hours")
    assert measures.measure_label("night_sitting_hours") == "Night sitting hours"
    assert measures.measure("night_sitting_hours").theme == measures.OTHER_THEME
    assert measures.value_label("depression_18plus") == "Depression (18 and over)"
    assert measures.value_label("ld_nursing") == "Learning disability nursing"
    assert measures.humanise("West Midlands") == "West Midlands"


def test_categories_follow_the_natural_order_with_totals_last():
    given = ["85+", "Total", "under_18", "65-84", "18-64"]
    assert measures.category_order("age_band", given) == [
        "under_18", "18-64", "65-84", "85+", "Total",
    ]  # fmt: skip
    # Unordered dimensions keep the published order.
    assert measures.category_order("service", ["b", "Total", "a"]) == ["b", "a", "Total"]


def test_the_consistency_facts_are_read_from_the_catalogue():
    assert measures.measure("population").estimate
    assert measures.measure("safeguarding_concerns").overlapping == {"abuse_type"}
    assert not measures.is_additive("safeguarding_concerns", "count", "abuse_type")
    assert not measures.is_counted("population", "people")
    assert measures.measure("population_share_numerator").hidden


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[measures.x]\ntheme = 'need'\n", "measure x: has no label"),
        ("[themes]\nneed = 'Need'\n[measures.x]\nlabel = 'X'\ntheme = 'nope'\n", "theme 'nope'"),
        ("[measures.x]\nlabel = 'X'\nchart = 'pie'\n", "chart 'pie'"),
        ("[measures.x]\nlabel = 'X'\nprecision = 9\n", "precision must be"),
        ("[measures.x\n", "measures.toml"),
    ],
)
def test_a_malformed_catalogue_says_where(text: str, says: str):
    with pytest.raises(measures.CatalogueError, match=says.replace("[", r"\[")):
        measures.parse(text)


def test_sources_read_as_words_without_files_or_lines():
    assert (
        measures.source_words(
            "CQC directory of active locations (CQC_directory.csv), February 2016 [cqc_2016.csv]"
        )
        == "CQC directory of active locations, February 2016"
    )
    assert (
        measures.source_words('Coventry MPS 2024-29, table "Telecare" (period = publication year)')
        == 'Coventry MPS 2024-29, table "Telecare"'
    )
    assert measures.source_words("Stoke MPS ; also Stoke ILS (stoke.csv line 34)") == (
        "Stoke MPS; also Stoke ILS"
    )


def test_a_comparison_names_the_councils_own_figure_for_a_service():
    (gap, demand) = measures.comparisons("residential_care_beds")
    assert (gap.measure, gap.category, gap.compare) == (
        "specialist_housing_shortfall", "residential", "gap",
    )  # fmt: skip
    assert demand.compare == "demand"
    with pytest.raises(measures.CatalogueError, match="comparison 1: compare is gap or demand"):
        measures.parse(
            "[[comparisons]]\nservice='a'\nmeasure='b'\ndimension='c'\ncategory='d'\n"
            "compare='guess'\n"
        )
