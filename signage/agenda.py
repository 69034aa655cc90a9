"""Pure functions from snapshots to what a day, a week or the board holds.

"Today" is always the school's day: the machine's zone never enters here
(CI runs in UTC, and 07:30 in Tokyo is still the previous day in UTC).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from signage import skips
from signage.match import matches as matches  # the filter lives where sources may import it
from signage.messages import screen
from signage.model import Absence, Event, Item, Notice, Snapshot
from signage.privacy import person_and_reason as person_and_reason  # decided in one place
from signage.privacy import shown_name as shown_name

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2}


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def covers(event: Event, day: date, tz: ZoneInfo) -> bool:
    """Does the event take place (in part) on this day? Ends are exclusive."""
    if event.all_day:
        assert not isinstance(event.start, datetime) and not isinstance(event.end, datetime)
        return event.start <= day < max(event.end, event.start + timedelta(days=1))
    assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
    day_start, day_end = day_bounds(day, tz)
    if event.end <= event.start:
        return day_start <= event.start < day_end
    return event.start < day_end and event.end > day_start


def start_of(event: Event, tz: ZoneInfo) -> datetime:
    if isinstance(event.start, datetime):
        return event.start
    return datetime.combine(event.start, time.min, tzinfo=tz)


def end_of(event: Event, tz: ZoneInfo) -> datetime:
    if isinstance(event.end, datetime):
        return event.end
    return datetime.combine(event.end, time.min, tzinfo=tz)


def events(items: Iterable[Item]) -> list[Event]:
    return [item for item in items if isinstance(item, Event)]


def events_on(items: Iterable[Item], day: date, tz: ZoneInfo) -> list[Event]:
    """The day's events: all-day ones first, then by start time."""
    found = [e for e in events(items) if covers(e, day, tz)]
    return sorted(found, key=lambda e: (not e.all_day, start_of(e, tz), e.title))


def days_covered(items: Iterable[Item], tz: ZoneInfo) -> set[date]:
    """Every school day an event touches (all-day ends are exclusive): closure days."""
    days: set[date] = set()
    for event in events(items):
        first = start_of(event, tz).astimezone(tz).date()
        end = end_of(event, tz).astimezone(tz)
        last = end.date() - timedelta(days=1) if end.time() == time.min else end.date()
        day = first
        while day <= max(first, last) and len(days) < 1000:
            days.add(day)
            day += timedelta(days=1)
    return days


def school_week(today: date) -> list[date]:
    """Monday to Friday of this week; on Saturday and Sunday, of the coming week."""
    monday = today - timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += timedelta(days=7)
    return [monday + timedelta(days=i) for i in range(5)]


def next_school_day(today: date) -> date:
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def active_notices(items: Iterable[Item], now: datetime) -> list[Notice]:
    """Notices not yet expired: urgent, then high, then newest first."""
    live = [
        item
        for item in items
        if isinstance(item, Notice) and (item.expires is None or item.expires > now)
    ]
    newest_first = sorted(
        live, key=lambda n: n.posted.timestamp() if n.posted else 0.0, reverse=True
    )
    return sorted(newest_first, key=lambda n: PRIORITY_RANK[n.priority])


def upcoming(items: Iterable[Item], now: datetime, tz: ZoneInfo) -> list[Event]:
    """Events not yet over, soonest first."""
    return sorted((e for e in events(items) if end_of(e, tz) > now), key=lambda e: start_of(e, tz))


def in_month(items: Iterable[Item], year: int, month: int, tz: ZoneInfo) -> list[Event]:
    """Events that start in the given month (of the school's calendar)."""
    found = [
        e
        for e in events(items)
        if (s := start_of(e, tz).astimezone(tz)).year == year and s.month == month
    ]
    return sorted(found, key=lambda e: start_of(e, tz))


# -- Who is out, who is absent ----------------------------------------------------------


@dataclass(frozen=True)
class ClassCount:
    source: str
    class_name: str
    absent: int = 0
    late: int = 0
    early_leave: int = 0
    names: tuple[str, ...] = ()


