"""Show a kiosk: the Qt application, the qasync loop, the window on its screen, and quitting
on Ctrl+Q or SIGTERM. The kiosk itself (HTTP client, pollers, the screen's lock) is handed in
(`signage.kiosk`), so nothing here fetches."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from typing import Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCursor, QGuiApplication, QWindow

from signage.presenter import Core
from signage.process import report_first_frame, tune_process
from signage.ui.broken import Problem, wait_for_fix
from signage.ui.icon import app_icon
from signage.ui.power import Deferred
from signage.ui.qt_imports import import_qasync
from signage.ui.window import KioskWindow


def place(window: QWindow, app: QGuiApplication, screen_index: int, windowed: bool) -> None:
    if windowed:
        window.resize(1280, 720)
        window.show()
        return
    window.setFlags(
        Qt.WindowType.Window
        | Qt.WindowType.FramelessWindowHint
        | Qt.WindowType.WindowStaysOnTopHint
    )
    window.setCursor(QCursor(Qt.CursorShape.BlankCursor))
    watched: set[str] = set()

    def full_screen() -> None:
        """On the chosen screen (or the last one there is); again whenever screens change,
        so a monitor plugged in late or a new resolution puts the kiosk back."""
        screens = app.screens()
        if not screens:
            return
        screen = screens[min(max(screen_index, 0), len(screens) - 1)]
        # Without a window manager showFullScreen() does nothing: set the geometry first.
        window.setGeometry(screen.geometry())
        window.showFullScreen()
        if screen.name() not in watched:
            watched.add(screen.name())
            screen.geometryChanged.connect(lambda _rect: full_screen())

    full_screen()
    app.screenAdded.connect(lambda _screen: full_screen())
    app.screenRemoved.connect(lambda _screen: QTimer.singleShot(0, full_screen))


def show_broken_config(
    problem: Problem,
    poll: Callable[[], Problem | None],
    seconds: float,
    screen: int,
    windowed: bool,
) -> bool:
    """A config broken or missing at boot, full screen on the kiosk's monitor (never the
    desktop) until `poll` finds it fixed: True then, False when the person quit."""
    app = QGuiApplication.instance() or QGuiApplication([])
    assert isinstance(app, QGuiApplication)
    app.setApplicationName("signage")
    app.setWindowIcon(app_icon())
    return wait_for_fix(problem, poll, seconds, lambda w: place(w, app, screen, windowed))


class Kiosk(Protocol):
    """What the screen needs of a running kiosk (`signage.kiosk.Kiosk`)."""

    screen: int
    notes: tuple[str, ...]

    @property
    def runtime(self) -> Core: ...

    def on_change(self, listener: Callable[[Core, str | None], None]) -> None: ...

    def run(self, stop: Awaitable[None]) -> Awaitable[None]: ...


# With data from the disk copies, the kiosk's run (the HTTP stack, the parsers: imports that
# block the UI thread) starts once the first frame is on screen, or after this long if the
# window is never painted (hidden).
FIRST_PAINT_WAIT_SECONDS = 2.0


# What ends the kiosk cleanly: SIGTERM (systemd, shutdown) and Ctrl+C; on Windows, where no
# SIGTERM ever arrives, Ctrl+Break or a CTRL_BREAK_EVENT to its process group (SIGBREAK). Task
# Scheduler's "End" kills the process outright; logoff and shutdown reach Qt as aboutToQuit.
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGBREAK")


def run_kiosk(kiosk: Kiosk, windowed: bool) -> int:
    app = QGuiApplication.instance() or QGuiApplication([])
    assert isinstance(app, QGuiApplication)
    app.setApplicationName("signage")
    app.setWindowIcon(app_icon())
    loop = import_qasync().QEventLoop(app)
    asyncio.set_event_loop(loop)
    # The monitor sleeps while the screen is dark; not a windowed kiosk's (a desk's monitor).
    window = KioskWindow(kiosk.runtime, kiosk.notes, power=None if windowed else Deferred())
    window.on_first_data_frame = report_first_frame
    painted: asyncio.Future[None] = loop.create_future()
    window.on_painted = lambda: None if painted.done() else painted.set_result(None)
    kiosk.on_change(window.presenter.set_core)
    place(window, app, kiosk.screen, windowed)
    tune_process()
    quit_future: asyncio.Future[None] = loop.create_future()

    def on_quit() -> None:
        if not quit_future.done():  # qasync may fire aboutToQuit more than once
            quit_future.set_result(None)

    # Closing the window (Ctrl+Q) or SIGTERM (systemd, shutdown) ends the kiosk's run first,
    # so the pollers are cancelled and the HTTP client closed before the loop stops.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(on_quit)
    app.aboutToQuit.connect(on_quit)
    for name in STOP_SIGNALS:
        if (number := getattr(signal, name, None)) is not None:
            signal.signal(number, lambda *_: loop.call_soon_threadsafe(on_quit))

    async def after_first_paint() -> None:
        # Nothing to show yet (the demo, a first start): the sooner the parsers the better.
        if any(s.fetched_at is not None for s in kiosk.runtime.store.snapshots()):
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(painted), FIRST_PAINT_WAIT_SECONDS)
        await kiosk.run(quit_future)

    with loop:
        loop.run_until_complete(after_first_paint())
    return 0
