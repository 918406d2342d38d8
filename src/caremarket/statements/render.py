"""Render an edition: the same document as an accessible HTML page, a PDF and CSV tables.

A draft renders from live data; a published edition only from its snapshot. Narrative is
Markdown, sanitised with nh3 so a commissioner's text cannot carry script into the page.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from caremarket import csvfiles
from caremarket.charts import COLOURS, Series, bar_chart, line_chart
from caremarket.rules.consistency import period_words
from caremarket.statements.data import build_block
from caremarket.statements.formatting import format_cell
from caremarket.statements.models import CouncilLogo, Edition

PRINT_CSS = Path(__file__).resolve().parent / "print.css"
ALLOWED_TAGS = {
    "p", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "table",
    "thead", "tbody", "tr", "th", "td", "code",
}  # fmt: skip


LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+\S")


def loosen_lists(text: str) -> str:
    """A blank line before a list that follows a paragraph line, as people type lists
    ("The priorities are:" then "- more prevention"); Markdown would run them into the line."""
    lines: list[str] = []
    in_list = False
    for line in text.splitlines():
        if LIST_ITEM.match(line):
            if lines and lines[-1].strip() and not in_list:
                lines.append("")
            in_list = True
        elif not line.strip():
            in_list = False
        lines.append(line)
    return "\n".join(lines)


def narrative_html(text: str) -> SafeString:
    """Markdown to sanitised HTML with GOV.UK classes; headings start at h3 under the h2."""
    html = markdown.markdown(
        loosen_lists(text), extensions=["tables", "sane_lists"], output_format="html"
    )
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    for tag, css in (
        ("<p>", '<p class="govuk-body">'),
        ("<ul>", '<ul class="govuk-list govuk-list--bullet">'),
        ("<ol>", '<ol class="govuk-list govuk-list--number">'),
        ("<h3>", '<h3 class="govuk-heading-s">'),
        ("<a ", '<a class="govuk-link" '),
    ):
        clean = clean.replace(tag, css)
    return mark_safe(clean)


def build_snapshot(edition: Edition) -> dict[str, Any]:
    """Everything the edition shows from data, as JSON: what publishing freezes."""
    blocks: dict[str, Any] = {}
    for section in edition.sections.filter(hidden=False).exclude(data_key=""):
        if section.data_key == "sources":
            continue
        block = build_block(
            section.data_key, edition.council, edition.scenario, edition.statement.reporting_year
        )
        if block is not None:
            blocks[section.data_key] = block
    sources = sorted({s for b in blocks.values() for t in b["tables"] for s in t["sources"]})
    logo = CouncilLogo.objects.filter(local_authority=edition.council).first()
    return {"built_at": timezone.now().isoformat(), "blocks": blocks, "sources": sources,
            "logo": logo.data_uri() if logo else ""}  # fmt: skip


def snapshot_of(edition: Edition) -> dict[str, Any]:
    return (
        edition.snapshot if edition.is_published and edition.snapshot else build_snapshot(edition)
    )


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _pivot_chart(table: dict[str, Any], spec: dict[str, Any]) -> SafeString | None:
    """Rows of (group, x, value): a line per group, such as the gap by service and year."""
    groups = list(dict.fromkeys(str(r[spec["group"]]) for r in table["rows"]))
    xs = sorted({str(r[spec["x"]]) for r in table["rows"]})
    cells = {(str(r[spec["group"]]), str(r[spec["x"]])): r[spec["value"]] for r in table["rows"]}
    if len(xs) < 2 or len(groups) > len(COLOURS) * 2:
        return None
    return line_chart(
        f"chart-{table['id']}",
        table["caption"],
        spec.get("description", "The same figures are in the table that follows the chart."),
        xs,
        [Series(g, [cells.get((g, x)) for x in xs]) for g in groups],
    )


def _chart(table: dict[str, Any]) -> SafeString | None:
    spec = table.get("chart")
    if not spec or not table["rows"]:
        return None
    if spec.get("kind") == "pivot":
        return _pivot_chart(table, spec)
    rows = table["rows"][:-1] if spec.get("without_last_row") else table["rows"]
    if not rows:
        return None
    labels = [str(row[spec["x"]]) for row in rows]
    series = [
        Series(table["columns"][i]["label"], [row[i] for row in rows]) for i in spec["series"]
    ]
    draw = bar_chart if spec.get("kind") == "bar" else line_chart
    return draw(
        f"chart-{table['id']}",
        table["caption"],
        "The same figures are in the table that follows the chart.",
        labels,
        series,
    )


def shown_columns(table: dict[str, Any]) -> list[int]:
    """The columns a reader sees: the first, and every other with at least one figure."""
    return [0] + [
        i
        for i in range(1, len(table["columns"]))
        if any(not _empty(row[i]) for row in table["rows"])
    ]


def formatted_rows(table: dict[str, Any]) -> list[list[tuple[str, bool]]]:
    """Each row's cells as printed, with whether each is a number (for alignment)."""
    keep = shown_columns(table)
    kinds = [table["columns"][i]["kind"] for i in keep]
    return [
        [(format_cell(row[i], kind), kind != "text") for i, kind in zip(keep, kinds, strict=True)]
        for row in table["rows"]
    ]


