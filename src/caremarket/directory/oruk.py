"""The directory as Open Referral UK 3.0 JSON (the shapes in `openreferral_uk/schema/`).

Plain functions from our models to ORUK dicts, so the API (`directory/api.py`) and anything
else that publishes the directory (an export) say the same thing.

Choices where ORUK and our models differ:

- Every ORUK record needs a UUID. Our services, organisations, service_at_locations,
  locations, schedules and needs terms have their own; the records we derive (addresses,
  cost options, languages, contacts, phones, service areas, attributes, identifiers) get a
  UUID5 of their parent's id and their position, so they are stable between requests.
- A CQC-registered service takes its name, address, postcode and coordinates from the
  register (`market.Location`), as the directory pages do. Its registration and overall
  rating are published in `accreditations` (free text, with the date and the CQC link), as
  an attribute filed under the "CQC overall rating" taxonomy, and as the location's
  `external_identifier` (type "CQC location ID"); the provider's CQC id, Companies House and
  charity numbers are `organization_identifiers`.
- Cost: one cost option per cost kind (free, a charge, council funded, direct payments),
  the free text `cost_detail` as the charge's `amount_description` and as `fees`.
- Schedules: one weekly RRULE-style entry per opening (`freq` WEEKLY, `byday` MO … SU,
  `opens_at`/`closes_at`); the note ("1st Tuesday of the month") is the `description`.
  Sessions at a location carry its `service_at_location_id` and are also listed under it.
- The schemas name no phone or language fields beyond ids; we add HSDS 3.0's `phones`,
  `number`, `name` and `code`, and `application_process` (how to get the service: the
  council's words, else "Needs a referral" …) — the schemas allow extra properties.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from caremarket.directory.models import (
    Organization,
    Schedule,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)
from caremarket.directory.taxonomy import TAXONOMY_DESCRIPTION, TAXONOMY_ID, TAXONOMY_NAME

Json = dict[str, Any]

#: Namespace of the ids derived for records we do not store (addresses, cost options …).
NAMESPACE = uuid.UUID("5d8f8a2e-6f0b-4c53-9f4e-0e3c5b8a1d77")

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CQC_LOCATION_URL = "https://www.cqc.org.uk/location/{}"

#: The CQC's overall ratings as a second taxonomy, so a consumer can filter on them.
CQC_TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:cqc-overall-rating"))
CQC_TAXONOMY_NAME = "CQC overall rating"
CQC_TAXONOMY_DESCRIPTION = (
    "The Care Quality Commission's latest overall rating of a registered location, from the "
    "CQC register."
)
CQC_RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
CQC_RATING_TERM_IDS = {
    r: str(uuid.uuid5(NAMESPACE, f"cqc-rating:{r.lower()}")) for r in CQC_RATINGS
}


def derived_id(*parts: object) -> str:
    """A stable UUID for a record we build rather than store."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _iso(value: datetime | date | time | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return value.isoformat()


def _drop_empty(record: Json) -> Json:
    """Leave out optional values we do not have (an empty string is not a valid email/URI)."""
    return {k: v for k, v in record.items() if v is not None and v != ""}


