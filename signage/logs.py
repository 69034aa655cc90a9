"""Logging: stderr when there is one, and for the kiosk a rotating file in the platform's log
folder. An uncaught exception is logged, never shown on screen."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("signage")
_ours: list[logging.Handler] = []  # so a second setup (tests call main() often) replaces them


def log_dir() -> Path:
    """$SIGNAGE_LOG_DIR, else the platform's place for an application's logs."""
    if explicit := os.environ.get("SIGNAGE_LOG_DIR"):
        return Path(explicit)
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "signage" / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "signage"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "signage"


def setup(level: int, to_file: bool) -> Path | None:
    """Configure the root logger; returns the log file when one is written."""
    root = logging.getLogger()
    for old in _ours:
        root.removeHandler(old)
        old.close()
    _ours.clear()
    root.setLevel(level)
    formatter = logging.Formatter(FORMAT)
    if sys.stderr is not None:  # a windowed Windows executable has none
        stream = logging.StreamHandler()
        stream.setFormatter(formatter)
        root.addHandler(stream)
        _ours.append(stream)
    if not to_file:
        return None
    path = log_dir() / "signage.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc)
        return None
    handler.setFormatter(formatter)
    root.addHandler(handler)
    _ours.append(handler)
    install_excepthooks()
    return path


def install_excepthooks() -> None:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.critical("uncaught exception", exc_info=(kind, value, tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
