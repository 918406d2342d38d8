"""Keys a council does not set are generated once per installation and kept; bad ones refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRINT_KEYS = (
    "import caremarket.settings as s; "
    "print(s.SECRET_KEY); print(','.join(s.DATA_KEYS)); print(s.PSEUDONYM_KEY.hex())"
)


def settings_in(var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CAREMARKET_")}
    environment.update(CAREMARKET_VAR_DIR=str(var_dir), **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_KEYS], capture_output=True, text=True, env=environment
    )


def test_unset_keys_are_generated_once_owner_only_and_kept(tmp_path):
    first = settings_in(tmp_path)
    assert first.returncode == 0, first.stderr
    secret, data, pseudonym = first.stdout.split()
    assert len(secret) >= 50 and len(data) == 44 and len(pseudonym) == 64
    for name in ("secret_key", "data_key", "pseudonym_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    assert settings_in(tmp_path).stdout == first.stdout
    assert settings_in(tmp_path / "elsewhere").stdout != first.stdout


def test_keys_from_the_environment_win_and_write_nothing(tmp_path):
    key = "A" * 43 + "="
    done = settings_in(
        tmp_path,
        CAREMARKET_SECRET_KEY="a council's own secret key of some length",
        CAREMARKET_DATA_KEY=f"{key}, {key}",
        CAREMARKET_PSEUDONYM_KEY=key,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "a", "council's", "own", "secret", "key", "of", "some", "length",
        f"{key},{key}", "00" * 32,
    ]  # fmt: skip
    assert not list(tmp_path.iterdir())


def test_malformed_keys_are_refused_naming_the_variable(tmp_path):
    short = settings_in(tmp_path, CAREMARKET_DATA_KEY="not-a-key")
    assert short.returncode != 0
    assert "CAREMARKET_DATA_KEY must be one or more Fernet keys" in short.stderr
    weak = settings_in(tmp_path, CAREMARKET_PSEUDONYM_KEY="c2hvcnQ=")
    assert weak.returncode != 0
    assert "CAREMARKET_PSEUDONYM_KEY must be at least 32" in weak.stderr
