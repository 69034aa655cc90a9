"""The whole screen: header (never rotates), banner strip, the current panel, footer.

`paint_screen` is used both by the kiosk window and by `signage render`, so what the
preview shows is exactly what the monitor shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from signage.jpdate import long_date
from signage.messages import screen
from signage.panels import panel_kind
from signage.presenter import Frame, current_banners
from signage.ui import panels, theme
from signage.ui.draw import chip, line_height, text_block, text_height, text_width, wrap
from signage.ui.fonts import japanese_family
from signage.ui.panels.notices import NoticesPanel
from signage.ui.theme import Metrics
from signage.ui.weather_strip import paint_weather_strip
from signage.view import Banner, View


class PanelError(Exception):
    """A panel failed to draw; the window skips it and the header and footer stay."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"panel {kind!r} failed to draw")
        self.kind = kind


@dataclass(frozen=True)
class Layout:
    """Where each part of the screen goes; the same for painting and for paging."""

    header: QRectF
    banners: tuple[QRectF, ...]
    body: QRectF
    notes: QRectF | None
    footer: QRectF


HEADER = 150  # design px: the clock's band
NARROW = 1400  # design px: below this width (portrait) the school's name gets a row of its own
NAME_ROW = 130


def narrow(width: float, m: Metrics) -> bool:
    return width / m.u < NARROW


def layout(width: int, height: int, view: View, m: Metrics) -> Layout:
    rows = HEADER + (NAME_ROW if narrow(width, m) else 0)
    header = QRectF(0, 0, width, m.px(rows))
    top = header.bottom()
    strips = []
    for banner in current_banners(view):
        strips.append(QRectF(0, top, width, banner_height(banner, width, m)))
        top = strips[-1].bottom()
    footer_h = m.px(84)
    footer = QRectF(0, height - footer_h, width, footer_h)
    bottom = footer.top()
    notes = None
    if view.notes:
        notes = QRectF(0, bottom - m.px(60), width, m.px(60))
        bottom = notes.top()
    margin = m.px(40)
    body = QRectF(margin, top + margin * 0.7, width - 2 * margin, bottom - top - margin * 1.2)
    return Layout(header, tuple(strips), body, notes, footer)


def paint_screen(painter: QPainter, width: int, height: int, view: View, frame: Frame) -> None:
    m = Metrics(height, width)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, width, height), theme.BG)
    painter.translate(*burn_in_offset(view, m))
    parts = layout(width, height, view, m)
    paint_header(painter, parts.header, view, m)
    for rect, banner in zip(parts.banners, current_banners(view), strict=True):
        paint_banner(painter, rect, banner, m)
    paint_footer(painter, parts.footer, frame, m)
    if parts.notes is not None:
        paint_notes(painter, parts.notes, view, m)
    painter.save()
    try:
        panels.painter(frame.panel)(painter, m).draw(parts.body, view, frame.position)
    except Exception as exc:
        painter.restore()
        painter.fillRect(parts.body, theme.BG)  # never half a panel
        raise PanelError(frame.panel) from exc
    painter.restore()


def ticking_rects(width: int, height: int, view: View) -> tuple[QRect, QRect]:
    """What changes from one second to the next while nothing else does: the clock (its
    colon blinks) and the progress bar; in window pixels, the burn-in shift included."""
    dx, dy = burn_in_offset(view, Metrics(height, width))
    clock, _, bar = _ticking_geometry(width, height, japanese_family())
    return (
        QRectF(*clock).translated(dx, dy).toAlignedRect(),
        QRectF(*bar).translated(dx, dy).toAlignedRect(),
    )


