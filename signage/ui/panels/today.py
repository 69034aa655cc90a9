"""今日: the bell schedule, today's events (and the next school day's), who is out."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from signage.jpdate import hm, short_date
from signage.messages import screen
from signage.ui import theme
from signage.ui.draw import chip, hline, line_height, text_block, text_width
from signage.ui.panels.base import Panel
from signage.ui.panels.weather_card import paint_weather_card
from signage.view import View


class TodayPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        gap = self.m.px(28)
        widths = (0.31, 0.38, 0.31)
        x = rect.left()
        rects = []
        for share in widths:
            w = (rect.width() - gap * 2) * share
            rects.append(QRectF(x, rect.top(), w, rect.height()))
            x += w + gap
        self.bell(rects[0], view)
        self.events(paint_weather_card(self, rects[1], view), view)
        self.staff_out(rects[2], view)

    def bell(self, rect: QRectF, view: View) -> None:
        m, p = self.m, self.p
        status = view.bell
        inner = self.card(rect, screen("bell", name=view.bell_name))
        if status and status.minutes_to_next is not None:
            chip(
                p,
                inner.right(),
                rect.top() + self.pad * 0.8,
                screen("minutes_to_chime", minutes=status.minutes_to_next),
                m.font(m.meta, bold=True),
                theme.ORANGE,
                True,
                m.px(10),
                right=True,
            )
        if status is None:
            self.empty(inner, screen("no_bell"))
            return
        body = m.font(m.body)
        bold = m.font(m.body, bold=True)
        time_w = text_width("88:88–88:88", body) + m.px(24)
        row_h = min(line_height(body) + m.px(14), inner.height() / max(1, len(status.periods)))
        y = inner.top()
        for item in status.periods:
            period = item.period
            when = hm(period.start)
            if period.end:
                when += "–" + hm(period.end)
            color = {"past": theme.DIM, "now": theme.ORANGE, "future": theme.TEXT}[item.state]
            font = bold if item.state == "now" else body
            if item.state == "now":
                band = QRectF(inner.left() - m.px(12), y, inner.width() + m.px(12), row_h)
                p.fillRect(band, theme.NOW_FILL)
                p.fillRect(QRectF(band.left(), y, m.px(7), row_h), theme.ORANGE)
            text_y = y + (row_h - line_height(font)) / 2
            text_block(p, inner.left(), text_y, time_w, when, font, color)
            text_block(
                p, inner.left() + time_w, text_y, inner.width() - time_w, period.label, font, color
            )
            y += row_h

    def events(self, rect: QRectF, view: View) -> None:
        m = self.m
        inner = self.card(rect, screen("todays_events"), screen("items", count=len(view.today)))
        y = inner.top()
        if view.today:
            y = self.event_rows(inner, view.today, y)
        else:
            self.empty(inner, screen("no_events_today"))
            y += line_height(m.font(m.meta)) + m.px(10)
        if view.next_day_events and y + m.px(160) < inner.bottom():
            y += m.px(16)
            title = m.font(m.card_title, bold=True)
            tomorrow = (view.next_day - view.now.date()).days == 1
            label = screen("tomorrow") if tomorrow else screen("next_school_day")
            text_block(self.p, inner.left(), y, inner.width(), label, title, theme.MUTED)
            text_block(
                self.p,
                inner.left(),
                y + m.px(6),
                inner.width(),
                short_date(view.next_day),
                m.font(m.meta),
                theme.MUTED,
                align_right=True,
            )
            y += line_height(title) + m.px(8)
            self.event_rows(inner, view.next_day_events, y)

    def staff_out(self, rect: QRectF, view: View) -> None:
        """不在 on top; 欠席・遅刻連絡 below it when an absences source is configured."""
        m = self.m
        people = screen("people", count=len(view.staff_out))
        inner = self.card(rect, screen("staff_out"), people if view.staff_out else "")
        table_h = self.absence_height(view) if view.has_absences else 0.0
        staff = QRectF(inner.left(), inner.top(), inner.width(), inner.height() - table_h)
        if not view.staff_out:
            self.empty(staff, screen("no_staff_out"))
        elif not any(row.name for row in view.staff_out):
            big = m.font(m.body + 16, bold=True)
            text_block(self.p, staff.left(), staff.top(), staff.width(), people, big, theme.TEXT)
        else:
            self.staff_rows(staff, view)
        if view.has_absences:
            self.absence_table(
                QRectF(inner.left(), inner.bottom() - table_h, inner.width(), table_h), view
            )

    def staff_rows(self, box: QRectF, view: View) -> None:
        """One line per colleague: name, then the reason in small type, "until" at the right."""
        m, p = self.m, self.p
        name_font, meta = m.font(m.body), m.font(m.meta)
        step = line_height(name_font) + m.px(12)
        rows = view.staff_out
        fits = int(box.height() // step)
        if len(rows) > fits:  # keep the last line for "ほか n 名"
            rows = rows[: max(fits - 1, 0)]
        y = box.top()
        for row in rows:
            w = chip(
                p, box.right(), y + m.px(6), row.when, meta, theme.SKY, False, m.px(10), right=True
            )
            room = box.width() - w - m.px(16)
            name_w = min(text_width(row.name, name_font) + m.px(16), room)
            text_block(p, box.left(), y, name_w, row.name, name_font, theme.TEXT)
            if row.reason and room - name_w > m.px(60):
                reason_y = y + line_height(name_font) - line_height(meta) - m.px(2)
                text_block(
                    p, box.left() + name_w, reason_y, room - name_w, row.reason, meta, theme.MUTED
                )
            y += step - m.px(6)
            hline(p, box.left(), box.right(), y, m.px(1.5))
            y += m.px(6)
        if len(rows) < len(view.staff_out):
            more = screen("more_people", count=len(view.staff_out) - len(rows))
            text_block(p, box.left(), y, box.width(), more, meta, theme.MUTED)

    def absence_height(self, view: View) -> float:
        m = self.m
        rows = len(view.absences) + (2 if view.absences else 1)  # header (+ total)
        title = line_height(m.font(m.card_title, bold=True)) + m.px(24)
        return title + rows * (line_height(m.font(m.meta + 2)) + m.px(2))

    def absence_table(self, box: QRectF, view: View) -> None:
        """Per class: how many pupils are absent, late or leaving early today, and the total."""
        m, p = self.m, self.p
        title = m.font(m.card_title, bold=True)
        cell, head = m.font(m.meta + 2), m.font(m.meta)
        y = box.top() + m.px(10)
        hline(p, box.left(), box.right(), y - m.px(4), m.px(2))
        text_block(p, box.left(), y, box.width(), screen("absences"), title, theme.MUTED)
        y += line_height(title) + m.px(10)
        if not view.absences:
            rest = QRectF(box.left(), y, box.width(), box.bottom() - y)
            self.empty(rest, screen("no_absences"))
            return
        col = box.width() * 0.18
        xs = [box.right() - col * 3, box.right() - col * 2, box.right() - col]
        step = line_height(cell) + m.px(2)
        text_block(p, box.left(), y + m.px(4), box.width(), screen("class"), head, theme.MUTED)
        for x, label in zip(
            xs, (screen("absent"), screen("late"), screen("early_leave")), strict=True
        ):
            text_block(p, x, y + m.px(4), col, label, head, theme.MUTED, align_right=True)
        y += step
        totals = [0, 0, 0]
        for count in view.absences:
            values = (count.absent, count.late, count.early_leave)
            label = count.class_name + (f"（{'・'.join(count.names)}）" if count.names else "")
            text_block(p, box.left(), y, xs[0] - box.left(), label, cell, theme.TEXT)
            for i, (x, value) in enumerate(zip(xs, values, strict=True)):
                totals[i] += value
                text_block(p, x, y, col, str(value), cell, theme.TEXT, align_right=True)
            y += step
        bold = m.font(m.meta + 2, bold=True)
        hline(p, box.left(), box.right(), y, m.px(1.5))
        text_block(p, box.left(), y + m.px(2), box.width(), screen("total"), bold, theme.TEXT)
        for x, value in zip(xs, totals, strict=True):
            text_block(p, x, y + m.px(2), col, str(value), bold, theme.TEXT, align_right=True)


PANEL = TodayPanel
