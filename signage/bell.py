"""The bell schedule (日課表): which one a day follows, which period is now, how long to the
next bell.

A school runs several named schedules (通常日課, 水曜日課, 短縮日課 …). A day follows, first
match wins:

1. none on a closure day (a `closures` source's event, or `[display] closed`);
2. the schedule whose `dates` hold it (a Saturday class too);
3. the schedule whose `match` is in the title of one of the day's all-day events
   (「短縮日課」 in the school calendar);
4. none on a national holiday;
5. the schedule whose `days` hold its weekday (水曜日課 on Wednesdays);
6. `[bell]`'s own on its `days`; none on other days (土曜日, 日曜日).

Explicit dates and calendar entries win over a holiday (a 学校公開 on 文化の日) but never over
a closure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from signage import agenda
from signage.config import Bell, BellSchedule, Config, Period
from signage.jpdate import weekday
from signage.match import matches
from signage.messages import screen
from signage.model import Item
from signage.schedule import holiday_name


@dataclass(frozen=True)
class DayBell:
    """The schedule a day follows, or why it has none (`off`: 勤労感謝の日, 臨時休業, 土曜日)."""

    schedule: BellSchedule | None
    off: str | None = None

    @property
    def school_day(self) -> bool:
        return self.off is None


def day_bell(
    bell: Bell,
    day: date,
    tz: ZoneInfo,
    events: Iterable[Item] = (),
    closures: Iterable[Item] = (),
    closed: Iterable[date] = (),
) -> DayBell:
    """The bell of `day`: `events` are the calendar's items (for `match`), `closures` the
    closure sources' items (their titles name the day), `closed` the config's closure days."""
    closing = agenda.events_on(closures, day, tz)
    if closing:
        return DayBell(None, closing[0].title)
    if day in set(closed):
        return DayBell(None, screen("closed_day"))
    for schedule in bell.schedules:
        if day in schedule.dates:
            return DayBell(schedule)
    matching = [s for s in bell.schedules if s.match]
    if matching:
        titles = [e.title for e in agenda.events_on(events, day, tz) if e.all_day]
        for schedule in matching:
            if any(matches(schedule.match, title) for title in titles):
                return DayBell(schedule)
    holiday = holiday_name(day)
    if holiday is not None:
        return DayBell(None, holiday)
    for schedule in bell.schedules:
        if day.weekday() in schedule.days:
            return DayBell(schedule)
    if day.weekday() in bell.days:
        return DayBell(bell.usual)
    return DayBell(None, screen("weekday_off", weekday=weekday(day)))


def school_bells(
    config: Config, by_role: Mapping[str, Iterable[Item]]
) -> Callable[[date], DayBell]:
    """`day_bell` for this school: its config, its calendar and its closure sources' items."""
    tz = config.school.tz
    events = tuple(by_role.get("events", ()))
    closures = tuple(by_role.get("closures", ()))
    closed = frozenset(config.display.schedule.closed)

    def of(day: date) -> DayBell:
        return day_bell(config.bell, day, tz, events, closures, closed)

    return of


def bell_json(day: DayBell) -> dict[str, Any] | None:
    """`agenda --json`'s `bell`: the schedule's name and periods, None on a day without one."""
    if day.schedule is None:
        return None
    return {
        "name": day.schedule.name,
        "periods": [
            {
                "name": p.label,
                "start": p.start.strftime("%H:%M"),
                "end": p.end.strftime("%H:%M") if p.end else None,
            }
            for p in day.schedule.periods
        ],
    }


def title(schedule: BellSchedule) -> str:
    """The schedule as a heading: 「通常日課」 (a bare 「通常」 gains 日課)."""
    name = schedule.name.strip()
    return name if name.endswith("日課") else name + "日課"


@dataclass(frozen=True)
class PeriodState:
    period: Period
    state: str  # "past" | "now" | "future"


@dataclass(frozen=True)
class BellStatus:
    periods: tuple[PeriodState, ...]
    minutes_to_next: int | None  # None when no bell is left today
    name: str = ""  # the schedule's heading (通常日課, 短縮日課 …)

    @property
    def over(self) -> bool:
        """School is out: no period is on and none is to come."""
        return all(p.state == "past" for p in self.periods)


def bell_status(bell: Bell | BellSchedule, local_now: datetime) -> BellStatus | None:
    """The periods against the clock; None on a day without school (a `Bell` whose `days` miss
    the weekday), or without periods."""
    schedule = bell.usual if isinstance(bell, Bell) else bell
    if isinstance(bell, Bell) and local_now.weekday() not in bell.days:
        return None
    if not schedule.periods:
        return None
    clock = local_now.time().replace(tzinfo=None)
    states = []
    for period in schedule.periods:
        end = period.end or period.start
        if clock < period.start:
            state = "future"
        elif period.end is not None and clock < end:
            state = "now"
        else:
            state = "past"
        states.append(PeriodState(period, state))
    bells = sorted({p.start for p in schedule.periods} | {p.end for p in schedule.periods if p.end})
    upcoming = [b for b in bells if b > clock]
    minutes = None
    if upcoming:
        nxt = upcoming[0]
        seconds = (nxt.hour * 3600 + nxt.minute * 60) - (
            clock.hour * 3600 + clock.minute * 60 + clock.second
        )
        minutes = max(1, -(-seconds // 60))
    return BellStatus(tuple(states), minutes, title(schedule))
