"""ICT支援員: this month's visits against the target, and the visits to come."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt

from signage.jpdate import short_date
from signage.messages import screen
from signage.model import Event
from signage.ui import theme
from signage.ui.draw import line_height, text_block, text_width
from signage.ui.panels.base import Panel, event_when
from signage.view import View


class VisitsPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        m, p = self.m, self.p
        gap = m.px(28)
        left = QRectF(rect.left(), rect.top(), rect.width() * 0.36, rect.height())
        right = QRectF(
            left.right() + gap, rect.top(), rect.width() - left.width() - gap, rect.height()
        )
        visits = view.visits
        inner = self.card(left, screen("visits_this_month"))
        big = m.font(200, bold=True)
        count = str(visits.this_month)
        text_block(p, inner.left(), inner.top() - m.px(20), inner.width(), count, big, theme.TEXT)
        x = inner.left() + text_width(count, big) + m.px(24)
        target_font = m.font(m.body + 8, bold=True)
        text_block(
            p,
            x,
            inner.top() + m.px(120),
            inner.width(),
            screen("of_target", target=visits.target),
            target_font,
            theme.MUTED,
        )
        y = inner.top() + line_height(big) - m.px(10)
        # pips: filled per visit, hollow up to the target, so the figure reads at a glance
        r = m.px(18)
        for i in range(max(visits.target, visits.this_month)):
            cx = inner.left() + r + i * (r * 2 + m.px(14))
            p.setPen(theme.GREEN if i < visits.this_month else theme.DIM)
            p.setBrush(theme.GREEN if i < len(visits.done) else Qt.BrushStyle.NoBrush)
            pen = p.pen()
            pen.setWidthF(m.px(4))
            p.setPen(pen)
            p.drawEllipse(QRectF(cx - r, y, r * 2, r * 2))
        y += r * 2 + m.px(24)
        body = m.font(m.body)
        for key, group in (("visits_done", visits.done), ("visits_planned", visits.planned)):
            dates = "、".join(f"{e.start.month}/{e.start.day}" for e in group)
            line = screen(key, count=len(group)) + (f"（{dates}）" if dates else "")
            y += text_block(p, inner.left(), y, inner.width(), line, body, theme.TEXT, 2) + m.px(8)
        last = screen("visits_last_month", count=visits.last_month)
        text_block(p, inner.left(), y, inner.width(), last, body, theme.MUTED)

        inner = self.card(right, screen("upcoming_visits"))
        if not visits.upcoming:
            self.empty(inner, screen("no_upcoming_visits"))
            return

        self.event_rows(inner, visits.upcoming, inner.top(), label=visit_day, detail=visit_detail)


def visit_day(event: Event) -> str:
    day = event.start.date() if isinstance(event.start, datetime) else event.start
    return short_date(day)


def visit_detail(event: Event) -> str | None:
    when = "" if event.all_day else event_when(event)
    return "  ".join(x for x in (when, event.description) if x) or None


PANEL = VisitsPanel
