"""Encryption at rest for residents' answers: Fernet keys from `settings.DATA_KEYS`.

A MultiFernet encrypts with the first key and decrypts with any, so a council rotates by
putting a new key first, running `caremarket assessments rotate-key`, then dropping the old
key (README, "Personal data").
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.DATA_KEYS))


def encrypt_json(value: Any) -> str:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return fernet().encrypt(data.encode("utf-8")).decode("ascii")


def decrypt_json(token: str) -> Any:
    try:
        return json.loads(fernet().decrypt(token.encode("ascii")))
    except InvalidToken:
        # Not readable with any configured key: say so without echoing the token.
        raise ValueError("encrypted data cannot be read with the configured data keys") from None


def rotate(token: str) -> str:
    """The same data re-encrypted with the newest key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedJSONField(models.TextField):
    """JSON stored as a Fernet token: the database never holds the answers in clear.

    Not searchable or filterable by content, on purpose: nothing should query answers.
    """

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        if value is None or value == "":
            return None if value is None else {}
        return decrypt_json(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_json(value)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), default=str)
