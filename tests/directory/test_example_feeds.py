"""The demo councils' example ORUK feeds (examples/directory/*.json): valid ORUK 3.0, importable.

Each file is a list of Open Referral UK 3.0 services. Every item is validated offline against
`service.json` from the project's own copy of the ORUK schemas, with the schemas' absolute
`$ref` URLs resolved from that copy; then each file is imported with the `oruk` importer into
its council and must import cleanly (no bad rows, no warnings), twice (the second run changes
nothing).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from caremarket.directory.models import Service
from caremarket.rules.eligibility import NEED_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "directory"
SCHEMAS = ROOT / "src" / "caremarket" / "directory" / "openreferral_uk"
REF_BASE = "https://openreferraluk.org/specifications/3.0/schema/"

#: file → (council code, council name, number of services in the file)
FEEDS: dict[str, tuple[str, str, int]] = {
    "stoke-on-trent.json": ("E06000021", "Stoke-on-Trent", 25),
    "coventry.json": ("E08000026", "Coventry", 25),
    "bath-and-north-east-somerset.json": ("E06000022", "Bath and North East Somerset", 5),
}


def schema_dir() -> Path:
    """The folder of the project's ORUK 3.0 schemas (the one holding service.json)."""
    found = sorted(
        path.parent
        for path in SCHEMAS.rglob("service.json")
        if "3.0" in path.parts or path.parent.name == "schema"
    )
    if not found:
        pytest.fail(f"no ORUK 3.0 service.json under {SCHEMAS.relative_to(ROOT)}")
    return found[0]


def service_validator() -> Draft202012Validator:
    folder = schema_dir()
    registry: Registry = Registry()
    for path in folder.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        registry = registry.with_resource(REF_BASE + path.name, resource)
    schema = json.loads((folder / "service.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def feed(name: str) -> list[dict[str, Any]]:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def ids_in(value: Any) -> list[tuple[str, str]]:
    """Every (`id` value, the object's kind) in a nested structure, shared locations once."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        if "id" in value:
            found.append((value["id"], "location" if "location_type" in value else "object"))
        for item in value.values():
            found += ids_in(item)
    elif isinstance(value, list):
        for item in value:
            found += ids_in(item)
    return found


def test_the_examples_are_the_three_demo_councils() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(FEEDS)
    assert (EXAMPLES / "README.md").is_file()


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_every_service_is_valid_oruk_3(name: str) -> None:
    validator = service_validator()
    services = feed(name)
    assert len(services) == FEEDS[name][2]
    problems = [
        f"{service.get('name')}: {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for service in services
        for error in validator.iter_errors(service)
    ]
    assert problems == []


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_ids_are_unique_uuids_and_terms_are_our_needs(name: str) -> None:
    services = feed(name)
    _, council_name, _ = FEEDS[name]
    ids = ids_in(services)
    for value, _kind in ids:
        assert str(uuid.UUID(value)) == value
    # Organisations, locations and taxonomy terms may repeat; nothing else may.
    shared = (
        {s["organization"]["id"] for s in services}
        | {a["taxonomy_term"]["id"] for s in services for a in s["attributes"]}
        | {sal["location"]["id"] for s in services for sal in s.get("service_at_locations", [])}
    )
    own = [value for value, _ in ids if value not in shared]
    assert len(own) == len(set(own))
    assert len({s["name"] for s in services}) == len(services)
    for service in services:
        kinds = [a["taxonomy_term"] for a in service["attributes"] if is_kind(a)]
        assert len(kinds) == 1, service["name"]
        labels = dict(Service.Kind.choices)
        assert kinds[0]["code"] == kinds[0]["term"] and kinds[0]["name"] == labels[kinds[0]["code"]]
        terms = [a["taxonomy_term"] for a in service["attributes"] if not is_kind(a)]
        assert 1 <= len(terms) <= 3, service["name"]
        for term in terms:
            assert NEED_CATEGORIES[term["term"]] == term["name"]
            assert term["code"] == term["term"]
            assert term["taxonomy"] == term["taxonomy_detail"] == "caremarket needs"
        assert service["organization_id"] == service["organization"]["id"]
        assert [a["name"] for a in service["service_areas"]] == [council_name]
        assert service["eligibility_description"] and service["application_process"]
        assert service["description"] and service["status"] == "active"


def is_kind(attribute: dict) -> bool:
    return attribute["taxonomy_term"]["taxonomy"] == "caremarket service kinds"


def test_the_exercise_programme_is_not_transport() -> None:
    stoke = {s["name"]: s for s in feed("stoke-on-trent.json")}
    fame = stoke["Falls Management Exercise Programme (FaME)"]
    assert [a["taxonomy_term"]["code"] for a in fame["attributes"] if is_kind(a)] == ["other"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_feed_imports_cleanly_into_its_council(name: str) -> None:
    from caremarket.demo import load_councils
    from caremarket.directory.models import Service
    from caremarket.imports.framework import run_import
    from caremarket.imports.importers.registry import IMPORTERS
    from caremarket.places.models import LocalAuthority

    load_councils()
    code, _, count = FEEDS[name]
    council = LocalAuthority.objects.get(code=code)
    path = EXAMPLES / name

    report = run_import(IMPORTERS["oruk"], path, council=council)
    assert (report.error_count, report.errors, report.warnings) == (0, [], [])
    assert report.written and (report.rows_read, report.rows_written) == (count, count)
    listed = Service.objects.filter(local_authority=council)
    assert listed.count() == count
    for entry in feed(name):
        service = listed.get(source_id=entry["id"])
        assert service.name == entry["name"]
        codes = set(service.categories.values_list("code", flat=True))
        assert codes == {a["taxonomy_term"]["term"] for a in entry["attributes"] if not is_kind(a)}
        kind = next(a["taxonomy_term"]["code"] for a in entry["attributes"] if is_kind(a))
        assert service.kind == kind
        assert service.locations.count() == len(entry.get("service_at_locations", []))
        assert service.schedules.count() == sum(
            len(s["byday"].split(",")) for s in entry.get("schedules", [])
        )

    again = run_import(IMPORTERS["oruk"], path, council=council)
    assert (again.error_count, again.rows_written, again.rows_unchanged) == (0, 0, count)
