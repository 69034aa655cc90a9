"""The config a command runs with, as the command line loaded it (a module of its own, so
that the kiosk core takes it without importing the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from signage.config import Config


@dataclass(frozen=True)
class Loaded:
    config: Config
    notes: tuple[str, ...] = ()  # shown on screen (the demo banner)
    cache_dir: Path | None = None  # last good copies on disk; none for the demo
