"""The one fetch primitive against real servers on 127.0.0.1: a total deadline that a trickling
server cannot outlast, Retry-After dates on the injected clock, the POST of the heartbeat, and
a TLS module that stands without the config."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage import fetch as fetching
from signage.clock import FixedClock
from signage.config import Auth, NetworkConfig, check_file, load_config
from signage.errors import FetchError
from signage.fetch import fetch, post
from signage.network import new_client
from signage.runtime import Runtime
from signage.sources import make_source
from tests.moments import NOW, TOKYO
from tests.rig import fetch as fetch_once
from tests.servers import Trickle


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    server = Trickle()
    yield server
    server.stop()


def test_a_trickling_server_cannot_hold_a_fetch_past_its_deadline(trickle: Trickle) -> None:
    url = trickle.url()

    async def go() -> None:
        async with new_client() as client:
            await fetch(client, url, limit=10_000, deadline=1.0)

    started = time.monotonic()
    with pytest.raises(FetchError) as failure:
        asyncio.run(go())
    assert time.monotonic() - started < 3
    assert str(failure.value) == f"timed out: {url} (not complete within 1 s)"


def test_a_source_fetch_has_the_deadline_of_the_network_config(
    trickle: Trickle, tmp_path: Path
) -> None:
    assert fetching.DEADLINE == 60.0  # a sane bound for a feed of a few MB on a slow line
    assert NetworkConfig().deadline_seconds == fetching.DEADLINE
    url = trickle.url()
    path = tmp_path / "signage.toml"
    path.write_text(
        f'[network]\ndeadline_seconds = 0.8\n\n[[sources]]\nid = "cal"\nkind = "ics"\n'
        f'role = "events"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.network.deadline_seconds == 0.8
    source = make_source(config.sources[0], TOKYO)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out: .* \(not complete within 0.8 s\)"):
        fetch_once(source, lambda: new_client(config.network))
    assert time.monotonic() - started < 3


def test_deadline_seconds_must_be_positive(tmp_path: Path) -> None:
    path = tmp_path / "signage.toml"
    path.write_text("[network]\ndeadline_seconds = 0\n", encoding="utf-8")
    _, issues = check_file(path)
    assert [issue.key for issue in issues] == ["network.deadline_seconds"]


def test_a_heartbeat_post_is_bounded_by_the_deadline_too(trickle: Trickle) -> None:
    url = trickle.url("/heartbeat")

    async def go() -> None:
        async with new_client() as client:
            await post(client, url, {"healthy": True}, deadline=0.5)

    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        asyncio.run(go())
    assert time.monotonic() - started < 3


def test_post_sends_json_with_the_credentials_and_reports_a_refusal(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HB_TOKEN", "s3cret-token")
    seen: list[tuple[str | None, bytes]] = []

    def record(request: Request) -> Response:
        seen.append((request.headers.get("Authorization"), request.get_data()))
        return Response("no", status=403 if len(seen) > 1 else 204)

    httpserver.expect_request("/hb", method="POST").respond_with_handler(record)
    url = httpserver.url_for("/hb")
    auth = Auth(type="bearer", env="HB_TOKEN")

    async def go() -> None:
        async with new_client() as client:
            await post(client, url, {"ok": 1}, auth=auth)
            await post(client, url, {"ok": 1}, auth=auth)

    with pytest.raises(FetchError) as failure:
        asyncio.run(go())
    assert seen[0] == ("Bearer s3cret-token", b'{"ok":1}')
    assert "HTTP 403" in str(failure.value) and "HB_TOKEN" in str(failure.value)
    assert "s3cret" not in str(failure.value)


def test_a_retry_after_date_counts_from_the_injected_clock(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    later = (NOW + timedelta(minutes=2)).astimezone(UTC)
    httpserver.expect_request("/cal.ics").respond_with_response(
        Response("busy", status=503, headers={"Retry-After": format_datetime(later, usegmt=True)})
    )
    url = httpserver.url_for("/cal.ics")
    config_file = tmp_path / "signage.toml"
    config_file.write_text(
        f'[school]\nname = "みらい小"\n\n[[sources]]\nid = "cal"\nkind = "ics"\n'
        f'role = "events"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    clock = FixedClock(NOW)  # far from the wall clock: only the injected one gives 120 s
    source = Runtime.build(load_config(config_file), clock).sources[0]
    with pytest.raises(FetchError) as failure:
        fetch_once(source)
    assert failure.value.retry_after == 120.0


def test_a_local_file_is_read_through_the_same_cap(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(b"x" * 101)

    async def go(limit: int) -> bytes | None:
        async with new_client() as client:
            return (await fetch(client, str(path), limit=limit)).body

    assert asyncio.run(go(101)) == b"x" * 101
    with pytest.raises(FetchError, match=r"101 bytes is over the 100 byte limit$"):
        asyncio.run(go(100))


def test_tls_stands_without_the_config() -> None:
    code = "import sys, signage.tls; sys.exit('signage.config' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
