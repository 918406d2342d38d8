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
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db.models import Q
from django.utils import timezone

from caremarket.directory.models import (
    REVIEW_INTERVAL,
    Organization,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)
from caremarket.directory.search import index_loaded, index_services
from caremarket.imports.bulk import Table
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


@dataclass(slots=True)
class RegisterRow:
    """A location's `LOCATION_FIELDS` as a sync reads them in bulk (foreign keys as ids)."""

    pk: int
    name: str
    also_known_as: str
    address: str
    postcode: str
    phone: str
    website: str
    latitude: float | None
    longitude: float | None
    local_authority_id: int | None
    provider_id: int | None
    service_types: list[str]
    service_user_bands: list[str]
    specialisms: list[str]
    deregistered: bool


#: `RegisterRow`'s columns, in its order.
REGISTER_COLUMNS = tuple(
    f"{name}_id" if name in ("local_authority", "provider") else name for name in LOCATION_FIELDS
)


def groups_and_categories(
    location: RegisterRow | Location, kind: str
) -> tuple[list[str], list[str]]:
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


def _register_values(location: RegisterRow) -> dict[str, Any]:
    return {
        "name": location.name[:300],
        "kind": kind_for(location.service_types),
        "local_authority_id": location.local_authority_id,
        "phone": location.phone[:40],
        "url": _website(location.website)[:300],
    }


