"""The today panel's weather card: the heat index (WBGT) and the 注意報 in force.

The card sits at the foot of a column of the today panel (`paint_weather_card` returns what is
left above it). The value now is big, in the Ministry's colour for its 運動指針 level; the day's
highest forecast and its level below; 注意報 in quiet type (警報 and graver are the strip's).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont

from signage.agenda import heat_grade, heat_level
from signage.messages import screen
from signage.ui import theme
from signage.ui.draw import chip, line_height, text_block, text_height, text_width
from signage.ui.panels.base import Panel
from signage.ui.theme import Metrics
from signage.view import View

# The Ministry of the Environment's colours for the levels (熱中症予防情報サイト), gravest first
# as agenda.heat_grade counts: 危険 red, 厳重警戒 orange, 警戒 yellow, 注意 / ほぼ安全 blues.
LEVEL_COLORS = (
    QColor("#FF2800"),
    QColor("#FF9600"),
    QColor("#FAF500"),
    QColor("#A0D2FF"),
    QColor("#218CFF"),
)


def weather_card_height(panel: Panel, width: float, view: View) -> float:
    """The height the card takes at `width` (0 when there is nothing to show): the need of
    the card where it is a card of its own (a portrait screen stacks it)."""
    rest = paint_weather_card(panel, QRectF(0, 0, width, 1e6), view, measure=True)
    return 0.0 if rest.height() >= 1e6 else 1e6 - rest.height()  # with the gap above it


def paint_weather_card(
    panel: Panel,
    rect: QRectF,
    view: View,
    keep: float = 0.0,
    measure: bool = False,
    share: float = 0.6,
) -> QRectF:
    """Paint the card at the bottom of `rect`; the rest of `rect` above it (all of it when
    there is nothing to show: no forecast today, no 注意報, or when the card would leave less
    than `keep` above it: what the column holds first keeps its room). It takes at most
    `share` of the height (1: a card of its own). `measure`: paint nothing, only say what
    would be left."""
    weather = view.weather
    heat = weather.heat if weather.heat is not None and weather.heat.max is not None else None
    if heat is None and not weather.advisories:
        return rect
    m, p = panel.m, panel.p
    title = m.font(m.card_title, bold=True)
    inner_w = rect.width() - 2 * panel.pad
    big = next(  # the number whole, smaller in a narrow column
        (f for f in _fonts(m, m.body + 24, m.body, m.meta) if text_width("88.8", f) <= inner_w),
        m.font(m.meta, bold=True),
    )
    meta = m.font(m.meta)
    chip_font = m.font(m.meta, bold=True)
    advisories = "・".join(w.name for w in weather.advisories)
    label = screen("advisories") + "　" if heat is not None else ""
    value = level = max_text = ""
    color = theme.TEXT
    beside = True  # the level's chip beside the number (else on a line of its own)
    as_text = False
    heat_h = 0.0
    if heat is not None:
        now = heat.now if heat.now is not None else heat.max
        assert now is not None and heat.max is not None
        level = heat_level(now)
        value, color = f"{now:.1f}", LEVEL_COLORS[heat_grade(now)]
        day_max = screen("heat_max", value=f"{heat.max:.1f}")
        max_text = f"{day_max}（{heat.level}）" if heat.level != level else day_max
        chip_w = text_width(level, chip_font) + m.px(20)
        beside = text_width(value, big) + m.px(20) + chip_w <= inner_w
        fitting = [
            f for f in _fonts(m, m.meta, m.meta - 6) if text_width(level, f) + m.px(20) <= inner_w
        ]
        if not beside and fitting:  # on its own line, in type that fits the column
            chip_font = fitting[0]
        as_text = not beside and not fitting  # too narrow for a chip: the words, wrapped
        heat_h = line_height(big) + m.px(6) + text_height(max_text, meta, inner_w, 3)
        if as_text:
            heat_h += text_height(level, chip_font, inner_w, 2) + m.px(8)
        elif not beside:
            heat_h += line_height(chip_font) + m.px(12)
    advice_h = 0.0
    if advisories:
        advice_h = text_height(label + advisories, meta, inner_w, 2) + (m.px(10) if heat else 0)
    height = panel.pad * 1.8 + line_height(title) + m.px(14) + heat_h + advice_h
    height = height if measure else min(height, rect.height() * share)
    gap = m.px(24)
    if rect.height() - height - gap < keep:
        return rect
    if measure:
        return QRectF(rect.left(), rect.top(), rect.width(), rect.height() - height - gap)
    box = QRectF(rect.left(), rect.bottom() - height, rect.width(), height)
    name = screen("heat_title") if heat is not None else screen("advisories")
    aside = _aside(view)
    if text_width(name, title) + text_width(aside, meta) + m.px(20) > inner_w:
        aside = ""  # a narrow column: the title alone
    inner = panel.card(box, name, aside)
    y = inner.top()
    if heat is not None:
        number_w = text_width(value, big) + m.px(4)
        text_block(p, inner.left(), y, inner.width(), value, big, color)
        if beside:
            chip_y = y + (line_height(big) - line_height(chip_font) - m.px(6)) / 2
            chip(
                p,
                inner.left() + number_w + m.px(16),
                chip_y,
                level,
                chip_font,
                color,
                True,
                m.px(10),
                ink=theme.BG,
            )
            y += line_height(big) + m.px(6)
        elif as_text:
            y += line_height(big) + m.px(6)
            y += text_block(p, inner.left(), y, inner.width(), level, chip_font, color, 2)
            y += m.px(8)
        else:
            y += line_height(big) + m.px(6)
            chip(p, inner.left(), y, level, chip_font, color, True, m.px(10), ink=theme.BG)
            y += line_height(chip_font) + m.px(12)
        y += text_block(p, inner.left(), y, inner.width(), max_text, meta, theme.MUTED, 3)
        y += m.px(10)
    if advisories and y < inner.bottom():
        text_block(p, inner.left(), y, inner.width(), label + advisories, meta, theme.MUTED, 2)
    return QRectF(rect.left(), rect.top(), rect.width(), max(0.0, box.top() - gap - rect.top()))


def _fonts(m: Metrics, *sizes: float) -> list[QFont]:
    return [m.font(size, bold=True) for size in sizes]


def _aside(view: View) -> str:
    """The three hours the big value is for: 9:00〜12:00 (the last, 21:00〜24:00, as the
    Ministry's table writes it)."""
    heat = view.weather.heat
    if heat is None or heat.now is None:
        return ""
    first = view.now.hour - view.now.hour % 3
    return screen("heat_now", start=f"{first}:00", end=f"{first + 3}:00")
