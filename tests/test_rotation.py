"""Rotation with a fake clock: durations, skipping empty panels, pause, keys."""

import pytest

from signage.config import PanelConfig
from signage.rotation import Rotator

PANELS = [PanelConfig("today", 20), PanelConfig("week", 10), PanelConfig("notices", 5)]
ALL = {"today", "week", "notices"}


def test_each_panel_stays_for_its_seconds():
    r = Rotator(PANELS, now=0.0)
    assert r.update(19.9, ALL).kind == "today"
    assert r.update(20.0, ALL).kind == "week"
    assert r.update(29.9, ALL).kind == "week"
    assert r.update(30.0, ALL).kind == "notices"
    assert r.update(35.0, ALL).kind == "today"


def test_progress_runs_from_zero_to_one():
    r = Rotator(PANELS, now=100.0)
    assert r.progress(100.0) == 0.0
    assert r.progress(110.0) == pytest.approx(0.5)
    assert r.progress(500.0) == 1.0


def test_empty_panels_are_skipped():
    r = Rotator(PANELS, now=0.0)
    assert r.update(20.0, {"today", "notices"}).kind == "notices"
    # a panel that becomes empty while shown is left at once
    r = Rotator(PANELS, now=0.0)
    r.update(20.0, ALL)
    assert r.update(21.0, {"today", "notices"}).kind == "notices"


def test_only_one_panel_left_stays():
    r = Rotator(PANELS, now=0.0)
    for t in (20.0, 40.0, 60.0):
        assert r.update(t, {"today"}).kind == "today"


def test_pause_holds_panel_and_progress_then_resumes():
    r = Rotator(PANELS, now=0.0)
    r.update(5.0, ALL)
    assert r.toggle_pause(5.0) is True
    assert r.update(100.0, ALL).kind == "today"
    assert r.progress(100.0) == pytest.approx(0.25)
    assert r.toggle_pause(100.0) is False
    assert r.update(114.9, ALL).kind == "today"
    assert r.update(115.0, ALL).kind == "week"


def test_next_and_previous_skip_empty_and_restart_the_timer():
    r = Rotator(PANELS, now=0.0)
    assert r.next(3.0, {"today", "notices"}).kind == "notices"
    assert r.progress(3.0) == 0.0
    assert r.previous(4.0, ALL).kind == "week"
    assert r.previous(4.0, ALL).kind == "today"
    assert r.previous(4.0, ALL).kind == "notices"


def test_a_panel_with_pages_shows_a_few_a_turn_and_resumes_after_the_last_shown():
    r = Rotator(PANELS, now=0.0, pages_per_turn=3, seconds_per_page=8.0)
    r.set_pages("notices", 7)
    r.update(20.0, ALL)
    assert r.update(30.0, ALL).kind == "notices"
    assert (r.seconds, r.page(30.0), r.page(38.0), r.page(53.9)) == (24.0, 0, 1, 2)
    assert r.update(54.0, ALL).kind == "today"
    r.update(74.0, ALL)
    r.update(84.0, ALL)
    assert (r.current.kind, r.page(84.0)) == ("notices", 3)
    r.next(90.0, ALL)  # skipped on page 3: the next turn goes on from page 4
    r.update(110.0, ALL)
    r.update(120.0, ALL)
    assert (r.current.kind, r.page(120.0), r.turn_pages, r.seconds) == ("notices", 4, 3, 24.0)
    r.update(144.0, ALL)
    r.update(164.0, ALL)
    r.update(174.0, ALL)
    assert (r.current.kind, r.page(174.0)) == ("notices", 0)  # after page 6, the first again


def test_fewer_pages_than_where_the_turn_began_starts_from_the_first():
    r = Rotator(PANELS, now=0.0, pages_per_turn=2)
    r.set_pages("notices", 9)
    r.jump("notices", 0.0)
    r.update(16.0, ALL)  # pages 0 and 1 shown
    r.update(36.0, ALL)
    r.update(46.0, ALL)
    assert (r.current.kind, r.page(46.0)) == ("notices", 2)
    r.set_pages("notices", 2)  # notices withdrawn: page 2 is gone
    assert r.page(46.0) == 0 and r.seconds == 16.0
