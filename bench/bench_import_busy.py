"""Residents saving answers while a 120,000-row CQC register imports, on SQLite.

`caremarket serve` (gunicorn, 2 workers) serves a throwaway SQLite database; a child process
runs `caremarket import cqc-hsca` of a generated 120,000-location HSCA file (the layout of
bench_import_hsca.py) into the same database. Meanwhile RESIDENTS simulated residents each
press "save and come back later" on the postcode question (`POST /help/needs/q/where/`, which
writes their answers and their session) every SAVE_EVERY seconds, each with their own session
and CSRF token. A save succeeds when it redirects (302); a wait is the time until the answer
came back. Floor: the same saves for FLOOR_SECONDS with no import running.
Run: python bench/bench_import_busy.py
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

LOCATIONS = int(os.environ.get("BENCH_BUSY_LOCATIONS", "120000"))
RESIDENTS = 4
SAVE_EVERY = 0.25
FLOOR_SECONDS = 10.0
TARGET_P95_S = 2.0
SAVE_PATH = "/help/needs/q/where/"


def prepare(work: Path) -> None:
    """In a child process: migrate, load the demo councils, write the register file."""
    import django

    django.setup()
    from bench_import_hsca import generate
    from django.core.management import call_command

    from caremarket.demo import load_councils

    call_command("migrate", verbosity=0)
    councils = [c.name for c in load_councils()] + [f"Council {k}" for k in range(147)]
    generate(work / "HSCA_Active_Locations.csv", councils, LOCATIONS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Resident:
    """One browser: its cookies, the CSRF token, and the waits of its saves."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.results: list[tuple[float, int]] = []

    def send(self, method: str, path: str, body: str = "") -> tuple[float, int]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return elapsed, response.status

    def save_until(self, stop: threading.Event) -> None:
        self.send("GET", SAVE_PATH)  # the CSRF cookie, as a browser showing the page gets it
        body = urlencode({"postcode": "", "save": "Save and come back later"})
        while not stop.is_set():
            self.results.append(self.send("POST", SAVE_PATH, body))
            stop.wait(SAVE_EVERY)


def saves_while(port: int, until: Callable[[], None]) -> list[tuple[float, int]]:
    stop = threading.Event()
    residents = [Resident(port) for _ in range(RESIDENTS)]
    threads = [threading.Thread(target=r.save_until, args=(stop,)) for r in residents]
    for thread in threads:
        thread.start()
    try:
        until()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return [result for r in residents for result in r.results]


def figures(results: list[tuple[float, int]]) -> dict[str, float]:
    waits = sorted(wait for wait, _ in results)
    return {
        "saves": len(results),
        "failed": sum(1 for _, status in results if status != 302),
        "statuses": sorted({status for _, status in results}),
        "p50_s": statistics.median(waits),
        "p95_s": waits[min(len(waits) - 1, int(len(waits) * 0.95))],
        "max_s": waits[-1],
    }


def main(work: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caremarket.settings",
        "CAREMARKET_VAR_DIR": str(work),
        "CAREMARKET_SECRET_KEY": "bench-" + "x" * 50,
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, __file__, "--prepare", str(work)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"preparing failed:\n{done.stderr[-3000:]}")
    path = work / "HSCA_Active_Locations.csv"
    caremarket = str(Path(sys.executable).parent / "caremarket")
    port = free_port()
    server = subprocess.Popen(
        [caremarket, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                if Resident(port).send("GET", "/api/v1/health")[1] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        floor = figures(saves_while(port, lambda: time.sleep(FLOOR_SECONDS)))
        timing: dict[str, float] = {}

        def run_import() -> None:
            started = time.perf_counter()
            done = subprocess.run(
                [caremarket, "import", "cqc-hsca", str(path)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            timing["import_s"] = time.perf_counter() - started
            if done.returncode:
                raise RuntimeError(
                    f"the import failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
                )

        during = figures(saves_while(port, run_import))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"floor": floor, "during": during, **timing}


def report(result: dict[str, object]) -> None:
    floor, during = result["floor"], result["during"]
    assert isinstance(floor, dict) and isinstance(during, dict)
    import_s = float(result["import_s"])  # type: ignore[arg-type]
    print(
        f'{RESIDENTS} residents each press "save and come back later" on the postcode question '
        f"(`POST {SAVE_PATH}`, answers and session written) every {SAVE_EVERY} s, against "
        "`caremarket serve` (2 gunicorn workers) on SQLite, while `caremarket import cqc-hsca` "
        f"of a generated {LOCATIONS:,}-location HSCA file runs in another process "
        "(directory listings and search index included). The import writes in slices of "
        "about half a second with an undo journal (`imports/sharing.py`). Floor: the same "
        f"saves for {FLOOR_SECONDS:.0f} s with no import. A save succeeds when it redirects; "
        "the wait is until the answer came back.\n"
    )
    print("| run | while | saves | failed | p50 wait (s) | p95 wait (s) | max wait (s) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, row, note in (
        ("floor", floor, "no import"),
        ("during the import", during, f"{LOCATIONS:,} rows in {import_s:.0f} s"),
    ):
        print(
            f"| {label} | {note} | {row['saves']:,} | {row['failed']} | {row['p50_s']:.3f} | "
            f"{row['p95_s']:.3f} | {row['max_s']:.3f} |"
        )
    verdict = "met" if not during["failed"] and during["p95_s"] < TARGET_P95_S else "NOT met"
    print(
        f"\nTarget (every save succeeds, p95 wait under {TARGET_P95_S:.0f} s): {verdict}. "
        f"Import: {LOCATIONS / import_s:,.0f} rows/s with the saves going on."
    )
    print(
        json.dumps(
            {
                "bench": "import_busy",
                "locations": LOCATIONS,
                "import_s": round(import_s, 1),
                "floor": {k: v for k, v in floor.items() if k != "statuses"},
                "during": {k: v for k, v in during.items() if k != "statuses"},
                "statuses_during": during["statuses"],
            }
        )
    )
    if verdict != "met":
        raise SystemExit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(Path(sys.argv[2]))
        raise SystemExit(0)
    directory = Path(tempfile.mkdtemp(prefix="bench-busy-"))
    try:
        report(main(directory))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
