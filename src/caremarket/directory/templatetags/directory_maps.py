"""The directory's optional map: `{% results_map page %}` and `{% service_map service %}`.

Only where the council configured a tile server (`settings.MAP_TILES`, see `rules.maps`) and
something on the page has coordinates. The map repeats what the page already lists, so
without JavaScript (or tiles) nothing is lost: its box stays hidden until `js/map.js` draws it,
and that script and Leaflet are only named on a page that has a map.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import pluralize
from django.urls import reverse

from caremarket.directory.models import Service, ServiceLocation
from caremarket.directory.search import SearchPage

register = template.Library()


def _point(place: ServiceLocation, service: Service, link: bool) -> dict[str, Any]:
    named = service.name if not place.name or place.name == service.name else place.name
    point: dict[str, Any] = {
        "lat": round(float(place.latitude or 0), 6),
        "lon": round(float(place.longitude or 0), 6),
        "name": named if named == service.name else f"{service.name}: {named}",
    }
    if link:
        point["url"] = reverse("directory:service", kwargs={"pk": service.pk})
    return point


def _located(places: Iterable[ServiceLocation]) -> list[ServiceLocation]:
    return [p for p in places if p.latitude is not None and p.longitude is not None]


def _map(
    key: str, label: str, points: list[dict[str, Any]], centre: dict[str, Any] | None = None
) -> dict[str, Any]:
    tiles = settings.MAP_TILES
    if tiles is None or not points:
        return {"map": None}
    return {
        "map": {
            "id": f"map-{key}",
            "data_id": f"map-{key}-data",
            "label": label,
            "tiles": tiles.template,
            "attribution": tiles.attribution,
            "data": {"points": points, "centre": centre},
        }
    }


@register.inclusion_tag("directory/map.html")
def results_map(page: SearchPage | None) -> dict[str, Any]:
    """The located places of this page of results, and the place searched from."""
    if settings.MAP_TILES is None or page is None or not page.results:
        return {"map": None}
    services = {r.service.pk: r.service for r in page.results}
    # The search prefetched each service's places (ordered by name): no query here.
    places = _located(p for r in page.results for p in r.service.locations.all())
    points = [_point(p, services[p.service_id], link=True) for p in places]
    centre = None
    where = page.place
    if where is not None and where.latitude is not None and where.longitude is not None:
        centre = {
            "lat": round(where.latitude, 6),
            "lon": round(where.longitude, 6),
            "name": f"You searched near {where.label}",
        }
    shown, total = len({p.service_id for p in places}), len(services)
    label = f"Map of the {total} service{pluralize(total)} on this page"
    if shown < total:
        label = (
            f"Map of {shown} of the {total} services on this page "
            "(the others have no address that can be shown on a map)"
        )
    return _map("results", label, points, centre)


@register.inclusion_tag("directory/map.html")
def service_map(service: Service) -> dict[str, Any]:
    """Where this service is: its located places."""
    if settings.MAP_TILES is None:
        return {"map": None}
    points = [_point(p, service, link=False) for p in _located(service.locations.all())]
    return _map("service", f"Map of where {service.name} is", points)
