"""Readable from 4 m at every screen a school has: the layout boxes the painters record
(signage.ui.draw.recording), not the PNG's colours. Every panel of the demo at 07:50, 10:40 and
16:30 on a Friday, on a Saturday and on a national holiday, at five sizes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import cache

import pytest
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter

from signage.cli import build_parser, fetched, load
from signage.clock import FixedClock
from signage.presenter import Frame
from signage.ui import draw
from signage.ui.draw import Painted, recording
from signage.ui.render import ensure_gui
from signage.ui.screen import notice_pages, paint_screen
from signage.ui.theme import INK_MIN
from signage.view import View, build_view
from tests.moments import TOKYO

SIZES = [(1920, 1080), (3840, 2160), (1366, 768), (1280, 720), (1080, 1920)]
MOMENTS = [
    datetime(2026, 12, 4, 7, 50, tzinfo=TOKYO),
    datetime(2026, 12, 4, 10, 40, tzinfo=TOKYO),
    datetime(2026, 12, 4, 16, 30, tzinfo=TOKYO),
    datetime(2026, 12, 5, 10, 40, tzinfo=TOKYO),  # Saturday
    datetime(2026, 11, 23, 10, 40, tzinfo=TOKYO),  # 勤労感謝の日
]
MINE = ["week", "notices", "visits"]  # the today panel's inner layout is checked by its own tests


@cache
def demo_view(at: datetime) -> View:
    args = build_parser().parse_args(["agenda", "--demo", "--at", at.isoformat()])
    loaded = load(args, at.date())
    runtime = fetched(loaded, FixedClock(at))
    return build_view(loaded.config, runtime.store.snapshots(), at, loaded.notes)


def painted(view: View, kind: str, size: tuple[int, int], progress: float = 0.0) -> list[Painted]:
    """What the screen paints for this panel, laid out at `size` (drawn into a tiny image:
    the layout is the same, the rasterising is skipped)."""
    ensure_gui()
    kinds = ["today", "week", "notices", "visits"]
    frame = Frame(kind, progress, kinds, frozenset(view.available()))
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        with recording() as lines:
            paint_screen(painter, *size, view, frame)
    finally:
        painter.end()
    return lines


def every_page(view: View, kind: str, size: tuple[int, int]) -> list[list[Painted]]:
    pages = notice_pages(*size, view) if kind == "notices" else 1
    return [painted(view, kind, size, (i + 0.5) / pages) for i in range(pages)]


def ink(font: QFont) -> float:
    """How tall a digit and a kanji stand in this face: the smaller of the two."""
    metrics = QFontMetricsF(font)
    return min(metrics.tightBoundingRect(c).height() for c in "8国")


@pytest.mark.parametrize("kind", ["today", *MINE])
@pytest.mark.parametrize("at", MOMENTS, ids=lambda d: d.strftime("%m%d-%H%M"))
def test_everything_a_teacher_reads_is_at_least_28_px_tall_at_1080p(kind, at):
    view = demo_view(at)
    for lines in every_page(view, kind, (1920, 1080)):
        assert lines, "nothing recorded"
        small = sorted({(round(ink(x.font), 1), x.text) for x in lines if ink(x.font) < INK_MIN})
        assert not small, f"under {INK_MIN} px at 1920x1080: {small[:8]}"


@pytest.mark.parametrize("size", SIZES[1:], ids=lambda s: f"{s[0]}x{s[1]}")
def test_type_scales_with_the_screen(size):
    view = demo_view(MOMENTS[1])
    scale = min(size) / 1080
    for kind in ["today", *MINE]:
        for line in painted(view, kind, size):
            assert ink(line.font) >= INK_MIN * scale - 1.5, (size, kind, line.text)


def test_the_check_can_fail():
    """A face of 28 px (the old freshness line) is under the bar."""
    ensure_gui()
    font = QFont(QFont().family())
    font.setPixelSize(28)
    from signage.ui.theme import Metrics

    assert ink(Metrics(1080).font(28)) < INK_MIN <= ink(Metrics(1080).font(32))


def overlaps(lines: list[Painted]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            both = a.box.intersected(b.box)
            if both.width() > 1.5 and both.height() > 1.5:
                found.append((a.text, b.text))
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", MINE)
def test_every_panel_is_whole_at_every_size(kind, size):
    """No two texts overlap, none runs past its room or the screen, none is cut with … —
    the demo's texts all fit somewhere at every size."""
    width, height = size
    for at in MOMENTS:
        view = demo_view(at)
        for lines in every_page(view, kind, size):
            where = f"{kind} {width}x{height} {at:%m-%d %H:%M}"
            assert not overlaps(lines), f"{where}: {overlaps(lines)[:4]}"
            for line in lines:
                assert line.box.right() <= line.room.right() + 1.5, f"{where}: {line.text}"
                assert line.box.left() >= -4 and line.box.right() <= width + 4, f"{where}: {line}"
                assert line.box.top() >= -4 and line.box.bottom() <= height + 4, f"{where}: {line}"
            cut = [x.text for x in lines if x.cut]
            assert not cut, f"{where}: cut while the demo's texts fit: {cut}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_header_keeps_the_date_the_school_and_the_clock(size):
    view = demo_view(MOMENTS[1])
    texts = [x.text for x in painted(view, "week", size)]
    assert "令和8年12月4日(金)" in texts or "令和8年12月4日（金）" in texts, texts[:6]
    assert view.school in texts
    assert {"10", "40"} <= set(texts)


