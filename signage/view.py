"""What the screen shows at a moment: a pure function of config, snapshots and now.

Panels only draw a `View`; they never look at sources or the clock themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from signage import agenda
from signage.bell import BellStatus, DayBell, bell_status, school_bells, title
from signage.config import Config
from signage.jpdate import hm, short_date, time_range
from signage.messages import screen
from signage.model import Event, Item, Notice, Snapshot, WeatherWarning
from signage.panels import PANELS

STALE_AFTER = timedelta(minutes=60)


@dataclass(frozen=True)
class WeatherView:
    """What the weather sources say for now: 警報 and graver (a strip on every panel), 注意報
    (quietly on the today panel) and today's heat (a card there; its alert on the strip)."""

    warnings: tuple[WeatherWarning, ...] = ()
    advisories: tuple[WeatherWarning, ...] = ()
    heat: agenda.HeatToday | None = None
    texts: tuple[str, ...] = ()  # each warning as the strip says it (warning_text)

    @property
    def strip(self) -> bool:
        return bool(self.warnings) or (self.heat is not None and self.heat.alert)


@dataclass(frozen=True)
class Banner:
    label: str  # 至急 / 本日 / 気象警報
    text: str
    tone: str  # "urgent" | "weather" | "info"
    weather: WeatherView | None = None  # the weather strip paints from this


@dataclass(frozen=True)
class VisitsView:
    today: tuple[Event, ...]
    upcoming: tuple[Event, ...]
    done: tuple[Event, ...]  # this month, already over
    planned: tuple[Event, ...]  # this month, not over yet (under way included)
    last_month: int
    target: int
    under_way: tuple[Event, ...] = ()  # of `planned`, those begun: counted once, shown as such

    @property
    def this_month(self) -> int:
        return len(self.done) + len(self.planned)


@dataclass(frozen=True)
class OutRow:
    """One colleague out today, named as the source's privacy setting allows."""

    name: str  # "" when only a count may be shown
    reason: str
    when: str  # 終日 / 〜15:00 / 13:00から


@dataclass(frozen=True)
class View:
    school: str
    now: datetime  # in the school's zone
    status: str
    status_ok: bool
    banners: tuple[Banner, ...]
    bell: BellStatus | None  # None on a day without school or without periods
    bell_name: str  # the schedule in force as a heading (通常日課, 短縮日課), "" on a day off
    today: tuple[Event, ...]
    next_day: date
    next_day_events: tuple[Event, ...]
    staff_out: tuple[OutRow, ...]
    absences: tuple[agenda.ClassCount, ...]
    has_absences: bool  # an absences source is configured (show the table even when 0)
    week: tuple[tuple[date, tuple[Event, ...]], ...]
    week_out: tuple[tuple[OutRow, ...], ...]  # per day of `week`: who is out (週行事予定)
    week_visits: tuple[tuple[Event, ...], ...]  # per day of `week`: ICT visits
    notices: tuple[Notice, ...]
    visits: VisitsView
    notes: tuple[str, ...] = field(default=())  # e.g. the demo banner
    blink: bool = True  # the clock's colon dims every other second ([display] blink)
    weather: WeatherView = field(default_factory=WeatherView)
    off: str | None = None  # why today has no school (勤労感謝の日, 臨時休業, 土曜日)
    next_day_bell: str = ""  # the next school day's schedule, when not the usual one

    def in_progress(self, event: Event) -> bool:
        """A timed event under way now (an all-day one is not singled out)."""
        return in_progress(event, self.now)

    skipped: str = ""  # beside the status line: 「連絡事項 1件読めず」 ("" when none was)
    # Roles with a source not fetched yet (starting, or its first fetch failed): an empty list
    # of theirs is not known to be empty.
    unfetched: frozenset[str] = frozenset()

    def empty_text(self, role: str, key: str) -> str:
        """What an empty list of `role` says: the screen text `key` (「本日の不在はありません」),
        or, while a source of that role has not been fetched, that it is not known yet."""
        return screen("not_fetched_yet") if role in self.unfetched else screen(key)

    def available(self) -> set[str]:
        """Panel kinds with something to show; today always, so the screen is never blank."""
        return {kind.name for kind in PANELS if kind.shows(self)}


