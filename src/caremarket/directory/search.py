"""Directory search: full text, needs, place and distance, filters, one page of results.

The text index lives in tables that migration 0002 creates per database (FTS5 on SQLite,
a GIN-indexed tsvector on PostgreSQL); this module is the only code that touches them. Saving
a service, its organisation, its categories or its locations re-indexes it (the receivers at
the bottom, connected in `apps.py`); code that writes services in bulk (`bulk_create`) calls
`index_services` or `rebuild_index` afterwards.

How a search runs, so it stays fast at 100,000 services:
1. Filters become one queryset of listed services (needs, client group, age, cost, rating,
   vacancies, weekday, language, council).
2. Words: a misspelt word also searches the nearest name word (`rules.directory.closest_word`
   against the few vocabulary words with the same first letter and a similar length). All
   words must match; when none do, any word may (and the page says so).
3. With a place: one index query finds the services filed under the grid cells around it
   that have the words and any of the needs (`located_near`), their places come from the
   location index, the exact distance in miles keeps those within the radius, and only then
   are the other filters checked, for those few services. Nearest first; services with no
   located address that belong to the place's council follow, as "covers <council>".
4. Without a place: the full-text index drives a join to the filtered services, ranked
   (names above the rest) and counted in the same query; without words, by name.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.text import slugify

from caremarket.directory.models import (
    Organization,
    Schedule,
    Service,
    ServiceLocation,
)
from caremarket.market.models import BED_TYPES, CapacitySnapshot
from caremarket.places.models import Area, LocalAuthority, Postcode
from caremarket.rules.directory import (
    VACANCY_FRESH_DAYS,
    PostcodeKind,
    VacancyStatus,
    bounding_box,
    cells_covering,
    closest_word,
    edit_distance,
    max_typo_distance,
    miles_between,
    need_token,
    normalise_postcode,
    place_tokens,
    postcode_kind,
    query_words,
    vacancy_status,
    words,
)

PER_PAGE = 20
RADIUS_CHOICES = (1, 3, 5, 10, 25, 50)
DEFAULT_RADIUS = 10
CQC_RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")


# --- Places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a resident searched from. No coordinates means a council with no postcodes held:
    its own services are listed without distances.

    `kind` says what the text matched (a postcode, an outward code, a ward, a locality, a
    council) and `asked` is what was typed when it matched only with spelling tolerance or
    as the start of a name, so the page can say what it searched near."""

    label: str
    latitude: float | None
    longitude: float | None
    council: LocalAuthority | None
    kind: str = ""
    asked: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def description(self) -> str:
        """What the place is, in words: "the postcode district ST4", "Burslem Park ward"."""
        if self.kind == PlaceKind.OUTWARD:
            return f"the middle of the {self.label} postcode district"
        if self.kind == PlaceKind.WARD and self.council is not None:
            name = self.label.removesuffix(f", {self.council.name}")
            return f"the middle of {name} ward"
        if self.kind == PlaceKind.COUNCIL:
            return f"the middle of {self.label}"
        if self.kind in (PlaceKind.LOCALITY, PlaceKind.ZONE):
            return f"the middle of {self.label.partition(',')[0]}"
        return self.label


class PlaceKind:
    POSTCODE = "postcode"
    OUTWARD = "outward code"
    WARD = Area.Kind.WARD.value
    LOCALITY = Area.Kind.LOCALITY.value
    ZONE = Area.Kind.ZONE.value
    COUNCIL = "council"


class PlaceNotFound(ValueError):
    """The text is not a postcode, outward code, council or area we hold."""


def _council_for_code(code: str) -> LocalAuthority | None:
    return LocalAuthority.objects.for_code(code)


def _centroid(postcodes: QuerySet[Postcode]) -> tuple[float | None, float | None, str]:
    """Mean position of some postcodes and their most common council code."""
    point = postcodes.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    top = (
        postcodes.values("local_authority_code")
        .annotate(n=Count("id"))
        .order_by("-n", "local_authority_code")
        .first()
    )
    return point["lat"], point["lon"], top["local_authority_code"] if top else ""


def resolve_postcode(text: str) -> Place | None:
    """A full postcode's point, or an outward code's (its postcodes' centroid); None when the
    text is shaped like neither. Raises PlaceNotFound for a postcode we do not hold.

    Terminated postcodes still resolve: an old address is still a place.
    """
    kind = postcode_kind(text)
    if kind is PostcodeKind.FULL:
        postcode = normalise_postcode(text)
        row = Postcode.objects.filter(postcode=postcode).first()
        if row is None:
            raise PlaceNotFound(
                f"We could not find the postcode {postcode}. Check it, or enter a town or "
                "the first part of the postcode, like ST4"
            )
        return Place(
            postcode,
            row.latitude,
            row.longitude,
            _council_for_code(row.local_authority_code),
            PlaceKind.POSTCODE,
        )
    if kind is PostcodeKind.OUTWARD:
        outward = normalise_postcode(text)
        lat, lon, code = _centroid(Postcode.objects.filter(outward=outward))
        if lat is None or lon is None:
            raise PlaceNotFound(
                f"We could not find the postcode area {outward}. Check it, or enter a full "
                "postcode or a town"
            )
        return Place(outward, lat, lon, _council_for_code(code), PlaceKind.OUTWARD)
    return None


#: Which of several places with the same name is meant: a town before a council of that
#: name, before a ward (Burslem the town, not Burslem ward).
PLACE_PRIORITY = {
    PlaceKind.LOCALITY: 0,
    PlaceKind.COUNCIL: 1,
    PlaceKind.WARD: 2,
    PlaceKind.ZONE: 3,
}


