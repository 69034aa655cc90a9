"""The kiosk core without Qt: one kiosk per screen (a crash's lock is taken over), a clean
stop, and a ui that imports none of the fetching code."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from signage.clock import SystemClock
from signage.config import Config
from signage.kiosk import AlreadyRunning, Kiosk, lock_path
from signage.loaded import Loaded

HOLD = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def tmp_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def hold(path: Path) -> subprocess.Popen[str]:
    """Another process that holds the lock until it is killed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def stop_at_once(kiosk: Kiosk) -> None:
    async def go() -> None:
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        await kiosk.run(done)

    asyncio.run(go())


def test_one_kiosk_per_screen_and_a_crashed_ones_lock_is_taken_over(tmp_temp: Path):
    loaded = Loaded(Config())
    assert lock_path(1).parent == tmp_temp
    holder = hold(lock_path(1))
    try:
        with pytest.raises(AlreadyRunning, match="already running on screen 1"):
            Kiosk(loaded, SystemClock(), screen=1)
        kiosk = Kiosk(loaded, SystemClock(), screen=2)  # another screen is free
        stop_at_once(kiosk)
    finally:
        holder.kill()  # a crash (SIGKILL, TerminateProcess): no unlock, the file stays
        holder.wait(timeout=10)
    assert lock_path(1).exists()
    kiosk = Kiosk(loaded, SystemClock(), screen=1)
    stop_at_once(kiosk)  # the screen is let go at the end of the run
    again = Kiosk(loaded, SystemClock(), screen=1)
    stop_at_once(again)


def test_the_screen_comes_from_the_config_unless_given(tmp_temp: Path):
    kiosk = Kiosk(Loaded(Config(), ("デモ表示中",)), SystemClock())
    assert kiosk.screen == Config().display.screen
    assert kiosk.notes == ("デモ表示中",)
    seen = []
    kiosk.on_change(lambda runtime, error: seen.append((runtime, error)))
    kiosk.start().on_change(kiosk.runtime)  # the HTTP client and the pollers: made here
    assert seen == [(kiosk.runtime, None)]
    stop_at_once(kiosk)


def test_the_ui_imports_no_fetching_code():
    code = (
        "import sys, signage.ui.app, signage.ui.render;"
        "from signage.panels import PANELS; from signage.ui.panels import painter;"
        "[painter(kind.name) for kind in PANELS];"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'httpx' or m in ("
        "'signage.sources', 'signage.poller', 'signage.supervisor', 'signage.network',"
        "'signage.central', 'signage.cli', 'signage.kiosk')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.stdout.strip() == "[]"
