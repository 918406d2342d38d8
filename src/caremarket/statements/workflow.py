"""Drafting, review and publishing: the rules of an edition's life, in one place.

- Commissioners edit a draft; each edit records who edited last.
- A draft is sent for review; a second commissioner, never the last editor, approves it.
- Publishing runs the consistency checks on the data the edition uses; every finding must be
  acknowledged by the approver, except those staff have explained (figure checks page), which
  the technical appendix lists with their explanations. It then freezes the snapshot, HTML
  and PDF.
- A new edition starts as a copy of the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.places.models import LocalAuthority
from caremarket.statements.catalogue import MPS, document_type
from caremarket.statements.models import Edition, Section, Statement
from caremarket.statements.render import build_snapshot, render_document_html, render_pdf


class WorkflowError(Exception):
    """An action the edition's state or the user's part in it does not allow."""


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    #: Staff's explanation (figure checks page) and its date, when the finding is explained.
    explanation: str = ""
    explained_on: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.explanation)

    def as_json(self) -> dict[str, str]:
        data = {"code": self.code, "message": self.message}
        if self.explained:
            data |= {"explanation": self.explanation, "explained_on": self.explained_on}
        return data


def create_statement(
    council: LocalAuthority,
    *,
    period: str,
    slug: str,
    user: User | None,
    title: str = "",
    narrative: dict[str, str] | None = None,
    kind: str = MPS,
) -> Edition:
    """A new statement (a Market Position Statement, or another kind in the catalogue) with its
    first draft edition holding every section of that kind's catalogue."""
    document = document_type(kind)
    with transaction.atomic():
        statement = Statement.objects.create(
            local_authority=council,
            kind=kind,
            title=title or document.default_title,
            period=period,
            slug=slug,
        )
        edition = Edition.objects.create(
            statement=statement, number=1, last_edited_by=user, last_edited_at=timezone.now()
        )
        for position, spec in enumerate(document.sections):
            Section.objects.create(
                edition=edition,
                key=spec.key,
                title=spec.title,
                position=position,
                data_key=spec.data_key,
                body=(narrative or {}).get(spec.key, ""),
            )
    return edition


def start_new_edition(statement: Statement, user: User) -> Edition:
    """Copy the latest edition's sections into a new draft (one draft at a time)."""
    if statement.draft() is not None:
        raise WorkflowError("finish or publish the current draft before starting another")
    latest = statement.editions.order_by("-number").first()
    if latest is None:
        raise WorkflowError("this statement has no edition to start from")
    with transaction.atomic():
        edition = Edition.objects.create(
            statement=statement,
            number=latest.number + 1,
            scenario=latest.scenario,
            last_edited_by=user,
            last_edited_at=timezone.now(),
        )
        Section.objects.bulk_create(
            Section(
                edition=edition,
                key=s.key,
                title=s.title,
                position=s.position,
                hidden=s.hidden,
                body=s.body,
                data_key=s.data_key,
            )
            for s in latest.sections.all()
        )
    return edition


def mark_edited(edition: Edition, user: User) -> None:
    if edition.status != Edition.Status.DRAFT:
        raise WorkflowError("only a draft can be edited: return it to draft first")
    edition.last_edited_by = user
    edition.last_edited_at = timezone.now()
    edition.save(update_fields=["last_edited_by", "last_edited_at"])


def add_section(edition: Edition, user: User, title: str) -> Section:
    """A council's own section (narrative only), placed last; its key comes from the title."""
    from django.utils.text import slugify

    title = title.strip()
    if not title:
        raise WorkflowError("Enter a title for the new section")
    if len(title) > 200:
        raise WorkflowError("The title must be 200 characters or fewer")
    mark_edited(edition, user)
    base = slugify(title)[:50] or "section"
    key, n = base, 2
    while edition.sections.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    last = edition.sections.order_by("-position").values_list("position", flat=True).first()
    return Section.objects.create(edition=edition, key=key, title=title, position=(last or 0) + 1)


def submit_for_review(edition: Edition, user: User) -> None:
    if edition.status != Edition.Status.DRAFT:
        raise WorkflowError("only a draft can be sent for review")
    edition.status = Edition.Status.IN_REVIEW
    edition.submitted_at = timezone.now()
    edition.save(update_fields=["status", "submitted_at"])
    record("mps_submitted", user=user, local_authority=edition.council, obj=edition)


def return_to_draft(edition: Edition, user: User) -> None:
    if edition.status != Edition.Status.IN_REVIEW:
        raise WorkflowError("only an edition waiting for review can go back to draft")
    edition.status = Edition.Status.DRAFT
    edition.save(update_fields=["status"])


def findings_for(edition: Edition, snapshot: dict | None = None) -> list[Finding]:
    """What the reviewer must see: figures with no source and the figure checks' findings
    (those staff have explained carry their explanation and need no acknowledgement)."""
    snapshot = snapshot if snapshot is not None else build_snapshot(edition)
    findings = []
    for block in snapshot["blocks"].values():
        for table in block["tables"]:
            if not table["sources"]:
                findings.append(
                    Finding(f"no-source:{table['id']}", f"“{table['caption']}” has no source")
                )
    from caremarket.needs.checks import council_findings

    for checked in council_findings(edition.council):
        explained = checked.explained
        findings.append(
            Finding(
                checked.key,
                str(checked.finding),
                explained.explanation if explained else "",
                explained.explained_at.date().isoformat() if explained else "",
            )
        )
    return findings


def publish(edition: Edition, approver: User, acknowledged: set[str]) -> Edition:
    """Approve and publish, freezing the data, HTML and PDF. Raises WorkflowError if not allowed."""
    if edition.status != Edition.Status.IN_REVIEW:
        raise WorkflowError("send the edition for review before publishing it")
    if edition.last_edited_by_id == approver.pk:
        raise WorkflowError("you edited this edition last: a second commissioner must approve it")
    snapshot = build_snapshot(edition)
    findings = findings_for(edition, snapshot)
    missing = [f for f in findings if not f.explained and f.code not in acknowledged]
    if missing:
        raise WorkflowError(
            f"acknowledge every finding before publishing ({len(missing)} not acknowledged)"
        )
    with transaction.atomic():
        edition.snapshot = snapshot
        edition.status = Edition.Status.PUBLISHED
        edition.approved_by = approver
        edition.published_at = timezone.now()
        edition.acknowledged_findings = [f.as_json() for f in findings]
        edition.html = render_document_html(edition)
        edition.pdf = render_pdf(edition, edition.html)
        edition.save(publishing=True)
        record("mps_published", user=approver, local_authority=edition.council, obj=edition)
    return edition
