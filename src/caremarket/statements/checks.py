"""The figure checks an edition's council data must pass (or have acknowledged) to publish."""

from __future__ import annotations

from caremarket.needs.checks import CheckedFinding, council_findings
from caremarket.places.models import LocalAuthority


def figure_findings(council: LocalAuthority) -> list[CheckedFinding]:
    """Each consistency finding on the council's figures, with staff's explanation if any."""
    return council_findings(council)