def services_for_oruk(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything serialising a page of services needs, in a fixed number of queries."""
    return services.select_related(
        "organization",
        "organization__cqc_provider",
        "cqc_location",
        "local_authority",
    ).prefetch_related("categories", "locations", "schedules")


# --- Taxonomies ------------------------------------------------------------------------------


def needs_taxonomy(terms: Iterable[TaxonomyTerm] | None = None) -> Json:
    record: Json = {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "version": "1",
    }
    if terms is not None:
        record["taxonomy_terms"] = [taxonomy_term(t) for t in terms]
    return record


def cqc_taxonomy(with_terms: bool = False) -> Json:
    record: Json = {
        "id": CQC_TAXONOMY_ID,
        "name": CQC_TAXONOMY_NAME,
        "description": CQC_TAXONOMY_DESCRIPTION,
        "uri": "https://www.cqc.org.uk/about-us/how-we-do-our-job/ratings",
    }
    if with_terms:
        record["taxonomy_terms"] = [cqc_rating_term(r) for r in CQC_RATINGS]
    return record


def taxonomy_term(term: TaxonomyTerm) -> Json:
    return _drop_empty(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": TAXONOMY_ID,
            "term": term.name,
            "synonyms": list(term.synonyms) or None,
        }
    )


def cqc_rating_term(rating: str) -> Json:
    return {
        "id": CQC_RATING_TERM_IDS[rating],
        "code": rating.lower().replace(" ", "-"),
        "name": rating,
        "description": f"Rated '{rating}' overall by the Care Quality Commission.",
        "taxonomy": CQC_TAXONOMY_NAME,
        "taxonomy_id": CQC_TAXONOMY_ID,
        "term": rating,
    }


def rating_of(service: Service) -> str | None:
    """The CQC overall rating as one of `CQC_RATINGS` (any case in the register), or None."""
    location = service.cqc_location
    if location is None or not location.latest_rating:
        return None
    wanted = location.latest_rating.strip().lower()
    return next((r for r in CQC_RATINGS if r.lower() == wanted), None)


# --- Organisations ---------------------------------------------------------------------------


def organization_identifiers(org: Organization) -> list[Json]:
    found: list[tuple[str, str, str]] = []
    provider = org.cqc_provider
    if provider is not None:
        found.append(("GB-CQC", "CQC provider ID", provider.cqc_provider_id))
        if provider.companies_house_number:
            found.append(("GB-COH", "Company number", provider.companies_house_number))
    if org.charity_number:
        found.append(("GB-CHC", "Charity number", org.charity_number))
    return [
        {
            "id": derived_id("organization_identifier", org.id, scheme),
            "organization_id": str(org.id),
            "identifier_scheme": scheme,
            "identifier_type": kind,
            "identifier": value,
        }
        for scheme, kind, value in found
    ]


def organization(org: Organization, full: bool = False) -> Json:
    record = _drop_empty(
        {
            "id": str(org.id),
            "name": org.name,
            "description": org.description,
            "email": org.email,
            "website": org.url,
            "phone": org.phone,
        }
    )
    record.setdefault("description", "")
    if full:
        record["organization_identifiers"] = organization_identifiers(org)
    return record


# --- Services --------------------------------------------------------------------------------


def _display_name(service: Service) -> str:
    return service.cqc_location.name if service.cqc_location else service.name


def accreditations(service: Service) -> str | None:
    location = service.cqc_location
    if location is None:
        return None
    words = f"Registered with the Care Quality Commission (location {location.cqc_location_id})."
    if location.latest_rating:
        rated = location.latest_rating_date
        when = f", {rated.day} {rated:%B %Y}" if rated else ""
        words += f" Overall rating: {location.latest_rating}{when}."
    return f"{words} {CQC_LOCATION_URL.format(location.cqc_location_id)}"


def alert(service: Service) -> str | None:
    if service.is_lapsed and service.last_reviewed:
        return (
            f"This listing was last checked on {service.last_reviewed.isoformat()}; "
            "please check the details with the service."
        )
    return None


def service_basic(service: Service) -> Json:
    """A service's one-to-one fields and its organisation: an item of `GET /services`."""
    record = _drop_empty(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "name": _display_name(service),
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "fees": service.cost_detail,
            "accreditations": accreditations(service),
            "minimum_age": service.age_min,
            "maximum_age": service.age_max,
            "assured_date": _iso(service.last_reviewed),
            "alert": alert(service),
            "application_process": service.how_to_access or service.get_access_display(),
            "last_modified": _iso(service.modified),
        }
    )
    record["organization"] = organization(service.organization)
    return record


def service_minimal(service: Service) -> Json:
    """`minimal=true`: enough to decide whether to fetch the service again."""
    return {
        "id": str(service.id),
        "name": _display_name(service),
        "status": service.status,
        "last_modified": _iso(service.modified),
    }


def schedule(entry: Schedule) -> Json:
    return _drop_empty(
        {
            "id": str(entry.id),
            "service_id": str(entry.service_id),
            "service_at_location_id": str(entry.location_id) if entry.location_id else None,
            "freq": "WEEKLY",
            "interval": 1,
            "byday": BYDAY[entry.weekday],
            "opens_at": _iso(entry.opens_at),
            "closes_at": _iso(entry.closes_at),
            "description": entry.note,
        }
    )