def changed_rects(
    width: int, height: int, view: View, progress_before: float, progress_after: float
) -> list[QRect]:
    """What of `ticking_rects` one second changes while the scene stays: the clock's colon
    (its digits change with the minute, which repaints the whole screen) and the bar's part
    between where it was painted and where it is now. Whole pixels, a margin for the
    antialiased edges; `paint_ticking` clipped to these paints the same pixels as a whole
    repaint. Nothing of the clock when it does not blink (`[display] blink = false`)."""
    m = Metrics(height, width)
    dx, dy = burn_in_offset(view, m)
    clock, (right, top), bar = _ticking_geometry(width, height, m.family)
    rects = []
    if view.blink:
        font = m.font(m.clock)
        colon_w = text_width(":", font)
        x = right - text_width(view.now.strftime("%M"), font) - colon_w
        colon = QRectF(x - 2, clock[1], colon_w + 6, clock[3]) & QRectF(*clock)
        rects.append(colon.translated(dx, dy).toAlignedRect())
    left, right_x = sorted((progress_before, progress_after))
    if right_x > left:
        strip = QRectF(*bar)
        span = QRectF(
            strip.left() + strip.width() * left - 1,
            strip.top(),
            strip.width() * (right_x - left) + 2,
            strip.height(),
        )
        rects.append((span & strip).translated(dx, dy).toAlignedRect())
    return rects


def paint_ticking(
    painter: QPainter,
    width: int,
    height: int,
    view: View,
    frame: Frame,
    clock: bool = True,
    within: QRect | None = None,
) -> None:
    """Repaint only the clock and the progress bar, exactly as `paint_screen` paints them,
    over a screen that `paint_screen` painted for the same panel, data and minute.
    `clock=False`: the bar alone (nothing of the clock was asked for). `within`: the part of
    the clock asked for, in window pixels (the blinking colon's): only it is painted, and the
    digits whose ink lies outside it are not drawn at all (at clock size Qt draws each glyph's
    outline: that costs)."""
    m = Metrics(height, width)
    box, (right, top), bar = _ticking_geometry(width, height, m.family)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.translate(*burn_in_offset(view, m))
    if clock:
        painter.save()
        area = None
        if within is not None:  # a window's painter is not clipped to what it was asked for
            area = painter.transform().inverted()[0].mapRect(QRectF(within))
            painter.setClipRect(area)
        painter.fillRect(QRectF(*box), theme.BG)
        paint_clock(painter, right, top, view, m.font(m.clock), area)
        painter.restore()
    painter.fillRect(QRectF(*bar), theme.BG)
    paint_progress(painter, QRectF(*bar), frame)


Box = tuple[float, float, float, float]


@lru_cache(maxsize=8)
def _ticking_geometry(width: int, height: int, family: str) -> tuple[Box, tuple[float, float], Box]:
    """The clock's box and place, and the bar's strip, at this size (measured once)."""
    m = Metrics(height, width)
    header = QRectF(0, 0, width, m.px(HEADER))
    box = _clock_box(header, m)
    strip = _bar_box(width, height, m)
    return (
        (box.x(), box.y(), box.width(), box.height()),
        _clock_place(header, m),
        (strip.x(), strip.y(), strip.width(), strip.height()),
    )


def notice_pages(width: int, height: int, view: View) -> int:
    """How many pages the board needs at this size (the rotation gives each its time)."""
    m = Metrics(height, width)
    return len(NoticesPanel(QPainter(), m).pages(layout(width, height, view, m).body, view))


BURN_IN_STEPS = ((0, 0), (2, 1), (-1, 2), (-2, -1), (1, -2), (2, -2), (-2, 1), (0, 2))
BURN_IN_MINUTES = 4


