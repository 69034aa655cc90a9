"""What every panel shares: a card with its title, an empty note, rows of events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from signage.jpdate import time_range
from signage.messages import screen
from signage.model import Event
from signage.ui import theme
from signage.ui.draw import (
    card,
    chip,
    hline,
    line_height,
    lines_in,
    text_block,
    text_height,
    text_width,
)
from signage.ui.theme import Metrics
from signage.view import View

DETAIL_LINES = 2  # a place or a visit's purpose wraps once before it is cut


def event_when(event: Event) -> str:
    if event.all_day:
        return screen("all_day")
    assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
    return time_range(event.start, event.end)


class Panel:
    """Shared layout of a card: title row, then rows until the card is full."""

    def __init__(self, painter: QPainter, m: Metrics) -> None:
        self.p = painter
        self.m = m
        self.pad = m.px(28)

    def draw(self, rect: QRectF, view: View, page: float) -> None:
        """Paint the panel into `rect`; `page` is how far its time has run (0..1)."""
        raise NotImplementedError

    def card(self, rect: QRectF, title: str, aside: str = "") -> QRectF:
        """Draw a card with its title (and `aside` at the right: a count, 今日); returns the
        inner rectangle below them. When the two do not fit on one line, the aside goes on a
        line of its own rather than over the title."""
        m, p = self.m, self.p
        card(p, rect, m.px(18))
        inner = rect.adjusted(self.pad, self.pad * 0.8, -self.pad, -self.pad)
        title_font = m.font(m.card_title, bold=True)
        aside_font = m.font(m.meta)
        aside_w = text_width(aside, aside_font) + m.px(16) if aside else 0.0
        beside = text_width(title, title_font) + aside_w <= inner.width()
        title_w = inner.width() - (aside_w if beside else 0.0)
        lines = 1 if beside else 2
        used = text_block(
            p, inner.left(), inner.top(), title_w, title, title_font, theme.MUTED, lines
        )
        if aside:
            y = inner.top() + m.px(4) if beside else inner.top() + used
            h = text_block(
                p, inner.left(), y, inner.width(), aside, aside_font, theme.MUTED, align_right=True
            )
            used = used if beside else used + h
        return inner.adjusted(0, used + m.px(14), 0, 0)

    def empty(self, inner: QRectF, text: str) -> None:
        """A quiet note where there is nothing to show; wrapped, never cut while room remains."""
        font = self.m.font(self.m.meta)
        lines = lines_in(inner.height(), font)
        text_block(self.p, inner.left(), inner.top(), inner.width(), text, font, theme.DIM, lines)

    def event_rows(
        self,
        inner: QRectF,
        events: tuple[Event, ...],
        top: float,
        label: Callable[[Event], str] = event_when,
        detail: Callable[[Event], str | None] = lambda e: e.location,
    ) -> float:
        """Time column and title column; returns the y below the last row drawn."""
        m, p = self.m, self.p
        body, meta, when_font = m.font(m.body), m.font(m.meta), m.font(m.meta + 4)
        time_w = text_width("88:88–88:88", when_font) + m.px(24)
        # a narrow card (a tall screen) puts the time above the title, not beside it
        stacked = inner.width() - time_w < body.pixelSize() * 7  # seven kanji: one em each
        label_h = line_height(when_font) + m.px(4) if stacked else 0.0
        if stacked:
            time_w = 0.0
        title_w = inner.width() - time_w
        y = top
        for index, event in enumerate(events):
            sub = detail(event)
            sub_h = text_height(sub, meta, title_w, DETAIL_LINES) if sub else 0.0
            need = label_h + text_height(event.title, body, title_w, 2) + sub_h
            if y + need > inner.bottom():
                more = screen("more_items", count=len(events) - index)
                text_block(p, inner.left(), y, inner.width(), more, meta, theme.MUTED)
                return y + line_height(meta)
            when = label(event)
            if when == screen("all_day"):
                chip(p, inner.left(), y + m.px(4), when, meta, theme.YELLOW, False, m.px(10))
            else:
                when_w = time_w or inner.width()
                text_block(p, inner.left(), y + m.px(4), when_w, when, when_font, theme.MUTED)
            y += label_h
            h = text_block(p, inner.left() + time_w, y, title_w, event.title, body, theme.TEXT, 2)
            if sub:
                h += text_block(
                    p, inner.left() + time_w, y + h, title_w, sub, meta, theme.MUTED, DETAIL_LINES
                )
            y += h + m.px(10)
            hline(p, inner.left(), inner.right(), y, m.px(1.5))
            y += m.px(10)
        return y
