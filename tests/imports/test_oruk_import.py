"""`caremarket import oruk`: a council's existing directory as an Open Referral UK feed.

The fixture is a page of `GET /services` as a council directory would serve it: six services
with organisations, locations, schedules (weekly and "2nd Tuesday"), cost options, languages,
contacts and taxonomy terms in the feed's own words (some of which match nothing of ours).
"""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from caremarket.directory.models import Organization, Schedule, Service, ServiceLocation
from caremarket.imports.framework import ImportRefused
from caremarket.imports.importers import oruk
from caremarket.imports.models import ImportRun
from caremarket.places.models import LocalAuthority, Postcode
from tests.imports.helpers import reencoded, run, write

FEED = Path(__file__).resolve().parent.parent / "fixtures" / "oruk" / "stoke_directory_feed.json"
STOKE = "E06000021"


def feed() -> dict[str, Any]:
    return json.loads(FEED.read_text(encoding="utf-8"))


def saved(tmp_path: Path, data: Any, name: str = "feed.json") -> Path:
    return write(tmp_path, name, json.dumps(data))


def stored() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Service, Organization, ServiceLocation, Schedule, ImportRun)
    }


@pytest.fixture
def council(councils: list[LocalAuthority]) -> LocalAuthority:
    return LocalAuthority.objects.get(code=STOKE)


def test_it_imports_the_feed_into_the_councils_directory(council: LocalAuthority) -> None:
    report = run("oruk", FEED, council=STOKE)
    assert report.written and report.error_count == 0, report.errors
    assert report.rows_read == report.rows_written == 6
    services = Service.objects.filter(local_authority=council)
    assert services.count() == 6
    lunch = services.get(source_id="ssd-1001")
    assert lunch.name == "Meir Community Lunch Club"
    assert lunch.organization.name == "VAST (Voluntary Action Stoke-on-Trent)"
    assert lunch.organization.local_authority == council
    assert lunch.organization.url == "https://vast.example.org.uk"
    assert lunch.age_min == 55 and lunch.age_max is None
    assert lunch.last_reviewed == date(2026, 6, 12) and lunch.review_due == date(2027, 6, 12)
    assert lunch.costs == ["charge"] and "£4.50 per meal" in lunch.cost_detail
    assert lunch.languages == ["English"]
    assert lunch.phone == "01782 000101" and lunch.email == "lunchclub@vast.example.org.uk"
    assert lunch.areas_served == "Meir and Weston Coyney"
    assert lunch.kind == Service.Kind.COMMUNITY_GROUP
    assert sorted(lunch.categories.values_list("code", flat=True)) == [
        "meals-and-food",
        "social-groups",
    ]
    (hall,) = lunch.locations.all()
    assert (hall.name, hall.address, hall.town, hall.postcode) == (
        "Meir Community Hall",
        "Weston Road",
        "Stoke-on-Trent",
        "ST3 6AB",
    )
    assert (hall.latitude, hall.longitude) == (52.979, -2.109)
    assert "Step-free" in hall.accessibility and "Step-free" in lunch.accessibility
    sessions = list(lunch.schedules.order_by("weekday"))
    assert [(s.weekday, s.opens_at, s.closes_at, s.location) for s in sessions] == [
        (1, time(11, 30), time(14), hall),
        (3, time(11, 30), time(14), hall),
    ]
    assert sessions[0].note == "Lunch served at 12:15."


