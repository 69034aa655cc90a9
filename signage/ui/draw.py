"""Drawing helpers. Text is always laid out as plain text: markup from feeds shows literally.

Japanese breaks at phrase boundaries (BudouX), so 「いじめ防止対策委員会」 never splits inside a
word while a boundary fits; a phrase wider than the line breaks where the script changes, and
only then anywhere. Text is cut with … only past the lines it may take.

Line breaking is cached: the same text in the same font and width breaks the same way, so a
panel shown again (every rotation) or a clock repaint does not lay its text out again. Each new
day starts afresh (`forget_text`): what earlier days drew does not stay in memory.

What is painted can be recorded (`recording()`): each line's text, font and box in device
pixels, so tests check sizes, overlaps and cuts on the layout rather than on pixels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from signage.ui import fonts, theme

WRAP_CACHE_SIZE = 1024  # a rotation of a full screen needs some 400; the oldest make way
# Paragraphs' phrases are read again only when a line break is not cached (new text, a new
# size): a screen's worth (the demo's: 160) is enough, and each entry holds its pieces.
PHRASE_CACHE_SIZE = 256
ELLIPSIS = "…"
NOT_CLOSING = set("#%&*@\\/'\"")  # ASCII marks that may start a line


def opening(ch: str) -> bool:
    """A mark that stays with what follows it: （「『 …"""
    return unicodedata.category(ch) in ("Ps", "Pi")


def closing(ch: str) -> bool:
    """A mark no line starts with (kinsoku): ）」、。・！？…, ー, 々, and small kana."""
    category = unicodedata.category(ch)
    if category in ("Pe", "Pf", "Lm") or (category == "Po" and ch not in NOT_CLOSING):
        return True
    return unicodedata.name(ch, "").startswith(("HIRAGANA LETTER SMALL", "KATAKANA LETTER SMALL"))


@dataclass(frozen=True)
class Painted:
    """One line of text as painted: `box` is where it went (advance × line height) and `room`
    the box it was given, both in device pixels; `cut` when it ends in … for lack of room."""

    text: str
    box: QRectF
    room: QRectF
    font: QFont
    cut: bool


_recorded: list[Painted] | None = None


@contextmanager
def recording() -> Iterator[list[Painted]]:
    """Collect every line painted through `text_block` and `chip` while inside."""
    global _recorded
    before, _recorded = _recorded, []
    try:
        yield _recorded
    finally:
        _recorded = before


def _note(p: QPainter, text: str, box: QRectF, room: QRectF, font: QFont, cut: bool) -> None:
    if _recorded is not None:
        t = p.transform()
        _recorded.append(Painted(text, t.mapRect(box), t.mapRect(room), QFont(font), cut))


@lru_cache(maxsize=1)
def _parser() -> object:
    import budoux  # loaded on the first wrap: its model is read once

    return budoux.load_default_japanese_parser()


@lru_cache(maxsize=PHRASE_CACHE_SIZE)
def phrases(paragraph: str) -> tuple[str, ...]:
    """Pieces a line may break between: BudouX phrases, and words at spaces."""
    if not paragraph:
        return ()
    chunks: list[str] = _parser().parse(paragraph)  # type: ignore[attr-defined]
    out: list[str] = []
    for chunk in chunks:
        for piece in (p for p in re.split(r"(?<=\s)(?=\S)", chunk) if p):
            glued = out and (
                piece.isspace()  # a space stays at the end of the line it ends
                or opening(out[-1][-1])  # 「（」 goes with what it opens
                or closing(piece[0])
                or _script(out[-1][-1]) == _script(piece[0]) in ("num", "latin")  # ICT, 10:00
                or _counter(out[-1], piece)  # 5 名, 4 回: a number keeps its unit
                or _counted(out[-1], piece)  # ほか 5 名, 済 1 回: and its word
            )
            if glued:
                out[-1] += piece
            else:
                out.append(piece)
    return tuple(out)


def _counter(before: str, piece: str) -> bool:
    word = piece.strip()
    return (
        len(word) == 1
        and _script(word) in ("kanji", "hira", "kata")
        and before.rstrip()[-1:].isdigit()
    )


def _counted(before: str, piece: str) -> bool:
    word = before.strip()
    return (
        piece[:1].isdigit()
        and before[-1:].isspace()
        and 0 < len(word) <= 3
        and all(_script(c) in ("kanji", "hira", "kata") for c in word)
    )


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x3040 <= code <= 0x309F:
        return "hira"
    if 0x30A0 <= code <= 0x30FF:
        return "kata"
    if ch.isdigit() or ch in ":：–-〜~/.":
        return "num"  # 10:00–12:00 and 12/4 hold together
    if ch.isalnum() and ord(ch) < 0x3000:
        return "latin"
    if unicodedata.category(ch) == "Lo":
        return "kanji"
    return "other"


def _split(piece: str, by_script: bool) -> list[str]:
    """A piece wider than the line, in smaller pieces: where the script changes (いじめ|防止),
    or between any two characters; never before a closing mark nor after an opening one."""
    parts = [piece[0]] if piece else []
    for prev, ch in zip(piece, piece[1:], strict=False):
        glued = closing(ch) or opening(prev) or (by_script and _script(prev) == _script(ch))
        if glued:
            parts[-1] += ch
        else:
            parts.append(ch)
    return parts


def _fill(pieces: list[str], metrics: QFontMetricsF, width: float, depth: int = 0) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in pieces:
        joined = (line + piece).rstrip()
        if not joined or metrics.horizontalAdvance(joined) <= width:
            line += piece
            continue
        if line:
            lines.append(line)
            line = ""
        if metrics.horizontalAdvance(piece.rstrip()) <= width or depth == 2 or len(piece) == 1:
            line = piece
            continue
        inner = _fill(_split(piece, by_script=depth == 0), metrics, width, depth + 1)
        lines.extend(inner[:-1])
        line = inner[-1]
    lines.append(line)
    return [x.rstrip() for x in lines]


def wrap(text: str, font: QFont, width: float, max_lines: int = 0) -> list[str]:
    """Lines of `text` at `width`; past `max_lines` (0 = no limit) the last line ends in …."""
    return list(_wrapped(text, QFont(font), width, max_lines))  # a copy: the key stays put


@lru_cache(maxsize=WRAP_CACHE_SIZE)
def _wrapped(text: str, font: QFont, width: float, max_lines: int) -> tuple[str, ...]:
    return tuple(_wrap(text, font, width, max_lines))


def forget_text() -> None:
    """Drop every cached line break, font and glyph: the kiosk does this as each day begins,
    so a week of changing text does not pile up (today's is cached again as it is drawn)."""
    _wrapped.cache_clear()
    phrases.cache_clear()
    theme.forget_fonts()
    fonts.forget_glyphs()


def _wrap(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    metrics = QFontMetricsF(font)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_fill(list(phrases(paragraph)), metrics, width) if paragraph else [""])
    if max_lines and len(lines) > max_lines:
        rest = "".join(lines[max_lines - 1 :])
        last = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
        if not last.endswith(ELLIPSIS):
            last = last[:-1] + ELLIPSIS
        lines = lines[: max_lines - 1] + [last]
    return lines


def lines_in(height: float, font: QFont) -> int:
    """How many lines of `font` fit in `height` (at least one)."""
    return max(1, int((height + 0.5) // line_height(font)))


def line_height(font: QFont) -> float:
    return QFontMetricsF(font).height() * 1.08


def text_block(
    painter: QPainter,
    x: float,
    y: float,
    width: float,
    text: str,
    font: QFont,
    color: QColor,
    max_lines: int = 1,
    align_right: bool = False,
) -> float:
    """Draw wrapped text from the top-left corner; returns the height used."""
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(color)
    step = line_height(font)
    lines = wrap(text, font, width, max_lines)
    cut = _recorded is not None and max_lines > 0 and len(wrap(text, font, width)) > max_lines
    measure = align_right or _recorded is not None  # a line's advance costs; only when needed
    for i, line in enumerate(lines):
        advance = metrics.horizontalAdvance(line) if measure else 0.0
        dx = width - advance if align_right else 0.0
        top = y + i * step
        painter.drawText(QPointF(x + dx, top + metrics.ascent()), line)
        if _recorded is not None:
            box = QRectF(x + dx, top, advance, step)
            last = cut and i == len(lines) - 1
            _note(painter, line, box, QRectF(x, top, width, step), font, last)
    return step * len(lines)


def text_height(text: str, font: QFont, width: float, max_lines: int = 1) -> float:
    return line_height(font) * len(wrap(text, font, width, max_lines))


def text_width(text: str, font: QFont) -> float:
    return QFontMetricsF(font).horizontalAdvance(text)


def card(painter: QPainter, rect: QRectF, radius: float) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.CARD)
    painter.drawRoundedRect(rect, radius, radius)


def chip(
    painter: QPainter,
    x: float,
    y: float,
    text: str,
    font: QFont,
    color: QColor,
    filled: bool,
    pad: float,
    right: bool = False,
    ink: QColor | None = None,
) -> float:
    """A small labelled box (いま, 終日, 至急…); returns its width. `right`: x is the right edge."""
    metrics = QFontMetricsF(font)
    w = metrics.horizontalAdvance(text) + 2 * pad
    h = metrics.height() + pad * 0.6
    left = x - w if right else x
    rect = QRectF(left, y, w, h)
    painter.setPen(QPen(color, max(1.0, pad / 5)))  # a fresh pen: never "no pen" left by others
    painter.setBrush(color if filled else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect, pad / 2, pad / 2)
    painter.setFont(font)
    painter.setPen(ink or (theme.BG if filled else color))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    _note(painter, text, rect, rect, font, False)
    return w


def hline(painter: QPainter, x1: float, x2: float, y: float, width: float) -> None:
    painter.setPen(QPen(theme.LINE, width))
    painter.drawLine(QPointF(x1, y), QPointF(x2, y))
