"""今週: five day columns of events; days gone by step back."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt

from signage.jpdate import short_date
from signage.messages import screen
from signage.ui import theme
from signage.ui.draw import hline, line_height, text_block, text_height
from signage.ui.panels.base import Panel, event_when
from signage.view import View


class WeekPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        m, p = self.m, self.p
        gap = m.px(18)
        w = (rect.width() - gap * 4) / 5
        today = view.now.date()
        body = m.font(m.meta + 2)
        bold = m.font(m.meta + 2, bold=True)
        all_day = screen("all_day")
        for i, (day, events) in enumerate(view.week):
            col = QRectF(rect.left() + i * (w + gap), rect.top(), w, rect.height())
            aside = screen("is_today") if day == today else ""
            inner = self.card(col, short_date(day), aside)
            if day == today:
                pen = p.pen()
                pen.setColor(theme.ORANGE)
                pen.setWidthF(m.px(4))
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(col, m.px(18), m.px(18))
            y = inner.top()
            past = day < today  # days gone by step back, today and ahead stay bright
            if not events:
                self.empty(inner, screen("nothing_planned"))
            for index, event in enumerate(events):
                need = line_height(body) + text_height(event.title, bold, inner.width(), 3)
                if y + need > inner.bottom():
                    text_block(
                        p,
                        inner.left(),
                        y,
                        inner.width(),
                        screen("more_items", count=len(events) - index),
                        body,
                        theme.MUTED,
                    )
                    break
                when = event_when(event)
                y += text_block(
                    p,
                    inner.left(),
                    y,
                    inner.width(),
                    when,
                    body,
                    theme.DIM if past else theme.YELLOW if when == all_day else theme.MUTED,
                )
                title_color = theme.DIM if past else theme.TEXT
                y += text_block(
                    p, inner.left(), y, inner.width(), event.title, bold, title_color, 3
                )
                y += m.px(8)
                hline(p, inner.left(), inner.right(), y, m.px(1.5))
                y += m.px(10)


PANEL = WeekPanel
