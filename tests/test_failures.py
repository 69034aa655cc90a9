"""A real local server that fails on command: every way a school network lets a feed down
keeps the last good data on screen, says why, and recovers by itself."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import httpx
import pytest

from signage.clock import FixedClock
from signage.poller import Poller
from signage.store import Store
from tests.moments import NOW
from tests.rig import CALENDAR, ics_source
from tests.servers import Feed


@pytest.fixture
def feed() -> Iterator[Feed]:
    server = Feed(CALENDAR)
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("500", "HTTP 500"),
        ("garbage", "not an iCalendar file"),
        ("truncate", "cal.ics"),
        ("slow", "timed out"),
        ("refuse", "ConnectError"),
    ],
)
def test_each_failure_keeps_the_last_data_and_recovers(feed: Feed, mode, says, caplog):
    caplog.set_level(logging.INFO)
    source = ics_source(feed.url)
    store = Store([source.id])
    clock = FixedClock(NOW)

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as client:
            poller = Poller(source, store, client, clock, jitter=lambda: 0.5)
            assert await poller.refresh()
            good = store.get("cal").items
            if mode == "refuse":
                feed.stop()
            else:
                feed.mode = mode
            for _ in range(3):
                clock.advance(60)
                assert not await poller.refresh()
                snap = store.get("cal")
                assert snap.items == good  # still on screen
                assert snap.fetched_at == NOW  # with when it was really fetched
                assert says in (snap.error or "")
            if mode == "refuse":
                restarted = Feed(CALENDAR, feed.port)  # the server comes back on the same address
                try:
                    assert await poller.refresh()
                finally:
                    restarted.stop()
            else:
                feed.mode = "ok"
                assert await poller.refresh()
            assert store.get("cal").error is None

    asyncio.run(scenario())
    assert caplog.text.count("refresh failed") == 1
    assert caplog.text.count("recovered after 3 failed refreshes") == 1
