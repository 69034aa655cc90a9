"""When the screen is on: on-hours per weekday, Japanese national holidays, closure days.

Pure functions of a `Schedule` (from the config's `[display]`) and an aware local datetime in
the school's zone; no Qt, no clock of their own. The window asks `is_on` and sleeps until
`next_change` (minus a few minutes, to refresh the data before it wakes); `reason_off` says why
the screen is dark, for the log.

Holidays come from jpholiday, which includes 振替休日 (substitute holidays) and 国民の休日.
When a dark day has several reasons, `reason_off` names the holiday first, then the closure,
then the weekday.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import jpholiday

from signage.config import Schedule
from signage.messages import screen

__all__ = [
    "SEARCH_DAYS",
    "Schedule",
    "holiday_name",
    "is_on",
    "next_change",
    "reason_off",
]

# How far ahead next_change looks for the next flip: more than a year of closures and holidays.
SEARCH_DAYS = 400
_MIDNIGHT = time(0, 0)
_SUBSTITUTE = "振替休日"


@functools.lru_cache(maxsize=2048)
def holiday_name(day: date) -> str | None:
    """The national holiday's name ("勤労感謝の日", "振替休日", "国民の休日"), or None."""
    name = jpholiday.is_holiday_name(day)
    if not name:
        return None
    # jpholiday names a substitute holiday after the one it replaces: "憲法記念日 振替休日".
    return _SUBSTITUTE if name.endswith(_SUBSTITUTE) else str(name)


def _day_closed_reason(schedule: Schedule, day: date) -> str | None:
    if schedule.holidays and (name := holiday_name(day)) is not None:
        return screen("holiday", name=name)
    if day in schedule.closed:
        return screen("closed_day")
    if day.weekday() not in schedule.days:
        return screen("day_off")
    return None


def reason_off(schedule: Schedule, local: datetime) -> str | None:
    """Why the screen is dark at `local` ("祝日（勤労感謝の日）", "休校日", "休日", "時間外"),
    or None when it is on."""
    reason = _day_closed_reason(schedule, local.date())
    if reason is not None:
        return reason
    if schedule.on is not None and schedule.off is not None:
        now = local.time()
        if not schedule.on <= now < schedule.off:
            return screen("off_hours")
    return None


def is_on(schedule: Schedule, local: datetime) -> bool:
    """True when the screen should show the signage at `local` (an aware datetime in the
    school's zone; a naive one is read as wall-clock time)."""
    return reason_off(schedule, local) is None


def _boundaries(schedule: Schedule, local: datetime) -> Iterator[datetime]:
    """Every moment after `local`, in order, at which the state may flip (bounded search)."""
    times = sorted({_MIDNIGHT} | {t for t in (schedule.on, schedule.off) if t is not None})
    start = local.date()
    for offset in range(SEARCH_DAYS + 1):
        day = start + timedelta(days=offset)
        for moment in times:
            candidate = datetime.combine(day, moment, tzinfo=local.tzinfo)
            if candidate > local:
                yield candidate


def next_change(schedule: Schedule, local: datetime) -> datetime | None:
    """The next moment after `local` at which `is_on` flips, in `local`'s zone.

    None when it never does within SEARCH_DAYS (always on, the default; or every day closed).
    """
    if schedule.always_on:
        return None
    state = is_on(schedule, local)
    for candidate in _boundaries(schedule, local):
        if is_on(schedule, candidate) != state:
            return candidate
    return None