def test_it_reads_every_part_of_the_feed(council: LocalAuthority) -> None:
    run("oruk", FEED, council=STOKE)
    carers = Service.objects.get(source_id="ssd-1002")
    assert carers.kind == Service.Kind.CARERS_SUPPORT and carers.costs == ["free"]
    assert carers.languages == ["English", "Urdu"]
    assert carers.email == "hub@carers.example.org.uk"
    assert carers.access == Service.Access.SELF_REFERRAL
    assert carers.how_to_access == "Drop in or self-refer by phone."
    longton = carers.locations.get(name="Longton Library")
    monthly = carers.schedules.get(location=longton)
    assert monthly.weekday == 1 and monthly.note.startswith("2nd Tuesday of the month")
    assert carers.schedules.filter(location__name="Carers Hub Hanley").count() == 3
    cafe = Service.objects.get(source_id="ssd-1003")
    (session,) = cafe.schedules.all()
    assert session.weekday == 2 and session.note == "1st Wednesday of the month"
    assert session.location == cafe.locations.get()
    assert list(cafe.categories.values_list("code", flat=True)) == ["memory-problems"]
    transport = Service.objects.get(source_id="ssd-1004")
    assert transport.kind == Service.Kind.TRANSPORT and transport.phone == "01782 000404"
    assert transport.costs == ["charge"] and transport.cost_detail.startswith("£3 single")
    assert transport.schedules.count() == 5 and not transport.locations.exists()
    assert transport.schedules.filter(location__isnull=True).count() == 5
    advice = Service.objects.get(source_id="ssd-1005")
    assert advice.kind == Service.Kind.ADVICE and advice.languages == ["English", "Polish"]
    handy = Service.objects.get(source_id="ssd-1006")
    assert handy.status == Service.Status.TEMPORARILY_CLOSED
    assert handy.access == Service.Access.REFERRAL
    assert handy.costs == ["charge", "free"]
    assert handy.kind == Service.Kind.EQUIPMENT
    # one organisation runs two services: stored once
    assert Organization.objects.filter(name="Age UK North Staffordshire").count() == 1


def test_unmapped_taxonomy_terms_are_warnings_not_failures(council: LocalAuthority) -> None:
    report = run("oruk", FEED, council=STOKE)
    assert report.error_count == 0
    joined = "\n".join(report.warnings)
    assert 'record 5: taxonomy term "Children\'s centres" matches no need category' in joined
    assert "'Dial a ride'" not in joined  # a resident's word for getting out and about
    assert report.run is not None and report.run.report["warnings"] == report.warnings


def test_a_kind_the_feed_states_is_used_and_kept_in_step(
    council: LocalAuthority, tmp_path: Path
) -> None:
    data = feed()["contents"][:1]
    kind = {"taxonomy": "caremarket service kinds", "code": "day_opportunity", "name": "Day"}
    data[0]["attributes"] = [
        {"id": "a1", "taxonomy_term": {"name": "Personal care"}},
        {"id": "a2", "taxonomy_term": kind},
    ]
    report = run("oruk", saved(tmp_path, data), council=STOKE)
    assert report.written and not report.warnings
    service = Service.objects.get()
    assert service.kind == "day_opportunity"
    assert list(service.categories.values_list("code", flat=True)) == ["personal-care"]
    kind["code"] = "advocacy"
    assert run("oruk", saved(tmp_path, data), council=STOKE).rows_written == 1
    assert Service.objects.get().kind == "advocacy"
    kind["code"] = "spaceship"
    report = run("oruk", saved(tmp_path, data), council=STOKE)
    assert "service kind 'spaceship' is not one of caremarket's" in report.warnings[0]
    assert Service.objects.get().kind == "advocacy"


def test_terms_match_by_code_name_or_residents_words(
    council: LocalAuthority, tmp_path: Path
) -> None:
    data = feed()["contents"][:1]
    data[0]["attributes"] = [
        {"id": "a1", "taxonomy_term": {"name": "whatever", "code": "telecare"}},
        {"id": "a2", "taxonomy_term": {"name": "Personal care"}},
        {"id": "a3", "taxonomy_term": {"name": "RESPITE"}},
    ]
    report = run("oruk", saved(tmp_path, data), council=STOKE)
    assert report.written and not report.warnings
    service = Service.objects.get()
    assert sorted(service.categories.values_list("code", flat=True)) == [
        "breaks-and-respite",
        "personal-care",
        "telecare",
    ]


def test_a_list_of_services_is_accepted_as_well_as_a_page(
    council: LocalAuthority, tmp_path: Path
) -> None:
    report = run("oruk", saved(tmp_path, feed()["contents"]), council=STOKE)
    assert report.written and report.rows_written == 6


def test_reimporting_the_same_feed_changes_nothing(council: LocalAuthority) -> None:
    run("oruk", FEED, council=STOKE)
    before = stored()
    ids = sorted(str(pk) for pk in ServiceLocation.objects.values_list("pk", flat=True))
    again = run("oruk", FEED, council=STOKE)
    assert again.rows_written == 0 and again.rows_unchanged == 6
    after = stored()
    assert after.pop("ImportRun") == before.pop("ImportRun") + 1
    assert after == before
    assert sorted(str(pk) for pk in ServiceLocation.objects.values_list("pk", flat=True)) == ids


