"""Poller and store against a real HTTP server on 127.0.0.1: what stays up when feeds fail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage import sources
from signage.errors import FetchError
from signage.model import Notice
from signage.poller import FIRST_RETRY, Poller
from signage.store import Store
from tests.moments import NOW
from tests.rig import CALENDAR, Rig, ics_source, serve

DAILY = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//signage tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:朝の打合せ\r\nDTSTART;TZID=Asia/Tokyo:20261101T081000\r\n"
    "RRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
HTML = b"<!DOCTYPE html><html><body>Proxy: please log in</body></html>"


def script(*responses: Response) -> Callable[[Request], Response]:
    """One response per request, in order; the last one repeats."""
    queue = list(responses)
    return lambda request: queue.pop(0) if len(queue) > 1 else queue[0]


def ok(body: bytes = CALENDAR, etag: str | None = None) -> Response:
    headers = {"ETag": etag} if etag else {}
    return Response(body, status=200, headers=headers, content_type="text/calendar")


# --- HTTP: conditional requests -------------------------------------------------------------


def test_etag_then_304_keeps_the_items_and_updates_the_time(
    httpserver: HTTPServer, url: str
) -> None:
    assert url.startswith("http://127.0.0.1:")
    seen = serve(
        httpserver,
        lambda r: (
            Response(status=304) if r.headers.get("If-None-Match") == '"v1"' else ok(etag='"v1"')
        ),
    )
    rig = Rig(ics_source(url))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        first = rig.snapshot
        assert [e.title for e in first.items] == ["朝会", "避難訓練"]
        assert first.fetched_at == NOW and first.ok

        assert await rig.source.fetch(poller.client) is None  # the source's own view of a 304

        rig.clock.advance(15 * 60)
        assert await poller.refresh()
        second = rig.snapshot
        assert second.items is first.items
        assert second.fetched_at == rig.clock.now() and second.error is None

    rig.run(steps)
    assert len(seen) == 3
    assert "If-None-Match" not in seen[0].headers
    assert seen[1].headers["If-None-Match"] == '"v1"'
    assert seen[2].headers["If-None-Match"] == '"v1"'
    assert rig.notified == ["cal", "cal"]  # new items; "last updated" moved from 08:00 to 08:15


def test_304_after_midnight_in_tokyo_recomputes_the_window(
    httpserver: HTTPServer, url: str
) -> None:
    # 07:00 in Tokyo on the 25th is still the 24th in UTC: the school's day has changed, so the
    # cached body is parsed again and the window reaches one more daily occurrence.
    serve(
        httpserver,
        lambda r: Response(status=304) if r.headers.get("If-None-Match") else ok(DAILY, '"d"'),
    )
    rig = Rig(ics_source(url))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        before = len(rig.snapshot.items)
        rig.clock.set(datetime(2026, 11, 24, 22, 0, tzinfo=UTC))
        assert await poller.refresh()
        assert len(rig.snapshot.items) == before + 1
        assert rig.snapshot.fetched_at == rig.clock.now()

    rig.run(steps)


# --- HTTP: failures keep the last good data -----------------------------------------------------


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_error_keeps_last_good_items_and_never_shows_credentials(
    httpserver: HTTPServer, no_proxy: None, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    caplog.set_level(logging.INFO)
    url = f"http://teacher:hunter2@127.0.0.1:{httpserver.port}/cal.ics?token=s3cr3t"
    seen = serve(httpserver, script(ok(), Response("down", status=status)))
    rig = Rig(ics_source(url))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        good = rig.snapshot
        rig.clock.advance(900)
        assert not await poller.refresh()
        assert rig.snapshot.items == good.items
        assert rig.snapshot.fetched_at == NOW  # "last updated 08:00" stays true

    rig.run(steps)
    assert seen[0].authorization is not None
    assert (seen[0].authorization.username, seen[0].args["token"]) == ("teacher", "s3cr3t")
    error = rig.snapshot.error
    assert error is not None and str(status) in error
    assert f"127.0.0.1:{httpserver.port}/cal.ics" in error  # the admin can tell which feed
    # Everything this program logs (the test server's own access log is not ours).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "refresh failed" in logged
    for secret in ("hunter2", "teacher", "s3cr3t", "token"):
        assert secret not in error
        assert secret not in logged


def test_oversized_response_is_refused_and_last_good_stays(
    httpserver: HTTPServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources.base, "MAX_BYTES", 2 * len(CALENDAR))
    huge = CALENDAR.replace(b"SUMMARY:", b"DESCRIPTION:" + b"x" * len(CALENDAR) + b"\r\nSUMMARY:")
    serve(httpserver, script(ok(), ok(huge)))
    rig = Rig(ics_source(url))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        good = rig.snapshot.items
        assert not await poller.refresh()
        assert rig.snapshot.items == good
        with pytest.raises(FetchError, match="limit"):
            await rig.source.fetch(poller.client)

    rig.run(steps)
    assert "byte limit" in (rig.snapshot.error or "")


def test_redirect_loop_is_a_clear_error(httpserver: HTTPServer, url: str) -> None:
    serve(httpserver, script(ok(), Response(status=302, headers={"Location": "/cal.ics"})))
    rig = Rig(ics_source(url))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        assert not await poller.refresh()

    rig.run(steps)
    assert rig.snapshot.error == f"too many redirects: {url}"
    assert [e.title for e in rig.snapshot.items] == ["朝会", "避難訓練"]


def test_body_that_is_not_icalendar_fails_until_the_feed_is_fixed(
    httpserver: HTTPServer, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A CMS serves its error page with 200 and an ETag. A later 304 for that ETag must not
    # count as a good refresh: the feed is still broken and the screen must keep saying so.
    caplog.set_level(logging.INFO, logger="signage.poller")
    state = {"body": CALENDAR, "etag": '"v1"'}

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == state["etag"]:
            return Response(status=304)
        return ok(state["body"], state["etag"])  # type: ignore[arg-type]

    seen = serve(httpserver, feed)
    rig = Rig(ics_source(url))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        good = rig.snapshot.items
        state.update(body=HTML, etag='"v2"')
        for _ in range(3):
            rig.clock.advance(900)
            assert not await poller.refresh()
            assert rig.snapshot.items == good
            assert "iCalendar" in (rig.snapshot.error or "")
            assert rig.snapshot.fetched_at == NOW
        state.update(
            body=CALENDAR.replace("避難訓練".encode(), "引き渡し訓練".encode()), etag='"v3"'
        )
        assert await poller.refresh()
        assert [e.title for e in rig.snapshot.items] == ["朝会", "引き渡し訓練"]
        assert rig.snapshot.ok

    rig.run(steps)
    assert all(r.headers.get("If-None-Match") != '"v2"' for r in seen)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("refresh failed" in m for m in messages) == 1
    assert sum("recovered" in m for m in messages) == 1


# --- Backoff and logging ----------------------------------------------------------------------


def test_backoff_doubles_from_first_retry_up_to_the_interval_and_logs_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="signage.poller")
    path = tmp_path / "calendar.ics"
    rig = Rig(ics_source(str(path), refresh_minutes=5))  # interval 300 s
    delays: list[float] = []

    async def steps(poller: Poller) -> None:
        assert poller.next_delay() == 300
        for _ in range(6):
            assert not await poller.refresh()
            delays.append(poller.next_delay())
        poller.jitter = lambda: 0.0
        assert poller.next_delay() == pytest.approx(300 * 0.9)
        poller.jitter = lambda: 1.0
        assert poller.next_delay() == pytest.approx(300 * 1.1)
        poller.jitter = lambda: 0.5

        path.write_bytes(CALENDAR)
        assert await poller.refresh()
        delays.append(poller.next_delay())
        assert await poller.refresh()

    rig.run(steps)
    assert FIRST_RETRY == 30
    assert delays == [30, 60, 120, 240, 300, 300, 300]
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if "failed" in m or "recovered" in m] == [
        f"cal: refresh failed: file not found: {path}",
        "cal: recovered after 6 failed refreshes",
    ]
    assert caplog.records[0].levelno == logging.WARNING
    assert rig.snapshot.ok and rig.snapshot.error is None


# --- Store ---------------------------------------------------------------------------------


def notice(title: str) -> Notice:
    return Notice(source="board", title=title)


def test_store_tells_listeners_of_changes_only() -> None:
    store = Store(["board"])
    heard: list[str] = []
    store.subscribe(heard.append)
    a, b = (notice("学年会"),), (notice("学年会"), notice("校内研修"))

    store.succeeded("board", a, (), NOW.replace(second=5))
    assert heard == ["board"]
    store.succeeded("board", a, (), NOW.replace(second=40))  # same items, same minute
    assert heard == ["board"]
    store.succeeded("board", b, (), NOW.replace(second=50))  # new items
    assert len(heard) == 2
    store.succeeded("board", b, ("notice #3 skipped: no title",), NOW.replace(second=55))
    assert len(heard) == 3  # warnings changed
    store.succeeded("board", b, ("notice #3 skipped: no title",), NOW.replace(minute=1))
    assert len(heard) == 4  # "last updated 08:00" becomes 08:01
    store.succeeded("board", b, ("notice #3 skipped: no title",), NOW.replace(hour=9, minute=1))
    assert len(heard) == 5  # 09:01 reads differently from 08:01, though the minute is the same
    assert store.get("board").fetched_at == NOW.replace(hour=9, minute=1)


def test_store_failed_keeps_items_and_tells_once_per_error() -> None:
    store = Store(["board"])
    heard: list[str] = []
    store.subscribe(heard.append)
    items = (notice("学年会"),)
    store.succeeded("board", items, (), NOW)

    store.failed("board", "HTTP 500 from https://example.jp/notices.json")
    store.failed("board", "HTTP 500 from https://example.jp/notices.json")
    snapshot = store.get("board")
    assert (snapshot.items, snapshot.fetched_at, snapshot.ok) == (items, NOW, False)
    assert snapshot.error == "HTTP 500 from https://example.jp/notices.json"
    assert len(heard) == 2

    store.failed("board", "timed out: https://example.jp/notices.json")
    assert len(heard) == 3

    store.succeeded("board", items, (), NOW.replace(second=30))  # same items, error cleared
    assert store.get("board").ok and len(heard) == 4


def test_store_unchanged_refreshes_time_and_clears_error() -> None:
    store = Store(["board"])
    heard: list[str] = []
    store.subscribe(heard.append)
    items = (notice("学年会"),)
    store.succeeded("board", items, (), NOW)

    store.unchanged("board", NOW.replace(second=30))
    assert heard == ["board"]  # nothing a viewer could see has changed
    store.failed("board", "HTTP 502 from https://example.jp/notices.json")
    store.unchanged("board", NOW.replace(second=45))
    assert len(heard) == 3 and store.get("board").ok
    store.unchanged("board", NOW.replace(minute=15))
    assert len(heard) == 4
    assert store.get("board").items == items
    assert store.get("board").fetched_at == NOW.replace(minute=15)
