"""Build or publish Market Position Statements from the command line.

    caremarket mps build --council E06000021 --draft --format pdf --out out/
    caremarket mps build --council E06000021 --edition 1 --format csv --out out/
    caremarket mps build --all --format html --out out/      # every council's latest published
    caremarket mps build --all --draft --format pdf --out out/  # every council's draft, rendered
    caremarket mps publish --council E06000021 --approver alice --acknowledge-all

`build` writes files and changes nothing. `publish` applies the same rules as the web page: the
edition must be waiting for review and the approver must not be its last editor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from caremarket.accounts.models import User
from caremarket.places.models import LocalAuthority
from caremarket.statements import workflow
from caremarket.statements.catalogue import MPS
from caremarket.statements.models import Edition
from caremarket.statements.render import render_document_html, render_pdf, snapshot_of, table_csv


def of_statement(editions: QuerySet[Edition], slug: str | None) -> QuerySet[Edition]:
    """The editions of the statement named by its short name (any kind), else of the council's
    Market Position Statements."""
    return editions.filter(statement__slug=slug) if slug else editions.filter(statement__kind=MPS)


class Command(BaseCommand):
    help = "Build (html, pdf, csv) or publish a council's Market Position Statement."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="render an edition to files")
        which = build.add_mutually_exclusive_group(required=True)
        which.add_argument("--council", help="ONS code of the council")
        which.add_argument("--all", action="store_true", help="every council's latest published")
        edition = build.add_mutually_exclusive_group()
        edition.add_argument(
            "--edition", type=int, help="edition number (default: latest published)"
        )
        edition.add_argument("--draft", action="store_true", help="the current draft")
        build.add_argument(
            "--statement",
            help="statement short name, which may name a Local Account (default: the latest "
            "Market Position Statement)",
        )
        build.add_argument("--format", choices=["html", "pdf", "csv"], required=True)
        build.add_argument("--out", type=Path, required=True)
        publish = sub.add_parser("publish", help="approve and publish the edition in review")
        publish.add_argument("--council", required=True)
        publish.add_argument("--statement")
        publish.add_argument(
            "--approver", required=True, help="username of the approving commissioner"
        )
        publish.add_argument(
            "--acknowledge-all", action="store_true", help="acknowledge every check finding"
        )

    def handle(self, *args: Any, **options: Any) -> str:
        if options["action"] == "publish":
            return self.publish(options)
        editions = (
            [self.find(options["council"], options)]
            if options["council"]
            else self.everywhere(draft=options["draft"])
        )
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        written = 0
        for edition in editions:
            written += self.write(edition, options["format"], out)
        summary = f"{written} file(s) written to {out}"
        self.stdout.write(summary)
        return ""

    def council(self, code: str) -> LocalAuthority:
        council = LocalAuthority.objects.for_code(code)
        if council is None:
            raise CommandError(f"unknown council {code!r} (give its ONS code)")
        return council

    def find(self, code: str, options: dict[str, Any]) -> Edition:
        council = self.council(code)
        editions = of_statement(
            Edition.objects.filter(statement__local_authority=council), options.get("statement")
        )
        if options.get("draft"):
            found = editions.exclude(status=Edition.Status.PUBLISHED).order_by("-id").first()
            what = "draft"
        elif options.get("edition"):
            found = editions.filter(number=options["edition"]).order_by("-id").first()
            what = f"edition {options['edition']}"
        else:
            found = (
                editions.filter(status=Edition.Status.PUBLISHED).order_by("-published_at").first()
            )
            what = "published edition"
        if found is None:
            raise CommandError(f"{council.name} has no {what}")
        return found

    def everywhere(self, *, draft: bool) -> list[Edition]:
        """Each council's current draft, or its latest published edition."""
        editions = []
        for council in LocalAuthority.objects.all():
            mine = Edition.objects.filter(statement__local_authority=council, statement__kind=MPS)
            latest = (
                mine.exclude(status=Edition.Status.PUBLISHED).order_by("-id").first()
                if draft
                else mine.filter(status=Edition.Status.PUBLISHED).order_by("-published_at").first()
            )
            if latest is not None:
                editions.append(latest)
        return editions

    def write(self, edition: Edition, file_format: str, out: Path) -> int:
        stem = f"{edition.council.slug}-{edition.statement.slug}-edition-{edition.number}"
        if file_format == "html":
            html = (
                edition.html
                if edition.is_published and edition.html
                else render_document_html(edition)
            )
            (out / f"{stem}.html").write_text(html, encoding="utf-8")
            return 1
        if file_format == "pdf":
            pdf = (
                bytes(edition.pdf) if edition.is_published and edition.pdf else render_pdf(edition)
            )
            (out / f"{stem}.pdf").write_bytes(pdf)
            return 1
        count = 0
        for block in snapshot_of(edition)["blocks"].values():
            for table in block["tables"]:
                (out / f"{stem}-{table['id']}.csv").write_text(table_csv(table), encoding="utf-8")
                count += 1
        return count

    def publish(self, options: dict[str, Any]) -> str:
        council = self.council(options["council"])
        approver = User.objects.filter(username=options["approver"]).first()
        if approver is None:
            raise CommandError(f"no user called {options['approver']!r}")
        if not approver.is_site_admin and "commissioner" not in approver.roles_for(council):
            raise CommandError(f"{approver.username} is not a commissioner for {council.name}")
        editions = Edition.objects.filter(
            statement__local_authority=council, status=Edition.Status.IN_REVIEW
        )
        edition = of_statement(editions, options["statement"]).order_by("-id").first()
        if edition is None:
            raise CommandError(f"{council.name} has no edition waiting for review")
        findings = workflow.findings_for(edition)
        acknowledged = {f.code for f in findings} if options["acknowledge_all"] else set()
        for finding in findings:
            if finding.explained:
                self.stdout.write(f"explained: {finding.message} ({finding.explanation})")
            else:
                self.stdout.write(f"finding: {finding.message}")
        try:
            workflow.publish(edition, approver, acknowledged)
        except workflow.WorkflowError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"published {edition}")
        return ""
