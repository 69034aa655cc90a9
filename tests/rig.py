"""What the source and poller tests share: a calendar and its source, one fetch, a server that
records its requests, and a rig of source, store and poller on a fixed clock. (The zone and the
moments are in tests.moments, the raw servers in tests.servers.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage.clock import FixedClock
from signage.config import SourceConfig
from signage.model import Snapshot
from signage.network import new_client
from signage.poller import Poller
from signage.sources import Source, make_source
from signage.store import Store
from tests.moments import NOW, TOKYO

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//signage tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:朝会\r\nDTSTART;TZID=Asia/Tokyo:20261124T081500\r\n"
    "DTEND;TZID=Asia/Tokyo:20261124T083000\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:避難訓練\r\nLOCATION:校庭\r\n"
    "DTSTART;TZID=Asia/Tokyo:20261125T103000\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()


def ics_source(location: str = "calendar.ics", **options: object) -> Source:
    """The "cal" events source of kind ics at location (a path or a URL)."""
    config = SourceConfig(
        id="cal", kind="ics", role="events", url=location, location=location, **options
    )
    return make_source(config, TOKYO)


def fetch(
    source: Source, client_factory: Callable[[], httpx.AsyncClient] = new_client
) -> bytes | None:
    """One fetch on a fresh client and event loop."""

    async def go() -> bytes | None:
        async with client_factory() as client:
            return await source.fetch(client)

    return asyncio.run(go())


def serve(server: HTTPServer, handler: Callable[[Request], Response]) -> list[Request]:
    """Answer /cal.ics with handler; returns the list of requests the server saw."""
    seen: list[Request] = []

    def record(request: Request) -> Response:
        seen.append(request)
        return handler(request)

    server.expect_request("/cal.ics").respond_with_handler(record)
    return seen


class Rig:
    """One source, its store and poller on a fixed clock; counts the store's notifications."""

    def __init__(self, source: Source) -> None:
        self.clock = FixedClock(NOW)
        self.source = source
        self.store = Store([source.id])
        self.notified: list[str] = []
        self.store.subscribe(self.notified.append)

    @property
    def snapshot(self) -> Snapshot:
        return self.store.get(self.source.id)

    def run(self, steps: Callable[[Poller], Awaitable[None]]) -> None:
        """Run async steps with a poller on one client and event loop."""

        async def main() -> None:
            async with new_client() as client:
                poller = Poller(self.source, self.store, client, self.clock, jitter=lambda: 0.5)
                await steps(poller)

        asyncio.run(main())
