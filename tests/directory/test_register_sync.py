"""Every CQC register location is a directory listing, refreshed by each register import."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.directory.models import Organization, Service
from caremarket.directory.register import kind_for, sync_register_listings
from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority
from tests.market.helpers import FIXTURES, drop, edit, run, variant

HSCA = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"
DIRECTORY = FIXTURES / "cqc" / "CQC_directory.csv"

pytestmark = pytest.mark.usefixtures("councils")


@pytest.fixture
def councils(db: None) -> list[LocalAuthority]:
    from caremarket.demo import load_councils

    return load_councils()


def listing(location_id: str) -> Service:
    return Service.objects.select_related("cqc_location", "organization").get(
        cqc_location__cqc_location_id=location_id
    )


def test_each_active_location_is_listed_with_what_the_register_says() -> None:
    run("cqc-hsca", HSCA)
    assert Service.objects.count() == Location.objects.filter(deregistered=False).count() == 5
    abbey = listing("1-101000001")
    assert (abbey.name, abbey.kind) == ("Abbey Court Care Home", Service.Kind.CARE_HOME_NURSING)
    assert abbey.local_authority == LocalAuthority.objects.get(code="E06000021")
    assert abbey.organization.name == "Abbey Care Ltd"
    assert abbey.organization.cqc_provider == abbey.cqc_location.provider
    place = abbey.locations.get()
    assert (place.postcode, place.address) == ("ST2 8AA", abbey.cqc_location.address)
    assert (place.latitude, place.longitude) == (pytest.approx(53.0301), pytest.approx(-2.1402))
    codes = set(abbey.categories.values_list("code", flat=True))
    assert {"housing-options", "personal-care", "memory-problems"} <= codes
    assert set(abbey.client_groups) == {"older_people", "dementia"}
    assert abbey.review_due is not None and abbey.status == Service.Status.ACTIVE
    # Two locations of one provider share one organisation.
    assert listing("1-101000002").organization == abbey.organization
    assert listing("1-101000003").kind == Service.Kind.HOME_CARE
    # A location of a council not on this instance is listed too (cross-border search).
    assert listing("1-101000004").local_authority is None


def test_reimporting_an_unchanged_register_changes_no_listing() -> None:
    run("cqc-hsca", HSCA)
    before = dict(Service.objects.values_list("pk", "modified"))
    run("cqc-hsca", HSCA)
    assert dict(Service.objects.values_list("pk", "modified")) == before
    assert Organization.objects.count() == 4  # one per provider, none added again


def test_register_changes_reach_the_listing_and_council_words_survive(tmp_path: Path) -> None:
    run("cqc-hsca", HSCA)
    abbey = listing("1-101000001")
    abbey.description = "Dementia nursing with a sensory garden; council block contract."
    abbey.categories.set(abbey.categories.filter(code="memory-problems"))
    abbey.save()
    renamed = variant(
        HSCA,
        tmp_path / "renamed.csv",
        rows=edit(
            0, {"Location Name": "Abbey Court Nursing Home", "Location Postal Code": "ST2 8AB"}
        ),
    )
    run("cqc-hsca", renamed)
    abbey = listing("1-101000001")
    assert abbey.name == "Abbey Court Nursing Home"
    assert abbey.locations.get().postcode == "ST2 8AB"
    assert abbey.description == "Dementia nursing with a sensory garden; council block contract."
    assert list(abbey.categories.values_list("code", flat=True)) == ["memory-problems"]


def test_a_deregistered_location_closes_and_reopens(tmp_path: Path) -> None:
    run("cqc-hsca", HSCA)
    run("cqc-hsca", variant(HSCA, tmp_path / "later.csv", rows=drop(1)))
    lodge = listing("1-101000002")
    assert lodge.status == Service.Status.DEFUNCT
    assert lodge not in Service.objects.listed()
    assert Service.objects.listed().count() == 4
    run("cqc-hsca", HSCA)
    assert listing("1-101000002") in Service.objects.listed()


def test_the_monthly_directory_lists_its_locations() -> None:
    run("cqc-directory", DIRECTORY)
    assert Service.objects.count() == Location.objects.count() > 0
    kinds = set(Service.objects.values_list("kind", flat=True))
    assert kinds <= {k.value for k in Service.Kind}
    assert Service.Kind.OTHER_CQC not in kinds or Location.objects.count() > len(kinds)


def test_a_dry_run_lists_nothing() -> None:
    run("cqc-hsca", HSCA, dry_run=True)
    assert not Service.objects.exists()


def test_sync_without_a_run_lists_every_location() -> None:
    run("cqc-hsca", HSCA)
    Service.objects.all().delete()
    assert sync_register_listings() == 5
    assert Service.objects.count() == 5


@pytest.mark.parametrize(
    ("types", "kind"),
    [
        (
            ["Care home service with nursing", "Care home service without nursing"],
            "care_home_nursing",
        ),
        (["Residential homes"], "care_home"),
        (["Nursing homes", "Residential homes"], "care_home_nursing"),
        (["Homecare agencies"], "home_care"),
        (["Domiciliary care service", "Supported living service"], "home_care"),
        (["Supported living service"], "supported_living"),
        (["Shared Lives"], "shared_lives"),
        (["Hospice services"], "other_cqc"),
        ([], "other_cqc"),
    ],
)
def test_kind_from_either_cqc_vocabulary(types: list[str], kind: str) -> None:
    assert kind_for(types) == kind


def test_register_listings_are_found_by_search() -> None:
    from caremarket.directory.search import SearchQuery, search

    run("cqc-hsca", HSCA)
    page = search(SearchQuery(text="Abbey Court"))
    assert [r.service.name for r in page.results][:1] == ["Abbey Court Care Home"]


def indexed() -> set[tuple[str, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT service_id, name, body, unplaced, title FROM directory_search")
        return {tuple(str(v) for v in row) for row in cursor.fetchall()}


def test_listings_indexed_in_bulk_match_a_full_reindex() -> None:
    from caremarket.directory.search import rebuild_index

    run("cqc-hsca", HSCA)
    from_the_sync = indexed()
    rebuild_index()
    assert from_the_sync == indexed() and len(from_the_sync) == 5


def test_a_reimport_with_one_changed_row_rewrites_that_listing_and_its_index_only(
    tmp_path: Path,
) -> None:
    from caremarket.directory.search import rebuild_index

    run("cqc-hsca", HSCA)
    before = dict(Service.objects.values_list("pk", "modified"))
    index_before = indexed()
    renamed = variant(
        HSCA, tmp_path / "renamed.csv", rows=edit(2, {"Location Name": "Willow Homecare"})
    )
    report = run("cqc-hsca", renamed)
    assert (report.rows_written, report.rows_unchanged) == (1, 4)
    changed = listing("1-101000003")
    after = dict(Service.objects.values_list("pk", "modified"))
    assert {pk for pk in after if after[pk] != before[pk]} == {changed.pk}
    assert changed.name == changed.locations.get().name == "Willow Homecare"
    assert changed.import_run == report.run
    index_after = {row[0]: row for row in indexed()}
    moved = {k: v for k, v in index_after.items() if v not in index_before}
    assert [row[4] for row in moved.values()] == ["Willow Homecare"]
    assert "willow" in next(iter(moved.values()))[1]
    assert len(index_after) == len(index_before)
    rebuild_index()
    assert indexed() == set(index_after.values())
