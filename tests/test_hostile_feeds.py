"""Hostile and partly broken feeds (issue 12, items 1, 2, 10, 11): work stays bounded, one broken
part costs only itself, a refused body is never vouched for by a 304."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage.config import SourceConfig
from signage.errors import ParseError
from signage.sources import make_source
from tests.moments import NOW, TOKYO
from tests.rig import Rig, ics_source, serve
from tests.test_sources import vcalendar

DATA = Path(__file__).parent / "data"
# The real-world calendars, copied into the repository with their SOURCES.md.
CORPUS = Path(__file__).parent / "data" / "corpus" / "ics"
GOOD = "UID:good\nSUMMARY:職員会議\nDTSTART;TZID=Asia/Tokyo:20261125T153000"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=DAILY;BYHOUR=1,2;BYMINUTE="
        + ",".join(map(str, range(60)))
        + ";BYSECOND="
        + ",".join(map(str, range(60))),
    ],
)
def test_a_runaway_rule_skips_its_series_only_and_fast(rule: str) -> None:
    hostile = f"UID:bomb\nSUMMARY:x\nDTSTART:20261101T000000Z\nRRULE:{rule}"
    started = time.perf_counter()
    parsed = ics_source().parse(vcalendar(hostile, GOOD), NOW)
    assert time.perf_counter() - started < 2.0
    assert [e.title for e in parsed.items] == ["職員会議"]
    assert any("bomb" in w for w in parsed.warnings)


def test_many_events_are_capped_near_today_with_a_warning() -> None:
    many = [
        f"UID:e{n}\nSUMMARY:予定{n}\nDTSTART;TZID=Asia/Tokyo:20261125T{n % 24:02d}0000"
        for n in range(12000)
    ]
    started = time.perf_counter()
    parsed = ics_source().parse(vcalendar(*many), NOW)
    assert time.perf_counter() - started < 30
    assert len(parsed.items) == 5000
    assert any("12000" in w for w in parsed.warnings)


def test_broken_vtimezone_falls_back_to_the_zone_name() -> None:
    now = datetime(2019, 12, 9, 9, tzinfo=TOKYO)
    parsed = ics_source().parse((DATA / "icloud-bad-offset.ics").read_bytes(), now)
    (event,) = [e for e in parsed.items if e.title == "Geburtstag"]
    assert event.start == datetime(2019, 12, 9, 18, tzinfo=TOKYO)  # 10:00 in Berlin
    assert any("Europe/Berlin" in w for w in parsed.warnings)


def test_one_broken_event_is_skipped_by_uid() -> None:
    bad = "UID:broken-1\nSUMMARY:x\nDTSTART:2026117T080000Z"
    parsed = ics_source().parse(vcalendar(bad, GOOD), NOW)
    assert [e.title for e in parsed.items] == ["職員会議"]
    assert any("broken-1" in w for w in parsed.warnings)


def test_bare_vevents_and_utf16_are_read() -> None:
    body = vcalendar(GOOD).decode()
    bare = body[body.index("BEGIN:VEVENT") : body.index("END:VCALENDAR")]
    assert [e.title for e in ics_source().parse(bare.encode(), NOW).items] == ["職員会議"]
    parsed = ics_source().parse(body.encode("utf-16"), NOW)
    assert [e.title for e in parsed.items] == ["職員会議"]
    assert any("UTF-16" in w for w in parsed.warnings)


def test_corpus_floor() -> None:
    loads = 0
    for path in sorted(CORPUS.glob("*.ics")):
        try:
            ics_source().parse(path.read_bytes(), NOW)
        except ParseError:
            continue
        loads += 1
    assert loads >= 116  # of 118; was 102 (the empty file and a broken VFREEBUSY only fail)


def board(location: str, kind: str = "json") -> object:
    config = SourceConfig(id="board", kind=kind, role="notices", url=location, location=location)
    return make_source(config, TOKYO)


def test_json_and_csv_keep_what_the_screen_can_show(tmp_path: Path) -> None:
    rows = [{"title": f"お知らせ{n}"} for n in range(5000)]
    parsed = board("x").parse(json.dumps(rows).encode(), NOW)  # type: ignore[attr-defined]
    assert len(parsed.items) == 300 and any("5000" in w for w in parsed.warnings)
    csv = "title\n" + "".join(f"お知らせ{n}\n" for n in range(5000))
    parsed = board("x", "csv").parse(csv.encode(), NOW)  # type: ignore[attr-defined]
    assert len(parsed.items) == 300 and any("5000" in w for w in parsed.warnings)


def test_deep_json_is_a_parse_error_and_no_304_vouches_for_it(
    httpserver: HTTPServer, url: str
) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    state = {"body": json.dumps([{"title": "朝会"}]).encode(), "etag": '"v1"'}

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == state["etag"]:
            return Response(status=304)
        return Response(state["body"], headers={"ETag": state["etag"]})

    seen = serve(httpserver, feed)
    rig = Rig(board(url))  # type: ignore[arg-type]

    async def steps(poller: object) -> None:
        assert await poller.refresh()  # type: ignore[attr-defined]
        state.update(body=deep, etag='"v2"')
        for _ in range(2):
            rig.clock.advance(900)
            assert not await poller.refresh()  # type: ignore[attr-defined]
            assert "deep" in (rig.snapshot.error or "")

    rig.run(steps)  # type: ignore[arg-type]
    assert all(r.headers.get("If-None-Match") != '"v2"' for r in seen)


def test_a_stuck_parse_does_not_hold_up_the_exit() -> None:
    code = (
        "import asyncio, time\n"
        "from signage.worker import in_daemon_thread\n"
        "async def main():\n"
        "    try:\n"
        "        await asyncio.wait_for(in_daemon_thread(time.sleep, 3600), 0.2)\n"
        "    except TimeoutError:\n"
        "        pass\n"
        "asyncio.run(main())\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
    assert time.perf_counter() - started < 20
    assert asyncio  # the default executor would have waited an hour here
