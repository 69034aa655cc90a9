"""Rendering the demo: PNGs are written, are not blank, and Japanese is not tofu."""

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QFont, QImage, QRawFont

from signage.cli import main
from signage.config import Config, School, SourceConfig
from signage.model import Event, Notice, Snapshot
from signage.ui.fonts import japanese_family
from signage.ui.render import ensure_gui, render_image
from signage.ui.screen import Frame
from signage.view import build_view

TOKYO = ZoneInfo("Asia/Tokyo")


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
    assert files == ["01-today.png", "02-week.png", "03-notices.png", "04-visits.png"]
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
    now = datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO)
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
    now = datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO)
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
