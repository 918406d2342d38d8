"""Serve caremarket with gunicorn, the way a council runs it in production.

    caremarket serve --host 0.0.0.0 --port 8000 --workers 4

Static files are collected first and served by WhiteNoise from the same process.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.imports.sharing import recover_if_idle

#: gunicorn's maximum; settings.MAX_URL_LENGTH stays below it so Django answers first.
GUNICORN_REQUEST_LINE = 8190


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
        undone = recover_if_idle()  # an import killed half way on SQLite (imports/sharing.py)
        if undone:
            self.stdout.write(f"An interrupted import was undone ({undone:,} changes)")
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment")
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Serving on http://{bind}/ with {options['workers']} worker(s)")
        if settings.EMAIL_BACKEND == "caremarket.emails.PrivateFileBackend":
            self.stdout.write(
                "No CAREMARKET_EMAIL_HOST: emails are not sent but written to "
                f"{settings.EMAIL_FILE_PATH}"
            )
        self.stdout.flush()
        argv = gunicorn_argv(gunicorn, bind, options["workers"], options["timeout"])
        os.execv(gunicorn, argv)  # noqa: S606 - replaces this process with the server


def gunicorn_argv(gunicorn: str, bind: str, workers: int, timeout: int) -> list[str]:
    return [
        gunicorn,
        "caremarket.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        # gunicorn's largest request line, so an over-long address reaches Django, which
        # refuses it with its own page (JSON with CORS on the API) from MAX_URL_LENGTH.
        "--limit-request-line",
        str(GUNICORN_REQUEST_LINE),
        "--access-logfile",
        "-",
        # Query strings can hold search words: log the path only, with secrets in paths
        # (the carry-on link's token) rewritten by caremarket.logs.
        "--access-logformat",
        '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "--logger-class",
        "caremarket.logs.GunicornLogger",
    ]
