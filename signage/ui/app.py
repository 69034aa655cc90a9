"""Show a kiosk: the Qt application, the qasync loop, the window on its screen, and quitting
on Ctrl+Q or SIGTERM. The kiosk itself (HTTP client, pollers, the screen's lock) is handed in
(`signage.kiosk`), so nothing here fetches."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import PySide6  # noqa: F401  (import before qasync so it picks PySide6)
import qasync
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from signage.presenter import Core
from signage.ui.window import KioskWindow

log = logging.getLogger(__name__)
_IMPORTED = time.monotonic()  # the last resort for "process start"


def since_process_start() -> tuple[float, str]:
    """Seconds since this process started, and how that was found: from the OS where it
    says (Linux /proc, Windows, psutil), else from when this module was imported."""
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/self/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            ticks = int(fields[19])  # field 22, starttime: clock ticks after boot
            return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK"), "os"
        if sys.platform == "win32":
            return _windows_process_age(), "os"
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil  # type: ignore[import-not-found, import-untyped, unused-ignore]

        return time.time() - psutil.Process().create_time(), "os"
    except Exception:  # not installed, or no answer on this system
        return time.monotonic() - _IMPORTED, "import"


def _windows_process_age() -> float:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined, unused-ignore]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    filetime = ctypes.POINTER(wintypes.FILETIME)
    kernel32.GetProcessTimes.argtypes = [wintypes.HANDLE] + [filetime] * 4
    kernel32.GetProcessTimes.restype = wintypes.BOOL
    kernel32.GetSystemTimePreciseAsFileTime.argtypes = [filetime]
    times = [wintypes.FILETIME() for _ in range(5)]
    refs = [ctypes.byref(t) for t in times]
    if not kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), *refs[:4]):
        raise OSError("GetProcessTimes failed")
    kernel32.GetSystemTimePreciseAsFileTime(refs[4])

    def ticks(ft: wintypes.FILETIME) -> int:  # 100 ns since 1601
        return (ft.dwHighDateTime << 32) | ft.dwLowDateTime

    return (ticks(times[4]) - ticks(times[0])) / 1e7


def tune_process() -> None:
    """Once started, tune the garbage collector for a long-running kiosk whose feeds may be
    big. A full collection stops every thread, the UI thread too, for as long as it takes to
    walk every object; while a feed of years of events is parsed that is some 30 ms.

    - What is there now (modules, Qt, the config: some 40,000 objects) stays for the life of
      the kiosk: frozen, the collector no longer walks it (about 10 ms off every full
      collection). Nothing is garbage yet, so no collection first: that would only delay
      the first frame.
    - A full collection is considered after 100 collections of the middle generation, not 10:
      a big parse sets off fewer of them (longest stall with a 10,000-event feed: median
      41 → 35 ms). Cycles are still collected; what reference counting frees (nearly
      everything) is freed at once as before.
    """
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)


def report_first_frame() -> None:
    """One line, to stderr and the log, when the first frame with data is on screen."""
    seconds, how = since_process_start()
    since = "process start" if how == "os" else "start-up (approximate)"
    log.info("first-frame %d ms after %s", round(seconds * 1000), since)


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


class Kiosk(Protocol):
    """What the screen needs of a running kiosk (`signage.kiosk.Kiosk`)."""

    screen: int
    notes: tuple[str, ...]

    @property
    def runtime(self) -> Core: ...

    def on_change(self, listener: Callable[[Core, str | None], None]) -> None: ...

    def run(self, stop: Awaitable[None]) -> Awaitable[None]: ...


def run_kiosk(kiosk: Kiosk, windowed: bool) -> int:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setApplicationName("signage")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = KioskWindow(kiosk.runtime, kiosk.notes)
    window.on_first_data_frame = report_first_frame
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
    signal.signal(signal.SIGTERM, lambda *_: loop.call_soon_threadsafe(on_quit))
    with loop:
        loop.run_until_complete(kiosk.run(quit_future))
    return 0
