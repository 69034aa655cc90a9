"""The today panel at every screen a school has, through a school week with the demo's data:
the painter's text boxes (TodayPanel.boxes) must not overlap, must stay inside the panel, and
no time may be cut; and the cards follow the day (no bell on a day off or after school)."""

from __future__ import annotations

import functools
from dataclasses import replace

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from signage.cli import build_parser, clock_for, demo_today, fetched, load, with_school_zone
from signage.clock import Clock
from signage.loaded import Loaded
from signage.model import Snapshot
from signage.runtime import Runtime
from signage.ui.panels.today import TextBox, TodayPanel
from signage.ui.render import ensure_gui
from signage.ui.screen import layout
from signage.ui.theme import Metrics
from signage.view import View, build_view

SIZES = ((1920, 1080), (3840, 2160), (1366, 768), (1280, 720), (1080, 1920))
MOMENTS = (
    "2026-12-01T07:50",  # Tuesday, before school
    "2026-12-01T10:40",  # lessons; an event under way
    "2026-12-01T16:30",  # school out, the staff meeting under way
    "2026-12-02T10:40",  # Wednesday: 水曜日課
    "2026-12-03T10:40",  # 短縮日課, announced in the calendar
    "2026-12-05T10:40",  # Saturday
    "2026-11-23T10:40",  # 勤労感謝の日
)


def demo_at(at: str) -> tuple[Loaded, Clock, Runtime]:
    """The demo as `signage render --demo --at` reads it: its config, clock and fetched data."""
    args = build_parser().parse_args(["render", "--demo", "--out", "unused", "--at", at])
    probe = clock_for(at)
    loaded = load(args, demo_today(probe))
    clock = with_school_zone(probe, loaded.config, at)
    return loaded, clock, fetched(loaded, clock)


@functools.cache
def demo_view(at: str) -> View:
    loaded, clock, runtime = demo_at(at)
    return build_view(loaded.config, runtime.store.snapshots(), clock.now(), loaded.notes)


def paint(view: View, width: int, height: int) -> tuple[QRectF, list[TextBox]]:
    ensure_gui()
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        m = Metrics(height, width)
        body = layout(width, height, view, m).body
        panel = TodayPanel(painter, m)
        panel.draw(body, view, 0.0)
    finally:
        painter.end()
    return body, panel.boxes


def overlap(a: QRectF, b: QRectF) -> bool:
    both = a.intersected(b)
    return both.width() > 1.0 and both.height() > 1.0


@pytest.mark.parametrize("at", MOMENTS)
@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_no_text_overlaps_leaves_the_panel_or_cuts_a_time(at, width, height):
    assert_legible(*paint(demo_view(at), width, height))


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_a_school_without_bell_periods_still_lays_out(width, height):
    view = replace(demo_view("2026-12-01T10:40"), bell=None, bell_name="")
    body, boxes = paint(view, width, height)
    assert_legible(body, boxes)
    shown = [box.text for box in boxes]
    assert "今日の予定" in shown and any(t.startswith("明日") for t in shown)


def assert_legible(body: QRectF, boxes: list[TextBox]) -> None:
    assert boxes, "nothing drawn"
    inside = body.adjusted(-1, -1, 1, 1)
    for box in boxes:
        assert inside.contains(box.rect), f"{box.text!r} leaves the panel: {box.rect} {body}"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlap(a.rect, b.rect), f"{a.text!r} overlaps {b.text!r}"
    times = [b for b in boxes if b.kind == "time"]
    assert times, "no time drawn"
    for box in times:
        assert box.shown == (box.text,), f"time cut: {box.text!r} shown as {box.shown}"


def texts(at: str, size: tuple[int, int] = (1920, 1080)) -> list[str]:
    return [box.text for box in paint(demo_view(at), *size)[1]]


def test_lessons_show_the_schedule_in_force_and_mark_what_is_under_way():
    shown = texts("2026-12-01T10:40")
    assert "通常日課" in shown and "チャイムまで 5分" in shown
    assert "日課（通常日課）" not in shown  # the old clipped heading
    assert shown.count("いま") == 1  # 就学時健康診断の打ち合わせ, 10:30–11:15
    assert "水曜日課" in texts("2026-12-02T10:40")
    assert "短縮日課" in texts("2026-12-03T10:40")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
def test_after_school_the_bell_gives_its_room_to_events_and_tomorrow(width, height):
    view = demo_view("2026-12-01T16:30")
    assert view.bell is not None and view.bell.over
    shown = texts("2026-12-01T16:30", (width, height))
    assert "通常日課" not in shown and not any(t.startswith("チャイムまで") for t in shown)
    assert "いま" in shown  # いじめ防止対策委員会, 16:00–16:45
    assert "明日 12/2(水)" in shown and "水曜日課" in shown
    assert not any(t.startswith("ほか") and "件" in t for t in shown), "tomorrow collapsed"


@pytest.mark.parametrize(
    ("at", "name"), [("2026-12-05T10:40", "土曜日"), ("2026-11-23T10:40", "勤労感謝の日")]
)
def test_a_day_without_school_is_named_and_has_no_bell(at, name):
    view = demo_view(at)
    assert view.bell is None and view.off == name
    for size in SIZES:
        shown = texts(at, size)
        assert name in shown and "授業はありません" in shown
        assert not any(t.startswith("チャイムまで") for t in shown)
        assert any(t.startswith(("明日", "次の登校日")) for t in shown)


@pytest.mark.parametrize("fetched_empty", [False, True], ids=["not yet fetched", "fetched empty"])
def test_a_list_not_fetched_yet_is_not_said_to_be_empty(fetched_empty):
    """At start-up the first sources to arrive are shown before the calendar: its day is not
    「今日の予定はありません」 until the calendar has been read and has none."""
    loaded, clock, runtime = demo_at("2026-12-01T10:40")
    waiting = {s.id for s in loaded.config.sources if s.role in ("events", "staff_out")}
    snapshots = [
        (Snapshot(s.source, fetched_at=clock.now() if fetched_empty else None))
        if s.source in waiting
        else s
        for s in runtime.store.snapshots()
    ]
    view = build_view(loaded.config, snapshots, clock.now(), loaded.notes)
    shown = [box.text for box in paint(view, 1920, 1080)[1]]
    empty = ("今日の予定はありません", "本日の不在はありません")
    if fetched_empty:
        assert all(text in shown for text in empty)
        assert "まだ取得できていません" not in shown
    else:
        assert not any(text in shown for text in empty)
        assert shown.count("まだ取得できていません") == 2  # today's events, who is out
