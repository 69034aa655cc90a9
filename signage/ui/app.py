"""Start the kiosk: Qt application, qasync loop, one shared HTTP client, pollers, window."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

import PySide6  # noqa: F401  (import before qasync so it picks PySide6)
import qasync
from PySide6.QtCore import QDir, QLockFile, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from signage import __version__
from signage.cli import Loaded
from signage.clock import Clock
from signage.sources import new_client
from signage.supervisor import Supervisor
from signage.ui.window import KioskWindow

log = logging.getLogger(__name__)


def place(window: KioskWindow, app: QApplication, screen_index: int, windowed: bool) -> None:
    if windowed:
        window.resize(1280, 720)
        window.show()
        return
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
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


def run_kiosk(loaded: Loaded, clock: Clock, windowed: bool, screen: int) -> int:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setApplicationName("signage")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    config = loaded.config
    screen_index = screen if screen >= 0 else config.display.screen
    lock = QLockFile(str(Path(QDir.tempPath()) / f"signage-screen{screen_index}.lock"))
    lock.setStaleLockTime(0)  # a lock left by a crash is taken over (its pid is gone)
    if not lock.tryLock(200):
        print(
            f"signage: already running on screen {screen_index}; not starting a second one",
            file=sys.stderr,
        )
        log.error("another signage is running on screen %d; exiting", screen_index)
        return 2
    client = new_client()
    supervisor = Supervisor(config, clock, client, loaded.cache_dir)
    window = KioskWindow(supervisor.runtime, loaded.notes)
    supervisor.on_change = lambda runtime: window.set_runtime(runtime, supervisor.config_error)
    place(window, app, screen_index, windowed)
    quit_future: asyncio.Future[None] = loop.create_future()

    def on_quit() -> None:
        if not quit_future.done():  # qasync may fire aboutToQuit more than once
            quit_future.set_result(None)

    # Closing the window (Ctrl+Q) or SIGTERM (systemd, shutdown) ends main() first, so the
    # pollers are cancelled and the HTTP client closed before the loop stops.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(on_quit)
    app.aboutToQuit.connect(on_quit)
    signal.signal(signal.SIGTERM, lambda *_: loop.call_soon_threadsafe(on_quit))
    log.info(
        "signage %s: %s, %d sources, config %s",
        __version__,
        config.school.name,
        len(config.sources),
        config.path or "(demo)",
    )

    async def main() -> None:
        async with client:
            supervisor.start()
            watcher = asyncio.create_task(supervisor.watch())
            try:
                await quit_future
            finally:
                watcher.cancel()
                await supervisor.stop()

    with loop:
        loop.run_until_complete(main())
    lock.unlock()
    return 0