def build_view(
    config: Config, snapshots: list[Snapshot], now: datetime, notes: tuple[str, ...] = ()
) -> View:
    tz = config.school.tz
    local = now.astimezone(tz)
    today = local.date()
    roles = {sc.id: sc.role for sc in config.sources}
    items: dict[str, list[Item]] = {}
    for snap in snapshots:
        items.setdefault(roles.get(snap.source, "events"), []).extend(snap.items)
    events = items.get("events", [])
    week = agenda.school_week(today)
    weather = weather_view(items.get("weather", []), now, tz)
    bells = school_bells(config, items)
    day = bells(today)
    next_day = _next_school_day(today, bells)
    following = bells(next_day).schedule
    ringing = bell_status(day.schedule, local) if day.schedule else None
    notices = agenda.active_notices(items.get("notices", []), now)
    visits = _visits(items.get("visits", []), now, tz, config.visits.monthly_target)
    line, ok = _status(config, snapshots, now)
    return View(
        school=config.school.name,
        now=local,
        status=line,
        status_ok=ok,
        banners=_banners(notices, visits, weather, local),
        bell=ringing,
        bell_name=title(day.schedule) if day.schedule else "",
        today=tuple(agenda.events_on(events, today, tz)),
        next_day=next_day,
        next_day_events=tuple(agenda.events_on(events, next_day, tz)),
        staff_out=_staff_out(items.get("staff_out", []), today, tz),
        absences=tuple(agenda.absence_counts(items.get("absences", []), today)),
        has_absences="absences" in roles.values(),
        week=tuple((d, tuple(agenda.events_on(events, d, tz))) for d in week),
        week_out=tuple(_staff_out(items.get("staff_out", []), day, tz) for day in week),
        week_visits=tuple(tuple(agenda.events_on(items.get("visits", []), d, tz)) for d in week),
        notices=tuple(notices),
        visits=visits,
        notes=notes,
        blink=config.display.blink,
        weather=weather,
        off=day.off,
        next_day_bell=title(following) if following and following != config.bell.usual else "",
        skipped=_skipped(roles, snapshots),
        unfetched=frozenset(roles.get(s.source, "events") for s in snapshots if not s.fetched_at),
    )


def weather_view(items: list[Item], now: datetime, tz: ZoneInfo) -> WeatherView:
    found = agenda.warnings_in_force(items, now)
    warnings = tuple(w for w in found if w.grade > 0)
    local = now.astimezone(tz)
    return WeatherView(
        warnings=warnings,
        advisories=tuple(w for w in found if w.grade == 0),
        heat=agenda.heat_on(items, now, tz),
        texts=tuple(warning_text(w, local) for w in warnings),
    )


def warning_text(warning: WeatherWarning, now: datetime) -> str:
    """レベル3大雨警報 12/2(水) 6:40から: the level where JMA gives one, the date if not today."""
    level = screen("warning_level", level=warning.level) if warning.level else ""
    if warning.since is None:
        return level + warning.name
    since = warning.since.astimezone(now.tzinfo)
    when = hm(since) if since.date() == now.date() else f"{short_date(since.date())} {hm(since)}"
    return f"{level}{warning.name} {screen('warning_since', when=when)}"


def _next_school_day(today: date, bells: Callable[[date], DayBell]) -> date:
    """The next day with school (past weekends, holidays and closures), within two weeks;
    else the next weekday."""
    for offset in range(1, 15):
        day = today + timedelta(days=offset)
        if bells(day).school_day:
            return day
    return agenda.next_school_day(today)


def in_progress(event: Event, now: datetime) -> bool:
    """A timed event that has begun and not yet ended at `now`."""
    if event.all_day or not isinstance(event.start, datetime):
        return False
    assert isinstance(event.end, datetime)
    return event.start <= now < event.end


def _visits(items: list[Item], now: datetime, tz: ZoneInfo, target: int) -> VisitsView:
    local = now.astimezone(tz)
    month = agenda.in_month(items, local.year, local.month, tz)
    last = local.date().replace(day=1) - timedelta(days=1)
    return VisitsView(
        today=tuple(agenda.events_on(items, local.date(), tz)),
        upcoming=tuple(agenda.upcoming(items, now, tz)),
        done=tuple(e for e in month if agenda.end_of(e, tz) <= now),
        planned=tuple(e for e in month if agenda.end_of(e, tz) > now),
        last_month=len(agenda.in_month(items, last.year, last.month, tz)),
        target=target,
        under_way=tuple(e for e in month if agenda.start_of(e, tz) <= now < agenda.end_of(e, tz)),
    )


