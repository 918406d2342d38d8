"""`caremarket import oruk FILE --council CODE`: a council's existing directory as an ORUK feed.

Accepted shape (UTF-8 JSON, at most `MAX_BYTES`), the Open Referral UK 3.0 `service`
(`service_with_definitions.json`) as an API or a directory export serves it:

- the top level is a list of service objects, or one page of `GET /services`, i.e. an
  object whose `contents` is that list (other page keys are ignored);
- each service needs `id` (any string up to 200 characters: the feed's own id, kept as
  `Service.source_id`), `name` and an `organization` object with a `name`. Everything else is
  optional: `description`, `status` (active / inactive / defunct / temporarily closed),
  `url`, `email`, `minimum_age`, `maximum_age`, `assured_date` (YYYY-MM-DD: last reviewed),
  `fees` / `fees_description`, `application_process`, `service_areas[]` (`name`,
  `service_area`, `extent`), `languages[]` (`name` or `code`), `cost_options[]` (`option`,
  `amount`, `amount_description`), `contacts[]` (`name`, `email`, `phones[].number`),
  `phones[].number`, `schedules[]`, `attributes[].taxonomy_term` and `taxonomy_terms[]`
  (`name`, `code`, `term`), and `service_at_locations[]` whose `location` has `name`,
  `latitude`, `longitude`, `addresses[]` (`address_1`, `address_2`, `city`, `postal_code`),
  `accessibility[]` (`description`, `details`) and `schedules[]`;
- a schedule has `byday` ("MO,WE" or, monthly, "1TU"), `opens_at` and `closes_at`
  ("09:30" or "09:30:00") and optional `description` / `notes`; one opening per day is stored.
  A schedule at service level with a `service_at_location_id` belongs to that location; the
  same session listed both there and under the location is stored once.
- a location needs at least a name, an address line, a postcode or coordinates; coordinates
  must lie in the UK (latitude 49–61, longitude −9–2.5) and, when missing, come from the
  postcode table (`caremarket import onspd`).

How fields become ours: `organization` is matched by name within the council (created if
new); a cost option of amount 0 or with "free" in its `option` is free, any other a charge,
and its words go to the cost detail; `application_process` is the how-to-get-it text, read
as "needs an assessment" when it says assessment and "needs a referral" when it says
referral (and not self-referral); the kind of a new listing follows its first category
(carers' support, day opportunity, equipment, telecare, transport, advice, community group)
or is "other". caremarket's own export (`/api/v1/oruk/services?full=true`) reads back exactly:
its cost and access wording map straight to the kinds, and the service area that is the
importing council itself is dropped.

Bad records are bad rows: the "line" is the record's position in the list counting from 1,
the "column" the JSON path inside the record (`service_at_locations[0].location.latitude`).
Malformed JSON, another top-level shape, another encoding or a file over the size limit is
refused as a whole.

Taxonomy terms are matched to the needs taxonomy by code, name or one of its residents'
words (case-insensitive); a term that matches nothing is a warning, not a bad record.

Re-importing is keyed on (council, feed id). The feed is the source of truth for what it
carries: a re-import overwrites the name, description, status, organisation, ages, areas,
cost, languages, contact details, review date, categories, locations and opening times with
the feed's values (an edit made in caremarket to those fields is replaced by the next import
that differs), and the kind when the feed states it (an attribute in the taxonomy "caremarket
service kinds", code = the kind). Otherwise the kind (guessed from the categories on first
import), client groups and
everything a feed has no field for are set once and kept. Services missing from a later feed
are left as they are (a feed may be one page). An unchanged record changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from caremarket.directory.models import (
    REVIEW_INTERVAL,
    Organization,
    Schedule,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)
from caremarket.imports.framework import Importer, ImportRefused, Parsed, RowError, open_text
from caremarket.imports.importers.onspd import normal_postcode
from caremarket.imports.models import ImportRun
from caremarket.places.models import Postcode

#: A feed larger than this is refused: the whole file is parsed in memory (about ten times
#: its size), and 50 MB is some 20,000 fully nested services. Split a bigger feed by page.
MAX_BYTES = 50 * 1024 * 1024

STATUSES = set(Service.Status.values)
BYDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
DAY_TOKEN = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")

#: Need category → the kind a new listing gets when the feed files it there (first wins).
KIND_BY_CATEGORY: tuple[tuple[str, str], ...] = (
    ("carers-support", Service.Kind.CARERS_SUPPORT),
    ("day-opportunities", Service.Kind.DAY_OPPORTUNITY),
    ("equipment-and-adaptations", Service.Kind.EQUIPMENT),
    ("telecare", Service.Kind.TELECARE),
    ("getting-out-and-about", Service.Kind.TRANSPORT),
    ("money-and-benefits", Service.Kind.ADVICE),
    ("social-groups", Service.Kind.COMMUNITY_GROUP),
)

#: The taxonomy a feed names a service's kind in (`code` = one of `Service.Kind`'s values):
#: when given, the feed's kind is used and kept in step on re-import, not guessed.
KIND_TAXONOMY = "caremarket service kinds"

#: Cost option wording caremarket publishes → the cost kind, so an export reads back exactly.
COST_BY_LABEL = {str(label).lower(): value for value, label in Service.Cost.choices}

ACCESS_BY_LABEL = {str(label).lower(): value for value, label in Service.Access.choices}

_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


class Bad(Exception):
    """One problem in a record, at a JSON path."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Reader:
    """Typed getters over one record that raise `Bad` naming the JSON path."""

    def __init__(self, problems: list[Bad]) -> None:
        self.problems = problems

    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise Bad(path, f"must be an object, not {type(data).__name__}")
        return data

    def objects(self, entries: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
        """The entries that are objects; each one that is not is a problem at its path."""
        for path, raw in entries:
            if isinstance(raw, dict):
                yield path, raw
            else:
                self.problems.append(Bad(path, f"must be an object, not {type(raw).__name__}"))

    def items(self, data: dict[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        value = data.get(key)
        if value is None:
            return []
        where = _join(path, key)
        if not isinstance(value, list):
            self.problems.append(Bad(where, "must be a list"))
            return []
        return [(_join(where, i), item) for i, item in enumerate(value)]

    def text(
        self, data: dict[str, Any], key: str, path: str, limit: int, required: bool = False
    ) -> str:
        value = data.get(key)
        where = _join(path, key)
        if value is None or value == "":
            if required:
                self.problems.append(Bad(where, "missing"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problems.append(Bad(where, "must be text"))
            return ""
        value = str(value).strip()
        if "\x00" in value:
            self.problems.append(Bad(where, "contains a NUL byte (0x00)"))
            return ""
        if len(value) > limit:
            self.problems.append(Bad(where, f"longer than {limit} characters"))
            return ""
        if required and not value:
            self.problems.append(Bad(where, "missing"))
        return value

    def number(
        self, data: dict[str, Any], key: str, path: str, low: float, high: float
    ) -> float | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        where = _join(path, key)
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                self.problems.append(Bad(where, f"not a number: {value[:20]!r}"))
                return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(Bad(where, "must be a number"))
            return None
        if not low <= value <= high:
            self.problems.append(Bad(where, f"must be between {low:g} and {high:g}"))
            return None
        return float(value)

    def day(self, data: dict[str, Any], key: str, path: str) -> date | None:
        value = self.text(data, key, path, 40)
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.problems.append(Bad(_join(path, key), f"not a date: {value[:20]!r}"))
            return None

    def clock(self, data: dict[str, Any], key: str, path: str) -> time | None:
        value = self.text(data, key, path, 40)
        if not value:
            return None
        try:
            return time.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            self.problems.append(Bad(_join(path, key), f"not a time: {value[:20]!r} (HH:MM)"))
            return None

    def checked(self, value: str, path: str, validator: Any, what: str) -> str:
        if not value:
            return ""
        try:
            validator(value)
        except ValidationError:
            self.problems.append(Bad(path, f"not {what}: {value[:40]!r}"))
            return ""
        return value


def _match_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class TaxonomyMatcher:
    """Feed term (code, name or a resident's word) → our need category code."""

    def __init__(self) -> None:
        self.by_key: dict[str, str] = {}
        for term in TaxonomyTerm.objects.all():
            for word in (term.code, term.name, *term.synonyms):
                self.by_key.setdefault(_match_key(str(word)), term.code)

    def match(self, term: dict[str, Any]) -> str | None:
        for key in ("code", "term", "name"):
            value = term.get(key)
            if isinstance(value, str) and _match_key(value) in self.by_key:
                return self.by_key[_match_key(value)]
        return None


def _schedules(
    reader: Reader, entries: list[tuple[str, Any]]
) -> list[tuple[str | None, dict[str, Any]]]:
    """(service_at_location id or None, stored schedule values) per weekday of each entry."""
    out: list[tuple[str | None, dict[str, Any]]] = []
    for path, entry in reader.objects(entries):
        byday = reader.text(entry, "byday", path, 100)
        opens = reader.clock(entry, "opens_at", path)
        closes = reader.clock(entry, "closes_at", path)
        note = reader.text(entry, "description", path, 2000) or reader.text(
            entry, "notes", path, 2000
        )
        if opens and closes and closes < opens:
            reader.problems.append(Bad(_join(path, "closes_at"), "is before opens_at"))
        if not byday:
            reader.problems.append(
                Bad(_join(path, "byday"), "missing: give the days, e.g. 'MO,WE'")
            )
            continue
        for token in byday.upper().replace(" ", "").split(","):
            match = DAY_TOKEN.match(token)
            if not match:
                reader.problems.append(
                    Bad(_join(path, "byday"), f"not a day: {token[:10]!r} (MO … SU, or 1TU)")
                )
                continue
            ordinal, day = match.groups()
            weekday = BYDAY[day]
            day_note = note
            if ordinal:
                number = int(ordinal)
                label = Schedule.Weekday(weekday).label
                when = f"{ORDINALS.get(number, ordinal)} {label} of the month"
                day_note = f"{when}. {note}" if note else when
            out.append(
                (
                    str(entry.get("service_at_location_id") or "") or None,
                    {
                        "weekday": weekday,
                        "opens_at": opens,
                        "closes_at": closes,
                        "note": day_note[:200],
                    },
                )
            )
    return out


def _location(reader: Reader, path: str, raw: Any) -> tuple[str, dict[str, Any], list[Any]]:
    """(feed service_at_location id, ServiceLocation values, its schedule entries)."""
    sal = reader.obj(raw, path)
    sal_id = reader.text(sal, "id", path, 200)
    where = _join(path, "location")
    loc = reader.obj(sal.get("location") or {}, where)
    addresses = reader.items(loc, "addresses", where)
    address: dict[str, Any] = {}
    address_path = _join(where, "addresses[0]")
    if addresses:
        address_path, first = addresses[0]
        address = reader.obj(first, address_path)
    lines = [
        reader.text(address, key, address_path, 200)
        for key in ("address_1", "address_2", "address_3", "address_4")
    ]
    postcode_text = reader.text(address, "postal_code", address_path, 20)
    postcode = normal_postcode(postcode_text) if postcode_text else ""
    if postcode is None:
        reader.problems.append(
            Bad(_join(address_path, "postal_code"), f"not a postcode: {postcode_text!r}")
        )
        postcode = ""
    latitude = reader.number(loc, "latitude", where, 49.0, 61.0)
    longitude = reader.number(loc, "longitude", where, -9.0, 2.5)
    if (loc.get("latitude") is None) != (loc.get("longitude") is None):
        reader.problems.append(Bad(where, "has a latitude or a longitude but not both"))
    if latitude is None or longitude is None:
        latitude = longitude = None
    accessibility = []
    for acc_path, acc_raw in reader.items(loc, "accessibility", where):
        acc = reader.obj(acc_raw, acc_path)
        words = reader.text(acc, "description", acc_path, 2000) or reader.text(
            acc, "accessibility", acc_path, 2000
        )
        details = reader.text(acc, "details", acc_path, 2000)
        accessibility.append(" ".join(w for w in (words, details) if w))
    name = reader.text(loc, "name", where, 300) or reader.text(sal, "name", path, 300)
    if not (name or any(lines) or postcode or latitude is not None):
        reader.problems.append(Bad(where, "has no name, address, postcode or coordinates"))
    values = {
        "name": name,
        "address": ", ".join(line for line in lines if line)[:500],
        "town": reader.text(address, "city", address_path, 100),
        "postcode": postcode,
        "latitude": latitude,
        "longitude": longitude,
        "accessibility": "\n".join(a for a in accessibility if a),
    }
    schedules = [
        *reader.items(sal, "schedules", path),
        *reader.items(loc, "schedules", where),
    ]
    return sal_id, values, schedules


def parse_service(
    record: Any, matcher: TaxonomyMatcher, council_code: str = ""
) -> tuple[dict[str, Any], list[Bad], list[str]]:
    """One feed service → the values to store, its problems and its warnings.

    A service area that is the importing council itself (`extent_type` "ons_code" with its
    code, as caremarket publishes it) says nothing the council does not: it is left out.
    """
    problems: list[Bad] = []
    warnings: list[str] = []
    reader = Reader(problems)
    try:
        service = reader.obj(record, "")
    except Bad as bad:
        return {}, [Bad("", bad.reason)], []
    source_id = reader.text(service, "id", "", 200, required=True)
    name = reader.text(service, "name", "", 300, required=True)
    status = reader.text(service, "status", "", 40).lower() or Service.Status.ACTIVE
    if status not in STATUSES:
        problems.append(Bad("status", f"unknown status {status[:30]!r}; use {sorted(STATUSES)}"))
    organization: dict[str, Any] = {}
    if not isinstance(service.get("organization"), dict):
        problems.append(Bad("organization", "missing: each service needs its organization"))
    else:
        org = service["organization"]
        organization = {
            "name": reader.text(org, "name", "organization", 300, required=True),
            "description": reader.text(org, "description", "organization", 10000),
            "email": reader.checked(
                reader.text(org, "email", "organization", 254),
                "organization.email",
                _email,
                "an email address",
            ),
            "url": reader.checked(
                reader.text(org, "website", "organization", 300),
                "organization.website",
                _url,
                "a web address",
            ),
        }
    age_min = reader.number(service, "minimum_age", "", 0, 150)
    age_max = reader.number(service, "maximum_age", "", 0, 150)
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.append(Bad("maximum_age", "is below minimum_age"))

    areas = []
    for path, area in reader.objects(reader.items(service, "service_areas", "")):
        own = area.get("extent_type") == "ons_code" and str(area.get("extent", "")).strip()
        if council_code and own == council_code:
            continue
        areas.append(
            reader.text(area, "name", path, 500)
            or reader.text(area, "service_area", path, 500)
            or reader.text(area, "extent", path, 500)
        )
    languages: list[str] = []
    named = (
        (path, {"name": raw} if isinstance(raw, str) else raw)
        for path, raw in reader.items(service, "languages", "")
    )
    for path, language in reader.objects(named):
        word = reader.text(language, "name", path, 100) or reader.text(language, "code", path, 20)
        if word and word not in languages:
            languages.append(word)

    costs: list[str] = []
    details: list[str] = []
    for path, option in reader.objects(reader.items(service, "cost_options", "")):
        amount = reader.number(option, "amount", path, 0, 1_000_000)
        label = reader.text(option, "option", path, 500)
        about = reader.text(option, "amount_description", path, 5000)
        cost = COST_BY_LABEL.get(label.lower(), "")
        if cost:
            label = ""  # our own wording (caremarket's export): the kind says it all
        elif amount == 0 or "free" in label.lower():
            cost = Service.Cost.FREE
        else:
            cost = Service.Cost.CHARGE
        if cost not in costs:
            costs.append(cost)
        money = f"£{amount:,.2f}" if amount else ""
        detail = " ".join(w for w in (f"{label}:" if label else "", money, about) if w)
        if detail:
            details.append(detail)
    fees = reader.text(service, "fees_description", "", 5000) or reader.text(
        service, "fees", "", 5000
    )
    if fees and not any(fees in detail for detail in details):
        details.append(fees)
        if not costs:
            costs.append(Service.Cost.FREE if fees.lower().startswith("free") else "charge")

    email = reader.checked(reader.text(service, "email", "", 254), "email", _email, "an email")
    phones = reader.items(service, "phones", "")
    for path, contact in reader.objects(reader.items(service, "contacts", "")):
        email = email or reader.checked(
            reader.text(contact, "email", path, 254), _join(path, "email"), _email, "an email"
        )
        phones += reader.items(contact, "phones", path)
    phone = ""
    for path, raw in phones:
        if not isinstance(raw, dict):
            problems.append(Bad(path, "must be an object with a number"))
            continue
        phone = phone or reader.text(raw, "number", path, 40)

    categories: list[str] = []
    term_entries = [
        (path, raw.get("taxonomy_term") if isinstance(raw, dict) else raw)
        for path, raw in reader.items(service, "attributes", "")
    ] + reader.items(service, "taxonomy_terms", "")
    kind = ""
    for _path, term in reader.objects((path, raw) for path, raw in term_entries if raw is not None):
        if str(term.get("taxonomy", "")).strip().lower() == KIND_TAXONOMY:
            stated = str(term.get("code") or term.get("term") or "").strip()
            if stated in Service.Kind.values:
                kind = stated
            else:
                warnings.append(
                    f"service kind {stated[:40]!r} is not one of caremarket's; left out"
                )
            continue
        code = matcher.match(term)
        if code is None:
            label = next(
                (str(term[k]) for k in ("name", "term", "code") if isinstance(term.get(k), str)),
                "?",
            )
            warnings.append(f"taxonomy term {label[:60]!r} matches no need category; left out")
        elif code not in categories:
            categories.append(code)

    locations: list[dict[str, Any]] = []
    location_schedules: list[tuple[int, list[tuple[str, Any]]]] = []
    sal_index: dict[str, int] = {}
    for path, raw in reader.items(service, "service_at_locations", ""):
        try:
            sal_id, values, entries = _location(reader, path, raw)
        except Bad as bad:
            problems.append(bad)
            continue
        if sal_id:
            sal_index[sal_id] = len(locations)
        location_schedules.append((len(locations), entries))
        locations.append(values)
    schedules: list[dict[str, Any]] = []
    for sal_id, values in _schedules(reader, reader.items(service, "schedules", "")):
        index = sal_index.get(sal_id) if sal_id else None
        if sal_id and index is None:
            warnings.append(f"a schedule names service_at_location {sal_id[:40]!r}, not listed")
        schedules.append({**values, "location": index})
    for index, entries in location_schedules:
        for _, values in _schedules(reader, entries):
            schedules.append({**values, "location": index})
    # a feed may list a location's sessions both on the service and under the location
    unique = {tuple(sorted((k, str(v)) for k, v in s.items())): s for s in schedules}
    schedules = list(unique.values())

    application = reader.text(service, "application_process", "", 5000)
    lowered = application.lower()
    access = Service.Access.SELF_REFERRAL
    if lowered in ACCESS_BY_LABEL:  # caremarket's own wording: the kind, no extra words
        access, application = ACCESS_BY_LABEL[lowered], ""
    elif "assessment" in lowered:
        access = Service.Access.ASSESSMENT
    elif "referral" in lowered and "self" not in lowered:
        access = Service.Access.REFERRAL
    assured = reader.day(service, "assured_date", "")
    values = {
        "source_id": source_id,
        "organization": organization,
        "fields": {
            "name": name,
            "description": reader.text(service, "description", "", 20000),
            "status": status,
            "url": reader.checked(reader.text(service, "url", "", 300), "url", _url, "a URL"),
            "email": email,
            "phone": phone,
            "age_min": int(age_min) if age_min is not None else None,
            "age_max": int(age_max) if age_max is not None else None,
            "areas_served": "; ".join(a for a in areas if a)[:500],
            "how_to_access": application,
            "access": access,
            "costs": costs,
            "cost_detail": "\n".join(details),
            "languages": languages,
            "accessibility": "\n".join(
                sorted({loc["accessibility"] for loc in locations if loc["accessibility"]})
            ),
            "last_reviewed": assured,
            "review_due": assured + REVIEW_INTERVAL if assured else None,
            **({"kind": kind} if kind else {}),
        },
        "categories": sorted(categories),
        "locations": locations,
        "schedules": schedules,
    }
    return values, problems, warnings


class OrukImporter(Importer):
    """Services from an Open Referral UK 3.0 feed into one council's directory."""

    format = "oruk"
    publisher = "The council"
    dataset = "Open Referral UK directory feed"
    description = (
        "JSON: a list of ORUK 3.0 services (or a page {contents: [...]}) with organization, "
        "service_at_locations, schedules, taxonomy terms, cost_options, languages, contacts"
    )
    needs_council = True
    batch_size = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._records: list[Any] | None = None
        self._matcher: TaxonomyMatcher | None = None
        self._warnings: list[str] = []
        self._postcodes: dict[str, tuple[float, float] | None] = {}

    def _load(self, path: Path) -> list[Any]:
        if self._records is not None:
            return self._records
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportRefused(
                f"the file is {size / 1024 / 1024:.0f} MB; the largest ORUK feed accepted is "
                f"{MAX_BYTES // 1024 // 1024} MB: export it in pages and import each"
            )
        with open_text(path) as handle:
            try:
                data = json.load(handle)
            except json.JSONDecodeError as error:
                raise ImportRefused(
                    f"the file is not valid JSON (line {error.lineno}, column {error.colno}: "
                    f"{error.msg}); is it truncated?"
                ) from None
            except RecursionError:
                raise ImportRefused("the JSON is nested too deeply to be a services feed") from None
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            data = data["contents"]
        if not isinstance(data, list):
            found = "an object without contents" if isinstance(data, dict) else type(data).__name__
            raise ImportRefused(
                "the top level must be a list of services or a page with a 'contents' list, "
                f"not {found}"
            )
        if not data:
            raise ImportRefused("the file has no services: the list is empty (no rows)")
        self._records = data
        return data

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        records = self._load(path)
        if self._matcher is None:
            self._matcher = TaxonomyMatcher()
        seen: dict[str, int] = {}
        for number, record in enumerate(records, start=1):
            council = self.context.council
            values, problems, warnings = parse_service(
                record, self._matcher, council.code if council else ""
            )
            if problems:
                for bad in problems:
                    yield RowError(number, bad.path, bad.reason)
                continue
            if values["source_id"] in seen:
                yield RowError(number, "id", f"repeats record {seen[values['source_id']]}")
                continue
            seen[values["source_id"]] = number
            for warning in warnings:
                self._warnings.append(f"record {number}: {warning}")
            yield Parsed(number, values)

    def edition(self, path: Path) -> str:
        return ""

    def finish(self, run: ImportRun) -> list[str]:
        # read() ran twice (validate, then write): keep each warning once, in order
        return list(dict.fromkeys(self._warnings))

    def _coordinates(self, postcode: str) -> tuple[float, float] | None:
        if postcode not in self._postcodes:
            found = Postcode.objects.filter(postcode=postcode).values_list("latitude", "longitude")
            self._postcodes[postcode] = found[0] if found else None
        return self._postcodes[postcode]

    def _organization(self, values: dict[str, Any], run: ImportRun) -> Organization:
        council = self.context.council
        org = Organization.objects.filter(
            local_authority=council, name__iexact=values["name"]
        ).first()
        if org is None:
            return Organization.objects.create(local_authority=council, import_run=run, **values)
        changed = {k: v for k, v in values.items() if v and getattr(org, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(org, key, value)
            org.save()
        return org

    def write(self, row: Parsed, run: ImportRun) -> bool:
        values = row.values
        council = self.context.council
        fields = dict(values["fields"])
        organization = self._organization(values["organization"], run)
        locations = []
        for place in values["locations"]:
            place = dict(place)
            if place["latitude"] is None and place["postcode"]:
                found = self._coordinates(place["postcode"])
                if found:
                    place["latitude"], place["longitude"] = found
            locations.append(place)
        service = (
            Service.objects.filter(local_authority=council, source_id=values["source_id"])
            .select_related("organization")
            .first()
        )
        terms = {t.code: t for t in TaxonomyTerm.objects.filter(code__in=values["categories"])}
        if service is None:
            kind = fields.pop("kind", None) or next(
                (k for code, k in KIND_BY_CATEGORY if code in values["categories"]),
                Service.Kind.OTHER,
            )
            service = Service.objects.create(
                organization=organization,
                local_authority=council,
                source_id=values["source_id"],
                kind=kind,
                import_run=run,
                **fields,
            )
            service.categories.set(terms.values())
            self._replace_places(service, locations, values["schedules"])
            return True
        desired = _state(organization.pk, fields, values["categories"], locations, values)
        if _stored_state(service, list(fields)) == desired:
            return False
        for key, value in fields.items():
            setattr(service, key, value)
        service.organization = organization
        service.import_run = run
        service.save()
        service.categories.set(terms.values())
        self._replace_places(service, locations, values["schedules"])
        return True

    def _replace_places(
        self,
        service: Service,
        locations: list[dict[str, Any]],
        schedules: list[dict[str, Any]],
    ) -> None:
        """Update the service's locations in place (their ids stay stable) and opening times."""
        existing = sorted(service.locations.all(), key=_place_key)
        order = sorted(range(len(locations)), key=lambda i: _values_key(locations[i]))
        places: dict[int, ServiceLocation] = {}
        for position, index in enumerate(order):
            values = locations[index]
            if position < len(existing):
                place = existing[position]
                if any(getattr(place, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(place, key, value)
                    place.save()
            else:
                place = ServiceLocation.objects.create(service=service, **values)
            places[index] = place
        for extra in existing[len(locations) :]:
            extra.delete()
        service.schedules.all().delete()
        Schedule.objects.bulk_create(
            [
                Schedule(
                    service=service,
                    location=places[s["location"]] if s["location"] is not None else None,
                    weekday=s["weekday"],
                    opens_at=s["opens_at"],
                    closes_at=s["closes_at"],
                    note=s["note"],
                )
                for s in schedules
            ]
        )


PLACE_FIELDS = ("name", "address", "town", "postcode", "latitude", "longitude", "accessibility")


def _values_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple("" if values[k] is None else str(values[k]) for k in PLACE_FIELDS)


def _place_key(place: ServiceLocation) -> tuple[Any, ...]:
    return _values_key({k: getattr(place, k) for k in PLACE_FIELDS})


def _state(
    organization_id: Any,
    fields: dict[str, Any],
    categories: list[str],
    locations: list[dict[str, Any]],
    values: dict[str, Any],
) -> dict[str, Any]:
    """What a service looks like, comparable between the feed and the database."""
    return {
        "organization": organization_id,
        "fields": fields,
        "categories": sorted(categories),
        "locations": sorted(_values_key(v) for v in locations),
        "schedules": sorted(
            (
                _values_key(locations[s["location"]]) if s["location"] is not None else (),
                s["weekday"],
                str(s["opens_at"]),
                str(s["closes_at"]),
                s["note"],
            )
            for s in values["schedules"]
        ),
    }


def _stored_state(service: Service, field_names: list[str]) -> dict[str, Any]:
    places = {p.pk: p for p in service.locations.all()}
    return {
        "organization": service.organization_id,
        "fields": {k: getattr(service, k) for k in field_names},
        "categories": sorted(service.categories.values_list("code", flat=True)),
        "locations": sorted(_place_key(p) for p in places.values()),
        "schedules": sorted(
            (
                _place_key(places[s.location_id]) if s.location_id in places else (),
                s.weekday,
                str(s.opens_at),
                str(s.closes_at),
                s.note,
            )
            for s in service.schedules.all()
        ),
    }
