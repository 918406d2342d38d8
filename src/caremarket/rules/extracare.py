"""Extra care nominations: the steps a referral takes, and the table a Local Account prints.
Kept apart from Django so it can be tested alone.

Stoke-on-Trent's Local Account 2020/21 (seed 001) describes the route: a person interested in
an extra care scheme puts forward an *expression of interest*; the council and the scheme
decide together whether the person is *eligible and suitable*; that leads to a *nomination*
into a vacant flat in one of the schemes. The schemes also take *privately funded referrals*
and referrals from the *housing* directorate. Its table counts, per scheme and year,
expressions of interest, nominations and placements; placements can be more than nominations
because private and housing referrals move in too.

- **Routes and steps.** A council expression of interest waits for the panel; the panel's
  decision (eligible yes or no, suitable yes or no, always with a reason) either closes it or
  lets it wait for a flat; a nomination names the flat; the person moves in (a placement). A
  housing referral needs no council panel (the housing directorate has assessed it) and is
  nominated like the council's. A private referral is the scheme's own: no panel, no
  nomination, it moves straight in. Any open referral can be withdrawn, with a reason.
- **Flats.** A nomination needs a vacant flat: the scheme's voids less the nominations
  already waiting to move in there.
- **Dates.** Each step is on or after the one before and not after today.
- **The table.** Per scheme and financial year (April to March, "2020/21"): expressions of
  interest by the date received (council route only), nominations by the date made (council
  and housing), placements by the date moved in (every route).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "Action",
    "ExtraCareRuleError",
    "Referral",
    "Route",
    "Stage",
    "TableRow",
    "allowed",
    "check_date",
    "financial_year",
    "flats_free",
    "panel_stage",
    "start_stage",
    "year_table",
]


class ExtraCareRuleError(ValueError):
    """A step that cannot be taken; the message is for people to read."""


class Route(StrEnum):
    COUNCIL = "council"
    HOUSING = "housing"
    PRIVATE = "private"


class Stage(StrEnum):
    PANEL = "panel"
    NOT_ACCEPTED = "not_accepted"
    WAITING = "waiting"
    NOMINATED = "nominated"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    DECIDE = "decide"
    NOMINATE = "nominate"
    PLACE = "place"
    WITHDRAW = "withdraw"


CLOSED = frozenset({Stage.NOT_ACCEPTED, Stage.PLACED, Stage.WITHDRAWN})


def start_stage(route: Route) -> Stage:
    """Council expressions of interest go to the panel; the others wait for a flat."""
    return Stage.PANEL if route == Route.COUNCIL else Stage.WAITING


def allowed(route: Route, stage: Stage) -> tuple[Action, ...]:
    """The steps a referral on this route may take next, in the order they come."""
    if stage in CLOSED:
        return ()
    if stage == Stage.PANEL:
        return (Action.DECIDE, Action.WITHDRAW)
    if stage == Stage.WAITING:
        if route == Route.PRIVATE:
            return (Action.PLACE, Action.WITHDRAW)
        return (Action.NOMINATE, Action.WITHDRAW)
    return (Action.PLACE, Action.WITHDRAW)  # nominated


def panel_stage(eligible: bool, suitable: bool, reason: str) -> Stage:
    """The panel's decision: both yes → waiting for a flat, else closed. A reason always."""
    if not reason.strip():
        raise ExtraCareRuleError("Give the panel's reason")
    return Stage.WAITING if eligible and suitable else Stage.NOT_ACCEPTED


def flats_free(voids: int, waiting_nominations: int) -> int:
    """Vacant flats not yet promised to a nominee."""
    return max(voids - waiting_nominations, 0)


def check_date(day: date, after: date, after_words: str, today: date, words: str) -> None:
    """A step's date is on or after the one before and not in the future."""
    if day > today:
        raise ExtraCareRuleError(f"{words} cannot be in the future")
    if day < after:
        raise ExtraCareRuleError(f"{words} must be on or after {after_words} ({after:%-d %B %Y})")


def financial_year(day: date) -> str:
    """April to March: 10 May 2020 and 31 March 2021 are both in "2020/21"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class Referral:
    """What the table needs of a referral."""

    scheme: str
    route: Route
    received_on: date
    nominated_on: date | None = None
    placed_on: date | None = None


@dataclass(frozen=True)
class TableRow:
    scheme: str
    year: str
    expressions_of_interest: int
    nominations: int
    placements: int


def year_table(referrals: Iterable[Referral], schemes: Iterable[str] = ()) -> list[TableRow]:
    """Expressions of interest, nominations and placements per scheme per financial year.

    Rows are by year (oldest first), then scheme in the order given (others after, by name);
    a scheme in `schemes` with nothing in a year that has any figures gets a row of noughts.
    """
    counts: dict[tuple[str, str], Counter[str]] = {}
    for r in referrals:
        if r.route == Route.COUNCIL:
            counts.setdefault((financial_year(r.received_on), r.scheme), Counter())["eoi"] += 1
        if r.nominated_on is not None:
            counts.setdefault((financial_year(r.nominated_on), r.scheme), Counter())["nom"] += 1
        if r.placed_on is not None:
            counts.setdefault((financial_year(r.placed_on), r.scheme), Counter())["placed"] += 1
    order = list(dict.fromkeys(schemes))
    names = order + sorted({s for _, s in counts} - set(order))
    rows = []
    for year in sorted({y for y, _ in counts}):
        for scheme in names:
            c = counts.get((year, scheme), Counter())
            rows.append(TableRow(scheme, year, c["eoi"], c["nom"], c["placed"]))
    return rows
