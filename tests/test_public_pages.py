"""Every public page of the demo reads like a council publication, not a data export.

The walk follows every link a resident, provider or commissioner can follow without signing
in, from the home page, and fails on machine words in what people read: snake_case keys,
file names (with or without line numbers), ONS codes, "None", "nan" and numbers printed to
more decimal places than any measure's display precision. It runs on the session's one demo
(tests/conftest.py), served by `caremarket serve` as a council would run it.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from caremarket.rules import measures

#: Paths the walk does not follow: staff pages, sign-in, machine downloads (CSV, JSON, PDF:
#: codes stay there for machines), the API and assets.
SKIP = re.compile(r"^/(staff|admin|api|sign-in|sign-out|static)/|\.(csv|json|pdf)$|/(pdf|print)/$")
#: Pages with a query string: a few of each path are enough (search results, filters).
QUERIES_PER_PATH = 3
LIMIT = 600

FINEST = max(m.precision for m in measures.catalogue().measures.values())

MACHINE_WORDS = {
    "snake_case key": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "file name": re.compile(r"\b[\w-]+\.(?:csv|json|xlsx?|txt|zip|toml)\b(?: line \d+)?"),
    "ONS code": re.compile(r"\b[EWSN]\d{8}\b"),
    "None": re.compile(r"\bNone\b"),
    "nan": re.compile(r"\b(?:nan|NaN)\b"),
    "long number": re.compile(rf"\b\d[\d,]*\.\d{{{FINEST + 1},}}\b"),
}


class Reader(HTMLParser):
    """The words a person reads (text, titles, alt text) and the links they can follow."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._appendix = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self._appendix:
            self._appendix += tag == "div"
        elif "data-technical-appendix" in found:
            # An MPS's technical appendix names files and lines, as the issue asks.
            self._appendix = 1
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        for name in ("alt", "title", "aria-label"):
            if found.get(name):
                self.words.append(str(found[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "div" and self._appendix:
            self._appendix -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._appendix:
            self.words.append(data)


def fetch(base: str, path: str) -> tuple[str, str]:
    """(content type, text) of a page of the local demo server (plain http, never a file)."""
    assert base.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def words_of(base: str, path: str) -> str:
    reader = Reader()
    reader.feed(fetch(base, path)[1])
    return re.sub(r"\s+", " ", " ".join(reader.words))


def machine_words(text: str) -> list[str]:
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)  # addresses are read as they are
    found = []
    for kind, pattern in MACHINE_WORDS.items():
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            found.append(f"{kind} {match.group(0)!r} in …{text[start : match.end() + 40]!r}…")
    return found


def test_the_words_of_every_public_page_are_words(demo_server: str, request):
    if request.config.getoption("--postgresql"):
        pytest.skip("walks the demo's own SQLite database: once per run is enough")
    seen: set[str] = set()
    per_path: Counter[str] = Counter()
    queue = ["/"]
    problems: list[str] = []
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            kind, body = fetch(demo_server, url)
            if "text/html" not in kind:
                continue
        except urllib.error.HTTPError as error:
            if error.code != 404:
                problems.append(f"{url}: HTTP {error.code}")
            continue
        reader = Reader()
        reader.feed(body)
        text = re.sub(r"\s+", " ", " ".join(reader.words))
        problems += [f"{url}: {p}" for p in machine_words(text)]
        for link in reader.links:
            parts = urlsplit(urljoin(url, link))
            if parts.netloc or parts.scheme not in ("", "http") or SKIP.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.query:
                if per_path[parts.path] >= QUERIES_PER_PATH:
                    continue
                per_path[parts.path] += 1
            if target not in seen:
                queue.append(target)
    assert len(seen) > 50, f"the walk found only {len(seen)} pages"
    assert not problems, f"{len(problems)} machine words:\n" + "\n".join(problems[:80])


@pytest.mark.sqlite_only  # the demo server reads its own SQLite database whichever run this is
def test_market_opportunities_agree_with_the_council(demo_server: str):
    """Coventry's own figures sit beside the estimate, both with their methods (seed 003)."""
    text = words_of(demo_server, "/market-opportunities/?council=coventry")
    assert "A surplus of 165 residential care beds (2022)" in text
    assert "A shortfall of 554 residential care beds (2024)" in text
    assert "More Choice, Greater Voice" in text and "SHOP@Review" in text
    assert "Why they differ" in text
    # The fourteen requirements of the business opportunities tables, with their sources.
    for need in (
        "Learning disability and autism: core and cluster supported living",
        "Mental health: forensic and high-risk supported living",
        "Mental health and learning disability: step-down flats",
    ):
        assert need in text, need
    everyone = words_of(demo_server, "/market-opportunities/")
    assert "Additional extra care units" in everyone  # B&NES: +100 by 2034
    assert "/market-opportunities/" in fetch(demo_server, "/")[1]


def published_statement_pdfs(base: str) -> dict[str, bytes]:
    """Each demo council's published MPS as the PDF a resident downloads."""
    pdfs = {}
    for slug in ("stoke-on-trent", "coventry", "bath-and-north-east-somerset"):
        listing = fetch(base, f"/councils/{slug}/mps/")[1]
        edition = re.search(rf'href="(/councils/{slug}/mps/[^"]+/\d+/)"', listing)
        assert edition, f"{slug} has no published statement"
        with urllib.request.urlopen(base + edition.group(1) + "pdf/", timeout=120) as response:  # noqa: S310
            pdfs[slug] = response.read()
    return pdfs


def test_the_words_of_every_published_statement_pdf_are_words(demo_server: str, request):
    """The PDF a council publishes reads as words too, up to its technical appendix (where the
    files and lines behind each figure belong)."""
    if request.config.getoption("--postgresql"):
        pytest.skip("reads the demo's own SQLite database: once per run is enough")
    import io

    from pypdf import PdfReader

    problems = []
    for slug, pdf in published_statement_pdfs(demo_server).items():
        text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
        appendix = text.rfind("Sources and technical appendix")
        assert appendix > len(text) // 2, f"{slug}: the technical appendix was not found"
        body = re.sub(r"\s+", " ", text[:appendix])
        assert len(body) > 10_000, f"{slug}: the statement's text did not extract"
        problems += [f"{slug} PDF: {p}" for p in machine_words(body)]
    assert not problems, f"{len(problems)} machine words:\n" + "\n".join(problems[:80])
