"""Offline start from the disk cache, Retry-After, and a poller that never dies of a bug."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from signage.cache import RawCache
from signage.clock import FixedClock
from signage.network import new_client
from signage.poller import Poller
from signage.store import Store
from tests.moments import NOW
from tests.rig import CALENDAR, ics_source


def poller_for(url: str, cache: RawCache | None, clock: FixedClock) -> tuple[Poller, Store]:
    source = ics_source(url)
    store = Store([source.id])
    return Poller(source, store, new_client(), clock, jitter=lambda: 0.5, cache=cache), store


def test_a_restart_without_network_shows_the_copy_from_disk(httpserver: HTTPServer, tmp_path):
    cache = RawCache(tmp_path / "cache")
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


def test_a_damaged_cache_is_ignored(tmp_path: Path):
    cache = RawCache(tmp_path)
    cache.save("cal", CALENDAR, NOW)
    whole = (tmp_path / "cal.cache").read_bytes()
    (tmp_path / "cal.cache").write_bytes(whole[:-50])  # cut short
    assert cache.load("cal") is None
    (tmp_path / "cal.cache").write_bytes(b"{not json\n" + CALENDAR)
    assert cache.load("cal") is None
    assert RawCache(tmp_path / "nothing-here").load("cal") is None


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
