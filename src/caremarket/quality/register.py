"""What the quality team does, one function per step; each writes the audit log.

Views and the demo call these, so a concern logged by a form and one made for the demo follow
the same rules (due times from the council's clocks, a notice of concern made when a concern
ends in one, an action plan opened by a poor audit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.imports.bulk import Table
from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority
from caremarket.quality.models import (
    Action,
    ActionPlan,
    Audit,
    AuditScore,
    Concern,
    CqcRating,
    Enquiry,
    EnquiryAction,
    EnquiryMeeting,
    Exit,
    Notice,
    PlacementStop,
    ProviderRecord,
    QualitySettings,
    standards_for,
)
from caremarket.rules import quality as rules


def day_words(day: date) -> str:
    """A date as people write it: 3 February 2026."""
    return f"{day.day} {day:%B %Y}"


class QualityError(Exception):
    """A step that cannot be taken now, said in words for the person trying it."""


@dataclass
class Who:
    """The person acting and, when a page is the cause, the request (for the audit log)."""

    user: User
    request: HttpRequest | None = None


def _log(
    who: Who, action: str, council: LocalAuthority, obj: models.Model, detail: str = ""
) -> None:
    record(
        action,
        request=who.request,
        user=who.user,
        local_authority=council,
        obj=obj,
        detail=detail,
    )


def watch(council: LocalAuthority, location: Location, **fields: Any) -> ProviderRecord:
    """The council's record of a location, made when it first needs one."""
    provider_record, _ = ProviderRecord.objects.get_or_create(
        local_authority=council, location=location, defaults=fields
    )
    return provider_record


# --- Concerns ---------------------------------------------------------------------------------


def log_concern(
    who: Who,
    council: LocalAuthority,
    location: Location,
    *,
    source: str,
    risk: str,
    what: str,
    raised_by: str = "",
    dealt_with_by: User | None = None,
    logged_at: datetime | None = None,
    invented: bool = False,
) -> Concern:
    watch(council, location, invented=invented)
    concern = Concern(
        local_authority=council,
        location=location,
        source=source,
        risk=risk,
        logged_at=logged_at or timezone.now(),
        logged_by=who.user,
        dealt_with_by=dealt_with_by,
        details={"what": what, "raised_by": raised_by},
        invented=invented,
    )
    concern.set_due(QualitySettings.for_council(council).hours)
    concern.save()
    _log(who, "logged_concern", council, concern, f"{concern.get_risk_display().lower()} risk")
    return concern


def assign_concern(who: Who, concern: Concern, dealt_with_by: User | None, shared: bool) -> None:
    concern.dealt_with_by = dealt_with_by
    concern.shared_with_provider = shared
    concern.save(update_fields=["dealt_with_by", "shared_with_provider"])
    _log(who, "updated_concern", concern.local_authority, concern)


@transaction.atomic
def close_concern(
    who: Who, concern: Concern, outcome: str, note: str, now: datetime | None = None
) -> Notice | None:
    """End a concern: a safeguarding referral (recorded), a notice of concern, or closed."""
    if not concern.is_open:
        raise QualityError("This concern is already closed")
    if outcome not in (
        Concern.Outcome.SAFEGUARDING,
        Concern.Outcome.NOTICE,
        Concern.Outcome.CLOSED,
    ):
        raise QualityError("Choose what happened to the concern")
    now = now or timezone.now()
    concern.outcome = outcome
    concern.details = {**concern.details, "outcome": note}
    concern.closed_at = now
    concern.closed_by = who.user
    concern.save(update_fields=["outcome", "details", "closed_at", "closed_by"])
    _log(who, "closed_concern", concern.local_authority, concern, concern.get_outcome_display())
    if outcome != Concern.Outcome.NOTICE:
        return None
    return issue_notice(
        who,
        concern.local_authority,
        concern.location,
        kind=Notice.Kind.CONCERN,
        reason=f"Following concern {concern.reference}.",
        concern=concern,
        on=timezone.localdate(now),
    )


# --- Escalation -------------------------------------------------------------------------------


def issue_notice(
    who: Who,
    council: LocalAuthority,
    location: Location,
    *,
    kind: str,
    reason: str,
    on: date,
    respond_by: date | None = None,
    concern: Concern | None = None,
    invented: bool = False,
) -> Notice:
    watch(council, location, invented=invented)
    notice = Notice.objects.create(
        local_authority=council,
        location=location,
        kind=kind,
        reason=reason,
        issued_on=on,
        issued_by=who.user,
        respond_by=respond_by,
        concern=concern,
        invented=invented,
    )
    _log(who, "issued_notice", council, notice, notice.get_kind_display())
    return notice


