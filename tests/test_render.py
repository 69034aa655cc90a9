"""Rendering the demo: PNGs are written, are not blank, and Japanese is not tofu."""

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRawFont

from signage.cli import main
from signage.config import Config, School, SourceConfig
from signage.model import Event, Notice, Snapshot
from signage.presenter import Frame
from signage.ui.draw import recording
from signage.ui.fonts import japanese_family
from signage.ui.render import ensure_gui, render_image
from signage.view import build_view
from tests.moments import NINE, TOKYO
from tests.windows import grab


def distinct_colours(image: QImage, step: int = 16) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


@pytest.mark.parametrize("size", ["1920x1080", "3840x2160"])
def test_render_demo_writes_one_png_per_panel(tmp_path: Path, size: str):
    out = tmp_path / "r"
    assert (
        main(["render", "--demo", "--out", str(out), "--size", size, "--at", "2026-11-24T09:18"])
        == 0
    )
    files = sorted(p.name for p in out.iterdir())
    pages = sum(name.startswith("03-notices") for name in files)
    assert pages >= 2  # the demo's board has several pages: each is written
    board = ["03-notices.png", *(f"03-notices-{n}.png" for n in range(2, pages + 1))]
    assert files == sorted(["01-today.png", "02-week.png", *board, "04-visits.png"])
    width, height = (int(v) for v in size.split("x"))
    for name in files:
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == (width, height)
        assert distinct_colours(image) > 20, f"{name} looks blank"


def test_a_japanese_font_with_glyphs_is_chosen():
    ensure_gui()
    family = japanese_family()
    assert family, "no Japanese font: install fonts-morisawa-bizud-gothic"
    raw = QRawFont.fromFont(QFont(family))
    assert raw.familyName() == family
    for ch in "令和年月日火連絡事項職員室":
        assert raw.supportsCharacter(ord(ch)), f"{family} has no glyph for {ch}"
    # the check can fail: a Latin-only font has no such glyph
    assert not QRawFont.fromFont(QFont("DejaVu Sans")).supportsCharacter(ord("職"))


def test_feed_text_is_drawn_literally_not_as_html():
    """<b> from a feed must show as the characters, so it takes more ink than bold text would."""
    ensure_gui()
    now = NINE
    config = Config(
        school=School("テスト小"),
        sources=(SourceConfig("board", "json", "notices", "x.json", "/x.json"),),
    )

    def render(title: str) -> QImage:
        snap = Snapshot("board", (Notice("board", title),), fetched_at=now)
        view = build_view(config, [snap], now)
        frame = Frame("notices", 0.0, ["notices"], frozenset({"notices"}))
        return render_image(view, frame, 1280, 720)

    plain = render("重要")
    markup = render("<b>重要</b>")
    assert plain != markup  # the tags themselves were drawn


def test_screen_shows_last_update_note_when_a_source_fails():
    ensure_gui()
    now = NINE
    config = Config(sources=(SourceConfig("cal", "ics", "events", "x.ics", "/x.ics"),))
    good = Event(
        "cal",
        "職員会議",
        datetime(2026, 11, 24, 15, tzinfo=TOKYO),
        datetime(2026, 11, 24, 16, tzinfo=TOKYO),
    )
    snap = Snapshot("cal", (good,), fetched_at=now.replace(hour=8, minute=12), error="timed out")
    view = build_view(config, [snap], now)
    assert view.status == "cal 8:12 から未更新"
    assert not view.status_ok
    assert view.today == (good,)  # the last good data stays on screen


def test_the_status_line_counts_what_is_still_coming_at_start_up_without_a_warning():
    now = NINE
    config = Config(
        sources=(
            SourceConfig("cal", "ics", "events", "x.ics", "/x.ics"),
            SourceConfig("board", "json", "notices", "x.json", "/x.json"),
            SourceConfig("out", "csv", "staff_out", "x.csv", "/x.csv"),
        )
    )
    fetched = Snapshot("board", fetched_at=now)
    starting = build_view(config, [Snapshot("cal"), fetched, Snapshot("out")], now)
    assert (starting.status, starting.status_ok) == ("データ取得中（残り2件）", True)
    failed = Snapshot("cal", error="timed out")  # its first fetch failed: that is a warning
    troubled = build_view(config, [failed, fetched, Snapshot("out")], now)
    assert (troubled.status, troubled.status_ok) == ("cal 未取得", False)
    done = build_view(config, [Snapshot(s.id, fetched_at=now) for s in config.sources], now)
    assert (done.status, done.status_ok) == ("全データ 9:00 更新", True)


