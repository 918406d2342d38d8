"""What the ORUK API publishes, the ORUK importer reads back: one council's feed is another's.

A council moving to caremarket from another ORUK directory, or two caremarket instances
sharing listings, both rely on this: export Stoke's services with `full=true`, import the page
as Stoke's feed again (the copies are keyed on the exported ids), and each copy says the same
things as its original.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from caremarket.directory.models import Service
from caremarket.imports.framework import run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.places.models import LocalAuthority

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEED = FIXTURES / "oruk" / "stoke_directory_feed.json"
HSCA = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"

COMPARED = (
    "name",
    "description",
    "status",
    "url",
    "email",
    "phone",
    "age_min",
    "age_max",
    "languages",
    "last_reviewed",
    "review_due",
    "costs",
    "cost_detail",
    "areas_served",
    "access",
    "how_to_access",
    "kind",
)


@pytest.fixture
def councils(db: None) -> dict[str, LocalAuthority]:
    from caremarket.demo import load_councils

    return {c.code: c for c in load_councils()}


def export(client: Client, tmp_path: Path, **params: str) -> Path:
    response = client.get("/api/v1/oruk/services", {"full": "true", "per_page": "500", **params})
    assert response.status_code == 200
    path = tmp_path / "export.json"
    path.write_text(json.dumps(response.json()), encoding="utf-8")
    return path


def summary(service: Service) -> dict[str, Any]:
    return {
        **{field: getattr(service, field) for field in COMPARED},
        "organization": service.organization.name,
        "categories": sorted(service.categories.values_list("code", flat=True)),
        "locations": sorted(
            (p.name, p.postcode, p.latitude, p.longitude, p.accessibility)
            for p in service.locations.all()
        ),
        "schedules": sorted(
            (
                s.weekday,
                str(s.opens_at),
                str(s.closes_at),
                s.note,
                s.location.name if s.location else "",
            )
            for s in service.schedules.all()
        ),
    }


def test_an_exported_feed_imports_into_another_council_unchanged(
    client: Client, councils: dict[str, LocalAuthority], tmp_path: Path
) -> None:
    stoke = councils["E06000021"]
    run_import(IMPORTERS["oruk"], FEED, council=stoke)
    originals = {str(s.pk): s for s in Service.objects.filter(local_authority=stoke)}
    path = export(client, tmp_path)
    report = run_import(IMPORTERS["oruk"], path, council=stoke)
    assert report.error_count == 0, report.errors
    assert report.rows_written == 6 and not report.warnings
    copies = Service.objects.filter(source_id__in=originals)
    assert copies.count() == 6
    for copy in copies:
        original = originals[copy.source_id]  # the feed's id is our service id
        assert summary(copy) == summary(original), copy.name
    # and importing the export again changes nothing
    again = run_import(IMPORTERS["oruk"], path, council=stoke)
    assert again.rows_written == 0 and again.rows_unchanged == 6


def test_cqc_listings_export_with_their_register_details(
    client: Client, councils: dict[str, LocalAuthority], tmp_path: Path
) -> None:
    run_import(IMPORTERS["cqc-hsca"], HSCA)
    path = export(client, tmp_path)
    report = run_import(IMPORTERS["oruk"], path, council=councils["E06000022"])
    assert report.error_count == 0, report.errors
    # the CQC rating is a term of another taxonomy: said, not lost silently
    assert any("matches no need category" in w for w in report.warnings)
    copy = Service.objects.get(local_authority=councils["E06000022"], name="Abbey Court Care Home")
    assert copy.locations.get().postcode == "ST2 8AA"
