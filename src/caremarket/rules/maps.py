"""A council's map tile server, checked before any page names it.

A council that runs (or buys) a tile server sets its URL template, the kind Leaflet fills in
(`https://tiles.example.org/{z}/{x}/{y}.png`, with `{s}` for a sub-domain and `{r}` for
"@2x" on sharp screens), and the attribution its licence asks for. The template goes into
pages and into the Content-Security-Policy, so it is refused unless it is plainly a tile URL:
HTTPS (plain HTTP only for a server on this machine), a host name of letters, digits, dots
and hyphens (`{s}` only as its first label, allowed in the policy as `*.`), each of `{z}`,
`{x}` and `{y}` once, and no other placeholder, space, quote or semicolon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["MAX_ATTRIBUTION", "MAX_TEMPLATE", "TileServer", "tile_server"]

MAX_TEMPLATE = 500
MAX_ATTRIBUTION = 300
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_KNOWN = {"z", "x", "y", "s", "r"}
_HOST = re.compile(r"(\{s\}\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")
_UNSAFE = re.compile(r"[\s\"'<>;\\`]")


@dataclass(frozen=True)
class TileServer:
    #: The URL template, as Leaflet takes it.
    template: str
    #: Whose map it is, in plain words ("© OpenStreetMap contributors").
    attribution: str
    #: The Content-Security-Policy source that lets pages load its tiles.
    source: str


def tile_server(template: str, attribution: str) -> TileServer | None:
    """The configured tile server, None when there is none, or ValueError saying what is wrong."""
    template = template.strip()
    attribution = " ".join(attribution.split())
    if not template:
        if attribution:
            raise ValueError("a map attribution is set but no map tile URL: set both or neither.")
        return None
    if len(template) > MAX_TEMPLATE:
        raise ValueError(
            f"the map tile URL is {len(template):,} characters long; the most is {MAX_TEMPLATE}."
        )
    shown = template if len(template) <= 60 else template[:60] + "…"
    if _UNSAFE.search(template):
        raise ValueError(f"the map tile URL {shown!r} has a space, quote or semicolon in it.")
    parts = urlsplit(template)
    host = parts.netloc.lower()
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError(
            f"the map tile URL {shown!r} must be a web address such as "
            "https://tiles.example.org/{z}/{x}/{y}.png."
        )
    name = host[: host.index("]") + 1] if host.startswith("[") and "]" in host else host
    name = name if name.startswith("[") else name.rsplit(":", 1)[0]
    if parts.scheme == "http" and name not in LOCAL_HOSTS:
        raise ValueError(
            f"the map tile URL {shown!r} must start https:// (http:// only for this machine)."
        )
    if name not in LOCAL_HOSTS and not _HOST.fullmatch(host):
        raise ValueError(
            f"the map tile URL's host {host[:60]!r} must be a plain host name "
            "({s}. allowed at its start)."
        )
    found = _PLACEHOLDER.findall(template)
    unknown = sorted({name for name in found if name not in _KNOWN})
    if unknown:
        raise ValueError(
            f"the map tile URL has placeholders {', '.join('{' + n + '}' for n in unknown)}; "
            "only {z}, {x}, {y}, {s} and {r} are filled in."
        )
    for name in ("z", "x", "y"):
        if found.count(name) != 1:
            raise ValueError(
                f"the map tile URL must have {{{name}}} in it once, as {{z}}/{{x}}/{{y}}."
            )
    if "{s}" in parts.path + parts.query + parts.fragment:
        raise ValueError("{s} (a sub-domain) can only start the map tile URL's host.")
    if not attribution:
        raise ValueError(
            "a map needs its attribution, as the tile server's licence words it "
            "(for example '© OpenStreetMap contributors')."
        )
    if len(attribution) > MAX_ATTRIBUTION:
        raise ValueError(
            f"the map attribution is {len(attribution):,} characters long; "
            f"the most is {MAX_ATTRIBUTION}."
        )
    source = f"{parts.scheme}://{host.replace('{s}.', '*.')}"
    return TileServer(template=template, attribution=attribution, source=source)