def close_notice(who: Who, notice: Notice, note: str, on: date) -> None:
    if notice.closed_on is not None:
        raise QualityError("This notice is already closed")
    notice.closed_on, notice.closed_by, notice.closing_note = on, who.user, note
    notice.save(update_fields=["closed_on", "closed_by", "closing_note"])
    _log(who, "closed_notice", notice.local_authority, notice)


def start_stop(
    who: Who,
    council: LocalAuthority,
    location: Location,
    *,
    scope: str,
    reason: str,
    started_on: date,
    review_on: date,
    partial_detail: str = "",
    invented: bool = False,
) -> PlacementStop:
    if PlacementStop.objects.in_force().filter(local_authority=council, location=location).exists():
        raise QualityError("A placement stop is already in force here: change or lift that one")
    if review_on < started_on:
        raise QualityError("The review date must be on or after the start date")
    if scope == PlacementStop.Scope.PARTIAL and not partial_detail.strip():
        raise QualityError("Say which placements a partial stop covers")
    watch(council, location, invented=invented)
    stop = PlacementStop.objects.create(
        local_authority=council,
        location=location,
        scope=scope,
        partial_detail=partial_detail if scope == PlacementStop.Scope.PARTIAL else "",
        reason=reason,
        started_on=started_on,
        review_on=review_on,
        started_by=who.user,
        invented=invented,
    )
    _log(who, "started_placement_stop", council, stop, stop.get_scope_display())
    return stop


def review_stop(who: Who, stop: PlacementStop, review_on: date) -> None:
    if stop.lifted_on is not None:
        raise QualityError("This placement stop has been lifted")
    if review_on < stop.started_on:
        raise QualityError("The review date must be on or after the start date")
    stop.review_on = review_on
    stop.save(update_fields=["review_on"])
    _log(who, "reviewed_placement_stop", stop.local_authority, stop)


def lift_stop(who: Who, stop: PlacementStop, note: str, on: date) -> None:
    if stop.lifted_on is not None:
        raise QualityError("This placement stop has already been lifted")
    if on < stop.started_on:
        raise QualityError("A stop cannot be lifted before it started")
    stop.lifted_on, stop.lifted_by, stop.lift_note = on, who.user, note
    stop.save(update_fields=["lifted_on", "lifted_by", "lift_note"])
    _log(who, "lifted_placement_stop", stop.local_authority, stop)


def stops_in_force(location: Location, councils: Any) -> list[PlacementStop]:
    """Stops in force at a location by any of `councils` (for staff wherever it appears)."""
    return list(
        PlacementStop.objects.in_force()
        .filter(location=location, local_authority__in=councils)
        .select_related("local_authority")
    )


def published_audits(location: Location | None) -> list[Audit]:
    """Each council's latest published audit of a location (the public sees these only)."""
    if location is None:
        return []
    latest: dict[int, Audit] = {}
    for audit in (
        Audit.objects.filter(location=location, status=Audit.Status.PUBLISHED)
        .select_related("local_authority")
        .order_by("published_on", "id")
    ):
        latest[audit.local_authority_id] = audit
    return sorted(latest.values(), key=lambda a: a.local_authority.name)


def open_enquiry(
    who: Who,
    council: LocalAuthority,
    location: Location,
    *,
    reason: str,
    opened_on: date,
    lead: User | None = None,
    invented: bool = False,
) -> Enquiry:
    if Enquiry.objects.filter(local_authority=council, location=location, closed_on=None).exists():
        raise QualityError("A Large-Scale Enquiry is already open here")
    watch(council, location, invented=invented)
    enquiry = Enquiry.objects.create(
        local_authority=council,
        location=location,
        reason=reason,
        opened_on=opened_on,
        opened_by=who.user,
        lead=lead,
        invented=invented,
    )
    _log(who, "opened_enquiry", council, enquiry)
    return enquiry


def _open(enquiry: Enquiry) -> None:
    if enquiry.closed_on is not None:
        raise QualityError("This enquiry is closed")


def add_meeting(who: Who, enquiry: Enquiry, kind: str, held_on: date, notes: str) -> None:
    _open(enquiry)
    if held_on < enquiry.opened_on:
        raise QualityError("A meeting cannot be before the enquiry opened")
    meeting = EnquiryMeeting.objects.create(
        enquiry=enquiry, kind=kind, held_on=held_on, notes=notes
    )
    _log(who, "recorded_enquiry_meeting", enquiry.local_authority, meeting)


