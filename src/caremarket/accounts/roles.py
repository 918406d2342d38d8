"""The roles a person can hold, and what each is for.

Residents need no account. Every other role is held for one council (a `Membership`), except
site admin, which runs the whole instance.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    RESIDENT = "resident", "Resident"
    PROVIDER = "provider", "Provider"
    PRACTITIONER = "practitioner", "Practitioner"
    COMMISSIONER = "commissioner", "Commissioner"
    QUALITY_OFFICER = "quality_officer", "Quality officer"
    COUNCIL_ADMIN = "council_admin", "Council admin"
    SITE_ADMIN = "site_admin", "Site admin"


#: Roles held for a council through a Membership (resident and site admin are not).
COUNCIL_ROLES = (
    Role.PROVIDER,
    Role.PRACTITIONER,
    Role.COMMISSIONER,
    Role.QUALITY_OFFICER,
    Role.COUNCIL_ADMIN,
)

#: Council staff who may read the audit log of their council.
AUDIT_READERS = frozenset({Role.COUNCIL_ADMIN, Role.QUALITY_OFFICER})
