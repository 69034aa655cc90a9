"""今日: the day's bell schedule, today's events (and the next school day's), who is out.

The cards follow the day. While school is on: the bell, the events, who is out. Once school is
out the bell card gives its room to the events and the next school day; on a day without
school (a holiday, a closure, a weekend) a card names the day instead of a bell. Side by side
on a wide screen, stacked in portrait, every size from the rectangle and the theme's fonts (so
other type sizes apply unchanged); a card is one entry of `cards()` and one painter method.

Every text drawn is kept in `boxes`, so tests can check that none overlaps another, leaves
the panel or cuts a time.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from signage.bell import BellStatus, PeriodState
from signage.jpdate import hm, short_date
from signage.messages import screen
from signage.model import Event
from signage.ui import theme
from signage.ui.draw import card, chip, hline, line_height, text_block, text_width, wrap
from signage.ui.panels.base import Panel, event_when
from signage.ui.panels.weather_card import paint_weather_card, weather_card_height
from signage.view import View, in_progress

PORTRAIT = 1.2  # a body narrower than this times its height stacks its cards
TITLE_MIN_EMS = 7  # a title column narrower than this many characters goes below the time
TITLE_LINES = 3  # an event's title wraps this far before it is cut
GROWS = ("events", "day")  # stacked, the spare height goes to the day's events
PORTRAIT_WIDTH = 1000  # design pixels across a stacked card: the type scale in portrait


@dataclass(frozen=True)
class TextBox:
    """One text as painted: where its ink is, what was asked and the lines drawn. The ink is
    measured only when asked for (the layout tests, a chip placed after a title), not on
    every paint."""

    where: QRectF | Callable[[], QRectF]  # the glyphs' ink (a chip: its box), or how to find it
    text: str
    shown: tuple[str, ...]
    kind: str  # "time", "chip", "title" or "text"

    @property
    def rect(self) -> QRectF:
        return self.where() if callable(self.where) else self.where

    @property
    def cut(self) -> bool:
        """Shortened with an ellipsis (or not drawn at all)."""
        drawn = "".join(self.shown)
        return drawn != self.text.replace("\n", "") and (drawn.endswith("…") or not drawn)


@dataclass(frozen=True)
class Slot:
    """A card of the panel: its painter, its share of a row, what height it would like."""

    name: str
    share: float
    paint: Callable[[QRectF, View], None]
    need: Callable[[float, View], float]


class TodayPanel(Panel):
    boxes: list[TextBox]

    # -- Layout ---------------------------------------------------------------------------

    def draw(self, rect: QRectF, view: View, page: float) -> None:
        self.boxes = []
        portrait = rect.width() < rect.height() * PORTRAIT
        if portrait and rect.width() < self.m.px(PORTRAIT_WIDTH):
            # a type scale made for a wide screen's height: scaled to the width the cards have
            self.m = copy.copy(self.m)
            self.m.u = rect.width() / PORTRAIT_WIDTH
            self.pad = self.m.px(28)
        gap = self.m.px(28)
        rows = self.cards(view, portrait)
        needs = [self.row_need(row, rect.width(), gap, view) for row in rows]
        if rows[-1][0].name == "weather" and sum(needs) + gap * (len(rows) - 1) > rect.height():
            rows, needs = rows[:-1], needs[:-1]  # the WBGT card yields first (the strip stays)
        grows = GROWS if view.today else ("next", *GROWS)  # a day without events: the next
        grow = min(
            (grows.index(s.name), i) for i, row in enumerate(rows) for s in row if s.name in grows
        )[1]
        heights = self.fit(needs, rect.height(), gap, grow) if portrait else [rect.height()]
        y = rect.top()
        for row, h in zip(rows, heights, strict=True):
            x = rect.left()
            for slot, w in zip(row, self.widths(row, rect.width(), gap), strict=True):
                slot.paint(QRectF(x, y, w, h), view)
                x += w + gap
            y += h + gap

    @staticmethod
    def widths(row: list[Slot], width: float, gap: float) -> list[float]:
        room = width - gap * (len(row) - 1)
        total = sum(s.share for s in row)
        return [room * s.share / total for s in row]

    def row_need(self, row: list[Slot], width: float, gap: float, view: View) -> float:
        return max(s.need(w, view) for s, w in zip(row, self.widths(row, width, gap), strict=True))

    def cards(self, view: View, portrait: bool = False) -> list[list[Slot]]:
        """The cards of the day in rows: one row side by side, or stacked in portrait (a new
        card is one more entry here)."""
        staff = Slot("staff", 0.31, self.staff_out, self.staff_need)
        if view.off is not None:
            day = Slot("day", 0.36 if view.today else 0.25, self.day_off, self.day_need)
            following = Slot("next", 0.33 if view.today else 0.44, self.next_day, self.next_need)
            slots = [day, following] + ([staff] if view.staff_out else [])
        elif view.bell is not None and not view.bell.over:
            bell = Slot("bell", 0.31, self.bell, self.bell_need)
            events = Slot("events", 0.38, self.events_and_weather, self.events_need)
            if portrait:
                rows = [[replace(bell, share=0.45), replace(staff, share=0.55)], [events]]
                return self.with_weather(rows, view)
            slots = [bell, events, staff]
        else:
            slots = [
                Slot("events", 0.35, self.events_and_weather, self.events_need),
                Slot("next", 0.35, self.next_day, self.next_need),
                Slot("staff", 0.30, self.staff_out, self.staff_need),
            ]
        if portrait:
            return self.with_weather([[slot] for slot in slots], view)
        return [slots]

    def with_weather(self, rows: list[list[Slot]], view: View) -> list[list[Slot]]:
        """Stacked: the WBGT card is a card of its own, below the rest, and the events column
        paints its events alone."""
        rows = [
            [replace(s, paint=self.events) if s.name == "events" else s for s in row]
            for row in rows
        ]
        weather = Slot("weather", 1.0, self.weather_card, self.weather_need)
        return rows + [[weather]] if self.weather_need(1000.0, view) > 0 else rows

    def weather_card(self, rect: QRectF, view: View) -> None:
        paint_weather_card(self, rect, view, share=1.0)

    def weather_need(self, width: float, view: View) -> float:
        return weather_card_height(self, width, view)

    @staticmethod
    def fit(needs: list[float], height: float, gap: float, grow: int = 0) -> list[float]:
        """Heights for stacked cards: each its need when all fit (the spare to `grow`);
        else the small ones whole and the large ones share the rest evenly."""
        room = height - gap * (len(needs) - 1)
        if sum(needs) <= room:
            out = list(needs)
            out[grow] += room - sum(needs)
            return out
        order = sorted(range(len(needs)), key=lambda i: needs[i])
        out = [0.0] * len(needs)
        left, count = room, len(needs)
        for i in order:
            out[i] = min(needs[i], left / count)
            left -= out[i]
            count -= 1
        return out

    # -- Drawing, recorded ----------------------------------------------------------------

    def text(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        font: QFont,
        color: QColor,
        lines: int = 1,
        right: bool = False,
        kind: str = "text",
    ) -> float:
        """text_block, with the painted box kept; returns the height used."""
        shown = tuple(wrap(text, font, width, lines))
        ink = partial(_ink, x, y, width, shown, QFont(font), right)
        self.boxes.append(TextBox(ink, text, shown, kind))
        text_block(self.p, x, y, width, text, font, color, lines, right)
        return line_height(font) * len(shown)

    def chip(
        self, x: float, y: float, text: str, font: QFont, color: QColor, filled: bool = False
    ) -> float:
        """A chip whose left edge is `x`; returns its width."""
        pad = self.m.px(10)
        w = chip(self.p, x, y, text, font, color, filled, pad)
        h = line_height(font) / 1.08 + pad * 0.6
        self.boxes.append(TextBox(QRectF(x, y, w, h), text, (text,), "chip"))
        return w

    def chip_size(self, text: str, font: QFont) -> tuple[float, float]:
        pad = self.m.px(10)
        return text_width(text, font) + 2 * pad, line_height(font) / 1.08 + pad * 0.6

    def card_top(
        self,
        rect: QRectF,
        title: str,
        aside: str = "",
        badge: tuple[str, QColor, bool] | None = None,
    ) -> QRectF:
        """The card, its title and what sits to the right of it (a count, a chip); when both
        do not fit on one line the right part goes below the title. Returns the space left."""
        m = self.m
        card(self.p, rect, m.px(18))
        inner = rect.adjusted(self.pad, self.pad * 0.8, -self.pad, -self.pad)
        font = m.font(m.card_title, bold=True)
        meta = m.font(m.meta, bold=badge is not None and badge[2])
        gap = m.px(16)
        side_w, side_h = 0.0, 0.0
        if badge is not None:
            side_w, side_h = self.chip_size(badge[0], meta)
        elif aside:
            side_w, side_h = text_width(aside, meta), line_height(meta)
        one_line = text_width(title, font) + gap + side_w <= inner.width()
        title_w = inner.width() - (side_w + gap if one_line and side_w else 0)
        used = self.text(inner.left(), inner.top(), title_w, title, font, theme.MUTED, 2)
        if side_w:
            top = inner.top() + (used - side_h) / 2 if one_line else inner.top() + used
            if badge is not None:
                left = inner.right() - side_w if one_line else inner.left()
                self.chip(left, top, badge[0], meta, badge[1], badge[2])
            else:
                self.text(
                    inner.left(), top, inner.width(), aside, meta, theme.MUTED, right=one_line
                )
            if not one_line:
                used += side_h + m.px(6)
        return inner.adjusted(0, used + m.px(14), 0, 0)

    def top_height(self, width: float, title: str, side: str, bold: bool = False) -> float:
        """The height card_top takes above its content, for a card `width` wide."""
        m = self.m
        font = m.font(m.card_title, bold=True)
        meta = m.font(m.meta, bold=bold)
        inner_w = width - 2 * self.pad
        side_w = self.chip_size(side, meta)[0] if side else 0.0
        one_line = text_width(title, font) + m.px(16) + side_w <= inner_w
        title_w = inner_w - (side_w + m.px(16) if one_line and side_w else 0)
        used = line_height(font) * len(wrap(title, font, title_w, 2))
        if side and not one_line:
            used += self.chip_size(side, meta)[1] + m.px(6)
        return self.pad * 1.8 + used + m.px(14)

    # -- The bell -------------------------------------------------------------------------

    def bell_font(self, width: float, status: BellStatus) -> tuple[QFont, float]:
        """The body font, or the smaller one when a time and its name do not fit side by
        side; and the width of the time column."""
        m = self.m
        time_w = 0.0
        for size in (m.body, m.meta):
            font = m.font(size, bold=True)
            time_w = max(text_width(_when(p), font) for p in status.periods) + m.px(20)
            label_w = max(text_width(p.period.label, font) for p in status.periods)
            if time_w + label_w <= width - 2 * self.pad:
                return m.font(size), time_w
        return m.font(m.meta), time_w

    def bell_row(self, font: QFont) -> float:
        return line_height(font) + self.m.px(14)

    def bell_need(self, width: float, view: View) -> float:
        status = view.bell
        assert status is not None
        font, _ = self.bell_font(width, status)
        rows = len(_window(status.periods, len(status.periods)))
        upcoming = sum(1 for p in status.periods if p.state != "past") + 1
        rows = min(rows, max(upcoming, 3))
        chip_text = _chime(status)
        return self.top_height(width, view.bell_name, chip_text, True) + rows * self.bell_row(font)

    def bell(self, rect: QRectF, view: View) -> None:
        m, p = self.m, self.p
        status = view.bell
        assert status is not None
        chime = _chime(status)
        badge = (chime, theme.ORANGE, True) if chime else None
        inner = self.card_top(rect, view.bell_name, badge=badge)
        font, time_w = self.bell_font(rect.width(), status)
        count = len(status.periods)
        left = min(count, sum(1 for p in status.periods if p.state != "past") + 1)
        small = m.font(m.meta)
        squeezed = QFontMetricsF(font).height() * 1.04
        if left * squeezed > inner.height() >= count * QFontMetricsF(small).height() * 1.04:
            # the rest of the day in smaller type rather than only a part of it
            font, time_w = small, max(text_width(_when(p), small) for p in status.periods)
            time_w += m.px(20)
        bold = QFont(font)
        bold.setBold(True)
        row_h = self.bell_row(font)
        tight = QFontMetricsF(font).height() * 1.04  # the lines' ink still apart
        if count * tight <= inner.height():  # every period, closer together
            row_h = min(row_h, inner.height() / count)
        shown = _window(status.periods, int(inner.height() / row_h + 1e-6))
        y = inner.top()
        for item in shown:
            color = {"past": theme.DIM, "now": theme.ORANGE, "future": theme.TEXT}[item.state]
            face = bold if item.state == "now" else font
            if item.state == "now":
                band = QRectF(inner.left() - m.px(12), y, inner.width() + m.px(12), row_h)
                p.fillRect(band, theme.NOW_FILL)
                p.fillRect(QRectF(band.left(), y, m.px(7), row_h), theme.ORANGE)
            text_y = y + (row_h - line_height(face)) / 2
            self.text(inner.left(), text_y, time_w, _when(item), face, color, kind="time")
            label_w = inner.width() - time_w
            self.text(inner.left() + time_w, text_y, label_w, item.period.label, face, color)
            y += row_h

    # -- Events ---------------------------------------------------------------------------

    def events_need(self, width: float, view: View) -> float:
        inner_w = width - 2 * self.pad
        need = self.top_height(width, screen("todays_events"), "")
        left = _not_over(view.today, view.now)
        need += self.rows_height(inner_w, left, view.now) or self.note_h()
        if len(left) < len(view.today):  # 終了 n 件
            need += self.note_h()
        if view.bell is not None and not view.bell.over and view.next_day_events:
            need += self.next_head_h() + self.rows_height(inner_w, view.next_day_events)
        return need

    def events_and_weather(self, rect: QRectF, view: View) -> None:
        """Today's events, with the WBGT card and the 注意報 (if any) at the foot while the
        events keep the room they need."""
        keep = self.events_need(rect.width(), view)
        self.events(paint_weather_card(self, rect, view, keep), view)

    def events(self, rect: QRectF, view: View) -> None:
        aside = screen("items", count=len(view.today)) if view.today else ""
        inner = self.card_top(rect, screen("todays_events"), aside)
        if view.today:
            y = self.rows(inner, view.today, inner.top(), view.now)
        else:
            none = view.empty_text("events", "no_events_today")
            y = inner.top() + self.note(inner, inner.top(), none)
        school_on = view.bell is not None and not view.bell.over
        if school_on and view.next_day_events:
            following = view.next_day_events
            first = self.row_height(inner.width(), following[0])
            more = line_height(self.m.font(self.m.meta)) if len(following) > 1 else 0.0
            brief = line_height(self.m.font(self.m.meta))
            if y + self.next_head_h() + first + more <= inner.bottom():
                y += self.m.px(16)
                y = self.next_heading(inner, y, view)
                self.rows(inner, following, y, None)
            elif y + self.next_head_h() + brief * min(len(following), 2) <= inner.bottom():
                y += self.m.px(16)
                y = self.next_heading(inner, y, view)
                self.brief_rows(inner, following, y)

    def brief_rows(self, inner: QRectF, events: tuple[Event, ...], top: float) -> None:
        """One line an event (time and title in small type), when full rows do not fit."""
        meta = self.m.font(self.m.meta)
        step = line_height(meta)
        fits = int((inner.bottom() - top) / step + 1e-6)
        shown = events if len(events) <= fits else events[: max(fits - 1, 0)]
        y = top
        for event in shown:
            when = screen("all_day") if event.all_day else event_when(event).split("–")[0]
            self.text(inner.left(), y, inner.width(), f"{when}　{event.title}", meta, theme.TEXT)
            y += step
        if len(shown) < len(events):
            more = screen("more_items", count=len(events) - len(shown))
            self.text(inner.left(), y, inner.width(), more, meta, theme.MUTED)

    def next_need(self, width: float, view: View) -> float:
        return self.top_height(width, _next_title(view), view.next_day_bell) + (
            self.rows_height(width - 2 * self.pad, view.next_day_events) or self.note_h()
        )

    def next_day(self, rect: QRectF, view: View) -> None:
        badge = (view.next_day_bell, theme.SKY, False) if view.next_day_bell else None
        inner = self.card_top(rect, _next_title(view), badge=badge)
        if view.next_day_events:
            self.rows(inner, view.next_day_events, inner.top(), None)
        else:
            self.note(inner, inner.top(), view.empty_text("events", "no_events_day"))

    def next_head_h(self) -> float:
        return self.m.px(16) + line_height(self.m.font(self.m.card_title, bold=True)) + self.m.px(8)

    def next_heading(self, inner: QRectF, y: float, view: View) -> float:
        """明日 12/2(水) and its schedule when not the usual one; returns the y below."""
        m = self.m
        font = m.font(m.card_title, bold=True)
        label = screen("tomorrow") if _days_ahead(view) == 1 else screen("next_school_day")
        used = self.text(inner.left(), y, inner.width(), label, font, theme.MUTED)
        x = inner.left() + text_width(label, font) + m.px(16)
        meta = m.font(m.meta)
        when = short_date(view.next_day)
        lift = (line_height(font) - line_height(meta)) / 2
        if x + text_width(when, meta) <= inner.right():
            self.text(x, y + lift, inner.right() - x, when, meta, theme.MUTED)
            x += text_width(when, meta) + m.px(16)
        if view.next_day_bell:
            w, h = self.chip_size(view.next_day_bell, meta)
            if x + w <= inner.right():
                self.chip(x, y + (line_height(font) - h) / 2, view.next_day_bell, meta, theme.SKY)
        return y + used + m.px(8)

    def row_fonts(self) -> tuple[QFont, QFont, QFont]:
        m = self.m
        return m.font(m.body), m.font(m.meta), m.font(m.meta + 4)

    def time_width(self) -> float:
        return text_width("88:88–88:88", self.row_fonts()[2]) + self.m.px(24)

    def stacked(self, width: float) -> bool:
        """Too narrow for a time column beside the titles: the time goes above the title."""
        return width - self.time_width() < TITLE_MIN_EMS * self.row_fonts()[0].pixelSize()

    def row_height(self, width: float, event: Event, live: bool = False) -> float:
        """`live`: under way, with いま below its time (beside, the row may need more)."""
        body, meta, when_font = self.row_fonts()
        stacked = self.stacked(width)
        title_w = width if stacked else width - self.time_width()
        lines = len(wrap(event.title, body, title_w, TITLE_LINES))
        sub = len(wrap(event.location, meta, title_w, 1)) if event.location else 0
        above = self.when_height(event, when_font, meta) if stacked else 0.0
        text_h = line_height(body) * lines + line_height(meta) * sub
        if live and not stacked and not event.all_day:
            text_h = max(text_h, self.live_height(when_font, meta))
        return above + text_h + self.m.px(20)

    def live_height(self, when_font: QFont, meta: QFont) -> float:
        """The time with いま below it."""
        return line_height(when_font) + self.chip_size(screen("event_now"), meta)[1] + self.m.px(8)

    def when_height(self, event: Event, when_font: QFont, meta: QFont) -> float:
        """The time line of a stacked row (a chip's height for 終日)."""
        if event.all_day:
            return self.chip_size(screen("all_day"), meta)[1] + self.m.px(8)
        return line_height(when_font) + self.m.px(4)

    def rows_height(
        self, width: float, events: tuple[Event, ...], now: datetime | None = None
    ) -> float:
        """`now`: rows under way then are as tall as いま below their time needs."""
        live = (lambda e: in_progress(e, now)) if now is not None else (lambda e: False)
        return sum(self.row_height(width, e, live(e)) for e in events)

    def note_h(self) -> float:
        return line_height(self.m.font(self.m.meta)) + self.m.px(10)

    def note(self, inner: QRectF, y: float, text: str) -> float:
        font = self.m.font(self.m.meta)
        return self.text(inner.left(), y, inner.width(), text, font, theme.DIM, 2)

    def rows(
        self, inner: QRectF, events: tuple[Event, ...], top: float, now: datetime | None
    ) -> float:
        """Time and title rows; an event under way is marked as the current period is, one
        that is over is greyed and the first to give way when the card is full. Returns the
        y below the last row."""
        m, p = self.m, self.p
        meta = self.row_fonts()[1]
        shown = list(events)
        over = [e for e in events if now is not None and _over(e, now)]
        room = inner.bottom() - top
        if over and self.rows_height(inner.width(), events, now) > room:
            shown = [e for e in events if e not in over]
        if now is not None and self.rows_height(inner.width(), tuple(shown), now) > room:
            shown.sort(key=lambda e: not in_progress(e, now))  # still full: what is under way first
        y = top
        if len(shown) < len(events):
            text = screen("events_over", count=len(events) - len(shown))
            y += self.text(inner.left(), y, inner.width(), text, meta, theme.DIM) + m.px(6)
        for index, event in enumerate(shown):
            live = now is not None and in_progress(event, now)
            need = self.row_height(inner.width(), event, live)
            more_h = line_height(meta)
            last = index == len(shown) - 1
            if y + need - m.px(10) > inner.bottom() or (
                not last and y + need + more_h > inner.bottom()
            ):
                more = screen("more_items", count=len(shown) - index)
                self.text(inner.left(), y, inner.width(), more, meta, theme.MUTED)
                return y + more_h
            done = now is not None and _over(event, now)
            if live:
                band = QRectF(inner.left() - m.px(12), y - m.px(4), inner.width() + m.px(12), need)
                p.fillRect(band, theme.NOW_FILL)
                p.fillRect(QRectF(band.left(), band.top(), m.px(7), need), theme.ORANGE)
            h = self.event_row(inner, y, event, live, done)
            y += h + m.px(10)
            hline(p, inner.left(), inner.right(), y, m.px(1.5))
            y += m.px(10)
        return y

    def event_row(self, inner: QRectF, y: float, event: Event, live: bool, done: bool) -> float:
        """One event: its time (beside the title, or above it when narrow), the title, the
        place; いま on one under way. Returns the height used."""
        m = self.m
        body, meta, when_font = self.row_fonts()
        stacked = self.stacked(inner.width())
        time_w = inner.width() if stacked else self.time_width()
        when = event_when(event)
        if event.all_day:
            chip_w = self.chip(inner.left(), y + m.px(4), when, meta, theme.YELLOW)
        else:
            color = theme.ORANGE if live else (theme.DIM if done else theme.MUTED)
            font = QFont(when_font)
            font.setBold(live)
            shown_w = text_width(when, font)
            self.text(inner.left(), y + m.px(4), time_w, when, font, color, kind="time")
            chip_w = shown_w
        x, top = inner.left() + time_w, y
        if stacked:
            x, top = inner.left(), y + self.when_height(event, when_font, meta)
        title_w = inner.right() - x
        ink = theme.DIM if done else theme.TEXT
        h = self.text(x, top, title_w, event.title, body, ink, TITLE_LINES, kind="title")
        title_box = self.boxes[-1].rect
        if event.location:
            color = theme.DIM if done else theme.MUTED
            h += self.text(x, top + h, title_w, event.location, meta, color)
        if live:
            label = screen("event_now")
            w, chip_h = self.chip_size(label, meta)
            if stacked and inner.left() + chip_w + m.px(16) + w <= inner.right():
                lift = (line_height(when_font) - chip_h) / 2
                self.chip(
                    inner.left() + chip_w + m.px(16),
                    y + m.px(4) + lift,
                    label,
                    meta,
                    theme.ORANGE,
                    True,
                )
            elif not stacked and not event.all_day:  # below the time (row_height made room)
                below = y + m.px(8) + line_height(when_font)
                self.chip(inner.left(), below, label, meta, theme.ORANGE, True)
                h = max(h, self.live_height(when_font, meta))
            elif title_box.right() + m.px(16) + w <= inner.right():  # after a one-line title
                lift = (line_height(body) - chip_h) / 2
                self.chip(inner.right() - w, top + lift, label, meta, theme.ORANGE, True)
        return h + (top - y)

    # -- A day without school -------------------------------------------------------------

    def day_need(self, width: float, view: View) -> float:
        m = self.m
        big = m.font(m.header_date, bold=True)
        inner_w = width - 2 * self.pad
        lines = len(wrap(view.off or "", big, inner_w, 2))
        head = self.pad * 1.8 + line_height(big) * lines + line_height(m.font(m.meta)) + m.px(30)
        left = _not_over(view.today, view.now)
        over = self.note_h() if len(left) < len(view.today) else 0.0
        return head + over + (self.rows_height(inner_w, left, view.now) or self.note_h())

    def day_off(self, rect: QRectF, view: View) -> None:
        """The day's name large (勤労感謝の日, 臨時休業, 土曜日), then its events if any."""
        m = self.m
        card(self.p, rect, m.px(18))
        inner = rect.adjusted(self.pad, self.pad * 0.8, -self.pad, -self.pad)
        big = m.font(m.header_date, bold=True)
        meta = m.font(m.meta)
        assert view.off is not None
        y = inner.top()
        y += self.text(inner.left(), y, inner.width(), view.off, big, theme.TEXT, 2, kind="title")
        y += self.text(inner.left(), y, inner.width(), screen("no_school"), meta, theme.MUTED)
        y += m.px(14)
        hline(self.p, inner.left(), inner.right(), y, m.px(2))
        y += m.px(16)
        rest = QRectF(inner.left(), y, inner.width(), inner.bottom() - y)
        if view.today:
            self.rows(rest, view.today, y, view.now)
        else:
            self.note(rest, y, view.empty_text("events", "no_events_today"))

    # -- Who is out, who is absent --------------------------------------------------------

    def staff_need(self, width: float, view: View) -> float:
        inner_w = width - 2 * self.pad
        need = self.top_height(width, screen("staff_out"), "")
        rows = view.staff_out
        need += sum(self.staff_row_height(inner_w, r.name, r.reason, r.when) for r in rows)
        need += 0 if rows else self.note_h()
        if view.has_absences:
            need += self.absence_height(view)
        return need

    def staff_out(self, rect: QRectF, view: View) -> None:
        """不在 on top; 欠席・遅刻連絡 below it when an absences source is configured. A reason
        that does not fit beside the name goes below it while the card has room; the class
        rows give way to a one-line total before anyone out is hidden."""
        m = self.m
        people = screen("people", count=len(view.staff_out))
        inner = self.card_top(rect, screen("staff_out"), people if view.staff_out else "")
        rows, w = view.staff_out, inner.width()
        table_h = self.absence_height(view) if view.has_absences else 0.0
        spread = sum(self.staff_row_height(w, r.name, r.reason, r.when) for r in rows)
        compact = sum(self.staff_row_height(w, r.name, r.reason, r.when, False) for r in rows)
        short = self.absence_summary_height() if view.has_absences else 0.0
        # the first that fits: reasons whole and every class; reasons beside the names and
        # every class; reasons whole and the totals; reasons beside and the totals
        wrap_reasons, summary = next(
            (
                (spread_out, totals)
                for spread_out, totals in ((True, False), (False, False), (True, True))
                if (spread if spread_out else compact) + (short if totals else table_h)
                <= inner.height()
            ),
            (False, True),
        )
        summary = summary and view.has_absences
        if summary:
            table_h = short
        staff = QRectF(inner.left(), inner.top(), inner.width(), inner.height() - table_h)
        if not rows:
            self.note(staff, staff.top(), view.empty_text("staff_out", "no_staff_out"))
        elif not any(row.name for row in rows):
            big = m.font(m.body + 16, bold=True)
            self.text(staff.left(), staff.top(), staff.width(), people, big, theme.TEXT)
        else:
            self.staff_rows(staff, view, wrap_reasons)
        if view.has_absences:
            box = QRectF(inner.left(), inner.bottom() - table_h, inner.width(), table_h)
            if summary:
                self.absence_summary(box, view)
            else:
                self.absence_table(box, view)

    def staff_row_height(
        self, width: float, name: str, reason: str, when: str, wrap_reason: bool = True
    ) -> float:
        m = self.m
        name_font, meta = m.font(m.body), m.font(m.meta)
        chip_w = self.chip_size(when, meta)[0]
        room = width - chip_w - m.px(16)
        name_w = min(text_width(name, name_font) + m.px(16), room)
        h = line_height(name_font)
        if wrap_reason and reason and text_width(reason, meta) > room - name_w:
            h += line_height(meta) * len(wrap(reason, meta, width, 2))
        return h + m.px(12)

    def staff_rows(self, box: QRectF, view: View, wrap_reasons: bool) -> None:
        """One colleague a row: name, the reason beside it (or below), "until" at the right."""
        m, p = self.m, self.p
        name_font, meta = m.font(m.body), m.font(m.meta)
        rows = list(view.staff_out)
        y = box.top()
        for index, row in enumerate(rows):
            need = self.staff_row_height(box.width(), row.name, row.reason, row.when, wrap_reasons)
            left_after = len(rows) - index - 1
            if y + need > box.bottom() + m.px(6) or (
                left_after and y + need + line_height(meta) > box.bottom()
            ):
                more = screen("more_people", count=len(rows) - index)
                self.text(box.left(), y, box.width(), more, meta, theme.MUTED)
                return
            chip_w, chip_h = self.chip_size(row.when, meta)
            chip_y = y + (line_height(name_font) - chip_h) / 2
            self.chip(box.right() - chip_w, chip_y, row.when, meta, theme.SKY)
            room = box.width() - chip_w - m.px(16)
            name_w = min(text_width(row.name, name_font) + m.px(16), room)
            self.text(box.left(), y, name_w, row.name, name_font, theme.TEXT)
            beside = text_width(row.reason, meta) <= room - name_w or not wrap_reasons
            if row.reason and beside and room - name_w > m.px(60):
                reason_y = y + line_height(name_font) - line_height(meta) - m.px(2)
                left = box.left() + name_w
                self.text(left, reason_y, room - name_w, row.reason, meta, theme.MUTED)
            elif row.reason and not beside:
                below = y + line_height(name_font)
                self.text(box.left(), below, box.width(), row.reason, meta, theme.MUTED, 2)
            y += need - m.px(6)
            hline(p, box.left(), box.right(), y, m.px(1.5))
            y += m.px(6)

    def absence_summary_height(self) -> float:
        m = self.m
        title = m.font(m.card_title, bold=True)
        return m.px(10) + line_height(title) + m.px(6) + line_height(m.font(m.meta + 2))

    def absence_summary(self, box: QRectF, view: View) -> None:
        """欠席・遅刻連絡 as one line of totals, when the card has no room for the classes."""
        m = self.m
        title = m.font(m.card_title, bold=True)
        y = box.top() + m.px(10)
        hline(self.p, box.left(), box.right(), y - m.px(4), m.px(2))
        self.text(box.left(), y, box.width(), screen("absences"), title, theme.MUTED)
        y += line_height(title) + m.px(6)
        counts = view.absences
        text = screen(
            "absences_total",
            absent=sum(c.absent for c in counts),
            late=sum(c.late for c in counts),
            early=sum(c.early_leave for c in counts),
        )
        self.text(box.left(), y, box.width(), text, m.font(m.meta + 2, bold=True), theme.TEXT)

    def absence_height(self, view: View) -> float:
        m = self.m
        rows = len(view.absences) + (2 if view.absences else 1)  # header (+ total)
        title = line_height(m.font(m.card_title, bold=True)) + m.px(24)
        return title + rows * (line_height(m.font(m.meta + 2)) + m.px(2))

    def absence_table(self, box: QRectF, view: View) -> None:
        """Per class: how many pupils are absent, late or leaving early today, and the total.
        Columns as wide as their heading; class rows that do not fit give way to the total."""
        m = self.m
        title = m.font(m.card_title, bold=True)
        cell, head = m.font(m.meta + 2), m.font(m.meta)
        y = box.top() + m.px(10)
        hline(self.p, box.left(), box.right(), y - m.px(4), m.px(2))
        self.text(box.left(), y, box.width(), screen("absences"), title, theme.MUTED)
        y += line_height(title) + m.px(10)
        if not view.absences:
            rest = QRectF(box.left(), y, box.width(), box.bottom() - y)
            self.note(rest, y, view.empty_text("absences", "no_absences"))
            return
        labels = (screen("absent"), screen("late"), screen("early_leave"))
        col = max(max(text_width(t, head) for t in labels), text_width("888", cell)) + m.px(14)
        xs = [box.right() - col * 3, box.right() - col * 2, box.right() - col]
        step = line_height(cell) + m.px(2)
        self.text(box.left(), y + m.px(4), xs[0] - box.left(), screen("class"), head, theme.MUTED)
        for x, label in zip(xs, labels, strict=True):
            self.text(x, y + m.px(4), col, label, head, theme.MUTED, right=True)
        y += step
        totals = [0, 0, 0]
        room = int((box.bottom() - y) // step) - 1  # the total's line
        for index, count in enumerate(view.absences):
            values = (count.absent, count.late, count.early_leave)
            for i, value in enumerate(values):
                totals[i] += value
            if index >= room:
                continue
            label = count.class_name + (f"（{'・'.join(count.names)}）" if count.names else "")
            self.text(box.left(), y, xs[0] - box.left() - m.px(8), label, cell, theme.TEXT)
            for x, value in zip(xs, values, strict=True):
                self.text(x, y, col, str(value), cell, theme.TEXT, right=True)
            y += step
        bold = m.font(m.meta + 2, bold=True)
        hline(self.p, box.left(), box.right(), y, m.px(1.5))
        self.text(box.left(), y + m.px(2), xs[0] - box.left(), screen("total"), bold, theme.TEXT)
        for x, value in zip(xs, totals, strict=True):
            self.text(x, y + m.px(2), col, str(value), bold, theme.TEXT, right=True)


def _when(item: PeriodState) -> str:
    period = item.period
    return hm(period.start) + ("–" + hm(period.end) if period.end else "")


def _chime(status: BellStatus) -> str:
    if status.minutes_to_next is None:
        return ""
    return screen("minutes_to_chime", minutes=status.minutes_to_next)


def _window(periods: tuple[PeriodState, ...], fits: int) -> tuple[PeriodState, ...]:
    """The periods to list in `fits` rows: all when they fit; else from the one before the
    current (or next) period on, keeping the end of the day."""
    if fits <= 0:
        return ()
    if len(periods) <= fits:
        return periods
    first = next((i for i, p in enumerate(periods) if p.state != "past"), len(periods))
    before = 1 if fits >= 4 and fits > len(periods) - first else 0  # the one just over, if room
    start = min(max(0, first - before), len(periods) - fits)
    return periods[start : start + fits]


def _over(event: Event, now: datetime) -> bool:
    return not event.all_day and isinstance(event.end, datetime) and event.end <= now


def _ink(
    x: float, y: float, width: float, shown: tuple[str, ...], font: QFont, right: bool
) -> QRectF:
    """Where the glyphs of `shown` are, as text_block draws them from (x, y)."""
    metrics = QFontMetricsF(font)
    ink = QRectF()
    for i, line in enumerate(shown):
        dx = width - metrics.horizontalAdvance(line) if right else 0.0
        base = y + i * line_height(font) + metrics.ascent()
        ink = ink.united(metrics.tightBoundingRect(line).translated(x + dx, base))
    return ink


def _not_over(events: tuple[Event, ...], now: datetime) -> tuple[Event, ...]:
    return tuple(e for e in events if not _over(e, now))


def _days_ahead(view: View) -> int:
    today: date = view.now.date()
    return (view.next_day - today).days


def _next_title(view: View) -> str:
    label = screen("tomorrow") if _days_ahead(view) == 1 else screen("next_school_day")
    return f"{label} {short_date(view.next_day)}"


PANEL = TodayPanel
