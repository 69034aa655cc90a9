"""The ics and json sources: files on disk, iCalendar semantics in the school's zone, the corpus.

HTTP behaviour (conditional requests, errors, limits) is in test_poller.py, against a real server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from signage import sources
from signage.agenda import active_notices, events_on
from signage.config import SourceConfig
from signage.errors import FetchError, ParseError
from signage.model import Event, Notice
from signage.network import new_client
from signage.sources import Parsed, Source, make_source
from tests.moments import NOW, TOKYO
from tests.rig import ics_source

# The real-world calendars, copied into the repository with their SOURCES.md.
CORPUS = Path(__file__).parent / "data" / "corpus" / "ics"


def json_source(location: str = "notices.json") -> Source:
    config = SourceConfig(id="board", kind="json", role="notices", url=location, location=location)
    return make_source(config, TOKYO)


def vcalendar(*events: str, newline: str = "\r\n") -> bytes:
    """A calendar from VEVENT bodies written one property a line (no BEGIN/END:VEVENT)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//signage tests//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return (newline.join(line.strip() for line in lines) + newline).encode()


def parse(raw: bytes, now: datetime = NOW, **options: object) -> Parsed:
    return ics_source(**options).parse(raw, now)


def titles(items: object) -> list[str]:
    return [item.title for item in items]  # type: ignore[attr-defined]


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


# --- Files on disk ---------------------------------------------------------------------------


def test_ics_from_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_bytes(vcalendar("UID:a\nSUMMARY:避難訓練\nDTSTART;TZID=Asia/Tokyo:20261124T103000"))
    source = ics_source(str(path))

    raw = asyncio.run(source.fetch(new_client()))

    assert raw == path.read_bytes()
    (event,) = source.parse(raw, NOW).items
    assert (event.title, event.start) == ("避難訓練", at(24, 10, 30))


def test_missing_file_is_a_fetch_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "共有" / "calendar.ics"
    with pytest.raises(FetchError, match="not found") as caught:
        asyncio.run(ics_source(str(path)).fetch(new_client()))
    assert str(path) in str(caught.value)


def test_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources.base, "MAX_BYTES", 100)
    path = tmp_path / "big.ics"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FetchError, match="limit"):
        asyncio.run(ics_source(str(path)).fetch(new_client()))


# --- iCalendar semantics in the school's zone -------------------------------------------------

WEEKLY_MEETING = """
    UID:meeting@school
    SUMMARY:職員会議
    DTSTART;TZID=Asia/Tokyo:20261102T160000
    DTEND;TZID=Asia/Tokyo:20261102T170000
    RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6
    EXDATE;TZID=Asia/Tokyo:20261116T160000
"""


def test_weekly_rrule_skips_the_excluded_day() -> None:
    items = parse(vcalendar(WEEKLY_MEETING)).items

    assert [e.start for e in items] == [
        at(2, 16),
        at(9, 16),
        at(23, 16),
        at(30, 16),
        at(7, 16, 0, 12),
    ]
    assert events_on(items, date(2026, 11, 16), TOKYO) == []
    (monday,) = events_on(items, date(2026, 11, 23), TOKYO)
    assert (monday.title, monday.start, monday.end) == ("職員会議", at(23, 16), at(23, 17))


def test_recurrence_id_override_moves_one_occurrence() -> None:
    moved = """
        UID:meeting@school
        RECURRENCE-ID;TZID=Asia/Tokyo:20261123T160000
        SUMMARY:職員会議（水曜に変更）
        DTSTART;TZID=Asia/Tokyo:20261125T150000
        DTEND;TZID=Asia/Tokyo:20261125T160000
    """
    items = parse(vcalendar(WEEKLY_MEETING, moved)).items

    assert events_on(items, date(2026, 11, 23), TOKYO) == []
    (wednesday,) = events_on(items, date(2026, 11, 25), TOKYO)
    assert (wednesday.title, wednesday.start) == ("職員会議（水曜に変更）", at(25, 15))
    assert [e.start.date() for e in items if e.title == "職員会議"] == [  # type: ignore[union-attr]
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 30),
        date(2026, 12, 7),
    ]