def test_a_changed_feed_updates_what_it_carries(council: LocalAuthority, tmp_path: Path) -> None:
    run("oruk", FEED, council=STOKE)
    lunch = Service.objects.get(source_id="ssd-1001")
    hall_id = lunch.locations.get().pk
    lunch.description = "Edited in caremarket"
    lunch.client_groups = ["older_people"]
    lunch.kind = Service.Kind.DAY_OPPORTUNITY
    lunch.save()
    data = feed()
    first = data["contents"][0]
    first["name"] = "Meir Lunch Club"
    first["schedules"][0]["byday"] = "TU"
    first["service_at_locations"][0]["location"]["addresses"][0]["address_1"] = "1 Weston Road"
    report = run("oruk", saved(tmp_path, data), council=STOKE)
    assert report.rows_written == 1 and report.rows_unchanged == 5
    lunch.refresh_from_db()
    assert lunch.name == "Meir Lunch Club"
    # the feed carries the description: its value wins over the edit made here
    assert lunch.description.startswith("A hot two-course lunch")
    # what the feed has no field for is kept
    assert lunch.client_groups == ["older_people"] and lunch.kind == Service.Kind.DAY_OPPORTUNITY
    (hall,) = lunch.locations.all()
    assert hall.pk == hall_id and hall.address == "1 Weston Road"
    assert list(lunch.schedules.values_list("weekday", flat=True)) == [1]


def test_the_same_feed_in_two_councils_makes_two_directories(
    councils: list[LocalAuthority],
) -> None:
    run("oruk", FEED, council=STOKE)
    run("oruk", FEED, council="E08000026")
    assert Service.objects.filter(source_id="ssd-1001").count() == 2
    assert Organization.objects.filter(name="Age UK North Staffordshire").count() == 2


def test_coordinates_come_from_the_postcode_table_when_the_feed_has_none(
    council: LocalAuthority,
) -> None:
    Postcode.objects.create(
        postcode="ST6 3AA",
        outward="ST6",
        latitude=53.0437,
        longitude=-2.1993,
        local_authority_code=STOKE,
    )
    run("oruk", FEED, council=STOKE)
    hall = ServiceLocation.objects.get(name="Burslem Methodist Hall")
    assert (hall.latitude, hall.longitude) == (53.0437, -2.1993)


def test_a_dry_run_writes_nothing(council: LocalAuthority) -> None:
    before = stored()
    report = run("oruk", FEED, council=STOKE, dry_run=True)
    assert report.rows_read == 6 and not report.written
    assert stored() == before


def bad_feed() -> list[dict[str, Any]]:
    records = feed()["contents"]
    records[1]["name"] = ""
    records[1]["minimum_age"] = "old"
    records[2]["service_at_locations"][0]["location"]["latitude"] = 300
    records[2]["service_at_locations"][0]["location"]["longitude"] = -2.2
    records[3]["schedules"][0]["byday"] = "MONDAY"
    records[4]["status"] = "open"
    records[5]["id"] = records[0]["id"]
    records.append("not a service")
    records.append({"id": "x", "name": "No organisation"})
    return records


def test_bad_records_are_bad_rows_by_record_and_json_path(
    council: LocalAuthority, tmp_path: Path
) -> None:
    before = stored()
    report = run("oruk", saved(tmp_path, bad_feed()), council=STOKE)
    assert not report.written and report.rows_read == 1
    assert stored() == before
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (2, "name"),
        (2, "minimum_age"),
        (3, "service_at_locations[0].location.latitude"),
        (4, "schedules[0].byday"),
        (5, "status"),
        (6, "id"),
        (7, ""),
        (8, "organization"),
    }
    messages = {(e.line, e.column): e.reason for e in report.errors}
    assert messages[(2, "name")] == "missing"
    assert messages[(6, "id")] == "repeats record 1"
    assert "between 49 and 61" in messages[(3, "service_at_locations[0].location.latitude")]
    assert "unknown status 'open'" in messages[(5, "status")]
    assert "must be an object" in messages[(7, "")]
    assert str(report.errors[0]) == "line 2, column name: missing"


