"""The four panels. Each draws a `View` into a rectangle; none fetches or reads the clock."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter

from signage.jpdate import hm, short_date, time_range
from signage.model import Event, Notice
from signage.ui import theme
from signage.ui.draw import (
    card,
    chip,
    hline,
    line_height,
    text_block,
    text_height,
    text_width,
    wrap,
)
from signage.ui.theme import Metrics
from signage.view import View

PRIORITY_LABEL = {"urgent": "至急", "high": "重要"}
PAGES_CACHE_SIZE = 8  # board paginations kept (per notices, size): a rotation reuses them


def event_when(event: Event) -> str:
    if event.all_day:
        return "終日"
    assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
    return time_range(event.start, event.end)


class Panel:
    """Shared layout of a card: title row, then rows until the card is full."""

    def __init__(self, painter: QPainter, m: Metrics) -> None:
        self.p = painter
        self.m = m
        self.pad = m.px(28)

    def card(self, rect: QRectF, title: str, aside: str = "") -> QRectF:
        """Draw a card with its title; returns the inner rectangle below the title."""
        m, p = self.m, self.p
        card(p, rect, m.px(18))
        inner = rect.adjusted(self.pad, self.pad * 0.8, -self.pad, -self.pad)
        title_font = m.font(m.card_title, bold=True)
        text_block(p, inner.left(), inner.top(), inner.width(), title, title_font, theme.MUTED)
        if aside:
            aside_font = m.font(m.meta)
            text_block(
                p,
                inner.left(),
                inner.top() + m.px(4),
                inner.width(),
                aside,
                aside_font,
                theme.MUTED,
                align_right=True,
            )
        used = line_height(title_font) + m.px(14)
        return inner.adjusted(0, used, 0, 0)

    def empty(self, inner: QRectF, text: str) -> None:
        text_block(
            self.p,
            inner.left(),
            inner.top(),
            inner.width(),
            text,
            self.m.font(self.m.meta),
            theme.DIM,
        )

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
        title_w = inner.width() - time_w
        y = top
        for index, event in enumerate(events):
            sub = detail(event)
            need = text_height(event.title, body, title_w, 2) + (line_height(meta) if sub else 0)
            if y + need > inner.bottom():
                left = len(events) - index
                text_block(p, inner.left(), y, inner.width(), f"ほか {left} 件", meta, theme.MUTED)
                return y + line_height(meta)
            when = label(event)
            if when == "終日":
                chip(p, inner.left(), y + m.px(4), "終日", meta, theme.YELLOW, False, m.px(10))
            else:
                text_block(p, inner.left(), y + m.px(4), time_w, when, when_font, theme.MUTED)
            h = text_block(p, inner.left() + time_w, y, title_w, event.title, body, theme.TEXT, 2)
            if sub:
                h += text_block(p, inner.left() + time_w, y + h, title_w, sub, meta, theme.MUTED)
            y += h + m.px(10)
            hline(p, inner.left(), inner.right(), y, m.px(1.5))
            y += m.px(10)
        return y


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
        self.events(rects[1], view)
        self.staff_out(rects[2], view)

    def bell(self, rect: QRectF, view: View) -> None:
        m, p = self.m, self.p
        status = view.bell
        inner = self.card(rect, f"日課（{view.bell_name}）")
        if status and status.minutes_to_next is not None:
            chip(
                p,
                inner.right(),
                rect.top() + self.pad * 0.8,
                f"チャイムまで {status.minutes_to_next}分",
                m.font(m.meta, bold=True),
                theme.ORANGE,
                True,
                m.px(10),
                right=True,
            )
        if status is None:
            self.empty(inner, "本日は日課がありません")
            return
        body = m.font(m.body)
        bold = m.font(m.body, bold=True)
        time_w = text_width("88:88–88:88", body) + m.px(24)
        row_h = min(line_height(body) + m.px(14), inner.height() / max(1, len(status.periods)))
        y = inner.top()
        for item in status.periods:
            period = item.period
            when = period.start.strftime("%-H:%M")
            if period.end:
                when += "–" + period.end.strftime("%-H:%M")
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
        inner = self.card(rect, "今日の予定", f"{len(view.today)}件")
        y = inner.top()
        if view.today:
            y = self.event_rows(inner, view.today, y)
        else:
            self.empty(inner, "今日の予定はありません")
            y += line_height(m.font(m.meta)) + m.px(10)
        if view.next_day_events and y + m.px(160) < inner.bottom():
            y += m.px(16)
            title = m.font(m.card_title, bold=True)
            label = "明日" if (view.next_day - view.now.date()).days == 1 else "次の登校日"
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
        inner = self.card(rect, "不在", f"{len(view.staff_out)}名" if view.staff_out else "")
        table_h = self.absence_height(view) if view.has_absences else 0.0
        staff = QRectF(inner.left(), inner.top(), inner.width(), inner.height() - table_h)
        if not view.staff_out:
            self.empty(staff, "本日の不在はありません")
        elif not any(row.name for row in view.staff_out):
            big = m.font(m.body + 16, bold=True)
            count = f"{len(view.staff_out)}名"
            text_block(self.p, staff.left(), staff.top(), staff.width(), count, big, theme.TEXT)
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
            more = f"ほか {len(view.staff_out) - len(rows)} 名"
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
        text_block(p, box.left(), y, box.width(), "欠席・遅刻連絡", title, theme.MUTED)
        y += line_height(title) + m.px(10)
        if not view.absences:
            rest = QRectF(box.left(), y, box.width(), box.bottom() - y)
            self.empty(rest, "本日の連絡はありません")
            return
        col = box.width() * 0.18
        xs = [box.right() - col * 3, box.right() - col * 2, box.right() - col]
        step = line_height(cell) + m.px(2)
        text_block(p, box.left(), y + m.px(4), box.width(), "学級", head, theme.MUTED)
        for x, label in zip(xs, ("欠席", "遅刻", "早退"), strict=True):
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
        text_block(p, box.left(), y + m.px(2), box.width(), "合計", bold, theme.TEXT)
        for x, value in zip(xs, totals, strict=True):
            text_block(p, x, y + m.px(2), col, str(value), bold, theme.TEXT, align_right=True)


class WeekPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        m, p = self.m, self.p
        gap = m.px(18)
        w = (rect.width() - gap * 4) / 5
        today = view.now.date()
        body = m.font(m.meta + 2)
        bold = m.font(m.meta + 2, bold=True)
        for i, (day, events) in enumerate(view.week):
            col = QRectF(rect.left() + i * (w + gap), rect.top(), w, rect.height())
            aside = "今日" if day == today else ""
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
                self.empty(inner, "予定なし")
            for index, event in enumerate(events):
                need = line_height(body) + text_height(event.title, bold, inner.width(), 3)
                if y + need > inner.bottom():
                    text_block(
                        p,
                        inner.left(),
                        y,
                        inner.width(),
                        f"ほか {len(events) - index} 件",
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
                    theme.DIM if past else theme.YELLOW if when == "終日" else theme.MUTED,
                )
                title_color = theme.DIM if past else theme.TEXT
                y += text_block(
                    p, inner.left(), y, inner.width(), event.title, bold, title_color, 3
                )
                y += m.px(8)
                hline(p, inner.left(), inner.right(), y, m.px(1.5))
                y += m.px(10)


@dataclass(frozen=True)
class Piece:
    """A notice, or the part of a long one that fits on a page."""

    notice: Notice
    lines: tuple[str, ...]  # body lines on this page
    first: bool
    last: bool


class NoticesPanel(Panel):
    """Notices in pages that fit; a long body continues on the next page, never cut off.
    The page follows the panel's progress, and "1 / 3" says where it stands."""

    def fonts(self) -> tuple[QFont, QFont, QFont]:
        m = self.m
        return m.font(m.body + 4, bold=True), m.font(m.meta + 4), m.font(m.meta)

    def qr_size(self) -> float:
        return self.m.px(190)

    def text_width(self, inner: QRectF, notice: Notice) -> float:
        return inner.width() - (self.qr_size() + self.m.px(32) if notice.link else 0)

    def title_height(self, inner: QRectF, notice: Notice) -> float:
        title_font = self.fonts()[0]
        return text_height(notice.title, title_font, self.text_width(inner, notice) * 0.85, 2)

    def paginate(self, inner: QRectF, notices: tuple[Notice, ...]) -> list[list[Piece]]:
        title_font, body_font, meta_font = self.fonts()
        step = line_height(body_font)
        gap = self.m.px(40)
        pages: list[list[Piece]] = [[]]
        y = 0.0
        for notice in notices:
            lines = (
                wrap(notice.body, body_font, self.text_width(inner, notice)) if notice.body else []
            )
            fixed = self.title_height(inner, notice) + line_height(meta_font) + gap
            first = True
            while True:
                fit = int((inner.height() - y - fixed) // step)
                if pages[-1] and fit < min(len(lines), 2):
                    pages.append([])
                    y = 0.0
                    continue
                take, lines = lines[: max(fit, 1)], lines[max(fit, 1) :]
                pages[-1].append(Piece(notice, tuple(take), first, not lines))
                h = fixed + step * len(take)
                if first and notice.link:
                    h = max(h, self.qr_size() + gap)
                y += h
                if not lines:
                    break
                first = False
                pages.append([])
                y = 0.0
        return pages

    def pages(self, rect: QRectF, view: View) -> list[list[Piece]]:
        """The pages of the board in a panel of this rectangle. Worked out once for the
        same notices at the same size (the result is shared: do not change it)."""
        m = self.m
        inner = rect.adjusted(
            self.pad,
            self.pad * 0.8 + line_height(m.font(m.card_title, bold=True)) + m.px(14),
            -self.pad,
            -self.pad,
        )
        key = (view.notices, inner.getRect(), m.u, m.family)
        pages = _PAGES.get(key)
        if pages is None:
            pages = _PAGES[key] = self.paginate(inner, view.notices)
            while len(_PAGES) > PAGES_CACHE_SIZE:
                _PAGES.popitem(last=False)
        else:
            _PAGES.move_to_end(key)
        return pages

    def draw(self, rect: QRectF, view: View, page: float) -> None:
        pages = self.pages(rect, view)
        index = min(len(pages) - 1, int(page * len(pages)))
        aside = f"{index + 1} / {len(pages)}" if len(pages) > 1 else f"{len(view.notices)}件"
        inner = self.card(rect, "連絡事項", aside)
        y = inner.top()
        for piece in pages[index]:
            y = self.piece(inner, piece, y, view)

    def piece(self, inner: QRectF, piece: Piece, y: float, view: View) -> float:
        m, p = self.m, self.p
        notice = piece.notice
        title_font, body_font, meta_font = self.fonts()
        top = y
        w = self.text_width(inner, notice)
        x = inner.left()
        label = PRIORITY_LABEL.get(notice.priority)
        if label:
            color = theme.VERMILLION if notice.priority == "urgent" else theme.ORANGE
            x += chip(
                p,
                x,
                y + m.px(6),
                label,
                m.font(m.meta, bold=True),
                color,
                notice.priority == "urgent",
                m.px(10),
            ) + m.px(14)
        title = notice.title if piece.first else f"{notice.title}（続き）"
        y += text_block(p, x, y, w - (x - inner.left()), title, title_font, theme.TEXT, 2)
        step = line_height(body_font)
        for line in piece.lines:
            text_block(p, inner.left(), y + m.px(4), w, line, body_font, theme.TEXT)
            y += step
        if piece.last:
            y += text_block(
                p, inner.left(), y + m.px(8), w, self.meta(notice, view), meta_font, theme.MUTED
            ) + m.px(8)
        else:
            y += text_block(
                p, inner.left(), y + m.px(8), w, "次のページへ続く ▶", meta_font, theme.ORANGE
            ) + m.px(8)
        if notice.link and piece.first:
            size = self.qr_size()
            self.qr(QRectF(inner.right() - size, top, size, size), notice.link)
            y = max(y, top + size)
        if notice.priority == "urgent":
            p.fillRect(QRectF(inner.left() - m.px(20), top, m.px(6), y - top), theme.VERMILLION)
        y += m.px(16)
        hline(p, inner.left(), inner.right(), y, m.px(1.5))
        return y + m.px(20)

    def meta(self, notice: Notice, view: View) -> str:
        parts = []
        if notice.posted:
            parts.append(f"{short_date(notice.posted.astimezone(view.now.tzinfo).date())} 掲載")
        if notice.expires:
            local = notice.expires.astimezone(view.now.tzinfo)
            if local.time() == time(0, 0):  # a date-only expiry: through the day before
                last = local.date() - timedelta(days=1)
                parts.append(f"{'本日' if last == view.now.date() else short_date(last)} まで")
            else:
                day = "本日" if local.date() == view.now.date() else short_date(local.date())
                parts.append(f"{day} {hm(local)} まで")
        return "  ".join(parts)

    def qr(self, rect: QRectF, link: str) -> None:
        """A QR code so staff can open the link on a tablet."""
        p = self.p
        p.fillRect(rect, Qt.GlobalColor.white)
        matrix = qr_matrix(link)
        quiet = 2
        n = len(matrix) + quiet * 2
        cell = rect.width() / n
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(Qt.GlobalColor.black)
        for r, row in enumerate(matrix):
            for c, value in enumerate(row):
                if value:
                    p.drawRect(
                        QRectF(
                            rect.left() + (c + quiet) * cell,
                            rect.top() + (r + quiet) * cell,
                            cell + 0.5,
                            cell + 0.5,
                        )
                    )


_PAGES: OrderedDict[tuple[object, ...], list[list[Piece]]] = OrderedDict()


@lru_cache(maxsize=32)
def qr_matrix(link: str) -> tuple[tuple[bool, ...], ...]:
    """The modules of a link's QR code (made once per link: encoding takes milliseconds)."""
    import segno  # only the board with a link needs it: not imported at start-up

    return tuple(tuple(bool(v) for v in row) for row in segno.make(link, error="m").matrix)


class VisitsPanel(Panel):
    def draw(self, rect: QRectF, view: View, page: float) -> None:
        m, p = self.m, self.p
        gap = m.px(28)
        left = QRectF(rect.left(), rect.top(), rect.width() * 0.36, rect.height())
        right = QRectF(
            left.right() + gap, rect.top(), rect.width() - left.width() - gap, rect.height()
        )
        visits = view.visits
        inner = self.card(left, "今月のICT支援員来校")
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
            f"/ 目標 {visits.target} 回",
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
        for name, group in (("済", visits.done), ("予定", visits.planned)):
            dates = "、".join(f"{e.start.month}/{e.start.day}" for e in group)
            line = f"{name} {len(group)} 回" + (f"（{dates}）" if dates else "")
            y += text_block(p, inner.left(), y, inner.width(), line, body, theme.TEXT, 2) + m.px(8)
        text_block(
            p, inner.left(), y, inner.width(), f"先月 {visits.last_month} 回", body, theme.MUTED
        )

        inner = self.card(right, "これからの来校予定")
        if not visits.upcoming:
            self.empty(inner, "予定されている来校はありません")
            return

        self.event_rows(inner, visits.upcoming, inner.top(), label=visit_day, detail=visit_detail)


def visit_day(event: Event) -> str:
    day = event.start.date() if isinstance(event.start, datetime) else event.start
    return short_date(day)


def visit_detail(event: Event) -> str | None:
    when = "" if event.all_day else event_when(event)
    return "  ".join(x for x in (when, event.description) if x) or None


PANELS: dict[str, type[TodayPanel | WeekPanel | NoticesPanel | VisitsPanel]] = {
    "today": TodayPanel,
    "week": WeekPanel,
    "notices": NoticesPanel,
    "visits": VisitsPanel,
}
