"""Invented quality records for the demo, so the quality dashboard has something to show.

The locations are whatever register locations the demo councils have when the demo runs; the
concerns, audits, notices, stops, exits and compliance flags attached to them are made up, and
every one is marked `invented` (pages say "invented for the demo"). The demo's register sample
(2016) has no CQC ratings, so a few locations get an invented rating history too (one
downgrade, so the alert shows), never written onto the location itself. The choice of which
location gets what is fixed by the location's CQC id, so two demo runs tell the same story.

Two providers per council get a sign-in for an invented member of their staff
(`provider_logins`): one with a notice, a placement stop, a concern shared with it and an
action plan to send; one with a draft audit to comment on.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.demo import DemoLogin, invented_person, provider_login
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.market.models import Location, Provider
from caremarket.places.models import LocalAuthority
from caremarket.quality import evidence, register
from caremarket.quality.models import (
    Audit,
    Concern,
    CqcRating,
    EvidenceFile,
    Notice,
    PlacementStop,
    ProviderRecord,
)
from caremarket.quality.register import Who
from caremarket.rules.quality import (
    EXCELLENT,
    GOOD,
    POOR,
    REQUIRES_IMPROVEMENT,
    is_cqc_downgrade,
)

#: Locations per council that get invented records (the rest stay unwatched).
WATCHED = 14
NOTE = " (Invented for the demo.)"

CONCERNS = (
    ("family", "high", "A relative says their father was left in wet bedding overnight."),
    ("hospital", "high", "Discharge team: pressure sores found that were not on the care plan."),
    ("whistleblower", "medium", "A care worker says night shifts often run one person short."),
    ("practitioner", "medium", "Medicines records for two residents do not match the stock."),
    ("cqc", "low", "CQC shared a complaint about meal choices for people on soft diets."),
    ("person", "low", "A resident says activities stopped when the coordinator left."),
)
CONTRACTS = (
    "Residential and nursing care framework 2024–2028",
    "Home care framework (zone 2)",
    "Dementia block contract, 6 beds",
    "Discharge to assess beds",
)


def _pick(location: Location, salt: str, n: int) -> int:
    digest = hashlib.sha256(f"{location.cqc_location_id}:{salt}".encode()).digest()
    return digest[0] % n


def demo_staff(council: LocalAuthority, suffix: str, people: dict[str, str], role: Role) -> User:
    """The invented person (from `people`, by council slug) holding `role` for the council,
    named "(invented)"; `staff_sign_in` gives them a password the demo prints."""
    person = people.get(council.slug, "Alex Morgan")
    return invented_person(council, role, f"{council.slug}-{suffix}", person)


#: The demo councils' invented quality officers.
QUALITY_OFFICERS = {
    "stoke-on-trent": "Grace Mensah",
    "coventry": "Marcus Reid",
    "bath-and-north-east-somerset": "Helen Carter",
}


def quality_officer(council: LocalAuthority) -> User:
    return demo_staff(council, "quality", QUALITY_OFFICERS, Role.QUALITY_OFFICER)


@transaction.atomic
def invent(council: LocalAuthority, out: TextIO, today: date | None = None) -> int:
    """Invented records for up to WATCHED of the council's locations; 0 if it has them already."""
    if ProviderRecord.objects.filter(local_authority=council, invented=True).exists():
        return 0
    locations = list(
        Location.objects.for_council(council).order_by("-care_home", "cqc_location_id")[:WATCHED]
    )
    if not locations:
        out.write(f"{council.name}: no register locations, so no invented quality records\n")
        return 0
    officer = quality_officer(council)
    who = Who(officer)
    now = timezone.now()
    today = today or timezone.localdate(now)
    for i, place in enumerate(locations):
        register.watch(
            council,
            place,
            invented=True,
            officer=officer,
            contracts=CONTRACTS[_pick(place, "contract", len(CONTRACTS))],
            dspt=("met", "exceeded", "met", "not_met")[_pick(place, "dspt", 4)],
            asc_wds_complete=_pick(place, "wds", 5) != 0,
            capacity_tracker_complete=_pick(place, "ct", 6) != 0,
            bcp_on_file=_pick(place, "bcp", 7) != 0,
            bcp_review_date=today + timedelta(days=_pick(place, "bcpdate", 400) - 60),
        )
        story = i % 7
        if story in (0, 1, 3):  # open concerns: one overdue, one due soon
            source, risk, what = CONCERNS[(i + story) % len(CONCERNS)]
            hours = 30 if story == 0 else 5
            concern = register.log_concern(
                who,
                council,
                place,
                source=source,
                risk=risk,
                what=what + NOTE,
                raised_by="" if source == "whistleblower" else "Name withheld (invented)",
                dealt_with_by=officer,
                logged_at=now - timedelta(hours=hours),
                invented=True,
            )
            if story == 1:  # the provider with a notice and a stop is told of this one
                register.assign_concern(who, concern, officer, shared=True)
        if story in (1, 2, 4):  # a closed concern
            source, risk, what = CONCERNS[(i + 3) % len(CONCERNS)]
            closed = register.log_concern(
                who,
                council,
                place,
                source=source,
                risk=risk,
                what=what + NOTE,
                logged_at=now - timedelta(days=40 + i),
                dealt_with_by=officer,
                invented=True,
            )
            outcome = Concern.Outcome.NOTICE if story == 1 else Concern.Outcome.CLOSED
            notice = register.close_concern(
                who,
                closed,
                outcome,
                "Visited; the provider put it right." + NOTE,
                now - timedelta(days=38 + i),
            )
            if notice is not None:
                Notice.objects.filter(pk=notice.pk).update(invented=True)
        if story == 1:  # escalated: a full placement stop under review
            register.start_stop(
                who,
                council,
                place,
                scope=PlacementStop.Scope.FULL,
                reason="Repeated medicines errors and night staffing below the agreed level."
                + NOTE,
                started_on=today - timedelta(days=21),
                review_on=today + timedelta(days=7),
                invented=True,
            )
        if story == 1 and i == 1:  # and, at one home, a Large-Scale Enquiry
            enquiry = register.open_enquiry(
                who,
                council,
                place,
                reason="Several falls and missed medicines across both floors." + NOTE,
                opened_on=today - timedelta(days=20),
                lead=officer,
                invented=True,
            )
            register.add_meeting(
                who,
                enquiry,
                "strategy",
                today - timedelta(days=18),
                "Health, CQC and the council agreed visits twice a week." + NOTE,
            )
            register.add_action(
                who,
                enquiry,
                "Falls audit of every resident." + NOTE,
                "Home manager",
                today + timedelta(days=7),
            )
        if story == 4:  # a partial stop, and a rectification plan
            register.start_stop(
                who,
                council,
                place,
                scope=PlacementStop.Scope.PARTIAL,
                partial_detail="New nursing placements",
                reason="No registered nurse on several night shifts." + NOTE,
                started_on=today - timedelta(days=10),
                review_on=today + timedelta(days=18),
                invented=True,
            )
            register.issue_notice(
                who,
                council,
                place,
                kind=Notice.Kind.RECTIFICATION,
                reason="Nurse staffing rota to be agreed with the council." + NOTE,
                on=today - timedelta(days=9),
                respond_by=today + timedelta(days=5),
                invented=True,
            )
        _invent_audit(who, council, place, story, today)
        if story in RATING_HISTORIES:
            _invent_ratings(place, *RATING_HISTORIES[story], now)
    _invent_exits(who, council, locations, today)
    out.write(f"{council.name}: invented quality records for {len(locations)} locations\n")
    return len(locations)


