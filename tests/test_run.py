"""`signage run` as a process: it starts, refuses a second instance, and stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.procs import spawn_options, stop, temp_env


def test_run_refuses_a_second_instance_and_stops_cleanly_on_sigterm(tmp_path: Path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        **temp_env(str(tmp_path)),  # where the per-screen lock lives
        SIGNAGE_LOG_DIR=str(tmp_path / "logs"),
    )
    command = [sys.executable, "-m", "signage", "run", "--demo"]
    first = subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, text=True, encoding="utf-8", **spawn_options()
    )
    try:
        log = tmp_path / "logs" / "signage.log"
        deadline = time.monotonic() + 20
        while not (log.exists() and "sources, config" in log.read_text(encoding="utf-8")):
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            assert time.monotonic() < deadline, "the kiosk did not start"
            time.sleep(0.1)
        second = subprocess.run(
            command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=30
        )
        assert second.returncode == 2
        assert "already running on screen 0" in second.stderr
        assert first.poll() is None  # the first one is untouched
    finally:
        stop(first)
        assert first.wait(timeout=15) == 0
    assert "Traceback" not in (first.stderr.read() if first.stderr else "")
