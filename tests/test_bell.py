"""Which bell schedule a day follows, read from a real config file; and the `agenda --json`
days that carry it (bell, off) with the events under way (now)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from signage.bell import bell_status, day_bell
from signage.cli import main
from signage.config import Bell, load_config
from signage.model import Event
from signage.view import build_view
from tests.moments import TOKYO

CONFIG = """
[school]
name = "みらい小"

[display]
closed = ["2026-12-24"]

[bell]
name = "通常日課"
[[bell.periods]]
label = "1校時"
start = "8:45"
end = "9:30"
[[bell.periods]]
label = "下校"
start = "15:30"

[[bell.schedules]]
name = "水曜日課"
days = ["wed"]
[[bell.schedules.periods]]
label = "1校時"
start = "8:40"
end = "9:25"

[[bell.schedules]]
name = "短縮日課"
match = "短縮日課"
dates = ["2026-12-11", "2026-11-03"]
[[bell.schedules.periods]]
label = "1校時"
start = "8:45"
end = "9:25"
"""


def bell_of(tmp_path: Path) -> Bell:
    path = tmp_path / "signage.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path).bell


def all_day(title: str, day: date, source: str = "cal") -> Event:
    return Event(
        source=source, title=title, start=day, end=day.replace(day=day.day + 1), all_day=True
    )


@pytest.mark.parametrize(
    ("day", "name", "off"),
    [
        (date(2026, 12, 1), "通常日課", None),  # Tuesday: [bell]'s own
        (date(2026, 12, 2), "水曜日課", None),  # Wednesday: the weekday default
        (date(2026, 12, 11), "短縮日課", None),  # a Friday in `dates`
        (date(2026, 11, 3), "短縮日課", None),  # 文化の日, but the config names it: a school day
        (date(2026, 12, 5), None, "土曜日"),
        (date(2026, 12, 6), None, "日曜日"),
        (date(2026, 11, 23), None, "勤労感謝の日"),  # a Monday holiday
        (date(2026, 12, 24), None, "休校日"),  # [display] closed
    ],
)
def test_a_day_follows_its_schedule_or_names_why_it_has_none(tmp_path, day, name, off):
    found = day_bell(bell_of(tmp_path), day, TOKYO, closed=(date(2026, 12, 24),))
    assert (found.schedule.name if found.schedule else None) == name
    assert found.off == off


def test_an_all_day_event_in_the_calendar_switches_the_schedule(tmp_path):
    bell = bell_of(tmp_path)
    thursday = date(2026, 12, 3)
    events = [all_day("短縮日課（個人面談）", thursday)]
    assert day_bell(bell, thursday, TOKYO).schedule.name == "通常日課"  # type: ignore[union-attr]
    found = day_bell(bell, thursday, TOKYO, events=events)
    assert found.schedule is not None and found.schedule.name == "短縮日課"
    # a timed event with the word does not switch the day, nor does one on another day
    timed = Event(
        "cal",
        "短縮日課の打ち合わせ",
        datetime(2026, 12, 3, 8, tzinfo=TOKYO),
        datetime(2026, 12, 3, 8, 10, tzinfo=TOKYO),
    )
    assert day_bell(bell, thursday, TOKYO, events=[timed]).schedule.name == "通常日課"  # type: ignore[union-attr]
    assert day_bell(bell, date(2026, 12, 4), TOKYO, events=events).schedule.name == "通常日課"  # type: ignore[union-attr]


def test_a_closure_wins_over_every_schedule_and_is_named_by_its_event(tmp_path):
    bell = bell_of(tmp_path)
    friday = date(2026, 12, 11)  # in the short day's dates
    closures = [all_day("臨時休業", friday, "closures")]
    found = day_bell(bell, friday, TOKYO, closures=closures)
    assert found.schedule is None and found.off == "臨時休業"


def test_a_one_schedule_config_reads_as_before(tmp_path):
    path = tmp_path / "signage.toml"
    path.write_text(CONFIG.split("[[bell.schedules]]")[0], encoding="utf-8")
    bell = load_config(path).bell
    assert bell.schedules == ()
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=TOKYO)
    status = bell_status(bell, monday)
    assert status is not None and status.name == "通常日課" and status.minutes_to_next == 30
    assert [p.state for p in status.periods] == ["now", "future"]
    assert bell_status(bell, datetime(2026, 12, 5, 9, 0, tzinfo=TOKYO)) is None  # Saturday


def test_the_schedules_are_checked_against_each_other(tmp_path):
    from signage.config.load import check_file

    path = tmp_path / "signage.toml"
    path.write_text(
        CONFIG + '\n[[bell.schedules]]\nname = "水曜日課"\ndays = ["水"]\ndates = ["2026-12-11"]\n',
        encoding="utf-8",
    )
    config, issues = check_file(path, "ja")
    assert config is None  # refused
    text = "\n".join(issue.format() for issue in issues)
    assert "水曜日課" in text and "もう使われています" in text  # the name twice
    assert "水曜日は日課「水曜日課」の days にもあります" in text
    assert "2026-12-11 は日課「短縮日課」の dates にもあります" in text


def test_on_a_day_without_school_the_view_has_no_bell_and_says_why(tmp_path):
    path = tmp_path / "signage.toml"
    path.write_text(CONFIG, encoding="utf-8")
    config = load_config(path)
    holiday = build_view(config, [], datetime(2026, 11, 23, 10, 40, tzinfo=TOKYO))
    assert holiday.bell is None and holiday.bell_name == "" and holiday.off == "勤労感謝の日"
    assert holiday.next_day == date(2026, 11, 24)
    wednesday = build_view(config, [], datetime(2026, 12, 2, 8, 50, tzinfo=TOKYO))
    assert wednesday.off is None and wednesday.bell_name == "水曜日課"
    assert wednesday.bell is not None and wednesday.bell.periods[0].state == "now"
    # Thursday's view tells that Friday (in `dates`) runs the short day
    thursday = build_view(config, [], datetime(2026, 12, 10, 16, 0, tzinfo=TOKYO))
    assert thursday.next_day == date(2026, 12, 11) and thursday.next_day_bell == "短縮日課"
    # after 23rd's holiday weekend: Friday's next school day is Tuesday past a closure Monday
    saturday = build_view(config, [], datetime(2026, 12, 5, 10, 40, tzinfo=TOKYO))
    assert saturday.bell is None and saturday.off == "土曜日"
    assert saturday.next_day == date(2026, 12, 7)


def test_agenda_json_carries_bell_off_and_events_under_way(capsys):
    assert main(["agenda", "--demo", "--json", "--at", "2026-12-01T16:30", "--days", "7"]) == 0
    days = {d["date"]: d for d in json.loads(capsys.readouterr().out)["days"]}
    tuesday = days["2026-12-01"]
    assert tuesday["off"] is None
    assert tuesday["bell"]["name"] == "通常日課"
    assert tuesday["bell"]["periods"][0] == {"name": "朝の会", "start": "08:20", "end": "08:35"}
    assert tuesday["bell"]["periods"][-1]["end"] is None  # 下校: a moment, not a span
    under_way = [e["title"] for e in tuesday["events"] if e.get("now")]
    assert under_way == ["いじめ防止対策委員会"]  # 16:00–16:45; the all-day trip is not "now"
    assert days["2026-12-02"]["bell"]["name"] == "水曜日課"
    assert days["2026-12-03"]["bell"]["name"] == "短縮日課"  # announced in the calendar
    assert days["2026-12-05"] == {**days["2026-12-05"], "bell": None, "off": "土曜日"}
    assert days["2026-12-06"]["off"] == "日曜日"
    assert not any("now" in e for e in days["2026-12-02"]["events"])  # left out, not false


def test_the_bell_status_of_a_short_day_counts_down_on_its_own_periods(tmp_path):
    bell = bell_of(tmp_path)
    short = day_bell(bell, date(2026, 12, 11), TOKYO).schedule
    assert short is not None
    status = bell_status(short, datetime(2026, 12, 11, 9, 20, tzinfo=TOKYO))
    assert status is not None and status.minutes_to_next == 5  # 9:25, not the usual 9:30
    assert status.periods[0].period.end == time(9, 25)
