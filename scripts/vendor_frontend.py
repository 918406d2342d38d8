"""Copy the pinned npm front-end packages into the static folder, debranded.

GOV.UK Frontend's compiled CSS names the GDS Transport typeface and the royal crest, both
restricted to GOV.UK services. A council's service must not use them, so this strips the
@font-face rules and the crest and falls back to the system sans-serif stack. Leaflet (the
directory's optional map) is copied to vendor/leaflet/ with its images and licence. Run by `make`.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "src" / "caremarket" / "static" / "vendor"


def debrand_css(css: str) -> str:
    """Remove GOV.UK-only typeface and crest references from compiled CSS."""
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", "font-family:arial,sans-serif")
    css = css.replace("font-family:GDS Transport", "font-family:arial")
    css = css.replace("url(/assets/images/govuk-crest.svg)", "none")
    if "/assets/" in css:
        raise SystemExit("govuk-frontend CSS still references /assets/: update vendor_frontend.py")
    return re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)


def without_source_maps(text: str) -> str:
    return re.sub(r"(//|/\*)# sourceMappingURL=.*", "", text)


def copy_leaflet(leaflet: Path) -> None:
    """leaflet.js, leaflet.css, the images its CSS names, and its licence (BSD-2-Clause)."""
    out = OUT / "leaflet"
    (out / "images").mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        text = (leaflet / "dist" / name).read_text(encoding="utf-8")
        (out / name).write_text(without_source_maps(text), encoding="utf-8")
    for image in (leaflet / "dist" / "images").glob("*.png"):
        shutil.copyfile(image, out / "images" / image.name)
    shutil.copyfile(leaflet / "LICENSE", out / "LICENSE")


def main() -> int:
    govuk = NODE / "govuk-frontend" / "dist" / "govuk"
    autocomplete = NODE / "accessible-autocomplete" / "dist"
    leaflet = NODE / "leaflet"
    if not govuk.exists() or not autocomplete.exists() or not leaflet.exists():
        print("node_modules is missing: run `npm ci` first", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    css = (govuk / "govuk-frontend.min.css").read_text(encoding="utf-8")
    (OUT / "govuk-frontend.min.css").write_text(debrand_css(css), encoding="utf-8")
    js = (govuk / "govuk-frontend.min.js").read_text(encoding="utf-8")
    (OUT / "govuk-frontend.min.js").write_text(without_source_maps(js), encoding="utf-8")
    for name in ("accessible-autocomplete.min.js", "accessible-autocomplete.min.css"):
        text = (autocomplete / name).read_text(encoding="utf-8")
        (OUT / name).write_text(without_source_maps(text), encoding="utf-8")
    copy_leaflet(leaflet)
    print(f"front-end assets copied to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