def place_key(text: str) -> str:
    """Names compared loosely: 'Hanley Park, Joiner's Square & Shelton Ward' →
    'hanley park joiners square and shelton'."""
    key = " ".join(words(text.replace("&", " and ").replace("-", " ")))
    return key[: -len(" ward")] if key.endswith(" ward") else key


@dataclass(frozen=True)
class _Named:
    key: str
    kind: str
    name: str
    council: LocalAuthority
    area: Area | None


def _named_places(council_key: str = "") -> list[_Named]:
    """Every council and every area we can place (it has a centroid), by loose name."""
    councils = list(LocalAuthority.objects.all())
    if council_key:
        councils = [c for c in councils if place_key(c.name) == council_key] or councils
    by_pk = {c.pk: c for c in councils}
    found = [_Named(place_key(c.name), PlaceKind.COUNCIL, c.name, c, None) for c in councils]
    areas = Area.objects.filter(latitude__isnull=False, local_authority__in=councils)
    for area in areas.only("name", "kind", "latitude", "longitude", "local_authority"):
        council = by_pk[area.local_authority_id]
        found.append(_Named(place_key(area.name), area.kind, area.name, council, area))
    return found


def _best_named(text: str) -> tuple[_Named, bool] | None:
    """The place the text names: exactly, else as the start of a name, else within a spelling
    mistake or two; (place, True if not exact)."""
    name, _, within = text.partition(",")
    key = place_key(name)
    if not key:
        return None
    candidates = _named_places(place_key(within))

    def best(found: list[_Named]) -> _Named | None:
        return min(found, key=lambda n: (PLACE_PRIORITY[n.kind], n.name)) if found else None

    exact = best([n for n in candidates if n.key == key])
    if exact is not None:
        return exact, False
    starts = best([n for n in candidates if n.key.startswith(key + " ")])
    if starts is not None:
        return starts, True
    limit = max_typo_distance(key.replace(" ", ""))
    if not limit:
        return None
    scored = [
        (edit_distance(key, n.key, limit), PLACE_PRIORITY[n.kind], n.name, i)
        for i, n in enumerate(candidates)
        if abs(len(n.key) - len(key)) <= limit
    ]
    close = [s for s in scored if s[0] <= limit]
    if not close:
        return None
    return candidates[min(close)[3]], True


def resolve_place(text: str) -> Place:
    """A postcode, an outward code, a locality, a ward or a council (its name, or a name
    with a spelling mistake, or the start of one). Raises PlaceNotFound."""
    text = " ".join(text.split())[:100]
    place = resolve_postcode(text)
    if place is not None:
        return place
    slug = slugify(text)
    council = LocalAuthority.objects.filter(slug=slug).first() if slug else None
    found = (_Named("", PlaceKind.COUNCIL, council.name, council, None), False) if council else None
    found = found or _best_named(text)
    if found is None:
        raise PlaceNotFound(
            f"We could not find “{text[:60]}”. Enter a postcode, like ST4 1AA, the first part "
            "of one, like ST4, or the name of a town, ward or council"
        )
    named, loose = found
    asked = text if loose else ""
    if named.area is None:
        postcodes = Postcode.objects.filter(local_authority_code__in=named.council.all_codes)
        lat, lon, _ = _centroid(postcodes)
        return Place(named.name, lat, lon, named.council, PlaceKind.COUNCIL, asked)
    return Place(
        f"{named.name}, {named.council.name}",
        named.area.latitude,
        named.area.longitude,
        named.council,
        named.kind,
        asked,
    )


def suggest_places(text: str, limit: int = 10) -> list[str]:
    """Council and area names starting with the text, for the place box's suggestions."""
    text = " ".join(text.split())[:60]
    if len(text) < 2:
        return []
    names = list(
        LocalAuthority.objects.filter(name__istartswith=text)
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )
    areas = (
        Area.objects.filter(name__istartswith=text, latitude__isnull=False)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:limit]
    )
    for name in areas:
        if name not in names:
            names.append(name)
    return names[:limit]


# --- The query and its answer ------------------------------------------------------------------


@dataclass
class SearchQuery:
    """A validated search (the form in `views.py` builds it from the URL)."""

    text: str = ""
    categories: list[str] = field(default_factory=list)
    place: Place | None = None
    radius: float = DEFAULT_RADIUS
    client_group: str = ""
    age: int | None = None
    costs: list[str] = field(default_factory=list)
    ratings: list[str] = field(default_factory=list)
    has_vacancies: bool = False
    weekday: int | None = None
    language: str = ""
    council: LocalAuthority | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class Vacancies:
    status: VacancyStatus
    reported_on: date | None = None
    count: int | None = None


KIND_LABELS = dict(Service.Kind.choices)


@dataclass
class Result:
    service: Service
    miles: float | None = None
    covers: LocalAuthority | None = None
    vacancies: Vacancies = field(default_factory=lambda: Vacancies(VacancyStatus.UNKNOWN))
    #: A service of no council with no address: a national helpline or website.
    national: bool = False
    #: Set by the page: the service's page address, and whether it is on the shortlist.
    url: str = ""
    shortlisted: bool = False

    @property
    def lapsed(self) -> bool:
        return self.service.is_lapsed

    @property
    def kind(self) -> str:
        """What the service is, in words (as `get_kind_display`, without building its choices
        each time)."""
        return str(KIND_LABELS.get(self.service.kind, self.service.kind))

    @functools.cached_property
    def _addressed(self) -> list[ServiceLocation]:
        """The service's places with an address or postcode (prefetched), found once."""
        return [p for p in self.service.locations.all() if p.address or p.postcode]

    @property
    def place(self) -> ServiceLocation | None:
        """The first of the service's places with an address or postcode."""
        return self._addressed[0] if self._addressed else None

    @property
    def other_places(self) -> int:
        return max(0, len(self._addressed) - 1)

    @functools.cached_property
    def phone(self) -> str:
        register = self.service.cqc_location
        return (
            self.service.phone
            or self.service.organization.phone
            or (register.phone if register is not None else "")
        )


