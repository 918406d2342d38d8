"""Statement pages (Market Position Statements and Local Accounts alike): commissioners draft
and review; everyone reads what is published. The list and public pages take the document's
`kind` from the URL (`urls.py`); drafting pages find it on the statement."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caremarket.access import public, staff
from caremarket.accounts.audit import record
from caremarket.accounts.roles import Role
from caremarket.places.models import LocalAuthority
from caremarket.statements import workflow
from caremarket.statements.catalogue import MPS, document_type
from caremarket.statements.formatting import format_cell
from caremarket.statements.forms import LogoForm, SectionForm, StatementForm
from caremarket.statements.models import CouncilLogo, Edition, Statement, url_name
from caremarket.statements.render import (
    document_context,
    find_table,
    render_pdf,
    snapshot_of,
    table_csv,
)

EDITORS = (Role.COMMISSIONER, Role.COUNCIL_ADMIN)


def _get_edition(council: LocalAuthority, statement: str, number: int, kind: str) -> Edition:
    """An edition of this council's statement of this kind; another council's gives 404, never
    a leak."""
    return get_object_or_404(
        Edition.objects.select_related("statement__local_authority"),
        statement__local_authority=council,
        statement__kind=kind,
        statement__slug=statement,
        number=number,
    )


def _get_published(council_slug: str, statement: str, number: int, kind: str) -> Edition:
    edition = get_object_or_404(
        Edition.objects.select_related("statement__local_authority"),
        statement__local_authority__slug=council_slug,
        statement__kind=kind,
        statement__slug=statement,
        number=number,
        status=Edition.Status.PUBLISHED,
    )
    return edition


# Staff: drafting and review ---------------------------------------------------------------


@staff(*EDITORS)
def statements(request: HttpRequest, council: LocalAuthority, kind: str = MPS) -> HttpResponse:
    document = document_type(kind)
    form = StatementForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            edition = workflow.create_statement(
                council,
                period=form.cleaned_data["period"],
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
                user=request.user,  # type: ignore[arg-type]
                kind=kind,
            )
        except IntegrityError:
            form.add_error("slug", "This council already has a statement with that short name")
        else:
            messages.success(request, f"{document.name} created with a first draft edition")
            return redirect(edition.staff_url())
    items = Statement.objects.filter(local_authority=council, kind=kind).prefetch_related(
        "editions"
    )
    return render(
        request,
        "statements/staff_list.html",
        {
            "council": council,
            "statements": items,
            "form": form,
            "document": document,
            # the logo is the council's own mark on every statement and Local Account, so it
            # stays with the council admin (like the front door's settings); a commissioner
            # who drafts a statement is told who sets it rather than offered a page they
            # cannot open
            "logo_url": reverse("statements:logo", kwargs={"council": council.slug})
            if logo.access_rule.allows(request.user, council)  # type: ignore[attr-defined]
            else "",
        },
    )


@staff(Role.COUNCIL_ADMIN)
def logo(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The council admin uploads (or removes) the logo printed on the statements' cover.
    Editions published before keep the logo they were published with."""
    current = CouncilLogo.objects.filter(local_authority=council).first()
    form = LogoForm()
    if request.method == "POST" and "remove" in request.POST:
        if current is not None:
            current.delete()
            record("mps_logo_removed", request=request, local_authority=council)
        messages.success(request, "Logo removed")
        return redirect("statements:logo", council=council.slug)
    if request.method == "POST":
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            png, width, height = form.cleaned_data["logo"]
            CouncilLogo.objects.update_or_create(
                local_authority=council,
                defaults={"png": png, "width": width, "height": height,
                          "uploaded_by": request.user},
            )  # fmt: skip
            record("mps_logo_uploaded", request=request, local_authority=council)
            messages.success(request, "Logo saved: new drafts and editions print it on the cover")
            return redirect("statements:logo", council=council.slug)
    return render(
        request,
        "statements/staff_logo.html",
        {"council": council, "form": form, "current": current},
    )


@staff(*EDITORS)
def draft(
    request: HttpRequest, council: LocalAuthority, statement: str, number: int, kind: str = MPS
) -> HttpResponse:
    edition = _get_edition(council, statement, number, kind)
    context = document_context(edition)
    findings = (
        workflow.findings_for(edition, context["snapshot"])
        if edition.status == Edition.Status.IN_REVIEW
        else []
    )
    from caremarket.planning.models import Scenario

    return render(
        request,
        "statements/staff_edition.html",
        {
            **context,
            "findings": findings,
            "to_acknowledge": [f for f in findings if not f.explained],
            "explained_findings": [f for f in findings if f.explained],
            "can_approve": edition.status == Edition.Status.IN_REVIEW
            and edition.last_edited_by_id != request.user.pk,
            "scenarios": Scenario.objects.filter(local_authority=council),
            "other_editions": edition.statement.editions.exclude(pk=edition.pk),
            "section_links": [(s, edition.section_url(s.key)) for s in edition.sections.all()],
        },
    )


