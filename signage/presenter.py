"""What is on screen, decided without Qt: the view of the data, whether the screen is lit,
which panel and how far through it, the board's page, an urgent notice's interrupt, and the
scene key that tells the ui when the whole screen must be painted again.

The ui ticks it once a second (and soon after new data), forwards the keys and the size,
says when a panel failed to draw, and paints `view` and `frame`. Time comes in from outside
(the runtime's clock for the wall time, `monotonic` for the rotation), so tests drive it
with plain numbers.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from signage import agenda, schedule
from signage.clock import Clock
from signage.config import Config, Schedule
from signage.jpdate import hm, weekday
from signage.messages import screen
from signage.model import Event, Item, Snapshot
from signage.rotation import PAGES_PER_TURN, SECONDS_PER_PAGE, Rotator
from signage.store import Store
from signage.view import Banner, View, build_view

__all__ = [
    "NEAR_DAYS",
    "PAGES_PER_TURN",
    "SECONDS_PER_PAGE",
    "Core",
    "Dark",
    "Frame",
    "PageCount",
    "Presenter",
    "current_banners",
    "dark_lines",
    "dark_text",
    "near_items",
    "with_closures",
]

log = logging.getLogger(__name__)
BANNER_SECONDS = 8  # several banners take turns
# Calendar events outside these days around today cannot be on screen (the week reaches 4 days
# back and 6 ahead, the next school day 3 ahead): the view is built from the rest, worked out
# once per refresh and day, so a feed of years of events costs a rebuild no more than a month.
NEAR_DAYS = (14, 21)

# How many pages the notice board needs for a view at a width and height (the ui measures).
PageCount = Callable[[int, int, View], int]


class Core(Protocol):
    """What the presenter reads of a running kiosk (`signage.runtime.Runtime` is one). A
    protocol, so that the ui, which imports this module, imports none of the fetching code."""

    @property
    def config(self) -> Config: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def store(self) -> Store: ...

    @property
    def roles(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Dark:
    """Why the screen is dark, and when it comes on again (None: not within a year)."""

    reason: str  # 時間外, 休日, 休校日, 祝日（勤労感謝の日） (schedule.reason_off)
    until: datetime | None


@dataclass(frozen=True)
class Frame:
    """Where the rotation stands: which panel, how far through its turn (the bar), which kinds
    are on the bar, and which of the panel's pages is on screen (the board's)."""

    panel: str
    progress: float
    kinds: Sequence[str]
    available: frozenset[str]
    paused: bool = False
    page: int = 0
    pages: int = 1

    @property
    def position(self) -> float:
        """How far through its pages the panel is, 0..1, for its painter: the middle of the
        page on screen (a turn of the board may begin on a later page), else the progress."""
        if self.pages <= 1:
            return self.progress
        return (min(self.page, self.pages - 1) + 0.5) / self.pages


class Presenter:
    def __init__(
        self,
        core: Core,
        notes: tuple[str, ...] = (),
        monotonic: Callable[[], float] = _time.monotonic,
        count_pages: PageCount = lambda width, height, view: 1,
        size: tuple[int, int] = (1920, 1080),
    ) -> None:
        self.core = core
        self.notes = notes
        self.monotonic = monotonic
        self.count_pages = count_pages
        self.size = size
        self.rotator = Rotator(core.config.panels, monotonic())
        self.config_error: str | None = None
        self.screen_on = True
        self.dark: Dark | None = None  # set while the screen is dark
        self.has_data = False  # the view shows at least one fetched source
        self.broken: set[str] = set()  # panels that failed to draw on this data
        # Called when new data or a new config or size wants a tick soon (the ui's timer).
        self.on_change: Callable[[], None] = lambda: None
        self._dirty = True
        self._reported: set[str] = set()
        # Urgent notices known already: those present at the start (on screen, restored from
        # the disk copy, or in each notices source's first refresh) are not news.
        self._urgent: set[tuple[str, str]] = set()
        self._started_at = core.clock.now()
        self._settled = False  # every notices source has been refreshed once since the start
        self._generation = 0  # counts the views built: a new one is a new picture
        self._pages = 1  # of the notice board, at this size, for this view
        # per events source: (its items, the day, those of them near that day)
        self._near: dict[str, tuple[tuple[Item, ...], date, tuple[Item, ...]]] = {}
        self._schedule = with_closures(core)
        self._follow_schedule(core.clock.now().astimezone(core.config.school.tz))
        self.view = self._build()
        self._interrupt_for_new_urgent()
        self.compose()
        core.store.subscribe(self._changed)

    def set_core(self, core: Core, config_error: str | None = None) -> None:
        """A reloaded config (or a refused one: then `config_error` says why)."""
        if core is not self.core:
            if core.config.panels != self.core.config.panels:
                self.rotator = Rotator(core.config.panels, self.monotonic())
            self.core = core
            core.store.subscribe(self._changed)
        self.config_error = config_error
        self._changed("")

    def resize(self, width: int, height: int) -> None:
        """The board's pages depend on the size: count them again."""
        self.size = (width, height)
        self._changed("")

    def _changed(self, source_id: str) -> None:
        self._dirty = True
        self.on_change()

    def tick(self) -> None:
        """Once a second: the clock moves; data is rebuilt when it or the minute changed."""
        core = self.core
        now = core.clock.now().astimezone(core.config.school.tz)
        if self._dirty:  # new data or config: closure days may have changed
            self._schedule = with_closures(core)
        self._follow_schedule(now)
        if self._dirty or now.replace(second=0, microsecond=0) != self.view.now.replace(
            second=0, microsecond=0
        ):
            self.view = self._build()
        else:
            self.view = replace(self.view, now=now)
        self.rotator.update(self.monotonic(), self.available())
        self._interrupt_for_new_urgent()
        self.compose()

    def next(self) -> None:
        self.rotator.next(self.monotonic(), self.available())
        self.compose()

    def previous(self) -> None:
        self.rotator.previous(self.monotonic(), self.available())
        self.compose()

    def toggle_pause(self) -> None:
        self.rotator.toggle_pause(self.monotonic())
        self.compose()

    def failed(self, kind: str) -> bool:
        """The ui could not draw this panel: it is skipped until the data changes. True the
        first time, so the ui logs it once, not every minute it is retried."""
        self.broken.add(kind)
        first = kind not in self._reported
        self._reported.add(kind)
        return first

    @property
    def monitor_asleep(self) -> bool:
        """The monitor should sleep now: the screen is dark and `[display] sleep` allows it
        (the ui's platform module makes the call, and wakes it when this turns False)."""
        return not self.screen_on and self.core.config.display.sleep

    def available(self) -> set[str]:
        """Panels with something to show and that drew without error on this data."""
        return self.view.available() - self.broken

    def compose(self) -> None:
        """Fix what the next paint shows: the frame, and the scene it belongs to."""
        now = self.monotonic()
        kind = self.rotator.current.kind
        self.frame = Frame(
            panel=kind,
            progress=self.rotator.progress(now),
            kinds=tuple(p.kind for p in self.core.config.panels),
            available=frozenset(self.available()),
            paused=self.rotator.paused,
            page=self.rotator.page(now),
            pages=self.rotator.pages.get(kind, 1),
        )
        self.scene = self._scene()

    def _scene(self) -> tuple[object, ...]:
        """Everything the picture depends on except the clock's seconds and the bar. (A new
        minute builds a new view, so the ui's burn-in shift, which moves on a minute, is in.)"""
        frame = self.frame
        return (
            self._generation,
            self.screen_on,
            self.dark,
            self.size,
            frame.panel,
            frame.kinds,
            frame.available,
            frame.paused,
            frame.page,
            tuple(current_banners(self.view)),
        )

    def _build(self) -> View:
        self._dirty = False
        self.broken = set()  # new data: give a failed panel another chance
        core = self.core
        notes = self.notes + ((self.config_error,) if self.config_error else ())
        now = core.clock.now()
        snapshots = self._near_snapshots(core.store.snapshots(), now)
        view = build_view(core.config, snapshots, now, notes)
        self.has_data = any(s.fetched_at is not None for s in snapshots)
        width, height = self.size
        self._pages = self.count_pages(max(width, 320), max(height, 240), view)
        self.rotator.set_pages("notices", self._pages)
        self._generation += 1
        return view

    def _near_snapshots(self, snapshots: list[Snapshot], now: datetime) -> list[Snapshot]:
        """The snapshots with each calendar's events cut down to those near today (see
        NEAR_DAYS). The cut is worked out again only when the feed's items or the day change."""
        tz = self.core.config.school.tz
        today = now.astimezone(tz).date()
        roles = self.core.roles
        near: dict[str, tuple[tuple[Item, ...], date, tuple[Item, ...]]] = {}
        result = []
        for snap in snapshots:
            if roles.get(snap.source, "events") == "events" and snap.items:
                cached = self._near.get(snap.source)
                if cached is None or cached[0] is not snap.items or cached[1] != today:
                    cached = (snap.items, today, near_items(snap.items, today, tz))
                near[snap.source] = cached
                snap = replace(snap, items=cached[2])
            result.append(snap)
        self._near = near  # sources gone with a new config are forgotten
        return result

    def _follow_schedule(self, local: datetime) -> None:
        """Dark outside the display schedule; the app and its refreshes carry on, so the
        data is fresh when the screen comes back."""
        reason = schedule.reason_off(self._schedule, local)
        on = reason is None
        if on != self.screen_on:
            log.info("display %s%s", "on" if on else "off", f" ({reason})" if reason else "")
            self.screen_on = on
            self._dirty = True
        if reason is None:
            self.dark = None
        elif self.dark is None or self.dark.reason != reason or self._dirty:
            # When it comes on again: worked out as it goes dark, at midnight (the reason
            # changes) and with new data or a new config (closure days), not every second.
            self.dark = Dark(reason, schedule.next_change(self._schedule, local))

    def _interrupt_for_new_urgent(self) -> None:
        """A notice that turns up urgent while the kiosk runs jumps the rotation to the board
        at once. Those there at the start are not news: the screen opens on its first panel
        (今日), with their orange strip, and the board comes in its turn."""
        urgent = {(n.source, n.title) for n in self.view.notices if n.priority == "urgent"}
        if not self._settled:
            self._settled = self._notices_refreshed()
        elif urgent - self._urgent:
            self.rotator.jump("notices", self.monotonic())
        self._urgent = urgent

    def _notices_refreshed(self) -> bool:
        """Has every notices source had a refresh of its own since the start (succeeded,
        unchanged or failed)? Until then what arrives is what was there before the start."""
        roles = self.core.roles
        return all(
            snap.error is not None
            or (snap.fetched_at is not None and snap.fetched_at >= self._started_at)
            for snap in self.core.store.snapshots()
            if roles.get(snap.source) == "notices"
        )


