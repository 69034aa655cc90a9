"""The kiosk window: paints what the presenter decided, ticks it, forwards keys and size.

A QRasterWindow, not a QWidget: the kiosk paints every pixel itself with QPainter, and without
Qt Widgets its process holds some 7 MB less (Qt's widget libraries are never loaded).

Each second only the clock and the progress bar are repainted; the whole screen only when
the presenter's scene changes (data, minute, panel, page, banner, size). New data is shown
at once, not at the next tick.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QRasterWindow, QRegion, QResizeEvent

from signage.presenter import Core, Presenter
from signage.process import release_memory
from signage.ui.dark import paint_dark
from signage.ui.draw import forget_text
from signage.ui.power import MonitorPower
from signage.ui.screen import (
    PanelError,
    changed_rects,
    notice_pages,
    paint_screen,
    paint_ticking,
    ticking_rects,
)

log = logging.getLogger(__name__)
SETTLE_MS = 20  # new data: rebuild this soon after, so sources arriving together count once
SLEEP_DELAY_MS = 1500  # the dark frame is on screen before the monitor sleeps
RESLEEP_SECONDS = 600  # a monitor woken in the night (a bumped mouse) sleeps again after this


class KioskWindow(QRasterWindow):
    def __init__(
        self,
        core: Core,
        notes: tuple[str, ...] = (),
        monotonic: Callable[[], float] = _time.monotonic,
        power: MonitorPower | None = None,
    ) -> None:
        super().__init__()
        self.setTitle(f"signage — {core.config.school.name}")
        self.presenter = Presenter(core, notes, monotonic, notice_pages, self._size())
        self._painted: tuple[object, ...] | None = None  # the scene the screen shows
        self._bar = 0.0  # how far the progress bar on screen has run
        self.power = power  # the monitor's sleep and wake (None: the dark frame only)
        self._asleep = False  # the monitor was told to sleep
        self._slept_at = 0.0
        self._day = self.presenter.view.now.date()  # the day whose text the caches hold
        # Called once, after the first frame that shows data is painted (the kiosk logs it).
        self.on_first_data_frame: Callable[[], None] | None = None
        # Called after each whole frame painted (the kiosk's run waits for the first).
        self.on_painted: Callable[[], None] | None = None
        self._soon = QTimer(self)  # a rebuild soon after new data or a new config
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.tick)
        self.presenter.on_change = self._tick_soon
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)

    def _size(self) -> tuple[int, int]:
        return self.width(), self.height()

    def _tick_soon(self) -> None:
        """Sources arriving together are shown in one rebuild, `SETTLE_MS` after the first;
        while the screen shows no data yet (start-up), the first to arrive is shown at once."""
        if not self._soon.isActive():
            self._soon.start(SETTLE_MS if self.presenter.has_data else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.presenter.resize(*self._size())

    def tick(self) -> None:
        self.presenter.tick()
        self._new_day()
        self._follow_power()
        self._ask_paint()

    def _new_day(self) -> None:
        """At the first tick of a day (at midnight, the screen dark in most schools), forget
        the text, fonts and glyphs of the days before: the kiosk runs for weeks."""
        day = self.presenter.view.now.date()
        if day != self._day:
            self._day = day
            forget_text()

    def _follow_power(self) -> None:
        """Sleep the monitor soon after the screen goes dark (again now and then, if someone
        woke it in the night); wake it as the screen comes on."""
        if self.power is None:
            return
        now = self.presenter.monotonic()
        if self.presenter.monitor_asleep:
            if not self._asleep or now - self._slept_at >= RESLEEP_SECONDS:
                first = not self._asleep
                self._asleep, self._slept_at = True, now
                QTimer.singleShot(SLEEP_DELAY_MS, self, lambda: self._sleep(first))
        elif self._asleep:
            self._asleep = False
            woke = self.power.wake()
            log.info("monitor woken (%s)", self.power.name if woke else "not available")

    def _sleep(self, first: bool) -> None:
        if self.power is None or not self.presenter.monitor_asleep:
            return  # it came on again meanwhile
        slept = self.power.sleep()
        if first:
            log.info("monitor asleep (%s)", self.power.name if slept else "not available")

    def _ask_paint(self) -> None:
        """Ask for just the pixels that changed: the clock's colon and the bar's new part, or
        the whole screen when the scene is new."""
        shown = self.presenter
        if shown.scene != self._painted:
            if self.on_first_data_frame is not None:  # start-up: the first frame at once
                self.update()
            else:  # after what else is due (a timer, input): the whole screen is the UI
                # thread's longest piece of work, not run back to back with the tick's own
                QTimer.singleShot(0, self, lambda: self.update())
        elif shown.screen_on:  # a dark screen stays as it is
            size = self.width(), self.height()
            for rect in changed_rects(*size, shown.view, self._bar, shown.frame.progress):
                self.update(rect)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        """The clock and the bar alone when only they are asked for and the rest of the
        screen shows this scene already; else the whole screen, which Qt clips to what was
        asked (an exposed corner)."""
        shown = self.presenter
        scene, frame, view = shown.scene, shown.frame, shown.view
        whole = (QRegion(0, 0, self.width(), self.height()) - event.region()).isEmpty()
        if not whole and scene == self._painted and shown.screen_on:
            clock, bar = ticking_rects(self.width(), self.height(), view)
            if (event.region() - QRegion(clock) - QRegion(bar)).isEmpty():
                asked = (event.region() & QRegion(clock)).boundingRect()  # e.g. the colon
                painter = QPainter(self)
                try:
                    paint_ticking(
                        painter,
                        self.width(),
                        self.height(),
                        view,
                        frame,
                        clock=not asked.isEmpty(),
                        within=asked,
                    )
                finally:
                    painter.end()
                self._bar = frame.progress
                return
        if not whole and scene != self._painted:
            self._painted = None  # only part of a new scene: the next tick paints it whole
        painter = QPainter(self)
        if not shown.screen_on:
            try:
                paint_dark(painter, self.width(), self.height(), shown.dark, view.now)
            finally:
                painter.end()
            if whole:
                self._painted = scene
            return
        try:
            paint_screen(painter, self.width(), self.height(), view, frame)
        except PanelError as exc:
            if shown.failed(exc.kind):
                log.exception("%s; skipped, retried when the data or the minute changes", exc)
            QTimer.singleShot(0, self.tick)
            return
        finally:
            painter.end()
        if whole:
            self._bar = frame.progress
            self._painted = scene
            if self.on_painted is not None:
                self.on_painted()
            # What the old scene's layout and the last refresh freed goes back to the system,
            # once this frame is on screen.
            QTimer.singleShot(0, release_memory)
        if shown.has_data and self.on_first_data_frame is not None:
            report, self.on_first_data_frame = self.on_first_data_frame, None
            report()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Right:
            self.presenter.next()
        elif key == Qt.Key.Key_Left:
            self.presenter.previous()
        elif key == Qt.Key.Key_Space:
            self.presenter.toggle_pause()
        elif key == Qt.Key.Key_Q and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.close()
            return
        else:
            super().keyPressEvent(event)
            return
        self._ask_paint()
