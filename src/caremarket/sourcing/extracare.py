"""Extra care nominations on the models: referrals through the panel, nomination and moving
in, the schemes' nomination terms, and the table per scheme per year.

The steps and their order are the pure rules in `caremarket.rules.extracare`; here each step
locks the referral's row, checks the step is allowed and its date, writes it and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.market.models import Scheme
from caremarket.places.models import LocalAuthority
from caremarket.rules import extracare as rules
from caremarket.sourcing.models import ExtraCareReferral, ExtraCareTerms

Stage = ExtraCareReferral.Stage


def schemes(council: LocalAuthority) -> QuerySet[Scheme]:
    """The council's extra care schemes, with their nomination terms where recorded."""
    return (
        Scheme.objects.filter(local_authority=council, kind=Scheme.Kind.EXTRA_CARE)
        .select_related("terms")
        .order_by("name")
    )


def terms_of(scheme: Scheme) -> ExtraCareTerms | None:
    return getattr(scheme, "terms", None)


def waiting_nominations(scheme: Scheme) -> int:
    return ExtraCareReferral.objects.filter(scheme=scheme, stage=Stage.NOMINATED).count()


def flats_free(scheme: Scheme) -> int:
    terms = terms_of(scheme)
    return rules.flats_free(terms.voids if terms else 0, waiting_nominations(scheme))


@dataclass(frozen=True)
class SchemeRow:
    scheme: Scheme
    terms: ExtraCareTerms | None
    nominated: int
    free: int


def scheme_rows(council: LocalAuthority) -> list[SchemeRow]:
    rows = []
    for scheme in schemes(council):
        terms = terms_of(scheme)
        nominated = waiting_nominations(scheme)
        free = rules.flats_free(terms.voids if terms else 0, nominated)
        rows.append(SchemeRow(scheme, terms, nominated, free))
    return rows


def set_terms(
    scheme: Scheme,
    nomination_rights: int,
    voids: int,
    voids_on: date,
    user: User,
    http: HttpRequest | None,
) -> ExtraCareTerms:
    terms, _ = ExtraCareTerms.objects.update_or_create(
        scheme=scheme,
        defaults={"nomination_rights": nomination_rights, "voids": voids, "voids_on": voids_on},
    )
    record(
        "sourcing: extra care terms set",
        request=http,
        user=user,
        local_authority=scheme.local_authority,
        obj=terms,
        detail=f"{nomination_rights} nomination rights, {voids} empty flats",
    )
    return terms


def create(item: ExtraCareReferral, http: HttpRequest | None) -> ExtraCareReferral:
    item.stage = rules.start_stage(rules.Route(item.route)).value
    with transaction.atomic():
        item.save()
        record(
            "sourcing: extra care referral recorded",
            request=http,
            user=item.created_by,
            local_authority=item.local_authority,
            obj=item,
            detail=item.get_route_display(),
        )
    return item


def _open(item: ExtraCareReferral, action: rules.Action, on: date, words: str) -> ExtraCareReferral:
    """The referral, locked, once its route and stage allow the step and the step's date
    follows the last step's and is not in the future."""
    locked = ExtraCareReferral.objects.select_for_update().select_related("scheme").get(pk=item.pk)
    if action not in rules.allowed(rules.Route(locked.route), rules.Stage(locked.stage)):
        raise rules.ExtraCareRuleError(
            f"{locked.reference} is {locked.get_stage_display().lower()}: that step is not open"
        )
    after, after_words = _last_step(locked)
    rules.check_date(on, after, after_words, timezone.localdate(), words)
    return locked


def _terms_locked(scheme: Scheme) -> ExtraCareTerms | None:
    """The scheme's terms, locked, so two nominations or moves cannot take the same flat."""
    return ExtraCareTerms.objects.select_for_update().filter(scheme=scheme).first()


def _last_step(item: ExtraCareReferral) -> tuple[date, str]:
    """The date of the referral's latest step and its words, which the next one follows."""
    for day, words in (
        (item.nominated_on, "the nomination"),
        (item.panel_on, "the panel"),
    ):
        if day is not None:
            return day, words
    return item.received_on, "the referral"