def test_cancelled_events_and_cancelled_occurrences_are_not_shown() -> None:
    cancelled = (
        "UID:c\nSUMMARY:中止の行事\nSTATUS:CANCELLED\nDTSTART;TZID=Asia/Tokyo:20261124T100000"
    )
    cancelled_occurrence = """
        UID:meeting@school
        RECURRENCE-ID;TZID=Asia/Tokyo:20261130T160000
        SUMMARY:職員会議
        STATUS:CANCELLED
        DTSTART;TZID=Asia/Tokyo:20261130T160000
    """
    kept = "UID:k\nSUMMARY:予定どおり\nSTATUS:CONFIRMED\nDTSTART;TZID=Asia/Tokyo:20261124T110000"
    items = parse(vcalendar(cancelled, WEEKLY_MEETING, cancelled_occurrence, kept)).items

    assert "中止の行事" not in titles(items)
    assert events_on(items, date(2026, 11, 30), TOKYO) == []
    assert titles(events_on(items, date(2026, 11, 24), TOKYO)) == ["予定どおり"]


def test_two_day_all_day_event_covers_both_days_and_not_the_third() -> None:
    trip = "UID:t\nSUMMARY:修学旅行\nDTSTART;VALUE=DATE:20261124\nDTEND;VALUE=DATE:20261126"
    (event,) = parse(vcalendar(trip)).items

    assert event.all_day and (event.start, event.end) == (date(2026, 11, 24), date(2026, 11, 26))
    assert [bool(events_on([event], date(2026, 11, d), TOKYO)) for d in (23, 24, 25, 26)] == [
        False,
        True,
        True,
        False,
    ]


def test_utc_event_late_at_night_is_on_the_next_tokyo_day() -> None:
    call = "UID:u\nSUMMARY:教育委員会との打合せ\nDTSTART:20261124T233000Z\nDTEND:20261125T000000Z"
    (event,) = parse(vcalendar(call)).items

    assert event.start == at(25, 8, 30) and event.end == at(25, 9)
    assert event.start.utcoffset() == timedelta(hours=9)  # type: ignore[union-attr]
    assert events_on([event], date(2026, 11, 24), TOKYO) == []
    assert events_on([event], date(2026, 11, 25), TOKYO) == [event]


def test_floating_time_is_taken_as_school_time() -> None:
    floating = "UID:f\nSUMMARY:PTA役員会\nDTSTART:20261124T190000\nDTEND:20261124T203000"
    (event,) = parse(vcalendar(floating)).items

    assert (event.start, event.end) == (at(24, 19), at(24, 20, 30))
    assert event.start.tzinfo is not None  # type: ignore[union-attr]


PRIVATE = """
    UID:p
    SUMMARY:3年 保護者面談（山田）
    LOCATION:相談室
    DESCRIPTION:家庭の事情について
    CLASS:PRIVATE
    DTSTART;TZID=Asia/Tokyo:20261124T153000
"""


def test_private_event_shows_only_that_something_is_on() -> None:
    (event,) = parse(vcalendar(PRIVATE)).items

    assert (event.title, event.location, event.description) == ("予定あり", None, None)
    assert event.start == at(24, 15, 30)


def test_confidential_is_masked_too_and_hide_drops_private_events() -> None:
    confidential = PRIVATE.replace("CLASS:PRIVATE", "CLASS:CONFIDENTIAL").replace("UID:p", "UID:q")
    public = "UID:o\nSUMMARY:校内研修\nCLASS:PUBLIC\nDTSTART;TZID=Asia/Tokyo:20261124T160000"

    assert titles(parse(vcalendar(confidential, public)).items) == ["予定あり", "校内研修"]
    assert titles(parse(vcalendar(PRIVATE, confidential, public), private="hide").items) == [
        "校内研修"
    ]


def test_match_keeps_events_matching_title_location_or_description() -> None:
    events = vcalendar(
        "UID:1\nSUMMARY:みらい小 授業参観\nDTSTART;TZID=Asia/Tokyo:20261124T090000",
        "UID:2\nSUMMARY:ICT支援\nLOCATION:みらい小 PC室\nDTSTART;TZID=Asia/Tokyo:20261124T100000",
        "UID:3\nSUMMARY:ICT支援\nDESCRIPTION:訪問先 みらい小\nDTSTART;VALUE=DATE:20261124",
        "UID:4\nSUMMARY:ICT支援\nLOCATION:ひかり小\nDTSTART;TZID=Asia/Tokyo:20261124T130000",
    )
    items = parse(events, match="みらい小").items

    assert sorted(e.uid for e in items) == ["1", "2", "3"]  # type: ignore[type-var]


def test_match_is_applied_before_the_private_mask() -> None:
    # The private event matches on its (hidden) description; masking must not make it vanish,
    # and a private event of another school must not slip through as "予定あり".
    ours = PRIVATE.replace("家庭の事情について", "みらい小 3年")
    theirs = PRIVATE.replace("UID:p", "UID:x").replace("家庭の事情について", "ひかり小")
    items = parse(vcalendar(ours, theirs), match="みらい小").items

    assert [(e.uid, e.title, e.description) for e in items] == [("p", "予定あり", None)]