@dataclass
class SearchPage:
    results: list[Result]
    count: int
    page: int
    per_page: int
    place: Place | None = None
    #: misspelt word → the name word also searched for
    corrections: dict[str, str] = field(default_factory=dict)
    #: True when no service matched every word, so services matching any word are shown
    any_word: bool = False
    #: True when the page asked for was past the last one
    page_clamped: bool = False
    #: True when `count` is an estimate (a very broad search): "about 81,000"
    estimated: bool = False

    @property
    def count_text(self) -> str:
        return f"about {self.count:,}" if self.estimated else str(self.count)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.count else 0

    @property
    def last(self) -> int:
        return min(self.count, self.page * self.per_page)


# --- Filters -----------------------------------------------------------------------------------


def _json_list_has_any(
    services: QuerySet[Service], field_name: str, values: Iterable[str]
) -> QuerySet[Service]:
    """Services whose JSON list holds any of the values: `@>` on PostgreSQL (jsonb), the
    element's JSON text in the list's text on SQLite (no JSON containment there)."""
    values = list(values)
    if not values:
        return services
    condition = Q()
    if connections[services.db].vendor == "postgresql":
        for value in values:
            condition |= Q(**{f"{field_name}__contains": [value]})
        return services.filter(condition)
    alias = f"_{field_name}_text"
    for value in values:
        condition |= Q(**{f"{alias}__contains": json.dumps(value)})
    return services.alias(**{alias: Cast(field_name, TextField())}).filter(condition)


def _vacancy_total() -> Any:
    total: Any = Value(0)
    for bed_type in BED_TYPES:
        total = total + Coalesce(F(f"vacancies_{bed_type}"), Value(0))
    return total


def with_vacancies(services: QuerySet[Service], today: date) -> QuerySet[Service]:
    """Care homes whose latest report, at most 14 days old, had a vacancy."""
    latest = (
        CapacitySnapshot.objects.filter(
            cqc_location_id=OuterRef("cqc_location__cqc_location_id"),
            date__gte=today - timedelta(days=VACANCY_FRESH_DAYS),
            date__lte=today,
        )
        .order_by("-date")
        .annotate(total=_vacancy_total())
        .values("total")[:1]
    )
    return services.annotate(
        _latest_vacancies=Subquery(latest, output_field=IntegerField())
    ).filter(_latest_vacancies__gt=0)


def filtered(query: SearchQuery, today: date | None = None) -> QuerySet[Service]:
    """Listed services that pass every filter except words and place."""
    today = today or timezone.localdate()
    services = Service.objects.listed()
    if query.categories:
        # Asked per service (one index probe each), not as a list of every service in the
        # categories built for each search: a place's few thousand candidates are checked
        # in a fraction of the time.
        through = Service.categories.through
        services = services.filter(
            Exists(
                through.objects.filter(
                    service_id=OuterRef("pk"), taxonomyterm__code__in=query.categories
                )
            )
        )
    if query.client_group:
        services = _json_list_has_any(services, "client_groups", [query.client_group])
    if query.age is not None:
        services = services.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=query.age),
            Q(age_max__isnull=True) | Q(age_max__gte=query.age),
        )
    services = _json_list_has_any(services, "costs", query.costs)
    if query.ratings:
        services = services.filter(cqc_location__latest_rating__in=query.ratings)
    if query.has_vacancies:
        services = with_vacancies(services, today)
    if query.weekday is not None:
        services = services.filter(
            Exists(Schedule.objects.filter(service=OuterRef("pk"), weekday=query.weekday))
        )
    if query.language:
        services = _json_list_has_any(services, "languages", [query.language])
    if query.council is not None:
        services = services.filter(local_authority=query.council)
    return services


# --- Words -------------------------------------------------------------------------------------


def _vendor(using: str = "default") -> str:
    return connections[using].vendor


def corrections_for(terms: list[str], using: str = "default") -> dict[str, str]:
    """Misspelt word → nearest name word, for words that are in no service's name."""
    if not terms:
        return {}
    with connections[using].cursor() as cursor:
        marks = ", ".join(["%s"] * len(terms))
        cursor.execute(f"SELECT word FROM directory_searchword WHERE word IN ({marks})", terms)  # noqa: S608
        known = {row[0] for row in cursor.fetchall()}
        found: dict[str, str] = {}
        for term in terms:
            if term in known or len(term) < 5:
                continue
            cursor.execute(
                "SELECT word FROM directory_searchword "
                "WHERE initial = %s AND length BETWEEN %s AND %s",
                [term[0], len(term) - 2, len(term) + 2],
            )
            better = closest_word(term, (row[0] for row in cursor.fetchall()))
            if better:
                found[term] = better
    return found


#: Cache keys: the index's generation (bumped by every write to the index) and, per answer,
#: (generation, answer).
GENERATION_KEY = "directory-search:generation"


def _index_changed() -> None:
    """Every cached answer from the index is now stale (called by each write to it). The
    cache is the database's, shared by every server worker, and written in the writer's
    transaction."""
    if settings.SEARCH_CACHE_SECONDS:
        cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


def _remembered(kind: str, match: TextMatch, using: str, limit: int, compute: Any) -> Any:
    """`compute()`, or its answer for this expression from the cache while the index has not
    changed and at most `settings.SEARCH_CACHE_SECONDS` old: a broad search ("care") ranks
    tens of thousands of matches, the same for every resident who types it. Only broad
    searches come here (`TextMatch.total` counts a narrow one without the cache)."""
    seconds = settings.SEARCH_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = hashlib.sha256(f"{match.vendor}|{using}|{limit}|{match.expression}".encode())
    key = f"directory-search:{kind}:{digest.hexdigest()[:32]}"
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY, "")
    if key in found and found[key][0] == generation:
        return found[key][1]
    answer = compute()
    cache.set(key, (generation, answer), timeout=seconds)
    return answer


