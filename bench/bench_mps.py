"""Benchmark: render one council's full Market Position Statement as HTML and as PDF, and every
council's in one batch, on the demo data. Floor: rendering the site's home page in the same run.

Run by `make bench` (bench/run_all.py); uses a throwaway SQLite database.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import tempfile
import time

os.environ["CAREMARKET_VAR_DIR"] = tempfile.mkdtemp(prefix="caremarket-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
os.environ["CAREMARKET_MANIFEST_STATIC"] = "false"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402


def best_of(function, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", "--no-migrate", stdout=io.StringIO())
    from caremarket.accounts.models import User
    from caremarket.statements.models import Edition
    from caremarket.statements.render import render_document_html, render_pdf
    from caremarket.statements.workflow import start_new_edition

    admin = User.objects.get(username="admin")
    drafts = [
        start_new_edition(e.statement, admin)
        for e in Edition.objects.filter(status="published").select_related("statement")
    ]
    draft = drafts[0]
    client = Client(HTTP_HOST="127.0.0.1")
    floor, _ = best_of(lambda: client.get("/"), 20)
    html, html_median = best_of(lambda: render_document_html(draft), 10)
    pdf, pdf_median = best_of(lambda: render_pdf(draft), 3)
    out = tempfile.mkdtemp()
    argv = ["mps", "build", "--all", "--draft", "--format", "pdf", "--out", out]
    batch, _ = best_of(lambda: call_command(*argv, stdout=io.StringIO()), 1)
    print("| what | best (s) | median (s) | ratio to home page |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| home page (floor) | {floor:.4f} | – | 1 |")
    for what, best, median in (
        ("one council's draft MPS, HTML (live data)", html, html_median),
        ("one council's draft MPS, PDF (WeasyPrint)", pdf, pdf_median),
    ):
        print(f"| {what} | {best:.3f} | {median:.3f} | {best / floor:.0f} |")
    print(
        f"| all {len(drafts)} councils' MPS as PDF in one batch (`mps build --all --draft`) "
        f"| {batch:.3f} | – | {batch / floor:.0f} |"
    )
    print(json.dumps({"floor_s": floor, "html_s": html, "pdf_s": pdf, "batch_s": batch}))


if __name__ == "__main__":
    main()
