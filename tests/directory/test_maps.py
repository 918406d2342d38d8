"""The directory's optional map: only where a council configured a tile server.

No tile server is reached: the tests check the settings, the policy, and the markup and data
that `js/map.js` reads (a page without the setting names no map script at all).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from caremarket.directory.models import ServiceLocation
from caremarket.rules.maps import tile_server
from tests.directory import test_search as shared
from tests.directory.test_search import BURSLEM, LONGTON, make_service

stoke = shared.stoke
coventry = shared.coventry
postcodes = shared.postcodes

ROOT = Path(__file__).resolve().parents[2]
TILES = tile_server("https://{s}.tiles.example.org/{z}/{x}/{y}.png", "© Example Maps")
SEARCH = reverse("directory:search")


def map_data(html: str, key: str) -> dict:
    found = re.search(rf'<script id="map-{key}-data" type="application/json">(.*?)</script>', html)
    assert found, f"no map-{key} data"
    return json.loads(found.group(1))


def assert_no_map(html: str) -> None:
    assert "leaflet" not in html and "map.js" not in html and "data-map" not in html


@pytest.fixture
def listings(postcodes, stoke):
    burslem = make_service("Burslem club", point=BURSLEM, council=stoke)
    ServiceLocation.objects.create(
        service=burslem, name="Burslem annexe", latitude=BURSLEM[0] + 0.01, longitude=BURSLEM[1]
    )
    return {
        "burslem": burslem,
        "longton": make_service("Longton club", point=LONGTON, council=stoke),
        "helpline": make_service("Stoke helpline", council=stoke),  # no address
    }


@pytest.mark.django_db
def test_without_a_tile_server_there_is_no_map_and_no_map_script(client, listings):
    search = client.get(SEARCH, {"postcode": "ST1 1AA", "radius": "10"})
    assert search.status_code == 200 and "Burslem club" in search.content.decode()
    assert_no_map(search.content.decode())
    page = client.get(reverse("directory:service", kwargs={"pk": listings["burslem"].pk}))
    assert page.status_code == 200 and "Burslem annexe" in page.content.decode()
    assert_no_map(page.content.decode())
    policy = page["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy and "tiles.example.org" not in policy


@pytest.mark.django_db
@override_settings(MAP_TILES=TILES)
def test_search_results_show_their_places_and_the_place_searched_from(client, listings):
    html = client.get(SEARCH, {"postcode": "ST1 1AA", "radius": "10"}).content.decode()
    box = re.search(r'<div class="cm-map[^"]*" data-map="map-results-data"[^>]*>', html)
    assert box and " hidden" in box.group(0)  # shown by the script, never an empty box
    assert 'data-tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in box.group(0)
    assert 'data-attribution="© Example Maps"' in box.group(0)
    assert "vendor/leaflet/leaflet.js" in html and "js/map.js" in html
    assert "vendor/leaflet/leaflet.css" in html
    data = map_data(html, "results")
    burslem, longton = listings["burslem"], listings["longton"]
    # every located place of the page's services, in the page's order (nearest first)
    assert [(p["name"], p["url"]) for p in data["points"]] == [
        ("Burslem club", reverse("directory:service", kwargs={"pk": burslem.pk})),
        ("Burslem club: Burslem annexe", reverse("directory:service", kwargs={"pk": burslem.pk})),
        ("Longton club", reverse("directory:service", kwargs={"pk": longton.pk})),
    ]
    assert (data["points"][0]["lat"], data["points"][0]["lon"]) == BURSLEM
    assert data["centre"]["name"] == "You searched near ST1 1AA"
    # the helpline has no address: said in words, and the list holds everything
    assert (
        "Map of 2 of the 3 services on this page "
        "(the others have no address that can be shown on a map)" in html
    )
    assert html.index("Stoke helpline") < html.index('data-map="map-results-data"')


@pytest.mark.django_db
@override_settings(MAP_TILES=TILES)
def test_a_search_without_a_place_maps_its_results_without_a_centre(client, listings):
    html = client.get(SEARCH, {"q": "club"}).content.decode()
    data = map_data(html, "results")
    assert data["centre"] is None and len(data["points"]) == 3
    assert "Map of the 2 services on this page" in html


@pytest.mark.django_db
@override_settings(MAP_TILES=TILES)
def test_nothing_located_is_no_map(client, listings):
    assert_no_map(client.get(SEARCH, {"q": "helpline"}).content.decode())
    page = client.get(reverse("directory:service", kwargs={"pk": listings["helpline"].pk}))
    assert_no_map(page.content.decode())
    assert_no_map(client.get(SEARCH, {"q": "nothing like this"}).content.decode())
    assert_no_map(client.get(SEARCH).content.decode())


@pytest.mark.django_db
@override_settings(MAP_TILES=TILES)
def test_a_service_page_maps_its_places(client, listings):
    html = client.get(
        reverse("directory:service", kwargs={"pk": listings["burslem"].pk})
    ).content.decode()
    data = map_data(html, "service")
    assert [p["name"] for p in data["points"]] == ["Burslem club", "Burslem club: Burslem annexe"]
    assert all("url" not in p for p in data["points"])  # already on its page
    assert 'aria-label="Map of where Burslem club is"' in html


@pytest.mark.django_db
@override_settings(MAP_TILES=tile_server("https://t.example.org/{z}/{x}/{y}.png", "A & <B>"))
def test_names_and_attribution_are_escaped(client, stoke):
    make_service("</script><script>alert(1)</script>", point=LONGTON, council=stoke)
    html = client.get(SEARCH, {"q": "alert"}).content.decode()
    assert "<script>alert(1)" not in html
    assert map_data(html, "results")["points"][0]["name"].startswith("</script>")
    assert 'data-attribution="A &amp; &lt;B&gt;"' in html


def settings_in_a_new_process(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAREMARKET_MAP")}
    environment.update(env, PYTHONPATH=str(ROOT / "src"))
    code = (
        "from caremarket import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['img-src'], settings.MAP_TILES)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60
    )


def test_the_setting_adds_its_tile_host_to_the_policy_and_a_bad_one_stops_the_start() -> None:
    done = settings_in_a_new_process(
        CAREMARKET_MAP_TILES="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
        CAREMARKET_MAP_ATTRIBUTION="© OpenStreetMap contributors",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[\"'self'\", 'data:', 'https://*.tile.openstreetmap.org']")
    assert settings_in_a_new_process().stdout.strip() == "[\"'self'\", 'data:'] None"
    bad = settings_in_a_new_process(
        CAREMARKET_MAP_TILES="https://tiles.example.org/{z}/{x}/{y}.png; script-src *"
    )
    assert bad.returncode == 1
    assert "ImproperlyConfigured: CAREMARKET_MAP_TILES / CAREMARKET_MAP_ATTRIBUTION" in bad.stderr
    assert "space, quote or semicolon" in bad.stderr


def test_leaflet_is_pinned_and_vendored_with_its_images_and_licence(tmp_path: Path) -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["dependencies"]["leaflet"])
    assert lock["packages"]["node_modules/leaflet"]["version"] == package["dependencies"]["leaflet"]
    spec = importlib.util.spec_from_file_location("vendor", ROOT / "scripts" / "vendor_frontend.py")
    assert spec and spec.loader
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    vendor.OUT = tmp_path
    vendor.copy_leaflet(vendor.NODE / "leaflet")
    leaflet = tmp_path / "leaflet"
    css = (leaflet / "leaflet.css").read_text(encoding="utf-8")
    for image in set(re.findall(r"url\((images/[^)]+)\)", css)):
        assert (leaflet / image).is_file(), image
    assert "sourceMappingURL" not in (leaflet / "leaflet.js").read_text(encoding="utf-8")
    assert "BSD" in (leaflet / "LICENSE").read_text(encoding="utf-8")
