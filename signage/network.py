"""School networks: the proxy, whom TLS trusts, client certificates, and verify-off per source.

The config's [network] table (`NetworkConfig`) becomes the one shared HTTP client, `new_client`:

- Proxy: `network.proxy` for every request, except to the hosts in `network.no_proxy`. Without
  it, the environment's HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, as httpx reads them
  (on Windows, when none is set, the proxy of Internet Options; not its exception list).
  `no_proxy` applies to a proxy from the environment too.
- Trust: certifi's list of public CAs ("certifi", the default and httpx's own; SSL_CERT_FILE or
  SSL_CERT_DIR replace it when set, as in httpx) or the operating system's store ("system",
  through truststore: on Windows the store group policy fills). `ca_bundle` is *added* to that
  trust, not used instead: a TLS-inspecting proxy re-signs the sites it inspects with the
  board's CA, and the sites it lets through untouched still verify against the public CAs.
- Client certificate: `client_cert` (and `client_key`, else the key is in the same PEM file) is
  presented to every server that asks for one (mutual TLS, e.g. a zero-trust gateway in front
  of the school administration system).
- Verification can never be turned off for every source: only a source with `verify = false`
  goes through a second client that does not check certificates. That client is made on first
  use, shares no connection with the verified one, and each such source is logged as a WARNING
  on its first request after every start (`check` shows the setting as a warning too).

The TLS context itself (trust store, CA bundle, client certificate) is built by signage.tls,
which knows no config; this module says which setting a file that cannot be used came from.

Settings that cannot be used (a certificate file missing or wrong, a proxy this build cannot
speak) never stop the kiosk: the client is still made, and each request fails with
`NetworkSetupError`, whose message says what to fix, so the sources show as failing and keep
their last good data. `describe_error` turns the errors httpx (and ssl) raise into messages a
person can act on: an untrusted certificate names the inspecting proxy as the likely cause.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from types import TracebackType
from typing import Any

import httpx

from signage.config.model import NetworkConfig, SourceConfig
from signage.tls import TLSFileError, tls_context

__all__ = [
    "Client",
    "NetworkSetupError",
    "client_for",
    "describe_error",
    "new_client",
    "no_proxy_mounts",
    "ssl_context",
]

log = logging.getLogger(__name__)

USER_AGENT = "signage (school staff-room display)"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_REDIRECTS = 5

# OpenSSL's verify codes that say something other than "not trusted".
_NOT_YET_VALID, _EXPIRED, _HOSTNAME_MISMATCH = 9, 10, 62
# Alerts a server sends when it wants, or refuses, the client's certificate.
_CLIENT_CERT_ALERTS = (
    "CERTIFICATE_REQUIRED",
    "HANDSHAKE_FAILURE",
    "BAD_CERTIFICATE",
    "CERTIFICATE_UNKNOWN",
    "UNKNOWN_CA",
    "CERTIFICATE_EXPIRED",
    "CERTIFICATE_REVOKED",
    "ACCESS_DENIED",
)


class NetworkSetupError(httpx.TransportError):
    """The [network] settings cannot be used; the message says what to fix."""


# --- TLS (the context itself is built by signage.tls) ---------------------------------------------


def ssl_context(network: NetworkConfig | None = None, *, verify: bool = True) -> ssl.SSLContext:
    """The TLS context of the settings: whom to trust (unless `verify` is False) and the client
    certificate to present. Raises NetworkSetupError when a file cannot be used."""
    network = NetworkConfig() if network is None else network
    try:
        return tls_context(
            verify=verify,
            trust=network.trust,
            ca_bundle=network.ca_bundle,
            client_cert=network.client_cert,
            client_key=network.client_key,
        )
    except TLSFileError as exc:
        setting = "network.ca_bundle" if exc.path == network.ca_bundle else "network.client_cert"
        if exc.path == network.client_key and network.client_key != network.client_cert:
            setting = "network.client_key"
        raise NetworkSetupError(f"{setting}: {exc}; no https request can be made") from None


# --- Proxy ---------------------------------------------------------------------------------------


def no_proxy_mounts(hosts: tuple[str, ...]) -> dict[str, None]:
    """httpx mounts that send these hosts around any proxy (None: the direct transport).

    "*" means every host; an IP address or "localhost" that host only; a name (with or without
    a leading "." or "*.") the name and every name under it, as curl reads NO_PROXY.
    """
    mounts: dict[str, None] = {}
    for entry in hosts:
        host = entry.strip().lower()
        if host == "*":
            return {"all://": None}
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None:
            shown = f"[{host}]" if address.version == 6 else host
            mounts[f"all://{shown}"] = None
        elif host == "localhost":
            mounts["all://localhost"] = None
        elif host:
            mounts[f"all://*{host.removeprefix('*').removeprefix('.')}"] = None
    return mounts


def _bypasses_proxy(url: str, hosts: tuple[str, ...]) -> bool:
    """Whether `no_proxy` sends `url` around the proxy (as `no_proxy_mounts` does)."""
    host = httpx.URL(url).host.lower()
    for pattern in no_proxy_mounts(hosts):
        wanted = pattern.removeprefix("all://").strip("[]")
        if not wanted:
            return True
        if wanted.startswith("*"):
            domain = wanted[1:].split(":")[0]
            if host == domain or host.endswith("." + domain):
                return True
        elif host == wanted.split(":")[0] or host == wanted:
            return True
    return False


def _shown_proxy(url: str) -> str:
    """The proxy's address for messages: scheme, host and port, never a password."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"", path="/", query=None, fragment=None)).rstrip("/")


