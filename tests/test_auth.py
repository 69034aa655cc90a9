"""Per-source credentials and the size limit, against a real HTTP server on 127.0.0.1.

The secret must reach the server named in the config and nothing else: not an error, not the
screen, not a log line (even at DEBUG), not another host after a redirect.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage.config import Auth, SourceConfig, load_config
from signage.errors import FetchError
from signage.poller import Poller
from signage.sources import Source, make_source
from tests.moments import NOW, TOKYO
from tests.rig import Rig, fetch, serve

TOKEN = "mirai-T0ken.s3cr3t_42"
PASSWORD = "pa55-ワード"  # basic auth sends UTF-8
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//signage tests//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:朝会\r\nDTSTART;TZID=Asia/Tokyo:20261124T081500\r\n"
    "DTEND;TZID=Asia/Tokyo:20261124T083000\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
).encode()


def ok(body: bytes = CALENDAR) -> Response:
    return Response(body, status=200, content_type="text/calendar")


def bearer_only(token: str) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        if request.headers.get("Authorization") == f"Bearer {token}":
            return ok()
        return Response("unauthorized", status=401, headers={"WWW-Authenticate": "Bearer"})

    return handler


def source(location: str, auth: Auth | None = None, max_size_mb: float | None = None) -> Source:
    config = SourceConfig(
        id="cal",
        kind="ics",
        role="events",
        url=location,
        location=location,
        auth=auth,
        max_size_mb=max_size_mb,
    )
    return make_source(config, TOKYO)


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MIRAI_CAL_TOKEN", TOKEN)
    return "MIRAI_CAL_TOKEN"


@pytest.fixture
def other_server(no_proxy: None) -> Iterator[HTTPServer]:
    """A second server: another origin (same host, another port)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


# --- The secret reaches the server ----------------------------------------------------------


def test_bearer_token_from_an_environment_variable(
    httpserver: HTTPServer, url: str, token_env: str
) -> None:
    seen = serve(httpserver, bearer_only(TOKEN))
    assert fetch(source(url, Auth("bearer", env=token_env))) == CALENDAR
    assert [r.headers["Authorization"] for r in seen] == [f"Bearer {TOKEN}"]