def test_burn_in_shift_moves_the_screen_a_few_pixels_every_few_minutes():
    from signage.ui.screen import burn_in_offset
    from signage.ui.theme import Metrics

    ensure_gui()
    base = build_view(Config(), [], datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO))
    offsets = {
        burn_in_offset(replace(base, now=base.now + timedelta(minutes=4 * i)), Metrics(1080))
        for i in range(8)
    }
    assert len(offsets) == 8
    assert all(abs(dx) <= 3 and abs(dy) <= 3 for dx, dy in offsets)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (3840, 2160)])
def test_the_every_second_repaint_gives_the_same_pixels_as_a_whole_one(size):
    """The kiosk repaints only the clock and the bar each second (paint_ticking), over the
    screen it painted whole: the result must be exactly the whole repaint of that second."""
    from signage.ui.screen import burn_in_offset, paint_ticking, ticking_rects
    from signage.ui.theme import Metrics

    ensure_gui()
    width, height = size
    config = Config(
        school=School("テスト小学校"),
        sources=(SourceConfig("board", "json", "notices", "x.json", "/x.json"),),
    )
    # 9:22 puts the burn-in shift off (0, 0), so the shifted geometry is checked too
    now = datetime(2026, 11, 24, 9, 22, 10, tzinfo=TOKYO)
    snap = Snapshot("board", (Notice("board", "至急の連絡", priority="urgent"),), fetched_at=now)
    before = build_view(config, [snap], now)
    assert burn_in_offset(before, Metrics(height)) != (0, 0)
    after = replace(before, now=now + timedelta(seconds=1))  # the colon dims
    kinds = ["today", "notices"]
    frame = Frame("today", 0.30, kinds, frozenset(kinds))
    later = replace(frame, progress=0.35)
    # Qt's first drawing of some large glyphs differs by a shade from the later ones (its
    # glyph cache fills): compare frames drawn once it is warm, as on a running kiosk.
    render_image(before, frame, width, height)
    render_image(after, later, width, height)

    image = render_image(before, frame, width, height)
    painter = QPainter(image)
    try:
        paint_ticking(painter, width, height, after, later)
    finally:
        painter.end()
    whole = render_image(after, later, width, height)
    assert image == whole
    # and only those rectangles changed
    assert image != render_image(before, frame, width, height)
    clock, bar = ticking_rects(width, height, after)
    assert clock.width() * clock.height() + bar.width() * bar.height() < width * height * 0.05


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (3840, 2160)])
def test_the_blinking_colon_is_repainted_alone_with_the_same_pixels(size):
    """Each second the kiosk asks for the colon and the bar's new part (changed_rects): the
    colon is drawn again without the digits, and the screen is the whole repaint's."""
    from signage.ui.screen import changed_rects, paint_ticking

    ensure_gui()
    width, height = size
    config = Config(sources=(SourceConfig("board", "json", "notices", "x.json", "/x.json"),))
    now = datetime(2026, 11, 24, 9, 22, 10, tzinfo=TOKYO)
    before = build_view(config, [Snapshot("board", fetched_at=now)], now)
    after = replace(before, now=now + timedelta(seconds=1))  # the colon dims
    kinds = ["today"]
    frame = Frame("today", 0.30, kinds, frozenset(kinds))
    later = replace(frame, progress=0.35)
    render_image(before, frame, width, height)  # Qt's glyph caches warm, as on a running kiosk
    render_image(after, later, width, height)
    colon, bar = changed_rects(width, height, after, 0.30, 0.35)
    image = render_image(before, frame, width, height)
    painter = QPainter(image)  # unclipped, as a window's paint event's
    drawn: list[str] = []
    try:
        with recording() as texts:
            paint_ticking(painter, width, height, after, later, within=colon)
        drawn = [t.text for t in texts]
    finally:
        painter.end()
    assert drawn == [":"]  # not 09 and 22
    assert image == render_image(after, later, width, height)


