"""The kiosk window rotates on its timer, skips empty panels and answers the keys."""

from dataclasses import replace
from datetime import datetime, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication

from signage.clock import FixedClock
from signage.config import Config, PanelConfig, School, SourceConfig
from signage.model import Event, Notice
from signage.runtime import Runtime
from signage.ui.window import KioskWindow
from tests.moments import TOKYO
from tests.school import FakeMonotonic, school_runtime
from tests.windows import grab


def make_window(qtbot, with_notices: bool = True):
    runtime, clock = school_runtime(with_notices)
    mono = FakeMonotonic()
    window = KioskWindow(runtime, monotonic=mono)
    window.timer.stop()  # the test drives the ticks
    window.resize(1280, 720)
    window.show()
    return window, mono, clock, runtime


def test_window_rotates_and_skips_the_empty_visits_panel(qtbot):
    window, mono, clock, _ = make_window(qtbot)
    assert window.presenter.frame.panel == "today"
    seen = []
    for _ in range(8):
        mono.t += 5
        clock.advance(5)
        window.tick()
        seen.append(window.presenter.frame.panel)
    assert seen == ["today", "today", "today", "week", "week", "notices", "notices", "today"]
    assert "visits" not in window.presenter.frame.available


def test_keys_move_and_pause(qtbot):
    window, mono, clock, _ = make_window(qtbot)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.presenter.frame.panel == "week"
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.presenter.frame.panel == "notices"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    mono.t += 600
    window.tick()
    assert window.presenter.frame.panel == "notices" and window.presenter.frame.paused
    qtbot.keyClick(window, Qt.Key.Key_Space)
    mono.t += 10
    window.tick()
    assert window.presenter.frame.panel == "today"


def test_new_data_reaches_the_screen_on_the_next_tick(qtbot):
    window, mono, clock, runtime = make_window(qtbot, with_notices=False)
    assert "notices" not in window.presenter.view.available()
    runtime.store.succeeded(
        "board", (Notice("board", "至急の連絡", priority="urgent"),), (), clock.now()
    )
    window.tick()
    assert "notices" in window.presenter.view.available()
    assert window.presenter.view.banners[0].text == "至急の連絡"


def test_the_clock_ticks_every_second(qtbot):
    window, mono, clock, _ = make_window(qtbot)
    window.timer.start(1000)
    clock.advance(1)
    before = window.presenter.view.now
    qtbot.waitUntil(lambda: window.presenter.view.now != before, timeout=2500)
    assert (window.presenter.view.now - before).total_seconds() == 1
    image = grab(window)
    assert image.width() == 1280


def test_a_new_urgent_notice_interrupts_the_rotation(qtbot):
    window, mono, clock, runtime = make_window(qtbot)
    mono.t += 25
    window.tick()
    assert window.presenter.frame.panel == "week"
    urgent = Notice("board", "校内ネットワーク停止", priority="urgent")
    runtime.store.succeeded("board", (urgent,), (), clock.now())
    mono.t += 1
    window.tick()
    assert window.presenter.frame.panel == "notices"
    assert window.presenter.view.banners[0].label == "至急"
    # it does not keep interrupting: the rotation goes on, the banner stays
    for _ in range(6):
        mono.t += 5
        window.tick()
    assert window.presenter.frame.panel != "notices"
    assert window.presenter.view.banners[0].text == "校内ネットワーク停止"


def test_an_expired_notice_leaves_without_a_refresh(qtbot):
    window, mono, clock, runtime = make_window(qtbot)
    expires = clock.now() + timedelta(minutes=2)
    runtime.store.succeeded(
        "board", (Notice("board", "至急", priority="urgent", expires=expires),), (), clock.now()
    )
    window.tick()
    assert window.presenter.view.banners
    clock.set(expires)
    mono.t += 120
    window.tick()
    assert not window.presenter.view.banners
    assert "notices" not in window.presenter.view.available()


def test_a_refused_config_is_said_on_screen_and_a_new_one_takes_over(qtbot):
    window, mono, clock, runtime = make_window(qtbot)
    window.presenter.set_core(
        runtime, "設定ファイルに誤りがあります（6行目 sources[0].kind）。前の設定で表示中"
    )
    window.tick()
    assert any("6行目" in note for note in window.presenter.view.notes)
    fewer = Runtime.build(
        Config(school=School("新しい名前"), panels=(PanelConfig("week", 10),)), clock
    )
    window.presenter.set_core(fewer)
    window.tick()
    assert window.presenter.view.school == "新しい名前"
    assert not window.presenter.view.notes
    assert window.presenter.frame.panel == "week"


