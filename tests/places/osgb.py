"""An independent OSGB36 grid → WGS84 conversion for the tests, from the formulas in Ordnance
Survey's "A guide to coordinate systems in Great Britain" (Annex C, the inverse transverse
Mercator projection on the Airy 1830 ellipsoid; section 6.6, the Helmert transformation with
OS's published WGS84 ↔ OSGB36 parameters, good to a few metres). The product uses pyproj;
this exists only so the tests can check it against a computation that does not."""

from __future__ import annotations

import math

AIRY = (6377563.396, 6356256.909)
GRS80 = (6378137.000, 6356752.3141)
F0 = 0.9996012717
PHI0, LAMBDA0 = math.radians(49), math.radians(-2)
E0, N0 = 400000.0, -100000.0
# OS's Helmert parameters from OSGB36 to WGS84 (the guide's table, inverted).
TX, TY, TZ = 446.448, -125.157, 542.060
S_PPM = -20.4894
RX, RY, RZ = 0.1502, 0.2470, 0.8421  # arc-seconds


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """(latitude, longitude) in radians on Airy 1830, OS guide Annex C."""
    a, b = AIRY
    e2 = 1 - b * b / (a * a)
    n = (a - b) / (a + b)

    def meridional(phi: float) -> float:
        return (
            b
            * F0
            * (
                (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * (phi - PHI0)
                - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(phi - PHI0) * math.cos(phi + PHI0)
                + (15 / 8 * n**2 + 15 / 8 * n**3)
                * math.sin(2 * (phi - PHI0))
                * math.cos(2 * (phi + PHI0))
                - 35 / 24 * n**3 * math.sin(3 * (phi - PHI0)) * math.cos(3 * (phi + PHI0))
            )
        )

    phi = (northing - N0) / (a * F0) + PHI0
    while abs(northing - N0 - meridional(phi)) >= 0.00001:
        phi += (northing - N0 - meridional(phi)) / (a * F0)
    sin, cos, tan = math.sin(phi), math.cos(phi), math.tan(phi)
    nu = a * F0 / math.sqrt(1 - e2 * sin**2)
    rho = a * F0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = 1 / (cos * nu)
    xi = 1 / (cos * 6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = 1 / (cos * 120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = 1 / (cos * 5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = easting - E0
    latitude = phi - vii * de**2 + viii * de**4 - ix * de**6
    longitude = LAMBDA0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return latitude, longitude


def _to_cartesian(lat: float, lon: float, ellipsoid: tuple[float, float]) -> tuple[float, ...]:
    a, b = ellipsoid
    e2 = 1 - b * b / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    return (
        nu * math.cos(lat) * math.cos(lon),
        nu * math.cos(lat) * math.sin(lon),
        (1 - e2) * nu * math.sin(lat),
    )


def _from_cartesian(
    x: float, y: float, z: float, ellipsoid: tuple[float, float]
) -> tuple[float, float]:
    a, b = ellipsoid
    e2 = 1 - b * b / (a * a)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z + e2 * nu * math.sin(lat), p)
    return lat, math.atan2(y, x)


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees on WGS84."""
    lat, lon = grid_to_osgb36(easting, northing)
    x, y, z = _to_cartesian(lat, lon, AIRY)
    s = S_PPM * 1e-6
    rx, ry, rz = (math.radians(r / 3600) for r in (RX, RY, RZ))
    tx, ty, tz = TX, TY, TZ
    x2 = tx + (1 + s) * x - rz * y + ry * z
    y2 = ty + rz * x + (1 + s) * y - rx * z
    z2 = tz - ry * x + rx * y + (1 + s) * z
    lat2, lon2 = _from_cartesian(x2, y2, z2, GRS80)
    return math.degrees(lat2), math.degrees(lon2)