def test_bad_records_can_be_skipped(council: LocalAuthority, tmp_path: Path) -> None:
    report = run("oruk", saved(tmp_path, bad_feed()), council=STOKE, skip_bad_rows=True)
    assert report.written and report.rows_written == 1 and report.error_count == 8
    assert list(Service.objects.values_list("source_id", flat=True)) == ["ssd-1001"]
    assert report.run is not None
    assert report.run.report["skipped_count"] == 8
    assert report.run.status == ImportRun.Status.COMPLETE_WITH_SKIPS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("[]", "no services"),
        ('{"contents": []}', "no services"),
        ('{"services": []}', "not an object without contents"),
        ('"services"', "not str"),
        ("42", "not int"),
        ("{not json", "not valid JSON (line 1, column 2"),
        ("<html><body>Not found</body></html>", "not valid JSON"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_feed(
    council: LocalAuthority, tmp_path: Path, text: str, message: str
) -> None:
    before = stored()
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(")):
        run("oruk", write(tmp_path, "feed.json", text), council=STOKE)
    assert stored() == before


def test_it_refuses_a_truncated_file(council: LocalAuthority, tmp_path: Path) -> None:
    text = FEED.read_text(encoding="utf-8")
    cut = write(tmp_path, "cut.json", text[: len(text) // 2])
    with pytest.raises(ImportRefused, match="is it truncated"):
        run("oruk", cut, council=STOKE)
    assert not Service.objects.exists()


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_it_refuses_another_encoding(
    council: LocalAuthority, tmp_path: Path, encoding: str
) -> None:
    with pytest.raises(ImportRefused, match="not UTF-8"):
        run("oruk", reencoded(FEED, tmp_path, encoding), council=STOKE)
    assert not Service.objects.exists()


def test_it_refuses_a_huge_file(
    council: LocalAuthority, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oruk, "MAX_BYTES", 1000)
    with pytest.raises(ImportRefused, match="largest ORUK feed accepted"):
        run("oruk", FEED, council=STOKE)
    assert not Service.objects.exists()


def test_it_needs_a_council(councils: list[LocalAuthority]) -> None:
    with pytest.raises(ImportRefused, match="--council"):
        run("oruk", FEED)


def test_the_command_imports_a_feed(council: LocalAuthority, capsys: Any) -> None:
    call_command("import", "oruk", str(FEED), "--council", STOKE)
    assert Service.objects.filter(local_authority=council).count() == 6
    with pytest.raises(CommandError):
        call_command("import", "oruk", str(FEED))


@pytest.mark.django_db
def test_an_entry_that_is_not_an_object_is_a_problem_at_its_path_and_the_rest_is_read() -> None:
    record = {
        "id": "s1",
        "name": "Lunch club",
        "organization": {"id": "o1", "name": "Friends"},
        "service_areas": [7, {"name": "Hanley"}],
        "languages": ["Urdu", 3],
        "cost_options": ["free", {"option": "Lunch", "amount": 4}],
        "contacts": [None, {"email": "club@example.org"}],
        "taxonomy_terms": [None, "meals", {"name": "Meals"}],
        "schedules": [[], {"byday": "MO", "opens_at": "10:00", "closes_at": "12:00"}],
    }
    values, problems, _ = oruk.parse_service(record, oruk.TaxonomyMatcher())
    reasons = {bad.path: bad.reason for bad in problems}
    assert reasons == {
        "service_areas[0]": "must be an object, not int",
        "languages[1]": "must be an object, not int",
        "cost_options[0]": "must be an object, not str",
        "contacts[0]": "must be an object, not NoneType",
        "taxonomy_terms[1]": "must be an object, not str",
        "schedules[0]": "must be an object, not list",
    }
    fields = values["fields"]
    assert fields["areas_served"] == "Hanley"
    assert fields["languages"] == ["Urdu"]
    assert fields["cost_detail"] == "Lunch: £4.00"
    assert fields["email"] == "club@example.org"
    assert [s["weekday"] for s in values["schedules"]] == [0]
