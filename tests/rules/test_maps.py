"""rules.maps: a council's tile server URL template and attribution, checked."""

from __future__ import annotations

import pytest

from caremarket.rules.maps import TileServer, tile_server

OSM = "© OpenStreetMap contributors"


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        (
            "  https://Tiles.Example.org:8443/osm/{z}/{x}/{y}{r}.png  ",
            "https://tiles.example.org:8443",
        ),
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        (
            "https://maps.example.gov.uk/wmts?layer=road&z={z}&x={x}&y={y}&key=abc123",
            "https://maps.example.gov.uk",
        ),
        ("http://localhost:8080/{z}/{x}/{y}.png", "http://localhost:8080"),
        ("http://127.0.0.1/{z}/{x}/{y}.png", "http://127.0.0.1"),
        ("http://[::1]:9000/{z}/{x}/{y}.png", "http://[::1]:9000"),
    ],
)
def test_a_tile_url_is_allowed_by_its_origin_alone(template: str, source: str) -> None:
    server = tile_server(template, f"  {OSM}\n")
    assert server == TileServer(template=template.strip(), attribution=OSM, source=source)


def test_no_tiles_is_no_map() -> None:
    assert tile_server("", "") is None
    assert tile_server("   ", "  ") is None


@pytest.mark.parametrize(
    ("template", "attribution", "message"),
    [
        ("", OSM, "attribution is set but no map tile URL"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "", "a map needs its attribution"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "  ", "a map needs its attribution"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "©" * 301, "the most is 300"),
        ("https://t.example.org/" + "a" * 600 + "/{z}/{x}/{y}", OSM, "the most is 500"),
        ("http://tiles.example.org/{z}/{x}/{y}.png", OSM, "must start https://"),
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", OSM, "must be a web address"),
        ("tiles.example.org/{z}/{x}/{y}.png", OSM, "must be a web address"),
        ("https:///{z}/{x}/{y}.png", OSM, "must be a web address"),
        ("https://tiles.example.org/{z}/{x}.png", OSM, "must have {y} in it once"),
        ("https://tiles.example.org/{z}/{x}/{y}/{y}.png", OSM, "must have {y} in it once"),
        ("https://tiles.example.org/{z}/{x}/{y}.png?k={apikey}", OSM, "placeholders {apikey}"),
        ("https://tiles.example.org/{s}/{z}/{x}/{y}.png", OSM, "{s} (a sub-domain) can only start"),
        ("https://a.{s}.example.org/{z}/{x}/{y}.png", OSM, "must be a plain host name"),
        ("https://user:pw@tiles.example.org/{z}/{x}/{y}.png", OSM, "must be a plain host name"),
        ("https://tiles.example.org; script-src *;/{z}/{x}/{y}", OSM, "space, quote or semicolon"),
        ("https://tiles.example.org/{z}/{x}/{y}.png'", OSM, "space, quote or semicolon"),
        ("https://tiles.exa mple.org/{z}/{x}/{y}.png", OSM, "space, quote or semicolon"),
        ("https://*.example.org/{z}/{x}/{y}.png", OSM, "must be a plain host name"),
        ("https://-bad.example.org/{z}/{x}/{y}.png", OSM, "must be a plain host name"),
    ],
)
def test_a_bad_setting_says_what_is_wrong(template: str, attribution: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        tile_server(template, attribution)
    assert message in str(raised.value)
    assert len(str(raised.value)) < 300  # a huge value is not echoed in full