def test_utf8_bom_and_lf_only_line_endings_parse() -> None:
    body = vcalendar("UID:b\nSUMMARY:持久走大会\nDTSTART;VALUE=DATE:20261124", newline="\n")
    assert b"\r" not in body

    (event,) = parse(b"\xef\xbb\xbf" + body).items

    assert (event.title, event.start, event.all_day) == ("持久走大会", date(2026, 11, 24), True)


def test_duration_instead_of_dtend() -> None:
    lesson = "UID:d\nSUMMARY:研究授業\nDTSTART;TZID=Asia/Tokyo:20261124T133000\nDURATION:PT1H15M"
    (event,) = parse(vcalendar(lesson)).items

    assert (event.start, event.end) == (at(24, 13, 30), at(24, 14, 45))


def test_timezone_on_an_all_day_date_keeps_it_all_day() -> None:
    # Apple iCal and apike.ca write DTSTART;TZID=...;VALUE=DATE. A date has no zone: a holiday
    # in a calendar kept in Los Angeles is still the whole of that date, not 17:00 Tokyo time.
    holiday = """
        UID:h
        SUMMARY:Thanksgiving
        DTSTART;TZID=America/Los_Angeles;VALUE=DATE:20261126
        DTEND;TZID=America/Los_Angeles;VALUE=DATE:20261127
    """
    (event,) = parse(vcalendar(holiday)).items

    assert event.all_day and (event.start, event.end) == (date(2026, 11, 26), date(2026, 11, 27))
    assert events_on([event], date(2026, 11, 25), TOKYO) == []


def test_an_event_without_dtstart_is_skipped_not_the_whole_feed() -> None:
    raw = vcalendar(
        "UID:broken@exchange\nSUMMARY:日時なし",
        "UID:ok\nSUMMARY:朝会\nDTSTART;TZID=Asia/Tokyo:20261124T081500",
    )
    parsed = parse(raw)

    assert titles(parsed.items) == ["朝会"]
    assert any("broken@exchange" in warning for warning in parsed.warnings)


def test_events_outside_the_window_are_left_out() -> None:
    old = "UID:o\nSUMMARY:昨年度の行事\nDTSTART;VALUE=DATE:20250301"
    far = "UID:f\nSUMMARY:来年度の行事\nDTSTART;VALUE=DATE:20271101"
    last_month = "UID:l\nSUMMARY:先月の訪問\nDTSTART;VALUE=DATE:20261002"  # visits count it

    assert titles(parse(vcalendar(old, far, last_month)).items) == ["先月の訪問"]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"<!DOCTYPE html><html><body>Proxy login required</body></html>",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;;VALUE=X:\r\nEND:VCALENDAR",
        "<html>予定表</html>".encode("utf-16"),
    ],
    ids=["empty", "html", "truncated", "utf16 html"],
)
def test_content_that_is_not_icalendar_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse(raw)
    assert str(caught.value)


# --- The real-world corpus --------------------------------------------------------------------

CORPUS_FILES = sorted(CORPUS.glob("*.ics"))
_EVENT_START = re.compile(rb"^DTSTART[^:\r\n]*:(\d{8})", re.MULTILINE | re.IGNORECASE)


@pytest.fixture
def corpus() -> Path:
    return CORPUS


def test_the_corpus_is_in_the_repository() -> None:
    """A clone alone runs every corpus test: the 118 calendars and where they came from."""
    assert len(CORPUS_FILES) == 118
    assert "icalendar" in (CORPUS / "SOURCES.md").read_text(encoding="utf-8")


def first_event_day(raw: bytes) -> date | None:
    """The earliest DTSTART date inside a VEVENT (VTIMEZONE rules start in 1601 or 1970)."""
    days = []
    for block in re.split(rb"BEGIN:VEVENT", raw, flags=re.IGNORECASE)[1:]:
        block = re.split(rb"END:VEVENT", block, flags=re.IGNORECASE)[0]
        for found in _EVENT_START.finditer(block):
            with contextlib.suppress(ValueError):  # e.g. ical4j's 2006717T080000Z
                days.append(datetime.strptime(found.group(1).decode(), "%Y%m%d").date())
    return min(days) if days else None


def parse_corpus(name: str, now: datetime) -> Parsed:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # icalendar warns about guessed TZIDs; that is fine
        return ics_source().parse((CORPUS / name).read_bytes(), now)


