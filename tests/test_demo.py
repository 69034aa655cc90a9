"""The packaged demo data and the materialiser that keeps it current."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from signage.demo import (
    ANCHOR_MONDAY,
    demo_dir,
    materialize_demo,
    shift_dates,
    target_monday,
)

TOKYO = ZoneInfo("Asia/Tokyo")
ICS_FILES = ("events.ics", "visits.ics", "staff_out.ics")
DATA_FILES = (*ICS_FILES, "notices.json", "signage.toml")
ANCHOR_VISIT_UID = "20261124090000123-0042@ict.isesaki.example"
DATE_RE = re.compile(r"(?<!\d)(20\d\d)(-?)(\d\d)\2(\d\d)(?!\d)")

TODAYS = [
    date(2026, 11, 24),  # the anchor Tuesday itself: nothing moves
    date(2026, 6, 16),  # a Tuesday earlier in 2026
    date(2027, 1, 9),  # a Saturday: shows the coming week (across a year boundary)
    date(2026, 11, 29),  # the Sunday after the anchor week: shows the next week
    date(2030, 5, 15),  # a Wednesday in 2030
    date(2025, 4, 7),  # a Monday before the anchor
]


def _ids(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=TOKYO)
        return value.astimezone(TOKYO).date()
    return value


def _occurrences(path: Path, first: date, days: int) -> list[Any]:
    start = datetime.combine(first, time.min, tzinfo=TOKYO)
    end = start + timedelta(days=days)
    return list(recurring_ical_events.of(_calendar(path)).between(start, end))


def _days_with_events(path: Path, first: date, days: int) -> set[date]:
    covered: set[date] = set()
    for component in _occurrences(path, first, days):
        begin = _local_day(component.decoded("DTSTART"))
        finish = _local_day(component.decoded("DTEND"))
        if isinstance(component.decoded("DTSTART"), datetime):
            covered.add(begin)
        else:  # all-day, exclusive end
            day = begin
            while day < finish:
                covered.add(day)
                day += timedelta(days=1)
    return covered


# ---------------------------------------------------------------- the packaged folder


def test_demo_dir_holds_every_file() -> None:
    folder = demo_dir()
    for name in DATA_FILES:
        assert (folder / name).is_file(), name


def test_config_has_the_stable_keys_and_relative_sources() -> None:
    config = tomllib.loads((demo_dir() / "signage.toml").read_text(encoding="utf-8"))
    assert config["school"] == {"name": "伊勢崎市立みらい小学校", "timezone": "Asia/Tokyo"}
    assert config["visits"]["monthly_target"] == 4
    assert config["bell"]["days"] == ["mon", "tue", "wed", "thu", "fri"]
    periods = config["bell"]["periods"]
    assert periods[0] == {"label": "朝の会", "start": "8:20", "end": "8:35"}
    assert periods[-1] == {"label": "下校", "start": "15:30"}
    roles = {source["role"]: source for source in config["sources"]}
    assert set(roles) == {"events", "visits", "staff_out", "notices"}
    assert roles["visits"]["match"] == "みらい小"
    for source in config["sources"]:
        assert (demo_dir() / source["url"]).is_file()
    assert [(p["kind"], p["seconds"]) for p in config["panels"]] == [
        ("today", 20),
        ("week", 15),
        ("notices", 20),
        ("visits", 15),
    ]


@pytest.mark.parametrize("name", ICS_FILES)
def test_ics_files_are_crlf_and_folded_at_75_octets(name: str) -> None:
    raw = (demo_dir() / name).read_bytes()
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75


@pytest.mark.parametrize("name", ICS_FILES)
def test_no_date_is_split_by_a_fold(name: str) -> None:
    # The shift works on the raw text, so a date cut in two by folding would be missed.
    raw = (demo_dir() / name).read_bytes().decode("utf-8")
    unfolded = raw.replace("\r\n ", "")
    assert DATE_RE.findall(raw) == DATE_RE.findall(unfolded)


def test_anchor_week_has_events_on_every_weekday() -> None:
    covered = _days_with_events(demo_dir() / "events.ics", ANCHOR_MONDAY, 5 + 21)
    for offset in range(26):
        day = ANCHOR_MONDAY + timedelta(days=offset)
        if day.weekday() < 5:
            assert day in covered, day


def test_anchor_tuesday_matches_the_mockup() -> None:
    tuesday = ANCHOR_MONDAY + timedelta(days=1)
    titles = {str(c["SUMMARY"]) for c in _occurrences(demo_dir() / "events.ics", tuesday, 1)}
    assert titles == {
        "林間学校（5年）",
        "就学時健康診断の打ち合わせ",
        "授業研究会（3年1組 算数）",
        "いじめ防止対策委員会",
    }
    out = {
        str(c["SUMMARY"]).split()[0] for c in _occurrences(demo_dir() / "staff_out.ics", tuesday, 1)
    }
    assert out == {"鈴木", "中村", "高橋"}


def test_recurring_events_have_an_exdate_and_an_override() -> None:
    text = (demo_dir() / "events.ics").read_text(encoding="utf-8")
    assert "RRULE:" in text
    assert "EXDATE" in text
    assert "RECURRENCE-ID" in text
    mondays = _occurrences(demo_dir() / "events.ics", date(2026, 12, 7), 1)
    assert "朝の職員打ち合わせ" not in {str(c["SUMMARY"]) for c in mondays}


def test_visits_are_a_shared_calendar_filtered_by_match() -> None:
    path = demo_dir() / "visits.ics"
    mine: list[date] = []
    others = 0
    for component in _calendar(path).walk("VEVENT"):
        fields = " ".join(str(component.get(k, "")) for k in ("SUMMARY", "LOCATION", "DESCRIPTION"))
        if "みらい小" in fields:
            assert str(component["LOCATION"]) == "伊勢崎市立みらい小学校"
            mine.append(_local_day(component.decoded("DTSTART")))
        else:
            others += 1
    assert others >= 5
    november = sorted(d for d in mine if (d.year, d.month) == (2026, 11))
    assert november == [
        date(2026, 11, 10),
        date(2026, 11, 24),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]
    assert len([d for d in mine if (d.year, d.month) == (2026, 10)]) == 3
    assert len([d for d in mine if (d.year, d.month) == (2026, 12)]) >= 2


def test_notices_cover_the_cases_the_screen_must_handle() -> None:
    notices = json.loads((demo_dir() / "notices.json").read_text(encoding="utf-8"))["notices"]
    assert 5 <= len(notices) <= 7
    assert all(n["title"] for n in notices)
    priorities = [n.get("priority", "normal") for n in notices]
    assert priorities.count("urgent") == 1
    assert priorities.count("high") == 1
    urgent = notices[priorities.index("urgent")]
    assert datetime.fromisoformat(urgent["expires"]) == datetime(2026, 11, 26, 14, tzinfo=TOKYO)
    assert any(
        str(n.get("link") or "").startswith("https://www.city.isesaki.lg.jp/") for n in notices
    )
    assert any("<b>重要</b>" in n["title"] + n.get("body", "") for n in notices)
    assert any(n.get("expires", "") is None for n in notices)
    assert max(len(n.get("body", "")) for n in notices) > 200


# ---------------------------------------------------------------- shifting


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),
        (date(2026, 11, 27), date(2026, 11, 23)),
        (date(2026, 11, 28), date(2026, 11, 30)),
        (date(2026, 11, 29), date(2026, 11, 30)),
        (date(2025, 4, 7), date(2025, 4, 7)),
    ],
    ids=_ids,
)
def test_target_monday(today: date, monday: date) -> None:
    assert target_monday(today) == monday


@pytest.mark.parametrize(
    ("text", "weeks", "expected"),
    [
        ("DTSTART;VALUE=DATE:20261124", 1, "DTSTART;VALUE=DATE:20261201"),
        ("DTSTART:20261124T090000", -1, "DTSTART:20261117T090000"),
        ("DTSTAMP:20261122T211500Z", 2, "DTSTAMP:20261206T211500Z"),
        ('"2026-11-24"', 6, '"2027-01-05"'),
        ('"2026-11-24T09:00:00+09:00"', -87, '"2025-03-25T09:00:00+09:00"'),
        ("0270241111", 5, "0270241111"),  # phone number
        ("202611240001", 5, "202611240001"),  # ticket number: longer digit run
        ("X20261124Y", 1, "X20261201Y"),
        ("20261399 20260230", 5, "20261399 20260230"),  # not dates
        ("19700101T000000", 5, "19700101T000000"),  # not 20xx
        ("2026-1124 202611-24", 5, "2026-1124 202611-24"),  # mixed separators
        ("20261124", 0, "20261124"),
    ],
)
def test_shift_dates(text: str, weeks: int, expected: str) -> None:
    assert shift_dates(text, weeks) == expected


@pytest.fixture(params=TODAYS, ids=_ids)
def shifted(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[date, date, Path]:
    today: date = request.param
    config = materialize_demo(today, tmp_path / "demo")
    assert config == tmp_path / "demo" / "signage.toml"
    return today, target_monday(today), config.parent


def test_materialized_folder_has_every_file_and_no_package_plumbing(
    shifted: tuple[date, date, Path],
) -> None:
    _, _, folder = shifted
    assert sorted(p.name for p in folder.iterdir()) == sorted(DATA_FILES)


def test_all_files_still_parse(shifted: tuple[date, date, Path]) -> None:
    _, _, folder = shifted
    for name in ICS_FILES:
        assert _calendar(folder / name).walk("VEVENT")
    json.loads((folder / "notices.json").read_text(encoding="utf-8"))
    tomllib.loads((folder / "signage.toml").read_text(encoding="utf-8"))


def test_anchor_visit_moves_to_tuesday_of_the_target_week(
    shifted: tuple[date, date, Path],
) -> None:
    _, monday, folder = shifted
    (visit,) = [
        c
        for c in _calendar(folder / "visits.ics").walk("VEVENT")
        if str(c["UID"]) == ANCHOR_VISIT_UID
    ]
    start = visit.decoded("DTSTART")
    assert start.astimezone(TOKYO).replace(tzinfo=None) == datetime.combine(
        monday + timedelta(days=1), time(9, 0)
    )
    assert "佐藤" in str(visit["SUMMARY"])


def test_every_weekday_of_the_target_week_has_events(shifted: tuple[date, date, Path]) -> None:
    _, monday, folder = shifted
    covered = _days_with_events(folder / "events.ics", monday, 5)
    assert covered >= {monday + timedelta(days=i) for i in range(5)}


def test_urgent_notice_expires_on_thursday_of_the_target_week(
    shifted: tuple[date, date, Path],
) -> None:
    _, monday, folder = shifted
    notices = json.loads((folder / "notices.json").read_text(encoding="utf-8"))["notices"]
    (urgent,) = [n for n in notices if n.get("priority") == "urgent"]
    expires = datetime.fromisoformat(urgent["expires"])
    assert expires == datetime.combine(monday + timedelta(days=3), time(14), tzinfo=TOKYO)


def test_only_dates_change_and_by_whole_weeks(shifted: tuple[date, date, Path]) -> None:
    _, monday, folder = shifted
    delta = monday - ANCHOR_MONDAY
    for name in DATA_FILES:
        before = (demo_dir() / name).read_bytes()
        after = (folder / name).read_bytes()
        assert len(before) == len(after)
        assert before.count(b"\r\n") == after.count(b"\r\n")
        old_text, new_text = before.decode("utf-8"), after.decode("utf-8")
        old_dates = [m for m in DATE_RE.finditer(old_text)]
        assert DATE_RE.sub("", old_text) == DATE_RE.sub("", new_text)
        for old in old_dates:
            new = new_text[old.start() : old.end()]
            moved = date.fromisoformat(new.replace("-", "")[:8]) - date.fromisoformat(
                old.group(0).replace("-", "")[:8]
            )
            assert moved == delta
            assert moved.days % 7 == 0


def test_numbers_that_are_not_dates_are_untouched(shifted: tuple[date, date, Path]) -> None:
    _, _, folder = shifted
    text = (folder / "visits.ics").read_text(encoding="utf-8")
    for fixed in ("0270241111", "202611240001", ANCHOR_VISIT_UID, "DTSTART:19700101T000000"):
        assert fixed in text


def test_materialize_twice_into_the_same_folder(tmp_path: Path) -> None:
    first = materialize_demo(date(2027, 2, 2), tmp_path)
    second = materialize_demo(date(2027, 2, 9), tmp_path)
    assert first == second
    text = (tmp_path / "visits.ics").read_text(encoding="utf-8")
    assert "DTSTART;TZID=Asia/Tokyo:20270209T090000" in text