def test_line_breaking_is_cached_and_breaks_as_before():
    from signage.ui import draw
    from signage.ui.theme import Metrics

    ensure_gui()
    font = Metrics(1080).font(40)
    text = "本日の職員会議は15:45から会議室で行います。資料は各自印刷してください。" * 3
    first = draw.wrap(text, font, 700.0, 2)
    hits = draw._wrapped.cache_info().hits
    again = draw.wrap(text, QFont(font), 700.0, 2)
    assert again == first == draw._wrap(text, font, 700.0, 2)
    assert draw._wrapped.cache_info().hits == hits + 1
    again.append("changed by a caller")  # a caller's list is its own
    assert draw.wrap(text, font, 700.0, 2) == first
    bigger = Metrics(2160).font(40)
    assert draw.wrap(text, bigger, 700.0) == draw._wrap(text, bigger, 700.0, 0)
    assert draw._wrapped.cache_info().maxsize == draw.WRAP_CACHE_SIZE


def test_the_board_is_paged_once_per_notices_and_size():
    from PySide6.QtCore import QRectF

    from signage.ui.panels.notices import NoticesPanel
    from signage.ui.theme import Metrics

    ensure_gui()
    now = NINE
    config = Config(sources=(SourceConfig("board", "json", "notices", "x.json", "/x.json"),))
    notices = tuple(Notice("board", f"お知らせ{i}", body="本文" * 60) for i in range(10))
    view = build_view(config, [Snapshot("board", notices, fetched_at=now)], now)
    later = build_view(config, [Snapshot("board", notices, fetched_at=now)], now.replace(minute=5))
    rect = QRectF(40, 200, 1840, 700)
    panel = NoticesPanel(QPainter(), Metrics(1080))
    pages = panel.pages(rect, view)
    assert len(pages) > 1
    assert panel.pages(rect, later) is pages  # a new minute, the same notices: not again
    other = NoticesPanel(QPainter(), Metrics(720)).pages(QRectF(27, 133, 1226, 466), view)
    assert other is not pages
    from signage.ui.panels import notices

    notices._PAGES.clear()
    assert panel.pages(rect, view) == pages  # worked out again: the same pages


def test_the_kiosk_does_not_import_what_its_first_frame_does_not_need():
    """segno (QR codes) is imported when a notice with a link is first drawn, not at start."""
    import subprocess
    import sys

    code = "import sys, signage.ui.app; print('segno' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_each_second_asks_for_the_colon_and_the_bars_new_part_only():
    from signage.ui.screen import changed_rects, ticking_rects

    ensure_gui()
    width, height = 1920, 1080
    now = datetime(2026, 11, 24, 9, 22, 10, tzinfo=TOKYO)
    view = build_view(Config(school=School("テスト小学校")), [], now)
    clock, bar = ticking_rects(width, height, view)
    colon, span = changed_rects(width, height, view, 0.30, 0.35)
    assert clock.contains(colon) and colon.width() < clock.width() / 4
    assert bar.contains(span) and span.width() < bar.width() * 0.06
    assert changed_rects(width, height, view, 0.35, 0.35) == [colon]  # paused: the colon only
    steady = replace(view, blink=False)
    assert changed_rects(width, height, steady, 0.30, 0.35) == [span]
    assert changed_rects(width, height, steady, 0.35, 0.35) == []


BOARD_SCHOOL = """\
[school]
name = "伊勢崎市立テスト小学校"

[display]
on = "7:00"
off = "19:00"
days = ["mon", "tue", "wed", "thu", "fri"]

[[sources]]
id = "board"
kind = "json"
role = "notices"
url = "board.json"
"""