def test_bearer_token_from_a_file_is_read_at_every_fetch(
    httpserver: HTTPServer, url: str, tmp_path: Path
) -> None:
    # Notepad on Windows: a byte-order mark and CRLF. Both are taken off.
    secret = tmp_path / "cal.token"
    secret.write_bytes(b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n")
    seen = serve(httpserver, bearer_only(TOKEN))
    src = source(url, Auth("bearer", file=str(secret)))
    assert fetch(src) == CALENDAR

    secret.write_text("rotated-token\n", encoding="utf-8")  # IT rotates the token
    with pytest.raises(FetchError, match="401"):
        fetch(src)
    assert [r.headers["Authorization"] for r in seen] == [f"Bearer {TOKEN}", "Bearer rotated-token"]


def test_a_stored_bearer_prefix_is_not_sent_twice(
    httpserver: HTTPServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAL_TOKEN", f"Bearer {TOKEN}")
    seen = serve(httpserver, bearer_only(TOKEN))
    assert fetch(source(url, Auth("bearer", env="CAL_TOKEN"))) == CALENDAR
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


def basic_only(user: str, password: str) -> Callable[[Request], Response]:
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def handler(request: Request) -> Response:
        if request.headers.get("Authorization") == expected:
            return ok()
        return Response("unauthorized", status=401, headers={"WWW-Authenticate": "Basic"})

    return handler


def test_basic_auth_from_an_environment_variable(
    httpserver: HTTPServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAL_PASSWORD", PASSWORD)
    seen = serve(httpserver, basic_only("mirai-sho", PASSWORD))
    assert fetch(source(url, Auth("basic", user="mirai-sho", env="CAL_PASSWORD"))) == CALENDAR
    assert len(seen) == 1


def test_basic_auth_from_a_file(httpserver: HTTPServer, url: str, tmp_path: Path) -> None:
    secret = tmp_path / "cal.password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    seen = serve(httpserver, basic_only("mirai-sho", PASSWORD))
    assert fetch(source(url, Auth("basic", user="mirai-sho", file=str(secret)))) == CALENDAR
    assert seen[0].authorization is not None
    assert seen[0].authorization.username == "mirai-sho"


def test_config_auth_with_a_file_relative_to_the_config_folder(
    httpserver: HTTPServer, url: str, tmp_path: Path
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "cal.token").write_text(TOKEN + "\n", encoding="utf-8")
    config_file = tmp_path / "signage.toml"
    config_file.write_text(
        f'[[sources]]\nid = "cal"\nkind = "ics"\nrole = "events"\nurl = "{url}"\n'
        '[sources.auth]\ntype = "bearer"\nfile = "secrets/cal.token"\n',
        encoding="utf-8",
    )
    config = load_config(config_file)
    auth = config.sources[0].auth
    assert auth == Auth("bearer", file=str(tmp_path / "secrets" / "cal.token"))
    seen = serve(httpserver, bearer_only(TOKEN))
    assert fetch(make_source(config.sources[0], TOKYO)) == CALENDAR
    assert seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_no_auth_sends_no_authorization_header(httpserver: HTTPServer, url: str) -> None:
    seen = serve(httpserver, lambda request: ok())
    assert fetch(source(url)) == CALENDAR
    assert "Authorization" not in seen[0].headers


def test_the_token_is_not_sent_on_to_another_origin_after_a_redirect(
    httpserver: HTTPServer, url: str, token_env: str, other_server: HTTPServer
) -> None:
    elsewhere: list[Request] = []

    def record(request: Request) -> Response:
        elsewhere.append(request)
        return ok()

    other_server.expect_request("/moved.ics").respond_with_handler(record)
    target = other_server.url_for("/moved.ics")
    here = serve(httpserver, lambda r: Response(status=302, headers={"Location": target}))
    assert fetch(source(url, Auth("bearer", env=token_env))) == CALENDAR
    assert here[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert len(elsewhere) == 1
    assert "Authorization" not in elsewhere[0].headers


# --- Refused credentials: clear error, last good data stays, the secret nowhere -------------


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_keeps_last_good_items_and_never_shows_the_token(
    httpserver: HTTPServer,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("MIRAI_CAL_TOKEN", TOKEN)

    def handler(request: Request) -> Response:
        if request.headers.get("Authorization") == f"Bearer {TOKEN}":
            return ok()
        return Response("denied", status=status)

    seen = serve(httpserver, handler)
    rig = Rig(source(url, Auth("bearer", env="MIRAI_CAL_TOKEN")))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        good = rig.snapshot.items
        monkeypatch.setenv("MIRAI_CAL_TOKEN", "wrong-" + TOKEN)  # someone pasted a bad token
        rig.clock.advance(900)
        assert not await poller.refresh()
        assert rig.snapshot.items == good
        assert rig.snapshot.fetched_at == NOW

    rig.run(steps)
    assert len(seen) == 2
    error = rig.snapshot.error or ""
    assert error.startswith(f"HTTP {status} from {url}: the server refused the ")
    assert error.endswith("(check the environment variable MIRAI_CAL_TOKEN)")
    assert TOKEN not in error
    assert "refresh failed" in caplog.text
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # DEBUG really on
    assert TOKEN not in caplog.text  # everything logged, the test server's access log included


def test_401_without_auth_says_the_feed_needs_credentials(httpserver: HTTPServer, url: str) -> None:
    serve(httpserver, lambda request: Response("who are you", status=401))
    with pytest.raises(FetchError) as caught:
        fetch(source(url))
    assert str(caught.value) == (
        f"HTTP 401 from {url}: the server asks for credentials (set auth for this source)"
    )


def test_basic_refused_names_the_file_not_the_password(
    httpserver: HTTPServer, url: str, tmp_path: Path
) -> None:
    secret = tmp_path / "cal.password"
    secret.write_text("not-the-" + PASSWORD, encoding="utf-8")
    serve(httpserver, basic_only("mirai-sho", PASSWORD))
    with pytest.raises(FetchError) as caught:
        fetch(source(url, Auth("basic", user="mirai-sho", file=str(secret))))
    message = str(caught.value)
    assert message.endswith(f"(check the file {secret})")
    assert PASSWORD not in message


# --- A secret that cannot be read: clear error, nothing sent --------------------------------


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("unset", "the environment variable MIRAI_CAL_TOKEN is not set"),
        ("empty", "the environment variable MIRAI_CAL_TOKEN is empty"),
        ("newline", "the environment variable MIRAI_CAL_TOKEN is empty"),
    ],
)
def test_missing_or_empty_environment_variable(
    httpserver: HTTPServer,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    setup: str,
    expected: str,
) -> None:
    monkeypatch.delenv("MIRAI_CAL_TOKEN", raising=False)
    if setup != "unset":
        monkeypatch.setenv("MIRAI_CAL_TOKEN", "" if setup == "empty" else "\n")
    seen = serve(httpserver, lambda request: ok())
    rig = Rig(source(url, Auth("bearer", env="MIRAI_CAL_TOKEN")))

    async def steps(poller: Poller) -> None:
        assert not await poller.refresh()

    rig.run(steps)
    assert rig.snapshot.error == expected
    assert seen == []  # no request went out, with or without a header


def test_missing_secret_file(httpserver: HTTPServer, url: str, tmp_path: Path) -> None:
    seen = serve(httpserver, lambda request: ok())
    missing = tmp_path / "secrets" / "cal.token"
    with pytest.raises(FetchError) as caught:
        fetch(source(url, Auth("basic", user="mirai-sho", file=str(missing))))
    assert str(caught.value) == f"the secret file {missing} was not found"
    assert seen == []


def test_secret_file_that_is_a_folder_or_not_text(
    httpserver: HTTPServer, url: str, tmp_path: Path
) -> None:
    seen = serve(httpserver, lambda request: ok())
    with pytest.raises(FetchError, match="is a folder"):
        fetch(source(url, Auth("bearer", file=str(tmp_path))))
    binary = tmp_path / "cal.token"
    binary.write_bytes(b"\x93\xfa\x96\x7b")  # Shift_JIS
    with pytest.raises(FetchError, match="not UTF-8"):
        fetch(source(url, Auth("bearer", file=str(binary))))
    assert seen == []


def test_token_that_cannot_go_in_a_header_is_refused_before_sending(
    httpserver: HTTPServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = serve(httpserver, lambda request: ok())
    for bad in ("two words", "トークン"):
        monkeypatch.setenv("CAL_TOKEN", bad)
        with pytest.raises(FetchError) as caught:
            fetch(source(url, Auth("bearer", env="CAL_TOKEN")))
        assert "the environment variable CAL_TOKEN" in str(caught.value)
        assert bad not in str(caught.value)
    assert seen == []


def test_auth_repr_and_errors_never_hold_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRAI_CAL_TOKEN", TOKEN)
    auth = Auth("bearer", env="MIRAI_CAL_TOKEN")
    assert auth.secret() == TOKEN
    assert TOKEN not in repr(auth)
    assert TOKEN not in repr(source("https://example.jp/x.ics", auth).config)


# --- Size limit ------------------------------------------------------------------------------

BIG = CALENDAR.replace(b"SUMMARY:", b"DESCRIPTION:" + b"x" * 2000 + b"\r\nSUMMARY:")


@pytest.mark.parametrize("chunked", [False, True])
def test_response_over_max_size_mb_is_refused_and_last_good_stays(
    httpserver: HTTPServer, url: str, chunked: bool
) -> None:
    # 0.001 MB = 1048 bytes: CALENDAR fits, BIG does not. A chunked response has no
    # Content-Length, so the limit is enforced while reading.
    assert len(CALENDAR) < 1048 < len(BIG)
    bodies = [CALENDAR, BIG]

    def handler(request: Request) -> Response:
        body = bodies.pop(0) if len(bodies) > 1 else bodies[0]
        if chunked:
            return Response(iter([body[:500], body[500:]]), content_type="text/calendar")
        return ok(body)

    serve(httpserver, handler)
    rig = Rig(source(url, max_size_mb=0.001))

    async def steps(poller: Poller) -> None:
        assert await poller.refresh()
        good = rig.snapshot.items
        assert good
        assert not await poller.refresh()
        assert rig.snapshot.items == good

    rig.run(steps)
    assert rig.snapshot.error == (
        f"{url}: response over the 1048 byte limit "
        "(raise max_size_mb for this source if the feed really is this large)"
    )


def test_max_size_mb_raises_the_limit_above_the_default(
    httpserver: HTTPServer, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signage.sources import base

    monkeypatch.setattr(base, "MAX_BYTES", 100)  # the default, when max_size_mb is not set
    serve(httpserver, lambda request: ok(BIG))
    with pytest.raises(FetchError, match="100 byte limit"):
        fetch(source(url))
    assert fetch(source(url, max_size_mb=1)) == BIG
    assert source(url, max_size_mb=20).max_bytes == 20 * 1024 * 1024


def test_max_size_mb_applies_to_a_local_file(tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_bytes(BIG)
    with pytest.raises(FetchError, match=r"bytes is over the 1048 byte limit \(raise max_size_mb"):
        fetch(source(str(path), max_size_mb=0.001))
    assert fetch(source(str(path))) == BIG
