"""Every location on the CQC register is a directory listing, kept in step with each import.

A register import calls `sync_register_listings` in its `finish`. Only the
locations that import created, changed or deregistered are touched (plus any location that
has no listing yet), so a monthly re-import of an unchanged register costs one query.

The register owns what it publishes: the listing's name, kind, address, postcode, coordinates,
phone, website and council, and whether it is open (a deregistered location closes). The
council and the provider own everything else — the description, categories, who it is for,
cost, how to get it — which the first sync fills with sensible defaults from the register's
service types and bands and no later import changes.

Both CQC vocabularies are understood: the HSCA file's service types ("Care home service with
nursing", "Domiciliary care service") and the monthly directory's ("Nursing homes",
"Homecare agencies").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.models import Q
from django.utils import timezone

from caremarket.directory.models import (
    REVIEW_INTERVAL,
    Organization,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)
from caremarket.directory.search import index_loaded
from caremarket.imports.models import ImportRun
from caremarket.imports.sharing import Pace
from caremarket.market.models import Location, Provider

Kind = Service.Kind

#: A register service type (lower case, either vocabulary) → the listing's kind, first match
#: wins: a home registered for nursing and personal care is listed as nursing, an agency
#: registered for home care and supported living as home care (the broader offer).
KIND_BY_SERVICE_TYPE: tuple[tuple[str, str], ...] = (
    ("care home service with nursing", Kind.CARE_HOME_NURSING),
    ("nursing homes", Kind.CARE_HOME_NURSING),
    ("care home service without nursing", Kind.CARE_HOME),
    ("residential homes", Kind.CARE_HOME),
    ("extra care housing services", Kind.EXTRA_CARE),
    ("extra care housing", Kind.EXTRA_CARE),
    ("domiciliary care service", Kind.HOME_CARE),
    ("homecare agencies", Kind.HOME_CARE),
    ("supported living service", Kind.SUPPORTED_LIVING),
    ("supported living", Kind.SUPPORTED_LIVING),
    ("shared lives", Kind.SHARED_LIVES),
)

#: Need categories each kind is filed under when first listed.
CATEGORIES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.CARE_HOME_NURSING: ("housing-options", "personal-care"),
    Kind.CARE_HOME: ("housing-options", "personal-care"),
    Kind.EXTRA_CARE: ("housing-options", "help-at-home"),
    Kind.SUPPORTED_LIVING: ("housing-options", "help-at-home"),
    Kind.SHARED_LIVES: ("housing-options", "breaks-and-respite"),
    Kind.HOME_CARE: ("help-at-home", "personal-care"),
    Kind.OTHER_CQC: (),
}

#: Words in a register band or specialism (lower case) → client group and need category.
GROUP_BY_WORD: tuple[tuple[str, str, str | None], ...] = (
    ("dementia", Service.ClientGroup.DEMENTIA, "memory-problems"),
    ("older people", Service.ClientGroup.OLDER_PEOPLE, None),
    ("learning disabilit", Service.ClientGroup.LEARNING_DISABILITY, "learning-disabilities"),
    ("autis", Service.ClientGroup.AUTISM, "learning-disabilities"),
    ("physical disabilit", Service.ClientGroup.PHYSICAL_DISABILITY, None),
    ("mental health", Service.ClientGroup.MENTAL_HEALTH, "mental-health"),
    ("sensory", Service.ClientGroup.SENSORY, "sight-and-hearing"),
    ("substance misuse", Service.ClientGroup.SUBSTANCE_MISUSE, None),
    ("younger adults", Service.ClientGroup.YOUNGER_ADULTS, None),
)

#: The register fields a sync reads (and the search index's document of a new listing).
LOCATION_FIELDS = (
    "name", "also_known_as", "address", "postcode", "phone", "website", "latitude",
    "longitude", "local_authority", "provider", "service_types", "service_user_bands",
    "specialisms", "deregistered",
)  # fmt: skip

#: The fields of a listing the register owns (re-applied on every sync).
REGISTER_FIELDS = ("name", "kind", "local_authority", "phone", "url")


def kind_for(service_types: Sequence[str]) -> str:
    types = {str(t).strip().lower() for t in service_types}
    for service_type, kind in KIND_BY_SERVICE_TYPE:
        if service_type in types:
            return kind
    return Kind.OTHER_CQC


def groups_and_categories(location: Location, kind: str) -> tuple[list[str], list[str]]:
    """Client groups and need categories suggested by the register's bands and specialisms."""
    words = " | ".join(
        str(w).lower() for w in [*location.service_user_bands, *location.specialisms]
    )
    groups: list[str] = []
    categories = list(CATEGORIES_BY_KIND.get(kind, ()))
    for word, group, category in GROUP_BY_WORD:
        if word in words:
            groups.append(group)
            if category and category not in categories:
                categories.append(category)
    return groups, categories


