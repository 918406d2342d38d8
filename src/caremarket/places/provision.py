"""Where provision sits: register locations, care home beds and directory services per ward.

Each CQC register location and each directory service location is placed in a ward by its
postcode, through the imported postcode table (Code-Point Open gives every postcode its ward):
nothing is placed by guessing. A ward's locality is the one the council named it part of. What
cannot be placed is counted and said: a postcode the table does not hold, or one in a ward
outside the council.

- Register locations: the council's locations on the register, not dormant; beds are the
  registered beds of its care homes (a home without a bed count adds none, and is counted).
- Directory services: the council's listed services with a location in the ward, each counted
  once per ward (a service meeting in two wards counts in both); services with no address
  (council-wide, by phone or online) are in no ward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from caremarket.places.models import Area, LocalAuthority, Postcode
from caremarket.rules.directory import normalise_postcode

CHUNK = 500


@dataclass
class Provision:
    """What sits in one ward or locality (or the council as a whole)."""

    locations: int = 0
    care_homes: int = 0
    beds: int = 0
    #: Care homes whose register entry has no bed count (CQC's monthly directory has none).
    homes_without_beds: int = 0
    services: set[str] = field(default_factory=set)

    def add(self, other: Provision) -> None:
        self.locations += other.locations
        self.care_homes += other.care_homes
        self.beds += other.beds
        self.homes_without_beds += other.homes_without_beds
        self.services |= other.services

    @property
    def known_beds(self) -> int | None:
        """The beds counted, or None when every care home here lacks a bed count."""
        if self.care_homes and self.homes_without_beds == self.care_homes:
            return None
        return self.beds


@dataclass
class ProvisionByArea:
    wards: list[Area]
    by_ward: dict[int, Provision]
    #: Register locations whose postcode is missing or not in the postcode table.
    locations_unplaced: int = 0
    #: Register locations whose postcode lies in a ward outside the council's.
    locations_outside: int = 0
    #: Listed services of the council with no address at all.
    services_without_address: int = 0
    #: Listed services of the council with an address none of whose postcodes could be placed.
    services_unplaced: int = 0
    register_runs: set[int] = field(default_factory=set)
    postcode_runs: set[int] = field(default_factory=set)

    def localities(self) -> list[tuple[Area | None, list[Area]]]:
        """Each locality with its wards, by name; wards in no locality last (None)."""
        groups: dict[int | None, list[Area]] = {}
        for ward in self.wards:
            groups.setdefault(ward.parent_id, []).append(ward)
        named = sorted(
            ((ws[0].parent, ws) for key, ws in groups.items() if key is not None),
            key=lambda pair: pair[0].name if pair[0] else "",
        )
        return [*named, *([(None, groups[None])] if None in groups else [])]

    def total(self, wards: Iterable[Area]) -> Provision:
        found = Provision()
        for ward in wards:
            found.add(self.by_ward[ward.pk])
        return found


def _wards_of(postcodes: set[str]) -> dict[str, tuple[str, int | None]]:
    """Normalised postcode → (ward code, import run) for those the table holds."""
    found: dict[str, tuple[str, int | None]] = {}
    ordered = sorted(postcodes)
    for start in range(0, len(ordered), CHUNK):
        rows = Postcode.objects.filter(postcode__in=ordered[start : start + CHUNK]).values_list(
            "postcode", "ward_code", "import_run_id"
        )
        found.update({code: (ward, run) for code, ward, run in rows})
    return found


def provision_by_area(council: LocalAuthority) -> ProvisionByArea | None:
    """The council's provision by ward, or None when it has no wards imported."""
    from caremarket.directory.models import Service, ServiceLocation
    from caremarket.market.models import Location

    wards = list(
        Area.objects.filter(local_authority=council, kind=Area.Kind.WARD)
        .exclude(code="")
        .select_related("parent")
        .order_by("name")
    )
    if not wards:
        return None
    ward_by_code = {w.code: w for w in wards}
    result = ProvisionByArea(wards=wards, by_ward={w.pk: Provision() for w in wards})
    register = list(
        Location.objects.for_council(council)
        .filter(dormant=False)
        .values_list("postcode", "care_home", "beds", "import_run_id")
    )
    own = Service.objects.listed().filter(local_authority=council)
    places = list(
        ServiceLocation.objects.filter(service__in=own)
        .exclude(postcode="")
        .values_list("service_id", "postcode")
    )
    codes = {normalise_postcode(p) for p, *_ in register} | {
        normalise_postcode(p) for _, p in places
    }
    wards_of = _wards_of({c for c in codes if c})

    def ward_for(postcode: str) -> tuple[Area | None, bool]:
        """(the council's ward, whether the postcode was found at all)."""
        found = wards_of.get(normalise_postcode(postcode))
        if found is None:
            return None, False
        result.postcode_runs |= {found[1]} if found[1] is not None else set()
        return ward_by_code.get(found[0]), True

    for postcode, care_home, beds, run in register:
        result.register_runs.add(run)
        ward, known = ward_for(postcode)
        if ward is None:
            if known:
                result.locations_outside += 1
            else:
                result.locations_unplaced += 1
            continue
        cell = result.by_ward[ward.pk]
        cell.locations += 1
        if care_home:
            cell.care_homes += 1
            if beds is None:
                cell.homes_without_beds += 1
            else:
                cell.beds += beds
    placed: set[str] = set()
    for service_id, postcode in places:
        ward, _ = ward_for(postcode)
        if ward is not None:
            result.by_ward[ward.pk].services.add(str(service_id))
            placed.add(str(service_id))
    with_address = {str(service_id) for service_id, _ in places}
    result.services_without_address = own.count() - len(with_address)
    result.services_unplaced = len(with_address - placed)
    return result
