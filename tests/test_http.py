"""The ics source over HTTP against a real server on 127.0.0.1: gzip, size limits, redirects,
timeouts, webcal:// and Last-Modified. (ETag and error statuses are in test_poller.py.)"""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage import sources
from signage.clock import FixedClock
from signage.config import check_file
from signage.errors import FetchError
from signage.network import new_client
from signage.poller import Poller
from signage.sources import Source
from signage.store import Store
from tests.moments import NOW
from tests.rig import fetch, ics_source

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//signage tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:職員会議\r\nDTSTART;TZID=Asia/Tokyo:20261124T160000\r\n"
    "DTEND;TZID=Asia/Tokyo:20261124T170000\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()
LAST_MODIFIED = "Mon, 23 Nov 2026 09:30:00 GMT"
MB = 1024 * 1024

T = TypeVar("T")


def run(steps: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def go() -> T:
        async with new_client() as client:
            return await steps(client)

    return asyncio.run(go())


def titles(source: Source, raw: bytes | None) -> list[str]:
    assert raw is not None
    return [item.title for item in source.parse(raw, NOW).items]


# --- gzip ---------------------------------------------------------------------------------


def test_gzip_encoded_feed_is_decoded_and_parsed(httpserver: HTTPServer, url: str) -> None:
    httpserver.expect_request("/cal.ics").respond_with_response(
        Response(
            gzip.compress(CALENDAR),
            headers={"Content-Encoding": "gzip"},
            content_type="text/calendar; charset=utf-8",
        )
    )
    source = ics_source(url)
    raw = fetch(source)
    assert raw == CALENDAR
    assert titles(source, raw) == ["職員会議"]


@pytest.fixture
def gzip_bomb(httpserver: HTTPServer, url: str, monkeypatch: pytest.MonkeyPatch) -> Source:
    """50 MB of zeros, about 50 KB on the wire, against a 1 MB limit."""
    monkeypatch.setattr(sources.base, "MAX_BYTES", 1 * MB)
    bomb = gzip.compress(b"\0" * (50 * MB), compresslevel=9)
    assert len(bomb) < 100_000
    httpserver.expect_request("/cal.ics").respond_with_response(
        Response(bomb, headers={"Content-Encoding": "gzip"}, content_type="text/calendar")
    )
    return ics_source(url)


def test_size_limit_counts_the_decompressed_bytes_and_fails_fast(gzip_bomb: Source) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="over the 1048576 byte limit"):
        fetch(gzip_bomb)
    assert time.monotonic() - started < 5


def test_gzip_bomb_never_inflates_far_past_the_limit(gzip_bomb: Source) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="byte limit"):
            fetch(gzip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A bounded decoder peaks at a few MB here (noise included); inflating the bomb takes 50+.
    assert peak < 32 * MB, f"peak {peak / MB:.0f} MB while fetching against a 1 MB limit"


# --- redirects and timeouts ---------------------------------------------------------------


def test_redirect_to_another_path_is_followed(httpserver: HTTPServer, no_proxy: None) -> None:
    httpserver.expect_request("/old/calendar.ics").respond_with_response(
        Response(status=302, headers={"Location": "/new/calendar.ics"})
    )
    httpserver.expect_request("/new/calendar.ics").respond_with_data(
        CALENDAR, content_type="text/calendar"
    )
    source = ics_source(httpserver.url_for("/old/calendar.ics"))
    assert titles(source, fetch(source)) == ["職員会議"]


def test_slow_server_gives_a_clear_timed_out_error(httpserver: HTTPServer, url: str) -> None:
    release = threading.Event()

    def stall(request: Request) -> Response:
        release.wait(10)  # until the test is done with it, so the server is free again
        return Response(CALENDAR, content_type="text/calendar")

    httpserver.expect_request("/cal.ics").respond_with_handler(stall)
    source = ics_source(url)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as failure:
            fetch(source, lambda: httpx.AsyncClient(timeout=0.5))
    finally:
        release.set()
    assert time.monotonic() - started < 3
    assert str(failure.value) == f"timed out: {url}"


def test_shared_client_has_connect_and_read_timeouts_and_bounded_redirects() -> None:
    async def check() -> None:
        async with new_client() as client:
            assert client.timeout.connect is not None and client.timeout.connect <= 30
            assert client.timeout.read is not None and client.timeout.read <= 60
            assert client.follow_redirects and 1 <= client.max_redirects <= 10

    asyncio.run(check())


# --- webcal:// ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "fetched"),
    [
        ("webcal://calendar.example.jp/school.ics", "https://calendar.example.jp/school.ics"),
        ("WEBCAL://Example.jp/ical/basic.ics?k=1", "https://Example.jp/ical/basic.ics?k=1"),
    ],
)
def test_webcal_url_in_the_config_is_fetched_over_https(
    tmp_path: Path, written: str, fetched: str
) -> None:
    path = tmp_path / "signage.toml"
    path.write_text(
        f'[[sources]]\nid = "cal"\nkind = "ics"\nrole = "events"\nurl = "{written}"\n',
        encoding="utf-8",
    )
    config, issues = check_file(path)
    assert issues == []
    assert config is not None
    [source] = config.sources
    assert source.location == fetched
    assert source.is_remote


# --- Last-Modified ------------------------------------------------------------------------


def test_last_modified_is_sent_back_and_a_304_keeps_the_items(
    httpserver: HTTPServer, url: str
) -> None:
    seen: list[Request] = []

    def feed(request: Request) -> Response:
        seen.append(request)
        if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return Response(status=304)
        return Response(
            CALENDAR, headers={"Last-Modified": LAST_MODIFIED}, content_type="text/calendar"
        )

    httpserver.expect_request("/cal.ics").respond_with_handler(feed)
    source = ics_source(url)
    store = Store([source.id])
    clock = FixedClock(NOW)

    async def steps(client: httpx.AsyncClient) -> None:
        poller = Poller(source, store, client, clock, jitter=lambda: 0.5)
        assert await poller.refresh()
        good = store.get(source.id)
        assert [e.title for e in good.items] == ["職員会議"]
        for _ in range(2):
            clock.advance(15 * 60)
            assert await poller.refresh()
            snapshot = store.get(source.id)
            assert snapshot.items is good.items  # not parsed again
            assert snapshot.ok and snapshot.fetched_at == clock.now()

    run(steps)
    assert len(seen) == 3
    assert "If-Modified-Since" not in seen[0].headers
    assert "If-None-Match" not in seen[1].headers  # no ETag was given, none is invented
    assert [r.headers.get("If-Modified-Since") for r in seen[1:]] == [LAST_MODIFIED] * 2


def test_secret_addresses_never_reach_errors() -> None:
    from signage.fetch import safe_url

    url = (
        "https://user:pw@calendar.google.com/calendar/ical/school%40example.org/"
        "private-0123456789abcdef0123456789abcdef/basic.ics?key=s3cret"
    )
    safe = safe_url(url)
    assert safe.endswith("/calendar/ical/school@example.org/***/basic.ics")
    assert "0123456789abcdef" not in safe and "pw" not in safe and "s3cret" not in safe
