"""Read a council's narrative file (Markdown with `## Section title` headings) into sections."""

from __future__ import annotations

import re
from pathlib import Path

from caremarket.statements.catalogue import MPS, document_type


def keys_by_title(kind: str) -> dict[str, str]:
    document = document_type(kind)
    return {spec.title.lower(): spec.key for spec in document.sections} | {
        title.lower(): key for title, key in document.title_aliases.items()
    }


def read_narrative(path: Path, kind: str = MPS) -> dict[str, str]:
    """Section key → Markdown body; headings that match no section are kept under their slug."""
    titles = keys_by_title(kind)
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## +(.+?)\s*$", line)
        if heading:
            if current:
                sections[current] = "\n".join(lines).strip()
            title = heading.group(1)
            current = titles.get(title.lower(), re.sub(r"[^a-z0-9]+", "-", title.lower()))
            lines = []
        elif current:
            lines.append(line)
    if current:
        sections[current] = "\n".join(lines).strip()
    return sections