def burn_in_offset(view: View, m: Metrics) -> tuple[float, float]:
    """A shift of a few pixels every few minutes, so nothing bright stays put for hours."""
    step = int(view.now.timestamp() // (BURN_IN_MINUTES * 60)) % len(BURN_IN_STEPS)
    dx, dy = BURN_IN_STEPS[step]
    return round(dx * 1.5 * m.u), round(dy * 1.5 * m.u)


def _clock_place(header: QRectF, m: Metrics) -> tuple[float, float]:
    """The clock's right edge and top."""
    font = m.font(m.clock)
    return header.right() - m.px(48), header.top() + (
        header.height() - line_height(font)
    ) / 2 + m.px(4)


def _clock_box(header: QRectF, m: Metrics) -> QRectF:
    """All the clock may ink, and nothing else of the header: from half-way through the gap
    after the date to the right edge, above the header's rule. Whole pixels."""
    right, _ = _clock_place(header, m)
    left = int(right - text_width("88:88", m.font(m.clock)) - m.px(25))
    return QRectF(left, header.top(), header.right() - left, header.height() - m.px(2))


def _bar_box(width: int, height: int, m: Metrics) -> QRectF:
    """The strip of the progress bar along the bottom of the footer."""
    bar = m.px(8)
    return QRectF(0, height - bar, width, bar)


def paint_header(p: QPainter, rect: QRectF, view: View, m: Metrics) -> None:
    """Clock at the right; the date beside it (or, on a narrow screen, at the left of the
    clock's band, with the school's name and the freshness line on a row below)."""
    pad = m.px(48)
    band = QRectF(rect.left(), rect.top(), rect.width(), m.px(HEADER))
    clock_font = m.font(m.clock)
    clock_w = text_width("88:88", clock_font)
    paint_clock(p, *_clock_place(band, m), view, clock_font)
    date = long_date(view.now.date())
    room = band.right() - pad - clock_w - m.px(50)
    thin = narrow(rect.width(), m)
    date_font = m.font(m.header_date, bold=True)
    if thin:  # a long date (11月23日) steps down a size or two rather than being cut
        size = m.header_date
        while size > m.header_school and text_width(date, date_font) > room - pad:
            size -= 2
            date_font = m.font(size, bold=True)
    date_w = text_width(date, date_font)
    date_x = pad if thin else room - date_w
    off = view.off or ""  # a day without school is named under its date: 勤労感謝の日, 土曜日
    off_font = m.font(m.status, bold=True)
    off_h = line_height(off_font) if off else 0.0
    date_y = band.top() + (band.height() - line_height(date_font) - off_h) / 2
    text_block(p, date_x, date_y, room - date_x, date, date_font, theme.TEXT)
    if off:
        off_x = date_x if thin else max(date_x, room - text_width(off, off_font))
        off_y = date_y + line_height(date_font)
        text_block(p, off_x, off_y, room - off_x, off, off_font, theme.ORANGE)
    if thin:
        name_x, name_y, name_w = pad, band.bottom() - m.px(12), rect.width() - 2 * pad
    else:
        name_x, name_y, name_w = pad, rect.top() + m.px(26), date_x - pad - m.px(30)
    school_font = m.font(m.header_school, bold=True)
    text_block(p, name_x, name_y, name_w, view.school, school_font, theme.TEXT)
    status_font = m.font(m.status)
    y = name_y + line_height(school_font) + m.px(6)
    dot = m.px(14)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(theme.GREEN if view.status_ok else theme.VERMILLION)
    p.drawEllipse(QRectF(name_x, y + (line_height(status_font) - dot) / 2, dot, dot))
    mark = "" if view.status_ok else "⚠ "
    status_x = name_x + dot + m.px(10)
    skipped = f"　{view.skipped}" if view.skipped else ""  # quiet, beside the freshness
    text = mark + view.status + skipped
    text_block(p, status_x, y, name_w - (status_x - name_x), text, status_font, theme.MUTED)
    p.fillRect(QRectF(rect.left(), rect.bottom() - m.px(2), rect.width(), m.px(2)), theme.LINE)


def paint_clock(
    p: QPainter, right: float, top: float, view: View, font: QFont, within: QRectF | None = None
) -> None:
    """HH:MM, right-aligned; the colon dims every other second so a frozen screen shows
    (unless `[display] blink = false`). `within`: draw only the parts whose ink reaches it."""
    metrics = QFontMetricsF(font)

    def part(end: float, y: float, text: str, color: QColor) -> float:
        """Draw `text` ending at `end`; returns where it starts."""
        width = metrics.horizontalAdvance(text)
        x = end - width
        if within is not None:
            ink = metrics.tightBoundingRect(text).translated(x, y + metrics.ascent())
            if not ink.adjusted(-2, -2, 2, 2).intersects(within):  # antialiased edges
                return x
        text_block(p, x, y, width + 2, text, font, color)
        return x

    hours, minutes = view.now.strftime("%H"), view.now.strftime("%M")
    x = part(right, top, minutes, theme.TEXT)
    colon = theme.TEXT if not view.blink or view.now.second % 2 == 0 else theme.DIM
    x = part(x, top - font.pixelSize() * 0.06, ":", colon)
    part(x, top, hours, theme.TEXT)


BANNER = 70  # design px: a one-line strip
BANNER_LINES = 2  # a long one wraps rather than being cut (3 on a narrow screen)


def _banner_parts(banner: Banner, width: float, m: Metrics) -> tuple[QFont, QFont, float, float]:
    """The text's font, the label's font, the label chip's width and the text's width."""
    font = m.font(m.banner, bold=True)
    label_font = m.font(m.meta + 4, bold=True)
    chip_w = text_width(banner.label, label_font) + 2 * m.px(14)
    pad = m.px(48)
    return font, label_font, chip_w, width - 2 * pad - chip_w - m.px(24)


def banner_lines(width: float, m: Metrics) -> int:
    return BANNER_LINES + (1 if narrow(width, m) else 0)


def banner_height(banner: Banner, width: float, m: Metrics) -> float:
    font, _, _, text_w = _banner_parts(banner, width, m)
    lines = len(wrap(banner.text, font, text_w, banner_lines(width, m)))
    return max(m.px(BANNER), lines * line_height(font) + m.px(16))


def paint_banner(p: QPainter, rect: QRectF, banner: Banner, m: Metrics) -> None:
    if banner.weather is not None:
        return paint_weather_strip(p, rect, banner, m)
    urgent = banner.tone == "urgent"
    p.fillRect(rect, theme.VERMILLION if urgent else theme.SKY)
    font, label_font, _, text_w = _banner_parts(banner, rect.width(), m)
    pad = m.px(48)
    ink = theme.TEXT if urgent else theme.BG
    lines = banner_lines(rect.width(), m)
    h = text_height(banner.text, font, text_w, lines)
    y = rect.top() + (rect.height() - h) / 2
    chip_h = line_height(label_font) + m.px(6)
    w = chip(
        p,
        pad,
        rect.top() + (rect.height() - chip_h) / 2,
        banner.label,
        label_font,
        theme.TEXT if urgent else theme.BG,
        True,
        m.px(14),
        ink=theme.VERMILLION if urgent else theme.TEXT,
    )
    x = pad + w + m.px(24)
    text_block(p, x, y, text_w, banner.text, font, ink, lines)


def paint_notes(p: QPainter, rect: QRectF, view: View, m: Metrics) -> None:
    """A strip above the footer for notes about the screen itself (the demo banner)."""
    p.fillRect(rect, theme.CARD)
    font = m.font(m.status + 2, bold=True)
    pad = m.px(48)
    text_block(
        p,
        pad,
        rect.top() + (rect.height() - line_height(font)) / 2,
        rect.width() - 2 * pad,
        "　".join(view.notes),
        font,
        theme.ORANGE,
    )


def paint_footer(p: QPainter, rect: QRectF, frame: Frame, m: Metrics) -> None:
    p.fillRect(QRectF(rect.left(), rect.top(), rect.width(), m.px(2)), theme.LINE)
    font = m.font(m.footer)
    bold = m.font(m.footer, bold=True)
    x = rect.left() + m.px(48)
    r = m.px(11)
    cy = rect.top() + rect.height() / 2 - m.px(3)
    for kind in frame.kinds:
        current = kind == frame.panel
        usable = kind in frame.available
        color = theme.TEXT if current else (theme.MUTED if usable else theme.DIM)
        pen = p.pen()
        pen.setColor(theme.ORANGE if current else color)
        pen.setWidthF(m.px(3))
        p.setPen(pen)
        p.setBrush(theme.ORANGE if current else Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(x + r, cy), r, r)
        label = panel_kind(kind).title
        f = bold if current else font
        text_block(p, x + 2 * r + m.px(12), cy - line_height(f) / 2, m.px(400), label, f, color)
        x += 2 * r + m.px(12) + text_width(label, f) + m.px(40)
    if frame.paused:
        note_font = m.font(m.status, bold=True)
        text_block(
            p,
            x + m.px(20),
            cy - line_height(note_font) / 2,
            rect.right() - x - m.px(68),
            screen("paused"),
            note_font,
            theme.ORANGE,
            align_right=True,
        )
    bar = m.px(8)
    paint_progress(p, QRectF(rect.left(), rect.bottom() - bar, rect.width(), bar), frame)


def paint_progress(p: QPainter, strip: QRectF, frame: Frame) -> None:
    """The thin bar: how far the current panel's time has run."""
    p.fillRect(
        QRectF(strip.left(), strip.top(), strip.width() * frame.progress, strip.height()),
        theme.ORANGE,
    )
