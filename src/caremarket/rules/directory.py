"""The directory's arithmetic and word rules, kept apart from Django so they can be tested alone.

- Distance: great-circle miles between two points (haversine on a spherical Earth, which is
  within 0.5% of the ellipsoid: plenty for "0.8 miles away"), and the latitude/longitude box
  that holds every point within a radius, so the database can use its index before the exact
  distance is worked out.
- Postcodes: a full postcode ("ST4 1AA") or only its outward code ("ST4"), told apart from a
  place name.
- Vacancies: "has vacancies" only from a recent report; a report older than 14 days says
  nothing, because a stale promise sends a family to a home that is full.
- Words: what a query's words are (stop words dropped, so "care homes near me" still finds
  care homes) and the nearest known word for a misspelt one (optimal string alignment
  distance, which counts swapped letters, "Alzhiemers", as one edit).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "EARTH_RADIUS_MILES",
    "VACANCY_FRESH_DAYS",
    "BoundingBox",
    "PostcodeKind",
    "VacancyStatus",
    "bounding_box",
    "closest_word",
    "edit_distance",
    "max_typo_distance",
    "miles_between",
    "normalise_postcode",
    "postcode_kind",
    "query_words",
    "vacancy_status",
    "words",
]

#: Mean radius of the Earth in statute miles (IUGG mean radius 6,371.0088 km).
EARTH_RADIUS_MILES = 3958.7613

#: A capacity report older than this says nothing about vacancies today.
VACANCY_FRESH_DAYS = 14


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    """Every point within the radius lies inside; some corners lie outside it."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def bounding_box(lat: float, lon: float, miles: float) -> BoundingBox:
    """The latitude/longitude box around a point that holds the whole circle of `miles`.

    Longitude degrees shrink towards the poles, so the box is widened by the cosine of the
    latitude nearest the pole inside it (England sits far from the poles and the date line).
    """
    if miles < 0:
        raise ValueError("radius must not be negative")
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    far_lat = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, dlat / math.cos(math.radians(far_lat)))
    return BoundingBox(
        min_lat=max(-90.0, lat - dlat),
        max_lat=min(90.0, lat + dlat),
        min_lon=lon - dlon,
        max_lon=lon + dlon,
    )


# --- Place and need tokens in the search index -------------------------------------------------

#: The search index files each service under the grid cells its places lie in, at each of
#: `CELL_LEVELS` sizes: level 0 is 0.1° of latitude by 0.15° of longitude (about 7 by 6 miles
#: in England), each level 4 times coarser on each side. A radius search asks the index for
#: the cells covering its box (at the finest level needing at most `MAX_CELLS`), with its
#: words and needs, in one query, so only services near the place are ever visited; the
#: exact distance still decides.
CELL_LEVELS = 4
CELL_LAT = 0.1
CELL_LON = 0.15
CELL_GROWTH = 4
MAX_CELLS = 24


def _cell_size(level: int) -> tuple[float, float]:
    scale = CELL_GROWTH**level
    return CELL_LAT * scale, CELL_LON * scale


def _cell_index(lat: float, lon: float, level: int) -> tuple[int, int]:
    size_lat, size_lon = _cell_size(level)
    lat = min(90.0, max(-90.0, lat))
    lon = min(180.0, max(-180.0, lon))
    return math.floor((lat + 90.0) / size_lat), math.floor((lon + 180.0) / size_lon)


def _cell_token(level: int, row: int, column: int) -> str:
    # Letters and digits only (the index's word splitter keeps it whole), ending in a digit
    # (no stemmer changes it).
    return f"g{level}x{row}y{column}"


def place_tokens(lat: float, lon: float) -> list[str]:
    """The cells a point lies in, one per level: what the index holds for a located place."""
    return [_cell_token(level, *_cell_index(lat, lon, level)) for level in range(CELL_LEVELS)]


def cells_covering(box: BoundingBox) -> list[str]:
    """The cells of the finest level that cover the box with at most MAX_CELLS (the coarsest
    level however many it takes, for a radius of hundreds of miles)."""
    for level in range(CELL_LEVELS):
        low_row, low_column = _cell_index(box.min_lat, box.min_lon, level)
        high_row, high_column = _cell_index(box.max_lat, box.max_lon, level)
        count = (high_row - low_row + 1) * (high_column - low_column + 1)
        if count <= MAX_CELLS or level == CELL_LEVELS - 1:
            return [
                _cell_token(level, row, column)
                for row in range(low_row, high_row + 1)
                for column in range(low_column, high_column + 1)
            ]
    raise AssertionError("unreachable")  # pragma: no cover