@pytest.mark.parametrize("size", SIZES)
def test_the_header_names_a_day_without_school(size):
    for at, name in ((MOMENTS[-1], "勤労感謝の日"), (MOMENTS[-2], "土曜日")):
        texts = [x.text for x in painted(demo_view(at), "week", size)]
        assert name in texts, (at, texts[:8])
    assert "土曜日" not in [x.text for x in painted(demo_view(MOMENTS[1]), "week", size)]


def test_the_week_shows_who_is_out_and_the_ict_visit_on_each_day():
    view = demo_view(MOMENTS[1])
    for size in [(1920, 1080), (1080, 1920)]:
        texts = [x.text for x in painted(view, "week", size)]
        assert "小林、佐々木" in texts  # out on Friday 12/4
        assert "鈴木、中村、高橋" in texts  # out on Tuesday 12/1
        assert texts.count("ICT") == 2  # visits on 12/1 and 12/4
        assert "10:00–12:00" in texts and "9:00–11:00" in texts


def test_visits_headline_is_done_against_the_target_and_a_visit_under_way_counts_once():
    view = demo_view(MOMENTS[1])  # 10:40 on 12/4, the 10:00–12:00 visit under way
    visits = view.visits
    assert (len(visits.done), len(visits.under_way), len(visits.planned)) == (1, 1, 5)
    assert visits.this_month == 6  # the one under way counted once
    for size in [(1920, 1080), (1080, 1920)]:
        lines = painted(view, "visits", size)
        big = max(lines, key=lambda x: x.font.pixelSize())
        assert big.text == "1"  # 済 1, not 6
        texts = [x.text for x in lines]
        assert "済" in texts and "/ 目標 4 回" in texts
        joined = "".join(texts).replace(" ", "")  # wrapped lines lose the space they broke at
        assert "来校中1回（10:00–12:00）" in joined  # today: its hours, no date
        assert "予定4回（12/7、" in joined
        assert "済1回（12/1）" in joined
    after = demo_view(datetime(2026, 12, 4, 12, 30, tzinfo=TOKYO)).visits  # it is over
    assert (len(after.done), len(after.under_way), after.this_month) == (2, 0, 6)


# --- Line breaking ---------------------------------------------------------------------------


def font(px: int = 40) -> QFont:
    from signage.ui.theme import Metrics

    ensure_gui()
    return Metrics(1080).font(px, bold=True)


def width_of(text: str, f: QFont) -> float:
    return QFontMetricsF(f).horizontalAdvance(text)


@pytest.mark.parametrize(
    ("text", "fits", "lines"),
    [
        ("いじめ防止対策委員会", "防止対策委員会", ["いじめ", "防止対策委員会"]),
        ("避難訓練（地震・火災）", "（地震・火災）", ["避難訓練", "（地震・火災）"]),
        ("4年2組 授業参観", "授業参観", ["4年2組", "授業参観"]),
        ("校内研修（情報教育）", "（情報教育）", ["校内研修", "（情報教育）"]),
        ("ICT 9:00–11:00", "9:00–11:00", ["ICT", "9:00–11:00"]),
        ("職員04、職員05 ほか 5 名", "職員05 ほか", ["職員04、", "職員05", "ほか 5 名"]),
    ],
)
def test_titles_break_between_phrases_never_inside_a_word(text, fits, lines):
    f = font()
    width = width_of(fits, f) + 2  # the longest phrase fits, the whole does not
    assert width_of(text, f) > width
    assert draw.wrap(text, f, width) == lines