def check_items(parsed: Parsed) -> None:
    """What the panels rely on: events with a title, in the school's zone, never ending early."""
    assert isinstance(parsed, Parsed)
    for event in parsed.items:
        assert isinstance(event, Event)
        assert event.title.strip()
        if event.all_day:
            assert type(event.start) is date and type(event.end) is date
        else:
            assert isinstance(event.start, datetime) and isinstance(event.end, datetime)
            assert event.start.utcoffset() == timedelta(hours=9)
        assert event.end >= event.start  # type: ignore[operator]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_corpus_file_parses_or_is_a_parse_error(corpus: Path, path: Path) -> None:
    raw = path.read_bytes()
    first = first_event_day(raw)
    moments = [NOW]
    if first is not None and first.year >= 1900:
        moments.append(datetime(first.year, first.month, first.day, 12, tzinfo=TOKYO))
    for now in moments:
        try:
            parsed = parse_corpus(path.name, now)
        except ParseError as exc:
            assert str(exc), "a ParseError must say what is wrong"
            continue
        check_items(parsed)


def test_corpus_japan_west_festivals_are_all_day_in_japan(corpus: Path) -> None:
    # DTSTART;TZID=Japan;VALUE=DATE:20060503 / DTEND ... 20060506, X-WR-TIMEZONE:Japan
    items = parse_corpus("ical4j__japan_west.ics", datetime(2006, 5, 1, 9, tzinfo=TOKYO)).items
    (festival,) = [e for e in items if e.title == "Hiroshima Flower Festival"]

    assert festival.all_day and festival.location == "Hiroshima"
    assert (festival.start, festival.end) == (date(2006, 5, 3), date(2006, 5, 6))
    assert titles(events_on(items, date(2006, 5, 5), TOKYO)) == ["Hiroshima Flower Festival"]
    assert events_on(items, date(2006, 5, 6), TOKYO) == []


def test_corpus_windows_zone_without_vtimezone(corpus: Path) -> None:
    # Office 365: DTSTART;TZID=W. Europe Standard Time:20240426T140000 (CEST, +02:00), no VTIMEZONE
    now = datetime(2024, 4, 26, 9, tzinfo=TOKYO)
    (event,) = parse_corpus("allenporter-ical__office_365_extended_timezone.ics", now).items

    assert event.title == "Uffe"
    assert (event.start, event.end) == (
        datetime(2024, 4, 26, 21, 0, tzinfo=TOKYO),
        datetime(2024, 4, 26, 22, 0, tzinfo=TOKYO),
    )
    assert event.location is None  # "LOCATION:" is empty


def test_corpus_exchange_tokyo_standard_time(corpus: Path) -> None:
    # TZID "Tokyo Standard Time" with a 1601 VTIMEZONE, 12:00-12:30; last line "END:VCALENDARD"
    now = datetime(2017, 2, 24, 9, tzinfo=TOKYO)
    (event,) = parse_corpus("icalendar__timezone_same_start_and_offset.ics", now).items

    assert event.title == "this is an event"
    assert (event.start, event.end) == (
        datetime(2017, 2, 24, 12, 0, tzinfo=TOKYO),
        datetime(2017, 2, 24, 12, 30, tzinfo=TOKYO),
    )


def test_corpus_bom_calendar_is_an_empty_calendar(corpus: Path) -> None:
    assert parse_corpus("icalendar__bom_calendar.ics", NOW) == Parsed(())


def test_corpus_apple_calendar_in_tokyo_with_duration(corpus: Path) -> None:
    # X-WR-TIMEZONE:Asia/Tokyo, yearly all-day events with DURATION:P1D from 2003
    now = datetime(2026, 1, 2, 9, tzinfo=TOKYO)
    items = parse_corpus("ical4j__Misc.History.ics", now).items

    (meteors,) = events_on(items, date(2026, 1, 4), TOKYO)
    assert meteors.title == "Quadrantid meteor shower (look north)"
    assert meteors.all_day and (meteors.start, meteors.end) == (date(2026, 1, 4), date(2026, 1, 5))


def test_corpus_japanese_text_with_damaged_bytes_still_shows(corpus: Path) -> None:
    # bloc.jp 2005: Japanese SUMMARY with some bytes replaced by "?", all-day 03-25 .. 09-26
    now = datetime(2005, 4, 1, 9, tzinfo=TOKYO)
    (expo,) = parse_corpus("ical4j__1106817412.ics", now).items

    assert expo.title.startswith("2005年日本国際")
    assert (expo.start, expo.end) == (date(2005, 3, 25), date(2005, 9, 26))


