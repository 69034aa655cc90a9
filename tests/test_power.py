"""The monitor sleeps while the screen is dark and wakes at the next on-time: the presenter's
decision, the window's calls (a fake platform), the Windows request (a fake user32), and the
X11 path on a real X server without DPMS (Xvfb), which must not crash."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, time

import pytest

from signage.clock import FixedClock
from signage.config import Schedule
from signage.presenter import Presenter
from signage.runtime import Runtime
from signage.ui import power
from signage.ui.power import NoPower, WindowsPower, X11Power, for_platform
from tests.moments import TOKYO
from tests.school import FakeMonotonic, school_runtime

HOURS = Schedule(on=time(7, 0), off=time(19, 0), days=(0, 1, 2, 3, 4), holidays=True)


def dark_school(sleep: bool = True) -> tuple[Runtime, FakeMonotonic, FixedClock]:
    """The small school, its screen on 7:00–19:00 on weekdays."""
    runtime, clock = school_runtime(schedule=HOURS)
    display = replace(runtime.config.display, sleep=sleep)
    config = replace(runtime.config, display=display)
    return Runtime(config, clock, runtime.sources, runtime.store), FakeMonotonic(), clock


def test_the_presenter_says_sleep_while_dark_and_wake_at_the_on_time():
    runtime, mono, clock = dark_school()
    presenter = Presenter(runtime, monotonic=mono)
    assert not presenter.monitor_asleep  # Tuesday 9:18
    clock.set(datetime(2026, 11, 24, 19, 0, tzinfo=TOKYO))
    presenter.tick()
    assert presenter.monitor_asleep
    assert presenter.dark is not None and presenter.dark.reason == "時間外"
    assert presenter.dark.until == datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO)
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    presenter.tick()
    assert not presenter.monitor_asleep and presenter.dark is None


def test_sleep_false_keeps_the_monitor_awake_with_a_black_screen():
    runtime, mono, clock = dark_school(sleep=False)
    clock.set(datetime(2026, 11, 24, 22, 0, tzinfo=TOKYO))
    presenter = Presenter(runtime, monotonic=mono)
    assert not presenter.screen_on and not presenter.monitor_asleep


def test_the_config_key_reads_and_defaults_to_sleeping(tmp_path):
    from signage.config import load_config

    path = tmp_path / "signage.toml"
    path.write_text('[school]\nname = "テスト小"\n', encoding="utf-8")
    assert load_config(path).display.sleep is True
    path.write_text('[school]\nname = "テスト小"\n[display]\nsleep = false\n', encoding="utf-8")
    assert load_config(path).display.sleep is False


class FakePower:
    name = "fake"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def sleep(self) -> bool:
        self.calls.append("sleep")
        return True

    def wake(self) -> bool:
        self.calls.append("wake")
        return True


def test_the_window_sleeps_the_monitor_after_the_dark_frame_and_wakes_it(qtbot, monkeypatch):
    from signage.ui import window as window_module
    from signage.ui.window import RESLEEP_SECONDS, KioskWindow

    monkeypatch.setattr(window_module, "SLEEP_DELAY_MS", 10)
    runtime, mono, clock = dark_school()
    fake = FakePower()
    window = KioskWindow(runtime, monotonic=mono, power=fake)
    window.timer.stop()
    window.resize(640, 360)
    window.show()
    window.tick()
    qtbot.wait(50)
    assert fake.calls == []  # lit: nothing asked
    clock.set(datetime(2026, 11, 24, 19, 0, tzinfo=TOKYO))
    window.tick()
    qtbot.waitUntil(lambda: fake.calls == ["sleep"], timeout=2000)
    for _ in range(5):  # each second of the night: asked once, not again
        mono.t += 1
        window.tick()
    qtbot.wait(50)
    assert fake.calls == ["sleep"]
    mono.t += RESLEEP_SECONDS  # woken by a bumped mouse? asleep again after a while
    window.tick()
    qtbot.waitUntil(lambda: fake.calls == ["sleep", "sleep"], timeout=2000)
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    window.tick()
    assert fake.calls == ["sleep", "sleep", "wake"]
    assert window.presenter.screen_on


def test_a_dark_screen_that_comes_on_before_the_delay_never_sleeps(qtbot, monkeypatch):
    from signage.ui import window as window_module
    from signage.ui.window import KioskWindow

    monkeypatch.setattr(window_module, "SLEEP_DELAY_MS", 100)
    runtime, mono, clock = dark_school()
    fake = FakePower()
    window = KioskWindow(runtime, monotonic=mono, power=fake)
    window.timer.stop()
    clock.set(datetime(2026, 11, 24, 19, 0, tzinfo=TOKYO))
    window.tick()
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    window.tick()
    qtbot.wait(200)
    assert "sleep" not in fake.calls


class FakeUser32:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def SendMessageTimeoutW(self, *args: object) -> int:  # noqa: N802 (the Windows name)
        self.calls.append(("SendMessageTimeoutW", *args[:6]))
        return 1

    def mouse_event(self, *args: object) -> None:
        self.calls.append(("mouse_event", *args))


class FakeKernel32:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def SetThreadExecutionState(self, flags: int) -> int:  # noqa: N802
        self.calls.append(("SetThreadExecutionState", flags))
        return 0


def test_windows_broadcasts_the_monitor_power_request():
    user32, kernel32 = FakeUser32(), FakeKernel32()
    windows = WindowsPower(user32, kernel32)
    assert windows.sleep() is True
    assert user32.calls == [("SendMessageTimeoutW", 0xFFFF, 0x0112, 0xF170, 2, 0x0002, 2000)]
    user32.calls.clear()
    assert windows.wake() is True
    assert user32.calls == [
        ("SendMessageTimeoutW", 0xFFFF, 0x0112, 0xF170, -1, 0x0002, 2000),
        ("mouse_event", 0x0001, 0, 0, 0, 0),  # Windows 8+ wakes on input
    ]
    assert kernel32.calls == [("SetThreadExecutionState", 0x2)]


def test_platforms_without_a_call_get_none():
    assert isinstance(for_platform("darwin", {}), NoPower)
    assert isinstance(for_platform("linux", {}), NoPower)  # no X display
    assert isinstance(for_platform("linux", {"WAYLAND_DISPLAY": "wayland-0"}), NoPower)
    offscreen = {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}
    assert isinstance(for_platform("linux", offscreen), NoPower)
    if sys.platform != "win32":  # no windll here: no crash, no sleep
        assert isinstance(for_platform("win32", {}), NoPower)
    assert NoPower().sleep() is False and NoPower().wake() is False


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A real X server without DPMS (Xvfb has no such extension)."""
    if sys.platform != "linux" or shutil.which("Xvfb") is None:
        pytest.skip("needs Xvfb")
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "320x240x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        number = proc.stdout.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_x11_without_dpms_does_not_crash_and_does_not_sleep(xvfb: str):
    x11, xext = power._load("X11"), power._load("Xext")
    if x11 is None or xext is None:
        pytest.skip("needs libX11 and libXext")
    direct = X11Power(xvfb, x11, xext)
    assert direct.dpy and not direct.capable
    assert direct.sleep() is False and direct.wake() is False
    assert isinstance(for_platform("linux", {"DISPLAY": xvfb}), NoPower)
    assert isinstance(for_platform("linux", {"DISPLAY": ":4242"}), NoPower)  # no such server


def test_the_platform_call_is_found_at_the_first_sleep_not_at_start() -> None:
    found: list[str] = []

    class Fake:
        name = "fake"

        def sleep(self) -> bool:
            return True

        def wake(self) -> bool:
            return True

    def find() -> Fake:
        found.append("now")
        return Fake()

    deferred = power.Deferred(find)
    assert found == []
    assert deferred.sleep() and deferred.wake() and deferred.name == "fake"
    assert found == ["now"]  # once