FILE_NOTE = re.compile(
    r"\s*(?:\[[^\]]*\]|\([^()]*\.(?:csv|json|xlsx|ods)\b[^()]*\))", re.IGNORECASE
)


def source_words(sources: list[str]) -> list[str]:
    """Sources as a reader cites them: the document and section, without the file names and
    line numbers that the technical appendix keeps."""
    return list(dict.fromkeys(FILE_NOTE.sub("", source).strip() for source in sources))


def prepare_table(table: dict[str, Any]) -> dict[str, Any]:
    """A data block's table with its chart drawn, its cells formatted and its empty columns left
    out, for `statements/_data_block.html`."""
    return {
        **table,
        "chart_svg": _chart(table),
        "public_sources": source_words(table["sources"]),
        "columns": [table["columns"][i] for i in shown_columns(table)],
        "formatted_rows": formatted_rows(table),
    }


def document_context(edition: Edition) -> dict[str, Any]:
    snapshot = snapshot_of(edition)
    sections = []
    appendix: list[dict[str, Any]] = []
    for section in edition.sections.filter(hidden=False):
        block = snapshot["blocks"].get(section.data_key) if section.data_key else None
        tables = block["tables"] if block else []
        appendix += [prepare_table(t) for t in tables if t.get("appendix")]
        empty = not section.body.strip() and not tables and section.data_key != "sources"
        if empty and edition.is_published:
            continue  # a published document has no empty sections ("no figures yet" is for staff)
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "narrative": narrative_html(section.body) if section.body.strip() else "",
                "tables": [prepare_table(t) for t in tables if not t.get("appendix")],
                "is_sources": section.data_key == "sources",
                # "no figures yet" tells staff what a draft lacks; a published document, which
                # the public reads, keeps its words and says nothing of what was not imported
                "expects_data": bool(section.data_key)
                and section.data_key != "sources"
                and not edition.is_published,
            }
        )
    # The checks' messages end with the data files and lines they read; readers get the words.
    recorded = [
        {**f, "message": FILE_NOTE.sub("", f.get("message", "")).strip()}
        for f in edition.acknowledged_findings or []
    ]
    explained = [
        {**f, "explained_on": period_words(f.get("explained_on", ""))}
        for f in recorded
        if f.get("explanation")
    ]
    return {"edition": edition, "statement": edition.statement, "council": edition.council,
            "sections": sections, "sources": snapshot["sources"], "snapshot": snapshot,
            "appendix_tables": appendix,
            "built_on": datetime.fromisoformat(snapshot["built_at"]),
            "explained_findings": explained, "findings_count": len(recorded),
            "acknowledged_findings": [f for f in recorded if not f.get("explanation")]}  # fmt: skip


def render_document_html(edition: Edition) -> str:
    """The standalone document (for the PDF and the stored published HTML)."""
    return render_to_string("statements/document_standalone.html", document_context(edition))


def render_pdf(edition: Edition, html: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    html = html if html is not None else render_document_html(edition)
    # PDF/UA-1: tagged structure, the document's <title> as its title (shown by readers), and
    # its language from <html lang>.
    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1"
    )


def table_csv(table: dict[str, Any]) -> str:
    """One table as CSV, as a person sees it on the page: the same columns and the same cell
    text (an empty cell for "–"), a header row, and its sources at the end."""
    out = io.StringIO()
    writer = csvfiles.writer(out)
    writer.writerow([table["columns"][i]["label"] for i in shown_columns(table)])
    for row in formatted_rows(table):
        writer.writerow(["" if text == "–" else text for text, _ in row])
    for source in table["sources"]:
        writer.writerow([f"Source: {source}"])
    return out.getvalue()


def find_table(edition: Edition, table_id: str) -> dict[str, Any] | None:
    for block in snapshot_of(edition)["blocks"].values():
        for table in block["tables"]:
            if table["id"] == table_id:
                return table
    return None
