"""Nothing skipped silently (issue 14, item 3): every row a source cannot use is counted, with
where it is and why, in `agenda`, `check --fetch`, the heartbeat and on screen."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from signage.cache import ItemCache
from signage.cli import main
from signage.clock import FixedClock
from signage.config import check_text, load_config
from signage.heartbeat import summary
from signage.model import Notice, Skip
from signage.network import new_client
from signage.supervisor import Supervisor
from signage.trial import try_source
from signage.view import build_view
from tests.moments import NOW

# The admin's export, as issue 14 found it: a misspelt priority, a date nobody can read,
# a row without a title, and two good rows.
BOARD = (
    "件名,本文,重要度,掲載日\n"
    "運動会の準備,体育館に集合,重要,2026-11-20\n"
    "大掃除,全校で,すごく,2026-11-20\n"
    "避難訓練,10時から,通常,あした\n"
    ",本文だけ,通常,2026-11-20\n"
    "給食費,集金日です,通常,令和8年11月20日\n"
)
FIELDS = 'fields = { title = "件名", body = "本文", priority = "重要度", posted = "掲載日" }'


def school(tmp_path: Path, language: str = "ja", extra: str = "") -> Path:
    (tmp_path / "board.csv").write_text(BOARD, encoding="utf-8")
    path = tmp_path / "signage.toml"
    path.write_text(
        f'[school]\nname = "みらい小"\n\n[display]\nlanguage = "{language}"\n\n'
        f'[[sources]]\nid = "board"\nkind = "csv"\nrole = "notices"\nurl = "board.csv"\n'
        f"{FIELDS}\n{extra}",
        encoding="utf-8",
    )
    return path


def agenda(path: Path, capsys: pytest.CaptureFixture[str], *more: str) -> str:
    assert main(["agenda", "--config", str(path), "--at", "2026-11-24T09:00", *more]) == 0
    return capsys.readouterr().out


def test_agenda_json_lists_every_skipped_row_with_where_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(agenda(school(tmp_path), capsys, "--json"))
    (board,) = data["sources"]
    assert board["ok"] is True
    assert board["skipped"] == [
        {
            "where": "line 4",
            "reason": "「掲載日」の「あした」を日付・時刻として読めません。"
            "2026-12-10、令和8年12月10日、12/10 9:00 のように書いてください。",
        },
        {"where": "line 5", "reason": "「件名」が空です。書き足すと表示されます。"},
    ]
    # the misspelt priority: the notice is on the board (staff must read it), and noted
    (kept,) = board["warnings"]
    assert kept["where"] == "line 3" and "「すごく」" in kept["reason"]
    assert "「通常」として表示" in kept["reason"]
    titles = {n["title"]: n["priority"] for n in data["notices"]}
    assert titles == {"運動会の準備": "high", "大掃除": "normal", "給食費": "normal"}


def test_reasons_follow_the_configured_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(agenda(school(tmp_path, "en"), capsys, "--json"))
    reasons = [s["reason"] for s in data["sources"][0]["skipped"]]
    assert reasons == [
        '"掲載日": "あした" is not a date or time; write it as 2026-12-10, 令和8年12月10日 or '
        "12/10 9:00.",
        '"件名" is empty; fill it in to show the row.',
    ]


def test_agenda_text_says_what_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = agenda(school(tmp_path), capsys)
    skipped = "# board: ok\n#   読めず表示していない行 2件:\n#     line 4: 「掲載日」の「あした」"
    assert skipped in out
    assert "#     line 5: 「件名」が空です。" in out
    assert "#   表示したが書き方に注意 1件:\n#     line 3: 「重要度」の「すごく」" in out


def test_check_fetch_reports_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = school(tmp_path)
    assert main(["check", "--fetch", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        f"{path}: 問題ありません",
        "  board: 取得できました（3件）",
        "    読めず表示しない行 2件",
        "      line 4: 「掲載日」の「あした」を日付・時刻として読めません。"
        "2026-12-10、令和8年12月10日、12/10 9:00 のように書いてください。",
    ]
    assert lines[4] == "      line 5: 「件名」が空です。書き足すと表示されます。"
    assert lines[5] == "    表示したが書き方に注意 1件"


def test_check_fetch_says_when_a_source_cannot_be_fetched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = school(tmp_path)
    (tmp_path / "board.csv").unlink()
    assert main(["check", "--fetch", str(path)]) == 1  # the file is valid; the feed is not
    out = capsys.readouterr().out
    assert "  board: 取得できません: " in out


def test_the_trial_fetch_gives_items_and_skipped_without_qt(tmp_path: Path) -> None:
    config = load_config(school(tmp_path))
    trial = try_source(config.sources[0], config, now=NOW)
    assert trial.ok and [n.title for n in trial.items if isinstance(n, Notice)] == [
        "運動会の準備",
        "大掃除",
        "給食費",
    ]
    assert [(s.where, s.kept) for s in trial.skipped] == [
        ("line 3", True),
        ("line 4", False),
        ("line 5", False),
    ]


def test_the_screen_shows_a_quiet_count_beside_the_freshness(tmp_path: Path) -> None:
    config = load_config(school(tmp_path))
    trial = try_source(config.sources[0], config, now=NOW)
    from signage.model import Snapshot

    snap = Snapshot("board", trial.items, NOW, skipped=trial.skipped)
    view = build_view(config, [snap], NOW)
    assert view.skipped == "連絡事項 2件読めず"  # the kept row is not counted on screen
    assert view.status_ok  # a quiet mark, never an error: the data is fresh
    assert build_view(config, [Snapshot("board", trial.items, NOW)], NOW).skipped == ""


def test_the_heartbeat_counts_and_masks(tmp_path: Path, httpserver: HTTPServer) -> None:
    received: list[dict[str, object]] = []

    def record(request):  # type: ignore[no-untyped-def]
        received.append(json.loads(request.get_data()))
        from werkzeug import Response

        return Response("OK")

    httpserver.expect_request("/hb").respond_with_handler(record)
    path = school(tmp_path, extra=f'\n[heartbeat]\nurl = "{httpserver.url_for("/hb")}"\n')

    async def go() -> None:
        async with new_client() as client:
            sup = Supervisor(load_config(path), FixedClock(NOW), client, None)
            await sup.runtime.refresh_all(client)
            assert await sup.send_heartbeat()
            await sup.stop()

    asyncio.run(go())
    (status,) = received
    (board,) = status["sources"]  # type: ignore[index]
    assert board["skipped"] == 2
    assert board["skipped_reasons"] == [
        "「掲載日」の「…」を日付・時刻として読めません。"
        "2026-12-10、令和8年12月10日、12/10 9:00 のように書いてください。",
        "「件名」が空です。書き足すと表示されます。",
    ]
    assert "あした" not in json.dumps(status, ensure_ascii=False)  # no feed text leaves
    assert status["healthy"] is True
    # a monitor's one line (Uptime Kuma's msg) says so too, by source id only
    assert summary(status).endswith(": OK (skipped rows: board 2)")


def test_the_disk_copy_keeps_the_skipped_rows(tmp_path: Path) -> None:
    cache = ItemCache(tmp_path / "cache")
    skipped = (Skip("line 4", "skip.not_a_date", (("field", "掲載日"), ("value", "あした"))),)
    cache.save("board", "k", (), (), NOW, skipped)
    copy = cache.load("board", "k")
    assert copy is not None and copy.skipped == skipped


def test_people_sources_never_quote_the_feed_in_a_reason(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("学級,氏名,連絡種別\n1年1組,山田花子,通院\n", encoding="utf-8")
    text = (
        '[school]\nname = "みらい小"\n\n[[sources]]\nid = "a"\nkind = "csv"\n'
        'role = "absences"\nurl = "a.csv"\n'
        'fields = { class = "学級", name = "氏名", kind = "連絡種別" }\n'
    )
    config, issues = check_text(text, base=tmp_path)
    assert config is not None, issues
    trial = try_source(config.sources[0], config, now=NOW)
    (skip,) = trial.skipped
    assert dict(skip.details)["value"] == "…"


def test_calendar_events_that_cannot_be_read_are_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cal.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:test\n"
        "BEGIN:VEVENT\nUID:good@school\nSUMMARY:職員会議\n"
        "DTSTART;TZID=Asia/Tokyo:20261124T153000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:broken@school\nSUMMARY:開始のない予定\nEND:VEVENT\n"
        "END:VCALENDAR\n",
        encoding="utf-8",
    )
    path = tmp_path / "signage.toml"
    path.write_text(
        '[school]\nname = "みらい小"\n\n[[sources]]\nid = "cal"\nkind = "ics"\n'
        'role = "events"\nurl = "cal.ics"\n',
        encoding="utf-8",
    )
    data = json.loads(agenda(path, capsys, "--json"))
    assert data["sources"][0]["skipped"] == [
        {
            "where": "event broken@school",
            "reason": "予定の開始日時（DTSTART）がないか、二つあります。",
        }
    ]
    assert [e["title"] for e in data["days"][0]["events"]] == ["職員会議"]


def test_a_column_the_header_lacks_is_noted_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = school(tmp_path)
    (tmp_path / "board.csv").write_text("件名,重要度\n運動会の準備,重要\n", encoding="utf-8")
    data = json.loads(agenda(path, capsys, "--json"))
    (board,) = data["sources"]
    assert board["skipped"] == []
    assert [w["where"] for w in board["warnings"]] == ["header", "header"]
    assert board["warnings"][0]["reason"].startswith("見出しの行に「本文」の列がないため")
    assert "掲載日" in board["warnings"][1]["reason"]


def test_the_mark_changes_only_the_status_line(tmp_path: Path) -> None:
    """The rest of the screen is the same pixels with or without skipped rows."""
    from dataclasses import replace

    from signage.presenter import Frame
    from signage.ui.render import render_image

    config = load_config(school(tmp_path))
    trial = try_source(config.sources[0], config, now=NOW)
    from signage.model import Snapshot

    marked = build_view(config, [Snapshot("board", trial.items, NOW, skipped=trial.skipped)], NOW)
    plain = replace(marked, skipped="")
    frame = Frame("notices", 0.0, ["notices"], frozenset(marked.available()))
    with_mark = render_image(marked, frame, 1920, 1080)
    without = render_image(plain, frame, 1920, 1080)
    rows = {
        y
        for y in range(1080)
        for x in range(0, 1920, 2)
        if with_mark.pixel(x, y) != without.pixel(x, y)
    }
    assert rows, "the mark is drawn"
    assert max(rows) < 150  # in the header (its top 150 px at 1080p) beside the status, only


def test_a_fixed_row_clears_the_mark_at_once() -> None:
    """Only the skipped rows changed (the row was fixed but is not live yet): the screen hears."""
    from signage.store import Store

    store = Store(["board"])
    heard: list[str] = []
    store.subscribe(heard.append)
    skipped = (Skip("line 4", "skip.missing", (("field", "件名"),)),)
    store.succeeded("board", (), (), NOW, skipped)
    store.succeeded("board", (), (), NOW, ())
    assert heard == ["board", "board"] and store.get("board").skipped == ()
