"""Serve caremarket with gunicorn, the way a council runs it in production.

    caremarket serve --host 0.0.0.0 --port 8000 --workers 4

Static files are collected first and served by WhiteNoise from the same process.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve the site with gunicorn (static files included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--timeout", type=int, default=60, help="seconds per request")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise CommandError("--port must be between 1 and 65535")
        if not 1 <= options["workers"] <= 64:
            raise CommandError("--workers must be between 1 and 64")
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment")
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Serving on http://{bind}/ with {options['workers']} worker(s)")
        self.stdout.flush()
        argv = [
            gunicorn,
            "caremarket.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
            # Query strings can hold search words: log the path only.
            "--access-logformat",
            '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]
        os.execv(gunicorn, argv)  # noqa: S606 - replaces this process with the server
