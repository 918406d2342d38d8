"""The public directory: search, a service's page, the shortlist, place suggestions.

Everything is a GET with the search in the URL (so a search can be bookmarked, shared or sent
by a practitioner), works without JavaScript, and answers bad input with a message on the page,
never an error page: unknown filter values are dropped and named, a page past the last shows
the last, and only an unknown place or a bad age stops the search (400, with the form).
The shortlist lives in the session; residents have no accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any
from urllib.parse import parse_qs, urlparse
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from caremarket.access import public
from caremarket.directory import search as engine
from caremarket.directory.models import Schedule, Service, TaxonomyTerm
from caremarket.emails import Email
from caremarket.places.attribution import postcode_attribution
from caremarket.places.models import LocalAuthority
from caremarket.quality.register import published_audits
from caremarket.quality.views import stop_notices
from caremarket.rules.directory import miles_between, query_words

#: Longest query searched; longer text is cut, and the page says so.
MAX_QUERY_CHARS = 200
SHORTLIST_KEY = "directory:shortlist"
SHORTLIST_MAX = 50
EMAIL_RATE = "10/h"

#: Languages offered as a filter: English and the languages most spoken in England after it
#: (Census 2021 main language), with British Sign Language.
LANGUAGES = (
    "English",
    "British Sign Language",
    "Polish",
    "Romanian",
    "Panjabi",
    "Urdu",
    "Portuguese",
    "Spanish",
    "Arabic",
    "Bengali",
    "Gujarati",
    "Italian",
    "Lithuanian",
    "Chinese",
    "Tamil",
    "Turkish",
    "Somali",
    "Persian",
    "Kurdish",
    "French",
)


# --- The search form ---------------------------------------------------------------------------


class SearchForm(forms.Form):
    """The typed fields. Choice parameters are checked in `read_search` before binding, so an
    unknown value is dropped with a note instead of stopping the search."""

    q = forms.CharField(label="What are you looking for?", required=False, strip=True)
    postcode = forms.CharField(
        label="Postcode or place",
        required=False,
        help_text="For example, ST4 1AA, ST4 or Longton",
    )
    age = forms.CharField(label="Age of the person who needs support", required=False)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_postcode(self) -> engine.Place | None:
        text = " ".join(self.cleaned_data["postcode"].split())
        if not text:
            return None
        try:
            return engine.resolve_place(text)
        except engine.PlaceNotFound as problem:
            raise forms.ValidationError(str(problem)) from problem

    def clean_age(self) -> int | None:
        text = self.cleaned_data["age"].strip()
        if not text:
            return None
        if not text.isdigit() or len(text) > 3:
            raise forms.ValidationError("Enter an age as a whole number, like 70")
        age = int(text)
        if age > 120:
            raise forms.ValidationError("Enter an age of 120 or less")
        return age


@dataclass
class Choices:
    """What each filter offers: (value, label) pairs, and which are chosen."""

    categories: list[tuple[str, str]]
    radii: list[tuple[str, str]]
    client_groups: list[tuple[str, str]]
    costs: list[tuple[str, str]]
    ratings: list[tuple[str, str]]
    weekdays: list[tuple[str, str]]
    languages: list[tuple[str, str]]
    councils: list[tuple[str, str]]


def choices() -> Choices:
    return Choices(
        categories=list(TaxonomyTerm.objects.values_list("code", "name")),
        radii=[(str(r), f"{r} mile{'s' if r > 1 else ''}") for r in engine.RADIUS_CHOICES],
        client_groups=list(Service.ClientGroup.choices),
        costs=list(Service.Cost.choices),
        ratings=[(r, r) for r in engine.CQC_RATINGS],
        weekdays=[(str(v), label) for v, label in Schedule.Weekday.choices],
        languages=[(name, name) for name in LANGUAGES],
        # One index probe per council, not a join over every service made distinct.
        councils=list(
            LocalAuthority.objects.filter(
                Exists(Service.objects.filter(local_authority=OuterRef("pk")))
            )
            .order_by("name")
            .values_list("slug", "name")
        ),
    )


@dataclass
class ReadSearch:
    form: SearchForm
    query: engine.SearchQuery | None
    notes: list[str]
    chosen: dict[str, list[str]]
    asked: bool
    options: Choices


def _known(
    params: QueryDict, name: str, allowed: list[tuple[str, str]], what: str, notes: list[str]
) -> list[str]:
    """The parameter's values that are real choices; the rest are named in a note."""
    labels = dict(allowed)
    kept: list[str] = []
    for value in params.getlist(name)[:30]:
        value = value.strip()
        if not value:
            continue
        if value in labels:
            if value not in kept:
                kept.append(value)
        else:
            notes.append(f"We do not know the {what} “{value[:40]}”, so we left it out.")
    return kept