def test_a_panel_that_fails_to_draw_is_skipped_and_the_screen_stays(qtbot, monkeypatch, caplog):
    from signage.ui.panels import week

    def broken(self, rect, view, page):
        raise ZeroDivisionError("bug in the week panel")

    monkeypatch.setattr(week.WeekPanel, "draw", broken)
    window, mono, clock, _ = make_window(qtbot)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # to the week panel
    grab(window)  # paint it: it fails
    qtbot.waitUntil(lambda: window.presenter.frame.panel == "notices", timeout=2000)
    assert "week" not in window.presenter.frame.available
    assert "bug in the week panel" in caplog.text
    image = grab(window)  # the next frame paints fine
    assert image.width() == 1280


def test_the_screen_is_dark_outside_its_hours_and_wakes_with_fresh_data(qtbot):
    from signage.config import Display, Schedule

    window, mono, clock, runtime = make_window(qtbot)
    hours = Schedule(on=time(7, 0), off=time(19, 0), days=(0, 1, 2, 3, 4), holidays=True)
    config = replace(runtime.config, display=Display(schedule=hours))
    dark_runtime = Runtime(config, clock, runtime.sources, runtime.store)
    window.presenter.set_core(dark_runtime)
    clock.set(datetime(2026, 11, 24, 19, 0, tzinfo=TOKYO))  # Tuesday evening
    window.tick()
    assert not window.presenter.screen_on
    image = grab(window)
    assert {image.pixel(x, y) for x in range(0, 1280, 80) for y in range(0, 720, 80)} == {
        0xFF000000
    }
    clock.set(datetime(2026, 11, 25, 7, 0, tzinfo=TOKYO))
    window.tick()
    assert window.presenter.screen_on
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO))  # 勤労感謝の日
    window.tick()
    assert not window.presenter.screen_on


def test_a_board_of_several_pages_gets_time_for_each(qtbot):
    window, mono, clock, runtime = make_window(qtbot)
    many = tuple(Notice("board", f"お知らせ{i}", body="本文" * 80) for i in range(12))
    runtime.store.succeeded("board", many, (), clock.now())
    window.tick()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.presenter.frame.panel == "notices"
    assert window.presenter.rotator.seconds >= 3 * 8  # configured 10 s, but pages need reading time


class PaintRecorder:
    """The region of every paint a window does (a QRasterWindow paints on its update
    requests, not through paint events that an event filter would see)."""

    def __init__(self, window) -> None:
        self.regions: list[QRegion] = []
        paint = window.paintEvent

        def recording(event) -> None:
            self.regions.append(QRegion(event.region()))
            paint(event)

        window.paintEvent = recording


def settle(qtbot, window):
    """Shown, and the rebuild that new data or a new size asks for done and painted."""
    qtbot.waitExposed(window)
    qtbot.wait(60)
    QApplication.processEvents()


def test_each_second_repaints_only_the_clock_and_the_bar(qtbot):
    from signage.ui.screen import ticking_rects

    window, mono, clock, _ = make_window(qtbot)
    settle(qtbot, window)
    recorder = PaintRecorder(window)
    regions = recorder.regions
    for second in range(1, 4):  # 9:18:01 … 9:18:03, the same panel: the clock and the bar move
        mono.t += 1
        clock.advance(1)
        window.tick()
        qtbot.waitUntil(lambda n=second: len(regions) == n)  # the window's next update
    qtbot.wait(50)
    assert len(regions) == 3
    ticking = QRegion()
    small = 0
    for rect in ticking_rects(window.width(), window.height(), window.presenter.view):
        ticking += rect
        small += rect.width() * rect.height()
    assert small < 0.05 * window.width() * window.height()
    assert all((region - ticking).isEmpty() for region in regions)
    # what is on screen is exactly what a whole repaint gives
    shown = window.screen().grabWindow(window.winId()).toImage()
    whole = grab(window)
    assert shown.convertToFormat(whole.format()) == whole


def test_a_new_panel_or_minute_repaints_the_whole_screen(qtbot):
    window, mono, clock, _ = make_window(qtbot)
    settle(qtbot, window)
    recorder = PaintRecorder(window)
    regions = recorder.regions
    whole = QRegion(0, 0, window.width(), window.height())
    mono.t += 20  # the week panel
    clock.advance(20)
    window.tick()
    qtbot.waitUntil(lambda: len(regions) == 1)  # a new scene is painted once the tick is done
    assert window.presenter.frame.panel == "week"
    clock.set(clock.now().replace(minute=19, second=0))  # a new minute
    mono.t += 1
    window.tick()
    qtbot.waitUntil(lambda: len(regions) == 2)
    QApplication.processEvents()
    assert len(regions) == 2
    assert all((whole - region).isEmpty() for region in regions)


