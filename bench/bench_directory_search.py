"""Directory search at national scale: 100,000 services, a multi-worker server, concurrent load.

For each database (SQLite, then a throwaway PostgreSQL cluster) a child process migrates an
empty database and generates a directory the size of England's: 100,000 services run by
20,000 organisations around 30 towns, with names, descriptions, need categories, client groups
and coordinates, and 3,000 postcodes. Then:

- another child profiles each kind of request in-process (Django's test client, one at a
  time): the time inside each stage of a search (place, filter choices, typo corrections,
  radius, words and filters, ranking and paging, the count, loading the page's services,
  vacancies, template rendering) and its SQL queries, so the next change is aimed;
- `caremarket serve` (gunicorn, 2 workers) serves it and a local load generator (8 threads,
  one connection per request as gunicorn's sync workers close them) sends, in turn: the floor
  (/api/v1/health, one `SELECT 1`), searches combining free text, a need category and a
  10-mile radius around a postcode as the HTML page and as the ORUK `service_at_locations`
  JSON, and the broad text-only search "care" (matching most services).

Growth: the same on PostgreSQL at other sizes (`BENCH_DIRECTORY_GROWTH`, default 10,000;
`BENCH_DIRECTORY_GROWTH=10000,300000` adds the 300,000 point, about ten minutes more).
The demo: `caremarket demo` loaded into its own database, its home page and
`/directory/?q=care` each under 50 clients at once (issue 18's probe).

Server time is the `Server-Timing` header (time inside Django); throughput is what the load
generator saw. The generator shares the machine's cores with the server, so the absolute
requests per second understate a real deployment; the ratios compare like with like, and the
load average printed says how busy the shared machine was.
Run: python bench/bench_directory_search.py
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

#: Sizes and duration can be made smaller to try the benchmark quickly (README figures use these).
SERVICES = int(os.environ.get("BENCH_DIRECTORY_SERVICES", "100000"))
ORGANIZATIONS = SERVICES // 5
POSTCODES_PER_TOWN = 100
WORKERS = 2
THREADS = 8
SECONDS = float(os.environ.get("BENCH_DIRECTORY_SECONDS", "15"))
RADIUS_MILES = 10

#: Approximate centres of 30 English towns and cities (latitude, longitude).
TOWNS = [
    ("London", 51.507, -0.128), ("Birmingham", 52.486, -1.890), ("Manchester", 53.480, -2.242),
    ("Leeds", 53.800, -1.549), ("Liverpool", 53.408, -2.991), ("Sheffield", 53.381, -1.470),
    ("Bristol", 51.455, -2.588), ("Newcastle", 54.978, -1.618), ("Nottingham", 52.954, -1.158),
    ("Leicester", 52.637, -1.140), ("Stoke-on-Trent", 53.003, -2.180),
    ("Coventry", 52.407, -1.512), ("Bath", 51.381, -2.359), ("Plymouth", 50.376, -4.143),
    ("Norwich", 52.630, 1.297), ("Southampton", 50.910, -1.404), ("Brighton", 50.822, -0.137),
    ("York", 53.960, -1.082), ("Exeter", 50.718, -3.534), ("Cambridge", 52.205, 0.122),
    ("Oxford", 51.752, -1.258), ("Hull", 53.745, -0.336), ("Derby", 52.923, -1.476),
    ("Reading", 51.455, -0.978), ("Preston", 53.763, -2.703), ("Carlisle", 54.893, -2.932),
    ("Ipswich", 52.057, 1.148), ("Middlesbrough", 54.574, -1.235),
    ("Canterbury", 51.280, 1.080), ("Lincoln", 53.230, -0.540),
]  # fmt: skip

#: (kind, name nouns, need categories, client groups, what the description says)
OFFERS = [
    ("home_care", ["Home Care", "Care at Home", "Homecare Services"],
     ["help-at-home", "personal-care"], ["older_people"],
     "Visits at home to help with washing, dressing, meals and medication."),
    ("care_home", ["Care Home", "House", "Lodge"], ["housing-options", "personal-care"],
     ["older_people", "dementia"], "A residential care home with a garden and activities."),
    ("care_home_nursing", ["Nursing Home", "Nursing Centre"], ["housing-options"],
     ["older_people"], "Nursing care around the clock for people with complex needs."),
    ("carers_support", ["Carers Hub", "Carers Centre", "Carers Network"],
     ["carers-support", "breaks-and-respite"], ["carers"],
     "Support for unpaid carers: advice, a break from caring, and carers' groups."),
    ("community_group", ["Memory Cafe", "Dementia Friends Group"], ["memory-problems"],
     ["dementia"], "A friendly monthly cafe for people living with dementia and their carers."),
    ("community_group", ["Lunch Club", "Community Lounge", "Coffee Morning"],
     ["social-groups", "meals-and-food"], ["older_people"],
     "Meet people, share a hot lunch and take part in gentle exercise and crafts."),
    ("day_opportunity", ["Day Centre", "Day Opportunities"], ["day-opportunities"],
     ["learning_disability"], "Day activities, skills and friendships for adults."),
    ("transport", ["Dial-a-Ride", "Community Transport"], ["getting-out-and-about"],
     ["older_people", "physical_disability"], "Door-to-door transport for shopping and visits."),
    ("advice", ["Advice Service", "Benefits Advice"], ["money-and-benefits"], [],
     "Free advice on benefits, paying for care and managing money."),
    ("telecare", ["Telecare", "Careline"], ["telecare", "equipment-and-adaptations"],
     ["older_people"], "A pendant alarm and falls detector answered day and night."),
    ("advocacy", ["Advocacy"], ["mental-health"], ["mental_health"],
     "Independent advocacy so your views are heard in decisions about your care."),
    ("micro_provider", ["Companions", "Befriending"], ["social-groups", "help-at-home"],
     ["older_people"], "A local micro-provider offering companionship and help at home."),
]  # fmt: skip
PREFIXES = [
    "Oak", "Alder", "Ash", "Beech", "Birch", "Cedar", "Elm", "Hazel", "Holly", "Maple", "Rowan",
    "Willow", "Meadow", "River", "Brook", "Park", "Hill", "Vale", "Green", "Moor", "Bridge",
    "Castle", "Abbey", "Church", "Mill", "Orchard", "Grange", "Manor", "Court", "Victoria",
    "Albert", "St Mary's", "St John's", "St George's", "Hope", "Unity", "Harmony", "Friendship",
    "Sunrise", "Northfield", "Southgate", "Eastwood", "Westbrook", "Kingsway", "Riverside",
]  # fmt: skip
SEARCH_WORDS = [
    "carers", "memory", "home care", "lunch", "dementia", "transport", "advice", "day centre",
    "nursing", "befriending", "alarm", "advocacy",
]  # fmt: skip


# --- the child process: one database, generated -------------------------------------------


def generate() -> dict[str, object]:
    """Fill the (empty, migrated) database; return the postcodes and categories to query."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from caremarket.demo import load_councils
    from caremarket.directory.models import (
        Organization,
        Service,
        ServiceLocation,
        TaxonomyTerm,
    )
    from caremarket.places.models import Postcode

    load_councils()
    rnd = random.Random(2026)
    terms = {t.code: t.pk for t in TaxonomyTerm.objects.all()}
    postcodes = []
    for t, (_, lat, lon) in enumerate(TOWNS):
        area = "YZ"[t // 26] + chr(65 + t % 26)
        for k in range(POSTCODES_PER_TOWN):
            code = f"{area}{k % 9 + 1} {k % 10}{chr(65 + k % 26)}{chr(65 + (k * 7) % 26)}"
            postcodes.append(
                Postcode(
                    postcode=code,
                    outward=code.split()[0],
                    latitude=lat + rnd.uniform(-0.08, 0.08),
                    longitude=lon + rnd.uniform(-0.12, 0.12),
                    local_authority_code="E99999999",
                )
            )
    Postcode.objects.bulk_create(postcodes, batch_size=2000, ignore_conflicts=True)
    organizations = [
        Organization(name=f"{rnd.choice(PREFIXES)} {rnd.choice(['Care', 'Trust', 'CIC', 'Ltd'])}")
        for _ in range(ORGANIZATIONS)
    ]
    Organization.objects.bulk_create(organizations, batch_size=2000)
    through = Service.categories.through
    for start in range(0, SERVICES, 5000):
        services, places, links = [], [], []
        for _ in range(start, min(start + 5000, SERVICES)):
            town, lat, lon = rnd.choice(TOWNS)
            kind, nouns, categories, groups, text = rnd.choice(OFFERS)
            service = Service(
                organization=rnd.choice(organizations),
                kind=kind,
                name=f"{rnd.choice(PREFIXES)} {rnd.choice(nouns)} {town}",
                description=f"{text} Serving {town} and the villages around it.",
                client_groups=groups,
                age_min=18,
                costs=rnd.choice([["free"], ["charge"], ["charge", "direct_payment"]]),
                languages=["English"] + (["Urdu"] if rnd.random() < 0.1 else []),
            )
            services.append(service)
            places.append(
                ServiceLocation(
                    service=service,
                    address=f"{rnd.randint(1, 300)} High Street, {town}",
                    latitude=lat + rnd.gauss(0, 0.15),
                    longitude=lon + rnd.gauss(0, 0.22),
                )
            )
            links += [through(service_id=service.pk, taxonomyterm_id=terms[c]) for c in categories]
        Service.objects.bulk_create(services)
        ServiceLocation.objects.bulk_create(places)
        through.objects.bulk_create(links)
    from django.db import connection

    from caremarket.directory import search

    search.rebuild_index()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: without statistics the planner guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "postcodes": [p.postcode for p in rnd.sample(postcodes, 300)],
        "categories": sorted({c for offer in OFFERS for c in offer[2]}),
        "term_ids": {code: str(pk) for code, pk in terms.items()},
    }


