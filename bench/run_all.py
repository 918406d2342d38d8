"""Run every benchmark in bench/ and write their tables into the README's Performance section.

Each bench_*.py prints a Markdown section and, as its last line, one line of JSON. Figures
come from this run on this machine; the README says when and where they were measured.
`BENCH_ONLY=directory_search,sufficiency` (or `make bench ONLY=…`) runs only those sections and
keeps the others as they stand, each with the date its own figures were measured.
A section's notes written by hand (what the figures mean, what the profile says is left) go
between `<!-- notes -->` and `<!-- /notes -->` inside that section, and are kept by each run.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
NOTES = re.compile(r"<!-- notes -->.*?<!-- /notes -->", re.S)


def kept_notes(text: str) -> dict[str, str]:
    """Each section's hand-written notes in the README's current benchmark block."""
    block = text.partition(START)[2].partition(END)[0]
    notes = {}
    for section in re.split(r"^### ", block, flags=re.M)[1:]:
        name, _, body = section.partition("\n")
        found = NOTES.search(body)
        if found:
            notes[name.strip()] = found.group(0)
    return notes


def kept_sections(text: str) -> dict[str, str]:
    """Each section of the README's current benchmark block, whole (heading included)."""
    block = text.partition(START)[2].partition(END)[0]
    return {
        part.partition("\n")[0].strip(): f"### {part.rstrip()}\n"
        for part in re.split(r"^### ", block, flags=re.M)[1:]
    }


def main() -> int:
    sections = []
    failed = []
    readme = README.read_text(encoding="utf-8")
    notes = kept_notes(readme)
    previous = kept_sections(readme)
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "caremarket.settings"}
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if only and name not in only:
            if name in previous:
                sections.append(previous[name])
            continue
        print(f"running {script.name} …", flush=True)
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=ROOT
        )
        if done.returncode:
            failed.append(script.name)
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            continue
        lines = done.stdout.rstrip().splitlines()
        body = "\n".join(line for line in lines if not line.startswith("{"))
        kept = f"\n\n{notes[name]}" if name in notes else ""
        when = f"Measured {stamp} by `make bench`.\n\n" if only else ""
        sections.append(f"### {name}\n\n{when}{body.strip()}{kept}\n")
        print(body)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    heading = f"Measured {stamp} on {machine} by `make bench`"
    if only:
        heading += f" ({', '.join(sorted(only))}; the other sections keep their own dates)"
    block = f"{heading}.\n\n" + "\n".join(sections)
    text = README.read_text(encoding="utf-8")
    text = re.sub(
        re.escape(START) + ".*?" + re.escape(END),
        lambda _: f"{START}\n{block}\n{END}",
        text,
        flags=re.S,
    )
    README.write_text(text, encoding="utf-8")
    if failed:
        print("benchmarks that failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
