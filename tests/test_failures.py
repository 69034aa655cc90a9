"""A real local server that fails on command: every way a school network lets a feed down
keeps the last good data on screen, says why, and recovers by itself."""

from __future__ import annotations

import asyncio
import http.server
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from signage.clock import FixedClock
from signage.poller import Poller
from signage.store import Store
from tests.test_poller import CALENDAR, NOW, ics_source


class Feed:
    """A calendar server whose behaviour the test sets: ok, 500, garbage, truncate, slow."""

    def __init__(self, port: int = 0) -> None:
        self.mode = "ok"
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if feed.mode == "slow":
                    time.sleep(1.5)
                if feed.mode == "500":
                    self.send_error(500)
                    return
                body = b"<html>Proxy login</html>" if feed.mode == "garbage" else CALENDAR
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if feed.mode == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cal.ics"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed() -> Iterator[Feed]:
    server = Feed()
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
                restarted = Feed(feed.port)  # the server comes back on the same address
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
