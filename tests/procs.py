"""Starting and stopping a kiosk subprocess the same way on Linux and Windows.

Windows has no SIGTERM to send (Popen.send_signal(SIGTERM) kills outright): a graceful stop
there is a CTRL_BREAK_EVENT to the child's own process group, which Python reads as SIGBREAK
(signage.ui.app.STOP_SIGNALS)."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

WINDOWS = sys.platform.startswith("win")


def spawn_options() -> dict[str, Any]:
    """Popen keywords so `stop` can reach the child (and only the child)."""
    if WINDOWS:
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
    return {}


def stop(process: subprocess.Popen[Any]) -> None:
    """Ask the kiosk to end as systemd or a logoff would: SIGTERM, or CTRL_BREAK on Windows."""
    if WINDOWS:
        process.send_signal(signal.CTRL_BREAK_EVENT)  # type: ignore[attr-defined]
    else:
        process.send_signal(signal.SIGTERM)


def temp_env(folder: str) -> dict[str, str]:
    """The variables that choose tempfile's folder, on every platform (the per-screen lock)."""
    return {"TMPDIR": folder, "TEMP": folder, "TMP": folder}
