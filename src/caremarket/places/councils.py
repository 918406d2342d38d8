"""The 153 English councils with adult social services responsibilities, known from the start.

`migrate` loads them (a `post_migrate` receiver in `apps.py`), so a council installing
caremarket can import its own files straight away and postcodes, register rows and population
files find their council by ONS code or name. `CAREMARKET_COUNCILS` limits an instance to the
councils it serves (`settings.COUNCILS`: None for all, or the codes listed).

The list is `data/councils_asc_2023.csv`: ONS code (April 2023 vintage), ONS area name,
region and type, from the ONS Open Geography upper-tier local authority list (Open Government
Licence v3.0; see examples/data/README.md). Barnsley and Sheffield have carried new codes
since April 2025 (a boundary change); both codes find them.

Loading never renames a council or changes its slug (a site admin may have set them); it adds
missing councils, and fills a region, type or later code that is missing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.text import slugify

from caremarket.places.models import LocalAuthority

DATA = Path(__file__).resolve().parent / "data" / "councils_asc_2023.csv"

#: Codes ONS gave councils after the list's April 2023 vintage (boundary changes).
LATER_CODES: dict[str, tuple[str, ...]] = {
    "E08000016": ("E08000038",),  # Barnsley, from 1 April 2025
    "E08000019": ("E08000039",),  # Sheffield, from 1 April 2025
}


@dataclass(frozen=True)
class BuiltInCouncil:
    code: str
    name: str
    region: str
    kind: str
    other_codes: tuple[str, ...]


def plain_name(ons_name: str) -> str:
    """ONS's index form to the name people use: 'Bristol, City of' → 'Bristol'."""
    for suffix in (", City of", ", County of"):
        if ons_name.endswith(suffix):
            return ons_name[: -len(suffix)]
    return ons_name


def built_in_councils() -> list[BuiltInCouncil]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return [
            BuiltInCouncil(
                code=row["code"],
                name=plain_name(row["name"]),
                region=row["region"],
                kind=row["type"],
                other_codes=LATER_CODES.get(row["code"], ()),
            )
            for row in csv.DictReader(handle)
        ]


def wanted(codes: Iterable[str] | None) -> list[BuiltInCouncil]:
    """The built-in councils named by `codes` (any of their codes), all when None."""
    councils = built_in_councils()
    if codes is None:
        return councils
    by_code = {code: c for c in councils for code in (c.code, *c.other_codes)}
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        raise ImproperlyConfigured(
            f"CAREMARKET_COUNCILS names {', '.join(unknown)}, which is not an English council "
            "with adult social services responsibilities (see places/data/councils_asc_2023.csv)"
        )
    return list({by_code[code].code: by_code[code] for code in codes}.values())


def load_councils(codes: Iterable[str] | None = None, using: str = "default") -> tuple[int, int]:
    """Add the built-in councils (those in `codes`, or all); return (added, updated)."""
    added = updated = 0
    councils = LocalAuthority.objects.using(using)
    with transaction.atomic(using=using):
        existing = councils.by_code()
        slugs = set(councils.values_list("slug", flat=True))
        for council in wanted(codes):
            found = next(
                (existing[c] for c in (council.code, *council.other_codes) if c in existing), None
            )
            if found is None:
                slug = slugify(council.name)
                if slug in slugs:
                    slug = f"{slug}-{council.code.lower()}"
                slugs.add(slug)
                councils.create(
                    code=council.code,
                    name=council.name,
                    slug=slug,
                    region=council.region,
                    kind=council.kind,
                    other_codes=" ".join(council.other_codes),
                )
                added += 1
                continue
            changes: dict[str, str] = {}
            if not found.region:
                changes["region"] = council.region
            if not found.kind:
                changes["kind"] = council.kind
            codes_now = found.all_codes
            missing = [c for c in (council.code, *council.other_codes) if c not in codes_now]
            if missing:
                changes["other_codes"] = " ".join([*found.other_codes.split(), *missing])
            if changes:
                councils.filter(pk=found.pk).update(**changes)
                updated += 1
    return added, updated
