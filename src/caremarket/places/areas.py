"""Where wards and localities are: the mean position of their postcodes.

A ward's centroid is the mean latitude/longitude of the postcodes the postcode table places
in it (Code-Point Open gives every postcode its ward); a locality's is the mean over its
wards' postcodes (each postcode counts once, so a big ward weighs more). Run after wards,
localities or postcodes are imported; an area with no postcodes held keeps no position and
is not offered as a place to search from.
"""

from __future__ import annotations

from django.db.models import Avg, Count

from caremarket.places.models import Area, Postcode


def refresh_centroids() -> int:
    """Recompute every ward's and locality's centroid; return how many changed."""
    wards = list(Area.objects.filter(kind=Area.Kind.WARD).exclude(code=""))
    if not wards:
        return 0
    stats = {
        row["ward_code"]: (row["lat"], row["lon"], row["n"])
        for row in Postcode.objects.filter(ward_code__in={w.code for w in wards})
        .values("ward_code")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"), n=Count("id"))
    }
    changed: list[Area] = []
    sums: dict[int, list[float]] = {}
    for ward in wards:
        lat, lon, n = stats.get(ward.code, (None, None, 0))
        point = (
            (round(lat, 6), round(lon, 6)) if lat is not None and lon is not None else (None, None)
        )
        if (ward.latitude, ward.longitude) != point:
            ward.latitude, ward.longitude = point
            changed.append(ward)
        if ward.parent_id is not None and n and lat is not None and lon is not None:
            total = sums.setdefault(ward.parent_id, [0.0, 0.0, 0])
            total[0] += lat * n
            total[1] += lon * n
            total[2] += n
    for locality in Area.objects.filter(kind=Area.Kind.LOCALITY):
        total = sums.get(locality.pk)
        point = (
            (round(total[0] / total[2], 6), round(total[1] / total[2], 6))
            if total
            else (None, None)
        )
        if (locality.latitude, locality.longitude) != point:
            locality.latitude, locality.longitude = point
            changed.append(locality)
    Area.objects.bulk_update(changed, ["latitude", "longitude"], batch_size=500)
    return len(changed)
