"""British National Grid eastings/northings to latitude/longitude, with pyproj.

EPSG:27700 (OSGB36 / British National Grid) to EPSG:4326 (WGS84), longitude first in and out.
PROJ picks the most accurate transformation it holds: the 7-parameter Helmert shift shipped in
pyproj's wheel (within about 5 metres across Great Britain), or OSTN15 (centimetres) where the
`proj-data` grid is installed. It never downloads a grid: PROJ's network access is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from pyproj import Transformer


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_latitude_longitude(
    eastings: Sequence[float], northings: Sequence[float]
) -> list[tuple[float, float]]:
    """(latitude, longitude) in degrees, rounded to 6 places (11 cm), for each grid point."""
    if not eastings:
        return []
    longitudes, latitudes = _transformer().transform(list(eastings), list(northings))
    return [(round(lat, 6), round(lon, 6)) for lat, lon in zip(latitudes, longitudes, strict=True)]
