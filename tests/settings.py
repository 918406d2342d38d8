"""Settings for the test run: the production settings with test-only storage locations."""

import os
import tempfile

os.environ.setdefault("CAREMARKET_MANIFEST_STATIC", "false")
os.environ.setdefault("CAREMARKET_VAR_DIR", tempfile.mkdtemp(prefix="caremarket-test-var-"))
os.environ.setdefault("CAREMARKET_STATIC_ROOT", os.environ["CAREMARKET_VAR_DIR"])
# Each test makes the councils it needs; tests of the built-in list load it themselves.
os.environ.setdefault("CAREMARKET_COUNCILS", "none")

from caremarket.settings import *  # noqa: F403