def test_a_dark_screen_is_not_repainted_every_second(qtbot):
    from signage.config import Display, Schedule

    window, mono, clock, runtime = make_window(qtbot)
    hours = Schedule(on=time(7, 0), off=time(19, 0), days=(0, 1, 2, 3, 4), holidays=True)
    config = replace(runtime.config, display=Display(schedule=hours))
    window.presenter.set_core(Runtime(config, clock, runtime.sources, runtime.store))
    clock.set(datetime(2026, 11, 24, 20, 0, tzinfo=TOKYO))
    window.tick()
    settle(qtbot, window)
    recorder = PaintRecorder(window)
    regions = recorder.regions
    for _ in range(3):
        mono.t += 1
        clock.advance(1)
        window.tick()
        QApplication.processEvents()
    assert not window.presenter.screen_on
    assert regions == []


def test_new_data_is_shown_without_waiting_for_the_next_tick(qtbot):
    window, mono, clock, runtime = make_window(qtbot, with_notices=False)
    settle(qtbot, window)
    runtime.store.succeeded("board", (Notice("board", "新しい連絡"),), (), clock.now())
    # the window's one-second timer is stopped in these tests: only the data can do it
    qtbot.waitUntil(lambda: "notices" in window.presenter.view.available(), timeout=500)


def test_the_first_data_is_shown_at_once_and_later_data_together(qtbot):
    from signage.ui.window import SETTLE_MS

    clock = FixedClock(datetime(2026, 11, 24, 9, 18, tzinfo=TOKYO))
    config = Config(
        sources=(
            SourceConfig("cal", "ics", "events", "cal.ics", "/cal.ics"),
            SourceConfig("board", "json", "notices", "n.json", "/n.json"),
        )
    )
    runtime = Runtime.build(config, clock)
    window = KioskWindow(runtime, monotonic=FakeMonotonic())
    window.timer.stop()
    grab(window)  # start-up: nothing fetched yet
    runtime.store.succeeded("board", (Notice("board", "連絡"),), (), clock.now())
    assert window._soon.isActive() and window._soon.interval() == 0  # not batched
    qtbot.waitUntil(lambda: window.presenter.has_data, timeout=500)
    runtime.store.succeeded("cal", (), (), clock.now())
    assert window._soon.interval() == SETTLE_MS  # with data on screen: with what comes next


def test_the_first_frame_with_data_is_reported_once(qtbot):
    clock = FixedClock(datetime(2026, 11, 24, 9, 18, tzinfo=TOKYO))
    config = Config(sources=(SourceConfig("cal", "ics", "events", "cal.ics", "/cal.ics"),))
    runtime = Runtime.build(config, clock)
    window = KioskWindow(runtime, monotonic=FakeMonotonic())
    window.timer.stop()
    window.resize(640, 360)
    reports = []
    window.on_first_data_frame = lambda: reports.append(window.presenter.view.now)
    grab(window)  # no source has fetched yet: a frame, but not one with data
    assert reports == []
    runtime.store.succeeded("cal", (), (), clock.now())  # fetched, even if empty
    window.tick()
    grab(window)
    grab(window)
    assert len(reports) == 1


def test_a_closure_day_from_a_calendar_keeps_the_screen_dark(qtbot):
    window, mono, clock, runtime = make_window(qtbot)
    closures = SourceConfig("closed", "ics", "closures", "c.ics", "/c.ics")
    config = replace(runtime.config, sources=(*runtime.config.sources, closures))
    rt = Runtime.build(config, clock, previous=runtime)
    window.presenter.set_core(rt)
    window.tick()
    assert window.presenter.screen_on  # Tuesday 9:18, nothing closed yet
    closed = Event(
        "closed",
        "臨時休業（インフルエンザ）",
        clock.now().date(),
        clock.now().date() + timedelta(days=1),
        all_day=True,
    )
    rt.store.succeeded("closed", (closed,), (), clock.now())
    window.tick()
    window.tick()
    assert not window.presenter.screen_on
    # not an event on screen
    assert "臨時休業" not in [e.title for e in window.presenter.view.today]


def test_a_new_day_forgets_past_text_and_paints_the_same(qtbot):
    from PySide6.QtGui import QFontDatabase

    from signage.ui import draw

    draw.forget_text()  # engines made by earlier tests' drawing can round edges differently
    window, mono, clock, runtime = make_window(qtbot)
    families = QFontDatabase.families()
    first = grab(window)
    assert draw._wrapped.cache_info().currsize > 0
    window.tick()  # the same day: nothing is forgotten
    assert draw._wrapped.cache_info().currsize > 0
    clock.set(clock.now() + timedelta(days=1))
    window.tick()  # the first tick of the next day
    assert draw._wrapped.cache_info().currsize == 0
    assert QFontDatabase.families() == families  # the blank font came and went
    clock.set(clock.now() - timedelta(days=1))
    window.tick()
    assert grab(window) == first  # fonts and glyphs made again: the same pixels
