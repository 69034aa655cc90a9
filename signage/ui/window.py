"""The kiosk window: ticks every second, rotates panels, repaints from the store.

Each second only the clock and the progress bar are repainted; the whole screen only when
what it shows changes (data, minute, panel, page, banner, burn-in shift). New data is shown
at once, not at the next tick.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QRegion, QResizeEvent
from PySide6.QtWidgets import QWidget

from signage import agenda, schedule
from signage.config import Schedule
from signage.model import Event, Item, Snapshot
from signage.rotation import Rotator
from signage.runtime import Runtime
from signage.ui.screen import (
    Frame,
    PanelError,
    burn_in_offset,
    current_banners,
    notice_pages,
    paint_screen,
    paint_ticking,
    ticking_rects,
)
from signage.ui.theme import Metrics
from signage.view import View, build_view

log = logging.getLogger(__name__)
SECONDS_PER_PAGE = 8.0  # time to read a page of the board from across the room
SETTLE_MS = 20  # new data: rebuild this soon after, so sources arriving together count once
# Calendar events outside these days around today cannot be on screen (the week reaches 4 days
# back and 6 ahead, the next school day 3 ahead): the view is built from the rest, worked out
# once per refresh and day, so a feed of years of events costs a rebuild no more than a month.
NEAR_DAYS = (14, 21)


class KioskWindow(QWidget):
    def __init__(
        self,
        runtime: Runtime,
        notes: tuple[str, ...] = (),
        monotonic: Callable[[], float] = _time.monotonic,
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"signage — {runtime.config.school.name}")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.runtime = runtime
        self._schedule = self._with_closures(runtime)
        self.notes = notes
        self.monotonic = monotonic
        self.rotator = Rotator(runtime.config.panels, monotonic())
        self._dirty = True
        self.config_error: str | None = None
        self.screen_on = True
        self._reported: set[str] = set()
        self._urgent: set[tuple[str, str]] = set()
        self._has_data = False  # the view shows at least one fetched source
        self._generation = 0  # counts the views built: a new one is a new picture
        self._pages = 1  # of the notice board, at this size, for this view
        self._painted: tuple[object, ...] | None = None  # the scene the screen shows
        # per events source: (its items, the day, those of them near that day)
        self._near: dict[str, tuple[tuple[Item, ...], date, tuple[Item, ...]]] = {}
        # Called once, after the first frame that shows data is painted (the kiosk logs it).
        self.on_first_data_frame: Callable[[], None] | None = None
        self.view = self._build()
        self._frame = self.frame()  # what the next paint shows: fixed at each tick
        self._scene_now = self._scene()
        runtime.store.subscribe(self._changed)
        self._soon = QTimer(self)  # a rebuild soon after new data or a new config
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.tick)
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)

    def set_runtime(self, runtime: Runtime, config_error: str | None = None) -> None:
        """A reloaded config (or a refused one: then `config_error` says why)."""
        if runtime is not self.runtime:
            if runtime.config.panels != self.runtime.config.panels:
                self.rotator = Rotator(runtime.config.panels, self.monotonic())
            self.runtime = runtime
            runtime.store.subscribe(self._changed)
        self.config_error = config_error
        self._changed("")

    def _changed(self, source_id: str) -> None:
        self._dirty = True
        if not self._soon.isActive():
            self._soon.start(SETTLE_MS)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """The board's pages depend on the size: count them again."""
        super().resizeEvent(event)
        self._changed("")

    def _build(self) -> View:
        self._dirty = False
        self.broken: set[str] = set()  # new data: give a failed panel another chance
        rt = self.runtime
        notes = self.notes + ((self.config_error,) if self.config_error else ())
        now = rt.clock.now()
        snapshots = self._near_snapshots(rt.store.snapshots(), now)
        view = build_view(rt.config, snapshots, now, notes)
        self._has_data = any(s.fetched_at is not None for s in snapshots)
        self._pages = notice_pages(max(self.width(), 320), max(self.height(), 240), view)
        self.rotator.minimum["notices"] = self._pages * SECONDS_PER_PAGE
        self._generation += 1
        return view

    def _near_snapshots(self, snapshots: list[Snapshot], now: datetime) -> list[Snapshot]:
        """The snapshots with each calendar's events cut down to those near today (see
        NEAR_DAYS). The cut is worked out again only when the feed's items or the day change."""
        tz = self.runtime.config.school.tz
        today = now.astimezone(tz).date()
        roles = self.runtime.roles
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

    def tick(self) -> None:
        """Once a second: the clock moves; data is rebuilt when it or the minute changed."""
        now = self.runtime.clock.now().astimezone(self.runtime.config.school.tz)
        if self._dirty:  # new data or config: closure days may have changed
            self._schedule = self._with_closures(self.runtime)
        self._follow_schedule(now)
        if self._dirty or now.replace(second=0, microsecond=0) != self.view.now.replace(
            second=0, microsecond=0
        ):
            self.view = self._build()
        else:
            self.view = replace(self.view, now=now)
        self.rotator.update(self.monotonic(), self.available())
        self._interrupt_for_new_urgent()
        self._compose()

    def _compose(self) -> None:
        """Fix what the next paint shows, and ask for just the part of the screen that
        changed: the clock and the bar, or the whole screen when the scene is new."""
        self._frame = self.frame()
        self._scene_now = self._scene()
        if self._scene_now != self._painted:
            self.update()
        elif self.screen_on:  # a dark screen stays as it is
            for rect in ticking_rects(self.width(), self.height(), self.view):
                self.update(rect)

    def _scene(self) -> tuple[object, ...]:
        """Everything the picture depends on except the clock's seconds and the bar."""
        frame = self._frame
        page = 0
        if frame.panel == "notices":
            page = min(self._pages - 1, int(frame.progress * self._pages))
        return (
            self._generation,
            self.screen_on,
            self.width(),
            self.height(),
            frame.panel,
            frame.kinds,
            frame.available,
            frame.paused,
            page,
            tuple(current_banners(self.view)),
            burn_in_offset(self.view, Metrics(self.height())),
        )

    def _with_closures(self, rt: Runtime) -> Schedule:
        """The configured schedule plus the closure days of `closures` sources."""
        roles = rt.roles
        items = [
            i for s in rt.store.snapshots() if roles.get(s.source) == "closures" for i in s.items
        ]
        base = rt.config.display.schedule
        return base.with_closed(agenda.days_covered(items, rt.config.school.tz)) if items else base

    def _follow_schedule(self, local: datetime) -> None:
        """Dark outside the display schedule; the app and its refreshes carry on, so the
        data is fresh when the screen comes back."""
        on = schedule.is_on(self._schedule, local)
        if on != self.screen_on:
            reason = schedule.reason_off(self._schedule, local)
            log.info("display %s%s", "on" if on else "off", f" ({reason})" if reason else "")
            self.screen_on = on
            self._dirty = True

    def _interrupt_for_new_urgent(self) -> None:
        """A notice that turns up urgent jumps the rotation to the board at once."""
        urgent = {(n.source, n.title) for n in self.view.notices if n.priority == "urgent"}
        if urgent - self._urgent:
            self.rotator.jump("notices", self.monotonic())
        self._urgent = urgent

    def frame(self) -> Frame:
        return Frame(
            panel=self.rotator.current.kind,
            progress=self.rotator.progress(self.monotonic()),
            kinds=tuple(p.kind for p in self.runtime.config.panels),
            available=frozenset(self.available()),
            paused=self.rotator.paused,
        )

    def available(self) -> set[str]:
        """Panels with something to show and that drew without error on this data."""
        return self.view.available() - self.broken

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        """The clock and the bar alone when only they are asked for and the rest of the
        screen shows this scene already; else the whole screen, which Qt clips to what was
        asked (an exposed corner)."""
        scene, frame = self._scene_now, self._frame
        whole = (QRegion(self.rect()) - event.region()).isEmpty()
        if not whole and scene == self._painted and self.screen_on:
            ticking = QRegion()
            for rect in ticking_rects(self.width(), self.height(), self.view):
                ticking += rect
            if (event.region() - ticking).isEmpty():
                painter = QPainter(self)
                try:
                    paint_ticking(painter, self.width(), self.height(), self.view, frame)
                finally:
                    painter.end()
                return
        if not whole and scene != self._painted:
            self._painted = None  # only part of a new scene: the next tick paints it whole
        painter = QPainter(self)
        if not self.screen_on:
            painter.fillRect(self.rect(), Qt.GlobalColor.black)
            painter.end()
            if whole:
                self._painted = scene
            return
        try:
            paint_screen(painter, self.width(), self.height(), self.view, frame)
        except PanelError as exc:
            if exc.kind not in self._reported:  # once, not every minute it is retried
                log.exception("%s; skipped, retried when the data or the minute changes", exc)
                self._reported.add(exc.kind)
            self.broken.add(exc.kind)
            QTimer.singleShot(0, self.tick)
            return
        finally:
            painter.end()
        if whole:
            self._painted = scene
        if self._has_data and self.on_first_data_frame is not None:
            report, self.on_first_data_frame = self.on_first_data_frame, None
            report()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        now = self.monotonic()
        available = self.available()
        if key == Qt.Key.Key_Right:
            self.rotator.next(now, available)
        elif key == Qt.Key.Key_Left:
            self.rotator.previous(now, available)
        elif key == Qt.Key.Key_Space:
            self.rotator.toggle_pause(now)
        elif key == Qt.Key.Key_Q and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.close()
            return
        else:
            super().keyPressEvent(event)
            return
        self._compose()


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
