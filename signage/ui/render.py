"""Paint panels into PNG files: the admin's preview and the tests' eyes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication

from signage.config import PanelConfig
from signage.presenter import Frame
from signage.ui.screen import paint_screen
from signage.view import View


def ensure_gui() -> QGuiApplication:
    """A Qt application (a widgets one, so a window can follow in the same process);
    offscreen when there is no display (servers, CI)."""
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


def render_panels(
    view: View, panels: Sequence[PanelConfig], width: int, height: int, out: Path
) -> list[Path]:
    """One PNG per configured panel (01-today.png, …), empty ones included for preview."""
    out.mkdir(parents=True, exist_ok=True)
    kinds = [p.kind for p in panels]
    written = []
    for number, panel in enumerate(panels, start=1):
        frame = Frame(panel.kind, 0.0, kinds, frozenset(view.available()))
        path = out / f"{number:02d}-{panel.kind}.png"
        if not render_image(view, frame, width, height).save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written