def dark_lines(dark: Dark, now: datetime) -> tuple[str, ...]:
    """The dark screen's words: why, and when the screen comes on again (the time alone when
    that is later today): 「時間外のため表示を休止しています」「7:30 から表示します」."""
    why = screen("dark.why", reason=dark.reason)
    if dark.until is None:
        return (why,)
    until = dark.until.astimezone(now.tzinfo)
    when = hm(until)
    if until.date() != now.date():
        day = until.date()
        when = screen(
            "dark.until_day", month=day.month, day=day.day, weekday=weekday(day), time=when
        )
    return why, screen("dark.until", when=when)


def dark_text(dark: Dark, now: datetime) -> str:
    """The same on one line (the log, `signage render`)."""
    return "　".join(dark_lines(dark, now))


def with_closures(core: Core) -> Schedule:
    """The configured schedule plus the closure days of `closures` sources."""
    roles = core.roles
    items = [
        i for s in core.store.snapshots() if roles.get(s.source) == "closures" for i in s.items
    ]
    base = core.config.display.schedule
    return base.with_closed(agenda.days_covered(items, core.config.school.tz)) if items else base


def near_items(items: tuple[Item, ...], today: date, tz: ZoneInfo) -> tuple[Item, ...]:
    """The items that are not events, and the events that take place (in part) within
    NEAR_DAYS of `today` (an event whose end is not after its start counts as a day long)."""
    low = datetime.combine(today - timedelta(days=NEAR_DAYS[0]), time.min, tzinfo=tz)
    high = datetime.combine(today + timedelta(days=NEAR_DAYS[1]), time.min, tzinfo=tz)
    kept = []
    for item in items:
        if isinstance(item, Event):
            start = agenda.start_of(item, tz)
            end = max(agenda.end_of(item, tz), start + timedelta(days=1))
            if not (start < high and end > low):
                continue
        kept.append(item)
    return tuple(kept) if len(kept) < len(items) else items


def current_banners(view: View) -> list[Banner]:
    """An urgent strip that stays while there is an urgent notice, the weather strip (警報 in
    force, the heat alert) below it, never hidden by it, and an information strip (today's
    visit) below them; several of a kind take turns."""
    turn = int(view.now.timestamp() // BANNER_SECONDS)
    shown = []
    for tone in ("urgent", "weather", "info"):
        group = [b for b in view.banners if b.tone == tone]
        if group:
            shown.append(group[turn % len(group)])
    return shown
