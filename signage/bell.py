"""The bell schedule (日課表) against the clock: which period is now, how long to the next bell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from signage.config import Bell, Period


@dataclass(frozen=True)
class PeriodState:
    period: Period
    state: str  # "past" | "now" | "future"


@dataclass(frozen=True)
class BellStatus:
    periods: tuple[PeriodState, ...]
    minutes_to_next: int | None  # None when no bell is left today


def bell_status(bell: Bell, local_now: datetime) -> BellStatus | None:
    """None on a day without school (weekday not in the schedule, or no periods)."""
    if local_now.weekday() not in bell.days or not bell.periods:
        return None
    clock = local_now.time().replace(tzinfo=None)
    states = []
    for period in bell.periods:
        end = period.end or period.start
        if clock < period.start:
            state = "future"
        elif period.end is not None and clock < end:
            state = "now"
        else:
            state = "past"
        states.append(PeriodState(period, state))
    bells = sorted({p.start for p in bell.periods} | {p.end for p in bell.periods if p.end})
    upcoming = [b for b in bells if b > clock]
    minutes = None
    if upcoming:
        nxt = upcoming[0]
        seconds = (nxt.hour * 3600 + nxt.minute * 60) - (
            clock.hour * 3600 + clock.minute * 60 + clock.second
        )
        minutes = max(1, -(-seconds // 60))
    return BellStatus(tuple(states), minutes)
