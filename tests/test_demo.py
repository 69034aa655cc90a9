"""The packaged demo data and the materialiser that keeps it current."""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import json
import re
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events

from signage.config import load_config
from signage.demo import (
    ANCHOR_MONDAY,
    demo_dir,
    materialize_demo,
    shift_dates,
    shift_file_bytes,
    target_monday,
)
from signage.model import Absence, Notice
from signage.network import new_client
from signage.sources import make_source
from tests.moments import TOKYO

ICS_FILES = ("events.ics", "visits.ics", "staff_out.ics")
ISO_FILES = (*ICS_FILES, "notices.json", "signage.toml")  # dates only as 20261124 / 2026-11-24
#: Files from Japanese systems and staff, with the encoding each one is written in.
JAPANESE_FILES = {
    "board.csv": "cp932",
    "absences.csv": "utf-8-sig",
    "shared-folder/hoken.md": "utf-8",
    "shared-folder/ict-form.txt": "cp932",
    "shared-folder/otoshimono.txt": "utf-8-sig",
}
WEATHER_FILES = ("weather/jma-warning-100000.json", "weather/yohou_42302.csv", "weather/alert.csv")
DATA_FILES = (*ISO_FILES, *JAPANESE_FILES, *WEATHER_FILES)
ANCHOR_VISIT_UID = "20261124090000123-0042@ict.isesaki.example"
DATE_RE = re.compile(r"(?<!\d)(20\d\d)(-?)(\d\d)\2(\d\d)(?!\d)")
# Every form the demo's Japanese files use: 2026/11/24, 令和8年11月24日, R8.12.18.
JA_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>20\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?!\d)"
    r"|(?P<era>令和|R)(?P<ey>\d{1,2})(?:年|\.)(?P<em>\d{1,2})(?:月|\.)(?P<ed>\d{1,2})日?(?!\d)"
)

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
    assert set(roles) == {"events", "visits", "staff_out", "notices", "absences", "weather"}
    assert roles["visits"]["match"] == "みらい小"
    notices = [s for s in config["sources"] if s["role"] == "notices"]
    assert sorted(s["kind"] for s in notices) == ["csv", "folder", "json"]
    assert "names" not in roles["absences"]  # pupils' names stay hidden by default
    for source in config["sources"]:
        if source["kind"] == "folder":
            assert (demo_dir() / source["url"]).is_dir()
        else:
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


