"""Commissioners upload their council's data files and see where every import came from.

The page runs the same `run_import` as the command line, restricted to the council in the URL
(rows for any other council are bad rows). A refused file or one with bad rows re-renders the
form, options kept, with a GOV.UK error summary and every bad row listed; a dry run shows its
report under the form; a written import redirects to its run, which lists the rows skipped and
the checks' warnings.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from caremarket.access import staff
from caremarket.accounts.audit import record
from caremarket.accounts.roles import Role
from caremarket.imports.forms import UploadForm
from caremarket.imports.framework import ImportRefused, ImportReport, run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.imports.models import ImportRun
from caremarket.places.models import LocalAuthority

IMPORTERS_ROLES = (Role.COMMISSIONER, Role.COUNCIL_ADMIN)


def _runs_for(council: LocalAuthority) -> Q:
    """Runs made for the council, and runs (e.g. the demo's) that brought rows for it."""
    from caremarket.market.models import CommissioningContract, Location, Scheme
    from caremarket.needs.models import CouncilFigure
    from caremarket.places.models import PopulationFigure

    condition = Q(local_authority=council)
    for model in (CouncilFigure, CommissioningContract, Scheme, PopulationFigure, Location):
        condition |= Q(pk__in=model.objects.filter(local_authority=council).values("import_run"))
    return condition


def _get_run(council: LocalAuthority, pk: int) -> ImportRun:
    """A run of this council; another council's is a 404 so its existence never leaks."""
    return get_object_or_404(ImportRun.objects.filter(_runs_for(council)), pk=pk)


@staff(*IMPORTERS_ROLES)
def imports(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The council's import runs (provenance) and the upload form."""
    form = UploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = IMPORTERS[form.cleaned_data["format"]]
        suffix = Path(upload.name).suffix.lower()[:10]
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                report = run_import(
                    importer,
                    Path(handle.name),
                    council=council,
                    user=request.user,  # type: ignore[arg-type]
                    dry_run=form.cleaned_data["dry_run"],
                    skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                    file_name=Path(upload.name).name[:255],
                    only_council=True,
                )
            except ImportRefused as error:
                form.add_error("file", f"The file cannot be imported: {error}")
                record(
                    "import_refused",
                    request=request,
                    local_authority=council,
                    detail=f"{importer.format} {upload.name[:100]}: {error}"[:500],
                )
                report = None
        if report is not None:
            if report.written and report.run is not None:
                return redirect("imports:run", council=council.slug, pk=report.run.pk)
            record(
                "import_checked" if report.dry_run else "import_rejected",
                request=request,
                local_authority=council,
                detail=report.summary()[:500],
            )
            if report.error_count and not report.dry_run:
                # The form comes back with the chosen options so the corrected file (or the
                # same one, skipping bad rows) can be sent again; the rows are listed below it.
                form.add_error("file", _bad_rows_message(report))
    runs = ImportRun.objects.filter(_runs_for(council)).select_related("imported_by")[:200]
    return render(
        request,
        "imports/imports.html",
        {
            "council": council,
            "form": form,
            "runs": runs,
            "report": report,
            "errors": report.errors if report else [],
            "warnings": report.warnings if report else [],
        },
        status=400 if form.errors else 200,
    )


def _bad_rows_message(report: ImportReport) -> str:
    rows = "1 bad row" if report.error_count == 1 else f"{report.error_count:,} bad rows"
    if report.rows_read == 0:
        return f"The file has {rows} and no good ones: nothing was imported"
    return (
        f"The file has {rows}, listed below: nothing was imported. Correct them, or choose to "
        "import the good rows only"
    )


@staff(*IMPORTERS_ROLES)
def import_run(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """One run's provenance, the rows it skipped and the checks' warnings."""
    run = _get_run(council, pk)
    report = run.report or {}
    return render(
        request,
        "imports/report.html",
        {
            "council": council,
            "run": run,
            "errors": report.get("skipped", []),
            "error_count": report.get("skipped_count", 0),
            "warnings": report.get("warnings", []),
        },
    )
