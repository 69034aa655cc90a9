"""連絡事項: the notice board, in pages that fit, with a QR code for a link."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import time, timedelta
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont

from signage.jpdate import hm, short_date
from signage.messages import screen
from signage.model import Notice
from signage.ui import theme
from signage.ui.draw import chip, hline, line_height, text_block, text_height, wrap
from signage.ui.panels.base import Panel
from signage.view import View

PRIORITY_LABEL = {"urgent": screen("urgent"), "high": screen("important")}
PAGES_CACHE_SIZE = 8  # board paginations kept (per notices, size): a rotation reuses them


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
        return inner.width() - (self.qr_size() + self.m.px(32) if has_qr(notice) else 0)

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
                if first and has_qr(notice):
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
        count = screen("items", count=len(view.notices))
        aside = f"{index + 1} / {len(pages)}" if len(pages) > 1 else count
        inner = self.card(rect, screen("panel.notices"), aside)
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
        title = notice.title if piece.first else screen("continued", title=notice.title)
        y += text_block(p, x, y, w - (x - inner.left()), title, title_font, theme.TEXT, 2)
        step = line_height(body_font)
        for line in piece.lines:
            text_block(p, inner.left(), y + m.px(4), w, line, body_font, theme.TEXT)
            y += step
        if piece.last:
            note, color = self.meta(notice, view), theme.MUTED
        else:
            note, color = screen("continues_on_next_page"), theme.ORANGE
        y += text_block(p, inner.left(), y + m.px(8), w, note, meta_font, color) + m.px(8)
        matrix = qr_matrix(notice.link) if notice.link and piece.first else None
        if matrix:
            size = self.qr_size()
            self.qr(QRectF(inner.right() - size, top, size, size), matrix)
            y = max(y, top + size)
        if notice.priority == "urgent":
            p.fillRect(QRectF(inner.left() - m.px(20), top, m.px(6), y - top), theme.VERMILLION)
        y += m.px(16)
        hline(p, inner.left(), inner.right(), y, m.px(1.5))
        return y + m.px(20)

    def meta(self, notice: Notice, view: View) -> str:
        parts = []
        if notice.posted:
            posted = notice.posted.astimezone(view.now.tzinfo).date()
            parts.append(screen("posted_on", date=short_date(posted)))
        if notice.expires:
            local = notice.expires.astimezone(view.now.tzinfo)
            if local.time() == time(0, 0):  # a date-only expiry: through the day before
                last = local.date() - timedelta(days=1)
                day = screen("today") if last == view.now.date() else short_date(last)
                parts.append(screen("until_day", day=day))
            else:
                last = local.date()
                day = screen("today") if last == view.now.date() else short_date(last)
                parts.append(screen("until_time", day=day, time=hm(local)))
        return "  ".join(parts)

    def qr(self, rect: QRectF, matrix: Matrix) -> None:
        """A QR code so staff can open the link on a tablet."""
        p = self.p
        p.fillRect(rect, Qt.GlobalColor.white)
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


Matrix = tuple[tuple[bool, ...], ...]
QR_SCHEMES = ("http://", "https://")  # a phone opens these; javascript:, file:, data: get no code
QR_MAX_VERSION = 20  # 97 modules: about 2 px each in the panel's code; a longer link is unreadable


def has_qr(notice: Notice) -> bool:
    return bool(notice.link) and qr_matrix(notice.link or "") is not None


@lru_cache(maxsize=32)
def qr_matrix(link: str) -> Matrix | None:
    """The modules of a link's QR code (made once per link: encoding takes milliseconds), or
    None for a link that gets none: not http(s), or too long for a readable code. The notice
    still shows, without its code."""
    import segno  # only the board with a link needs it: not imported at start-up

    link = link.strip()
    if not link.lower().startswith(QR_SCHEMES) or any(c.isspace() for c in link):
        return None
    try:
        code = segno.make(link, error="m")
    except segno.DataOverflowError:
        return None
    if code.version > QR_MAX_VERSION:  # type: ignore[operator]  # an int for a full QR code
        return None
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


PANEL = NoticesPanel
