"""A small school for the presenter and window tests: a fixed Tuesday morning, a meeting
today and (maybe) a notice, and a monotonic time the test moves by hand. No Qt here."""

from __future__ import annotations

from datetime import datetime

from signage.clock import FixedClock
from signage.config import Config, Display, PanelConfig, Schedule, School, SourceConfig
from signage.model import Event, Notice
from signage.runtime import Runtime
from tests.moments import TOKYO


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def school_runtime(
    with_notices: bool = True, schedule: Schedule | None = None, closures: bool = False
) -> tuple[Runtime, FixedClock]:
    """Tuesday 24 November 2026, 9:18 in Tokyo: a meeting today and (maybe) a notice."""
    clock = FixedClock(datetime(2026, 11, 24, 9, 18, tzinfo=TOKYO))
    sources = [
        SourceConfig("cal", "ics", "events", "cal.ics", "/cal.ics"),
        SourceConfig("board", "json", "notices", "n.json", "/n.json"),
    ]
    if closures:
        sources.append(SourceConfig("closed", "ics", "closures", "c.ics", "/c.ics"))
    config = Config(
        school=School("テスト小学校"),
        sources=tuple(sources),
        panels=(
            PanelConfig("today", 20),
            PanelConfig("week", 10),
            PanelConfig("notices", 10),
            PanelConfig("visits", 5),
        ),
        display=Display(schedule=schedule or Schedule()),
    )
    runtime = Runtime.build(config, clock)
    meeting = Event(
        "cal",
        "職員会議",
        datetime(2026, 11, 24, 15, tzinfo=TOKYO),
        datetime(2026, 11, 24, 16, tzinfo=TOKYO),
    )
    runtime.store.succeeded("cal", (meeting,), (), clock.now())
    if with_notices:
        runtime.store.succeeded("board", (Notice("board", "連絡"),), (), clock.now())
    return runtime, clock