# --- the child process: where a search's time goes ----------------------------------------


class Stages:
    """Exclusive time per stage of a request: functions of the search are wrapped (here, in the
    benchmark's own process only) so the time inside each is charged to it and not to its
    caller; SQL is counted per stage, and a COUNT inside the ranking stage is its own stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.stack: list[str] = []
        self.mark = time.perf_counter()

    def _charge(self) -> None:
        now = time.perf_counter()
        if self.stack:
            top = self.stack[-1]
            self.seconds[top] = self.seconds.get(top, 0.0) + now - self.mark
        self.mark = now

    def enter(self, label: str) -> None:
        self._charge()
        self.stack.append(label)

    def leave(self) -> None:
        self._charge()
        self.stack.pop()

    def wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapped(*args: object, **kwargs: object) -> object:
            self.enter(label)
            try:
                return original(*args, **kwargs)
            finally:
                self.leave()

        setattr(owner, name, wrapped)

    def sql(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        label = self.stack[-1] if self.stack else "other"
        if label == RANKING and "COUNT(" in sql.upper() and "OVER" not in sql.upper():
            label = COUNTING
        self.queries[label] = self.queries.get(label, 0) + 1
        if self.stack and label != self.stack[-1]:
            self.enter(label)
            try:
                return execute(sql, params, many, context)
            finally:
                self.leave()
        return execute(sql, params, many, context)


RANKING = "matching, ranking and paging"
COUNTING = "count query"


def profile(paths: dict[str, list[str]], rounds: int) -> dict[str, object]:
    """Each kind of request `rounds` times through Django's test client, one at a time, with
    the time of each stage; the first pass over the paths only warms caches."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # as `caremarket serve` does

    from caremarket.directory import api, views
    from caremarket.directory import search as engine

    stages = Stages()
    for owner, name, label in (
        (views, "choices", "filter choices"),
        (engine, "resolve_place", "place"),
        (engine, "search", "loading the page's services"),
        (engine, "filtered", "filters"),
        (engine, "corrections_for", "typo corrections"),
        (api, "corrections_for", "typo corrections"),
        (engine, "located_near", "index: words, needs and cells near the place"),
        (engine, "_nearby", "filters on the services near the place"),
        (engine, "_one_page", RANKING),
        (engine, "_ranked_page", RANKING),
        (engine, "_from_best", "best candidates, filtered, and the count estimate"),
        (engine, "vacancies_for", "vacancies"),
        (views, "render", "template rendering"),
        (api, "located_near", "index: words, needs and cells near the place (ORUK)"),
        (api, "_within", "filters on the services near the place (ORUK)"),
        (api, "_listing", "count and page (ORUK)"),
        (api, "_places_for_oruk", "loading the page's records (ORUK)"),
    ):
        stages.wrap(owner, name, label)
    client = Client(SERVER_NAME="localhost")
    answer: dict[str, object] = {}
    with connection.execute_wrapper(stages.sql):
        for kind, kind_paths in paths.items():
            for path in kind_paths:  # warm
                assert client.get(path).status_code == 200, path
            stages.seconds, stages.queries = {}, {}
            wall = []
            for _ in range(rounds):
                for path in kind_paths:
                    started = time.perf_counter()
                    stages.enter("request, form and the rest")
                    response = client.get(path)
                    stages.leave()
                    wall.append(time.perf_counter() - started)
                    assert response.status_code == 200, path
            n = len(wall)
            wall.sort()
            answer[kind] = {
                "requests": n,
                "p50_ms": wall[n // 2] * 1000,
                "p95_ms": wall[int(n * 0.95)] * 1000,
                "stages_ms": {k: v * 1000 / n for k, v in stages.seconds.items()},
                "queries": {k: v / n for k, v in stages.queries.items()},
            }
    return answer


# --- the parent process: serve and load ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(port: int, path: str) -> tuple[float, float, int]:
    """(client seconds, server seconds from Server-Timing, status)."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    header = response.getheader("Server-Timing") or "app;dur=nan"
    return elapsed, float(header.split("dur=")[1]) / 1000, response.status


def load(port: int, paths: list[str], seconds: float, clients: int = THREADS) -> dict[str, float]:
    """`clients` threads send the paths round-robin for `seconds`; figures of what came back."""
    results: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        n = offset
        mine = []
        while time.perf_counter() < deadline:
            mine.append(request(port, paths[n % len(paths)]))
            n += clients
        with lock:
            results.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    bad = [status for _, _, status in results if status != 200]
    assert not bad, f"{len(bad)} requests failed: {sorted(set(bad))}"
    server = sorted(r[1] for r in results)
    return {
        "requests": len(results),
        "rps": len(results) / wall,
        "server_p50_ms": statistics.median(server) * 1000,
        "server_p95_ms": server[int(len(server) * 0.95)] * 1000,
    }


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("caremarket serve exited")
        try:
            if request(port, "/api/v1/health")[2] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("caremarket serve did not answer")


def child(env: dict[str, str], *args: str) -> dict[str, object]:
    """Run this script as a child with `args`; its last line of output is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def workload(generated: dict[str, Any]) -> dict[str, list[str]]:
    """The kinds of request measured, each 300 different ones (fewer for the broad query)."""
    rnd = random.Random(7)
    radius_html, radius_oruk = [], []
    for _ in range(300):
        words, category = rnd.choice(SEARCH_WORDS), rnd.choice(generated["categories"])
        postcode = rnd.choice(generated["postcodes"])
        radius_html.append(
            "/directory/?"
            + urlencode(
                {"q": words, "category": category, "postcode": postcode, "radius": RADIUS_MILES}
            )
        )
        radius_oruk.append(
            "/api/v1/oruk/service_at_locations?"
            + urlencode(
                {
                    "search": words,
                    "taxonomy_term_id": generated["term_ids"][category],
                    "postcode": postcode,
                    "proximity": round(RADIUS_MILES * 1609.344),
                    "per_page": 20,
                }
            )
        )
    broad = [f"/directory/?{urlencode({'q': BROAD, 'page': n})}" for n in range(1, 6)]
    return {RADIUS_HTML: radius_html, RADIUS_ORUK: radius_oruk, BROAD_HTML: broad}


def uncached(env: dict[str, str]) -> dict[str, str]:
    """The environment with the broad-search cache off (`settings.SEARCH_CACHE_SECONDS`)."""
    return {**env, "CAREMARKET_SEARCH_CACHE_SECONDS": "0"}


RADIUS_HTML = "text + need + radius, HTML page"
RADIUS_ORUK = "text + need + radius, ORUK JSON"
BROAD_HTML = "broad text only (“care”), HTML page"
BROAD = "care"
BROAD_UNCACHED = "broad text only (“care”), HTML page, nothing remembered"


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    caremarket = str(Path(sys.executable).parent / "caremarket")
    server = subprocess.Popen(
        [
            caremarket,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            f"{WORKERS}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port, server)
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise
    return server, port


def measure(
    backend: str, env: dict[str, str], services: int, kinds: tuple[str, ...]
) -> dict[str, object]:
    """Generate `services` services, profile each kind of request in-process, then serve the
    database and load it: the floor first, then each kind."""
    env = {**env, "BENCH_DIRECTORY_SERVICES": str(services)}
    started = time.perf_counter()
    generated = child(env, "--generate")
    generate_s = time.perf_counter() - started
    paths = {kind: p for kind, p in workload(generated).items() if kind in kinds}
    spec = Path(env["CAREMARKET_VAR_DIR"]) / "profile.json"
    spec.write_text(json.dumps({k: p[:PROFILED] for k, p in paths.items()}), encoding="utf-8")
    # The breakdown shows the work each stage does, so broad searches are not remembered there.
    breakdown = child(uncached(env), "--profile", str(spec))
    rows: dict[str, object] = {}
    server, port = serve(env)
    try:
        for kind_paths in paths.values():
            for path in kind_paths[:20]:  # warm both workers' caches
                request(port, path)
        rows["floor"] = load(port, ["/api/v1/health"], SECONDS)
        for kind, kind_paths in paths.items():
            rows[kind] = load(port, kind_paths, SECONDS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if BROAD_HTML in paths:  # the same broad searches when none is remembered
        server, port = serve(uncached(env))
        try:
            for path in paths[BROAD_HTML]:
                request(port, path)
            rows[BROAD_UNCACHED] = load(port, paths[BROAD_HTML], SECONDS)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "backend": backend,
        "services": services,
        "generate_s": generate_s,
        "load_average": os.getloadavg()[0],
        "rows": rows,
        "breakdown": breakdown,
    }


#: The demo's own directory under many residents at once (issue 18's probe).
DEMO_CLIENTS = 50
DEMO_SEARCH = "/directory/?q=care"


def measure_demo(env: dict[str, str]) -> dict[str, object]:
    """Load the demo (`caremarket demo`) into its own database, profile its broad search and
    home page, then serve it and load each with DEMO_CLIENTS clients at once."""
    env = {**env, "CAREMARKET_VAR_DIR": str(Path(env["CAREMARKET_VAR_DIR"]) / "demo")}
    Path(env["CAREMARKET_VAR_DIR"]).mkdir()
    caremarket = str(Path(sys.executable).parent / "caremarket")
    subprocess.run([caremarket, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    kinds = {"home page": ["/"], f"`{DEMO_SEARCH}`": [DEMO_SEARCH]}
    spec = Path(env["CAREMARKET_VAR_DIR"]) / "profile.json"
    spec.write_text(json.dumps(kinds), encoding="utf-8")
    breakdown = child(env, "--profile", str(spec), "--rounds", str(PROFILED * 2))
    server, port = serve(env)
    rows: dict[str, object] = {}
    try:
        for paths in kinds.values():
            for _ in range(20):
                request(port, paths[0])
        rows["floor"] = load(port, ["/api/v1/health"], SECONDS, DEMO_CLIENTS)
        for kind, paths in kinds.items():
            rows[kind] = load(port, paths, SECONDS, DEMO_CLIENTS)
    finally:
        server.terminate()
        server.wait(timeout=30)
    database = Path(env["CAREMARKET_VAR_DIR"]) / "caremarket.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as db:
        services = int(db.execute("SELECT count(*) FROM directory_service").fetchone()[0])
    return {
        "backend": "SQLite (demo)",
        "services": services,
        "load_average": os.getloadavg()[0],
        "rows": rows,
        "breakdown": breakdown,
    }


#: Requests of each kind profiled in-process (each twice after a warming pass).
PROFILED = 30


def postgres_database(cluster: Any, name: str) -> str:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user=cluster.user, dbname="postgres"
    ) as connection:
        connection.autocommit = True
        connection.execute(f"CREATE DATABASE {name}")
    return f"postgresql://{cluster.user}@127.0.0.1:{cluster.port}/{name}"


def main() -> None:
    from tests.pgcluster import start_cluster

    work = Path(tempfile.mkdtemp(prefix="bench-directory-"))
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caremarket.settings",
        "CAREMARKET_VAR_DIR": str(work),
        "CAREMARKET_SECRET_KEY": "bench-" + "x" * 50,
    }
    base_env.pop("DATABASE_URL", None)
    every = (RADIUS_HTML, RADIUS_ORUK, BROAD_HTML)
    runs, growth = [], []
    cluster = None
    try:
        demo = measure_demo(base_env)
        runs.append(measure("SQLite", base_env, SERVICES, every))
        cluster = start_cluster()
        url = postgres_database(cluster, "caremarket")
        runs.append(measure("PostgreSQL", {**base_env, "DATABASE_URL": url}, SERVICES, every))
        for size in GROWTH:
            if size == SERVICES:
                continue
            sized = postgres_database(cluster, f"caremarket_{size}")
            env = {**base_env, "DATABASE_URL": sized, "CAREMARKET_VAR_DIR": str(work / str(size))}
            (work / str(size)).mkdir()
            growth.append(measure("PostgreSQL", env, size, (RADIUS_HTML, BROAD_HTML)))
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
    report(runs, growth, demo)


#: Directory sizes for the growth table on PostgreSQL (beside the main size);
#: `BENCH_DIRECTORY_GROWTH=10000,300000` adds the 300,000 point (about ten minutes more).
GROWTH = [int(n) for n in os.environ.get("BENCH_DIRECTORY_GROWTH", "10000").split(",") if n]

#: Targets of issue 18, per kind: (server p95 ms, × floor throughput).
TARGETS = {
    RADIUS_HTML: (30.0, 0.25),
    RADIUS_ORUK: (30.0, 0.4),
    BROAD_HTML: (50.0, None),
    BROAD_UNCACHED: (50.0, None),
}


def report(runs: list[dict[str, Any]], growth: list[dict[str, Any]], demo: dict[str, Any]) -> None:
    print(
        f"A generated directory of {SERVICES:,} services ({SERVICES // 5:,} organisations, "
        f"30 towns, every service with a location and need categories) served by `caremarket "
        f"serve` with {WORKERS} gunicorn workers; {THREADS} load-generator threads on the same "
        f"machine for {SECONDS:.0f} s per row. The radius searches combine free text, a need "
        f"category and a {RADIUS_MILES}-mile radius around a postcode (300 different searches, "
        "round-robin), as the HTML page and as the ORUK `service_at_locations` JSON; the broad "
        f"search is “{BROAD}” alone (matching most services), pages 1 to 5, as served (its "
        "ranked candidates and count remembered until the index changes, "
        "`CAREMARKET_SEARCH_CACHE_SECONDS`) and by a server that remembers nothing. Floor: "
        "`/api/v1/health` (one `SELECT 1`) on the same server, same load. Server time is the "
        "`Server-Timing` header. Load average: the machine's 1-minute load after each database's "
        "rows (other work on this shared machine shows there).\n"
    )
    print(
        "| database | request | requests/s | × floor throughput | server p50 (ms) "
        "| server p95 (ms) | target p95 / × floor |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for run in runs:
        rows = run["rows"]
        floor = rows["floor"]
        for label, row in rows.items():
            target = TARGETS.get(label)
            goal = "–"
            if target is not None:
                goal = f"≤ {target[0]:.0f} ms" + (f" / ≥ {target[1]}×" if target[1] else "")
            print(
                f"| {run['backend']} | {'health (floor)' if label == 'floor' else label} | "
                f"{row['rps']:,.0f} | {row['rps'] / floor['rps']:.2f} | "
                f"{row['server_p50_ms']:.1f} | {row['server_p95_ms']:.1f} | {goal} |"
            )
    print(
        "\nLoad average: "
        + ", ".join(f"{r['backend']} {r['load_average']:.1f}" for r in runs)
        + ". Generating and indexing the directory: "
        + ", ".join(f"{r['backend']} {r['generate_s']:.0f} s" for r in runs)
        + "."
    )
    print(
        "\nWhere the time goes: each kind of request run one at a time in one process (Django's "
        f"test client, {PROFILED} different requests twice after a warming pass, broad searches "
        "not remembered), the time inside each stage of the search (exclusive: a stage's own "
        "time, not what it calls) and its SQL queries per request.\n"
    )
    print("| database | request | stage | ms per request | queries |")
    print("| --- | --- | --- | ---: | ---: |")
    for run in [*runs, demo]:
        for kind, figures in run["breakdown"].items():
            stages = sorted(figures["stages_ms"].items(), key=lambda item: -item[1])
            for stage, ms in stages:
                queries = figures["queries"].get(stage, 0)
                print(f"| {run['backend']} | {kind} | {stage} | {ms:.1f} | {queries:.1f} |")
    if growth:
        print(
            "\nGrowth on PostgreSQL: the same searches and load on directories of other sizes "
            "(server p95, ms; each size's own floor beside it).\n"
        )
        print(
            "| services | floor p95 | radius search p95 | broad “care” p95 "
            "| broad, nothing remembered, p95 | load average |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        sized = [r for r in runs if r["backend"] == "PostgreSQL"] + growth
        for run in sorted(sized, key=lambda r: r["services"]):
            rows = run["rows"]
            print(
                f"| {run['services']:,} | {rows['floor']['server_p95_ms']:.1f} | "
                f"{rows[RADIUS_HTML]['server_p95_ms']:.1f} | "
                f"{rows[BROAD_HTML]['server_p95_ms']:.1f} | "
                f"{rows[BROAD_UNCACHED]['server_p95_ms']:.1f} | {run['load_average']:.1f} |"
            )
    rows = demo["rows"]
    floor = rows["floor"]
    print(
        f"\nThe demo's own directory ({demo['services']} services, SQLite) under "
        f"{DEMO_CLIENTS} clients at once, {SECONDS:.0f} s per row; target: the search at "
        f"≥ 0.5× the home page's requests per second. Load average {demo['load_average']:.1f}.\n"
    )
    print("| request | requests/s | × floor | × home page | server p50 (ms) | server p95 (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    home = rows["home page"]["rps"]
    for label, row in rows.items():
        print(
            f"| {'health (floor)' if label == 'floor' else label} | {row['rps']:,.0f} | "
            f"{row['rps'] / floor['rps']:.2f} | {row['rps'] / home:.2f} | "
            f"{row['server_p50_ms']:.1f} | {row['server_p95_ms']:.1f} |"
        )
    print(json.dumps({"bench": "directory_search", "runs": runs, "growth": growth, "demo": demo}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--generate", action="store_true", help="(internal) fill the database")
    parser.add_argument("--profile", metavar="PATHS", help="(internal) time each stage")
    parser.add_argument("--rounds", type=int, default=2, help="(with --profile) passes")
    arguments = parser.parse_args()
    if arguments.generate:
        print(json.dumps(generate()))
    elif arguments.profile:
        spec = json.loads(Path(arguments.profile).read_text(encoding="utf-8"))
        print(json.dumps(profile(spec, arguments.rounds)))
    else:
        main()
