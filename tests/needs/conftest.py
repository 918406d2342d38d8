from __future__ import annotations

import pytest

from caremarket.demo import load_councils
from caremarket.places.models import LocalAuthority


@pytest.fixture
def councils(db: None) -> list[LocalAuthority]:
    """The demo's three councils (Stoke-on-Trent, Coventry, Bath and North East Somerset)."""
    return load_councils()
