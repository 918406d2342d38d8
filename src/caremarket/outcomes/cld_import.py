"""`caremarket import cld FILE --council CODE`: a council's Client Level Data, Release 2 columns.

One or more quarterly or annual submissions in one CSV: rows stating the same reporting period
are one submission. Every row is checked before anything is written (dates are dates, the
council is the one named, an NHS number has a valid check digit, a date of birth is not in the
future); a value outside the Release 2 lists is not a bad row (DHSC's method counts it as
unmapped, and `caremarket ascof` reports it). NHS numbers and local person ids are stored only
as keyed hashes, dates of birth as year and month, and the postcode is not stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from caremarket.imports.framework import (
    Importer,
    ImportRefused,
    Parsed,
    RowError,
    csv_rows,
    open_text,
)
from caremarket.imports.models import ImportRun
from caremarket.outcomes.models import CldEvent, CldSubmission
from caremarket.outcomes.pseudonym import nhs_number_problem, pseudonym

#: The Release 2 columns the ASCOF method reads (cld_fields.md section 1); others are ignored.
REQUIRED = (
    "LA_Code",
    "Reporting_Period_Start_Date",
    "Reporting_Period_End_Date",
    "NHS_Number",
    "LA_Person_Unique_Identifier",
    "Gender",
    "Date_of_Birth",
    "Date_of_Death",
    "Client_Type",
    "Primary_Support_Reason",
    "Accommodation_Status",
    "Event_Type",
    "Event_Start_Date",
    "Event_End_Date",
    "Event_Outcome",
    "Request_Route_of_Access",
    "Assessment_Type",
    "Service_Type",
    "Service_Component",
    "Delivery_Mechanism",
)
LINKED = ("Adult_1_Linked_Person_ID", "Adult_2_Linked_Person_ID", "Adult_3_Linked_Person_ID")
TEXT = {
    "Gender": "gender",
    "Client_Type": "client_type",
    "Primary_Support_Reason": "primary_support_reason",
    "Accommodation_Status": "accommodation_status",
    "Event_Type": "event_type",
    "Event_Outcome": "event_outcome",
    "Request_Route_of_Access": "request_route",
    "Assessment_Type": "assessment_type",
    "Service_Type": "service_type",
    "Service_Component": "service_component",
    "Delivery_Mechanism": "delivery_mechanism",
}
MAX_TEXT = 200
MAX_ID = 100
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date:
    """``2024-04-01`` (the specification's) or ``01/04/2024`` (a spreadsheet's); ValueError."""
    text = text.strip()
    match = UK_DATE.match(text)
    if match:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return date.fromisoformat(text)


class CldImporter(Importer):
    format = "cld"
    publisher = "Local authority"
    dataset = "Adult Social Care Client Level Data (Release 2)"
    description = "Client Level Data CSV with the Release 2 column names (LA_Code, …)"
    needs_council = True

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        today = timezone.localdate()
        with open_text(path) as handle:
            for item in csv_rows(handle, REQUIRED):
                if isinstance(item, RowError):
                    yield item
                    continue
                line, row = item
                parsed = self._parse(line, row, today)
                if isinstance(parsed, list):
                    yield from parsed
                else:
                    yield parsed

    def _parse(self, line: int, row: dict[str, str], today: date) -> Parsed | list[RowError]:
        """One row checked and pseudonymised, or every reason it is bad."""
        council = self.context.council
        assert council is not None
        errors: list[RowError] = []
        values: dict[str, Any] = {}

        def bad(column: str, reason: str) -> None:
            errors.append(RowError(line, column, reason))

        code = row["LA_Code"].strip().upper()
        if code != council.code:
            bad("LA_Code", f"is {code or 'empty'}, not {council.code} ({council.name})")
        values["la_code"] = council.code
        dates: dict[str, date | None] = {}
        for column in (
            "Reporting_Period_Start_Date",
            "Reporting_Period_End_Date",
            "Date_of_Death",
            "Event_Start_Date",
            "Event_End_Date",
            "Date_of_Birth",
        ):
            text = row[column].strip()
            if not text:
                dates[column] = None
                continue
            try:
                dates[column] = parse_date(text)
            except ValueError:
                # the value is not repeated: a report of bad rows is kept with the run
                bad(column, "is not a date (use 2024-04-01)")
                dates[column] = None
        start, end = (
            dates["Reporting_Period_Start_Date"],
            dates["Reporting_Period_End_Date"],
        )
        for column in ("Reporting_Period_Start_Date", "Reporting_Period_End_Date"):
            if not row[column].strip():
                bad(column, "is empty; every row states its reporting period")
        if start and end and start > end:
            bad("Reporting_Period_End_Date", "is before the reporting period's start")
        born = dates["Date_of_Birth"]
        if born is not None and not date(1890, 1, 1) <= born <= today:
            bad("Date_of_Birth", "is not a plausible date of birth")
        died = dates["Date_of_Death"]
        if died is not None and died > today:
            bad("Date_of_Death", "is in the future")
        if born is not None and died is not None and died < born:
            bad("Date_of_Death", "is before the date of birth")

        nhs = re.sub(r"\s", "", row["NHS_Number"])
        if nhs:
            problem = nhs_number_problem(nhs)
            if problem:
                bad("NHS_Number", problem)
        local = row["LA_Person_Unique_Identifier"].strip()
        if len(local) > MAX_ID:
            bad("LA_Person_Unique_Identifier", f"is longer than {MAX_ID} characters")
        linked = []
        for column in LINKED:
            text = row.get(column, "").strip()
            if len(text) > MAX_ID:
                bad(column, f"is longer than {MAX_ID} characters")
            elif text:
                linked.append(pseudonym("local", text))
        for column, name in TEXT.items():
            text = row[column].strip()
            if len(text) > MAX_TEXT:
                bad(column, f"is longer than {MAX_TEXT} characters")
            values[name] = text
        if errors:
            return errors
        values.update(
            period=(start, end),
            nhs_pseudonym=pseudonym("nhs", nhs) if nhs else "",
            local_pseudonym=pseudonym("local", local) if local else "",
            linked_pseudonyms=linked,
            birth_year=born.year if born else None,
            birth_month=born.month if born else None,
            date_of_death=died,
            event_start=dates["Event_Start_Date"],
            event_end=dates["Event_End_Date"],
        )
        return Parsed(line, values)

    def _submission(self, run: ImportRun, period: tuple[date, date]) -> CldSubmission:
        cache: dict[tuple[date, date], CldSubmission] = self.__dict__.setdefault("_subs", {})
        if period not in cache:
            assert self.context.council is not None
            cache[period], _ = CldSubmission.objects.get_or_create(
                import_run=run,
                period_start=period[0],
                period_end=period[1],
                defaults={
                    "local_authority": self.context.council,
                    "imported_at": run.started_at
                    or datetime.now(tz=timezone.get_current_timezone()),
                },
            )
        return cache[period]

    def _already_imported(self, run: ImportRun) -> bool:
        """The same file for the same council again changes nothing."""
        if "_seen" not in self.__dict__:
            self._seen = (
                CldSubmission.objects.filter(
                    local_authority=self.context.council, import_run__sha256=run.sha256
                )
                .exclude(import_run=run)
                .exists()
            )
        return bool(self._seen)

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        if self._already_imported(run):
            return 0
        events = []
        for row in rows:
            v = dict(row.values)
            submission = self._submission(run, v.pop("period"))
            events.append(CldEvent(submission=submission, source_row=row.line, **v))
        CldEvent.objects.bulk_create(events)
        return len(events)

    def finish(self, run: ImportRun) -> list[str]:
        if self._already_imported(run):
            return ["this file was imported before for this council; nothing new was stored"]
        if not CldSubmission.objects.filter(import_run=run).exists():
            raise ImportRefused("no rows to store")
        return []