def need_token(code: str) -> str:
    """The index's token for a need category ('breaks-and-respite' → 'needbreaksandrespite0'):
    letters and digits only, ending in a digit. Two codes differing only in punctuation would
    share a token; the category filter itself still decides, the token only narrows."""
    return "need" + "".join(ch for ch in code.lower() if ch.isalnum()) + "0"


# --- Postcodes ---------------------------------------------------------------------------------

OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
INWARD_RE = re.compile(r"^[0-9][A-Z]{2}$")


class PostcodeKind(StrEnum):
    FULL = "full"
    OUTWARD = "outward"
    NOT_A_POSTCODE = "none"


def normalise_postcode(text: str) -> str:
    """Upper case with one space before the inward code ("st41aa" → "ST4 1AA")."""
    compact = "".join(text.upper().split())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_kind(text: str) -> PostcodeKind:
    """Whether the text is shaped like a full postcode, an outward code, or neither."""
    compact = "".join(text.upper().split())
    if OUTWARD_RE.match(compact):
        return PostcodeKind.OUTWARD
    if len(compact) >= 5 and OUTWARD_RE.match(compact[:-3]) and INWARD_RE.match(compact[-3:]):
        return PostcodeKind.FULL
    return PostcodeKind.NOT_A_POSTCODE


# --- Vacancies ---------------------------------------------------------------------------------


class VacancyStatus(StrEnum):
    HAS_VACANCIES = "has_vacancies"
    FULL = "full"
    UNKNOWN = "unknown"


def vacancy_status(reported_on: date | None, vacancies: int | None, today: date) -> VacancyStatus:
    """What a resident may be told about vacancies from the latest capacity report.

    A report more than 14 days old, from the future, or without a figure is unknown.
    """
    if reported_on is None or vacancies is None:
        return VacancyStatus.UNKNOWN
    age = today - reported_on
    if age < timedelta(0) or age > timedelta(days=VACANCY_FRESH_DAYS):
        return VacancyStatus.UNKNOWN
    return VacancyStatus.HAS_VACANCIES if vacancies > 0 else VacancyStatus.FULL


# --- Words -------------------------------------------------------------------------------------

#: Words that carry no meaning in a directory search; dropped on both databases alike.
STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "get",
        "i",
        "in",
        "into",
        "is",
        "it",
        "me",
        "my",
        "near",
        "need",
        "needs",
        "of",
        "on",
        "or",
        "our",
        "service",
        "services",
        "some",
        "support",
        "that",
        "the",
        "their",
        "them",
        "there",
        "they",
        "this",
        "to",
        "us",
        "we",
        "with",
        "who",
        "you",
        "your",
    }
)
#: Longest word kept: no real word is longer, and it bounds the work a query can cause.
MAX_WORD_LENGTH = 40
#: Most words a query is searched for: a pasted essay is cut to its first words.
MAX_QUERY_WORDS = 12

WORD_RE = re.compile(r"[a-z0-9]+")
APOSTROPHES_RE = re.compile(r"['’‘`]")


def _fold(text: str) -> str:
    """Lower case without accents or apostrophes ("Alzheimer's" → "alzheimers", "café" → "cafe")."""
    folded = text.casefold()
    if not folded.isascii():  # most text is: skip the slow per-character pass
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return APOSTROPHES_RE.sub("", folded)


def words(text: str) -> list[str]:
    """Every word of a text, folded, in order (for the vocabulary of names)."""
    return [w for w in WORD_RE.findall(_fold(text)) if len(w) <= MAX_WORD_LENGTH]


def query_words(text: str) -> list[str]:
    """The distinct meaningful words of a query, in order, at most MAX_QUERY_WORDS."""
    seen: list[str] = []
    for word in words(text):
        if word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring letters each cost one. With `limit`, any answer above it is limit + 1."""
    if a == b:
        return 0
    cap = limit if limit is not None else max(len(a), len(b))
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > cap:
            return cap + 1
        previous2, previous = previous, current
    return min(previous[-1], cap + 1)


def max_typo_distance(word: str) -> int:
    """How many edits a word may be from the word meant: none for short words, where one edit
    makes another real word, one for five to seven letters, two for longer words."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


def closest_word(word: str, vocabulary: Iterable[str]) -> str | None:
    """The known word nearest to a misspelt one within `max_typo_distance`, or None.

    Ties go to the alphabetically first word, so the same query always searches the same.
    """
    limit = max_typo_distance(word)
    if limit == 0:
        return None
    best: tuple[int, str] | None = None
    for candidate in vocabulary:
        if candidate == word:
            return None  # the word is known: nothing to correct
        distance = edit_distance(word, candidate, limit)
        if distance <= limit and (best is None or (distance, candidate) < best):
            best = (distance, candidate)
    return best[1] if best else None