def _website(text: str) -> str:
    text = text.strip()
    if not text or text.upper() == "NA":
        return ""
    return text if "://" in text else f"https://{text}"


def _register_values(location: Location) -> dict[str, object]:
    return {
        "name": location.name[:300],
        "kind": kind_for(location.service_types),
        "local_authority_id": location.local_authority_id,
        "phone": location.phone[:40],
        "url": _website(location.website)[:300],
    }


def _location_values(location: Location) -> dict[str, object]:
    return {
        "name": location.name[:300],
        "address": location.address[:500],
        "postcode": location.postcode,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


#: The most locations read, listed and indexed in one chunk.
SYNC_CHUNK_MOST = 2000


def sync_register_listings(
    run: ImportRun | None = None,
    pause: Callable[[], None] = lambda: None,
    pace: Pace | None = None,
) -> int:
    """Create or refresh the listings of the register locations `run` touched; return count.

    Without `run`, every location is synced (after the directory is first installed). `pause`
    is called after each chunk of locations (an import's `Context.checkpoint`), and `pace`
    (from the import's `Context.pace`) sizes the chunks to fit the import's slices on SQLite,
    so residents' saves get the write lock between them; without one, chunks are the largest.
    """
    pace = pace or Pace(None)
    locations = Location.objects.only(*LOCATION_FIELDS)
    if run is not None:
        locations = locations.filter(Q(import_run=run) | Q(directory_service__isnull=True))
    wanted = list(locations.order_by("pk").values_list("pk", flat=True))
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    count = start = 0
    while start < len(wanted):
        size = pace.batch_size(SYNC_CHUNK_MOST)
        began = time.monotonic()
        chunk = list(
            Location.objects.only(*LOCATION_FIELDS)
            .filter(pk__in=wanted[start : start + size])
            .order_by("pk")
        )
        count += _sync_chunk(chunk, run, terms)
        start += size
        pace.wrote(len(chunk), time.monotonic() - began)
        pause()
    return count


def _sync_chunk(
    locations: list[Location], run: ImportRun | None, terms: dict[str, TaxonomyTerm]
) -> int:
    existing = {
        s.cqc_location_id: s
        for s in Service.objects.filter(
            cqc_location__in=[location.pk for location in locations]
        ).prefetch_related("locations")
    }
    organizations = _organizations_for(locations)
    count = 0
    today = timezone.localdate()
    new_services: list[Service] = []
    new_places: list[ServiceLocation] = []
    categories: list[tuple[Service, list[str]]] = []
    for location in locations:
        service = existing.get(location.pk)
        status = Service.Status.DEFUNCT if location.deregistered else Service.Status.ACTIVE
        if service is None:
            if location.deregistered:
                continue
            values = _register_values(location)
            groups, codes = groups_and_categories(location, str(values["kind"]))
            service = Service(
                **values,
                organization=organizations[location.provider_id or 0],
                cqc_location=location,
                status=status,
                client_groups=groups,
                age_min=18,
                access=Service.Access.SELF_REFERRAL,
                costs=[Service.Cost.CHARGE, Service.Cost.COUNCIL_FUNDED],
                last_reviewed=today,
                review_due=today + REVIEW_INTERVAL,
                import_run=run,
            )
            place = ServiceLocation(service=service, **_location_values(location))
            # What search's `document` reads, to hand, so indexing needs no read-back.
            service._prefetched_objects_cache = {
                "categories": sorted(
                    (terms[code] for code in codes if code in terms),
                    key=lambda term: (term.position, term.name),  # the model's ordering
                ),
                "locations": [place],
            }
            new_services.append(service)
            new_places.append(place)
            categories.append((service, codes))
            count += 1
            continue
        changed = _refresh(service, location, status, run)
        count += changed
    Service.objects.bulk_create(new_services, batch_size=1000)
    ServiceLocation.objects.bulk_create(new_places, batch_size=1000)
    _file_under(
        [
            (service.pk, terms[code].pk)
            for service, codes in categories
            for code in codes
            if code in terms
        ]
    )
    # bulk_create sends no signals: the new listings are indexed for search here.
    index_loaded(new_services)
    return count


def _file_under(pairs: list[tuple[object, int]]) -> None:
    """Insert (service, need category) rows into the categories table in one statement per
    batch: a two-column row needs neither a model instance nor Django's SQL compiler (which
    cost more than the insert itself)."""
    if not pairs:
        return
    through = Service.categories.through
    connection = connections[router.db_for_write(through)]
    service_field = through._meta.get_field("service")
    term_field = through._meta.get_field("taxonomyterm")
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(through._meta.db_table)} "  # noqa: S608 - names from the model
        f"({quote(service_field.column)}, {quote(term_field.column)}) VALUES (%s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    service_field.get_db_prep_save(service, connection),
                    term_field.get_db_prep_save(term, connection),
                )
                for service, term in pairs
            ],
        )