def _staff_out(items: list[Item], today: date, tz: ZoneInfo) -> tuple[OutRow, ...]:
    """The rows as the source's parse left them: named only as its `names` allows
    (signage.privacy decides that once, before the store)."""
    rows = []
    for event in agenda.events_on(items, today, tz):
        name, reason = agenda.person_and_reason(event)
        rows.append(OutRow(name, reason if name else "", until(event)))
    return tuple(rows)


def until(event: Event) -> str:
    """終日, 〜15:00 (back at three) or 13:00から (out from one)."""
    if event.all_day or not isinstance(event.start, datetime):
        return screen("all_day")
    assert isinstance(event.end, datetime)
    if event.start.hour >= 11:
        return screen("out_from", time=hm(event.start))
    return screen("back_at", time=hm(event.end))


def _banners(
    notices: list[Notice], visits: VisitsView, weather: WeatherView, now: datetime
) -> tuple[Banner, ...]:
    urgent = screen("urgent")
    banners = [Banner(urgent, n.title, "urgent") for n in notices if n.priority == "urgent"]
    if weather.strip:
        parts = list(weather.texts)
        if weather.heat is not None and weather.heat.alert:
            parts.append(screen("heat_special" if weather.heat.special else "heat_alert"))
        banners.append(Banner(screen("weather_strip"), "　".join(parts), "weather", weather))
    for visit in visits.today:
        text = screen("ict_visit_today", visit=visit_text(visit))
        banners.append(Banner(screen("today"), text, "info"))
    return tuple(banners)


def visit_text(visit: Event) -> str:
    when = ""
    if isinstance(visit.start, datetime) and isinstance(visit.end, datetime):
        when = time_range(visit.start, visit.end) + "  "
    detail = f"（{visit.description}）" if visit.description else ""
    return f"{when}{visit.title}{detail}"


# What the status line calls a source's rows, by its role.
_ROLE_WORDS = {
    "events": "agenda.events",
    "notices": "agenda.notices",
    "visits": "agenda.visits",
    "staff_out": "agenda.staff_out",
    "absences": "absences",
    "closures": "closed_day",
}


def _skipped(roles: dict[str, str], snapshots: list[Snapshot]) -> str:
    """A quiet note of the rows sources could not read, per role: 「連絡事項 1件読めず」.
    Rows shown not as written (kept with a note) are for `agenda`, not the screen."""
    counts: dict[str, int] = {}
    for snap in snapshots:
        dropped = sum(not skip.kept for skip in snap.skipped)
        if dropped:
            role = roles.get(snap.source, "events")
            counts[role] = counts.get(role, 0) + dropped
    if not counts:
        return ""
    parts = (
        screen("skipped_count", what=screen(_ROLE_WORDS.get(role, "agenda.events")), count=n)
        for role, n in counts.items()
    )
    return screen("skipped", counts="・".join(parts))


def _status(config: Config, snapshots: list[Snapshot], now: datetime) -> tuple[str, bool]:
    """One quiet line: all fresh, or which source has not updated since when."""
    if not snapshots:
        return screen("no_sources"), True
    tz = config.school.tz
    troubled = [
        s
        for s in snapshots
        if s.error is not None or (s.fetched_at is not None and now - s.fetched_at > STALE_AFTER)
    ]
    pending = [s for s in snapshots if s.fetched_at is None and s.error is None]
    if not troubled and pending:  # starting: no warning for what has not had its first fetch
        return screen("fetching", count=len(pending)), True
    if not troubled:
        oldest = min(s.fetched_at for s in snapshots if s.fetched_at)
        return screen("all_updated", time=hm(oldest.astimezone(tz))), True
    first = troubled[0]
    more = screen("more_sources", count=len(troubled) - 1) if len(troubled) > 1 else ""
    if first.fetched_at is None:
        return screen("not_fetched", source=first.source, more=more), False
    when = hm(first.fetched_at.astimezone(tz))
    return screen("not_updated_since", source=first.source, time=when, more=more), False
