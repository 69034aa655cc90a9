"""The kiosk says, once, how long after its process started the first frame with data was
painted (`first-frame N ms`), on stderr and in its log, so start-up can be measured from
outside (bench/startup.py reads it)."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.procs import spawn_options, stop, temp_env

FIRST_FRAME = re.compile(r"first-frame (\d+) ms")


def test_the_kiosk_reports_its_first_frame_with_data_once(tmp_path: Path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        **temp_env(str(tmp_path)),  # where the per-screen lock lives
        SIGNAGE_LOG_DIR=str(tmp_path / "logs"),
    )
    started = time.monotonic()
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "signage", "run", "--demo"],
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **spawn_options(),
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert kiosk.stderr is not None
        for line in kiosk.stderr:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = started + 30
        while not any(FIRST_FRAME.search(line) for line in seen):
            assert time.monotonic() < deadline, "no first-frame line:\n" + "".join(seen)
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                assert kiosk.poll() is None, "the kiosk stopped:\n" + "".join(seen)
        outside_ms = (time.monotonic() - started) * 1000
        time.sleep(2.5)  # more frames are painted (ticks, a rebuild): no second line
    finally:
        stop(kiosk)
        assert kiosk.wait(timeout=15) == 0
        reader.join(timeout=5)
    while not lines.empty():
        seen.append(lines.get())
    reports = [m for line in seen if (m := FIRST_FRAME.search(line))]
    assert len(reports) == 1, seen
    ms = int(reports[0].group(1))
    # Counted from the process start the OS recorded: after Python and Qt started, and no
    # later than the moment the line was read here (the OS counts in 10 ms ticks).
    assert 50 <= ms <= outside_ms + 50, (ms, outside_ms)
    logged = (tmp_path / "logs" / "signage.log").read_text(encoding="utf-8")
    assert len(FIRST_FRAME.findall(logged)) == 1
    assert "Traceback" not in "".join(seen)


def test_the_process_age_comes_from_the_os():
    from signage.process import since_process_start

    seconds, how = since_process_start()
    if sys.platform.startswith("linux"):
        assert how == "os"
    # this test process has been running for a while, but not for a day
    assert 0.05 < seconds < 24 * 3600
