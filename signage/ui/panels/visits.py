"""ICT支援員: this month's visits done against the target, those to come beside, and the list
of visits ahead. Side by side on a wide screen, one above the other on a tall one."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF

from signage.jpdate import short_date
from signage.messages import screen
from signage.model import Event
from signage.ui import theme
from signage.ui.draw import line_height, lines_in, text_block, text_width
from signage.ui.panels.base import Panel, event_when
from signage.view import View


class VisitsPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        gap = self.m.px(28)
        if rect.height() > rect.width():
            top = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.42)
            bottom = QRectF(rect.left(), top.bottom() + gap, rect.width(), 0)
            bottom.setBottom(rect.bottom())
            self.count(top, view)
            self.upcoming(bottom, view)
            return
        left = QRectF(rect.left(), rect.top(), rect.width() * 0.36, rect.height())
        right = QRectF(
            left.right() + gap, rect.top(), rect.width() - left.width() - gap, rect.height()
        )
        self.count(left, view)
        self.upcoming(right, view)

    def count(self, rect: QRectF, view: View) -> None:
        """済 n / 目標 4 回 as the headline; under way and planned below, each visit once."""
        m, p = self.m, self.p
        visits = view.visits
        inner = self.card(rect, screen("visits_this_month"))
        big = m.font(200, bold=True)
        label = m.font(m.body + 8, bold=True)
        done = len(visits.done)
        figure = str(done)
        top = inner.top() - m.px(12)  # the figure's leading may tuck under the title, not its box
        base = top + QFontMetricsF(big).ascent()
        label_top = base - QFontMetricsF(label).ascent()
        x = inner.left()
        prefix = screen("visits_done_short")
        text_block(p, x, label_top, inner.width(), prefix, label, theme.MUTED)
        x += text_width(prefix, label) + m.px(16)
        color = theme.GREEN if visits.target and done >= visits.target else theme.TEXT
        text_block(p, x, top, inner.right() - x, figure, big, color)
        x += text_width(figure, big) + m.px(20)
        target = screen("of_target", target=visits.target)
        text_block(p, x, label_top, inner.right() - x, target, label, theme.MUTED, 2)
        y = top + line_height(big) + m.px(4)
        y = self.pips(inner, y, done, len(visits.under_way), len(visits.planned), visits.target)
        body = m.font(m.body)
        coming = tuple(e for e in visits.planned if e not in visits.under_way)
        lines = [
            (screen("visits_under_way", count=len(visits.under_way)), visits.under_way, True),
            (screen("visits_planned", count=len(coming)), coming, False),
            (screen("visits_done", count=done), visits.done, False),
        ][0 if visits.under_way else 1 :]
        for head, group, under_way in lines:
            dates = "、".join(visit_day(e, under_way) for e in group)
            line = head + (f"（{dates}）" if dates else "")
            lines_left = lines_in(inner.bottom() - y - line_height(body), body)
            color = theme.ORANGE if under_way else theme.TEXT
            y += text_block(p, inner.left(), y, inner.width(), line, body, color, lines_left)
            y += m.px(8)
        last = screen("visits_last_month", count=visits.last_month)
        if y + line_height(body) <= inner.bottom() + 1:
            text_block(p, inner.left(), y, inner.width(), last, body, theme.MUTED)

    def pips(
        self, inner: QRectF, y: float, done: int, now: int, planned: int, target: int
    ) -> float:
        """One circle per visit of the month: filled when done, ringed in orange while under
        way, hollow for those to come and up to the target, so the figure reads at a glance."""
        m, p = self.m, self.p
        r = m.px(18)
        step = r * 2 + m.px(14)
        per_row = max(1, int((inner.width() + m.px(14)) // step))
        count = max(target, done + planned)
        for i in range(count):
            cx = inner.left() + r + (i % per_row) * step
            top = y + (i // per_row) * step
            fill = theme.GREEN if i < done else None
            ring = theme.GREEN if i < done else theme.ORANGE if i < done + now else theme.DIM
            if done + now <= i < done + planned:
                ring = theme.SKY
            pen = p.pen()
            pen.setColor(ring)
            pen.setWidthF(m.px(4))
            p.setPen(pen)
            p.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
            p.drawEllipse(QRectF(cx - r, top, r * 2, r * 2))
        rows = (count + per_row - 1) // per_row if count else 0
        return y + rows * step + m.px(10)

    def upcoming(self, rect: QRectF, view: View) -> None:
        inner = self.card(rect, screen("upcoming_visits"))
        if not view.visits.upcoming:
            self.empty(inner, view.empty_text("visits", "no_upcoming_visits"))
            return
        self.event_rows(
            inner, view.visits.upcoming, inner.top(), label=visit_label, detail=visit_detail
        )


def visit_day(event: Event, under_way: bool = False) -> str:
    """12/7; for the visit under way (today, so no date) its hours, 10:00–12:00."""
    if under_way and not event.all_day:
        return event_when(event)
    day = event.start.date() if isinstance(event.start, datetime) else event.start
    return f"{day.month}/{day.day}"


def visit_label(event: Event) -> str:
    day = event.start.date() if isinstance(event.start, datetime) else event.start
    return short_date(day)


def visit_detail(event: Event) -> str | None:
    when = "" if event.all_day else event_when(event)
    return "  ".join(x for x in (when, event.description) if x) or None


PANEL = VisitsPanel
