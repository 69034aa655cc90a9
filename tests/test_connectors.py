"""The json, csv and folder connectors: real files in tmp_path, a real HTTP server on 127.0.0.1.

Data files in tests/data/: notices-cp932.csv (a Shift_JIS export with a quoted field spanning
lines and one bad row), absences.csv (UTF-8 with BOM, from a parent-contact system) and
staff_out.csv (who is out, with separate date and time columns).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage.clock import FixedClock
from signage.config import SOURCE_KINDS, Auth, SourceConfig, load_config
from signage.errors import FetchError, ParseError
from signage.messages import screen
from signage.model import Absence, Event, Notice
from signage.network import new_client
from signage.poller import Poller
from signage.sources import KINDS, Source, make_source
from signage.sources.fields import parse_when
from signage.sources.json_api import MAX_PAGES
from signage.store import Store
from tests.moments import NOW, TOKYO
from tests.rig import Rig, fetch

DATA = Path(__file__).resolve().parent / "data"
TOKEN = "komu-T0ken.s3cr3t_7"


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def make(location: str, kind: str, role: str, **options: Any) -> Source:
    config = SourceConfig(
        id="src", kind=kind, role=role, url=location, location=location, **options
    )
    return make_source(config, TOKYO)


def load(source: Source, now: datetime = NOW) -> tuple[list[Any], list[str]]:
    raw = fetch(source)
    assert raw is not None
    parsed = source.read(raw, now)
    return list(parsed.items), list(parsed.warnings)


def test_every_kind_the_checker_accepts_has_a_source() -> None:
    assert (
        tuple(KINDS)
        == SOURCE_KINDS
        == ("ics", "json", "csv", "folder", "m365", "google", "jma_warnings", "wbgt")
    )


# --- Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24", date(2026, 11, 24)),
        ("2026/11/24", date(2026, 11, 24)),
        ("2026/11/24 9:00", at(24, 9)),
        ("2026-11-24 09:00", at(24, 9)),
        ("2026-11-24T09:00:00+09:00", at(24, 9)),
        ("2026-11-24T00:00:00Z", at(24, 9)),
        ("2026年11月24日", date(2026, 11, 24)),
        ("令和8年11月24日", date(2026, 11, 24)),
        ("令和8年11月24日 9:00", at(24, 9)),
        ("令和8年11月24日（火）9時30分", at(24, 9, 30)),
        ("R8.11.24", date(2026, 11, 24)),
        ("r8/11/24 13:05", at(24, 13, 5)),
        ("Ｒ８．１１．２４", date(2026, 11, 24)),
        ("２０２６／１１／２４　９：００", at(24, 9)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("S64.1.7", date(1989, 1, 7)),
    ],
)
def test_dates_in_every_form_a_school_system_writes(text: str, expected: object) -> None:
    assert parse_when(text, TOKYO) == expected


@pytest.mark.parametrize("text", ["あした", "2026/13/01", "R8.2.30", "2026/11/24 25:00", "11/24"])
def test_unreadable_dates_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError, match="date|time"):
        parse_when(text, TOKYO)


# --- CSV ------------------------------------------------------------------------------------

NOTICE_FIELDS = {
    "title": "件名",
    "body": "本文",
    "priority": "重要度",
    "posted": "掲載日",
    "expires": "掲載期限",
    "link": "URL",
}


def test_cp932_csv_with_a_quoted_newline_and_one_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "連絡事項.csv"
    shutil.copy(DATA / "notices-cp932.csv", path)
    items, warnings = load(make(str(path), "csv", "notices", fields=NOTICE_FIELDS))

    assert [n.title for n in items] == [
        "【至急】校内ネットワークの一時停止",
        "個人面談の日程調整について",
        "髙橋先生の送別会",  # 髙 and ① exist in CP932 only, not in plain Shift_JIS
        "図書室の本の返却",
    ]
    network, interview, farewell, library = items
    assert network == Notice(
        source="src",
        title="【至急】校内ネットワークの一時停止",
        body="機器更新のため、木曜日の13:00から約30分間、\n校内のネットワークが使えません。",
        priority="high",  # 重要, by the built-in map (至急・緊急 are urgent)
        posted=at(20, 16, 30),
        expires=at(27),  # R8.11.26 is the last day shown
        link="https://komu.example.jp/board/123",
    )
    assert (interview.priority, interview.expires, interview.link) == ("high", at(27, 17), None)
    assert farewell.body == "①会費 3,000円\n②場所は後日"
    assert (farewell.priority, farewell.posted) == ("normal", at(19))
    assert library.posted == datetime(2019, 4, 30, tzinfo=TOKYO)
    # The bad row starts on line 7: rows 1 and 3 each span two lines.
    assert warnings == ["line 7 skipped: posted (掲載日): not a date or time: 'あした'"]


def test_csv_encoding_auto_reads_utf8_with_bom_and_explicit_shift_jis_means_cp932(
    tmp_path: Path,
) -> None:
    text = "title,body\n髙橋先生より,①②③\n"
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "sjis.csv").write_bytes(text.encode("cp932"))
    for name, encoding in (("bom.csv", "auto"), ("sjis.csv", "auto"), ("sjis.csv", "shift_jis")):
        items, warnings = load(make(str(tmp_path / name), "csv", "notices", encoding=encoding))
        assert [(n.title, n.body) for n in items] == [("髙橋先生より", "①②③")], name
        assert warnings == []


def test_csv_in_the_wrong_explicit_encoding_still_shows_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("title\nお知らせ\n".encode("cp932"))
    items, warnings = load(make(str(path), "csv", "notices", encoding="utf-8"))
    assert len(items) == 1
    assert warnings == ["line 2 and maybe others: bytes that are not utf-8-sig shown as �"]


def test_csv_without_the_required_column_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("タイトル,本文\nお知らせ,本文\n", encoding="utf-8")
    source = make(str(path), "csv", "notices", fields={"title": "件名"})
    with pytest.raises(
        ParseError,
        match=r'no column "件名" \(title\) in the header \(its first row has 2 columns',
    ):
        load(source)
    with pytest.raises(ParseError, match="no header"):
        source.read(b"\r\n\r\n", NOW)


def test_csv_mapped_optional_column_missing_is_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("件名\nA\nB\n", encoding="utf-8")
    items, warnings = load(make(str(path), "csv", "notices", fields=NOTICE_FIELDS))
    assert [n.title for n in items] == ["A", "B"]
    assert warnings[0] == 'no column "本文" (body) in the header'
    assert len(warnings) == 5  # each mapped column that is not there, once


def test_tab_separated_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("title\tbody\nA\tone, two\n", encoding="utf-8")
    items, _ = load(make(str(path), "csv", "notices"))
    assert [(n.title, n.body) for n in items] == [("A", "one, two")]


ABSENCE_FIELDS = {"date": "日付", "class": "学級", "name": "児童名", "kind": "連絡種別"}


def absences_by_class(items: list[Absence], day: date) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        if item.day == day:
            out.setdefault(item.class_name, []).append(item.kind)
    return out


def test_absences_from_csv_on_a_real_server(httpserver: HTTPServer, no_proxy: None) -> None:
    httpserver.expect_request("/renraku/absences.csv").respond_with_data(
        (DATA / "absences.csv").read_bytes(), content_type="text/csv"
    )
    url = httpserver.url_for("/renraku/absences.csv")
    fields = {**ABSENCE_FIELDS, "reason": "理由"}
    # names = "full": the pupils' names are read (by default none is kept, tests/test_privacy.py)
    items, warnings = load(make(url, "csv", "absences", fields=fields, names="full"))

    assert all(isinstance(item, Absence) for item in items)
    assert absences_by_class(items, date(2026, 11, 24)) == {
        "1年1組": ["absent", "late", "absent"],  # "１年１組" counts with "1年1組"
        "2年1組": ["early_leave"],
    }
    assert items[0] == Absence(
        source="src",
        day=date(2026, 11, 24),
        class_name="1年1組",
        kind="absent",
        name="青木 陽太",
        reason=None,  # read for `match`, never kept: no screen shows it
    )
    assert items[-1].day == date(2026, 11, 25)
    assert warnings == [
        "line 6 skipped: unknown kind (連絡種別) '見学' (map it in values.kind)",
    ]


def test_value_maps_of_the_school_come_before_the_built_in_words(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("件名,区分\n避難訓練,A\n集金,B\n研修,通常\n見学,見学\n", encoding="utf-8")
    items, warnings = load(
        make(
            str(path),
            "csv",
            "notices",
            fields={"title": "件名", "priority": "区分"},
            values={"priority": {"Ａ": "urgent", "b": "high", "見学": "normal"}},
        )
    )
    assert [n.priority for n in items] == ["urgent", "high", "normal", "normal"]
    assert warnings == []

    path.write_text("学級,種別\n1-1,休\n1-1,遅刻\n", encoding="utf-8")
    values = {"kind": {"休": "absent"}, "class": {"1-1": "1年1組"}}
    items, warnings = load(
        make(str(path), "csv", "absences", fields={"kind": "種別", "class": "学級"}, values=values)
    )
    assert [(a.class_name, a.kind, a.day) for a in items] == [
        ("1年1組", "absent", date(2026, 11, 24)),  # no date column: today, in Tokyo
        ("1年1組", "late", date(2026, 11, 24)),
    ]


STAFF_FIELDS = {
    "person": "氏名",
    "reason": "区分",
    "date": "日付",
    "start": "開始",
    "end": "終了",
    "location": "行き先",
}


def test_staff_out_rows_with_person_date_and_times(tmp_path: Path) -> None:
    items, warnings = load(
        make(str(DATA / "staff_out.csv"), "csv", "staff_out", fields=STAFF_FIELDS)
    )

    suzuki, sato, takahashi, nakamura = items
    assert suzuki == Event(
        source="src",
        title="鈴木 一郎 出張",
        start=at(24, 13),
        end=at(24, 17),
        location="市教育委員会",
        description="出張",
        person="鈴木 一郎",
    )
    assert (sato.title, sato.start, sato.end, sato.all_day) == (
        "佐藤 花子 年休",
        date(2026, 11, 24),
        date(2026, 11, 25),  # all day: the end is exclusive
        True,
    )
    assert (takahashi.start, takahashi.end, takahashi.person) == (at(24, 9), at(24, 12), "高橋 健")
    # An end date is the last day out, as people write 11/25〜11/27.
    assert (nakamura.start, nakamura.end) == (date(2026, 11, 25), date(2026, 11, 28))
    assert warnings == ["line 5 skipped: no title (nor person)"]


def test_match_keeps_only_matching_rows(tmp_path: Path) -> None:
    source = make(
        str(DATA / "staff_out.csv"), "csv", "staff_out", fields=STAFF_FIELDS, match="センター"
    )
    items, _ = load(source)
    assert [e.person for e in items] == ["高橋 健"]


# --- JSON -----------------------------------------------------------------------------------


def test_todays_demo_notices_format_still_reads() -> None:
    demo = Path(__file__).resolve().parent.parent / "signage" / "demo" / "notices.json"
    items, warnings = load(make(str(demo), "json", "notices"))
    assert warnings == [] and items and all(isinstance(n, Notice) for n in items)


def test_json_with_items_path_fields_and_japanese_values(tmp_path: Path) -> None:
    document = {
        "result": {
            "data": {
                "notices": [
                    {
                        "件名": "職員会議の資料",
                        "本文": "<b>共有フォルダ</b>にあります。",
                        "重要度": "高",
                        "掲載": {"開始": "令和8年11月24日 7:30", "期限": "R8.11.25"},
                    },
                    {"件名": "重要なお知らせ", "重要度": "至急"},
                    {"本文": "件名なし"},
                ]
            }
        }
    }
    path = tmp_path / "board.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    source = make(
        str(path),
        "json",
        "notices",
        items="result.data.notices",
        fields={
            "title": "件名",
            "body": "本文",
            "priority": "重要度",
            "posted": "掲載.開始",
            "expires": "掲載.期限",
        },
    )
    items, warnings = load(source)
    assert items == [
        Notice(
            source="src",
            title="職員会議の資料",
            body="<b>共有フォルダ</b>にあります。",  # kept literally
            priority="high",
            posted=at(24, 7, 30),
            expires=at(26),
        ),
        Notice(source="src", title="重要なお知らせ", priority="urgent"),
    ]
    assert warnings == ["item #3 skipped: no title (件名)"]


def test_the_built_in_priority_words_agree_with_the_badges_on_screen(tmp_path: Path) -> None:
    """至急・緊急 interrupt with the orange 至急 strip; 重要 is the 「重要」 badge, not urgent."""
    words = ["至急", "緊急", "大至急", "重要", "重要度高", "高", "通常", ""]
    rows = [{"件名": f"連絡{i}", "重要度": word} for i, word in enumerate(words)]
    path = tmp_path / "board.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    items, warnings = load(make(str(path), "json", "notices", fields=NOTICE_FIELDS))
    assert warnings == []
    got = {word: n.priority for word, n in zip(words, items, strict=True)}
    assert got == {
        "至急": "urgent",
        "緊急": "urgent",
        "大至急": "urgent",
        "重要": "high",
        "重要度高": "high",
        "高": "high",
        "通常": "normal",
        "": "normal",
    }
    # The words the screen labels each priority with read back as that priority.
    assert got[screen("urgent")] == "urgent" and got[screen("important")] == "high"


def test_json_items_path_that_is_not_a_list_names_the_keys() -> None:
    source = make("x.json", "json", "notices", items="data.list")
    with pytest.raises(ParseError, match=r'no list at "data.list".*has: data, meta'):
        source.read(b'{"data": {}, "meta": 1}', NOW)
    with pytest.raises(ParseError, match=r'\{"absences": \[...\]\}'):
        make("x.json", "json", "absences").read(b'{"reports": []}', NOW)


def test_visits_from_json_are_events_with_person_and_all_day_dates() -> None:
    raw = json.dumps(
        [
            {
                "title": "ICT支援員来校",
                "start": "2026-11-24T10:00",
                "end": "12:00",
                "person": "田中",
                "location": "みらい小",
            },
            {"title": "ICT支援員来校", "start": "2026/11/30", "location": "みらい小"},
            {"title": "ICT支援員来校", "start": "2026/11/25", "location": "ひかり小"},
            {
                "title": "時刻の逆転",
                "start": "2026/11/24 12:00",
                "end": "2026/11/24 10:00",
                "location": "みらい小",
            },
        ],
        ensure_ascii=False,
    ).encode()
    parsed = make("v.json", "json", "visits", match="みらい小").read(raw, NOW)
    first, second = parsed.items
    assert first == Event(
        source="src",
        title="ICT支援員来校",
        start=at(24, 10),
        end=at(24, 12),
        location="みらい小",
        person="田中",
    )
    assert (second.start, second.end, second.all_day) == (
        date(2026, 11, 30),
        date(2026, 12, 1),
        True,
    )
    assert parsed.warnings == ("item #4 skipped: the end is before the start",)


ABSENCES_API = {
    "data": {
        "reports": [
            {
                "date": "2026-11-24",
                "class": {"grade": 1, "name": "1年2組"},
                "type": "欠席",
                "student": "岡田",
            },
            {"date": "2026-11-24", "class": {"grade": 1, "name": "1年2組"}, "type": "遅刻"},
            {"date": "2026-11-24", "class": {"grade": 3, "name": "3年1組"}, "type": "早退"},
            {"date": "2026-11-24", "class": None, "type": "欠席"},
        ]
    }
}


def test_absences_from_json_on_a_real_server(httpserver: HTTPServer, no_proxy: None) -> None:
    httpserver.expect_request("/api/absences").respond_with_json(ABSENCES_API)
    source = make(
        httpserver.url_for("/api/absences"),
        "json",
        "absences",
        items="data.reports",
        fields={"class": "class.name", "kind": "type", "name": "student"},
        names="full",  # else no pupil's name is kept at all (tests/test_privacy.py)
    )
    items, warnings = load(source)
    assert absences_by_class(items, date(2026, 11, 24)) == {
        "1年2組": ["absent", "late"],
        "3年1組": ["early_leave"],
    }
    assert items[0].name == "岡田" and items[1].name is None
    assert warnings == ["item #4 skipped: no class (class.name)"]


# --- JSON over HTTP: paging and credentials --------------------------------------------------


def paged_api(server: HTTPServer, token: str = TOKEN) -> list[Request]:
    """Three pages of notices, linked by links.next (relative, absolute, then none)."""
    seen: list[Request] = []
    base = server.url_for("")

    def page(request: Request) -> Response:
        seen.append(request)
        if request.headers.get("Authorization") != f"Bearer {token}":
            return Response("unauthorized", status=401)
        number = int(request.args.get("page", "1"))
        notices = [{"件名": f"連絡 {number}-{i}", "重要度": "通常"} for i in (1, 2)]
        if number == 2:
            notices.append({"件名": ""})
        links: dict[str, str | None] = {
            1: {"next": "/api/notices?page=2"},
            2: {"next": base.rstrip("/") + "/api/notices?page=3"},
            3: {"next": None},
        }[number]
        return Response(
            json.dumps({"data": notices, "links": links}, ensure_ascii=False),
            content_type="application/json",
        )

    server.expect_request("/api/notices").respond_with_handler(page)
    return seen


def api_source(server: HTTPServer, env: str = "KOMU_TOKEN") -> Source:
    return make(
        server.url_for("/api/notices"),
        "json",
        "notices",
        items="data",
        next_link="links.next",
        fields={"title": "件名", "priority": "重要度"},
        auth=Auth("bearer", env=env),
    )


def test_json_paging_follows_next_links_with_the_same_credentials(
    httpserver: HTTPServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMU_TOKEN", TOKEN)
    seen = paged_api(httpserver)
    items, warnings = load(api_source(httpserver))

    assert [n.title for n in items] == [f"連絡 {p}-{i}" for p in (1, 2, 3) for i in (1, 2)]
    assert warnings == ["page 2, item #3 skipped: no title (件名)"]
    assert [r.args.get("page") for r in seen] == [None, "2", "3"]
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in seen)
    assert all("If-None-Match" not in r.headers for r in seen)


def test_wrong_token_is_a_clear_error_and_the_last_good_notices_stay(
    httpserver: HTTPServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMU_TOKEN", TOKEN)
    paged_api(httpserver)
    rig = Rig(api_source(httpserver))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        good = rig.snapshot.items
        assert len(good) == 6
        monkeypatch.setenv("KOMU_TOKEN", "expired-token")
        rig.clock.advance(300)
        assert not await poller.refresh()
        assert rig.snapshot.items == good
        assert rig.snapshot.fetched_at == NOW

    rig.run(steps)
    error = rig.snapshot.error or ""
    assert error == (
        f"HTTP 401 from {httpserver.url_for('/api/notices')}: the server refused the credentials "
        "(check the environment variable KOMU_TOKEN)"
    )
    assert "expired-token" not in error


def test_a_next_link_to_another_server_is_not_followed(
    httpserver: HTTPServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMU_TOKEN", TOKEN)
    elsewhere = httpserver.url_for("/steal").replace("127.0.0.1", "localhost")
    httpserver.expect_request("/api/notices").respond_with_json(
        {"data": [{"件名": "1"}], "links": {"next": elsewhere}}
    )
    with pytest.raises(FetchError, match="leads to another server"):
        fetch(api_source(httpserver))
    assert all(request.path != "/steal" for request, _ in httpserver.log)


def test_paging_is_bounded(
    httpserver: HTTPServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMU_TOKEN", TOKEN)

    def endless(request: Request) -> Response:
        number = int(request.args.get("page", "1"))
        body = {"data": [], "links": {"next": f"/api/notices?page={number + 1}"}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/notices").respond_with_handler(endless)
    with pytest.raises(FetchError, match=f"more than {MAX_PAGES} pages"):
        fetch(api_source(httpserver))
    assert len(httpserver.log) == MAX_PAGES


def test_a_next_link_back_to_a_seen_page_ends_paging(
    httpserver: HTTPServer, no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMU_TOKEN", TOKEN)
    httpserver.expect_request("/api/notices").respond_with_json(
        {"data": [{"件名": "ひとつだけ"}], "links": {"next": "/api/notices"}}
    )
    items, _ = load(api_source(httpserver))
    assert [n.title for n in items] == ["ひとつだけ"]


# --- Folder ---------------------------------------------------------------------------------


def folder_source(folder: Path, **options: Any) -> Source:
    return make(str(folder), "folder", "notices", **options)


def set_mtime(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def test_folder_files_appear_change_and_disappear_on_the_next_refresh(tmp_path: Path) -> None:
    board = tmp_path / "全校共有" / "連絡"
    board.mkdir(parents=True)
    rig = Rig(folder_source(board))
    notice = board / "給食.txt"

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        assert rig.snapshot.items == ()

        notice.write_text("給食費の集金\n今週金曜日までにお願いします。\n", encoding="utf-8")
        set_mtime(notice, at(24, 7, 45))
        assert await poller.refresh()
        assert rig.snapshot.items == (
            Notice(
                source="src",
                title="給食費の集金",
                body="今週金曜日までにお願いします。",
                posted=at(24, 7, 45),
            ),
        )

        notice.write_text("給食費の集金（延期）\n来週月曜日までに。\n", encoding="utf-8")
        assert await poller.refresh()
        assert [n.title for n in rig.snapshot.items] == ["給食費の集金（延期）"]

        notified = len(rig.notified)
        set_mtime(notice, at(24, 7, 50))  # settled: no longer just written
        await poller.refresh()
        assert await poller.source.fetch(poller.client) is None  # nothing changed
        assert await poller.refresh()
        assert len(rig.notified) == notified + 1  # the posted time, once

        notice.unlink()
        assert await poller.refresh()
        assert rig.snapshot.items == ()

    rig.run(steps)


def test_a_new_folder_source_refreshes_every_five_seconds(tmp_path: Path) -> None:
    (tmp_path / "board").mkdir()
    path = tmp_path / "signage.toml"
    path.write_text(
        '[[sources]]\nid = "board"\nkind = "folder"\nrole = "notices"\nurl = "board"\n',
        encoding="utf-8",
    )
    config = load_config(path).sources[0]
    assert config.location == str(tmp_path / "board")

    async def interval() -> float:
        async with new_client() as client:
            source = make_source(config, TOKYO)
            return Poller(source, Store([config.id]), client, FixedClock(NOW)).interval

    assert asyncio.run(interval()) == pytest.approx(5.0)


def test_folder_front_matter_encodings_and_files_left_out(tmp_path: Path) -> None:
    (tmp_path / "a-urgent.md").write_text(
        "---\npriority: 至急\nexpires: 2026/11/26 14:00\nlink: https://komu.example.jp/1\n---\n"
        "# ネットワーク停止\n\n木曜 13:00 から 30 分。\n",
        encoding="utf-8",
    )
    (tmp_path / "b-sjis.TXT").write_bytes("髙橋先生の送別会\n①会費\n".encode("cp932"))
    (tmp_path / "c-japanese-keys.txt").write_text(
        "---\n重要度: 高\n掲載期限: R8.11.30\nauthor: 教頭\n---\n面談の日程\n", encoding="utf-8-sig"
    )
    (tmp_path / "d-bad.txt").write_text("---\npriority: すごく\n---\n題\n", encoding="utf-8")
    (tmp_path / "e-empty.txt").write_text("\n\n", encoding="utf-8")
    for skipped in ("~$議事録.txt", ".隠し.txt", "下書き.tmp", "写真.jpg", "作業中.txt.tmp"):
        (tmp_path / skipped).write_text("見せない\n", encoding="utf-8")
    (tmp_path / "sub.txt").mkdir()

    items, warnings = load(folder_source(tmp_path))

    urgent, sjis, japanese, misspelt = items
    assert (misspelt.title, misspelt.priority) == ("題", "normal")  # shown; the admin is told
    assert (urgent.title, urgent.body, urgent.priority, urgent.expires, urgent.link) == (
        "ネットワーク停止",
        "木曜 13:00 から 30 分。",
        "urgent",
        at(26, 14),
        "https://komu.example.jp/1",
    )
    assert (sjis.title, sjis.body, sjis.priority) == ("髙橋先生の送別会", "①会費", "normal")
    assert (japanese.title, japanese.priority, japanese.expires) == (
        "面談の日程",
        "high",
        at(1, month=12),
    )
    assert warnings == [
        "c-japanese-keys.txt: front matter line ignored: 'author: 教頭'",
        "d-bad.txt: unknown priority 'すごく' (map it in values.priority); shown as normal",
        "e-empty.txt skipped: empty (no title line)",
    ]


def test_folder_values_and_fields_rename_front_matter(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("---\n区分: A\n---\n題\n", encoding="utf-8")
    source = folder_source(
        tmp_path, fields={"priority": "区分"}, values={"priority": {"A": "urgent"}}
    )
    items, warnings = load(source)
    assert [(n.title, n.priority) for n in items] == [("題", "urgent")]
    assert warnings == []


def test_missing_folder_is_a_fetch_error_and_the_last_notices_stay(tmp_path: Path) -> None:
    board = tmp_path / "board"
    board.mkdir()
    (board / "a.txt").write_text("お知らせ\n", encoding="utf-8")
    rig = Rig(folder_source(board))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        board.rename(tmp_path / "moved")  # the share is disconnected
        assert not await poller.refresh()

    rig.run(steps)
    assert [n.title for n in rig.snapshot.items] == ["お知らせ"]
    assert rig.snapshot.error == f"folder not found: {board}"


def test_a_file_too_large_for_a_notice_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * (1024 * 1024 + 1))
    (tmp_path / "ok.txt").write_text("ok\n", encoding="utf-8")
    items, warnings = load(folder_source(tmp_path))
    assert [n.title for n in items] == ["ok"]
    assert warnings == ["big.txt skipped: 1048577 bytes is too large for a notice"]


def test_a_file_written_moments_ago_is_read_again_even_if_size_and_time_match(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("AAA\n", encoding="utf-8")
    source = folder_source(tmp_path)
    stamp = time.time()
    os.utime(path, (stamp, stamp))
    first = fetch(source)
    path.write_text("BBB\n", encoding="utf-8")
    os.utime(path, (stamp, stamp))  # same size, same time: a coarse clock on a share
    second = fetch(source)
    assert second is not None and second != first
    assert [n.title for n in source.read(second, NOW).items] == ["BBB"]


def test_folder_posted_is_the_file_time_in_the_school_zone(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("題\n", encoding="utf-8")
    set_mtime(path, at(20, 16, 30))
    (notice,), _ = load(folder_source(tmp_path))
    assert notice.posted == at(20, 16, 30)
    assert notice.posted.tzinfo == TOKYO