@dataclass(frozen=True)
class TextMatch:
    """A full-text condition in the database's own syntax (words are [a-z0-9] only).

    Two ways to apply it, each fast in its own case: `ranked` joins the index to the services
    (driven by the index: every match is visited once, ranked, counted and paged), and
    `condition` asks, service by service, whether its document matches (for the few hundred
    services a place has already picked)."""

    expression: str
    vendor: str

    def ranked(self, services: QuerySet[Service]) -> QuerySet[Service]:
        """The services whose document matches, annotated `search_rank` (lower is better)."""
        if self.vendor == "postgresql":
            return services.extra(
                tables=["directory_search"],
                where=[
                    "directory_search.service_id = directory_service.id",
                    "directory_search.document @@ to_tsquery('english'::regconfig, %s)",
                ],
                params=[self.expression],
                select={
                    "search_rank": "-ts_rank(directory_search.document, "
                    "to_tsquery('english'::regconfig, %s))"
                },
                select_params=[self.expression],
            )
        return services.extra(
            tables=["directory_search", "directory_search_fts"],
            where=[
                "directory_search.service_id = directory_service.id",
                "directory_search_fts.rowid = directory_search.id",
                "directory_search_fts MATCH %s",
            ],
            params=[self.expression],
            select={"search_rank": "directory_search_fts.rank"},
        )

    def _index_sql(self, select: str, tail: str = "") -> str:
        if self.vendor == "postgresql":
            return (
                f"SELECT {select} FROM directory_search "  # noqa: S608 (fixed fragments)
                f"WHERE document @@ to_tsquery('english'::regconfig, %s) {tail}"
            )
        return (
            f"SELECT {select} FROM directory_search_fts f "  # noqa: S608 (fixed fragments)
            "JOIN directory_search ON directory_search.id = f.rowid "
            f"WHERE directory_search_fts MATCH %s {tail}"
        )

    def total(self, using: str) -> int:
        """How many documents match, from the index alone (before any filter). Counted up to
        BROAD first (a bounded cost, and nothing asked of the cache for a narrow search); a
        broad search's full count is remembered (`_remembered`). On SQLite the FTS5 table
        counts alone (every row is a service's): 81,000 matches in about 10 ms, where
        joining the index table for each took 130."""
        if self.vendor == "sqlite":
            sql = "SELECT rowid FROM directory_search_fts WHERE directory_search_fts MATCH %s"
        else:
            sql = self._index_sql("1")

        def count(limit: str = "") -> int:
            with connections[using].cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({sql}{limit}) m", [self.expression])  # noqa: S608
                return int(cursor.fetchone()[0])

        bounded = count(f" LIMIT {BROAD:d}")
        if bounded < BROAD:
            return bounded
        return int(_remembered("total", self, using, 0, count))

    def first(self, using: str, limit: int) -> list[Any]:
        """Some matching services' database ids, unranked (a sample for an estimate)."""

        def sample() -> list[Any]:
            with connections[using].cursor() as cursor:
                sql = self._index_sql("service_id", f"LIMIT {int(limit)}")
                cursor.execute(sql, [self.expression])
                return [row[0] for row in cursor.fetchall()]

        return list(_remembered("first", self, using, limit, sample))

    def best(self, using: str, limit: int) -> list[Any]:
        """The database ids of the `limit` best matches, ranked in the index alone and in
        the order of `ranked` (rank, then the service's name, then its id)."""
        order = f"ORDER BY r, directory_search.title, directory_search.service_id LIMIT {limit:d}"
        if self.vendor == "postgresql":
            rank = "-ts_rank(document, to_tsquery('english'::regconfig, %s))"
            sql = self._index_sql(f"service_id, {rank} AS r", order)
            params = [self.expression, self.expression]
        else:
            sql = self._index_sql("service_id, f.rank AS r", order)
            params = [self.expression]

        def ranked() -> list[Any]:
            with connections[using].cursor() as cursor:
                cursor.execute(sql, params)
                return [row[0] for row in cursor.fetchall()]

        return list(_remembered("best", self, using, limit, ranked))

    def condition(self) -> RawSQL:
        """A boolean: this service's document matches (correlated on directory_service.id)."""
        if self.vendor == "postgresql":
            sql = (
                "EXISTS (SELECT 1 FROM directory_search d WHERE d.service_id = "
                '"directory_service"."id" '
                "AND d.document @@ to_tsquery('english'::regconfig, %s))"
            )
        else:
            sql = (
                "EXISTS (SELECT 1 FROM directory_search d JOIN directory_search_fts "
                "ON directory_search_fts.rowid = d.id "
                'WHERE d.service_id = "directory_service"."id" '
                "AND directory_search_fts MATCH %s)"
            )
        return RawSQL(sql, [self.expression], output_field=BooleanField())  # noqa: S611


def text_match(
    terms: list[str], corrections: dict[str, str], vendor: str, any_word: bool = False
) -> TextMatch:
    """All words (or any word), each with its correction as an alternative."""
    groups = []
    for term in terms:
        alternatives = [term] + ([corrections[term]] if term in corrections else [])
        if vendor == "postgresql":
            groups.append("(" + " | ".join(alternatives) + ")")
        else:
            groups.append("(" + " OR ".join(f'"{a}"' for a in alternatives) + ")")
    if vendor == "postgresql":
        return TextMatch((" | " if any_word else " & ").join(groups), vendor)
    # Residents' words are matched in names and text, never in the index's place and need
    # tokens (the third column).
    joined = (" OR " if any_word else " AND ").join(groups)
    return TextMatch(f"{{name body}} : ({joined})", vendor)