def add_action(who: Who, enquiry: Enquiry, action: str, owner: str, due_on: date) -> None:
    _open(enquiry)
    item = EnquiryAction.objects.create(enquiry=enquiry, action=action, owner=owner, due_on=due_on)
    _log(who, "added_enquiry_action", enquiry.local_authority, item)


def complete_action(who: Who, item: EnquiryAction, on: date) -> None:
    _open(item.enquiry)
    item.done_on = on
    item.save(update_fields=["done_on"])
    _log(who, "completed_enquiry_action", item.enquiry.local_authority, item)


def close_enquiry(who: Who, enquiry: Enquiry, outcome: str, on: date) -> None:
    _open(enquiry)
    if on < enquiry.opened_on:
        raise QualityError("An enquiry cannot close before it opened")
    if enquiry.actions.filter(done_on=None).exists():
        raise QualityError("Mark every action done before closing the enquiry")
    enquiry.closed_on, enquiry.closed_by, enquiry.outcome = on, who.user, outcome
    enquiry.save(update_fields=["closed_on", "closed_by", "outcome"])
    _log(who, "closed_enquiry", enquiry.local_authority, enquiry)


def record_exit(who: Who, council: LocalAuthority, location: Location, **fields: Any) -> Exit:
    watch(council, location, invented=fields.get("invented", False))
    exit_ = Exit.objects.create(
        local_authority=council, location=location, recorded_by=who.user, **fields
    )
    _log(who, "recorded_exit", council, exit_)
    return exit_


# --- Audits -----------------------------------------------------------------------------------


@transaction.atomic
def start_audit(
    who: Who, council: LocalAuthority, location: Location, visit_date: date, invented: bool = False
) -> Audit:
    watch(council, location, invented=invented)
    audit = Audit.objects.create(
        local_authority=council,
        location=location,
        officer=who.user,
        visit_date=visit_date,
        invented=invented,
    )
    AuditScore.objects.bulk_create(
        AuditScore(audit=audit, standard=s) for s in standards_for(council)
    )
    _log(who, "started_audit", council, audit)
    return audit


def save_scores(who: Who, audit: Audit, scores: dict[int, tuple[str, str]], summary: str) -> None:
    """`scores`: standard id → (rating or "" for not assessed, evidence notes)."""
    if audit.status == Audit.Status.PUBLISHED:
        raise QualityError("A published audit cannot be changed")
    ratings = QualitySettings.for_council(audit.local_authority).scheme.ratings
    rows = list(audit.scores.select_related("standard"))
    for score in rows:
        rating, evidence = scores.get(score.standard_id, (score.rating, score.evidence))
        if rating and rating not in ratings:
            raise QualityError(f"Choose a rating for {score.standard.name}")
        score.rating, score.evidence = rating, evidence
    AuditScore.objects.bulk_update(rows, ["rating", "evidence"])
    audit.summary = summary
    audit.save(update_fields=["summary"])
    _log(who, "saved_audit", audit.local_authority, audit)


def share_audit(who: Who, audit: Audit, on: date) -> None:
    if audit.status != Audit.Status.DRAFT:
        raise QualityError("Only a draft can be shared with the provider")
    audit.result(QualitySettings.for_council(audit.local_authority).scheme)  # rated enough?
    audit.status, audit.shared_on = Audit.Status.SHARED, on
    audit.comments_due = rules.comments_due(on)
    audit.save(update_fields=["status", "shared_on", "comments_due"])
    _log(who, "shared_audit", audit.local_authority, audit)


def comment_on_audit(who: Who, audit: Audit, comments: str, on: date) -> None:
    if audit.status != Audit.Status.SHARED:
        raise QualityError("This report is not open for comments")
    if audit.comments_due is not None and on > audit.comments_due:
        raise QualityError(
            f"Comments were due by {day_words(audit.comments_due)}: contact the quality team"
        )
    audit.provider_comments, audit.comments_on, audit.comments_by = comments, on, who.user
    audit.save(update_fields=["provider_comments", "comments_on", "comments_by"])
    _log(who, "commented_on_audit", audit.local_authority, audit)


