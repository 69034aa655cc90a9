"""School networks against real servers on 127.0.0.1: TLS with the tests' own CA (trustme), a
server that requires a client certificate, and a small HTTP CONNECT proxy that records what it
was asked to reach."""

from __future__ import annotations

import asyncio
import errno
import logging
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from signage.clock import FixedClock
from signage.config import NetworkConfig, SourceConfig, check_text, load_config
from signage.errors import FetchError
from signage.network import (
    Client,
    NetworkSetupError,
    client_for,
    describe_error,
    new_client,
    no_proxy_mounts,
    ssl_context,
)
from signage.runtime import Runtime
from signage.sources import make_source
from tests.moments import NINE, TOKYO
from tests.servers import ConnectProxy, TLSServer, free_port

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:1@test\r\nDTSTAMP:20261124T000000Z\r\n"
    b"DTSTART;VALUE=DATE:20261124\r\nSUMMARY:\xe5\x85\xa8\xe6\xa0\xa1\xe9\x9b\x86\xe4\xbc\x9a\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)
_ENVIRONMENT = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUEST_METHOD",
)


@pytest.fixture(autouse=True)
def _no_network_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's proxy and CA variables must not decide these tests."""
    for name in _ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA(organization_name="教育委員会 TLS検査プロキシ (test)")


@pytest.fixture(scope="module")
def other_ca() -> trustme.CA:
    return trustme.CA(organization_name="somebody else (test)")


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "board-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[TLSServer]:
    running = TLSServer(ca, ICS)
    yield running
    running.stop()


@pytest.fixture
def mtls(ca: trustme.CA) -> Iterator[TLSServer]:
    running = TLSServer(ca, ICS, client_ca=ca)
    yield running
    running.stop()


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    running = ConnectProxy()
    yield running
    running.stop()


def client_files(ca: trustme.CA, folder: Path, name: str = "school-12") -> tuple[str, str]:
    """A client certificate of the school, and its key, in two PEM files."""
    issued = ca.issue_cert(f"{name}.schools.example.jp")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    return str(cert), str(key)


def source(url: str, verify: bool = True, source_id: str = "cal") -> SourceConfig:
    return SourceConfig(
        id=source_id, kind="ics", role="events", url=url, location=url, verify=verify
    )


def fetch(url: str, network: NetworkConfig | None = None, verify: bool = True) -> bytes | None:
    async def go() -> bytes | None:
        async with new_client(network) as client:
            return await make_source(source(url, verify), TOKYO).fetch(client)

    return asyncio.run(go())


def fetch_error(url: str, network: NetworkConfig | None = None, verify: bool = True) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url, network, verify)
    return str(caught.value)


# --- Trust ---------------------------------------------------------------------------------------


def test_default_trust_refuses_the_schools_own_ca_and_says_what_to_do(server: TLSServer) -> None:
    message = fetch_error(server.url())
    assert message.startswith(f"certificate not trusted: {server.url()} (")
    assert "TLS-inspecting proxy" in message
    assert "network.ca_bundle" in message and 'network.trust = "system"' in message
    assert server.paths == []  # nothing was sent over the untrusted connection


def test_ca_bundle_is_trusted(server: TLSServer, ca_file: str) -> None:
    assert fetch(server.url(), NetworkConfig(ca_bundle=ca_file)) == ICS
    assert server.paths == ["/cal.ics"]


def test_ca_bundle_adds_to_certifi_rather_than_replacing_it(ca_file: str) -> None:
    bare = len(ssl_context().get_ca_certs())
    assert bare > 10  # certifi's public CAs
    assert len(ssl_context(NetworkConfig(ca_bundle=ca_file)).get_ca_certs()) == bare + 1


def test_ca_bundle_in_der_form_as_windows_exports_it(
    server: TLSServer, ca: trustme.CA, tmp_path: Path
) -> None:
    der = tmp_path / "board-ca.cer"
    der.write_bytes(ssl.PEM_cert_to_DER_cert(ca.cert_pem.bytes().decode()))
    assert fetch(server.url(), NetworkConfig(ca_bundle=str(der))) == ICS


def test_trust_system_builds_the_context_with_truststore() -> None:
    import truststore

    assert isinstance(ssl_context(NetworkConfig(trust="system")), truststore.SSLContext)
    assert not isinstance(ssl_context(), truststore.SSLContext)
    assert not isinstance(ssl_context(NetworkConfig(trust="certifi")), truststore.SSLContext)


def test_trust_system_refuses_a_ca_the_os_does_not_have(server: TLSServer) -> None:
    message = fetch_error(server.url(), NetworkConfig(trust="system"))
    assert message.startswith("certificate not trusted:")
    assert "set network.ca_bundle" in message and "this PC's certificate store" in message