def _place_values(service: Service, place: ServiceLocation, first: bool) -> Json:
    """Name, address and coordinates: the register's for a CQC service's own location."""
    location = service.cqc_location
    if location is not None and first:
        return {
            "name": location.name,
            "address": location.address,
            "town": place.town,
            "postcode": location.postcode,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    return {
        "name": place.name,
        "address": place.address,
        "town": place.town,
        "postcode": place.postcode,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def location(service: Service, place: ServiceLocation, first: bool) -> Json:
    values = _place_values(service, place, first)
    location_id = str(place.location_id)
    record = _drop_empty(
        {
            "id": location_id,
            "location_type": "physical",
            "name": values["name"] or _display_name(service),
            "latitude": values["latitude"],
            "longitude": values["longitude"],
        }
    )
    if service.cqc_location is not None and first:
        record["external_identifier"] = service.cqc_location.cqc_location_id
        record["external_identifier_type"] = "CQC location ID"
    if values["address"] or values["postcode"]:
        lines = [p.strip() for p in str(values["address"]).split(",") if p.strip()]
        town = values["town"] or (lines[-1] if len(lines) > 1 else "")
        record["addresses"] = [
            {
                "id": derived_id("address", location_id),
                "location_id": location_id,
                "address_1": ", ".join(lines) if lines else str(values["name"]),
                "city": town,
                "state_province": service.local_authority.name if service.local_authority else "",
                "postal_code": values["postcode"] or "",
                "country": "GB",
                "address_type": "physical",
            }
        ]
    if place.accessibility:
        record["accessibility"] = [
            {
                "id": derived_id("accessibility", location_id),
                "location_id": location_id,
                "description": place.accessibility,
            }
        ]
    return record


def _places(service: Service) -> list[ServiceLocation]:
    return sorted(service.locations.all(), key=lambda p: (p.name, str(p.id)))


def service_at_location(service: Service, place: ServiceLocation, first: bool) -> Json:
    record: Json = {
        "id": str(place.id),
        "service_id": str(service.id),
        "location_id": str(place.location_id),
        "location": location(service, place, first),
        "schedules": [schedule(s) for s in _sorted_schedules(service) if s.location_id == place.id],
    }
    return record


def _sorted_schedules(service: Service) -> list[Schedule]:
    return sorted(
        service.schedules.all(), key=lambda s: (s.weekday, s.opens_at or time(0), str(s.id))
    )


def cost_options(service: Service) -> list[Json]:
    labels = dict(Service.Cost.choices)
    options: list[Json] = []
    costs = [c for c in service.costs if c in labels]
    detail_given = False
    for code in costs:
        option: Json = {
            "id": derived_id("cost_option", service.id, code),
            "service_id": str(service.id),
            "option": labels[code],
        }
        if code == Service.Cost.FREE:
            option["amount"] = 0
        elif service.cost_detail and not detail_given:
            option["amount_description"] = service.cost_detail
            detail_given = True
        options.append(option)
    if service.cost_detail and not detail_given and not options:
        options.append(
            {
                "id": derived_id("cost_option", service.id, "detail"),
                "service_id": str(service.id),
                "option": "Cost",
                "amount_description": service.cost_detail,
            }
        )
    return options


def languages(service: Service) -> list[Json]:
    return [
        {
            "id": derived_id("language", service.id, name),
            "service_id": str(service.id),
            "name": name,
        }
        for name in service.languages
        if isinstance(name, str) and name
    ]


def _phone_number(service: Service) -> str:
    if service.phone:
        return service.phone
    return service.cqc_location.phone if service.cqc_location else ""


def phones(service: Service) -> list[Json]:
    number = _phone_number(service)
    if not number:
        return []
    return [{"id": derived_id("phone", service.id), "number": number}]


def contacts(service: Service) -> list[Json]:
    if not (service.email or _phone_number(service)):
        return []
    contact_id = derived_id("contact", service.id)
    return [
        _drop_empty(
            {
                "id": contact_id,
                "service_id": str(service.id),
                "name": _display_name(service),
                "email": service.email,
                "phones": [{**p, "contact_id": contact_id} for p in phones(service)] or None,
            }
        )
    ]


def service_areas(service: Service) -> list[Json]:
    areas: list[Json] = []
    if service.areas_served:
        areas.append(
            {
                "id": derived_id("service_area", service.id, "served"),
                "service_id": str(service.id),
                "name": service.areas_served,
                "service_area": service.areas_served,
            }
        )
    council = service.local_authority
    if council is not None:
        areas.append(
            {
                "id": derived_id("service_area", service.id, council.code),
                "service_id": str(service.id),
                "name": council.name,
                "extent_type": "ons_code",
                "extent": council.code,
                "uri": f"http://statistics.data.gov.uk/id/statistical-geography/{council.code}",
            }
        )
    return areas


def attributes(service: Service) -> list[Json]:
    found = [
        {
            "id": derived_id("attribute", service.id, term.id),
            "link_id": str(service.id),
            "link_type": "service",
            "taxonomy_term_id": str(term.id),
            "taxonomy_term": taxonomy_term(term),
        }
        for term in sorted(service.categories.all(), key=lambda t: (t.position, t.name))
    ]
    rating = rating_of(service)
    if rating is not None:
        term = cqc_rating_term(rating)
        found.append(
            {
                "id": derived_id("attribute", service.id, term["id"]),
                "link_id": str(service.id),
                "link_type": "cqc_rating",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        )
    return found


def service_full(service: Service) -> Json:
    """A fully nested service: `GET /services/{id}` and `full=true`."""
    record = service_basic(service)
    record["organization"] = organization(service.organization, full=True)
    places = _places(service)
    record.update(
        {
            "schedules": [schedule(s) for s in _sorted_schedules(service)],
            "service_areas": service_areas(service),
            "service_at_locations": [
                service_at_location(service, place, i == 0) for i, place in enumerate(places)
            ],
            "languages": languages(service),
            "cost_options": cost_options(service),
            "contacts": contacts(service),
            "phones": phones(service),
            "attributes": attributes(service),
            "funding": [],
        }
    )
    return record


def service_at_location_item(place: ServiceLocation, full: bool = False) -> Json:
    """An item of `GET /service_at_locations`: the link, its location and its service (fully
    nested with `full`, as `GET /service_at_locations/{id}` always is)."""
    service = place.service
    first = _places(service)[0].id == place.id if service.cqc_location_id else False
    record = service_at_location(service, place, first)
    record["service"] = service_full(service) if full else service_basic(service)
    return record