def _invent_audit(
    who: Who, council: LocalAuthority, place: Location, story: int, today: date
) -> None:
    """Published audits (Good, Requires improvement with a plan), and one shared draft."""
    if story == 5:
        return  # never audited
    # the shared draft is recent, so its provider can still comment (14 days from sharing)
    visit = today - timedelta(days=6 if story == 2 else 20 + 9 * story)
    audit = register.start_audit(who, council, place, visit, invented=True)
    scores = {}
    for n, score in enumerate(audit.scores.select_related("standard")):
        if story == 1:  # mostly Poor: a Poor overall
            value = POOR if n % 4 else REQUIRES_IMPROVEMENT
        elif story in (3, 4):  # mostly Requires improvement
            value = REQUIRES_IMPROVEMENT if n % 3 else GOOD
        elif story == 6:  # Good with some Excellent
            value = EXCELLENT if n % 3 == 0 else GOOD
        else:
            value = GOOD
        scores[score.standard_id] = (
            value,
            "Seen on the visit: records, staff and residents." + NOTE,
        )
    register.save_scores(who, audit, scores, "Summary of an invented visit." + NOTE)
    register.share_audit(who, audit, visit + timedelta(days=3))
    if story == 2:  # a draft waiting for the provider's comments, with a file shared with it
        _invent_evidence(who, audit)
        return
    register.publish_audit(who, audit, visit + timedelta(days=18))