def _csv_rows(name: str, encoding: str) -> list[dict[str, str]]:
    text = (demo_dir() / name).read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_board_csv_is_a_shift_jis_export() -> None:
    raw = (demo_dir() / "board.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really CP932, so the connector's detection is exercised
    text = raw.decode("cp932")
    assert raw.count(b"\r\n") == text.count("\n")  # Windows line ends throughout
    rows = _csv_rows("board.csv", "cp932")
    assert 2 <= len(rows) <= 3
    assert list(rows[0]) == ["件名", "本文", "重要度", "掲載日時", "掲載期限", "リンク"]
    assert any("\n" in row["本文"] for row in rows)  # a quoted field across lines
    assert {row["重要度"] for row in rows} == {"重要", "通常"}
    dates = " ".join(row["掲載日時"] + " " + row["掲載期限"] for row in rows)
    assert re.search(r"2026/11/\d\d \d{1,2}:\d\d", dates)
    assert re.search(r"令和8年11月\d\d日", dates)
    assert any(row["リンク"].startswith("https://") for row in rows)


def test_absences_cover_every_weekday_of_the_anchor_week() -> None:
    assert (demo_dir() / "absences.csv").read_bytes().startswith(codecs.BOM_UTF8)
    rows = _csv_rows("absences.csv", "utf-8-sig")
    assert {row["連絡種別"] for row in rows} == {"欠席", "遅刻", "早退"}
    by_day: dict[date, list[dict[str, str]]] = {}
    for row in rows:
        by_day.setdefault(datetime.strptime(row["日付"], "%Y/%m/%d").date(), []).append(row)
    weekdays = [ANCHOR_MONDAY + timedelta(days=i) for i in range(5)]
    assert sorted(by_day) == weekdays
    for day in weekdays:
        assert 4 <= len(by_day[day]) <= 9, day
        assert len({row["学級"] for row in by_day[day]}) >= 3, day
        assert all(re.fullmatch(r"[1-6]年[1-2]組", row["学級"]) for row in by_day[day])
    # Tuesday is the mockup's day: 欠席 6, 遅刻 2, 早退 1 (1年, 3年 and 4年)
    tuesday = [row["連絡種別"] for row in by_day[weekdays[1]]]
    assert (tuesday.count("欠席"), tuesday.count("遅刻"), tuesday.count("早退")) == (6, 2, 1)


def test_shared_folder_notices() -> None:
    files = {
        name: (demo_dir() / name).read_bytes().decode(encoding)
        for name, encoding in JAPANESE_FILES.items()
        if name.startswith("shared-folder/")
    }
    assert 2 <= len(files) <= 3
    assert list((demo_dir() / "shared-folder").iterdir()) and all(
        p.suffix in (".md", ".txt") for p in (demo_dir() / "shared-folder").iterdir()
    )
    hoken = files["shared-folder/hoken.md"]
    assert "重要度: 高" in hoken and "期限: 2026/11/26 17:00" in hoken  # Thursday
    assert "リンク: https://" in files["shared-folder/ict-form.txt"]
    assert not files["shared-folder/otoshimono.txt"].lstrip("\ufeff").startswith("---")


def test_exactly_one_urgent_notice_in_the_whole_demo() -> None:
    """The urgent banner stays calm: one urgent notice (from the JSON API), none elsewhere."""
    config = tomllib.loads((demo_dir() / "signage.toml").read_text(encoding="utf-8"))
    (board,) = [s for s in config["sources"] if s["kind"] == "csv" and s["role"] == "notices"]
    assert board["values"]["priority"] == {"重要": "high"}  # this school's 重要 is not 至急
    for name in JAPANESE_FILES:
        if name.startswith("shared-folder/"):
            text = (demo_dir() / name).read_bytes().decode(JAPANESE_FILES[name])
            assert not re.search(r"(重要度|priority):\s*(重要|至急|緊急|urgent)", text)


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
        # the forms of Japanese exports, keeping their padding
        ("2026/11/24 8:30", 1, "2026/12/1 8:30"),
        ("2026/11/24", 6, "2027/1/5"),  # across the new year
        ("2026/01/05", 1, "2026/01/12"),  # zero-padded stays padded
        ("2026年11月24日", 6, "2027年1月5日"),
        ("2026/13/40 2026/11/245", 1, "2026/13/40 2026/11/245"),  # not dates
        ("2026/11月24日", 1, "2026/11月24日"),  # mixed separators
        # Japanese era: the era year follows the new year, and the era itself
        ("令和8年11月24日", 1, "令和8年12月1日"),
        ("令和8年12月28日（月）", 1, "令和9年1月4日（月）"),
        ("R8.12.28", 1, "R9.1.4"),
        ("R8.11.24 9:00", -1, "R8.11.17 9:00"),
        ("令和元年5月6日", 1, "令和元年5月13日"),
        ("令和2年1月2日", -1, "令和元年12月26日"),
        ("令和元年5月6日", -1, "平成31年4月29日"),
        ("R1.05.06", -1, "H31.04.29"),
        ("H31.4.30", 1, "R1.5.7"),
        ("平成31年4月26日", 1, "令和元年5月3日"),
        ("AR8.11.24 R8.11.24", 1, "AR8.11.24 R8.12.1"),  # a letter glued to a word
        ("R8.2.30", 1, "R8.2.30"),  # no such day
    ],
)
def test_shift_dates(text: str, weeks: int, expected: str) -> None:
    assert shift_dates(text, weeks) == expected


def test_shift_file_bytes_keeps_cp932_bytes_that_do_not_round_trip() -> None:
    # 0x8790 (NEC row 13) decodes to ≒, which CP932 encodes as 0x81E0: a decode and
    # encode of the whole file would change it. Only the dates may change.
    raw = "件名,日付\r\n".encode("cp932") + b"\x87\x90," + "令和8年12月28日\r\n".encode("cp932")
    assert raw.decode("cp932").encode("cp932") != raw
    shifted = shift_file_bytes(raw, 1)
    assert shifted == raw.replace(
        "令和8年12月28日".encode("cp932"), "令和9年1月4日".encode("cp932")
    )


def test_shift_file_bytes_keeps_a_bom_and_line_ends() -> None:
    raw = codecs.BOM_UTF8 + "日付,学級\r\n2026/11/24,1年1組\r\n".encode()
    assert (
        shift_file_bytes(raw, 2) == codecs.BOM_UTF8 + "日付,学級\r\n2026/12/8,1年1組\r\n".encode()
    )


def test_shift_file_bytes_leaves_unknown_bytes_alone() -> None:
    raw = b"\xff\xfe2\x000\x002\x006\x00"  # UTF-16: neither UTF-8 nor CP932
    assert shift_file_bytes(raw, 3) == raw


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
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert sorted(files) == sorted(DATA_FILES)


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
    for name in ISO_FILES:
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