def read_search(params: QueryDict) -> ReadSearch:
    """Turn the URL's parameters into a search, with notes on what was left out or changed."""
    notes: list[str] = []
    options = choices()
    text = params.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(
            f"Your search was very long, so we searched for its first {MAX_QUERY_CHARS} characters."
        )
    form = SearchForm(
        {"q": text, "postcode": params.get("postcode", "")[:100], "age": params.get("age", "")}
    )
    chosen = {
        "category": _known(params, "category", options.categories, "need", notes),
        "radius": _known(params, "radius", options.radii, "distance", notes)[:1],
        "client_group": _known(params, "client_group", options.client_groups, "group", notes)[:1],
        "cost": _known(params, "cost", options.costs, "cost", notes),
        "rating": _known(params, "rating", options.ratings, "CQC rating", notes),
        "day": _known(params, "day", options.weekdays, "day", notes)[:1],
        "language": _known(params, "language", options.languages, "language", notes)[:1],
        "council": _known(params, "council", options.councils, "council", notes)[:1],
        "vacancies": ["yes"] if params.get("vacancies") == "yes" else [],
    }
    page = 1
    raw_page = params.get("page", "1").strip()
    if not raw_page.isdigit() or int(raw_page[:9]) < 1:
        notes.append("Page numbers are whole numbers from 1, so we show the first page.")
    else:
        page = int(raw_page[:9]) if len(raw_page) <= 9 else 10**9
    asked = any(k in params for k in ("q", "postcode", *chosen, "age", "page"))
    if not form.is_valid():
        return ReadSearch(form, None, notes, chosen, asked, options)
    council = None
    if chosen["council"]:
        council = LocalAuthority.objects.filter(slug=chosen["council"][0]).first()
    if form.cleaned_data["q"] and not query_words(form.cleaned_data["q"]):
        notes.append(
            f"“{form.cleaned_data['q'][:60]}” has no words we can search for, so we show every "
            "service. Try other words, or use the filters."
        )
    query = engine.SearchQuery(
        text=form.cleaned_data["q"],
        categories=chosen["category"],
        place=form.cleaned_data["postcode"],
        radius=float(chosen["radius"][0]) if chosen["radius"] else engine.DEFAULT_RADIUS,
        client_group=chosen["client_group"][0] if chosen["client_group"] else "",
        age=form.cleaned_data["age"],
        costs=chosen["cost"],
        ratings=chosen["rating"],
        has_vacancies=bool(chosen["vacancies"]),
        weekday=int(chosen["day"][0]) if chosen["day"] else None,
        language=chosen["language"][0] if chosen["language"] else "",
        council=council,
        page=page,
    )
    return ReadSearch(form, query, notes, chosen, asked, options)