# --- Place -------------------------------------------------------------------------------------

#: The services with no place on a map, through the index's partial index (see `unplaced`).
UNPLACED = "SELECT service_id FROM directory_search WHERE unplaced"

#: Ids per query when filtering the services a place picked (well under SQLite's limit).
CHUNK = 2000


@dataclass(frozen=True)
class Nearby:
    """A place of a service near the searched point: ids as the database holds them (they go
    straight back to it; making 2,000 of them into UUIDs took a third of the time)."""

    location_id: Any
    service_id: Any
    miles: float


def located_near(
    latitude: float,
    longitude: float,
    radius: float,
    match: TextMatch | None,
    categories: Iterable[str],
    using: str = "default",
) -> list[Nearby]:
    """Every place within `radius` miles of the point whose service has the words and any of
    the need categories, nearest first (any service, listed or not: the filters come after).

    One query: the index finds the services filed under the cells covering the radius's box
    (`rules.directory.cells_covering`) that match the words and needs, then their places are
    read from the location index alone and the exact distance decides. Only services near
    the place are visited, whatever the size of the directory."""
    box = bounding_box(latitude, longitude, radius)
    vendor = _vendor(using)
    either, both = (" | ", " & ") if vendor == "postgresql" else (" OR ", " AND ")
    facets = f"({either.join(cells_covering(box))})"
    needs = [need_token(code) for code in categories]
    if needs:
        facets = f"({either.join(needs)}){both}{facets}"
    where_box = "l.latitude >= %s AND l.latitude <= %s AND l.longitude >= %s AND l.longitude <= %s"
    box_params = [box.min_lat, box.max_lat, box.min_lon, box.max_lon]
    if vendor == "postgresql":
        # With needs, the place and need tokens alone pick a few hundred services and their
        # words are checked row by row (OFFSET 0 keeps the planner from also scanning the
        # words' GIN index: for a common word that bitmap costs more than the check, 10 ms
        # against 5 at 100,000 services). With no needs, the planner picks.
        tokens = "to_tsquery('simple'::regconfig, %s)"
        if needs:
            source = (
                "(SELECT service_id, document FROM directory_search "  # noqa: S608
                f"WHERE facet_vector @@ {tokens} OFFSET 0) d"
            )
            where = "TRUE"
        else:
            source, where = "directory_search d", f"d.facet_vector @@ {tokens}"
        text = " AND d.document @@ to_tsquery('english'::regconfig, %s)" if match else ""
        sql = (
            f"SELECT l.id, l.service_id, l.latitude, l.longitude FROM {source} "  # noqa: S608
            "JOIN directory_servicelocation l ON l.service_id = d.service_id "
            f"WHERE {where}{text} AND {where_box}"
        )
        params = [facets, *([match.expression] if match else []), *box_params]
    else:
        words = f"{match.expression} AND " if match else ""
        sql = (
            "SELECT l.id, l.service_id, l.latitude, l.longitude FROM directory_search_fts f "  # noqa: S608
            "JOIN directory_search d ON d.id = f.rowid "
            "JOIN directory_servicelocation l ON l.service_id = d.service_id "
            f"WHERE directory_search_fts MATCH %s AND {where_box}"
        )
        params = [f"{words}facets : {facets}", *box_params]
    found: list[Nearby] = []
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        for location_id, service_id, lat, lon in cursor.fetchall():
            miles = miles_between(latitude, longitude, lat, lon)
            if miles <= radius:
                found.append(Nearby(location_id, service_id, miles))
    found.sort(key=lambda near: (near.miles, str(near.location_id)))
    return found