def _ja_date(found: re.Match[str]) -> date:
    if found.group("y"):
        return date(int(found.group("y")), int(found.group("m")), int(found.group("d")))
    return date(2018 + int(found.group("ey")), int(found.group("em")), int(found.group("ed")))


@pytest.mark.parametrize("name", sorted(JAPANESE_FILES))
def test_japanese_files_only_dates_change_and_by_whole_weeks(
    shifted: tuple[date, date, Path], name: str
) -> None:
    _, monday, folder = shifted
    encoding = JAPANESE_FILES[name]
    before = (demo_dir() / name).read_bytes()
    after = (folder / name).read_bytes()
    # the encoding survives: strict decoding, the BOM kept or absent, Windows line ends kept
    old_text, new_text = before.decode(encoding), after.decode(encoding)
    assert after.startswith(codecs.BOM_UTF8) == before.startswith(codecs.BOM_UTF8)
    assert before.count(b"\r\n") == after.count(b"\r\n")
    # every character but the dates is the same, multibyte ones included
    assert JA_DATE_RE.sub("", old_text) == JA_DATE_RE.sub("", new_text)
    assert not DATE_RE.search(old_text)  # no ISO forms here: the pattern above sees them all
    old_dates = [_ja_date(m) for m in JA_DATE_RE.finditer(old_text)]
    new_dates = [_ja_date(m) for m in JA_DATE_RE.finditer(new_text)]
    assert [new - old for old, new in zip(old_dates, new_dates, strict=True)] == [
        monday - ANCHOR_MONDAY
    ] * len(old_dates)
    if name != "shared-folder/otoshimono.txt":  # the one notice without any date
        assert old_dates
    if monday == ANCHOR_MONDAY:
        assert after == before


def _parse_all(config_path: Path, now: datetime) -> dict[str, tuple[list[Any], list[str]]]:
    """Every source of a config fetched and parsed once: items and warnings by source id."""
    config = load_config(config_path)

    async def go() -> dict[str, tuple[list[Any], list[str]]]:
        out = {}
        async with new_client() as client:
            for source_config in config.sources:
                source = make_source(source_config, config.school.tz)
                raw = await source.fetch(client)
                assert raw is not None
                parsed = source.read(raw, now)
                out[source.id] = (list(parsed.items), list(parsed.warnings))
        return out

    return asyncio.run(go())


def test_connectors_read_the_shifted_demo_without_a_warning(
    shifted: tuple[date, date, Path],
) -> None:
    today, monday, folder = shifted
    now = datetime.combine(today, time(9, 18), tzinfo=TOKYO)
    parsed = _parse_all(folder / "signage.toml", now)
    for source_id, (items, warnings) in parsed.items():
        assert items, source_id
        assert warnings == [], source_id
    thursday = monday + timedelta(days=3)
    friday = monday + timedelta(days=4)

    absences = [a for a in parsed["renraku-absences"][0] if isinstance(a, Absence)]
    days = {a.day for a in absences}
    assert days == {monday + timedelta(days=i) for i in range(5)}
    # The demo names no pupil (`names` unset: none): the names are read, and not kept.
    assert not any(a.name or a.reason for a in absences)

    board = {n.title: n for n in parsed["komu-board-csv"][0] if isinstance(n, Notice)}
    tablets = board["学習用タブレットの持ち帰り点検について"]
    assert tablets.priority == "high"  # 重要 mapped by the demo's values table
    assert "\n" in tablets.body  # the quoted field across lines
    assert tablets.posted == datetime.combine(monday - timedelta(days=3), time(16, 10), TOKYO)
    # 令和8年11月27日: a date alone shows until the end of (the target week's) Friday
    assert tablets.expires == datetime.combine(friday + timedelta(days=1), time.min, TOKYO)

    shared = {n.title: n for n in parsed["shared-folder"][0] if isinstance(n, Notice)}
    (high,) = [n for n in shared.values() if n.priority == "high"]
    assert high.expires == datetime.combine(thursday, time(17), tzinfo=TOKYO)
    assert any(n.link for n in shared.values())
    # a folder notice's posted time is the file's time: 07:00 on the day materialised
    assert {n.posted for n in shared.values()} == {datetime.combine(today, time(7), tzinfo=TOKYO)}

    notices = [n for source in parsed.values() for n in source[0] if isinstance(n, Notice)]
    assert [n.source for n in notices if n.priority == "urgent"] == ["board-notices"]


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
