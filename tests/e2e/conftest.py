"""Browser tests: Debian's Chromium driven by Playwright, pages checked with axe-core.

Never downloads a browser: Chromium comes from Debian (`make test` installs it) and axe-core
from the pinned npm package in node_modules.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make to
# set up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CAREMARKET_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.exit(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium", 3)
    if not AXE.exists():
        pytest.exit("node_modules/axe-core is missing: run `npm ci` (make test does)", 3)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    # A missing stylesheet, script or image is an error; the page's own status is the test's.
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    page.js_errors = errors
    yield page
    context.close()


# What Chromium says when a script runs on a page that is being replaced by the next one (a test
# checks a page straight after clicking a link): the check is run again on the page that loads.
NAVIGATING = ("Execution context was destroyed", "reading 'documentElement'", "axe is not defined")


def axe_violations(page) -> list[str]:
    """Run axe-core on the page for WCAG 2.2 A/AA; return one line per violation.

    A click that navigates returns before the next page has loaded, so the check first waits for
    the page to load and, if the page is replaced while axe runs, runs again on the new one.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(5):
        page.wait_for_load_state("load")
        try:
            page.evaluate(AXE.read_text(encoding="utf-8"))
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                WCAG_TAGS,
            )
            break
        except PlaywrightError as error:
            if attempt == 4 or not any(sign in str(error) for sign in NAVIGATING):
                raise
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + json.dumps([n["target"] for n in v["nodes"]][:5])
        for v in result["violations"]
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe found violations on {page.url}:\n" + "\n".join(violations)


def assert_fits(page, widths: tuple[int, ...] = (1280, 390)) -> None:
    """axe-clean and no sideways scrolling at each width (a desktop and a phone)."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"
        assert_accessible(page)
