"""The heartbeat in the formats a monitor IT already runs reads (issue 12, item 15): Uptime
Kuma's push URL and a Healthchecks-style ping, against a real server on 127.0.0.1; the JSON
POST stays the default."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage.clock import FixedClock
from signage.config import load_config
from signage.network import new_client
from signage.supervisor import Supervisor
from tests.moments import NOW
from tests.rig import CALENDAR

UUID = "5f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"


def kiosk(tmp_path: Path, heartbeat: str, broken: bool = False) -> Path:
    """A school config with one calendar (a file that is there, or one that is not)."""
    (tmp_path / "cal.ics").write_bytes(CALENDAR)
    name = "missing.ics" if broken else "cal.ics"
    path = tmp_path / "signage.toml"
    path.write_text(
        '[school]\nname = "みらい小"\ntimezone = "Asia/Tokyo"\n\n'
        f'[[sources]]\nid = "cal"\nkind = "ics"\nrole = "events"\nurl = "{name}"\n\n'
        f'[heartbeat]\nname = "職員室"\n{heartbeat}\n',
        encoding="utf-8",
    )
    return path


def beat(path: Path) -> tuple[bool, str | None]:
    """Refresh the sources once, then send one heartbeat."""

    async def go() -> tuple[bool, str | None]:
        async with new_client() as client:
            sup = Supervisor(load_config(path), FixedClock(NOW), client, None)
            await sup.runtime.refresh_all(client)
            delivered = await sup.send_heartbeat()
            await sup.stop()
            return delivered, sup.heartbeat_error

    return asyncio.run(go())


def recorder(httpserver: HTTPServer, path: str) -> list[Request]:
    seen: list[Request] = []

    def record(request: Request) -> Response:
        seen.append(request)
        return Response("OK", status=200)

    httpserver.expect_request(path).respond_with_handler(record)
    return seen


@pytest.mark.parametrize("broken", [False, True])
def test_uptime_kuma_push(tmp_path: Path, httpserver: HTTPServer, broken: bool) -> None:
    seen = recorder(httpserver, "/api/push/Ab12Cd")
    url = httpserver.url_for("/api/push/Ab12Cd") + "?status=up&msg=OK&ping="  # as Kuma shows it
    config = kiosk(tmp_path, f'url = "{url}"\nformat = "uptime-kuma"', broken)
    assert beat(config) == (True, None)
    (request,) = seen
    assert request.method == "GET"
    query = parse_qs(urlsplit(request.url).query, keep_blank_values=True)
    assert query["status"] == ["down" if broken else "up"]
    assert query["ping"] == [""]  # Kuma's other parameters stay
    (msg,) = query["msg"]
    assert msg.startswith("職員室 ")
    assert msg.endswith("failing: cal") if broken else msg.endswith(": OK")


@pytest.mark.parametrize("broken", [False, True])
def test_healthchecks_ping(tmp_path: Path, httpserver: HTTPServer, broken: bool) -> None:
    seen = recorder(httpserver, f"/ping/{UUID}/fail" if broken else f"/ping/{UUID}")
    url = httpserver.url_for(f"/ping/{UUID}")
    assert beat(kiosk(tmp_path, f'url = "{url}"\nformat = "healthchecks"', broken)) == (True, None)
    (request,) = seen
    assert request.method == "GET"


def test_json_stays_the_default(tmp_path: Path, httpserver: HTTPServer) -> None:
    seen = recorder(httpserver, "/heartbeat")
    assert beat(kiosk(tmp_path, f'url = "{httpserver.url_for("/heartbeat")}"')) == (True, None)
    (request,) = seen
    assert request.method == "POST"
    status = json.loads(request.get_data())
    assert status["kiosk"] == "職員室" and status["healthy"] is True


def test_a_monitor_that_refuses_is_reported(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"/ping/{UUID}").respond_with_data("nope", status=404)
    url = httpserver.url_for(f"/ping/{UUID}")
    delivered, error = beat(kiosk(tmp_path, f'url = "{url}"\nformat = "healthchecks"'))
    assert not delivered and error is not None and "404" in error


def test_an_unknown_format_is_a_config_issue(tmp_path: Path) -> None:
    from signage.config import check_file

    path = kiosk(tmp_path, 'url = "https://hc.example/ping/x"\nformat = "nagios"')
    _, issues = check_file(path)
    assert [(i.line, i.key) for i in issues] == [(14, "heartbeat.format")]
    assert "uptime-kuma" in issues[0].message
