"""The `caremarket` command: Django management with a short list of the commands that matter.

`caremarket serve`, `migrate`, `demo`, `import`, `check`, `calc` and `mps` are what a council
runs; every other Django command still works (`caremarket createsuperuser`, ...). Start-up
problems (a bad DATABASE_URL, a database that cannot be reached) stop with one clear line.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "serve": "serve the site with gunicorn (production server, static files included)",
    "migrate": "create or update the database tables",
    "demo": "load the three demo councils and their published data",
    "import": "import a data file: caremarket import <format> FILE [--council CODE]",
    "check": "check the figures for totals, percentages and bands that do not add up",
    "calc": "run a calculator on JSON: caremarket calc sufficiency|charge [FILE]",
    "mps": "build or publish a Market Position Statement",
    "ascof": "ASCOF from Client Level Data: caremarket ascof --council CODE --year 2024/25",
    "assessments": "residents' data: caremarket assessments purge|rotate-key",
    "directory": "keep the directory true: caremarket directory remind|forget-reporters",
    "quality": "email the team: caremarket quality overdue|downgrades; purge (retention)",
    "sourcing": "brokerage emails: caremarket sourcing unsourced [--days N] (daily)",
    "tokens": "API tokens: caremarket tokens create|list|revoke (printed once, hash kept)",
    "createsuperuser": "create a site admin account",
}

NO_DATABASE = {"calc", "help", "--help", "-h", "--version"}


def usage() -> str:
    lines = ["usage: caremarket <command> [options]", "", "commands:"]
    lines += [f"  {name:<16}{text}" for name, text in COMMANDS.items()]
    lines += [
        "",
        "`caremarket <command> --help` explains a command's options.",
        "Set DATABASE_URL=postgresql://… to use PostgreSQL; unset means SQLite in var/.",
    ]
    return "\n".join(lines)


def describe_database() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"SQLite database {db['NAME']}"
    host = db.get("HOST") or "localhost"
    return f"PostgreSQL database {db.get('NAME')} on {host}:{db.get('PORT') or 5432}"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] in ("-h", "--help", "help") and len(args) == 1):
        print(usage())
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"caremarket: configuration error: {error}", file=sys.stderr)
        return 1
    if args[0] not in NO_DATABASE and "--help" not in args:
        from django.db import connection
        from django.db.utils import OperationalError

        try:
            connection.ensure_connection()
        except OperationalError as error:
            reason = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            where = describe_database()
            print(
                f"caremarket: cannot reach the {where} (check DATABASE_URL): {reason}",
                file=sys.stderr,
            )
            return 1
    from django.core.management import execute_from_command_line

    execute_from_command_line(["caremarket", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
