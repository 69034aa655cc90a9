"""Offline start from the disk cache, Retry-After, and a poller that never dies of a bug."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage.cache import ItemCache
from signage.clock import FixedClock
from signage.network import new_client
from signage.poller import Poller
from signage.store import Store
from tests.moments import NOW
from tests.rig import CALENDAR, ics_source


def poller_for(url: str, cache: ItemCache | None, clock: FixedClock) -> tuple[Poller, Store]:
    source = ics_source(url)
    store = Store([source.id])
    return Poller(source, store, new_client(), clock, jitter=lambda: 0.5, cache=cache), store


def test_a_restart_without_network_shows_the_copy_from_disk(httpserver: HTTPServer, tmp_path):
    cache = ItemCache(tmp_path / "cache")
    url = httpserver.url_for("/cal.ics")
    httpserver.expect_request("/cal.ics").respond_with_data(CALENDAR, content_type="text/calendar")
    clock = FixedClock(NOW)
    first, _ = poller_for(url, cache, clock)
    assert asyncio.run(first.refresh())

    httpserver.clear()
    httpserver.expect_request("/cal.ics").respond_with_data("down", status=503)
    clock.advance(3600)
    second, store = poller_for(url, cache, clock)  # a new process: nothing in memory

    async def boot() -> None:
        assert await second.restore()
        assert not await second.refresh()

    asyncio.run(boot())
    snap = store.get("cal")
    assert [e.title for e in snap.items] == ["朝会", "避難訓練"]
    assert snap.fetched_at == NOW  # marked with when it was really fetched
    assert snap.error == f"HTTP 503 from {url}"


def test_a_restart_adopts_the_items_without_parsing(httpserver: HTTPServer, tmp_path: Path):
    cache = ItemCache(tmp_path)
    url = httpserver.url_for("/cal.ics")
    httpserver.expect_request("/cal.ics").respond_with_data(CALENDAR, content_type="text/calendar")
    clock = FixedClock(NOW)
    first, stored = poller_for(url, cache, clock)
    assert asyncio.run(first.refresh())
    second, store = poller_for(url, cache, clock)

    def no_parse(raw: bytes, now: object) -> object:
        raise AssertionError("a restore parsed")

    second.source.parse = no_parse  # type: ignore[method-assign]
    assert asyncio.run(second.restore())
    assert store.get("cal").items == stored.get("cal").items
    assert store.get("cal").fetched_at == NOW


def test_after_a_restart_the_first_fetch_is_unconditional(httpserver: HTTPServer, tmp_path):
    """Validators live in memory only: a 304 must never answer for a body nobody holds."""
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(CALENDAR, content_type="text/calendar", headers={"ETag": '"v1"'})

    httpserver.expect_request("/cal.ics").respond_with_handler(handler)
    url = httpserver.url_for("/cal.ics")
    cache = ItemCache(tmp_path)
    clock = FixedClock(NOW)
    first, _ = poller_for(url, cache, clock)
    assert asyncio.run(first.refresh())
    assert not (set(p.suffix for p in tmp_path.iterdir()) - {".items"})  # no raw copy on disk
    second, store = poller_for(url, cache, clock)

    async def boot() -> None:
        assert await second.restore()
        assert await second.refresh()
        assert await second.refresh()  # now a 304, answered from the body held in memory

    asyncio.run(boot())
    assert ["If-None-Match" in r.headers for r in seen] == [False, False, True]
    assert [e.title for e in store.get("cal").items] == ["朝会", "避難訓練"]


def test_a_304_to_an_unconditional_request_is_a_failure(httpserver: HTTPServer, tmp_path):
    httpserver.expect_request("/cal.ics").respond_with_response(Response(status=304))
    poller, store = poller_for(httpserver.url_for("/cal.ics"), ItemCache(tmp_path), FixedClock(NOW))
    assert not asyncio.run(poller.restore())  # nothing on disk either
    assert not asyncio.run(poller.refresh())
    assert store.get("cal").error == "server answered 304 but nothing was cached"


def test_retry_after_is_honoured(httpserver: HTTPServer):
    httpserver.expect_request("/cal.ics").respond_with_response(
        Response("busy", status=429, headers={"Retry-After": "1800"})
    )
    poller, store = poller_for(httpserver.url_for("/cal.ics"), None, FixedClock(NOW))
    assert not asyncio.run(poller.refresh())
    assert poller.next_delay() == 1800  # not the 30 s first retry
    assert "429" in (store.get("cal").error or "")


def test_an_unexpected_error_is_a_failure_not_the_end_of_the_source(tmp_path: Path):
    feed = tmp_path / "cal.ics"
    feed.write_bytes(CALENDAR)
    poller, store = poller_for(str(feed), None, FixedClock(NOW))

    def broken(raw: bytes, now: object) -> object:
        raise KeyError("bug")

    poller.source.parse = broken  # type: ignore[method-assign]
    assert not asyncio.run(poller.refresh())
    assert store.get("cal").error == "KeyError: 'bug'"
    assert poller.next_delay() == timedelta(seconds=30).total_seconds()