def test_a_wrong_ca_bundle_is_named(
    server: TLSServer, other_ca: trustme.CA, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong-ca.pem"
    other_ca.cert_pem.write_to_path(str(wrong))
    message = fetch_error(server.url(), NetworkConfig(ca_bundle=str(wrong)))
    assert message.startswith("certificate not trusted:")
    assert f"network.ca_bundle {wrong} does not vouch for it either" in message


def test_trust_system_with_the_boards_ca_added(server: TLSServer, ca_file: str) -> None:
    assert fetch(server.url(), NetworkConfig(trust="system", ca_bundle=ca_file)) == ICS


def test_a_ca_bundle_that_is_not_a_certificate_fails_every_request_clearly(
    server: TLSServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "board-ca.pem"
    bad.write_text("not a certificate\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR, "signage.network"):
        message = fetch_error(server.url(), NetworkConfig(ca_bundle=str(bad)))
    assert message == f"network.ca_bundle: {bad} is not a certificate in PEM or DER form; " + (
        "no https request can be made"
    )
    assert "network settings cannot be used" in caplog.text


# --- Client certificates -------------------------------------------------------------------------


@pytest.mark.parametrize("tls12", [False, True], ids=["tls1.3", "tls1.2"])
def test_client_certificate_is_presented_where_required(
    ca: trustme.CA, ca_file: str, tmp_path: Path, tls12: bool
) -> None:
    cert, key = client_files(ca, tmp_path)
    server = TLSServer(ca, ICS, client_ca=ca, tls12=tls12)
    try:
        network = NetworkConfig(ca_bundle=ca_file, client_cert=cert, client_key=key)
        assert fetch(server.url(), network) == ICS
    finally:
        server.stop()


def test_client_certificate_and_key_in_one_file(
    mtls: TLSServer, ca: trustme.CA, ca_file: str, tmp_path: Path
) -> None:
    cert, key = client_files(ca, tmp_path)
    both = tmp_path / "school-12-both.pem"
    both.write_text(Path(cert).read_text() + Path(key).read_text())
    assert fetch(mtls.url(), NetworkConfig(ca_bundle=ca_file, client_cert=str(both))) == ICS


@pytest.mark.parametrize("tls12", [False, True], ids=["tls1.3", "tls1.2"])
def test_without_a_client_certificate_the_error_says_to_set_one(
    ca: trustme.CA, ca_file: str, tls12: bool
) -> None:
    server = TLSServer(ca, ICS, client_ca=ca, tls12=tls12)
    try:
        for _ in range(3):  # with TLS 1.3 the refusal races the request: either way is clear
            message = fetch_error(server.url(), NetworkConfig(ca_bundle=ca_file))
            assert server.url() in message
            assert "client certificate" in message and "network.client_cert" in message
        assert server.paths == []
    finally:
        server.stop()


@pytest.mark.parametrize("tls12", [False, True], ids=["tls1.3", "tls1.2"])
def test_a_refused_client_certificate_is_named(
    ca: trustme.CA, other_ca: trustme.CA, ca_file: str, tmp_path: Path, tls12: bool
) -> None:
    cert, key = client_files(other_ca, tmp_path, "stranger")
    server = TLSServer(ca, ICS, client_ca=ca, tls12=tls12)
    try:
        network = NetworkConfig(ca_bundle=ca_file, client_cert=cert, client_key=key)
        for _ in range(3):
            message = fetch_error(server.url(), network)
            assert f"client certificate {cert}" in message
            assert "issued for this school" in message
    finally:
        server.stop()


def test_a_missing_client_certificate_is_a_config_warning_and_a_clear_fetch_error(
    mtls: TLSServer, ca_file: str, tmp_path: Path
) -> None:
    body = (
        "[network]\n"
        f"ca_bundle = '{ca_file}'\n"
        'client_cert = "certs/school-12.pem"\n'
        'client_key = "certs/school-12.key"\n'
    )
    config, issues = check_text(body, "signage.toml", base=tmp_path, lang="en")
    assert [(i.line, i.key, i.severity) for i in issues] == [
        (3, "network.client_cert", "warning"),
        (4, "network.client_key", "warning"),
    ]
    assert config is not None
    missing = tmp_path / "certs" / "school-12.pem"
    assert config.network.client_cert == str(missing)
    message = fetch_error(mtls.url(), config.network)
    assert message == (
        f"network.client_cert: file not found: {missing}; no https request can be made"
    )


# --- verify = false ------------------------------------------------------------------------------


def test_verify_false_fetches_and_warns_and_the_verified_client_stays_verified(
    server: TLSServer, caplog: pytest.LogCaptureFixture
) -> None:
    loose = make_source(source(server.url(), verify=False, source_id="old-nas"), TOKYO)
    strict = make_source(source(server.url(), source_id="strict"), TOKYO)

    async def go() -> tuple[bytes | None, str]:
        async with new_client() as client:
            body = await loose.fetch(client)
            await loose.fetch(client)  # warned once per source, not per request
            with pytest.raises(FetchError) as caught:
                await strict.fetch(client)  # no connection of the unverified client is reused
            return body, str(caught.value)

    with caplog.at_level(logging.WARNING, "signage.network"):
        body, strict_error = asyncio.run(go())
    assert body == ICS
    assert strict_error.startswith("certificate not trusted:")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "old-nas" in warnings[0].getMessage()
    assert "verification is OFF" in warnings[0].getMessage()


def test_verify_false_is_logged_when_the_config_is_loaded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "signage.toml"
    path.write_text(
        '[display]\nlanguage = "en"\n\n[[sources]]\nid = "old-nas"\nkind = "ics"\n'
        'role = "events"\nurl = "https://nas.school.local/cal.ics"\nverify = false\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, "signage.config"):
        config = load_config(path)
    assert config.sources[0].verify is False
    assert f"{path}:9: sources[0].verify: TLS certificates of this source are NOT checked" in (
        caplog.text
    )


def test_a_client_not_made_by_new_client_keeps_verifying(server: TLSServer) -> None:
    async def go() -> None:
        async with httpx.AsyncClient() as plain:
            assert client_for(plain, source(server.url(), verify=False)) is plain
            with pytest.raises(FetchError, match="certificate not trusted"):
                await make_source(source(server.url(), verify=False), TOKYO).fetch(plain)

    asyncio.run(go())


def test_the_unverified_client_is_closed_with_the_shared_one(server: TLSServer) -> None:
    async def go() -> None:
        client = new_client()
        async with client:
            loose = client_for(client, source(server.url(), verify=False, source_id="a"))
            assert loose is not client and isinstance(loose, Client)
            assert client_for(client, source(server.url(), source_id="b")) is client
            assert client_for(client, source(server.url(), False, "c")) is loose
        assert client.is_closed and loose.is_closed

    asyncio.run(go())


# --- Proxy ---------------------------------------------------------------------------------------


def test_proxy_from_the_config_is_used(
    server: TLSServer, proxy: ConnectProxy, ca_file: str
) -> None:
    network = NetworkConfig(proxy=proxy.url, ca_bundle=ca_file)
    assert fetch(server.url(), network) == ICS
    assert proxy.targets == [f"127.0.0.1:{server.port}"]


def test_tls_through_the_proxy_still_verifies(server: TLSServer, proxy: ConnectProxy) -> None:
    message = fetch_error(server.url(), NetworkConfig(proxy=proxy.url))
    assert message.startswith("certificate not trusted:")
    assert proxy.targets == [f"127.0.0.1:{server.port}"]


def test_proxy_from_the_environment_when_the_config_has_none(
    server: TLSServer, proxy: ConnectProxy, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    assert fetch(server.url(), NetworkConfig(ca_bundle=ca_file)) == ICS
    assert proxy.targets == [f"127.0.0.1:{server.port}"]


def test_no_proxy_in_the_environment_is_respected(
    server: TLSServer, proxy: ConnectProxy, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "komu.school.local,127.0.0.1")
    assert fetch(server.url(), NetworkConfig(ca_bundle=ca_file)) == ICS
    assert proxy.targets == []
    assert server.paths == ["/cal.ics"]


def test_no_proxy_in_the_config_is_respected(
    server: TLSServer, proxy: ConnectProxy, ca_file: str
) -> None:
    network = NetworkConfig(proxy=proxy.url, no_proxy=("127.0.0.1",), ca_bundle=ca_file)
    assert fetch(server.url(), network) == ICS
    assert proxy.targets == []


def test_the_configs_proxy_wins_over_the_environment(
    server: TLSServer, proxy: ConnectProxy, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # the discard port: nobody there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the environment's list goes with its proxy
    assert fetch(server.url(), NetworkConfig(proxy=proxy.url, ca_bundle=ca_file)) == ICS
    assert proxy.targets == [f"127.0.0.1:{server.port}"]


def test_an_unreachable_proxy_is_named(server: TLSServer) -> None:
    port = free_port()
    message = fetch_error(server.url(), NetworkConfig(proxy=f"http://127.0.0.1:{port}"))
    assert message == (
        f"cannot reach the proxy http://127.0.0.1:{port} (network.proxy) for {server.url()}"
    )


def test_a_proxy_asking_for_credentials_says_where_they_go(server: TLSServer) -> None:
    refusing = ConnectProxy(refuse="407 Proxy Authentication Required")
    try:
        message = fetch_error(server.url(), NetworkConfig(proxy=refusing.url))
    finally:
        refusing.stop()
    assert "407 Proxy Authentication Required" in message
    assert "HTTPS_PROXY" in message and "never in the config file" in message


def test_a_socks_proxy_this_build_cannot_speak_fails_requests_not_the_kiosk(
    server: TLSServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    if importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed here")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    message = fetch_error(server.url())
    assert "SOCKS" in message and "socksio" in message


def test_no_proxy_mounts() -> None:
    assert no_proxy_mounts(("komu.school.local", ".city.example.lg.jp", "*.board.example")) == {
        "all://*komu.school.local": None,
        "all://*city.example.lg.jp": None,
        "all://*board.example": None,
    }
    assert no_proxy_mounts(("10.1.2.3", "::1", "localhost")) == {
        "all://10.1.2.3": None,
        "all://[::1]": None,
        "all://localhost": None,
    }
    assert no_proxy_mounts(("a.example", "*")) == {"all://": None}


# --- Messages for the rest -----------------------------------------------------------------------


def _chained(outer: BaseException, inner: BaseException) -> BaseException:
    outer.__cause__ = inner
    return outer


def test_a_hang_up_after_the_handshake_mentions_the_client_certificate() -> None:
    url = "https://komu.example.jp/api"
    closed = _chained(httpx.ReadError(""), BrokenPipeError(errno.EPIPE, "Broken pipe"))
    message = describe_error(closed, url)
    assert message.startswith(f"the server closed the connection: {url} (if it requires")
    with_cert = describe_error(closed, url, NetworkConfig(client_cert="/certs/s.pem"))
    assert "may have refused the client certificate /certs/s.pem" in with_cert
    # Plain http: no TLS, no advice about certificates.
    assert describe_error(closed, "http://x.example/") == "ReadError: http://x.example/"


def test_an_expired_certificate_points_at_the_clock_first() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_code = 10
    error.verify_message = "certificate has expired"
    message = describe_error(_chained(httpx.ConnectError("x"), error), "https://a.example/")
    assert "date and time" in message and "certificate has expired" in message


def test_a_refused_connection_blames_the_proxy_only_when_the_request_went_there() -> None:
    network = NetworkConfig(proxy="http://proxy.school.local:8080", no_proxy=("school.local",))
    refused = httpx.ConnectError("refused")
    assert describe_error(refused, "https://cal.example.jp/a.ics", network) == (
        "cannot reach the proxy http://proxy.school.local:8080 (network.proxy) for "
        "https://cal.example.jp/a.ics"
    )
    for direct in ("https://komu.school.local/a", "https://school.local/a"):
        assert describe_error(refused, direct, network) == f"ConnectError: {direct}"


def test_other_errors_keep_their_short_form() -> None:
    assert describe_error(httpx.ConnectError("refused"), "https://a.example/") == (
        "ConnectError: https://a.example/"
    )
    assert describe_error(NetworkSetupError("fix it"), "https://a.example/") == "fix it"


# --- From the config file to the store -----------------------------------------------------------


def test_a_config_with_network_settings_fetches_through_the_proxy(
    server: TLSServer, proxy: ConnectProxy, ca: trustme.CA, tmp_path: Path
) -> None:
    (tmp_path / "certs").mkdir()
    ca.cert_pem.write_to_path(str(tmp_path / "certs" / "board-ca.pem"))
    path = tmp_path / "signage.toml"
    path.write_text(
        f'[network]\nproxy = "{proxy.url}"\nca_bundle = "certs/board-ca.pem"\n\n'
        '[[sources]]\nid = "cal"\nkind = "ics"\nrole = "events"\n'
        f'url = "{server.url()}"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.network == NetworkConfig(
        proxy=proxy.url, ca_bundle=str(tmp_path / "certs" / "board-ca.pem")
    )
    runtime = Runtime.build(config, FixedClock(NINE))

    async def go() -> None:
        async with new_client(config.network) as client:
            await runtime.refresh_all(client)

    asyncio.run(go())
    snapshot = runtime.store.get("cal")
    assert snapshot.error is None
    assert [item.title for item in snapshot.items] == ["全校集会"]
    assert proxy.targets == [f"127.0.0.1:{server.port}"]