def board_school(folder: Path, notices: int) -> Path:
    """A school whose screen is on 7:00–19:00 on weekdays, with a board of `notices`."""
    import json

    rows = [
        {
            "title": f"連絡 {n + 1}",
            "body": "校内の連絡です。" * 12,
            "priority": "urgent" if n == 0 else "normal",
        }
        for n in range(notices)
    ]
    (folder / "board.json").write_text(json.dumps({"notices": rows}), encoding="utf-8")
    config = folder / "signage.toml"
    config.write_text(BOARD_SCHOOL, encoding="utf-8")
    return config


def rgb(image: QImage) -> QImage:
    return image.convertToFormat(QImage.Format.Format_RGB32)


def test_render_at_a_dark_moment_writes_the_kiosks_dark_frame(tmp_path: Path, capsys, qtbot):
    config = board_school(tmp_path, 3)
    out = tmp_path / "r"
    saturday = "2026-12-05T10:40"
    argv = ["render", "--config", str(config), "--out", str(out), "--size", "1280x720"]
    assert main([*argv, "--at", saturday]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["00-dark.png"]  # no panels: it is dark
    err = capsys.readouterr().err
    assert "2026-12-05 10:40 は画面が暗い時間です" in err
    assert "休日のため表示を休止しています　12月7日（月）7:00 から表示します" in err
    dark = rgb(QImage(str(out / "00-dark.png")))
    corners = {dark.pixel(x, y) for x in (0, 1279) for y in (0, 719)}
    assert corners == {0xFF000000}
    lit = [
        (x, y)
        for x in range(0, 1280, 4)
        for y in range(0, 720, 4)
        if dark.pixel(x, y) != 0xFF000000
    ]
    assert 0 < len(lit) < 1280 * 720 // 16 // 50  # one dim line, no more
    assert max(QColor(dark.pixel(x, y)).value() for x, y in lit) < 100  # dim, never bright

    # The kiosk's window at the same moment paints the same frame.
    from signage.clock import FixedClock
    from signage.config import load_config
    from signage.runtime import Runtime
    from signage.ui.window import KioskWindow

    runtime = Runtime.build(
        load_config(config), FixedClock(datetime(2026, 12, 5, 10, 40, tzinfo=TOKYO))
    )
    window = KioskWindow(runtime)
    window.timer.stop()
    window.resize(1280, 720)
    window.show()
    window.tick()
    assert not window.presenter.screen_on
    assert rgb(grab(window)) == dark

    # A weekday at 10:40 is lit: the panels, not the dark frame.
    assert main([*argv, "--at", "2026-12-07T10:40", "--out", str(tmp_path / "lit")]) == 0
    assert not (tmp_path / "lit" / "00-dark.png").exists()
    assert "暗い" not in capsys.readouterr().err


def test_render_writes_every_page_of_a_long_board_up_to_a_bound(
    tmp_path: Path, capsys, monkeypatch
):
    config = board_school(tmp_path, 12)
    out = tmp_path / "r"
    argv = ["render", "--config", str(config), "--size", "1280x720", "--at", "2026-12-07T10:40"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = [Path(p).name for p in capsys.readouterr().out.split()]
    board = [name for name in printed if name.startswith("03-notices")]
    assert len(board) >= 4
    assert board == ["03-notices.png", *(f"03-notices-{n}.png" for n in range(2, len(board) + 1))]
    assert sorted(p.name for p in out.glob("03-notices*.png")) == sorted(board)
    images = [rgb(QImage(str(out / name))) for name in board]
    assert all(a != b for a, b in itertools.pairwise(images))  # each file is another page

    import signage.ui.render

    monkeypatch.setattr(signage.ui.render, "MAX_PAGE_FILES", 2)
    few = tmp_path / "few"
    assert main([*argv, "--out", str(few)]) == 0
    assert sorted(p.name for p in few.glob("03-notices*.png")) == sorted(board[:2])
    assert (
        f"連絡事項は {len(board)} ページあります。最初の 2 ページを書きました"
        in capsys.readouterr().err
    )
