"""The dark screen: black, with one dim line saying why and when the signage comes back, so a
teacher who finds the monitor dark knows it is asleep, not broken. Where the platform can put
the monitor to sleep (`signage.ui.power`) nobody sees even that.

The line is small and dim, and moves every few minutes across the screen: a weekend of the same
pixels would mark a panel.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from signage.presenter import Dark, dark_lines
from signage.ui.draw import line_height, text_width
from signage.ui.theme import Metrics

INK = QColor("#3b4250")  # readable from a step away on black, nothing from across the room
MOVE_MINUTES = 10
# Where the line sits in turn (its centre, as fractions of the width and height).
PLACES = ((0.5, 0.5), (0.3, 0.25), (0.7, 0.75), (0.35, 0.7), (0.65, 0.3), (0.5, 0.85))


def dark_place(now: datetime) -> tuple[float, float]:
    """The line's place at `now`: the same for MOVE_MINUTES, then the next."""
    return PLACES[int(now.timestamp() // (MOVE_MINUTES * 60)) % len(PLACES)]


def paint_dark(
    painter: QPainter, width: int, height: int, dark: Dark | None, now: datetime
) -> None:
    painter.fillRect(QRectF(0, 0, width, height), Qt.GlobalColor.black)
    if dark is None:
        return
    m = Metrics(min(height, width))  # a portrait screen: sized by its width
    font = m.font(m.status)
    lines = dark_lines(dark, now)
    margin = m.px(20)
    w = min(max(text_width(line, font) for line in lines), width - 2 * margin)
    step = line_height(font) * 1.3
    h = step * len(lines)
    fx, fy = dark_place(now)
    x = min(max(width * fx - w / 2, margin), width - w - margin)
    y = min(max(height * fy - h / 2, 0.0), height - h)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(INK)
    for number, line in enumerate(lines):
        box = QRectF(x, y + number * step, w, step)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextSingleLine, line)