def _refresh(service: Service, location: Location, status: str, run: ImportRun | None) -> int:
    """Re-apply what the register owns; return 1 if anything changed."""
    values = _register_values(location)
    changed = [k for k, v in values.items() if getattr(service, k) != v]
    if service.status in (Service.Status.ACTIVE, Service.Status.DEFUNCT) and (
        service.status != status
    ):
        changed.append("status")
        values["status"] = status
    places = list(service.locations.all())
    place_values = _location_values(location)
    if places:
        place = places[0]
        place_changed = [k for k, v in place_values.items() if getattr(place, k) != v]
        if place_changed:
            for k in place_changed:
                setattr(place, k, place_values[k])
            place.save(update_fields=place_changed)
            changed.append("location")
    else:
        ServiceLocation.objects.create(service=service, **place_values)
        changed.append("location")
    if not changed:
        return 0
    for k in changed:
        if k in values:
            setattr(service, k, values[k])
    service.import_run = run
    service.save(update_fields=[k for k in changed if k in values] + ["import_run", "modified"])
    return 1


def _organizations_for(locations: list[Location]) -> dict[int, Organization]:
    """The directory organisation of each provider (created once); 0 → one for unknown."""
    provider_ids = {location.provider_id for location in locations}
    found = {
        o.cqc_provider_id: o
        for o in Organization.objects.filter(cqc_provider_id__in=[p for p in provider_ids if p])
    }
    missing = [p for p in Provider.objects.filter(pk__in=provider_ids) if p.pk not in found]
    created = Organization.objects.bulk_create(
        [Organization(name=p.name[:300], cqc_provider=p) for p in missing], batch_size=1000
    )
    found.update({o.cqc_provider_id: o for o in created})
    if None in provider_ids:
        unknown, _ = Organization.objects.get_or_create(
            cqc_provider=None,
            local_authority=None,
            name="Provider not named on the CQC register",
        )
        found[0] = unknown
    return {k or 0: v for k, v in found.items()}
