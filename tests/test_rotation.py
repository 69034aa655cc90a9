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
