"""Colours and sizes. Every size derives from the screen height (designed at 1080)."""

from __future__ import annotations

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
    """Pixel sizes for a screen of the given height."""

    def __init__(self, height: int) -> None:
        self.u = height / 1080.0
        self.family = japanese_family()

    def px(self, design: float) -> int:
        return max(1, round(design * self.u))

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(self.family)
        font.setPixelSize(self.px(size))
        font.setBold(bold)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font

    # Type scale, in design pixels at 1080 lines. Body text is at least 1/36 of the height (30).
    header_school = 44
    header_date = 50
    clock = 128
    status = 28
    banner = 44
    card_title = 36
    body = 40
    meta = 30
    footer = 32