@staff(*EDITORS)
def edit_section(
    request: HttpRequest,
    council: LocalAuthority,
    statement: str,
    number: int,
    key: str,
    kind: str = MPS,
) -> HttpResponse:
    edition = _get_edition(council, statement, number, kind)
    section = get_object_or_404(edition.sections, key=key)
    if edition.status != Edition.Status.DRAFT:
        messages.error(request, "Only a draft can be edited")
        return redirect(edition.staff_url())
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        form.save()
        workflow.mark_edited(edition, request.user)  # type: ignore[arg-type]
        messages.success(request, f"“{section.title}” saved")
        return redirect(edition.staff_url())
    return render(
        request,
        "statements/staff_section.html",
        {"council": council, "edition": edition, "section": section, "form": form},
    )


@staff(*EDITORS)
@require_POST
def transition(
    request: HttpRequest, council: LocalAuthority, statement: str, number: int, kind: str = MPS
) -> HttpResponse:
    """Send for review, return to draft, choose a scenario, publish or start a new edition."""
    edition = _get_edition(council, statement, number, kind)
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "submit":
            workflow.submit_for_review(edition, user)  # type: ignore[arg-type]
            messages.success(request, "Sent for review: a second commissioner must approve it")
        elif action == "return":
            workflow.return_to_draft(edition, user)  # type: ignore[arg-type]
            messages.success(request, "Returned to draft")
        elif action == "scenario":
            from caremarket.planning.models import Scenario

            scenario_id = request.POST.get("scenario") or None
            scenario = (
                get_object_or_404(Scenario, pk=scenario_id, local_authority=council)
                if scenario_id and scenario_id.isdigit()
                else None
            )
            workflow.mark_edited(edition, user)  # type: ignore[arg-type]
            edition.scenario = scenario
            edition.save(update_fields=["scenario"])
            messages.success(request, "Sufficiency scenario chosen")
        elif action == "publish":
            workflow.publish(edition, user, set(request.POST.getlist("acknowledge")))  # type: ignore[arg-type]
            messages.success(request, f"Edition {edition.number} published")
        elif action == "add_section":
            section = workflow.add_section(edition, user, request.POST.get("title", ""))  # type: ignore[arg-type]
            messages.success(request, f"Section “{section.title}” added at the end")
            return redirect(edition.section_url(section.key))
        elif action == "new_edition":
            new = workflow.start_new_edition(edition.statement, user)  # type: ignore[arg-type]
            messages.success(request, f"Edition {new.number} started from edition {edition.number}")
            return redirect(new.staff_url())
        else:
            messages.error(request, "Choose an action")
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    return redirect(edition.staff_url())


def _row_key(table: dict[str, Any], row: list[Any]) -> tuple[str, ...]:
    """What names a row: its leading text cells (a service and its year, not the service
    alone, so 2040 is never paired with 2026)."""
    key = []
    for column, value in zip(table["columns"], row, strict=False):
        if column["kind"] != "text" and key:
            break
        key.append(str(value))
    return tuple(key)


def _diff_tables(old: dict, new: dict) -> list[dict]:
    """Cells that changed between two snapshots, table by table, rows paired by their names
    and figures printed as the document prints them."""
    changes = []
    old_tables = {t["id"]: t for b in old["blocks"].values() for t in b["tables"]}
    new_tables = {t["id"]: t for b in new["blocks"].values() for t in b["tables"]}
    for table_id in sorted(set(old_tables) | set(new_tables)):
        a, b = old_tables.get(table_id), new_tables.get(table_id)
        if a is None or b is None:
            changes.append(
                {
                    "caption": (a or b)["caption"],
                    "note": "added" if a is None else "removed",
                    "cells": [],
                }
            )  # type: ignore[index]
            continue
        columns_a = {c["label"]: i for i, c in enumerate(a["columns"])}
        rows_a = {_row_key(a, r): r for r in a["rows"]}
        cells = []
        for row in b["rows"]:
            key = _row_key(b, row)
            before = rows_a.get(key)
            for i in range(len(key), len(row)):
                column = b["columns"][i]
                j = columns_a.get(column["label"])
                was = before[j] if before is not None and j is not None else None
                if was != row[i]:
                    cells.append(
                        {
                            "row": ", ".join(key),
                            "column": column["label"],
                            "before": format_cell(was, column["kind"]),
                            "after": format_cell(row[i], column["kind"]),
                        }
                    )
        if cells:
            changes.append({"caption": b["caption"], "note": "", "cells": cells})
    return changes


@staff(*EDITORS)
def compare(
    request: HttpRequest, council: LocalAuthority, statement: str, kind: str = MPS
) -> HttpResponse:
    owner = get_object_or_404(Statement, local_authority=council, slug=statement, kind=kind)
    numbers = sorted(owner.editions.values_list("number", flat=True))
    try:
        a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else numbers[0]))
        b = int(request.GET.get("b", numbers[-1]))
    except (ValueError, IndexError):
        raise Http404("choose two editions") from None
    old = _get_edition(council, statement, a, kind)
    new = _get_edition(council, statement, b, kind)
    old_sections = {s.key: s for s in old.sections.all()}
    text_changes = []
    for section in new.sections.all():
        before = old_sections.get(section.key)
        before_text = before.body if before else ""
        if before_text != section.body or (before and before.title != section.title):
            diff = difflib.unified_diff(
                before_text.splitlines(), section.body.splitlines(), lineterm="", n=1
            )
            text_changes.append({"title": section.title, "lines": list(diff)[2:]})
    return render(
        request,
        "statements/staff_compare.html",
        {
            "council": council,
            "statement": owner,
            "old": old,
            "new": new,
            "numbers": numbers,
            "text_changes": text_changes,
            "figure_changes": _diff_tables(snapshot_of(old), snapshot_of(new)),
        },
    )