def _among(services: QuerySet[Service], db_ids: list[Any]) -> list[tuple[UUID, str]]:
    """(id, name) of the services that pass, among these ids as the database holds them
    (a chunk of ids a query)."""
    found: list[tuple[UUID, str]] = []
    for start in range(0, len(db_ids), CHUNK):
        chunk = db_ids[start : start + CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        where = f'"directory_service"."id" IN ({marks})'
        among = services.extra(where=[where], params=chunk)  # noqa: S610 (parameters only)
        found += among.values_list("pk", "name")
    return found


def _nearby(
    services: QuerySet[Service],
    place: Place,
    radius: float,
    match: TextMatch | None,
    categories: list[str],
) -> list[tuple[UUID, float | None]]:
    """(service id, miles, or None for "covers the council"), nearest first, then by name.

    The index picks the services near the place with the words and needs (`located_near`);
    every filter is then asked of those few."""
    distances: dict[Any, float] = {}
    if place.latitude is not None and place.longitude is not None:
        nearby = located_near(
            place.latitude, place.longitude, radius, match, categories, services.db
        )
        for near in nearby:
            distances.setdefault(near.service_id, near.miles)  # nearest first
    names = dict(_among(services, list(distances)))
    miles = {pk: distances[db_id(pk, services.db)] for pk in names}
    found: list[tuple[UUID, float | None]] = [
        (pk, miles[pk]) for pk in sorted(names, key=lambda pk: (miles[pk], names[pk]))
    ]
    # Services with no located address that cover the place: the council's own (council-wide),
    # then national ones (helplines). A register location whose postcode could not be placed
    # is not one of them: it is somewhere, only not known where. They are few: their ids
    # first (the index's partial index alone), then those that pass (the words asked of each).
    with connections[services.db].cursor() as cursor:
        cursor.execute(UNPLACED)
        unplaced_ids = [row[0] for row in cursor.fetchall()]
    if not unplaced_ids:
        return found
    if match is not None:
        services = services.filter(match.condition())
    unplaced = [pk for pk, _ in _among(services, unplaced_ids)]
    covering = services.filter(pk__in=unplaced, local_authority__isnull=True)
    if place.council is not None:
        covering = services.filter(pk__in=unplaced).filter(
            Q(local_authority=place.council) | Q(local_authority__isnull=True)
        )
    ordered = covering.order_by(
        Coalesce("local_authority_id", Value(0)).desc(), "name", "pk"
    ).values_list("pk", flat=True)
    found += [(pk, None) for pk in ordered if pk not in names]
    return found


# --- Vacancies ---------------------------------------------------------------------------------


def vacancies_for(services: Iterable[Service], today: date) -> dict[UUID, Vacancies]:
    """The latest capacity report's vacancies for each registered service (else unknown)."""
    by_location = {
        s.cqc_location.cqc_location_id: s.pk for s in services if s.cqc_location is not None
    }
    answer: dict[UUID, Vacancies] = {}
    if not by_location:
        return answer
    # Each home's latest report only (one index probe each), not every report it has made.
    latest = (
        CapacitySnapshot.objects.filter(cqc_location_id=OuterRef("cqc_location_id"))
        .order_by("-date")
        .values("date")[:1]
    )
    snapshots = (
        CapacitySnapshot.objects.filter(cqc_location_id__in=by_location, date=Subquery(latest))
        .only("cqc_location_id", "date", *(f"vacancies_{bed}" for bed in BED_TYPES))
        .order_by("cqc_location_id")
    )
    for snapshot in snapshots:
        service_id = by_location[snapshot.cqc_location_id]
        count = snapshot.vacancies
        answer[service_id] = Vacancies(
            vacancy_status(snapshot.date, count, today), snapshot.date, count
        )
    return answer


# --- The search --------------------------------------------------------------------------------


#: The columns a page of results shows (`Result`, the result template and the map), loaded
#: for its services and their registers, organisations and councils: not their descriptions,
#: lists or import reports. Anything else still loads when read, a query per service.
PAGE_FIELDS = (
    "name",
    "kind",
    "phone",
    "last_reviewed",
    "review_due",
    "organization__name",
    "organization__phone",
    "local_authority__name",
    "cqc_location__cqc_location_id",
    "cqc_location__phone",
    "cqc_location__care_home",
    "cqc_location__latest_rating",
    "cqc_location__latest_rating_date",
    "cqc_location__latest_check_date",
    "cqc_location__import_run__format",
    "cqc_location__import_run__edition",
)
#: The columns of a result's places: its address and where it is on the map.
PAGE_PLACE_FIELDS = ("service", "name", "address", "town", "postcode", "latitude", "longitude")


def search(query: SearchQuery, today: date | None = None) -> SearchPage:
    """One page of results for a validated query, with the count and distances."""
    today = today or timezone.localdate()
    services = filtered(query, today)
    vendor = _vendor(services.db)
    terms = query_words(query.text)
    corrections = corrections_for(terms, services.db)
    per_page = query.per_page
    any_word = False
    estimated = False
    miles_by_id: dict[UUID, float | None] = {}
    if query.place is not None:
        match = text_match(terms, corrections, vendor) if terms else None
        needs = query.categories
        nearby = _nearby(services, query.place, query.radius, match, needs)
        if not nearby and len(terms) > 1:
            any_word = True
            match = text_match(terms, corrections, vendor, any_word=True)
            nearby = _nearby(services, query.place, query.radius, match, needs)
        count = len(nearby)
        page, clamped = _clamp(query.page, count, per_page)
        window = nearby[(page - 1) * per_page : page * per_page]
        ids = [pk for pk, _ in window]
        miles_by_id = dict(window)
    else:
        if terms:
            match = text_match(terms, corrections, vendor)
            ids, count, page, clamped, estimated = _ranked_page(
                services, match, query.page, per_page
            )
            if count == 0 and len(terms) > 1:
                any_word = True
                match = text_match(terms, corrections, vendor, any_word=True)
                ids, count, page, clamped, estimated = _ranked_page(
                    services, match, query.page, per_page
                )
        else:
            ids, count, page, clamped = _one_page(services, query.page, per_page, ranked=False)

    loaded = (
        Service.objects.filter(pk__in=ids)
        .select_related("organization", "cqc_location__import_run", "local_authority")
        .only(*PAGE_FIELDS)
        .prefetch_related(Prefetch("locations", ServiceLocation.objects.only(*PAGE_PLACE_FIELDS)))
        .in_bulk()
    )
    page_services = [loaded[pk] for pk in ids if pk in loaded]
    vacancies = vacancies_for(page_services, today)
    results = []
    for service in page_services:
        miles = miles_by_id.get(service.pk)
        covers = None
        if query.place is not None and miles is None and service.local_authority_id:
            covers = query.place.council
        results.append(
            Result(
                service=service,
                miles=miles,
                covers=covers,
                national=service.local_authority_id is None and service.cqc_location_id is None,
                vacancies=vacancies.get(service.pk, Vacancies(VacancyStatus.UNKNOWN)),
            )
        )
    return SearchPage(
        results=results,
        count=count,
        page=page,
        per_page=per_page,
        place=query.place,
        corrections=corrections,
        any_word=any_word,
        page_clamped=clamped,
        estimated=estimated,
    )


def _one_page(
    services: QuerySet[Service], page: int, per_page: int, ranked: bool
) -> tuple[list[UUID], int, int, bool]:
    """(ids, count, page, clamped). SQLite: the page and the count in one pass (a window
    count), a second query only past the last page. PostgreSQL counts a match from the GIN
    index alone far faster than it ranks it, so there the count comes first, then the page
    (measured at 100,000 services: a window was 2× slower for a one-word search)."""
    order = ("search_rank", "name", "pk") if ranked else ("name", "pk")
    if connections[services.db].vendor == "postgresql":
        count = services.count()
        page, clamped = _clamp(page, count, per_page)
        offset = (page - 1) * per_page
        ids = list(services.order_by(*order).values_list("pk", flat=True)[offset:][:per_page])
        return ids, count, page, clamped
    ordered = services.order_by(*order).annotate(_total=Window(Count("pk")))
    offset = (max(1, page) - 1) * per_page
    rows = list(ordered.values_list("pk", "_total")[offset : offset + per_page])
    if rows:
        return [pk for pk, _ in rows], rows[0][1], max(1, page), False
    count = services.count()
    last, clamped = _clamp(page, count, per_page)
    if not count or not clamped:
        return [], count, last, clamped
    offset = (last - 1) * per_page
    return list(ordered.values_list("pk", flat=True)[offset : offset + per_page]), count, last, True


#: A search matching at least this many documents is ranked from its best candidates, and
#: counted by estimate: ranking and counting every match of "care" at 100,000 services
#: took most of a second.
BROAD = 2000
#: Candidates ranked per result wanted (at least `BROAD // 10`), and how deep such a search
#: pages before it is ranked in full.
CANDIDATES_PER_RESULT = 2
BROAD_DEEPEST = 500
#: Matches sampled to estimate the share that passes the filters.
SAMPLE = 500


def _ranked_page(
    services: QuerySet[Service], match: TextMatch, page: int, per_page: int
) -> tuple[list[UUID], int, int, bool, bool]:
    """(ids, count, page, clamped, estimated) of a ranked search. A broad one is ranked in the
    index alone, its best candidates then filtered, and counted by estimate; the same page
    as ranking every match whenever the candidates decide it (else it is ranked in full)."""
    want = max(1, page) * per_page
    if want <= BROAD_DEEPEST:
        total = match.total(services.db)
        if total >= BROAD:
            found = _from_best(services, match, page, per_page, total)
            if found is not None:
                return found
    return (*_one_page(match.ranked(services), page, per_page, ranked=True), False)


def _from_best(
    services: QuerySet[Service], match: TextMatch, page: int, per_page: int, total: int
) -> tuple[list[UUID], int, int, bool, bool] | None:
    using = services.db
    page = max(1, page)
    want = page * per_page
    # Every match not among the candidates comes after all of them in the full order, so
    # the candidates that pass the filters, in their order, begin the full ranking.
    best = match.best(using, max(BROAD // 10, want * CANDIDATES_PER_RESULT))
    passing = {db_id(pk, using): pk for pk, _ in _among(services, best)}
    ordered = [passing[db_id] for db_id in best if db_id in passing]
    if len(ordered) < want:
        return None
    sample = match.first(using, SAMPLE)
    share = len(_among(services, sample)) / len(sample)
    estimate = int(float(f"{total * share:.2g}"))
    if estimate < want:
        return None
    return ordered[want - per_page : want], estimate, page, False, True


def _clamp(page: int, count: int, per_page: int) -> tuple[int, bool]:
    last = max(1, math.ceil(count / per_page))
    if page > last:
        return last, True
    return max(1, page), False


# --- The index ---------------------------------------------------------------------------------


def document(service: Service) -> tuple[str, str]:
    """(names, the rest) as folded words: what the index matches a query against."""
    names = [service.name, service.organization.name]
    body = [service.description, service.get_kind_display(), service.areas_served]
    for term in service.categories.all():
        body += [term.name, *term.synonyms]
    labels = dict(Service.ClientGroup.choices)
    body += [labels.get(group, group) for group in service.client_groups]
    body += [str(language) for language in service.languages]
    for location in service.locations.all():
        body += [location.name, location.address, location.town, location.postcode]
    register = service.cqc_location
    if register is not None:  # "dementia nursing home": the register's specialisms count
        names.append(register.also_known_as)
        body += [str(specialism) for specialism in register.specialisms]
    return " ".join(words(" ".join(names))), " ".join(words(" ".join(body)))


def facets(service: Service) -> str:
    """The service's place and need tokens (`rules.directory.place_tokens`, `need_token`): a
    radius search finds services near a place with its needs through them."""
    tokens = {need_token(term.code) for term in service.categories.all()}
    for location in service.locations.all():
        if location.latitude is not None and location.longitude is not None:
            tokens.update(place_tokens(location.latitude, location.longitude))
    return " ".join(sorted(tokens))


def unplaced(service: Service) -> bool:
    """No located address and no register location: a service that covers its council (or,
    with no council, anywhere), listed after the nearby ones in a place search."""
    located = any(p.latitude is not None for p in service.locations.all())
    return service.cqc_location_id is None and not located


def db_id(pk: UUID, using: str) -> Any:
    """A service's id as the database holds it (SQLite: 32 hex digits), to compare with ids
    read by raw SQL without making each of thousands into a UUID."""
    field = Service._meta.pk
    assert field is not None
    return field.get_db_prep_value(pk, connections[using])


def index_services(ids: Iterable[UUID] | None = None, using: str = "default") -> int:
    """(Re)index these services (all when None); returns how many were indexed."""
    services = (
        Service.objects.using(using)
        .select_related("organization", "cqc_location")
        .prefetch_related("categories", "locations")
        .order_by("pk")
    )
    id_list = None if ids is None else list(ids)
    if id_list is not None:
        services = services.filter(pk__in=id_list)
    connection = connections[using]
    done = 0
    seen: set[Any] = set()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        batch: list[Service] = []
        for service in services.iterator(chunk_size=1000):
            batch.append(service)
            if len(batch) == 1000:
                done += _write(cursor, batch, using)
                batch = []
            seen.add(service.pk)
        done += _write(cursor, batch, using)
        if id_list is not None:
            gone = [db_id(pk, using) for pk in id_list if pk not in seen]
            if gone:
                cursor.executemany(
                    "DELETE FROM directory_search WHERE service_id = %s", [[pk] for pk in gone]
                )
    return done


#: Writing a service's index row replaces the one it had.
INDEX_ROW = "INSERT INTO directory_search (service_id, name, body, facets, unplaced, title) "
AS_ARRAYS = (
    "SELECT * FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], %s::boolean[], "
    "%s::text[])"
)
UPSERT = (
    " ON CONFLICT (service_id) DO UPDATE SET name = excluded.name, body = excluded.body, "
    "facets = excluded.facets, unplaced = excluded.unplaced, title = excluded.title"
)


def _write(cursor: Any, batch: list[Service], using: str) -> int:
    if not batch:
        return 0
    _index_changed()
    rows = []
    vocabulary: set[str] = set()
    for service in batch:
        names, body = document(service)
        rows.append(
            [
                db_id(service.pk, using),
                names,
                body,
                facets(service),
                unplaced(service),
                service.name,
            ]
        )
        vocabulary.update(w for w in names.split() if len(w) >= 5)
    words = [[w, w[0], len(w)] for w in sorted(vocabulary)]
    if _vendor(using) == "postgresql":
        # One statement per batch, the rows as arrays: a statement per row cost PostgreSQL
        # more than indexing the row.
        cursor.execute(
            INDEX_ROW + AS_ARRAYS + UPSERT, [list(column) for column in zip(*rows, strict=True)]
        )
        if words:
            cursor.execute(
                "INSERT INTO directory_searchword (word, initial, length) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::smallint[]) "
                "ON CONFLICT (word) DO NOTHING",
                [list(column) for column in zip(*words, strict=True)],
            )
        return len(rows)
    cursor.executemany(INDEX_ROW + "VALUES (%s, %s, %s, %s, %s, %s)" + UPSERT, rows)
    if words:
        cursor.executemany(
            "INSERT INTO directory_searchword (word, initial, length) VALUES (%s, %s, %s) "
            "ON CONFLICT (word) DO NOTHING",
            words,
        )
    return len(rows)


def index_loaded(services: list[Service], using: str = "default") -> int:
    """Index services already in memory with what `document` reads loaded (organisation,
    register location, and categories and locations prefetched): bulk writers such as the
    register sync index what they just created without reading it back."""
    done = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for start in range(0, len(services), 1000):
            done += _write(cursor, services[start : start + 1000], using)
    return done


def rebuild_index(using: str = "default") -> int:
    """Index every service from scratch (after a bulk load, or a taxonomy change)."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("DELETE FROM directory_search")
        cursor.execute("DELETE FROM directory_searchword")
    _index_changed()
    count = index_services(using=using)
    if _vendor(using) == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('optimize')"
            )
    return count


def ensure_index(using: str = "default") -> int:
    """After migrate: index every service when the index is empty but services exist (a
    database that held listings before migration 0002 created the index)."""
    connection = connections[using]
    if "directory_search" not in connection.introspection.table_names():
        return 0  # migrated back before the index existed
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM directory_search LIMIT 1")
        if cursor.fetchone() is not None:
            return 0
    if not Service.objects.using(using).exists():
        return 0
    return rebuild_index(using)


def forget_service(pk: UUID, using: str = "default") -> None:
    with connections[using].cursor() as cursor:
        cursor.execute("DELETE FROM directory_search WHERE service_id = %s", [db_id(pk, using)])
    _index_changed()


# --- Keeping the index in step (connected in apps.py) ------------------------------------------


def _on_service_saved(
    instance: Service, raw: bool = False, using: str = "default", **_: Any
) -> None:
    if not raw:
        index_services([instance.pk], using=using)


def _on_service_deleted(instance: Service, using: str = "default", **_: Any) -> None:
    forget_service(instance.pk, using=using)


def _on_categories_changed(
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    using: str = "default",
    **_: Any,
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_services([instance.pk], using=using)
    elif pk_set:
        index_services(pk_set, using=using)
    elif action == "post_clear":
        index_services(None, using=using)


def _on_organization_saved(
    instance: Organization, raw: bool = False, using: str = "default", **_: Any
) -> None:
    if not raw:
        ids = list(instance.services.using(using).values_list("pk", flat=True))
        if ids:
            index_services(ids, using=using)


def _on_location_changed(
    instance: ServiceLocation, raw: bool = False, using: str = "default", **_: Any
) -> None:
    if not raw and Service.objects.using(using).filter(pk=instance.service_id).exists():
        index_services([instance.service_id], using=using)


def connect_receivers() -> None:
    """Called from DirectoryConfig.ready: saving what a listing says re-indexes it."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_on_service_saved, sender=Service, dispatch_uid="directory-search-save")
    post_delete.connect(_on_service_deleted, sender=Service, dispatch_uid="directory-search-delete")
    m2m_changed.connect(
        _on_categories_changed,
        sender=Service.categories.through,
        dispatch_uid="directory-search-categories",
    )
    post_save.connect(
        _on_organization_saved, sender=Organization, dispatch_uid="directory-search-org"
    )
    post_save.connect(
        _on_location_changed, sender=ServiceLocation, dispatch_uid="directory-search-loc"
    )
    post_delete.connect(
        _on_location_changed, sender=ServiceLocation, dispatch_uid="directory-search-loc-del"
    )


__all__ = [
    "CQC_RATINGS",
    "DEFAULT_RADIUS",
    "PER_PAGE",
    "RADIUS_CHOICES",
    "Place",
    "PlaceNotFound",
    "Result",
    "SearchPage",
    "SearchQuery",
    "index_services",
    "rebuild_index",
    "resolve_place",
    "search",
    "suggest_places",
]
