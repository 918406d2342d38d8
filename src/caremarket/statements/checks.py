"""The figure checks an edition's council data must pass (or have acknowledged) to publish."""

from __future__ import annotations

from caremarket.needs.checks import findings_for_council
from caremarket.places.models import LocalAuthority


def figure_findings(council: LocalAuthority) -> list[tuple[str, str]]:
    """(stable key, words) for each consistency finding on the council's figures."""
    return [(f.key, str(f)) for f in findings_for_council(council)]