def _pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _invent_evidence(who: Who, audit: Audit) -> None:
    """An invented visit note kept as evidence for the audit's first standard, shared with
    the provider so its sign-in can download it."""
    score = audit.scores.select_related("standard").first()
    if score is None:
        return
    name = "Visit notes (invented for the demo).pdf"
    content = _pdf("Visit notes: invented for the demo.")
    kept = EvidenceFile.objects.create(
        score=score,
        name=name,
        stored=evidence.store(SimpleUploadedFile(name, content), name),
        content_type="application/pdf",
        size=len(content),
        uploaded_by=who.user,
        shared_with_provider=True,
    )
    record("uploaded_evidence_file", user=who.user, local_authority=audit.local_authority, obj=kept)
    record("shared_evidence_file", user=who.user, local_authority=audit.local_authority, obj=kept)


#: Invented CQC rating histories by story: (earlier rating, later rating, days since the later
#: one was seen). Two downgrades (one recent enough for `caremarket quality downgrades` to
#: email) and one improvement.
RATING_HISTORIES = {
    3: ("Good", "Requires improvement", 10),
    4: ("Outstanding", "Good", 45),
    6: ("Requires improvement", "Good", 200),
}


def _invent_ratings(place: Location, before: str, after: str, days: int, now: datetime) -> None:
    """Two invented CQC ratings for a location, the earlier about three years before."""
    if CqcRating.objects.filter(location=place).exists():
        return  # a real or invented history already
    earlier = now - timedelta(days=days + 3 * 365)
    later = now - timedelta(days=days)
    CqcRating.objects.bulk_create(
        [
            CqcRating(
                location=place,
                rating=before,
                rating_date=earlier.date(),
                seen_at=earlier,
                invented=True,
            ),
            CqcRating(
                location=place,
                rating=after,
                rating_date=later.date() - timedelta(days=5),
                previous_rating=before,
                downgrade=is_cqc_downgrade(before, after),
                seen_at=later,
                invented=True,
            ),
        ]
    )


def _invent_exits(
    who: Who, council: LocalAuthority, locations: list[Location], today: date
) -> None:
    """Seed 003 reports four provider exits in a year; the demo invents two to four."""
    homes = [loc for loc in locations if not loc.care_home] or locations
    for n, place in enumerate(homes[: 2 + _pick(locations[0], "exits", 3)]):
        register.record_exit(
            who,
            council,
            place,
            kind=("planned", "unplanned")[n % 2],
            exit_on=today - timedelta(days=30 + 70 * n),
            people_affected=4 + 7 * n,
            moved_to="All moved to other commissioned services nearby." + NOTE,
            reason="Provider handed back the contract." + NOTE if n % 2 == 0 else "Closure." + NOTE,
            invented=True,
        )


def invent_all(councils: list[LocalAuthority], out: TextIO) -> None:
    for council in councils:
        invent(council, out)


#: Invented provider staff, two per demo council (by council slug).
PROVIDER_STAFF = {
    "stoke-on-trent": ("Sam Okafor", "Jo Whitfield"),
    "coventry": ("Priya Bains", "Tom Kowalski"),
    "bath-and-north-east-somerset": ("Ruth Ellery", "Dan Hughes"),
}


def provider_logins(councils: list[LocalAuthority]) -> list[DemoLogin]:
    """Sign-ins for invented staff of two real providers per council whose locations hold
    invented records: first the provider under a notice of concern (with a stop, a concern
    shared with it and an action plan to send), then one with a draft audit to comment on."""
    logins = []
    for council in councils:
        notices = Notice.objects.filter(
            local_authority=council, invented=True, kind=Notice.Kind.CONCERN
        ).order_by("location__cqc_location_id")
        drafts = Audit.objects.filter(
            local_authority=council, invented=True, status=Audit.Status.SHARED
        ).order_by("location__cqc_location_id")
        providers: list[Provider] = []
        for records in (notices, drafts):  # one of each, two different providers
            for found in records.select_related("location__provider"):
                provider = found.location.provider
                if provider is not None and provider not in providers:
                    providers.append(provider)
                    break
        people = PROVIDER_STAFF.get(council.slug, ("Alex Morgan", "Chris Lane"))
        for n, (provider, person) in enumerate(zip(providers, people, strict=False), 1):
            logins.append(provider_login(council, provider, f"{council.slug}-provider-{n}", person))
    return logins
