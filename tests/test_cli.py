"""The `caremarket` command, run as a council would run it: in a subprocess."""

import os
import re
import subprocess

import pytest

from tests.conftest import CAREMARKET as BIN
from tests.conftest import caremarket as run


def test_help_lists_the_commands():
    done = run("--help")
    assert done.returncode == 0
    for command in ("serve", "migrate", "demo", "import", "check", "calc", "mps"):
        assert f"  {command} " in done.stdout


def test_a_wrong_database_url_stops_with_one_line_naming_the_setting():
    done = run("migrate", DATABASE_URL="mysql://someone@somewhere/db")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreachable_database_stops_with_one_line(tmp_path):
    done = run("migrate", DATABASE_URL="postgresql://nobody@127.0.0.1:1/caremarket")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "cannot reach the PostgreSQL database caremarket" in done.stderr
    assert "DATABASE_URL" in done.stderr


def test_a_bad_setting_is_named(tmp_path):
    done = run("migrate", CAREMARKET_DEBUG="perhaps", CAREMARKET_VAR_DIR=str(tmp_path))
    assert done.returncode == 1
    assert "CAREMARKET_DEBUG must be true or false" in done.stderr


def test_serve_refuses_a_bad_port(tmp_path):
    done = run("serve", "--port", "70000", CAREMARKET_VAR_DIR=str(tmp_path))
    assert done.returncode != 0
    assert "--port must be between 1 and 65535" in done.stderr


@pytest.mark.sqlite_only  # the demo has its own SQLite database whichever run this is
def test_demo_loads_the_three_councils_and_prints_a_login(demo_site):
    # The session's one demo load (shared with the walk of every public page).
    done, tmp_path = demo_site.loaded, demo_site.var_dir
    assert done.returncode == 0, done.stderr
    for name in ("Stoke-on-Trent", "Coventry", "Bath and North East Somerset"):
        assert name in done.stdout
    assert "username: admin" in done.stdout
    assert "password: " in done.stdout
    # invented staff of real register providers, two per council for quality and Stoke's
    # busiest home-care provider for brokerage, and Stoke's commissioner, quality officer
    # and broker, labelled
    assert done.stdout.count("(invented), ") == 10
    assert "Commissioner: Asha Patel (invented), Stoke-on-Trent" in done.stdout
    assert "Quality officer: Grace Mensah (invented), Stoke-on-Trent" in done.stdout
    assert "Broker (practitioner): Nadia Shah (invented), Stoke-on-Trent" in done.stdout
    assert "username: stoke-on-trent-quality  password: " in done.stdout
    assert "username: stoke-on-trent-broker  password: " in done.stdout
    assert "Demo broker" not in done.stdout and "Demo quality officer" not in done.stdout
    assert "username: stoke-on-trent-commissioner  password: " in done.stdout
    assert "username: stoke-on-trent-provider-1  password: " in done.stdout
    assert "username: stoke-on-trent-home-care  password: " in done.stdout
    again = run("demo", "--no-migrate", CAREMARKET_VAR_DIR=str(tmp_path))
    assert again.returncode == 0, again.stderr
    # Re-importing the same files changes nothing.
    assert "0 written" in again.stdout
    assert not re.search(r"\b[1-9]\d* written", again.stdout), again.stdout


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_served_logs_hold_no_carry_on_token_and_long_api_addresses_get_json(tmp_path, pytestconfig):
    """`caremarket serve` for real: gunicorn's log and Django's, read back after requests."""
    if pytestconfig.getoption("--postgresql"):
        pytest.skip("uses no database: once, on the SQLite run, is enough")
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    log = tmp_path / "server.log"
    environment = {**os.environ, "CAREMARKET_VAR_DIR": str(tmp_path)}
    environment.update(CAREMARKET_STATIC_ROOT=str(tmp_path / "static"))
    environment.update(CAREMARKET_MANIFEST_STATIC="false", CAREMARKET_LOG_LEVEL="INFO")
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port), "--workers", "1"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    base = f"http://127.0.0.1:{port}"
    token = "eyJhIjo0Mn0SECRET-token-7f3a9c:1tXYZ:abcdefSIGNATURE"

    def get(path: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    try:
        for _ in range(300):
            try:
                get("/")
                break
            except OSError:
                time.sleep(0.1)
        status, _, _ = get(f"/help/return/{token}/")
        assert status == 404
        status, headers, _ = get("/api/v1/oruk/services?search=" + "x" * 7000)
        assert status in (400, 414) and headers["Content-Type"] == "application/json"
        assert headers["Access-Control-Allow-Origin"] == "*"
        status, headers, _ = get("/api/v1/oruk/services?search=" + "x" * 8100)
        assert status == 414 and headers["Content-Type"] == "application/json"
        assert headers["Access-Control-Allow-Origin"] == "*"
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert "/help/return/[link]/" in text  # the request was logged, without its token
    assert "SECRET" not in text
    assert "emails are not sent but written to" in text
