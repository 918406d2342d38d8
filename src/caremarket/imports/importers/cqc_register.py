"""What the two CQC register formats share: council matching and writing locations in bulk.

Both files are national public data. A location is stored whatever its council: when the
council is on this instance it is linked, otherwise only the register's name is kept. With
`--council` the file is taken to be that council's download, and a row naming another council
is a bad row (the wrong filter was applied), not silently re-homed.

Writing is batched: one query finds the batch's existing providers and locations, new ones go
in with `bulk_create` and changed ones with `bulk_update`, so 50,000 locations take a few
hundred queries, not 100,000. Each format writes only the fields it carries, so the monthly
directory never blanks the beds the HSCA file brought, and no import touches
`description_override`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from caremarket.imports.bulk import Table
from caremarket.imports.framework import Context, Parsed
from caremarket.imports.importers.tabular import council_key
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location, Provider
from caremarket.places.models import Area, LocalAuthority, Postcode
from caremarket.rules.directory import normalise_postcode

FOREIGN_KEYS = frozenset({"local_authority", "area"})
#: Postcodes not found that an import summary lists by name (the rest are counted).
MAX_LISTED = 20


class CouncilMatcher:
    """Finds the council a register row belongs to, by the name the register uses."""

    def __init__(self, context: Context) -> None:
        self.council = context.council
        self.by_code = LocalAuthority.objects.by_code()
        councils = {la.pk: la for la in self.by_code.values()}.values()  # one query, not two
        self.by_name = {council_key(la.name): la for la in councils}
        self.memo: dict[str, tuple[LocalAuthority | None, str | None]] = {}

    def match(self, name: str) -> tuple[LocalAuthority | None, str | None]:
        """(council or None, reason the row is bad or None); `name` may be an ONS code."""
        if name not in self.memo:  # ~150 distinct names in 50,000 rows
            self.memo[name] = self._match(name)
        return self.memo[name]

    def _match(self, name: str) -> tuple[LocalAuthority | None, str | None]:
        name = name.strip()
        found = (
            (self.by_code.get(name.upper()) or self.by_name.get(council_key(name)))
            if name
            else None
        )
        if self.council is None:
            return found, None
        if not name or found == self.council:
            return self.council, None
        return None, (
            f"this row is for {name!r}, not {self.council.name}: import it without --council "
            "or filter the file to one council"
        )


def upsert_locations(rows: Iterable[Parsed], run: ImportRun, fields: tuple[str, ...]) -> int:
    """Create or update providers and locations for a batch; return locations changed.

    Each row's values hold `location` (field → value, for `fields`) and `provider`
    (cqc_provider_id, name, companies_house_number) or None. A row is compared with the
    stored one and left alone when nothing differs; new and changed rows are written with one
    statement per batch of rows (`bulk.Table`), not through model instances.
    """
    rows = list(rows)
    providers = _upsert_providers(rows, run)
    names = [f"{k}_id" if k in FOREIGN_KEYS else k for k in fields]
    stored = {
        found[0]: found[1:]
        # Only the fields this format owns: loading every column of 2,000 rows (JSON lists the
        # format does not carry, say) is most of a re-import's cost.
        for found in Location.objects.filter(
            cqc_location_id__in=[row.values["location"]["cqc_location_id"] for row in rows]
        ).values_list("cqc_location_id", "pk", "provider_id", *names)
    }
    new: dict[tuple[str, ...], list[list[Any]]] = {}
    changed: dict[tuple[str, ...], list[list[Any]]] = {}
    position = {name: index for index, name in enumerate(names)}
    for row in rows:
        values = _by_id(row.values["location"])
        provider = row.values.get("provider")
        if provider:
            values["provider_id"] = providers[provider["cqc_provider_id"]]
        before = stored.get(values["cqc_location_id"])
        columns = tuple(values)
        if before is None:
            new.setdefault(columns, []).append([*values.values(), run.pk, row.line])
            continue
        pk, provider_before, *old = before
        if all(
            (provider_before if k == "provider_id" else old[position[k]]) == v
            for k, v in values.items()
        ):
            continue
        changed.setdefault(columns, []).append([pk, *values.values(), run.pk, row.line])
    for columns, values in new.items():
        Table(Location, [*columns, "import_run", "source_row"]).insert(values)
    for columns, values in changed.items():
        Table(Location, ["id", *columns, "import_run", "source_row"]).update(values)
    return sum(map(len, new.values())) + sum(map(len, changed.values()))


def _by_id(values: dict[str, Any]) -> dict[str, Any]:
    """Foreign keys as `<name>_id`, so comparing with a stored row costs no query per row."""
    return {
        (f"{k}_id" if k in FOREIGN_KEYS else k): (v.pk if k in FOREIGN_KEYS and v else v)
        for k, v in values.items()
    }


PROVIDER_FIELDS = ("name", "companies_house_number")


def _upsert_providers(rows: list[Parsed], run: ImportRun) -> dict[str, int]:
    """Create or update the batch's providers; return each one's key by its CQC id."""
    wanted: dict[str, tuple[dict[str, Any], int]] = {}
    for row in rows:
        provider = row.values.get("provider")
        if provider:
            wanted[provider["cqc_provider_id"]] = (provider, row.line)
    if not wanted:
        return {}
    found = {
        provider_id: (pk, dict(zip(PROVIDER_FIELDS, values, strict=True)))
        for provider_id, pk, *values in Provider.objects.filter(
            cqc_provider_id__in=list(wanted)
        ).values_list("cqc_provider_id", "pk", *PROVIDER_FIELDS)
    }
    new: dict[tuple[str, ...], list[list[Any]]] = {}
    changed: list[list[Any]] = []
    for provider_id, (values, line) in wanted.items():
        if provider_id not in found:
            new.setdefault(tuple(values), []).append([*values.values(), run.pk, line])
            continue
        pk, before = found[provider_id]
        updates = {k: v for k, v in values.items() if v and k in before and before[k] != v}
        if updates:
            after = {**before, **updates}
            changed.append([pk, *(after[k] for k in PROVIDER_FIELDS), run.pk, line])
    for columns, values in new.items():
        Table(Provider, [*columns, "import_run", "source_row"]).insert(values)
    Table(Provider, ["id", *PROVIDER_FIELDS, "import_run", "source_row"]).update(changed)
    if new:
        missing = [provider_id for provider_id in wanted if provider_id not in found]
        found.update(
            (provider_id, (pk, {}))
            for provider_id, pk in Provider.objects.filter(cqc_provider_id__in=missing).values_list(
                "cqc_provider_id", "pk"
            )
        )
    return {provider_id: pk for provider_id, (pk, _) in found.items()}


def place_by_postcode(rows: list[Parsed]) -> list[tuple[str, str, int]]:
    """Give each row its ward (`area`) from the postcode table, and its position where the
    file has none: kept as stored while the postcode is unchanged (the HSCA file's
    coordinates stay), else the postcode's. Returns (postcode, name, line) of the rows left
    without a position because the table does not hold their postcode: never guessed."""
    stored: dict[str, dict[str, Any]] = {
        row["cqc_location_id"]: row
        for row in Location.objects.filter(
            cqc_location_id__in=[r.values["location"]["cqc_location_id"] for r in rows]
        ).values("cqc_location_id", "postcode", "latitude", "longitude", "area")
    }
    wanted = {normalise_postcode(r.values["location"]["postcode"]) for r in rows}
    postcodes = {
        p.postcode: p
        for p in Postcode.objects.filter(postcode__in=wanted).only(
            "postcode", "latitude", "longitude", "ward_code"
        )
    }
    wards = {
        (a.code, a.local_authority_id): a
        for a in Area.objects.filter(
            kind=Area.Kind.WARD, code__in={p.ward_code for p in postcodes.values()}
        )
    }
    unplaced: list[tuple[str, str, int]] = []
    for row in rows:
        location = row.values["location"]
        found = postcodes.get(normalise_postcode(location["postcode"]))
        council = location.get("local_authority")
        ward = wards.get((found.ward_code, council.pk if council else None)) if found else None
        if location.get("latitude") is not None:
            location["area"] = ward  # the file's own coordinates
            continue
        before = stored.get(location["cqc_location_id"])
        if (
            before is not None
            and before["latitude"] is not None
            and before["postcode"] == location["postcode"]
        ):
            location.update(
                latitude=before["latitude"],
                longitude=before["longitude"],
                area=Area(pk=before["area"]) if before["area"] else None,
            )
        elif found is None:
            location.update(latitude=None, longitude=None, area=None)
            unplaced.append((location["postcode"], location["name"], row.line))
        else:
            location.update(latitude=found.latitude, longitude=found.longitude, area=ward)
    return unplaced


def unplaced_warning(unplaced: list[tuple[str, str, int]]) -> list[str]:
    if not unplaced:
        return []
    listed = "; ".join(
        f"{postcode or 'no postcode'} ({name}, line {line})"
        for postcode, name, line in unplaced[:MAX_LISTED]
    )
    more = len(unplaced) - MAX_LISTED
    return [
        f"{len(unplaced)} location(s) have a postcode the postcode table does not hold (it may "
        "no longer exist) and no coordinates, so they are listed without a position or "
        f"distance: {listed}" + (f"; and {more} more" if more > 0 else "")
    ]