# --- The client ----------------------------------------------------------------------------------


class Client(httpx.AsyncClient):
    """The shared client of one set of network settings.

    `network` is the settings it was made from, `verifying` whether it checks certificates.
    Sources get theirs through `client_for`: a source with verify = false gets the unverified
    companion, made on first use and closed with this client.
    """

    def __init__(self, network: NetworkConfig, verifying: bool, **options: Any) -> None:
        super().__init__(**options)
        self.network = network
        self.verifying = verifying
        self._unverified: Client | None = None
        self._warned: set[str] = set()

    def for_source(self, source: SourceConfig) -> Client:
        """This client, or for a source with verify = false the unverified one (logged)."""
        if source.verify or not self.verifying:
            return self
        if source.id not in self._warned:
            self._warned.add(source.id)
            log.warning(
                "%s: TLS certificate verification is OFF (verify = false in the config): anyone "
                "between this PC and the server can read and change what this source shows",
                source.id,
            )
        if self._unverified is None:
            self._unverified = _build(self.network, verify=False)
        return self._unverified

    async def aclose(self) -> None:
        if self._unverified is not None:
            await self._unverified.aclose()
        await super().aclose()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        if self._unverified is not None:
            await self._unverified.aclose()
        await super().__aexit__(exc_type, exc_value, traceback)


def new_client(network: NetworkConfig | None = None) -> Client:
    """The one shared client: the network settings, bounded redirects, connect and read
    timeouts. Never raises: settings that cannot be used make every request fail instead."""
    # httpx logs every request at INFO with the whole URL, user:password@ and ?token= included,
    # and `signage run` logs at INFO: keep httpx to warnings (our own messages use safe_url).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return _build(NetworkConfig() if network is None else network, verify=True)


def client_for(client: httpx.AsyncClient, source: SourceConfig) -> httpx.AsyncClient:
    """The client to fetch `source` with. A client not made by `new_client` (a test's) has no
    unverified companion: it keeps verifying, whatever the source says."""
    return client.for_source(source) if isinstance(client, Client) else client


def _build(network: NetworkConfig, verify: bool) -> Client:
    common: dict[str, Any] = {
        "follow_redirects": True,
        "max_redirects": MAX_REDIRECTS,
        "timeout": TIMEOUT,
        "headers": {"User-Agent": USER_AGENT},
    }
    try:
        context = ssl_context(network, verify=verify)
        proxy = None
        if network.proxy is not None and network.proxy.lower().startswith("https://"):
            # The proxy's own certificate is checked, also for unverified sources.
            proxy_context = context if verify else ssl_context(network)
            proxy = httpx.Proxy(network.proxy, ssl_context=proxy_context)
        elif network.proxy is not None:
            proxy = httpx.Proxy(network.proxy)
        return Client(
            network,
            verifying=verify,
            verify=context,
            proxy=proxy,
            mounts=no_proxy_mounts(network.no_proxy),
            trust_env=True,  # proxies from the environment when the config names none
            **common,
        )
    except NetworkSetupError as exc:
        message = str(exc)
    except ImportError:  # httpx says a SOCKS proxy needs socksio
        message = "a SOCKS proxy is set, but this build has no SOCKS support (socksio)"
    except (ValueError, httpx.InvalidURL):  # httpx's text may quote a password: not shown
        where = "network.proxy" if network.proxy else "HTTPS_PROXY / HTTP_PROXY / ALL_PROXY"
        message = f"the proxy URL in {where} cannot be used (write http://host:port)"
    log.error("network settings cannot be used: %s", message)
    return Client(network, verifying=verify, transport=_Unusable(message), **common)


