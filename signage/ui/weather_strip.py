"""The weather strip: 警報・危険警報・特別警報 in force and the heat alert, on every panel.

Painted in the colours JMA's own warning map uses (警報 red, 危険警報 purple, 特別警報 black), so
staff read the grade before the words; the strip takes the colour of the gravest, and each
warning carries a swatch of its own. The heat alert is a chip of its own at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from signage.messages import screen
from signage.model import WeatherWarning
from signage.ui import theme
from signage.ui.draw import chip, line_height, text_block, text_width
from signage.ui.theme import Metrics
from signage.view import Banner, WeatherView

# JMA's colours for the grades (bosai map legend), and the Ministry's for 厳重警戒 / 危険 heat.
# By grade (WeatherWarning.grade): 注意報 yellow, 警報 red, 危険警報 purple, 特別警報 black.
GRADE_COLORS = (QColor("#F2E700"), QColor("#FF2800"), QColor("#AA00AA"), QColor("#0C000C"))
HEAT_ALERT = QColor("#FF9600")
HEAT_SPECIAL = QColor("#B40068")
WHITE = QColor("#ffffff")


def strip_color(weather: WeatherView) -> QColor:
    """The gravest grade's colour; the heat alert's when it is alone on the strip."""
    if weather.warnings:
        return GRADE_COLORS[weather.warnings[0].grade]
    special = weather.heat is not None and weather.heat.special
    return HEAT_SPECIAL if special else HEAT_ALERT


def paint_weather_strip(p: QPainter, rect: QRectF, banner: Banner, m: Metrics) -> None:
    """The strip: [気象警報] each warning with since when … [熱中症警戒アラート発表中]. On a narrow
    screen the chips get smaller type, then the label goes, then the times: the names stay."""
    weather = banner.weather or WeatherView()
    fill = strip_color(weather)
    p.fillRect(rect, fill)
    if weather.warnings and weather.warnings[0].grade == 3:  # 特別警報 black: framed, no hole
        edge = QRectF(rect.left(), rect.bottom() - m.px(6), rect.width(), m.px(6))
        p.fillRect(edge, GRADE_COLORS[2])
    ink = theme.BG if not weather.warnings else WHITE
    pad = min(m.px(48), rect.width() * 0.03)
    left, right = rect.left() + pad, rect.right() - pad
    heat = _heat_text(weather)
    if not weather.warnings:  # the heat alert alone: the whole strip says it
        font = _fitting_font([heat], right - left, m)
        text_block(
            p,
            left,
            rect.top() + (rect.height() - line_height(font)) / 2,
            right - left,
            heat,
            font,
            ink,
        )
        return
    chip_pad = m.px(14)
    gap = m.px(24)
    names = [w.name for w in weather.warnings]
    plan = (True, m.meta + 4)
    for plan in ((True, m.meta + 4), (True, m.meta), (False, m.meta)):
        label_w = _chip_w(banner.label, m.font(m.meta + 4, bold=True), chip_pad) + gap
        heat_w = _chip_w(heat, m.font(plan[1], bold=True), chip_pad) + gap if heat else 0.0
        room = right - left - (label_w if plan[0] else 0.0) - heat_w
        if _need(names, m.font(m.meta, bold=True), m) <= room:
            break
    else:  # a narrow screen: the warnings above, the heat alert below
        half = QRectF(rect.left(), rect.top(), rect.width(), rect.height() / 2)
        sizes = [s for s in (m.meta, m.meta - 4, m.meta - 8) if _fits_row(s, half, m)]
        sizes = sizes or [m.meta - 10]
        _warnings_row(p, half, left, right, weather, m, sizes, ink)
        font = m.font(sizes[0], bold=True)
        chip_y = half.bottom() + (half.height() - line_height(font) - m.px(4)) / 2
        color = HEAT_SPECIAL if weather.heat and weather.heat.special else HEAT_ALERT
        chip(p, left, chip_y, heat, font, color, True, m.px(6), ink=theme.BG)
        return
    show_label, heat_size = plan
    x = left
    if show_label:
        label_font = m.font(m.meta + 4, bold=True)
        chip_y = rect.top() + (rect.height() - line_height(label_font) - m.px(6)) / 2
        x += chip(p, x, chip_y, banner.label, label_font, WHITE, True, chip_pad, ink=fill) + gap
    if heat:
        heat_font = m.font(heat_size, bold=True)
        chip_y = rect.top() + (rect.height() - line_height(heat_font) - m.px(6)) / 2
        color = HEAT_SPECIAL if weather.heat and weather.heat.special else HEAT_ALERT
        right -= chip(p, right, chip_y, heat, heat_font, color, True, chip_pad, True, theme.BG)
        right -= gap
    _warnings_row(p, rect, x, right, weather, m, [m.banner, m.meta + 4, m.meta], ink)


def _fits_row(size: float, row: QRectF, m: Metrics) -> bool:
    return line_height(m.font(size, bold=True)) + m.px(4) <= row.height()


def _warnings_row(
    p: QPainter,
    row: QRectF,
    x: float,
    right: float,
    weather: WeatherView,
    m: Metrics,
    sizes: Sequence[float],
    ink: QColor,
) -> None:
    """The warnings from `x` to `right`, centred in `row`: with since when, else without
    (レベル3大雨警報), else the names alone (大雨警報), in the largest of `sizes` that fits."""
    for texts in (
        list(weather.texts),
        [_short(w) for w in weather.warnings],
        [w.name for w in weather.warnings],
    ):
        font = _fitting_font(texts, right - x, m, sizes)
        if _need(texts, font, m) <= right - x:
            break
    y = row.top() + (row.height() - line_height(font)) / 2
    swatch = line_height(font) * 0.5
    for warning, text in zip(weather.warnings, texts, strict=True):
        if x >= right - swatch:
            break
        if warning.grade != weather.warnings[0].grade:  # a lesser grade on the gravest's colour
            p.setPen(QPen(WHITE, max(1.0, m.px(2))))
            p.setBrush(GRADE_COLORS[warning.grade])
            p.drawRect(QRectF(x, y + (line_height(font) - swatch) / 2, swatch, swatch))
            x += swatch + m.px(10)
        used = min(text_width(text, font), right - x)
        text_block(p, x, y, right - x, text, font, ink)
        x += used + m.px(32)


def _short(warning: WeatherWarning) -> str:
    """レベル3大雨警報: the name without since when."""
    level = screen("warning_level", level=warning.level) if warning.level else ""
    return level + warning.name


def _chip_w(text: str, font: QFont, pad: float) -> float:
    return text_width(text, font) + 2 * pad


def _need(texts: list[str], font: QFont, m: Metrics) -> float:
    return sum(text_width(t, font) + line_height(font) * 0.5 + m.px(42) for t in texts)


def _heat_text(weather: WeatherView) -> str:
    if weather.heat is None or not weather.heat.alert:
        return ""
    return screen("heat_special" if weather.heat.special else "heat_alert")


def _fitting_font(texts: list[str], room: float, m: Metrics, sizes: Sequence[float] = ()) -> QFont:
    """The first of `sizes` (the banner's type, then smaller) at which every text fits, else
    the smallest (then … at the end)."""
    sizes = sizes or [m.banner, m.meta + 4, m.meta]
    for size in sizes:
        font = m.font(size, bold=True)
        if _need(texts, font, m) <= room:
            return font
    return m.font(sizes[-1], bold=True)
