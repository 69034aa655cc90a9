"""The notice board pages long text instead of cutting it, and says where it stands."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from signage.model import Notice
from signage.ui.panels.notices import NoticesPanel
from signage.ui.render import ensure_gui
from signage.ui.theme import Metrics

SENTENCE = "本日の職員会議は15:45から会議室で行います、資料は各自印刷してください"


def paginate(notices: tuple[Notice, ...], height: int = 1080):
    ensure_gui()
    image = QImage(1920, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        panel = NoticesPanel(painter, Metrics(height))
        return panel.paginate(QRectF(0, 0, 1800, height * 0.6), notices)
    finally:
        painter.end()


def test_a_long_body_continues_on_the_next_pages_and_nothing_is_lost():
    body = "。".join(f"{i}番目：{SENTENCE}" for i in range(60))
    pages = paginate((Notice("n", "長いお知らせ", body=body),))
    assert len(pages) >= 3
    pieces = [piece for page in pages for piece in page]
    assert [p.first for p in pieces] == [True] + [False] * (len(pieces) - 1)
    assert pieces[-1].last and not any(p.last for p in pieces[:-1])
    shown = "".join("".join(p.lines) for p in pieces)
    assert shown.replace(" ", "") == body.replace(" ", "")


def test_many_short_notices_fill_pages_in_order():
    notices = tuple(Notice("n", f"お知らせ{i}", body=SENTENCE) for i in range(12))
    pages = paginate(notices)
    assert len(pages) > 1
    order = [piece.notice.title for page in pages for piece in page]
    assert order == [n.title for n in notices]
    assert all(piece.first and piece.last for page in pages for piece in page)
