"""What every source kind shares: getting the bytes (file or HTTP) and the parse contract.

A source never touches Qt. `fetch` runs on the event loop; `parse` is a pure function
of bytes that the poller runs off the UI thread.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import zlib
from abc import ABC, abstractmethod
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from signage.config import SourceConfig
from signage.errors import FetchError
from signage.model import Item
from signage.network import Client, client_for, describe_error
from signage.network import new_client as new_client  # where it lived first; tests import it

MAX_BYTES = 20 * 1024 * 1024  # default limit: a larger feed is refused, memory stays bounded
# What may follow "Bearer " in a header: visible ASCII, no spaces (RFC 6750 is stricter).
_TOKEN = re.compile(r"[\x21-\x7e]+")
_RAISE = " (raise max_size_mb for this source if the feed really is this large)"


@dataclass(frozen=True)
class Parsed:
    items: tuple[Item, ...]
    warnings: tuple[str, ...] = ()


class Source(ABC):
    """One configured source. Subclasses implement `parse`."""

    def __init__(self, config: SourceConfig, tz: ZoneInfo) -> None:
        self.config = config
        self.tz = tz
        self._validators: dict[str, str] = {}  # ETag / Last-Modified of the last good body

    @property
    def id(self) -> str:
        return self.config.id

    async def fetch(self, client: httpx.AsyncClient) -> bytes | None:
        """The raw content, or None when the server says it has not changed (304)."""
        if self.config.is_remote:
            return await self._fetch_http(client)
        return await asyncio.to_thread(self._read_file)

    @property
    def max_bytes(self) -> int:
        """The size limit for this source: its max_size_mb, else MAX_BYTES."""
        megabytes = self.config.max_size_mb
        if megabytes is None:
            return MAX_BYTES
        return max(1, int(megabytes * 1024 * 1024))

    def forget_validators(self) -> None:
        """Make the next HTTP fetch unconditional: a 304 must not vouch for a body we refused."""
        self._validators = {}

    @abstractmethod
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        """Turn raw bytes into items. Pure and thread-safe; raises ParseError."""

    def _read_file(self) -> bytes:
        path = Path(self.config.location)
        limit = self.max_bytes
        try:
            size = path.stat().st_size
            if size > limit:
                raise FetchError(f"{path}: {size} bytes is over the {limit} byte limit{_RAISE}")
            return path.read_bytes()
        except FileNotFoundError:
            raise FetchError(f"file not found: {path}") from None
        except OSError as exc:
            raise FetchError(f"cannot read {path}: {exc.strerror}") from None

    async def _fetch_http(self, client: httpx.AsyncClient, url: str | None = None) -> bytes | None:
        """GET the source's URL, conditionally (None on 304); or another URL of the same
        source (a further page), unconditionally."""
        conditional = url is None
        url = self.config.location if url is None else url
        client = client_for(client, self.config)  # verify = false: the unverified client
        limit = self.max_bytes
        auth = self._request_auth()  # before any request: a missing secret sends nothing
        headers = {"Accept-Encoding": "gzip"}  # the one encoding we inflate with a cap
        if conditional and (etag := self._validators.get("etag")):
            headers["If-None-Match"] = etag
        if conditional and (modified := self._validators.get("last-modified")):
            headers["If-Modified-Since"] = modified
        try:
            async with client.stream("GET", url, headers=headers, auth=auth) as response:
                if response.status_code == 304:
                    return None
                if response.status_code >= 400:
                    raise FetchError(
                        self._status_message(response.status_code, url),
                        retry_after=retry_after(response.headers.get("retry-after")),
                    )
                too_big = f"{safe_url(url)}: response over the {limit} byte limit{_RAISE}"
                declared = response.headers.get("content-length", "")
                # Only trusted as is when not compressed: gzip grows when decoded.
                if (
                    declared.isdigit()
                    and int(declared) > limit
                    and not response.headers.get("content-encoding")
                ):
                    raise FetchError(too_big)
                body = await _read_capped(response, limit, too_big)
                if conditional:
                    self._validators = {
                        k: v for k in ("etag", "last-modified") if (v := response.headers.get(k))
                    }
                return body
        except httpx.TimeoutException:
            raise FetchError(f"timed out: {safe_url(url)}") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"too many redirects: {safe_url(url)}") from None
        except (httpx.HTTPError, ssl.SSLError) as exc:  # httpx lets a late TLS alert through
            network = client.network if isinstance(client, Client) else None
            raise FetchError(describe_error(exc, safe_url(url), network)) from None

    def _request_auth(self) -> httpx.Auth | None:
        """The configured credentials, with the secret read now (a rotated token is picked up).

        Raises FetchError naming where the secret lives, never the secret.
        """
        auth = self.config.auth
        if auth is None:
            return None
        secret = auth.secret()
        if auth.type == "basic":
            return httpx.BasicAuth(auth.user or "", secret)
        token = secret.strip()
        if token[:7].lower() == "bearer ":  # the whole header value was stored: fine
            token = token[7:].strip()
        if not _TOKEN.fullmatch(token):
            raise FetchError(
                f"the token in {auth.where} has spaces or characters that cannot be sent "
                "(a token is ASCII letters, digits and symbols only)"
            )
        return _BearerAuth(token)

    def _status_message(self, status: int, url: str) -> str:
        """What an admin can act on, naming where the credentials live, never the secret."""
        message = f"HTTP {status} from {safe_url(url)}"
        if status not in (401, 403):
            return message
        auth = self.config.auth
        if auth is not None:
            refused = "credentials" if status == 401 else "access with these credentials"
            return f"{message}: the server refused the {refused} (check {auth.where})"
        if httpx.URL(url).userinfo:
            return f"{message}: the server refused the user name and password in the URL"
        if status == 401:
            return f"{message}: the server asks for credentials (set auth for this source)"
        return f"{message}: access denied (is the feed public, or does it need auth?)"


class _BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>`. httpx drops the header when a redirect leaves the
    origin, so the token only ever goes to the server named in the config."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "_BearerAuth(<hidden>)"


def retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def _read_capped(response: httpx.Response, limit: int, too_big: str) -> bytes:
    """The body, inflated here with a cap on the *decoded* size, so a small gzip bomb
    fails before it fills memory (httpx would inflate each chunk whole)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(wbits=47 if encoding != "deflate" else 15)
    elif encoding != "identity":
        raise FetchError(f"unsupported Content-Encoding {encoding!r}")
    else:
        inflater = None
    chunks: list[bytes] = []
    total = 0
    try:
        async for data in response.aiter_raw():
            while data:
                if inflater is None:
                    piece, data = data, b""
                else:
                    piece = inflater.decompress(data, limit - total + 1)
                    data = inflater.unconsumed_tail
                total += len(piece)
                if total > limit:
                    raise FetchError(too_big)
                chunks.append(piece)
        if inflater is not None:
            tail = inflater.flush()
            total += len(tail)
            if total > limit:
                raise FetchError(too_big)
            chunks.append(tail)
    except zlib.error:
        raise FetchError(f"damaged {encoding} body") from None
    return b"".join(chunks)


_SECRET_SEGMENT = re.compile(r"^(private-)?[A-Za-z0-9_-]{24,}$")


def safe_url(url: str) -> str:
    """The URL without user info, query or secret-looking path parts, so credentials never
    reach a log, the screen or `agenda` output."""
    parsed = httpx.URL(url)
    # Secret addresses (Google's .../private-<hash>/basic.ics) carry the key in the path.
    path = "/".join(
        "***" if _SECRET_SEGMENT.match(part) else part for part in parsed.path.split("/")
    )
    return str(parsed.copy_with(userinfo=b"", query=None, fragment=None, path=path))
