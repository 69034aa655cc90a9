"""Put the monitor to sleep while the screen is dark, and wake it at the next on-time.

The presenter decides (`Presenter.monitor_asleep`); this module only makes the platform's call:

- Windows: the monitor power request every desktop program may broadcast (WM_SYSCOMMAND with
  SC_MONITORPOWER), sent with a timeout so a hung window cannot block the kiosk. Waking also
  resets the display idle timer and nudges the mouse by nothing, which Windows 8 and later need.
- X11: the DPMS extension through libX11/libXext (ctypes, no extra package): force the level to
  off, then back on. A server without DPMS (Xvfb, some remote desktops) or a missing library
  means no sleep, never an error. If DPMS was disabled (kiosks often run `xset -dpms` so the
  monitor stays on by day) it is enabled for the night and disabled again on waking.
- Elsewhere (Wayland, macOS, offscreen): nothing; the screen stays black.

Each call returns whether the platform took it; failures are logged once, never raised.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, Protocol

log = logging.getLogger(__name__)


class MonitorPower(Protocol):
    @property
    def name(self) -> str: ...

    def sleep(self) -> bool: ...

    def wake(self) -> bool: ...


class NoPower:
    """A platform with no monitor power call: the dark frame is all there is."""

    name = "none"

    def sleep(self) -> bool:
        return False

    def wake(self) -> bool:
        return False


# Windows (winuser.h, winbase.h)
HWND_BROADCAST = 0xFFFF
WM_SYSCOMMAND = 0x0112
SC_MONITORPOWER = 0xF170
MONITOR_OFF = 2
MONITOR_ON = -1
SMTO_ABORTIFHUNG = 0x0002
SEND_TIMEOUT_MS = 2000
MOUSEEVENTF_MOVE = 0x0001
ES_DISPLAY_REQUIRED = 0x00000002


class WindowsPower:
    """SC_MONITORPOWER through user32 (and kernel32 to reset the display idle timer). The
    libraries are passed in, so a test can hand in fakes that record the calls."""

    name = "windows"

    def __init__(self, user32: Any, kernel32: Any | None = None) -> None:
        self.user32 = user32
        self.kernel32 = kernel32

    def _broadcast(self, state: int) -> bool:
        result = ctypes.c_size_t(0)
        sent = self.user32.SendMessageTimeoutW(
            HWND_BROADCAST,
            WM_SYSCOMMAND,
            SC_MONITORPOWER,
            state,
            SMTO_ABORTIFHUNG,
            SEND_TIMEOUT_MS,
            ctypes.byref(result),
        )
        return bool(sent)

    def sleep(self) -> bool:
        return self._broadcast(MONITOR_OFF)

    def wake(self) -> bool:
        woke = self._broadcast(MONITOR_ON)
        if self.kernel32 is not None:
            self.kernel32.SetThreadExecutionState(ES_DISPLAY_REQUIRED)
        # A mouse move of nothing counts as input: Windows 8+ wakes the monitor on it.
        self.user32.mouse_event(MOUSEEVENTF_MOVE, 0, 0, 0, 0)
        return woke


# DPMS power levels (X11/extensions/dpmsconst.h)
DPMS_MODE_ON = 0
DPMS_MODE_OFF = 3


class X11Power:
    """DPMS on the X server of `display` (":0"), through its own Xlib connection."""

    name = "x11-dpms"

    def __init__(self, display: str, x11: Any, xext: Any) -> None:
        self.x11 = x11
        self.xext = xext
        self._enabled_by_us = False
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        for name in ("DPMSCapable", "DPMSEnable", "DPMSDisable"):
            getattr(xext, name).argtypes = [ctypes.c_void_p]
        xext.DPMSForceLevel.argtypes = [ctypes.c_void_p, ctypes.c_ushort]
        xext.DPMSInfo.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_ushort),
            ctypes.POINTER(ctypes.c_ubyte),
        ]
        x11.XFlush.argtypes = [ctypes.c_void_p]
        x11.XQueryExtension.argtypes = [ctypes.c_void_p, ctypes.c_char_p] + [
            ctypes.POINTER(ctypes.c_int)
        ] * 3
        self.dpy = x11.XOpenDisplay(display.encode())
        self.capable = bool(self.dpy) and self._has_dpms() and bool(xext.DPMSCapable(self.dpy))
        if not self.dpy:
            log.info("monitor sleep: cannot open X display %s", display)
        elif not self.capable:
            log.info("monitor sleep: the X server has no DPMS; the screen stays black")

    def _has_dpms(self) -> bool:
        """Asked first: libXext's own check prints a warning on a server without it."""
        opcode, event, error = ctypes.c_int(0), ctypes.c_int(0), ctypes.c_int(0)
        found = self.x11.XQueryExtension(
            self.dpy, b"DPMS", ctypes.byref(opcode), ctypes.byref(event), ctypes.byref(error)
        )
        return bool(found)

    def _enabled(self) -> bool:
        level, state = ctypes.c_ushort(0), ctypes.c_ubyte(0)
        self.xext.DPMSInfo(self.dpy, ctypes.byref(level), ctypes.byref(state))
        return bool(state.value)

    def sleep(self) -> bool:
        if not self.capable:
            return False
        if not self._enabled():
            self.xext.DPMSEnable(self.dpy)
            self._enabled_by_us = True
        self.xext.DPMSForceLevel(self.dpy, DPMS_MODE_OFF)
        self.x11.XFlush(self.dpy)
        return True

    def wake(self) -> bool:
        if not self.capable:
            return False
        self.xext.DPMSForceLevel(self.dpy, DPMS_MODE_ON)
        if self._enabled_by_us:
            self.xext.DPMSDisable(self.dpy)  # as it was: no blanking by day
            self._enabled_by_us = False
        self.x11.XFlush(self.dpy)
        return True


