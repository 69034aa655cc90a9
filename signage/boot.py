"""A kiosk whose config is broken or missing at boot: what the monitor says, and when to start.

The staff-room monitor must never fall back to the desktop. Instead of exiting, `signage run`
shows full screen what is wrong and where (file and line, in Japanese), looks at the file
every few seconds, and starts the kiosk as soon as the file loads. Qt-free: this decides, the
painter (signage.ui.broken) only draws a `Problem`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from signage.errors import ConfigError
from signage.messages import screen

POLL_SECONDS = 3.0  # how often the file is looked at while it is broken
MAX_LINES = 8  # problems listed on screen (the rest: "ほか N 件")

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """What the monitor shows: a title, where the file is, each problem with its line."""

    title: str
    file: str
    lines: tuple[str, ...]
    hint: str


def problem_of(path: Path | str, error: ConfigError) -> Problem:
    """The screen for `error` raised loading `path` (issues with file, line, key, message)."""
    issues = [i for i in error.issues if getattr(i, "severity", "error") == "error"]
    missing = not issues and not Path(str(path)).exists() if not _is_url(path) else False
    lines: list[str] = []
    for issue in issues[:MAX_LINES]:
        line, key = getattr(issue, "line", 0), getattr(issue, "key", "")
        message = getattr(issue, "message", str(issue))
        if key == "(file)":  # the file itself: no line to point at
            lines.append(message)
            continue
        shown_key = "" if key.startswith("(") else key  # "(syntax)": the line says it
        where = screen("boot_line", line=line, key=shown_key).strip() if line else shown_key
        lines.append(f"{where}: {message}" if where else message)
    if len(issues) > MAX_LINES:
        lines.append(screen("more_items", count=len(issues) - MAX_LINES))
    if not lines:  # a reason without issues: the first line of the error
        lines.append(str(error).splitlines()[0] if str(error) else "")
    if any(getattr(i, "key", "") == "(file)" for i in issues) or missing:
        return Problem(screen("boot_missing"), str(path), tuple(lines), screen("boot_hint_missing"))
    title = screen("boot_broken", count=len(issues) or 1)
    return Problem(title, str(path), tuple(lines), screen("boot_hint"))


def _is_url(path: Path | str) -> bool:
    return str(path).startswith(("http://", "https://"))


class Waiter(Generic[T]):
    """Tries `load` again whenever the file changes (its size or time, or it appears): the
    kiosk starts with what `load` returns, or the screen shows the new problem."""

    def __init__(self, path: Path | str, load: Callable[[], T], problem: Problem) -> None:
        self.path = path
        self.load = load
        self.problem = problem
        self._seen = self._signature()

    def _signature(self) -> tuple[int, int] | None:
        if _is_url(self.path):
            return None
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def poll(self) -> T | None:
        """What to start with once the file loads; None while it stays broken (a URL, a
        layered config's base, is tried every time: its server may have been fixed)."""
        now = self._signature()
        if now == self._seen and not _is_url(self.path) and now is not None:
            return None
        if now is None and not _is_url(self.path) and self._seen is None:
            return None  # still missing
        self._seen = now
        try:
            return self.load()
        except ConfigError as error:
            self.problem = problem_of(self.path, error)
            return None
