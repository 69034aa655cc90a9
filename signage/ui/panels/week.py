"""今週 (週行事予定): each school day's events, then who is out and the ICT visit, compactly.
Five columns on a wide screen, five rows on a tall one; days gone by step back."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont

from signage.jpdate import short_date
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
    wrap,
)
from signage.ui.panels.base import Panel, event_when
from signage.view import OutRow, View

TITLE_LINES = 3  # an event's title in a column; a row gives it 2
EXTRA_LINES = 2  # the names of those out on a day, then ほか n 名


class WeekPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        m = self.m
        tall = rect.height() > rect.width()
        gap = m.px(18)
        days = len(view.week)
        heights = self.row_heights(rect, view, gap) if tall else []
        y = rect.top()
        for i, (day, events) in enumerate(view.week):
            out = view.week_out[i] if i < len(view.week_out) else ()
            visits = view.week_visits[i] if i < len(view.week_visits) else ()
            if tall:
                box = QRectF(rect.left(), y, rect.width(), heights[i])
                y += heights[i] + gap
                self.row(box, view, day, events, out, visits)
            else:
                w = (rect.width() - gap * (days - 1)) / days
                box = QRectF(rect.left() + i * (w + gap), rect.top(), w, rect.height())
                self.column(box, view, day, events, out, visits)

    def fonts(self) -> tuple[QFont, QFont]:
        m = self.m
        return m.font(m.meta + 2), m.font(m.meta + 2, bold=True)

    def frame_today(self, box: QRectF, day: date, view: View) -> None:
        if day != view.now.date():
            return
        m, p = self.m, self.p
        pen = p.pen()
        pen.setColor(theme.ORANGE)
        pen.setWidthF(m.px(4))
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(box, m.px(18), m.px(18))

    def row_geometry(self, width: float) -> tuple[float, float, float]:
        """A row's inner x offset, its items' width and its time column's width."""
        m = self.m
        body = self.fonts()[0]
        widest = short_date(date(2026, 12, 30))  # two-digit month and day
        date_w = text_width(widest, m.font(m.card_title, bold=True)) + m.px(24)
        w = width - 2 * self.pad - date_w
        return date_w, w, text_width("88:88–88:88", body) + m.px(20)

    def row_heights(self, rect: QRectF, view: View, gap: float) -> list[float]:
        """Each day's row as tall as its items need, a busy day taking what a quiet one
        leaves; when all cannot fit, no row is cut below its fair share."""
        m = self.m
        body, bold = self.fonts()
        _, w, time_w = self.row_geometry(rect.width())
        title = line_height(m.font(m.card_title, bold=True)) + m.px(50)
        needs = []
        for i, (_, events) in enumerate(view.week):
            out = view.week_out[i] if i < len(view.week_out) else ()
            visits = view.week_visits[i] if i < len(view.week_visits) else ()
            items = sum(text_height(e.title, bold, w - time_w, 2) for e in events)
            items = items or line_height(body)
            extras = self.extras_height(out, visits, w)
            needs.append(max(title, items + extras) + self.pad * 1.2)
        room = rect.height() - gap * (len(needs) - 1)
        if not needs:
            return []
        if sum(needs) <= room:
            spare = (room - sum(needs)) / len(needs)
            return [n + spare for n in needs]
        heights = [0.0] * len(needs)
        left = list(range(len(needs)))
        while left:  # water-filling: small needs are met, the rest share what remains
            share = (room - sum(heights)) / len(left)
            met = [i for i in left if needs[i] <= share]
            if not met:
                for i in left:
                    heights[i] = share
                break
            for i in met:
                heights[i] = needs[i]
                left.remove(i)
        return heights

    def column(
        self,
        col: QRectF,
        view: View,
        day: date,
        events: tuple[Event, ...],
        out: tuple[OutRow, ...],
        visits: tuple[Event, ...],
    ) -> None:
        m, p = self.m, self.p
        today = view.now.date()
        body, bold = self.fonts()
        inner = self.card(col, short_date(day), screen("is_today") if day == today else "")
        self.frame_today(col, day, view)
        past = day < today
        extras_h = self.extras_height(out, visits, inner.width())
        bottom = inner.bottom() - extras_h
        y = inner.top()
        if not events:
            self.empty(inner, screen("nothing_planned"))
        for index, event in enumerate(events):
            need = line_height(body) + text_height(event.title, bold, inner.width(), TITLE_LINES)
            need += m.px(18)  # the rule below it
            more = index + 1 < len(events)
            if y + need + (line_height(body) if more else 0) > bottom:
                rest = screen("more_items", count=len(events) - index)
                text_block(p, inner.left(), y, inner.width(), rest, body, theme.MUTED)
                break
            when = event_when(event)
            y += text_block(
                p, inner.left(), y, inner.width(), when, body, self.when_color(when, past)
            )
            title_color = theme.DIM if past else theme.TEXT
            y += text_block(
                p, inner.left(), y, inner.width(), event.title, bold, title_color, TITLE_LINES
            )
            y += m.px(8)
            hline(p, inner.left(), inner.right(), y, m.px(1.5))
            y += m.px(10)
        self.extras(inner.left(), bottom, inner.width(), out, visits, past)

    def row(
        self,
        box: QRectF,
        view: View,
        day: date,
        events: tuple[Event, ...],
        out: tuple[OutRow, ...],
        visits: tuple[Event, ...],
    ) -> None:
        """A day on a tall screen: the date at the left, its items at the right."""
        m, p = self.m, self.p
        today = view.now.date()
        body, bold = self.fonts()
        card(p, box, m.px(18))
        self.frame_today(box, day, view)
        inner = box.adjusted(self.pad, self.pad * 0.6, -self.pad, -self.pad * 0.6)
        title = m.font(m.card_title, bold=True)
        date_w, w, time_w = self.row_geometry(box.width())
        text_block(p, inner.left(), inner.top(), date_w, short_date(day), title, theme.MUTED)
        if day == today:
            y = inner.top() + line_height(title) + m.px(6)
            chip(p, inner.left(), y, screen("is_today"), body, theme.ORANGE, True, m.px(10))
        past = day < today
        x = inner.left() + date_w
        extras_h = self.extras_height(out, visits, w)
        bottom = inner.bottom() - extras_h
        y = inner.top()
        if not events:
            text_block(p, x, y, w, screen("nothing_planned"), body, theme.DIM)
        step = line_height(bold)
        for index, event in enumerate(events):
            more = index + 1 < len(events)
            room = bottom - y - (step if more else 0)
            lines = min(2, lines_in(room, bold))
            need = text_height(event.title, bold, w - time_w, lines)
            if need > room + 0.5:
                rest = screen("more_items", count=len(events) - index)
                text_block(p, x, y, w, rest, body, theme.MUTED)
                break
            when = event_when(event)
            text_block(p, x, y, time_w, when, body, self.when_color(when, past))
            color = theme.DIM if past else theme.TEXT
            y += text_block(p, x + time_w, y, w - time_w, event.title, bold, color, lines)
        self.extras(x, bottom, w, out, visits, past)

    def when_color(self, when: str, past: bool) -> QColor:
        if past:
            return theme.DIM
        return theme.YELLOW if when == screen("all_day") else theme.MUTED

    def extra_lines(
        self, out: tuple[OutRow, ...], visits: tuple[Event, ...], w: float
    ) -> list[tuple[str, str, QColor]]:
        """(chip, text, colour) per line: the ICT visit, then who is out."""
        lines = []
        for visit in visits:
            when = "" if visit.all_day else event_when(visit)
            lines.append((screen("week_visit"), when or screen("all_day"), theme.SKY))
        if out:
            lines.append((screen("staff_out"), self.names(out, w), theme.GREEN))
        return lines

    def names(self, out: tuple[OutRow, ...], w: float) -> str:
        """Those out, as many names as fit in EXTRA_LINES, then ほか n 名 (a count alone when
        the source may not name them)."""
        body = self.fonts()[0]
        named = [row.name for row in out if row.name]
        if not named:
            return screen("people", count=len(out))
        chip_w = text_width(screen("staff_out"), body) + 2 * self.m.px(10) + self.m.px(10)
        for k in range(len(named), 0, -1):
            text = screen("week_names").join(named[:k])
            if k < len(out):
                text += " " + screen("more_people", count=len(out) - k)
            if len(wrap(text, body, w - chip_w)) <= EXTRA_LINES:
                return text
        return text

    def extra_place(self, label: str, text: str, w: float) -> tuple[float, float, float]:
        """Where a line's text goes after its chip: (dx, dy, width) — beside the chip when it
        fits there, else on the line below at full width (never cut while room remains)."""
        m, body = self.m, self.fonts()[0]
        chip_w = text_width(label, body) + 2 * m.px(10) + m.px(10)
        if len(wrap(text, body, w - chip_w)) <= len(wrap(text, body, w)):
            return chip_w, 0.0, w - chip_w
        return 0.0, line_height(body) + m.px(6), w

    def extras_height(self, out: tuple[OutRow, ...], visits: tuple[Event, ...], w: float) -> float:
        body = self.fonts()[0]
        total = 0.0
        for label, text, _ in self.extra_lines(out, visits, w):
            _, dy, width = self.extra_place(label, text, w)
            total += dy + text_height(text, body, width, EXTRA_LINES) + self.m.px(8)
        return total

    def extras(
        self,
        x: float,
        bottom: float,
        w: float,
        out: tuple[OutRow, ...],
        visits: tuple[Event, ...],
        past: bool,
    ) -> None:
        m, p = self.m, self.p
        body = self.fonts()[0]
        y = bottom
        for label, text, color in self.extra_lines(out, visits, w):
            tone = theme.DIM if past else color
            chip(p, x, y + m.px(2), label, body, tone, False, m.px(10))
            dx, dy, width = self.extra_place(label, text, w)
            ink = theme.DIM if past else theme.TEXT
            y += dy + text_block(p, x + dx, y + dy, width, text, body, ink, EXTRA_LINES)
            y += m.px(8)


PANEL = WeekPanel
