"""The application icon (assets/signage.png, drawn by scripts/make-icon.py) for the window and
the taskbar: beside the sources in a checkout, in the bundle's assets/ when frozen."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

NAME = "signage.png"  # 256 px; not the SVG: the bundle leaves out Qt's SVG icon engine


def icon_files() -> list[Path]:
    """The icon files found, best first (none in a plain wheel install: Qt's default then)."""
    folders = [Path(__file__).resolve().parents[2] / "assets"]
    if getattr(sys, "frozen", False):
        folders.insert(0, Path(getattr(sys, "_MEIPASS", ".")) / "assets")
    return [folder / NAME for folder in folders if (folder / NAME).is_file()]


def app_icon() -> QIcon:
    """The icon, with every file found as a candidate (an empty icon when there is none)."""
    icon = QIcon()
    for path in icon_files():
        icon.addFile(str(path))
    return icon