def page_links(params: QueryDict, current: int, pages: int) -> list[dict[str, Any]]:
    """The GOV.UK pagination items: first, last, the current page and its neighbours."""
    shown = sorted({1, pages, current - 1, current, current + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {"number": number, "url": _with_page(params, number), "current": number == current}
        )
        previous = number
    return items


def _with_page(params: QueryDict, number: int) -> str:
    query = params.copy()
    query.setlist("page", [str(number)])
    return "?" + query.urlencode()


def _shortlist(request: HttpRequest) -> list[str]:
    stored = request.session.get(SHORTLIST_KEY, [])
    return [str(pk) for pk in stored] if isinstance(stored, list) else []


def _for_the_page(results: list[engine.Result], shortlist: list[str]) -> None:
    """Each result's page address and whether it is shortlisted. The address is reversed once
    for the page with a blank id, and each service's id put in its place."""
    blank = str(UUID(int=0))
    address = reverse("directory:service", kwargs={"pk": blank})
    shortlisted = set(shortlist)
    for result in results:
        pk = str(result.service.pk)
        result.url = address.replace(blank, pk)
        result.shortlisted = pk in shortlisted


@public
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Find care and support: the form, and once asked, a page of results."""
    read = read_search(request.GET)
    context: dict[str, Any] = {
        "form": read.form,
        "notes": read.notes,
        "chosen": read.chosen,
        "options": read.options,
        "asked": read.asked,
        "shortlist": _shortlist(request),
        "terms": TaxonomyTerm.objects.all(),
        "radius": read.chosen["radius"][0] if read.chosen["radius"] else str(engine.DEFAULT_RADIUS),
        # How many filters are chosen: the "Filter results" control opens to show them.
        "filtering": sum(len(v) for k, v in read.chosen.items() if k != "radius")
        + bool(request.GET.get("age", "").strip()),
    }
    status = 400 if read.form.errors else 200
    if read.query is not None and read.asked:
        page = engine.search(read.query)
        if page.page_clamped:
            read.notes.append(
                f"There {'is' if page.pages == 1 else 'are'} only {page.pages} "
                f"page{'s' if page.pages > 1 else ''} of results, so we show the last one."
            )
        context["page"] = page
        _for_the_page(page.results, context["shortlist"])
        if page.place is not None and page.place.has_point:
            context["postcode_attribution"] = postcode_attribution()
        context["page_links"] = (
            page_links(request.GET, page.page, page.pages) if page.pages > 1 else []
        )
        context["previous_url"] = _with_page(request.GET, page.page - 1) if page.page > 1 else ""
        context["next_url"] = (
            _with_page(request.GET, page.page + 1) if page.page < page.pages else ""
        )
    return render(request, "directory/search.html", context, status=status)


@public
@require_GET
def places(request: HttpRequest) -> JsonResponse:
    """Place names for the place box's suggestions (accessible-autocomplete)."""
    return JsonResponse({"places": engine.suggest_places(request.GET.get("q", ""))})


# --- A service ---------------------------------------------------------------------------------


def clock(value: time) -> str:
    """GOV.UK style times: 9am, 12:30pm, midday, midnight."""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def hours(schedule: Schedule) -> str:
    """ "10am to midday", "from 9am", or "" when no times are given."""
    if schedule.opens_at and schedule.closes_at:
        return f"{clock(schedule.opens_at)} to {clock(schedule.closes_at)}"
    if schedule.opens_at:
        return f"from {clock(schedule.opens_at)}"
    return ""


def _label(services: list[Service]) -> None:
    """Give each prefetched schedule its hours in words, for the templates."""
    for listing in services:
        for schedule in listing.schedules.all():
            schedule.hours = hours(schedule)  # type: ignore[attr-defined]


def _schedules_by_location(service: Service) -> tuple[dict[Any, list[Schedule]], list[Schedule]]:
    by_location: dict[Any, list[Schedule]] = {}
    general: list[Schedule] = []
    for schedule in service.schedules.all():
        if schedule.location_id:
            by_location.setdefault(schedule.location_id, []).append(schedule)
        else:
            general.append(schedule)
    return by_location, general


def contact_for(listing: Service) -> dict[str, str]:
    """The service's own contact details, else its organisation's, else the register's."""
    register = listing.cqc_location
    return {
        "phone": listing.phone
        or listing.organization.phone
        or (register.phone if register is not None else ""),
        "email": listing.email or listing.organization.email,
        "url": listing.url
        or listing.organization.url
        or (register.website if register is not None else ""),
    }


@dataclass(frozen=True)
class Distance:
    miles: float
    place: engine.Place


def distance_from_search(listing: Service, back: str) -> Distance | None:
    """How far the service's nearest located place is from the place of the search the
    resident came from (its URL is the page's back link), or None."""
    near = parse_qs(urlparse(back).query).get("postcode", [""])[0].strip()
    located = [p for p in listing.locations.all() if p.latitude is not None]
    if not near or not located:
        return None
    try:
        place = engine.resolve_place(near)
    except engine.PlaceNotFound:
        return None
    if place.latitude is None or place.longitude is None:
        return None
    miles = min(
        miles_between(place.latitude, place.longitude, p.latitude, p.longitude) for p in located
    )
    return Distance(miles, place)


@public
@require_GET
def service(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Everything the directory holds about one listed service."""
    listing = get_object_or_404(
        Service.objects.listed()
        .select_related("organization", "cqc_location__import_run", "local_authority")
        .prefetch_related("categories", "locations", "schedules"),
        pk=pk,
    )
    _label([listing])
    by_location, general = _schedules_by_location(listing)
    locations = [(loc, by_location.get(loc.pk, [])) for loc in listing.locations.all()]
    vacancies = engine.vacancies_for([listing], timezone.localdate()).get(listing.pk)
    labels = dict(Service.ClientGroup.choices)
    cost_labels = dict(Service.Cost.choices)
    back = _safe_next(request, request.GET.get("back", ""))
    return render(
        request,
        "directory/service.html",
        {
            "service": listing,
            "distance": distance_from_search(listing, back),
            "location": listing.cqc_location,
            "locations": locations,
            "general_schedules": general,
            "vacancies": vacancies,
            "client_groups": [labels.get(g, g) for g in listing.client_groups],
            "area": listing.areas_served
            or (listing.local_authority.name if listing.local_authority else ""),
            "contact": contact_for(listing),
            "costs": [cost_labels.get(c, c) for c in listing.costs],
            "shortlisted": str(listing.pk) in _shortlist(request),
            "back": back,
            "placement_stops": stop_notices(request.user, listing.cqc_location),
            "council_audits": published_audits(listing.cqc_location),
            "postcode_attribution": postcode_attribution()
            if any(place.latitude is not None for place in listing.locations.all())
            else [],
        },
    )


# --- The shortlist -----------------------------------------------------------------------------


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _posted_service(request: HttpRequest) -> Service | None:
    try:
        pk = UUID(request.POST.get("service", ""))
    except ValueError:
        return None
    return Service.objects.listed().filter(pk=pk).first()


@public
@require_POST
def shortlist_add(request: HttpRequest) -> HttpResponse:
    listing = _posted_service(request)
    shortlist = _shortlist(request)
    if listing is None:
        messages.error(request, "We could not find that service, so nothing was added.")
    elif str(listing.pk) in shortlist:
        pass
    elif len(shortlist) >= SHORTLIST_MAX:
        messages.error(
            request, f"Your shortlist is full ({SHORTLIST_MAX} services). Remove one first."
        )
    else:
        request.session[SHORTLIST_KEY] = [*shortlist, str(listing.pk)]
        messages.success(request, f"{listing.name} is on your shortlist.")
    return redirect(_safe_next(request, request.POST.get("next", "")) or "directory:shortlist")


@public
@require_POST
def shortlist_remove(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("service", "")
    shortlist = _shortlist(request)
    if pk in shortlist:
        request.session[SHORTLIST_KEY] = [s for s in shortlist if s != pk]
        listing = Service.objects.filter(pk=pk).first() if _is_uuid(pk) else None
        messages.success(
            request, f"{listing.name if listing else 'That service'} is off your shortlist."
        )
    return redirect(_safe_next(request, request.POST.get("next", "")) or "directory:shortlist")


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def shortlisted_services(request: HttpRequest) -> list[Service]:
    """The shortlist in the order it was made; services no longer listed drop out."""
    ids = [pk for pk in _shortlist(request) if _is_uuid(pk)]
    found = (
        Service.objects.listed()
        .filter(pk__in=ids)
        .select_related("organization", "cqc_location")
        .prefetch_related("locations", "schedules")
        .in_bulk()
    )
    services = [found[UUID(pk)] for pk in ids if UUID(pk) in found]
    _label(services)
    return services


@public
@require_GET
def shortlist(request: HttpRequest) -> HttpResponse:
    """The resident's shortlist, laid out to print: contact details and opening times."""
    return render(
        request,
        "directory/shortlist.html",
        {"services": shortlisted_services(request), "today": timezone.localdate()},
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="We only use it to send this email. We do not keep it.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


@public
def shortlist_email(request: HttpRequest) -> HttpResponse:
    """Email the shortlist to the resident. The address is used once: not stored, not logged."""
    services = shortlisted_services(request)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and services:
        if is_ratelimited(
            request, group="directory-shortlist-email", key="ip", rate=EMAIL_RATE, increment=True
        ):
            form.add_error("email", "Too many emails sent from here. Try again in an hour.")
        else:
            for listing in services:
                listing.public_url = request.build_absolute_uri(  # type: ignore[attr-defined]
                    reverse("directory:service", args=[listing.pk])
                )
            context = {
                "services": services,
                "service_name": settings.SERVICE_NAME,
                "search_url": request.build_absolute_uri(reverse("directory:search")),
            }
            Email.render("directory/email/shortlist", context).send([form.cleaned_data["email"]])
            messages.success(request, "We have emailed your shortlist to you.")
            return redirect("directory:shortlist")
    status = 400 if form.errors else 200
    return render(
        request,
        "directory/shortlist_email.html",
        {"form": form, "services": services},
        status=status,
    )