@transaction.atomic
def publish_audit(who: Who, audit: Audit, on: date) -> rules.RatingResult:
    """Publish: work out the rating; "Requires improvement" or "Poor" opens an action plan."""
    if audit.status == Audit.Status.PUBLISHED:
        raise QualityError("This audit is already published")
    scheme = QualitySettings.for_council(audit.local_authority).scheme
    result = audit.result(scheme)
    audit.status, audit.published_on = Audit.Status.PUBLISHED, on
    audit.rating, audit.score = result.rating, result.score_text
    audit.reaudit_due = rules.reaudit_due(on)
    audit.save(update_fields=["status", "published_on", "rating", "score", "reaudit_due"])
    if result.rating in (rules.REQUIRES_IMPROVEMENT, rules.POOR):
        ActionPlan.objects.create(audit=audit, due_on=rules.action_plan_due(on))
    _log(who, "published_audit", audit.local_authority, audit, result.rating)
    return result


def share_with_councils(who: Who, audit: Audit, councils: list[LocalAuthority]) -> None:
    """Let other councils read a published audit (never the council's own drafts)."""
    if audit.status != Audit.Status.PUBLISHED:
        raise QualityError("Only a published audit can be shared with other councils")
    others = [c for c in councils if c.pk != audit.local_authority_id]
    audit.shared_with.set(others)
    _log(
        who, "shared_audit_with_councils", audit.local_authority, audit, f"{len(others)} council(s)"
    )


def issues_of(audit: Audit) -> list[AuditScore]:
    """Standards rated below Good: each needs at least one action."""
    scheme = QualitySettings.for_council(audit.local_authority).scheme
    good = scheme.score_of(rules.GOOD) if rules.GOOD in scheme.ratings else scheme.scale[0][1]
    return [
        s
        for s in audit.scores.select_related("standard__domain")
        if s.rating and scheme.score_of(s.rating) < good
    ]


@transaction.atomic
def submit_plan(
    who: Who, plan: ActionPlan, actions: list[tuple[AuditScore, str, str, date]], on: date
) -> None:
    """The provider's actions: (issue, action, owner, by date); at least one per issue."""
    if plan.submitted_on is not None:
        raise QualityError("This action plan has already been sent")
    missing = {s.pk for s in issues_of(plan.audit)} - {score.pk for score, *_ in actions}
    if missing:
        raise QualityError("Give at least one action for each standard that needs improving")
    Action.objects.bulk_create(
        Action(plan=plan, score=score, action=text, owner=owner, by_date=by)
        for score, text, owner, by in actions
    )
    plan.submitted_on, plan.submitted_by = on, who.user
    plan.save(update_fields=["submitted_on", "submitted_by"])
    _log(who, "submitted_action_plan", plan.audit.local_authority, plan.audit)


# --- What the register knows about a location ------------------------------------------------


@dataclass
class LocationView:
    """One location's row on the dashboard and the head of its record."""

    location: Location
    record: ProviderRecord | None
    rag: rules.Rag
    reasons: list[str]
    stop: PlacementStop | None
    overdue: int
    open_concerns: int  # not yet overdue
    audit: Audit | None
    cqc_downgraded: bool
    cqc_rating: str = ""
    cqc_invented: bool = False

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)