def _location_values(location: RegisterRow) -> dict[str, Any]:
    return {
        "name": location.name[:300],
        "address": location.address[:500],
        "postcode": location.postcode,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


#: The most locations read, listed and indexed in one chunk.
SYNC_CHUNK_MOST = 2000
#: Providers' organisations looked up or created at a time.
LOOKUP_CHUNK = 2000

SERVICE_COLUMNS = (
    "id", "name", "kind", "local_authority_id", "phone", "url", "organization_id",
    "cqc_location_id", "status", "client_groups", "age_min", "access", "costs",
    "last_reviewed", "review_due", "import_run_id",
)  # fmt: skip
PLACE_COLUMNS = ("service_id", "name", "address", "postcode", "latitude", "longitude")
KIND_LABELS = dict(Kind.choices)


class _Related(list[Any]):
    """A list answering `.all()`, as a prefetched relation does."""

    def all(self) -> list[Any]:
        return self


class _NewListing:
    """A new register listing as the search index reads it (`search.document`), made of the
    values in hand: building 50,000 model instances only to index them cost more than
    writing them."""

    description = ""
    areas_served = ""
    languages: tuple[str, ...] = ()

    def __init__(
        self,
        values: dict[str, Any],
        organization: str,
        categories: list[TaxonomyTerm],
        register: RegisterRow,
    ) -> None:
        self.pk = values["id"]
        self.name = values["name"]
        self.kind = values["kind"]
        self.client_groups = values["client_groups"]
        self.organization = SimpleNamespace(name=organization)
        self.categories = _Related(categories)
        self.locations = _Related([SimpleNamespace(town="", **_location_values(register))])
        self.cqc_location = register
        self.cqc_location_id = register.pk

    def get_kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


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
    Providers' organisations are found (or made) once for the whole sync.
    """
    pace = pace or Pace(None)
    locations = Location.objects.all()
    if run is not None:
        locations = locations.filter(Q(import_run=run) | Q(directory_service__isnull=True))
    wanted = list(locations.order_by("pk").values_list("pk", "provider_id", "directory_service"))
    if not wanted:
        return 0
    organizations = _organizations_for({provider for _, provider, _ in wanted})
    pause()
    ids = [pk for pk, _, _ in wanted]
    # Locations already listed: only their chunks need their listings read (none, the first
    # time a register is imported).
    listed = {pk for pk, _, service in wanted if service is not None}
    del wanted
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    count = start = 0
    while start < len(ids):
        size = pace.batch_size(SYNC_CHUNK_MOST)
        began = time.monotonic()
        chunk = ids[start : start + size]
        count += _sync_chunk(chunk, run, terms, organizations, listed)
        start += size
        pace.wrote(len(chunk), time.monotonic() - began)
        pause()
    return count


def _sync_chunk(
    ids: list[int],
    run: ImportRun | None,
    terms: dict[str, TaxonomyTerm],
    organizations: dict[int, tuple[Any, str]],
    listed: set[int],
) -> int:
    locations = [
        RegisterRow(*row)
        for row in Location.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", *REGISTER_COLUMNS)
    ]
    have = [pk for pk in ids if pk in listed]
    existing = {
        row[0]: dict(zip(("pk", "status", *REGISTER_VALUES), row[1:], strict=True))
        for row in (
            Service.objects.filter(cqc_location__in=have).values_list(
                "cqc_location_id", "pk", "status", *REGISTER_VALUES
            )
            if have
            else ()
        )
    }
    places: dict[Any, dict[str, Any]] = {}
    for row in (
        ServiceLocation.objects.filter(service__in=[s["pk"] for s in existing.values()])
        .order_by("service_id", "name", "pk")
        .values_list("service_id", "pk", *PLACE_COLUMNS[1:])
        if existing
        else ()
    ):
        places.setdefault(row[0], dict(zip(("pk", *PLACE_COLUMNS[1:]), row[1:], strict=True)))
    today = timezone.localdate()
    run_id = run.pk if run is not None else None
    new_services: list[list[Any]] = []
    new_places: list[list[Any]] = []
    categories: list[tuple[Any, Any]] = []
    listings: list[_NewListing] = []
    changes = _Changes(run_id)
    for location in locations:
        status = Service.Status.DEFUNCT if location.deregistered else Service.Status.ACTIVE
        service = existing.get(location.pk)
        if service is not None:
            changes.refresh(service, places.get(service["pk"]), location, status)
            continue
        if location.deregistered:
            continue
        values = _register_values(location)
        groups, codes = groups_and_categories(location, values["kind"])
        organization, organization_name = organizations[location.provider_id or 0]
        values.update(
            id=uuid.uuid4(),
            organization_id=organization,
            cqc_location_id=location.pk,
            status=status,
            client_groups=groups,
            age_min=18,
            access=Service.Access.SELF_REFERRAL,
            costs=[Service.Cost.CHARGE, Service.Cost.COUNCIL_FUNDED],
            last_reviewed=today,
            review_due=today + REVIEW_INTERVAL,
            import_run_id=run_id,
        )
        filed = [terms[code] for code in codes if code in terms]
        new_services.append([values[c] for c in SERVICE_COLUMNS])
        new_places.append([values["id"], *_location_values(location).values()])
        categories += [(values["id"], term.pk) for term in filed]
        # What search's `document` reads, to hand, so indexing needs no read-back; the
        # categories in the model's order.
        filed.sort(key=lambda term: (term.position, term.name))
        listings.append(_NewListing(values, organization_name, filed, location))
    Table(Service, SERVICE_COLUMNS).insert(new_services)
    Table(ServiceLocation, PLACE_COLUMNS).insert(new_places)
    Table(Service.categories.through, ("service", "taxonomyterm")).insert(categories)
    # Plain inserts send no signals: the new listings are indexed for search here, and the
    # refreshed ones once they are all written.
    index_loaded(listings)
    changes.write()
    return len(listings) + len(changes.services)


#: The fields of a listing the register owns, as stored (`_register_values`' keys).
REGISTER_VALUES = ("name", "kind", "local_authority_id", "phone", "url")


class _Changes:
    """The register's changes to listings already there, written together at the end of a
    chunk: each listing's changed columns (and its place's), grouped by which ones changed."""

    def __init__(self, run_id: int | None) -> None:
        self.run_id = run_id
        self.services: list[Any] = []
        self.service_rows: dict[tuple[str, ...], list[list[Any]]] = {}
        self.place_rows: dict[tuple[str, ...], list[list[Any]]] = {}
        self.new_places: list[list[Any]] = []

    def refresh(
        self,
        service: dict[str, Any],
        place: dict[str, Any] | None,
        location: RegisterRow,
        status: str,
    ) -> None:
        """Re-apply what the register owns to one listing, if anything differs."""
        values = _register_values(location)
        changed = [k for k, v in values.items() if service[k] != v]
        if service["status"] in (Service.Status.ACTIVE, Service.Status.DEFUNCT) and (
            service["status"] != status
        ):
            changed.append("status")
            values["status"] = status
        place_values = _location_values(location)
        if place is None:
            self.new_places.append([service["pk"], *place_values.values()])
            moved = True
        else:
            place_changed = tuple(k for k, v in place_values.items() if place[k] != v)
            if place_changed:
                self.place_rows.setdefault(place_changed, []).append(
                    [place["pk"], *(place_values[k] for k in place_changed)]
                )
            moved = bool(place_changed)
        if not changed and not moved:
            return
        self.services.append(service["pk"])
        self.service_rows.setdefault(tuple(changed), []).append(
            [service["pk"], *(values[k] for k in changed), self.run_id, timezone.now()]
        )

    def write(self) -> None:
        for columns, rows in self.place_rows.items():
            Table(ServiceLocation, ("id", *columns)).update(rows)
        Table(ServiceLocation, PLACE_COLUMNS).insert(self.new_places)
        for columns, rows in self.service_rows.items():
            Table(Service, ("id", *columns, "import_run_id", "modified")).update(rows)
        if self.services:
            index_services(self.services)


def _organizations_for(provider_ids: set[int | None]) -> dict[int, tuple[Any, str]]:
    """The directory organisation (key, name) of each provider, made for those without one;
    0 → the one for locations with no provider named."""
    wanted = sorted(p for p in provider_ids if p)
    found: dict[int, tuple[Any, str]] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.update(
            (provider, (pk, name))
            for provider, pk, name in Organization.objects.filter(
                cqc_provider__in=wanted[start : start + LOOKUP_CHUNK]
            ).values_list("cqc_provider_id", "pk", "name")
        )
    missing = [p for p in wanted if p not in found]
    new: list[list[Any]] = []
    for start in range(0, len(missing), LOOKUP_CHUNK):
        for provider, name in Provider.objects.filter(
            pk__in=missing[start : start + LOOKUP_CHUNK]
        ).values_list("pk", "name"):
            new.append([uuid.uuid4(), name[:300], provider])
            found[provider] = (new[-1][0], new[-1][1])
    Table(Organization, ("id", "name", "cqc_provider")).insert(new)
    if None in provider_ids:
        unknown, _ = Organization.objects.get_or_create(
            cqc_provider=None,
            local_authority=None,
            name="Provider not named on the CQC register",
        )
        found[0] = (unknown.pk, unknown.name)
    return found
