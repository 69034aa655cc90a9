"""What is on screen, decided without Qt: a fake wall clock and a fake monotonic time drive
the presenter. Nothing here imports Qt (the last test makes sure)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time, timedelta

import pytest

from signage.clock import FixedClock
from signage.config import Config, Schedule, School, SourceConfig
from signage.model import Event, Notice, Snapshot
from signage.presenter import (
    NEAR_DAYS,
    PAGES_PER_TURN,
    SECONDS_PER_PAGE,
    Presenter,
    near_items,
)
from signage.runtime import Runtime
from signage.view import View, build_view
from tests.moments import TOKYO
from tests.school import FakeMonotonic, school_runtime

WEEKDAYS = Schedule(on=time(7, 0), off=time(19, 0), days=(0, 1, 2, 3, 4), holidays=True)


def make(
    with_notices: bool = True, schedule: Schedule | None = None, closures: bool = False
) -> tuple[Presenter, FakeMonotonic, FixedClock, Runtime]:
    runtime, clock = school_runtime(with_notices, schedule, closures)
    mono = FakeMonotonic()
    return Presenter(runtime, monotonic=mono), mono, clock, runtime


def run(presenter: Presenter, mono: FakeMonotonic, clock: FixedClock, seconds: int) -> None:
    for _ in range(seconds):
        mono.t += 1
        clock.advance(1)
        presenter.tick()


def test_the_rotation_skips_empty_panels():
    presenter, mono, clock, _ = make()
    assert presenter.frame.panel == "today"
    seen = []
    for _ in range(8):
        run(presenter, mono, clock, 5)
        seen.append(presenter.frame.panel)
    assert seen == ["today", "today", "today", "week", "week", "notices", "notices", "today"]
    assert "visits" not in presenter.frame.available
    assert presenter.frame.kinds == ("today", "week", "notices", "visits")


def test_next_previous_and_pause():
    presenter, mono, clock, _ = make()
    presenter.next()
    assert presenter.frame.panel == "week"
    presenter.previous()
    presenter.previous()
    assert presenter.frame.panel == "notices"
    presenter.toggle_pause()
    run(presenter, mono, clock, 600)
    assert presenter.frame.panel == "notices" and presenter.frame.paused
    presenter.toggle_pause()
    run(presenter, mono, clock, 10)
    assert presenter.frame.panel == "today" and not presenter.frame.paused


def test_an_urgent_notice_arriving_while_running_jumps_to_the_board_once():
    presenter, mono, clock, runtime = make()
    changes = []
    presenter.on_change = lambda: changes.append(1)
    run(presenter, mono, clock, 25)
    assert presenter.frame.panel == "week"
    urgent = Notice("board", "校内ネットワーク停止", priority="urgent")
    runtime.store.succeeded("board", (urgent,), (), clock.now())
    assert changes  # the ui is asked for a tick soon, not at the next second
    presenter.tick()
    assert presenter.frame.panel == "notices"
    assert presenter.view.banners[0].label == "至急"
    run(presenter, mono, clock, 30)  # it does not keep interrupting; the banner stays
    assert presenter.frame.panel != "notices"
    assert presenter.view.banners[0].text == "校内ネットワーク停止"


def test_an_urgent_notice_there_at_the_start_opens_on_today_not_the_board():
    runtime, clock = school_runtime(with_notices=False)
    urgent = Notice("board", "校内ネットワーク停止", priority="urgent")
    runtime.store.succeeded("board", (urgent,), (), clock.now())  # the first fetch, done
    mono = FakeMonotonic()
    presenter = Presenter(runtime, monotonic=mono)
    assert presenter.frame.panel == "today"
    assert presenter.view.banners[0].text == "校内ネットワーク停止"  # its strip from the start
    shown = []
    for _ in range(4):
        run(presenter, mono, clock, 10)
        shown.append(presenter.frame.panel)
    assert shown == ["today", "week", "notices", "today"]  # the board in its turn


def test_urgent_notices_restored_or_in_the_first_fetch_are_not_news():
    runtime, clock = school_runtime(with_notices=False)
    yesterday = clock.now() - timedelta(days=1)
    old = Notice("board", "避難訓練の変更", priority="urgent")
    runtime.store.succeeded("board", (old,), (), yesterday)  # the disk copy
    mono = FakeMonotonic()
    presenter = Presenter(runtime, monotonic=mono)
    run(presenter, mono, clock, 5)
    first = Notice("board", "給食の変更", priority="urgent")
    runtime.store.succeeded("board", (old, first), (), clock.now())  # the first fetch
    presenter.tick()
    assert presenter.frame.panel == "today"
    run(presenter, mono, clock, 20)
    assert presenter.frame.panel == "week"
    late = Notice("board", "不審者情報", priority="urgent")
    runtime.store.succeeded("board", (old, first, late), (), clock.now())  # while running
    presenter.tick()
    assert presenter.frame.panel == "notices"


def test_a_first_fetch_that_fails_ends_the_start_too():
    runtime, clock = school_runtime(with_notices=False)
    runtime.store.succeeded("board", (), (), clock.now() - timedelta(hours=2))
    mono = FakeMonotonic()
    presenter = Presenter(runtime, monotonic=mono)
    runtime.store.failed("board", "connection refused")
    presenter.tick()
    runtime.store.succeeded("board", (Notice("board", "停電", priority="urgent"),), (), clock.now())
    presenter.tick()
    assert presenter.frame.panel == "notices"


def test_a_notice_appears_at_its_posted_time_and_if_urgent_interrupts_then():
    runtime, clock = school_runtime(with_notices=False)
    posted = clock.now() + timedelta(minutes=2)
    drill = Notice("board", "避難訓練（地震）", priority="urgent", posted=posted)
    runtime.store.succeeded("board", (drill,), (), clock.now())
    mono = FakeMonotonic()
    presenter = Presenter(runtime, monotonic=mono)
    assert presenter.view.notices == () and presenter.view.banners == ()
    run(presenter, mono, clock, 110)
    assert presenter.view.notices == ()  # 9:19:50: not yet
    assert presenter.frame.panel != "notices"
    run(presenter, mono, clock, 10)  # 9:20:00, its posted time
    assert [n.title for n in presenter.view.notices] == ["避難訓練（地震）"]
    assert presenter.frame.panel == "notices"  # news while running: it interrupts


def test_dark_outside_the_schedule_and_on_holidays():
    presenter, mono, clock, _ = make(schedule=WEEKDAYS)
    assert presenter.screen_on
    clock.set(datetime(2026, 11, 24, 19, 0, tzinfo=TOKYO))  # Tuesday evening
    presenter.tick()
    assert not presenter.screen_on
    dark = presenter.scene
    mono.t += 1
    clock.advance(1)
    presenter.tick()
    assert presenter.scene == dark  # a dark screen is not repainted every second
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    presenter.tick()
    assert presenter.screen_on
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO))  # 勤労感謝の日
    presenter.tick()
    assert not presenter.screen_on


def test_dark_on_a_closure_day_from_a_closures_source():
    presenter, mono, clock, runtime = make(closures=True)
    presenter.tick()
    assert presenter.screen_on  # Tuesday 9:18, nothing closed yet
    today = clock.now().date()
    closed = Event("closed", "臨時休業", today, today + timedelta(days=1), all_day=True)
    runtime.store.succeeded("closed", (closed,), (), clock.now())
    presenter.tick()
    assert not presenter.screen_on
    assert "臨時休業" not in [e.title for e in presenter.view.today]  # not an event on screen
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=TOKYO))
    presenter.tick()
    assert presenter.screen_on


def test_a_panel_that_failed_to_draw_is_skipped_until_the_data_changes():
    presenter, mono, clock, runtime = make()
    presenter.next()
    assert presenter.frame.panel == "week"
    assert presenter.failed("week") is True  # the first time: the ui logs it
    presenter.tick()
    assert presenter.frame.panel == "notices"
    assert "week" not in presenter.frame.available
    run(presenter, mono, clock, 10)  # the rotation goes round without it
    assert presenter.frame.panel == "today"
    assert presenter.failed("week") is False  # logged once, not every retry
    runtime.store.succeeded("board", (Notice("board", "新しい連絡"),), (), clock.now())
    presenter.tick()
    assert "week" in presenter.frame.available  # new data: another chance


def test_the_scene_changes_with_the_panel_and_the_minute_not_each_second():
    presenter, mono, clock, _ = make()
    scene = presenter.scene
    run(presenter, mono, clock, 3)  # 9:18:03
    assert presenter.scene == scene
    assert presenter.frame.progress > 0
    run(presenter, mono, clock, 17)  # 9:18:20: the week panel
    assert presenter.frame.panel == "week" and presenter.scene != scene
    scene = presenter.scene
    clock.set(clock.now().replace(minute=19, second=0))
    presenter.tick()
    assert presenter.scene != scene
    scene = presenter.scene
    presenter.resize(1280, 720)
    presenter.tick()
    assert presenter.scene != scene


def test_a_board_of_several_pages_gets_time_for_each_page():
    sizes: list[tuple[int, int]] = []

    def three_pages(width: int, height: int, view: View) -> int:
        sizes.append((width, height))
        return 3 if view.notices else 1

    presenter, mono, clock, runtime = make()
    presenter.count_pages = three_pages
    presenter.resize(1280, 720)
    presenter.tick()
    presenter.next()
    presenter.next()
    assert presenter.frame.panel == "notices"
    assert presenter.rotator.seconds == 3 * SECONDS_PER_PAGE  # configured 10 s
    scenes = {presenter.scene}
    for _ in range(3 * int(SECONDS_PER_PAGE) - 1):
        mono.t += 1
        presenter.tick()
        scenes.add(presenter.scene)
    assert len(scenes) == 3  # a page turn is a new picture
    assert sizes[-1] == (1280, 720)  # counted at the ui's size


def test_a_long_board_shows_a_few_pages_a_turn_and_goes_on_where_it_left_off():
    presenter, mono, clock, runtime = make()
    presenter.count_pages = lambda width, height, view: 75 if view.notices else 1
    presenter.resize(1920, 1080)
    presenter.tick()
    turns: list[list[int]] = []
    seconds: list[int] = []
    for _ in range(20 * 3 * 60):  # an hour
        was = presenter.frame.panel
        run(presenter, mono, clock, 1)
        frame = presenter.frame
        if frame.panel == "notices":
            if was != "notices":
                turns.append([])
                seconds.append(0)
            seconds[-1] += 1
            if not turns[-1] or turns[-1][-1] != frame.page:
                turns[-1].append(frame.page)
    assert turns[0] == [0, 1, 2, 3, 4]  # PAGES_PER_TURN pages, then the others have their turn
    assert turns[1] == [5, 6, 7, 8, 9]
    assert max(seconds) == PAGES_PER_TURN * SECONDS_PER_PAGE  # 40 s, not 75 × 8 = 10 minutes
    shown = [page for turn in turns for page in turn]
    assert shown[:76] == [*range(75), 0]  # every page in order, then from the first again
    assert turns[15] == [0, 1, 2, 3, 4] and turns[14] == [70, 71, 72, 73, 74]


def test_an_urgent_notice_opens_the_board_on_its_first_page():
    presenter, mono, clock, runtime = make()
    presenter.count_pages = lambda width, height, view: 12 if view.notices else 1
    presenter.resize(1920, 1080)
    run(presenter, mono, clock, 30)
    assert presenter.frame.panel == "notices"
    run(presenter, mono, clock, 20)
    assert presenter.frame.page == 2
    run(presenter, mono, clock, 40)
    assert presenter.frame.panel != "notices"
    urgent = Notice("board", "停電", priority="urgent")
    runtime.store.succeeded("board", (urgent, Notice("board", "連絡")), (), clock.now())
    presenter.tick()
    assert (presenter.frame.panel, presenter.frame.page) == ("notices", 0)
    assert presenter.frame.position == pytest.approx(0.5 / 12)


def test_a_long_calendar_is_cut_to_the_days_near_today_without_changing_the_view():
    config = Config(
        school=School("テスト小学校"),
        sources=(SourceConfig("cal", "ics", "events", "cal.ics", "/cal.ics"),),
    )
    base = datetime(2026, 6, 1, 0, 0, tzinfo=TOKYO)
    items: list[Event | Notice] = [Notice("cal", "紛れ込んだお知らせ")]
    for i in range(1500):  # every 7 hours for over a year, an hour or a day and a half long
        start = base + timedelta(hours=7 * i)
        end = start + (timedelta(hours=36) if i % 50 == 0 else timedelta(hours=1))
        items.append(Event("cal", f"予定{i}", start, end))
    for i in range(0, 400, 9):  # all-day ones, some for weeks; some with no length
        day = date(2026, 6, 1) + timedelta(days=i)
        items.append(Event("cal", f"終日{i}", day, day + timedelta(days=i % 40), all_day=True))
        moment = base + timedelta(days=i, hours=10)
        items.append(Event("cal", f"瞬間{i}", moment, moment))
    items.append(Event("cal", "通年", date(2026, 4, 1), date(2027, 4, 1), all_day=True))
    everything = tuple(items)
    for offset in range(0, 300, 11):  # weekdays and weekends across the months
        now = base + timedelta(days=offset, hours=9, minutes=18)
        near = near_items(everything, now.date(), TOKYO)
        assert len(near) < len(everything) / 4
        full_view = build_view(config, [Snapshot("cal", everything, fetched_at=now)], now)
        near_view = build_view(config, [Snapshot("cal", near, fetched_at=now)], now)
        assert near_view == full_view, now
    assert NEAR_DAYS[0] >= 7 and NEAR_DAYS[1] >= 14


def test_the_presenter_and_the_kiosk_core_import_no_qt():
    code = (
        "import sys, signage.presenter, signage.kiosk, signage.panels, signage.process;"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync', 'signage.ui'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