def test_a_phrase_wider_than_the_line_breaks_where_the_script_changes_then_anywhere():
    f = font()
    narrow = draw.wrap("いじめ防止対策委員会", f, width_of("いじめ防止", f))
    assert narrow[0] == "いじめ" and "".join(narrow) == "いじめ防止対策委員会"
    assert all(width_of(line, f) <= width_of("いじめ防止", f) for line in narrow)


def test_text_is_cut_only_past_the_lines_it_may_take():
    f = font()
    reason = "出張（伊勢崎市教育委員会）"
    w = width_of("（伊勢崎市教育", f)
    assert draw.wrap(reason, f, w, 1) == ["出張…"] or draw.wrap(reason, f, w, 1)[0].endswith("…")
    room = draw.line_height(f) * 3
    whole = draw.wrap(reason, f, w, draw.lines_in(room, f))
    assert not whole[-1].endswith("…") and "".join(whole) == reason


def test_the_budoux_parser_is_loaded_once_and_phrases_are_cached():
    draw.phrases("学習参観のお知らせ")
    loads = draw._parser.cache_info().misses
    hits = draw.phrases.cache_info().hits
    draw.phrases("学習参観のお知らせ")
    draw.phrases("学級懇談会のお知らせ")
    assert draw._parser.cache_info().misses == loads == 1
    assert draw.phrases.cache_info().hits == hits + 1


def test_replace_keeps_view_fields_for_the_week():
    view = demo_view(MOMENTS[1])
    assert len(view.week_out) == len(view.week_visits) == len(view.week) == 5
    assert replace(view, week_out=()).week_out == ()


# --- A crowded week: whatever the feeds hold, nothing overlaps or runs out of its room -------


def crowded_view(at: datetime) -> View:
    from signage import privacy
    from signage.config import Config, School, SourceConfig
    from signage.model import Event, Snapshot

    def when(day: int, hour: int, minutes: int = 45) -> tuple[datetime, datetime]:
        start = datetime(2026, 12, day, hour, tzinfo=TOKYO)
        return start, start.replace(minute=minutes)

    long = "いじめ防止対策委員会および生徒指導部会（第3回）拡大会議・資料は事前に配布します"
    events = [
        Event("cal", f"{long}{i}" if i % 3 == 0 else f"4年2組 授業参観{i}", *when(d, 8 + i))
        for d in range(1, 5)
        for i in range(9)
    ]
    out = [
        Event("out", f"職員{i:02d} 出張（伊勢崎市教育委員会・研修センター）", *when(d, 9))
        for d in range(1, 5)
        for i in range(12)
    ]
    visits = [Event("visits", "ICT支援 高橋", *when(d, 10)) for d in range(1, 5)]
    sources = (
        SourceConfig("cal", "ics", "events", "/c", "/c"),
        SourceConfig("out", "ics", "staff_out", "/o", "/o", names="full"),
        SourceConfig("visits", "ics", "visits", "/v", "/v"),
    )
    config = Config(school=School("伊勢崎市立みらい小学校"), sources=sources)
    snaps = [
        Snapshot("cal", tuple(events), fetched_at=at),
        Snapshot("out", privacy.shown_items(out, "staff_out", "full"), fetched_at=at),
        Snapshot("visits", tuple(visits), fetched_at=at),
    ]
    return build_view(config, snaps, at)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", ["week", "visits"])
def test_a_crowded_week_stays_inside_its_boxes(kind, size):
    view = crowded_view(datetime(2026, 12, 2, 10, 40, tzinfo=TOKYO))
    assert any(view.week_out) and any(view.week_visits)
    lines = painted(view, kind, size)
    where = f"{kind} {size[0]}x{size[1]}"
    assert not overlaps(lines), f"{where}: {overlaps(lines)[:4]}"
    for line in lines:
        assert line.box.right() <= line.room.right() + 1.5, f"{where}: {line.text}"
        assert line.box.bottom() <= size[1] + 4, f"{where}: {line.text}"
    texts = "".join(x.text for x in lines)
    if kind == "week":
        assert "ほか" in texts  # what does not fit is counted, not dropped
        assert "職員00" in texts  # those out still show on a crowded day
        assert any("ほか" in x.text and x.text.endswith("名") for x in lines)  # the rest: counted
