"""The kiosk window: ticks every second, rotates panels, repaints from the store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from signage import schedule
from signage.rotation import Rotator
from signage.runtime import Runtime
from signage.ui.screen import Frame, PanelError, notice_pages, paint_screen
from signage.view import View, build_view

log = logging.getLogger(__name__)
SECONDS_PER_PAGE = 8.0  # time to read a page of the board from across the room


class KioskWindow(QWidget):
    def __init__(
        self,
        runtime: Runtime,
        notes: tuple[str, ...] = (),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"signage — {runtime.config.school.name}")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.runtime = runtime
        self.notes = notes
        self.monotonic = monotonic
        self.rotator = Rotator(runtime.config.panels, monotonic())
        self._dirty = True
        self.config_error: str | None = None
        self.screen_on = True
        self._reported: set[str] = set()
        self._urgent: set[tuple[str, str]] = set()
        self.view = self._build()
        runtime.store.subscribe(self._changed)
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
        self._dirty = True

    def _changed(self, source_id: str) -> None:
        self._dirty = True

    def _build(self) -> View:
        self._dirty = False
        self.broken: set[str] = set()  # new data: give a failed panel another chance
        rt = self.runtime
        notes = self.notes + ((self.config_error,) if self.config_error else ())
        view = build_view(rt.config, rt.store.snapshots(), rt.clock.now(), notes)
        pages = notice_pages(max(self.width(), 320), max(self.height(), 240), view)
        self.rotator.minimum["notices"] = pages * SECONDS_PER_PAGE
        return view

    def tick(self) -> None:
        """Once a second: the clock moves; data is rebuilt when it or the minute changed."""
        now = self.runtime.clock.now().astimezone(self.runtime.config.school.tz)
        self._follow_schedule(now)
        if self._dirty or now.replace(second=0, microsecond=0) != self.view.now.replace(
            second=0, microsecond=0
        ):
            self.view = self._build()
        else:
            self.view = replace(self.view, now=now)
        self.rotator.update(self.monotonic(), self.available())
        self._interrupt_for_new_urgent()
        self.update()

    def _follow_schedule(self, local: datetime) -> None:
        """Dark outside the display schedule; the app and its refreshes carry on, so the
        data is fresh when the screen comes back."""
        on = schedule.is_on(self.runtime.config.display.schedule, local)
        if on != self.screen_on:
            reason = schedule.reason_off(self.runtime.config.display.schedule, local)
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
            kinds=[p.kind for p in self.runtime.config.panels],
            available=frozenset(self.available()),
            paused=self.rotator.paused,
        )

    def available(self) -> set[str]:
        """Panels with something to show and that drew without error on this data."""
        return self.view.available() - self.broken

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        if not self.screen_on:
            painter.fillRect(self.rect(), Qt.GlobalColor.black)
            painter.end()
            return
        try:
            paint_screen(painter, self.width(), self.height(), self.view, self.frame())
        except PanelError as exc:
            if exc.kind not in self._reported:  # once, not every minute it is retried
                log.exception("%s; skipped, retried when the data or the minute changes", exc)
                self._reported.add(exc.kind)
            self.broken.add(exc.kind)
            QTimer.singleShot(0, self.tick)
        finally:
            painter.end()

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
        self.update()
