"""The agenda in the school's zone: the machine's zone never decides what "today" is."""

from datetime import UTC, date, datetime, timedelta

from signage import agenda
from signage.model import Event, Notice, Snapshot
from tests.moments import NINE, TOKYO


def ev(title: str, start, end, all_day: bool = False) -> Event:
    return Event(source="s", title=title, start=start, end=end, all_day=all_day)


def test_morning_in_tokyo_is_still_yesterday_in_utc_but_today_for_the_school():
    # 07:30 in Tokyo on the 24th is 22:30 UTC on the 23rd
    now = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    assert agenda.local_today(now, TOKYO) == date(2026, 11, 24)
    meeting = ev(
        "朝の打ち合わせ",
        datetime(2026, 11, 24, 8, 0, tzinfo=TOKYO),
        datetime(2026, 11, 24, 8, 10, tzinfo=TOKYO),
    )
    today = agenda.local_today(now, TOKYO)
    assert agenda.events_on([meeting], today, TOKYO) == [meeting]
    assert agenda.events_on([meeting], date(2026, 11, 23), TOKYO) == []


def test_utc_event_late_at_night_belongs_to_the_next_tokyo_day():
    late = ev(
        "全校朝会",
        datetime(2026, 11, 22, 23, 20, tzinfo=UTC),
        datetime(2026, 11, 22, 23, 35, tzinfo=UTC),
    )
    assert agenda.events_on([late], date(2026, 11, 23), TOKYO) == [late]
    assert agenda.events_on([late], date(2026, 11, 22), TOKYO) == []


def test_all_day_end_is_exclusive_and_multi_day_covers_each_day():
    camp = ev("林間学校", date(2026, 11, 24), date(2026, 11, 26), all_day=True)
    days = [date(2026, 11, 23) + timedelta(days=i) for i in range(4)]
    assert [bool(agenda.events_on([camp], d, TOKYO)) for d in days] == [
        False,
        True,
        True,
        False,
    ]


def test_event_crossing_midnight_is_on_both_days_and_ending_at_midnight_is_not():
    night = ev(
        "夜間点検",
        datetime(2026, 11, 24, 22, 0, tzinfo=TOKYO),
        datetime(2026, 11, 25, 1, 0, tzinfo=TOKYO),
    )
    to_midnight = ev(
        "残業",
        datetime(2026, 11, 24, 20, 0, tzinfo=TOKYO),
        datetime(2026, 11, 25, 0, 0, tzinfo=TOKYO),
    )
    assert agenda.events_on([night], date(2026, 11, 25), TOKYO) == [night]
    assert agenda.events_on([night], date(2026, 11, 24), TOKYO) == [night]
    assert agenda.events_on([to_midnight], date(2026, 11, 25), TOKYO) == []


def test_day_order_all_day_first_then_by_time():
    a = ev("b", datetime(2026, 11, 24, 13, tzinfo=TOKYO), datetime(2026, 11, 24, 14, tzinfo=TOKYO))
    b = ev("a", datetime(2026, 11, 24, 9, tzinfo=TOKYO), datetime(2026, 11, 24, 10, tzinfo=TOKYO))
    c = ev("終日", date(2026, 11, 24), date(2026, 11, 25), all_day=True)
    assert [e.title for e in agenda.events_on([a, b, c], date(2026, 11, 24), TOKYO)] == [
        "終日",
        "a",
        "b",
    ]


def test_match_is_case_insensitive_over_any_text():
    assert agenda.matches("みらい小", "みらい小 ICT支援 佐藤")
    assert agenda.matches("ict", None, "ICT支援")
    assert not agenda.matches("ひかり小", "みらい小 ICT支援", None)
    assert agenda.matches(None, "anything")


def test_school_week_on_weekend_is_the_coming_week():
    assert agenda.school_week(date(2026, 11, 26))[0] == date(2026, 11, 23)
    assert agenda.school_week(date(2026, 11, 28))[0] == date(2026, 11, 30)
    assert agenda.next_school_day(date(2026, 11, 27)) == date(2026, 11, 30)


def test_notices_order_and_expiry():
    now = NINE
    old = Notice("n", "古い", posted=now - timedelta(days=3))
    new = Notice("n", "新しい", posted=now - timedelta(hours=1))
    high = Notice("n", "重要", priority="high", posted=now - timedelta(days=5))
    urgent = Notice("n", "至急", priority="urgent", posted=now - timedelta(days=9))
    gone = Notice("n", "期限切れ", expires=now - timedelta(minutes=1))
    ending = Notice("n", "もうすぐ", expires=now + timedelta(minutes=1))
    got = agenda.active_notices([old, new, high, urgent, gone, ending], now)
    assert [n.title for n in got] == ["至急", "重要", "新しい", "古い", "もうすぐ"]
    later = agenda.active_notices([ending], now + timedelta(minutes=2))
    assert later == []


def test_agenda_json_shape():
    now = NINE
    snaps = [
        Snapshot(
            "cal",
            (
                ev(
                    "会議",
                    datetime(2026, 11, 24, 15, tzinfo=TOKYO),
                    datetime(2026, 11, 24, 16, tzinfo=TOKYO),
                ),
                ev("林間学校", date(2026, 11, 24), date(2026, 11, 26), all_day=True),
            ),
            fetched_at=now,
        ),
        Snapshot("board", (Notice("board", "<b>重要</b>", priority="high"),), fetched_at=now),
        Snapshot("broken", (), error="HTTP 500 from https://example.org/cal.ics"),
    ]
    out = agenda.agenda_json(
        school="みらい小",
        tz=TOKYO,
        roles={"cal": "events", "board": "notices", "broken": "visits"},
        snapshots=snaps,
        now=now,
        first_day=date(2026, 11, 24),
        days=2,
    )
    assert set(out) == {
        "school",
        "timezone",
        "generated_at",
        "days",
        "notices",
        "scheduled",
        "weather",
        "sources",
    }
    assert out["weather"] == {"warnings": None, "wbgt": None}  # no weather source
    assert out["timezone"] == "Asia/Tokyo"
    assert out["generated_at"] == "2026-11-24T09:00:00+09:00"
    day0, day1 = out["days"]
    assert day0["date"] == "2026-11-24"
    # bell and off were added by issue 13; without a bell lookup they are null
    assert set(day0) == {"date", "events", "visits", "staff_out", "absences", "bell", "off"}
    assert day0["bell"] is None and day0["off"] is None
    assert day0["events"][0] == {
        "source": "s",
        "title": "林間学校",
        "start": "2026-11-24",
        "end": "2026-11-26",
        "all_day": True,
        "location": None,
    }
    assert day0["events"][1]["start"] == "2026-11-24T15:00:00+09:00"
    assert [e["title"] for e in day1["events"]] == ["林間学校"]
    assert out["notices"][0]["title"] == "<b>重要</b>"
    assert out["notices"][0]["priority"] == "high"
    assert out["sources"][2] == {
        "id": "broken",
        "ok": False,
        "fetched_at": None,
        "error": "HTTP 500 from https://example.org/cal.ics",
        "skipped": [],
        "warnings": [],
    }