def _windows_libraries() -> tuple[Any, Any]:
    """user32 and kernel32 with their argument types declared: a WPARAM and an LPARAM are
    64 bits on 64-bit Windows, and -1 (monitor on) passed as a C int would not reach it."""
    from ctypes import wintypes

    win_dll = ctypes.WinDLL  # type: ignore[attr-defined,unused-ignore]
    user32, kernel32 = win_dll("user32"), win_dll("kernel32")
    send = user32.SendMessageTimeoutW
    send.argtypes = [
        wintypes.HWND,
        wintypes.UINT,
        wintypes.WPARAM,
        wintypes.LPARAM,
        wintypes.UINT,
        wintypes.UINT,
        ctypes.POINTER(ctypes.c_size_t),
    ]
    send.restype = wintypes.LPARAM
    user32.mouse_event.argtypes = [wintypes.DWORD] * 4 + [ctypes.c_size_t]
    user32.mouse_event.restype = None
    kernel32.SetThreadExecutionState.argtypes = [wintypes.DWORD]
    kernel32.SetThreadExecutionState.restype = wintypes.DWORD
    return user32, kernel32


def _load(name: str) -> Any | None:
    found = ctypes.util.find_library(name)
    if found is None:
        return None
    try:
        return ctypes.CDLL(found)
    except OSError:
        return None


def for_platform(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> MonitorPower:
    """The monitor power call this platform has, or NoPower."""
    try:
        if platform == "win32":
            return WindowsPower(*_windows_libraries())
        display = environ.get("DISPLAY", "")
        qpa = environ.get("QT_QPA_PLATFORM", "")
        if display and not qpa.startswith(("offscreen", "wayland", "minimal")):
            x11, xext = _load("X11"), _load("Xext")
            if x11 is not None and xext is not None:
                power = X11Power(display, x11, xext)
                if power.capable:
                    return power
                if power.dpy:
                    x11.XCloseDisplay(ctypes.c_void_p(power.dpy))
    except (OSError, AttributeError) as exc:
        log.info("monitor sleep not available: %s", exc)
    return NoPower()


class Deferred:
    """The platform's call, found at the first sleep or wake, not at start: finding it opens
    libX11 and the display, which the first frame need not wait for."""

    def __init__(self, find: Callable[[], MonitorPower] = lambda: for_platform()) -> None:
        self._find = find
        self._power: MonitorPower | None = None

    def _found(self) -> MonitorPower:
        if self._power is None:
            self._power = self._find()
        return self._power

    @property
    def name(self) -> str:
        return self._found().name

    def sleep(self) -> bool:
        return self._found().sleep()

    def wake(self) -> bool:
        return self._found().wake()