def _natural(text: str) -> tuple[object, ...]:
    """1年2組 before 1年10組 before 2年1組."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def absence_counts(items: Iterable[Item], day: date) -> list[ClassCount]:
    """Reports of the day, counted per source and class, classes in natural order."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    names: dict[tuple[str, str], list[str]] = {}
    for item in items:
        if isinstance(item, Absence) and item.day == day:
            key = (item.source, item.class_name)
            slot = counts.setdefault(key, {"absent": 0, "late": 0, "early_leave": 0})
            slot[item.kind] += 1
            if item.name:
                names.setdefault(key, []).append(item.name)
    return [
        ClassCount(
            src, cls, c["absent"], c["late"], c["early_leave"], tuple(names.get((src, cls), ()))
        )
        for (src, cls), c in sorted(counts.items(), key=lambda kv: (_natural(kv[0][1]), kv[0][0]))
    ]


# -- JSON (the `agenda --json` contract of DESIGN.md) -----------------------------------


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def event_json(event: Event) -> dict[str, Any]:
    return {
        "source": event.source,
        "title": event.title,
        "start": iso(event.start),
        "end": iso(event.end),
        "all_day": event.all_day,
        "location": event.location,
    }


def notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "source": notice.source,
        "title": notice.title,
        "body": notice.body,
        "priority": notice.priority,
        "posted": iso(notice.posted),
        "expires": iso(notice.expires),
        "link": notice.link,
    }


def agenda_json(
    *,
    school: str,
    tz: ZoneInfo,
    roles: dict[str, str],
    snapshots: Sequence[Snapshot],
    now: datetime,
    first_day: date,
    days: int,
    lang: str = "ja",
) -> dict[str, Any]:
    """One JSON object: `days` days from `first_day`, the live notices, the sources' state
    (with every row a source skipped, and why, in `lang`)."""
    by_role: dict[str, list[Item]] = {}
    for snap in snapshots:
        by_role.setdefault(roles[snap.source], []).extend(snap.items)
    out_days = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        out_days.append(
            {
                "date": day.isoformat(),
                "events": [event_json(e) for e in events_on(by_role.get("events", []), day, tz)],
                "visits": [event_json(e) for e in events_on(by_role.get("visits", []), day, tz)],
                "staff_out": [
                    event_json(e) for e in events_on(by_role.get("staff_out", []), day, tz)
                ],
                "absences": [
                    {
                        "source": c.source,
                        "class": c.class_name,
                        "absent": c.absent,
                        "late": c.late,
                        "early_leave": c.early_leave,
                    }
                    for c in absence_counts(by_role.get("absences", []), day)
                ],
            }
        )
    return {
        "school": school,
        "timezone": tz.key,
        "generated_at": now.astimezone(tz).isoformat(timespec="seconds"),
        "days": out_days,
        "notices": [notice_json(n) for n in active_notices(by_role.get("notices", []), now)],
        "sources": [
            {
                "id": snap.source,
                "ok": snap.ok,
                "fetched_at": iso(snap.fetched_at),
                "error": snap.error,
                "skipped": skips.as_json(skips.left_out(snap.skipped), lang),
                "warnings": skips.as_json(skips.kept(snap.skipped), lang),
            }
            for snap in snapshots
        ],
    }


def as_text(data: dict[str, Any]) -> str:
    """The agenda JSON as lines a person reads in a terminal."""
    lines = [f"{data['school']} ({data['timezone']})"]
    for day in data["days"]:
        lines.append(f"\n{day['date']}")
        for role, label in (
            ("events", "agenda.events"),
            ("visits", "agenda.visits"),
            ("staff_out", "agenda.staff_out"),
        ):
            for item in day[role]:
                when = (
                    screen("all_day")
                    if item["all_day"]
                    else f"{item['start'][11:16]}–{item['end'][11:16]}"
                )
                where = f" @{item['location']}" if item["location"] else ""
                lines.append(f"  [{screen(label)}] {when} {item['title']}{where}")
    if data["notices"]:
        lines.append("\n" + screen("agenda.notices"))
        for notice in data["notices"]:
            lines.append(f"  ({notice['priority']}) {notice['title']}")
    for source in data["sources"]:
        state = "ok" if source["ok"] else f"error: {source['error']}"
        lines.append(f"# {source['id']}: {state}")
        for key, label in (("skipped", "agenda.skipped"), ("warnings", "agenda.kept")):
            if source.get(key):
                lines.append(f"#   {screen(label, count=len(source[key]))}")
                lines.extend(f"#     {s['where']}: {s['reason']}" for s in source[key])
    return "\n".join(lines)
