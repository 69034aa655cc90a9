"""The kiosk's process: how long ago it started (for the first-frame line that start-up is
measured by), the garbage collector's tuning for a long run, and the C heap kept small: few
arenas, free pages given back. Qt-free."""

from __future__ import annotations

import ctypes
import functools
import gc
import logging
import os
import sys
import time

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


# glibc's mallopt parameter for the number of heaps ("arenas") threads may spread over.
M_ARENA_MAX = -8
MALLOC_ARENAS = 2  # the UI thread's, and one that every other thread shares


def limit_malloc_arenas() -> None:
    """Before any thread starts: at most two C heaps. glibc gives threads heaps of their own
    (up to eight per core), and the kiosk starts a thread for every parse, a few every
    refresh: each heap keeps what its threads freed (a simulated week grew 4.8 MB, 3.8 MB with
    two heaps: bench/memory.py --part week). The threads that allocate hold Python's GIL
    anyway, so they would wait for each other regardless."""
    mallopt = _glibc("mallopt", ctypes.c_int, ctypes.c_int)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def release_memory() -> None:
    """Give the C heap's free pages back to the system. glibc keeps what a 4K repaint or a
    big parse freed (the heap's top only shrinks when its very end is free), so a kiosk's
    resident memory would stay at its highest; `malloc_trim` returns every free page, in
    about a millisecond. Elsewhere (Windows, macOS) there is no such call: nothing is done."""
    trim = _glibc("malloc_trim", ctypes.c_size_t)
    if trim is not None:
        trim(0)


@functools.cache
def _glibc(name: str, *argtypes: type) -> ctypes._NamedFuncPointer | None:
    """glibc's function `name` (returning int), or None off Linux or under another libc."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: ctypes._NamedFuncPointer = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):  # musl has neither
        return None
    function.argtypes = list(argtypes)
    function.restype = ctypes.c_int
    return function


def report_first_frame() -> None:
    """One line, to stderr and the log, when the first frame with data is on screen."""
    seconds, how = since_process_start()
    since = "process start" if how == "os" else "start-up (approximate)"
    log.info("first-frame %d ms after %s", round(seconds * 1000), since)