def test_corpus_event_without_dtstart_does_not_sink_the_meeting(corpus: Path) -> None:
    # ics-parser issue 343: one VEVENT has only a UID; the Team Meeting beside it is fine.
    now = datetime(2024, 9, 23, 9, tzinfo=TOKYO)
    parsed = parse_corpus("ics-parser__issue-343.ics", now)

    assert titles(parsed.items) == ["Team Meeting"]
    assert parsed.items[0].start == datetime(2024, 9, 23, 10, 0, tzinfo=TOKYO)  # type: ignore[union-attr]
    assert any("UniqueIDValueHere" in warning for warning in parsed.warnings)


# --- JSON notices -------------------------------------------------------------------------------


def notices_json(*entries: object, wrap: bool = True) -> bytes:
    document: object = {"notices": list(entries)} if wrap else list(entries)
    return json.dumps(document, ensure_ascii=False).encode()


def test_json_notices_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "notices.json"
    path.write_bytes(
        notices_json(
            {
                "title": "インフルエンザ流行中",
                "body": "手洗い・うがいの声かけをお願いします。",
                "priority": "URGENT",
                "posted": "2026-11-24T07:30:00+09:00",
                "expires": "2026-11-30T17:00:00+09:00",
                "link": "https://example.jp/notice/1",
            },
            {"title": "  図書室の本の返却  "},
        )
    )
    source = json_source(str(path))
    parsed = source.parse(asyncio.run(source.fetch(new_client())), NOW)

    assert parsed.warnings == ()
    urgent, plain = parsed.items
    assert urgent == Notice(
        source="board",
        title="インフルエンザ流行中",
        body="手洗い・うがいの声かけをお願いします。",
        priority="urgent",
        posted=at(24, 7, 30),
        expires=at(30, 17),
        link="https://example.jp/notice/1",
    )
    assert (plain.title, plain.body, plain.priority, plain.expires) == (
        "図書室の本の返却",
        "",
        "normal",
        None,
    )


def test_json_bare_list_is_accepted() -> None:
    parsed = json_source().parse(notices_json({"title": "学年会"}, wrap=False), NOW)
    assert titles(parsed.items) == ["学年会"]


def test_json_bad_entries_are_skipped_with_a_reason_and_the_rest_kept() -> None:
    raw = notices_json(
        {"title": "校内研修のお知らせ"},
        {"body": "題名のない連絡"},
        {"title": "至急！", "priority": "critical"},
        {"title": "明日の日課", "expires": "明日"},
        "just a string",
        {"title": "給食費の集金", "priority": "high"},
    )
    parsed = json_source().parse(raw, NOW)

    # an unknown priority keeps its notice (read as normal): staff still need to read it
    assert titles(parsed.items) == ["校内研修のお知らせ", "至急！", "給食費の集金"]
    assert [n.priority for n in parsed.items if isinstance(n, Notice)][1] == "normal"
    assert [(s.where, s.kept) for s in parsed.skipped] == [
        ("item 2", False),
        ("item 3", True),
        ("item 4", False),
        ("item 5", False),
    ]
    assert len(parsed.warnings) == 4
    no_title, priority, bad_date, not_object = parsed.warnings
    assert "#2" in no_title and "title" in no_title
    assert "#3" in priority and "critical" in priority
    assert "#4" in bad_date and "expires" in bad_date and "明日" in bad_date
    assert "#5" in not_object


@pytest.mark.parametrize(
    "raw",
    [b"", b"<html>502 Bad Gateway</html>", b'{"notices": [', b'{"items": []}', b"42", b"\xff\xfe"],
    ids=["empty", "html", "truncated", "wrong-key", "number", "not-utf8"],
)
def test_json_that_is_not_a_notice_list_is_a_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        json_source().parse(raw, NOW)


def test_json_naive_times_are_school_times() -> None:
    raw = notices_json(
        {"title": "朝の打合せなし", "posted": "2026-11-24T07:00:00", "expires": "2026-11-24T09:00"}
    )
    (notice,) = json_source().parse(raw, NOW).items

    assert notice.posted == at(24, 7)
    assert notice.expires == at(24, 9)
    # 08:59 in Tokyo is 23:59 UTC the day before: still shown; at 09:00 Tokyo it is gone.
    assert active_notices([notice], datetime(2026, 11, 23, 23, 59, tzinfo=ZoneInfo("UTC")))
    assert active_notices([notice], at(24, 9)) == []
