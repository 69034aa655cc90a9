"""Colours and sizes. Every size derives from the screen's short side (designed at 1080), so a
portrait 1080×1920 monitor shows type as large as the same monitor in landscape."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QFont

from signage.ui.fonts import japanese_family

# Okabe–Ito accents on deep navy: readable for colour-blind viewers, never the only signal.
BG = QColor("#0d1726")
CARD = QColor("#162438")
LINE = QColor("#2a3b55")
TEXT = QColor("#f6f2ea")
MUTED = QColor("#a9b6c8")
DIM = QColor("#6f7d92")
ORANGE = QColor("#E69F00")
SKY = QColor("#56B4E9")
GREEN = QColor("#009E73")
VERMILLION = QColor("#D55E00")
YELLOW = QColor("#F0E442")
NOW_FILL = QColor(230, 159, 0, 46)


class Metrics:
    """Pixel sizes for a screen of the given height (and width: the shorter side counts)."""

    def __init__(self, height: int, width: int | None = None) -> None:
        self.u = min(height, width or height) / 1080.0
        self.family = japanese_family()

    def px(self, design: float) -> int:
        return max(1, round(design * self.u))

    def font(self, size: float, bold: bool = False) -> QFont:
        """A copy (callers may change it) of the one font made for this size: a paint asks
        for some thousand fonts, most of them the same few."""
        return QFont(_font(self.family, self.px(size), bold))

    # Type scale, in design pixels at 1080 lines. Nothing a teacher reads is under `MIN_TEXT`:
    # at 32 px a digit's ink is 28 px tall, about 21 mm on a 65-inch monitor, legible at 4 m
    # (tests/test_legible.py measures what the panels paint).
    header_school = 44
    header_date = 50
    clock = 128
    status = 32
    banner = 44
    card_title = 36
    body = 40
    meta = 32
    footer = 32


def forget_fonts() -> None:
    """Drop the QFonts made so far (with them, Qt's hold on their engines)."""
    _font.cache_clear()


@lru_cache(maxsize=256)
def _font(family: str, pixels: int, bold: bool) -> QFont:
    font = QFont(family)
    font.setPixelSize(pixels)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


MIN_TEXT = 32  # design px; the smallest type on screen
INK_MIN = 28  # px at 1080 lines: the least ink height of a digit or a kanji a teacher must read