class _Unusable(httpx.AsyncBaseTransport):
    """Fails every request with the reason the network settings cannot be used."""

    def __init__(self, message: str) -> None:
        self.message = message

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise NetworkSetupError(self.message, request=request)


# --- Errors a person can act on ------------------------------------------------------------------


def describe_error(exc: BaseException, url: str, network: NetworkConfig | None = None) -> str:
    """What went wrong with a request to `url` (already safe to show), in words IT can act on.

    `exc` is an httpx error, or an ssl.SSLError that httpx let through (a TLS alert read after
    the handshake). `network`: the settings the client was made with, for the advice.
    """
    network = NetworkConfig() if network is None else network
    if isinstance(exc, NetworkSetupError):
        return str(exc)
    if isinstance(exc, httpx.ProxyError):
        return _proxy_refused(exc, url)
    verify = _cause(exc, ssl.SSLCertVerificationError)
    if verify is not None:
        return _not_trusted(verify, url, network)
    tls = _cause(exc, ssl.SSLError)
    if tls is not None:
        reason = tls.reason or str(tls)
        if any(alert in reason for alert in _CLIENT_CERT_ALERTS):
            return _client_cert_refused(url, network, reason)
        return f"TLS error with {url} ({reason})"
    proxied = network.proxy is not None and not _bypasses_proxy(url, network.no_proxy)
    if isinstance(exc, httpx.ConnectError) and network.proxy is not None and proxied:
        return f"cannot reach the proxy {_shown_proxy(network.proxy)} (network.proxy) for {url}"
    closed = _cause(exc, ConnectionError) is not None or str(exc) == ""
    if (
        isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError)
        and closed
        and url.startswith("https://")
    ):
        # With TLS 1.3 a server that refuses the client's certificate may just hang up.
        return f"the server closed the connection: {url}{_client_cert_hint(network)}"
    return f"{type(exc).__name__}: {url}"


def _cause(exc: BaseException, kind: type[Any]) -> Any:
    """The first exception of `kind` in the chain of causes, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _not_trusted(error: ssl.SSLCertVerificationError, url: str, network: NetworkConfig) -> str:
    code = getattr(error, "verify_code", 0)
    why = getattr(error, "verify_message", "") or error.reason or str(error)
    if code in (_NOT_YET_VALID, _EXPIRED):
        return (
            f"certificate of {url} is not valid now ({why}) — check this PC's date and time; "
            "if they are right, the server's certificate must be renewed"
        )
    if code == _HOSTNAME_MISMATCH:
        return f"certificate of {url} is for another name ({why}) — check the URL"
    message = f"certificate not trusted: {url} ({why})"
    if network.ca_bundle is not None:
        return (
            f"{message} — network.ca_bundle {network.ca_bundle} does not vouch for it either: "
            "check that it is the CA certificate of the school's TLS-inspecting proxy"
        )
    if network.trust == "system":
        return (
            f"{message} — if the school uses a TLS-inspecting proxy, set network.ca_bundle to "
            "its CA certificate, or add that CA to this PC's certificate store"
        )
    return (
        f"{message} — if the school uses a TLS-inspecting proxy, set network.ca_bundle to its "
        'CA certificate or network.trust = "system"'
    )


def _client_cert_refused(url: str, network: NetworkConfig, reason: str) -> str:
    if network.client_cert is None:
        return (
            f"{url} requires a client certificate (mutual TLS) and none is set ({reason}) — "
            "set network.client_cert (and network.client_key) to the school's certificate"
        )
    return (
        f"{url} refused the client certificate {network.client_cert} ({reason}) — check that "
        "it was issued for this school by the CA the server trusts and has not expired"
    )


def _client_cert_hint(network: NetworkConfig) -> str:
    if network.client_cert is None:
        return (
            " (if it requires a client certificate for mutual TLS, set network.client_cert "
            "and network.client_key)"
        )
    return (
        f" (it may have refused the client certificate {network.client_cert}: check that it "
        "was issued for this school by the CA the server trusts and has not expired)"
    )


def _proxy_refused(exc: httpx.ProxyError, url: str) -> str:
    status = str(exc).strip()
    if status.startswith("407"):
        return (
            f"the proxy asks for a user name and password ({status}) for {url} — put them in the "
            "environment variable HTTPS_PROXY (http://user:password@proxy:port), never in the "
            "config file"
        )
    return f"the proxy refused the connection to {url} ({status or type(exc).__name__})"
