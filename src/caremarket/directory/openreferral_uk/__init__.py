"""The Open Referral UK 3.0 specification as data (CC BY-SA 4.0; see README.md here).

A package only so that the JSON files ship with caremarket: the API serves `openapi.json`
and the tests validate every response against `schema/` offline.
"""

from pathlib import Path

#: The folder holding `openapi.json`, `schema/` and `examples/`.
HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schema"
#: The address the schemas' absolute `$ref`s start with.
SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"
