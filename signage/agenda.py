"""Pure functions from snapshots to what a day, a week or the board holds.

"Today" is always the school's day: the machine's zone never enters here
(CI runs in UTC, and 07:30 in Tokyo is still the previous day in UTC).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from signage import skips
from signage.match import matches as matches  # the filter lives where sources may import it
from signage.messages import screen
from signage.model import (
    WARNING_KINDS,
    Absence,
    Event,
    HeatIndex,
    Item,
    Notice,
    Snapshot,
    WeatherWarning,
)
from signage.privacy import person_and_reason as person_and_reason  # decided in one place
from signage.privacy import shown_name as shown_name

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2}


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def covers(
    event: Event, day: date, tz: ZoneInfo, bounds: tuple[datetime, datetime] | None = None
) -> bool:
    """Does the event take place (in part) on this day? Ends are exclusive. `bounds`: the
    day's `day_bounds`, when the caller asks about many events."""
    if event.all_day:
        assert not isinstance(event.start, datetime) and not isinstance(event.end, datetime)
        return event.start <= day < max(event.end, event.start + timedelta(days=1))
    assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
    day_start, day_end = bounds or day_bounds(day, tz)
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
    bounds = day_bounds(day, tz)
    found = [e for e in events(items) if covers(e, day, tz, bounds)]
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
    """Notices posted (掲載日 reached) and not yet expired: urgent, then high, then newest first."""
    live = [
        item
        for item in items
        if isinstance(item, Notice)
        and (item.expires is None or item.expires > now)
        and (item.posted is None or item.posted <= now)
    ]
    newest_first = sorted(
        live, key=lambda n: n.posted.timestamp() if n.posted else 0.0, reverse=True
    )
    return sorted(newest_first, key=lambda n: PRIORITY_RANK[n.priority])


def scheduled_notices(items: Iterable[Item], now: datetime) -> list[Notice]:
    """Notices whose 掲載日 is still to come (and that will not have expired by then), in the
    order they will appear: shown from their `posted` time, not before."""
    later = [
        item
        for item in items
        if isinstance(item, Notice)
        and item.posted is not None
        and item.posted > now
        and (item.expires is None or item.expires > item.posted)
    ]
    return sorted(later, key=lambda n: n.posted.timestamp() if n.posted else 0.0)


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


def event_json(event: Event, now: datetime | None = None) -> dict[str, Any]:
    """An event; with `"now": true` when it is a timed event under way at `now` (the key is
    left out otherwise, so the objects of events not under way are as they always were)."""
    under_way = (
        now is not None
        and isinstance(event.start, datetime)
        and isinstance(event.end, datetime)
        and event.start <= now < event.end
    )
    out: dict[str, Any] = {
        "source": event.source,
        "title": event.title,
        "start": iso(event.start),
        "end": iso(event.end),
        "all_day": event.all_day,
        "location": event.location,
    }
    if under_way:
        out["now"] = True
    return out


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


# The 運動指針 (日本スポーツ協会, as the Ministry of the Environment shows it): the lowest WBGT
# of each level, gravest first, and the level's name.
HEAT_FLOORS: tuple[float, ...] = (31.0, 28.0, 25.0, 21.0, float("-inf"))
HEAT_LEVELS: tuple[str, ...] = (
    "heat_level_stop",
    "heat_level_severe",
    "heat_level_warning",
    "heat_level_caution",
    "heat_level_safe",
)


def heat_grade(wbgt: float) -> int:
    """0 (≥31, 運動は原則中止) … 4 (<21, ほぼ安全)."""
    return next(i for i, floor in enumerate(HEAT_FLOORS) if wbgt >= floor)


def heat_level(wbgt: float) -> str:
    """The 運動指針 level of a WBGT value: 31.2 → 運動は原則中止."""
    return screen(HEAT_LEVELS[heat_grade(wbgt)])


@dataclass(frozen=True)
class HeatToday:
    """A day's heat as the screen and `agenda --json` show it: the day's highest forecast,
    the value of the three hours now (None when the forecast has none), and the alert."""

    day: date
    max: float | None
    now: float | None
    alert: bool  # 熱中症警戒アラート (or its 特別警戒) in force for the day
    special: bool  # 熱中症特別警戒アラート

    @property
    def level(self) -> str | None:
        """The day's level: its highest forecast's."""
        worst = self.max if self.max is not None else self.now
        return heat_level(worst) if worst is not None else None


def heat_on(items: Iterable[Item], now: datetime, tz: ZoneInfo) -> HeatToday | None:
    """Today's heat from the wbgt sources' items; None when no source has a forecast or an
    alert for today (outside the season). A slot counts for the day its three hours start."""
    local = now.astimezone(tz)
    today = local.date()
    values: list[float] = []
    current: float | None = None
    alert = special = False
    found = False
    for item in items:
        if not isinstance(item, HeatIndex):
            continue
        for end, value in item.slots:
            start = (end - timedelta(hours=3)).astimezone(tz)
            if start.date() == today:
                values.append(value)
                found = True
                if start <= local < end:
                    current = value
        if today in item.alert_days or today in item.special_days:
            alert = found = True
            special = special or today in item.special_days
    if not found:
        return None
    return HeatToday(today, max(values) if values else None, current, alert, special)