def location_views(
    council: LocalAuthority, locations: list[Location], now: datetime | None = None
) -> list[LocationView]:
    """Red/amber/green and its reasons for each location, from a handful of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = [loc.pk for loc in locations]
    records = {
        r.location_id: r
        for r in ProviderRecord.objects.filter(local_authority=council, location_id__in=ids)
    }
    open_concerns = Concern.objects.filter(
        local_authority=council, location_id__in=ids, closed_at__isnull=True
    ).values_list("location_id", "risk", "due_at")
    counts: Counter[int] = Counter()
    high: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for location_id, risk, due_at in open_concerns:
        if due_at < now:
            overdue[location_id] += 1
        else:
            counts[location_id] += 1
            high[location_id] += risk == Concern.Risk.HIGH
    stops = {
        s.location_id: s
        for s in PlacementStop.objects.in_force().filter(
            local_authority=council, location_id__in=ids
        )
    }
    enquiries = set(
        Enquiry.objects.filter(
            local_authority=council, location_id__in=ids, closed_on=None
        ).values_list("location_id", flat=True)
    )
    labels = dict(Notice.Kind.choices)
    notices = {
        location_id: labels[kind]
        for location_id, kind in Notice.objects.filter(
            local_authority=council, location_id__in=ids, closed_on__isnull=True
        )
        .order_by("issued_on", "id")
        .values_list("location_id", "kind")
    }
    audits: dict[int, Audit] = {}
    for audit in (
        Audit.objects.filter(location_id__in=ids, status=Audit.Status.PUBLISHED)
        .filter(models.Q(local_authority=council) | models.Q(shared_with=council))
        .select_related("local_authority")
        .distinct()
        .order_by("published_on", "id")
    ):
        audits[audit.location_id] = audit  # the latest wins, the council's own or shared
    late_actions: Counter[int] = Counter(
        ActionPlan.objects.filter(
            audit__in=audits.values(), submitted_on__isnull=True, due_on__lt=today
        ).values_list("audit__location_id", flat=True)
    )
    late_actions.update(
        Action.objects.filter(
            plan__audit__in=audits.values(), completed_on__isnull=True, by_date__lt=today
        ).values_list("plan__audit__location_id", flat=True)
    )
    downgraded = set()
    seen: dict[int, tuple[str, bool]] = {}  # the latest rating in the history, and invented?
    for location_id, is_downgrade, rating, invented in (
        CqcRating.objects.filter(location_id__in=ids)
        .order_by("location_id", "seen_at", "id")
        .values_list("location_id", "downgrade", "rating", "invented")
    ):
        seen[location_id] = (rating, invented)
        if is_downgrade:
            downgraded.add(location_id)
        else:
            downgraded.discard(location_id)
    views = []
    for loc in locations:
        rec = records.get(loc.pk)
        stop = stops.get(loc.pk)
        # the register's rating; a location it has none for (the demo's 2016 sample) may
        # still have one in its (invented) history
        cqc, cqc_invented = (
            (loc.latest_rating, False) if loc.latest_rating else seen.get(loc.pk, ("", False))
        )
        audit = audits.get(loc.pk)
        rag, reasons = rules.risk(
            rules.RiskFacts(
                placement_stop=stop.scope if stop else "",
                enquiry_open=loc.pk in enquiries,
                overdue_concerns=overdue[loc.pk],
                open_concerns=counts[loc.pk],
                open_high_risk_concerns=high[loc.pk],
                audit_rating=audit.rating if audit else "",
                cqc_rating=cqc,
                cqc_downgraded=loc.pk in downgraded,
                open_notice=notices.get(loc.pk, ""),
                actions_overdue=late_actions[loc.pk],
                compliance_gaps=tuple(rec.compliance_gaps(today)) if rec else (),
            )
        )
        views.append(
            LocationView(
                loc,
                rec,
                rag,
                reasons,
                stop,
                overdue[loc.pk],
                counts[loc.pk],
                audit,
                loc.pk in downgraded,
                cqc,
                cqc_invented,
            )
        )
    return views


# --- CQC rating history -----------------------------------------------------------------------


#: Locations whose ratings are compared and recorded at a time.
RATINGS_BATCH = 2000
#: What an import writes of each new rating (`bulk.Table`: one statement per batch of rows).
RATING_COLUMNS = (
    "location", "rating", "rating_date", "previous_rating", "downgrade", "import_run"
)  # fmt: skip


def record_cqc_ratings(run: Any, pause: Callable[[], None] = lambda: None) -> int:
    """After a register import: a history row for each location whose rating or rating date
    differs from the last one seen (a worse rating is marked as a downgrade). `pause` is called
    between batches (an import's `Context.checkpoint`, which lets web requests write)."""
    changed = 0
    rows = list(
        Location.objects.filter(import_run=run)
        .exclude(latest_rating="")
        .values_list("pk", "latest_rating", "latest_rating_date")
    )
    for start in range(0, len(rows), RATINGS_BATCH):
        changed += _record_batch(rows[start : start + RATINGS_BATCH], run)
        pause()
    return changed


def _record_batch(batch: list[tuple[int, str, date | None]], run: Any) -> int:
    last: dict[int, tuple[str, date | None]] = {}
    for location_id, rating, rating_date in (
        CqcRating.objects.filter(location_id__in=[pk for pk, _, _ in batch], invented=False)
        .order_by("location_id", "seen_at", "id")
        .values_list("location_id", "rating", "rating_date")
    ):
        last[location_id] = (rating, rating_date)
    new = []
    for location_id, rating, rating_date in batch:
        before = last.get(location_id)
        if before == (rating, rating_date):
            continue
        previous = before[0] if before else ""
        new.append(
            (
                location_id,
                rating,
                rating_date,
                previous,
                rules.is_cqc_downgrade(previous, rating),
                run.pk if run is not None else None,
            )
        )
    return Table(CqcRating, RATING_COLUMNS).insert(new)
