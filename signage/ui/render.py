"""Paint panels into PNG files: the admin's preview and the tests' eyes.

The preview is the monitor: what the presenter decides for that moment is what is written, the
dark frame when the screen is off, and every page of a board that has several.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication

from signage.config import PanelConfig
from signage.panels import panel_kind
from signage.presenter import Dark, Frame
from signage.ui.dark import paint_dark
from signage.ui.screen import notice_pages, paint_screen
from signage.view import View

# A preview writes at most this many pages of one panel: a board of 300 notices would be 75
# files, and the first pages show how it looks (the rest are the same layout).
MAX_PAGE_FILES = 20
DARK_FILE = "00-dark.png"


def ensure_gui() -> QGuiApplication:
    """A Qt application (a widgets one, so the setup's forms can follow in the same process:
    its preview, the tests); offscreen when there is no display (servers, CI)."""
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    assert isinstance(app, QGuiApplication)
    return app


def render_image(view: View, frame: Frame, width: int, height: int) -> QImage:
    ensure_gui()
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        paint_screen(painter, width, height, view, frame)
    finally:
        painter.end()
    return image


def _save(image: QImage, path: Path) -> Path:
    if not image.save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def page_count(view: View, kind: str, width: int, height: int) -> int:
    """How many pages the panel has on this view at this size (the board may have several)."""
    if not panel_kind(kind).paged:
        return 1
    ensure_gui()
    return notice_pages(width, height, view)


def render_panels(
    view: View,
    panels: Sequence[PanelConfig],
    width: int,
    height: int,
    out: Path,
    max_pages: int = MAX_PAGE_FILES,
) -> list[Path]:
    """One PNG per configured panel (01-today.png, …), empty ones included for preview; a
    panel of several pages writes each (03-notices.png, 03-notices-2.png, …, at most
    `max_pages`)."""
    out.mkdir(parents=True, exist_ok=True)
    kinds = [p.kind for p in panels]
    written = []
    for number, panel in enumerate(panels, start=1):
        pages = page_count(view, panel.kind, width, height)
        for page in range(min(pages, max_pages)):
            frame = Frame(
                panel.kind, 0.0, kinds, frozenset(view.available()), page=page, pages=pages
            )
            suffix = f"-{page + 1}" if page else ""
            path = out / f"{number:02d}-{panel.kind}{suffix}.png"
            written.append(_save(render_image(view, frame, width, height), path))
    return written


def render_dark(dark: Dark | None, now: datetime, width: int, height: int, out: Path) -> Path:
    """The frame the monitor shows while the display schedule has it off (00-dark.png)."""
    ensure_gui()
    out.mkdir(parents=True, exist_ok=True)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        paint_dark(painter, width, height, dark, now)
    finally:
        painter.end()
    return _save(image, out / DARK_FILE)
