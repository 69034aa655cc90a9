"""Drawing helpers. Text is always laid out as plain text: markup from feeds shows literally.

Line breaking is cached: the same text in the same font and width breaks the same way, so a
panel shown again (every rotation) or a clock repaint does not lay its text out again.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QTextLayout,
    QTextOption,
)

from signage.ui import theme

WRAP_CACHE_SIZE = 1024  # a rotation of a full screen needs some 400; the oldest make way


def wrap(text: str, font: QFont, width: float, max_lines: int = 0) -> list[str]:
    """Lines of `text` at `width`; past `max_lines` (0 = no limit) the last line ends in …."""
    return list(_wrapped(text, QFont(font), width, max_lines))  # a copy: the key stays put


@lru_cache(maxsize=WRAP_CACHE_SIZE)
def _wrapped(text: str, font: QFont, width: float, max_lines: int) -> tuple[str, ...]:
    return tuple(_wrap(text, font, width, max_lines))


def _wrap(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        layout = QTextLayout(paragraph, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start = line.textStart()
            lines.append(paragraph[start : start + line.textLength()].rstrip())
        layout.endLayout()
    if max_lines and len(lines) > max_lines:
        rest = "".join(lines[max_lines - 1 :])
        metrics = QFontMetricsF(font)
        lines = lines[: max_lines - 1] + [
            metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
        ]
        if not lines[-1].endswith("…"):
            lines[-1] = lines[-1][:-1] + "…"
    return lines


def line_height(font: QFont) -> float:
    return QFontMetricsF(font).height() * 1.08


def text_block(
    painter: QPainter,
    x: float,
    y: float,
    width: float,
    text: str,
    font: QFont,
    color: QColor,
    max_lines: int = 1,
    align_right: bool = False,
) -> float:
    """Draw wrapped text from the top-left corner; returns the height used."""
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(color)
    step = line_height(font)
    lines = wrap(text, font, width, max_lines)
    for i, line in enumerate(lines):
        dx = width - metrics.horizontalAdvance(line) if align_right else 0.0
        painter.drawText(QPointF(x + dx, y + i * step + metrics.ascent()), line)
    return step * len(lines)


def text_height(text: str, font: QFont, width: float, max_lines: int = 1) -> float:
    return line_height(font) * len(wrap(text, font, width, max_lines))


def text_width(text: str, font: QFont) -> float:
    return QFontMetricsF(font).horizontalAdvance(text)


def card(painter: QPainter, rect: QRectF, radius: float) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.CARD)
    painter.drawRoundedRect(rect, radius, radius)


def chip(
    painter: QPainter,
    x: float,
    y: float,
    text: str,
    font: QFont,
    color: QColor,
    filled: bool,
    pad: float,
    right: bool = False,
    ink: QColor | None = None,
) -> float:
    """A small labelled box (いま, 終日, 至急…); returns its width. `right`: x is the right edge."""
    metrics = QFontMetricsF(font)
    w = metrics.horizontalAdvance(text) + 2 * pad
    h = metrics.height() + pad * 0.6
    left = x - w if right else x
    rect = QRectF(left, y, w, h)
    painter.setPen(QPen(color, max(1.0, pad / 5)))  # a fresh pen: never "no pen" left by others
    painter.setBrush(color if filled else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect, pad / 2, pad / 2)
    painter.setFont(font)
    painter.setPen(ink or (theme.BG if filled else color))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return w


def hline(painter: QPainter, x1: float, x2: float, y: float, width: float) -> None:
    painter.setPen(QPen(theme.LINE, width))
    painter.drawLine(QPointF(x1, y), QPointF(x2, y))
