"""The display schedule: on-hours, weekends, national holidays, closure days, the next flip."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from signage.config import Schedule, check_text
from signage.schedule import SEARCH_DAYS, holiday_name, is_on, next_change, reason_off
from tests.moments import TOKYO

# 07:00–19:00 Mon–Fri, dark on national holidays, closed over the New Year.
SCHOOL = Schedule(
    on=time(7, 0),
    off=time(19, 0),
    days=(0, 1, 2, 3, 4),
    holidays=True,
    closed=tuple(date(2026, 12, 28) + timedelta(days=n) for n in range(7)),  # to 2027-01-03
)


def at(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=TOKYO)


# --- is_on and reason_off ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "on", "reason"),
    [
        (at(2026, 11, 24, 6, 59, 59), False, "時間外"),  # a Tuesday
        (at(2026, 11, 24, 7, 0), True, None),
        (at(2026, 11, 24, 18, 59, 59), True, None),
        (at(2026, 11, 24, 19, 0), False, "時間外"),
        (at(2026, 11, 24, 23, 59, 59), False, "時間外"),
        (at(2026, 11, 24, 0, 0), False, "時間外"),
    ],
)
def test_on_hours_edges(moment: datetime, on: bool, reason: str | None) -> None:
    assert is_on(SCHOOL, moment) is on
    assert reason_off(SCHOOL, moment) == reason


def test_weekends_are_dark_all_day() -> None:
    for moment in (at(2026, 11, 21, 10), at(2026, 11, 22, 7, 0)):  # Saturday, Sunday
        assert not is_on(SCHOOL, moment)
        assert reason_off(SCHOOL, moment) == "休日"


def test_a_national_holiday_on_a_monday_is_dark() -> None:
    labour_thanksgiving = at(2026, 11, 23, 10)  # 勤労感謝の日, a Monday
    assert not is_on(SCHOOL, labour_thanksgiving)
    assert reason_off(SCHOOL, labour_thanksgiving) == "祝日（勤労感謝の日）"
    assert holiday_name(date(2026, 11, 23)) == "勤労感謝の日"


def test_a_substitute_holiday_is_dark() -> None:
    # 2026-05-03 憲法記念日 falls on a Sunday: Wednesday 2026-05-06 is the 振替休日.
    assert holiday_name(date(2026, 5, 6)) == "振替休日"
    assert not is_on(SCHOOL, at(2026, 5, 6, 10))
    assert reason_off(SCHOOL, at(2026, 5, 6, 10)) == "祝日（振替休日）"
    assert is_on(SCHOOL, at(2026, 5, 7, 10))  # the Thursday after is a school day


def test_holidays_on_keeps_the_screen_on_on_a_holiday() -> None:
    ignoring = Schedule(on=time(7), off=time(19), days=(0, 1, 2, 3, 4), holidays=False)
    assert is_on(ignoring, at(2026, 11, 23, 10))
    assert holiday_name(date(2026, 11, 24)) is None


def test_closure_days_and_the_year_end_range_across_new_year() -> None:
    assert is_on(SCHOOL, at(2026, 12, 25, 10))  # the last day of term (Friday)
    for day in (date(2026, 12, 28), date(2026, 12, 31), date(2027, 1, 2)):
        moment = datetime.combine(day, time(10), tzinfo=TOKYO)
        assert not is_on(SCHOOL, moment)
    assert reason_off(SCHOOL, at(2026, 12, 29, 10)) == "休校日"
    # New Year's Day is a national holiday as well as a closure day: the holiday is named.
    assert reason_off(SCHOOL, at(2027, 1, 1, 10)) == "祝日（元日）"
    assert is_on(SCHOOL, at(2027, 1, 4, 7, 0))  # Monday: the first day back


def test_closure_range_from_the_config_crosses_new_year() -> None:
    body = (
        '[display]\non = "7:00"\noff = "19:00"\nclosed = ["2026-12-28..2027-01-03", 2026-08-13]\n'
    )
    config, issues = check_text(body)
    assert issues == [] and config is not None
    schedule = config.display.schedule
    assert schedule == SCHOOL.with_closed([date(2026, 8, 13)])
    assert reason_off(schedule, at(2026, 8, 13, 10)) == "休校日"
    assert reason_off(schedule, at(2027, 1, 3, 10)) == "休校日"  # a closed Sunday


def test_with_closed_merges_calendar_closures() -> None:
    extra = SCHOOL.with_closed([date(2026, 3, 25), date(2026, 12, 28)])
    assert extra.closed[0] == date(2026, 3, 25)
    assert len(extra.closed) == len(SCHOOL.closed) + 1
    assert SCHOOL.with_closed([]) is SCHOOL
    assert not is_on(extra, at(2026, 3, 25, 10))


def test_days_without_hours_are_on_all_day() -> None:
    weekdays = Schedule(days=(0, 1, 2, 3, 4))
    assert is_on(weekdays, at(2026, 11, 24, 0, 0))
    assert is_on(weekdays, at(2026, 11, 24, 23, 59))
    assert not is_on(weekdays, at(2026, 11, 21, 12))
    assert next_change(weekdays, at(2026, 11, 24, 12)) == at(2026, 11, 28, 0, 0)


# --- next_change --------------------------------------------------------------------------------


def test_next_change_from_friday_evening_is_monday_morning() -> None:
    assert next_change(SCHOOL, at(2026, 11, 13, 19, 0)) == at(2026, 11, 16, 7, 0)
    assert next_change(SCHOOL, at(2026, 11, 13, 23, 30)) == at(2026, 11, 16, 7, 0)


def test_next_change_skips_a_monday_holiday() -> None:
    assert next_change(SCHOOL, at(2026, 11, 20, 19, 0)) == at(2026, 11, 24, 7, 0)


def test_next_change_while_on_is_the_evening_off() -> None:
    assert next_change(SCHOOL, at(2026, 11, 24, 7, 0)) == at(2026, 11, 24, 19, 0)
    assert next_change(SCHOOL, at(2026, 11, 24, 6, 59, 59)) == at(2026, 11, 24, 7, 0)


def test_next_change_over_the_new_year_closure() -> None:
    assert next_change(SCHOOL, at(2026, 12, 25, 19, 0)) == at(2027, 1, 4, 7, 0)


def test_next_change_keeps_the_zone_of_its_argument() -> None:
    change = next_change(SCHOOL, at(2026, 11, 24, 12))
    assert change is not None and change.tzinfo is TOKYO
    assert change.utcoffset() == timedelta(hours=9)


def test_always_on_default() -> None:
    default = Schedule()
    assert default.always_on
    assert is_on(default, at(2026, 11, 23, 3, 0))  # a holiday, at night
    assert reason_off(default, at(2026, 11, 22, 3, 0)) is None
    assert next_change(default, at(2026, 11, 23, 3, 0)) is None
    assert not SCHOOL.always_on


def test_a_schedule_that_never_turns_on_gives_none() -> None:
    never = Schedule(days=())
    assert not is_on(never, at(2026, 11, 24))
    assert next_change(never, at(2026, 11, 24)) is None
    assert SEARCH_DAYS >= 366


def test_a_long_closure_is_found_within_the_search() -> None:
    # A whole school year closed: the next flip is found after more than 300 days.
    closed = tuple(date(2026, 4, 1) + timedelta(days=n) for n in range(330))
    schedule = Schedule(on=time(7), off=time(19), days=(0, 1, 2, 3, 4), closed=closed)
    change = next_change(schedule, at(2026, 3, 31, 19, 0))
    assert change == at(2027, 2, 25, 7, 0)  # 2027-02-24 is the last closed day (Wednesday)
