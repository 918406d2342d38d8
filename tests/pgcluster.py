"""A throwaway PostgreSQL cluster for the test run, started from the machine's binaries.

No server needs to be running beforehand. PostgreSQL refuses to run as root, so when the tests
run as root the cluster belongs to the `postgres` system user. If it cannot start, the test run
stops with the reason: skipped tests are not passing tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("CAREMARKET_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    directory: Path
    port: int
    user: str
    as_postgres: bool

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        command = list(argv)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise ClusterError(f"PostgreSQL binaries not found in {PG_BIN} (set CAREMARKET_PG_BIN)")
        data = self.directory / "data"
        done = self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            self.user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        if done.returncode:
            raise ClusterError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        done = self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        if done.returncode:
            log = (self.directory / "log").read_text(errors="replace")[-2000:]
            raise ClusterError(f"pg_ctl start failed: {done.stderr.strip()} {log}")

    def stop(self) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"
        )
        shutil.rmtree(self.directory, ignore_errors=True)

    def database_settings(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "caremarket",
            "USER": self.user,
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "CONN_MAX_AGE": 0,
            "OPTIONS": {},
            "TEST": {"NAME": "test_caremarket"},
        }


def start_cluster() -> Cluster:
    as_postgres = os.geteuid() == 0
    directory = Path(tempfile.mkdtemp(prefix="caremarket-pg-"))
    if as_postgres:
        shutil.chown(directory, user="postgres", group="postgres")
    cluster = Cluster(directory, free_port(), "caremarket", as_postgres)
    try:
        cluster.start()
    except (ClusterError, subprocess.SubprocessError, OSError):
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return cluster