def warnings_in_force(items: Iterable[Item], now: datetime) -> list[WeatherWarning]:
    """The warnings the jma_warnings sources keep (in force), gravest first; one issued
    after `now` is not in force yet (a copy dated ahead, as the demo's on a weekend)."""
    found = [
        item
        for item in items
        if isinstance(item, WeatherWarning) and (item.since is None or item.since <= now)
    ]
    return sorted(found, key=lambda w: (-w.grade, w.code))


def weather_json(
    items: Sequence[Item], kinds: Iterable[str], now: datetime, tz: ZoneInfo
) -> dict[str, Any]:
    """`weather` of `agenda --json`: each part null when no source of its kind is configured."""
    configured = set(kinds)
    warnings = None
    if "jma_warnings" in configured:
        warnings = [
            {
                "code": w.code,
                "name": w.name,
                "kind": w.kind,
                "status": w.status,
                "since": iso(w.since),
                "level": w.level,
            }
            for w in warnings_in_force(items, now)
        ]
    wbgt = None
    if "wbgt" in configured:
        heat = heat_on(items, now, tz)
        wbgt = {
            "date": local_today(now, tz).isoformat(),
            "max": heat.max if heat else None,
            "now": heat.now if heat else None,
            "level": heat.level if heat else None,
            "alert": heat.alert if heat else False,
        }
    return {"warnings": warnings, "wbgt": wbgt}


def agenda_json(
    *,
    school: str,
    tz: ZoneInfo,
    roles: dict[str, str],
    snapshots: Sequence[Snapshot],
    now: datetime,
    first_day: date,
    days: int,
    kinds: Mapping[str, str] | None = None,
    bells: Callable[[date], tuple[dict[str, Any] | None, str | None]] | None = None,
    lang: str = "ja",
) -> dict[str, Any]:
    """One JSON object: `days` days from `first_day`, the live notices, the weather (`kinds`:
    each source's kind), the sources' state (with every row a source skipped, and why, in
    `lang`). `bells` gives a day's `bell` and `off` (signage.bell: this module knows no
    schedules)."""
    by_role: dict[str, list[Item]] = {}
    for snap in snapshots:
        by_role.setdefault(roles[snap.source], []).extend(snap.items)
    out_days = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        bell, off = bells(day) if bells is not None else (None, None)
        out_days.append(
            {
                "date": day.isoformat(),
                "events": [
                    event_json(e, now) for e in events_on(by_role.get("events", []), day, tz)
                ],
                "visits": [
                    event_json(e, now) for e in events_on(by_role.get("visits", []), day, tz)
                ],
                "staff_out": [
                    event_json(e, now) for e in events_on(by_role.get("staff_out", []), day, tz)
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
                "bell": bell,
                "off": off,
            }
        )
    return {
        "school": school,
        "timezone": tz.key,
        "generated_at": now.astimezone(tz).isoformat(timespec="seconds"),
        "days": out_days,
        "notices": [notice_json(n) for n in active_notices(by_role.get("notices", []), now)],
        "scheduled": [notice_json(n) for n in scheduled_notices(by_role.get("notices", []), now)],
        "weather": weather_json(
            by_role.get("weather", []),
            (kind for source, kind in (kinds or {}).items() if roles.get(source) == "weather"),
            now,
            tz,
        ),
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
        if day.get("off"):
            lines.append(f"  [{screen('agenda.off')}] {day['off']}")
        elif day.get("bell"):
            lines.append(f"  [{screen('agenda.bell')}] {day['bell']['name']}")
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
    if data.get("scheduled"):
        lines.append("\n" + screen("agenda.scheduled"))
        for notice in data["scheduled"]:
            when = notice["posted"][:16].replace("T", " ")
            lines.append(f"  {when} ({notice['priority']}) {notice['title']}")
    weather = data.get("weather") or {}
    for warning in weather.get("warnings") or ():
        advisory = warning["kind"] == WARNING_KINDS[0]
        label = screen("advisories" if advisory else "weather_strip")
        lines.append(f"[{label}] {warning['name']} ({warning['status']})")
    if (heat := weather.get("wbgt")) and heat["max"] is not None:
        alert = f" {screen('heat_alert')}" if heat["alert"] else ""
        lines.append(f"[{screen('heat_title')}] {heat['max']:.1f} {heat['level']}{alert}")
    for source in data["sources"]:
        state = "ok" if source["ok"] else f"error: {source['error']}"
        lines.append(f"# {source['id']}: {state}")
        for key, label in (("skipped", "agenda.skipped"), ("warnings", "agenda.kept")):
            if source.get(key):
                lines.append(f"#   {screen(label, count=len(source[key]))}")
                lines.extend(f"#     {s['where']}: {s['reason']}" for s in source[key])
    return "\n".join(lines)