def _save(
    locked: ExtraCareReferral, fields: list[str], action: str, user: User, http: HttpRequest | None
) -> ExtraCareReferral:
    locked.save(update_fields=[*fields, "stage"])
    record(
        action,
        request=http,
        user=user,
        local_authority=locked.local_authority,
        obj=locked,
        detail=locked.get_stage_display(),
    )
    return locked


def decide(
    item: ExtraCareReferral,
    eligible: bool,
    suitable: bool,
    reason: str,
    on: date,
    user: User,
    http: HttpRequest | None = None,
) -> ExtraCareReferral:
    with transaction.atomic():
        locked = _open(item, rules.Action.DECIDE, on, "The panel's date")
        locked.stage = rules.panel_stage(eligible, suitable, reason).value
        locked.eligible, locked.suitable, locked.panel_reason = eligible, suitable, reason.strip()
        locked.panel_on = on
        return _save(
            locked,
            ["eligible", "suitable", "panel_reason", "panel_on"],
            "sourcing: extra care panel decision",
            user,
            http,
        )


def nominate(
    item: ExtraCareReferral, flat: str, on: date, user: User, http: HttpRequest | None = None
) -> ExtraCareReferral:
    """Nominate to a vacant flat: the scheme must have a void not already promised."""
    with transaction.atomic():
        locked = _open(item, rules.Action.NOMINATE, on, "The nomination's date")
        terms = _terms_locked(locked.scheme)
        if terms is None:
            raise rules.ExtraCareRuleError(
                f"Record {locked.scheme.name}'s nomination rights and empty flats first"
            )
        if rules.flats_free(terms.voids, waiting_nominations(locked.scheme)) <= 0:
            raise rules.ExtraCareRuleError(
                f"{locked.scheme.name} has no empty flat that is not already nominated to"
            )
        if not flat.strip():
            raise rules.ExtraCareRuleError("Give the flat")
        locked.stage, locked.flat, locked.nominated_on = Stage.NOMINATED, flat.strip(), on
        return _save(
            locked, ["flat", "nominated_on"], "sourcing: extra care nomination", user, http
        )


def place(
    item: ExtraCareReferral, on: date, user: User, http: HttpRequest | None = None
) -> ExtraCareReferral:
    """The person moved in: the flat is no longer empty."""
    with transaction.atomic():
        locked = _open(item, rules.Action.PLACE, on, "The date moved in")
        terms = _terms_locked(locked.scheme)
        if terms is not None and terms.voids > 0:
            terms.voids -= 1
            terms.save(update_fields=["voids"])
        locked.stage, locked.placed_on = Stage.PLACED, on
        return _save(locked, ["placed_on"], "sourcing: extra care placement", user, http)


def withdraw(
    item: ExtraCareReferral, reason: str, on: date, user: User, http: HttpRequest | None = None
) -> ExtraCareReferral:
    with transaction.atomic():
        locked = _open(item, rules.Action.WITHDRAW, on, "The date withdrawn")
        if not reason.strip():
            raise rules.ExtraCareRuleError("Give the reason it is withdrawn")
        locked.stage, locked.withdrawn_on = Stage.WITHDRAWN, on
        locked.withdrawn_reason = reason.strip()
        return _save(
            locked,
            ["withdrawn_on", "withdrawn_reason"],
            "sourcing: extra care withdrawal",
            user,
            http,
        )


def table(council: LocalAuthority) -> list[rules.TableRow]:
    """Expressions of interest, nominations and placements per scheme per financial year."""
    referrals = ExtraCareReferral.objects.filter(local_authority=council).values_list(
        "scheme__name", "route", "received_on", "nominated_on", "placed_on"
    )
    return rules.year_table(
        (
            rules.Referral(name, rules.Route(route), got, nominated, placed)
            for name, route, got, nominated, placed in referrals
        ),
        schemes(council).values_list("name", flat=True),
    )