# Public: published editions -----------------------------------------------------------------


@public
def published_list(request: HttpRequest, council: str, kind: str = MPS) -> HttpResponse:
    authority = get_object_or_404(LocalAuthority, slug=council)
    editions = Edition.objects.filter(
        statement__local_authority=authority,
        statement__kind=kind,
        status=Edition.Status.PUBLISHED,
    ).select_related("statement")
    return render(
        request,
        "statements/public_list.html",
        {"council": authority, "editions": editions, "document": document_type(kind)},
    )


@public
def edition(
    request: HttpRequest, council: str, statement: str, number: int, kind: str = MPS
) -> HttpResponse:
    published = _get_published(council, statement, number, kind)
    context = document_context(published)
    address = {"council": council, "statement": statement, "number": number}
    for table in [t for s in context["sections"] for t in s["tables"]] + context["appendix_tables"]:
        table["csv_url"] = reverse(
            url_name(kind, "edition_table_csv"), kwargs={**address, "table": table["id"]}
        )
    context["pdf_url"] = reverse(url_name(kind, "edition_pdf"), kwargs=address)
    context["list_url"] = reverse(url_name(kind, "published_list"), kwargs={"council": council})
    return render(request, "statements/public_edition.html", context)


@public
def edition_pdf(
    request: HttpRequest, council: str, statement: str, number: int, kind: str = MPS
) -> HttpResponse:
    published = _get_published(council, statement, number, kind)
    pdf = bytes(published.pdf) if published.pdf else render_pdf(published)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{published.council.slug}-{published.statement.slug}-edition-{published.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@public
def edition_table_csv(
    request: HttpRequest, council: str, statement: str, number: int, table: str, kind: str = MPS
) -> HttpResponse:
    published = _get_published(council, statement, number, kind)
    found = find_table(published, table)
    if found is None:
        raise Http404("no such table")
    response = HttpResponse(table_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    return response


@public
def market_opportunities(request: HttpRequest) -> HttpResponse:
    """For providers: every council's published opportunities (and pipeline), filterable."""
    council_filter = request.GET.get("council", "")[:60]
    service_filter = request.GET.get("service", "")[:80]
    opportunities: list[dict] = []
    pipeline: list[dict] = []
    councils = LocalAuthority.objects.all()
    services: set[str] = set()
    for authority in councils:
        published = (
            Edition.objects.filter(
                statement__local_authority=authority,
                statement__kind=MPS,
                status=Edition.Status.PUBLISHED,
            )
            .order_by("-published_at")
            .first()
        )
        if published is None:
            continue
        blocks = (published.snapshot or {}).get("blocks", {})
        for key, target in (("opportunities", opportunities), ("pipeline", pipeline)):
            for table in blocks.get(key, {}).get("tables", []):
                labels = [c["label"] for c in table["columns"]]
                for row in table["rows"]:
                    services.add(str(row[0]))
                    cells = [
                        format_cell(value, column["kind"])
                        for value, column in zip(row, table["columns"], strict=True)
                    ]
                    target.append(
                        {
                            "council": authority,
                            "edition": published,
                            "cells": cells,
                            "labels": labels,
                        }
                    )
    from caremarket.needs.models import CouncilFigure
    from caremarket.statements import opportunities as stated

    with_data = set(
        CouncilFigure.objects.filter(measure__in=stated.opportunity_measures()).values_list(
            "local_authority", flat=True
        )
    ) | set(
        Edition.objects.filter(status=Edition.Status.PUBLISHED, statement__kind=MPS).values_list(
            "statement__local_authority", flat=True
        )
    )
    known_councils = {c.slug for c in councils}
    problems = []
    if council_filter and council_filter not in known_councils:
        problems.append("There is no council with that name on this service")
    if council_filter:
        opportunities = [o for o in opportunities if o["council"].slug == council_filter]
        pipeline = [p for p in pipeline if p["council"].slug == council_filter]
    if service_filter:
        opportunities = [o for o in opportunities if str(o["cells"][0]) == service_filter]
        pipeline = [p for p in pipeline if str(p["cells"][0]) == service_filter]
    by_council = [
        stated.for_council(authority)
        for authority in councils
        if authority.pk in with_data and council_filter in ("", authority.slug)
    ]
    return render(
        request,
        "statements/market_opportunities.html",
        {
            "by_council": [found for found in by_council if not found.empty],
            "opportunities": opportunities,
            "pipeline": pipeline,
            "councils": councils,
            "services": sorted(services),
            "council_filter": council_filter,
            "service_filter": service_filter,
            "problems": problems,
        },
    )
