"""Care home placements: the freshest vacancy report, and matching homes, on hand-worked cases."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from caremarket.rules.placements import (
    CareHome,
    PlacementRequest,
    VacancyReport,
    freshest,
    match_care_homes,
    usable,
)
from caremarket.rules.sourcing import ContractKind, SourcingRuleError

TODAY = date(2024, 6, 3)  # a Monday
WORDS = {"capacity_tracker": "NHS Capacity Tracker", "portal": "The home's own update"}


def tracker(day: date, **counts: int) -> VacancyReport:
    return VacancyReport("capacity_tracker", datetime(day.year, day.month, day.day), counts, False)


def own(at: datetime, **counts: int) -> VacancyReport:
    return VacancyReport("portal", at, counts)


def test_the_latest_day_wins_whichever_source_it_is() -> None:
    older_own = own(datetime(2024, 5, 31, 17, 5), general_residential=1)
    newer_tracker = tracker(date(2024, 6, 1), general_residential=0)
    assert freshest([older_own, newer_tracker]) is newer_tracker
    newer_own = own(datetime(2024, 6, 2, 8, 0), general_residential=3)
    assert freshest([newer_own, newer_tracker, None]) is newer_own


def test_on_the_same_day_the_homes_own_update_wins_over_the_tracker() -> None:
    # The Tracker says only the day; the home's 08:00 update that day is taken as fresher.
    morning = own(datetime(2024, 6, 1, 8, 0), general_nursing=2)
    same_day = tracker(date(2024, 6, 1), general_nursing=0)
    assert freshest([same_day, morning]) is morning
    later = own(datetime(2024, 6, 1, 16, 30), general_nursing=1)
    assert freshest([morning, later, same_day]) is later


def test_no_report_is_none() -> None:
    assert freshest([None, None]) is None
    assert freshest([]) is None


def test_a_report_is_usable_for_fourteen_days_and_never_from_the_future() -> None:
    assert usable(tracker(date(2024, 5, 20)), TODAY)  # 14 days old
    assert not usable(tracker(date(2024, 5, 19)), TODAY)  # 15 days old
    assert usable(tracker(TODAY), TODAY)
    assert not usable(tracker(date(2024, 6, 4)), TODAY)
    assert not usable(None, TODAY)


WARD, LOCALITY, OTHER_WARD = 11, 10, 21
REQUEST = PlacementRequest(
    "dementia_residential", frozenset({WARD}), "Meir North", needs=frozenset({"dementia"})
)


def home(name: str, **changes: object) -> CareHome:
    values: dict[str, object] = {
        "location_id": len(name),
        "name": name,
        "area_ids": frozenset({WARD, LOCALITY}),
        "vacancies": tracker(date(2024, 6, 1), dementia_residential=2),
        "specialisms": frozenset({"dementia"}),
        "rating": "Good",
        "source_words": WORDS,
    }
    values.update(changes)
    return CareHome(**values)  # type: ignore[arg-type]


def test_a_home_with_a_fresh_vacancy_of_the_kind_is_sent_it_with_every_reason() -> None:
    [m] = match_care_homes(REQUEST, [home("Meir Grange")], TODAY, {"dementia": "dementia"})
    assert m.eligible
    assert m.reasons == (
        "2 dementia residential vacancies (NHS Capacity Tracker, 1 June 2024)",
        "In Meir North",
        "Rated Good by CQC",
        "Offers: dementia",
        "The council has no care home contracts, so places on spot terms",
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"vacancies": None}, "No vacancies reported"),
        (
            {"vacancies": tracker(date(2024, 6, 1), general_residential=4)},
            "No dementia residential vacancies (NHS Capacity Tracker, 1 June 2024)",
        ),
        (
            {"vacancies": tracker(date(2024, 5, 19), dementia_residential=3)},
            "Vacancies last reported more than 14 days ago (NHS Capacity Tracker, 19 May 2024)",
        ),
        ({"area_ids": frozenset({OTHER_WARD})}, "Not in Meir North"),
        ({"area_ids": frozenset()}, "Not in Meir North"),
        (
            {"stop": "Full placement stop: no new placements"},
            "Under a placement stop (full placement stop: no new placements)",
        ),
        (
            {"rating": "Inadequate"},
            "Rated Inadequate by CQC, below the council's minimum of Requires improvement",
        ),
        ({"specialisms": frozenset({"dementia"})}, "Does not offer: bariatric"),
        ({"contracts_used": True}, "Holds no care home contract with the council"),
    ],
)
def test_each_failing_check_keeps_a_home_out_and_says_why(
    changes: dict[str, object], reason: str
) -> None:
    asked = PlacementRequest(
        "dementia_residential",
        frozenset({WARD}),
        "Meir North",
        frozenset({"dementia", "bariatric"}),
    )
    [m] = match_care_homes(asked, [home("Meir Grange", **changes)], TODAY)
    assert not m.eligible
    assert reason in m.reasons


def test_a_locality_request_takes_homes_in_its_wards() -> None:
    locality = PlacementRequest("general_nursing", frozenset({LOCALITY, WARD}), "Longton")
    vacancy = own(datetime(2024, 6, 3, 9, 15), general_nursing=1)
    [m] = match_care_homes(
        locality, [home("Longton Lodge", area_ids=frozenset({WARD}), vacancies=vacancy)], TODAY
    )
    assert m.eligible
    assert m.reasons[:2] == ("1 nursing vacancy (The home's own update, 3 June 2024)", "In Longton")


def test_a_dementia_bed_offers_dementia_care_without_the_register_saying_so() -> None:
    [m] = match_care_homes(REQUEST, [home("Meir Grange", specialisms=frozenset())], TODAY)
    assert m.eligible and "Offers: dementia" in m.reasons
    nursing = PlacementRequest("general_nursing", frozenset({WARD}), "Meir North", REQUEST.needs)
    vacancy = tracker(date(2024, 6, 1), general_nursing=1)
    [m] = match_care_homes(nursing, [home("X", specialisms=frozenset(), vacancies=vacancy)], TODAY)
    assert not m.eligible and "Does not offer: dementia" in m.reasons


def test_not_yet_rated_passes_and_says_so() -> None:
    [m] = match_care_homes(REQUEST, [home("New Home", rating="")], TODAY)
    assert m.eligible and "Not yet rated by CQC" in m.reasons


def test_homes_rank_by_eligibility_contract_rating_then_vacancies() -> None:
    homes = [
        home("A spot good", location_id=1),
        home("B framework good", location_id=2, contract=ContractKind.FRAMEWORK),
        home(
            "C framework outstanding",
            location_id=3,
            contract=ContractKind.FRAMEWORK,
            rating="Outstanding",
        ),
        home(
            "D framework good more beds",
            location_id=4,
            contract=ContractKind.FRAMEWORK,
            vacancies=tracker(date(2024, 6, 1), dementia_residential=5),
        ),
        home("E stopped", location_id=5, contract=ContractKind.GUARANTEED_HOURS, stop="Full"),
    ]
    names = [m.candidate.name for m in match_care_homes(REQUEST, homes, TODAY)]
    assert names == [
        "C framework outstanding",
        "D framework good more beds",
        "B framework good",
        "A spot good",
        "E stopped",
    ]


def test_unknown_bed_kind_or_minimum_is_refused() -> None:
    with pytest.raises(SourcingRuleError, match="kind of bed"):
        match_care_homes(PlacementRequest("penthouse", frozenset(), "x"), [], TODAY)
    with pytest.raises(SourcingRuleError, match="minimum rating"):
        match_care_homes(REQUEST, [], TODAY, minimum_rating="Fine")
