"""The one way the kiosk gets bytes: every source kind, the central layers and the heartbeat.

`fetch` gets a URL (conditionally, when given the validators of the copy in hand) or reads a
local file; `post` sends JSON (the heartbeat). Both hold to the same rules:

- a total deadline for the whole exchange, so a server that trickles a byte every few seconds
  (never tripping the client's per-read timeout) cannot hold a fetch for ever;
- a size cap counted on the bytes as they arrive, and on the inflated size for gzip, so a
  small gzip bomb fails before it fills memory (httpx would inflate each chunk whole);
- credentials read at the moment of the request (a rotated token is picked up), a bearer
  token only ever sent to the server named (httpx drops it when a redirect leaves it);
- errors as FetchError in words a person can act on, naming where a secret lives, never the
  secret, and URLs without user info, query or secret-looking path parts (`safe_url`).
"""

from __future__ import annotations

import asyncio
import re
import ssl
import zlib
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from signage.clock import SystemClock
from signage.config.model import DEFAULT_DEADLINE_SECONDS, Auth
from signage.config.paths import is_url, secure_for_secrets
from signage.errors import FetchError
from signage.files import NotRegular, TooLarge, read_regular
from signage.network import Client, describe_error

__all__ = [
    "DEADLINE",
    "Answer",
    "Fetched",
    "call",
    "fetch",
    "post",
    "request_auth",
    "retry_after",
    "safe_url",
    "secure_for_secrets",
    "status_message",
]

T = TypeVar("T")
# Seconds for a whole fetch (connect, redirects, every byte of the body) unless [network]
# deadline_seconds says otherwise.
DEADLINE = DEFAULT_DEADLINE_SECONDS
# What may follow "Bearer " in a header: visible ASCII, no spaces (RFC 6750 is stricter).
_TOKEN = re.compile(r"[\x21-\x7e]+")
_VALIDATORS = ("etag", "last-modified")


@dataclass(frozen=True)
class Fetched:
    """What a fetch got: the body, or None when the server said it has not changed (304);
    `validators` (ETag, Last-Modified) are to be sent with the next fetch of the same URL."""

    body: bytes | None
    validators: Mapping[str, str] = field(default_factory=dict)


async def fetch(
    client: httpx.AsyncClient,
    location: str,
    *,
    limit: int,
    auth: Auth | None = None,
    validators: Mapping[str, str] | None = None,
    deadline: float | None = None,
    now: Callable[[], datetime] | None = None,
    hint: str = "",
) -> Fetched:
    """GET `location` (an http(s) URL; anything else is a local file) with the rules above.

    `limit`: most bytes accepted; `hint` is added to the message when a body is over it.
    `validators` of the copy in hand make the request conditional. `deadline`: seconds for
    the whole fetch (default DEADLINE). `now` tells the time for a Retry-After date.
    Raises FetchError."""
    deadline = _deadline(client, deadline)
    if not is_url(location):
        return Fetched(await _within(deadline, location, _read_file(Path(location), limit, hint)))
    headers = {"Accept-Encoding": "gzip"}  # the one encoding we inflate with a cap
    if validators and (etag := validators.get("etag")):
        headers["If-None-Match"] = etag
    if validators and (modified := validators.get("last-modified")):
        headers["If-Modified-Since"] = modified

    async def read(response: httpx.Response) -> Fetched:
        if response.status_code == 304:
            return Fetched(None, dict(validators or {}))
        too_big = f"{safe_url(location)}: response over the {limit} byte limit{hint}"
        declared = response.headers.get("content-length", "")
        # Only trusted as is when not compressed: gzip grows when decoded.
        encoded = response.headers.get("content-encoding")
        if declared.isdigit() and int(declared) > limit and not encoded:
            raise FetchError(too_big)
        body = await _read_capped(response, limit, too_big)
        return Fetched(body, {k: v for k in _VALIDATORS if (v := response.headers.get(k))})

    return await _within(
        deadline, location, _exchange(client, "GET", location, auth, read, now, headers)
    )


async def post(
    client: httpx.AsyncClient,
    url: str,
    payload: Any,
    *,
    auth: Auth | None = None,
    deadline: float | None = None,
    now: Callable[[], datetime] | None = None,
) -> None:
    """POST `payload` as JSON to `url`; returns when the server took it (the answer's body is
    not read). Raises FetchError as `fetch` does."""

    async def taken(response: httpx.Response) -> None:
        return None

    exchange = _exchange(client, "POST", url, auth, taken, now, json=payload)
    await _within(_deadline(client, deadline), url, exchange)


@dataclass(frozen=True)
class Answer:
    """What `call` got: any status, its headers (names in lower case) and the body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


async def call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    limit: int,
    headers: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    deadline: float | None = None,
) -> Answer:
    """One request to a web API that says why in its error bodies (the cloud calendars and
    their token endpoints): the same deadline, size cap and network errors as `fetch`, but
    every status comes back with its body for the caller to read, and no redirect is followed.
    Headers or a form carry credentials, so they are only sent over https. Raises FetchError."""
    if (headers or form) and not secure_for_secrets(url):
        raise FetchError(
            f"credentials are only sent over https: {safe_url(url)} is plain http (not sent)"
        )

    async def exchange() -> Answer:
        try:
            async with client.stream(
                method,
                url,
                headers={"Accept-Encoding": "gzip", **(headers or {})},
                data=form,
                follow_redirects=False,  # an API answers where it is asked; no token travels on
            ) as response:
                too_big = f"{safe_url(url)}: response over the {limit} byte limit"
                body = await _read_capped(response, limit, too_big)
                found = {name.lower(): value for name, value in response.headers.items()}
                return Answer(response.status_code, found, body)
        except httpx.TimeoutException:
            raise FetchError(f"timed out: {safe_url(url)}") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"too many redirects: {safe_url(url)}") from None
        except (httpx.HTTPError, ssl.SSLError) as exc:
            network = client.network if isinstance(client, Client) else None
            raise FetchError(describe_error(exc, safe_url(url), network)) from None

    return await _within(_deadline(client, deadline), url, exchange())


# --- One exchange --------------------------------------------------------------------------------


def _deadline(client: httpx.AsyncClient, given: float | None) -> float:
    """`given`, else the client's [network] deadline_seconds, else DEADLINE."""
    if given is not None:
        return given
    if isinstance(client, Client):
        return client.network.deadline_seconds
    return DEADLINE


async def _within(deadline: float, location: str, work: Awaitable[T]) -> T:
    """`work`, or FetchError when it is not done within `deadline` seconds."""
    try:
        async with asyncio.timeout(deadline):
            return await work
    except TimeoutError:
        shown = safe_url(location) if is_url(location) else location
        raise FetchError(f"timed out: {shown} (not complete within {deadline:g} s)") from None


async def _exchange(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    auth: Auth | None,
    handle: Callable[[httpx.Response], Awaitable[T]],
    now: Callable[[], datetime] | None,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
) -> T:
    """One request; a good response goes to `handle`. An error status, httpx's and TLS errors
    become FetchError."""
    if (auth is not None or httpx.URL(url).userinfo) and not secure_for_secrets(url):
        # Anyone on the school network could read them; refused before the secret is read.
        raise FetchError(
            f"credentials are only sent over https: {safe_url(url)} is plain http "
            f"(the secret in {auth.where if auth else 'the URL'} was not sent)"
        )
    credentials = request_auth(auth)  # before any request: a missing secret sends nothing
    try:
        async with client.stream(
            method, url, headers=headers, auth=credentials, json=json
        ) as response:
            if response.status_code >= 400:
                moment = (now or SystemClock().now)()
                raise FetchError(
                    status_message(response.status_code, url, auth),
                    retry_after=retry_after(response.headers.get("retry-after"), moment),
                    status=response.status_code,
                )
            return await handle(response)
    except httpx.TimeoutException:
        raise FetchError(f"timed out: {safe_url(url)}") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects: {safe_url(url)}") from None
    except (httpx.HTTPError, ssl.SSLError) as exc:  # httpx lets a late TLS alert through
        network = client.network if isinstance(client, Client) else None
        raise FetchError(describe_error(exc, safe_url(url), network)) from None


def request_auth(auth: Auth | None) -> httpx.Auth | None:
    """The credentials, with the secret read now (a rotated token is picked up).

    Raises FetchError naming where the secret lives, never the secret.
    """
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


def status_message(status: int, url: str, auth: Auth | None) -> str:
    """What an admin can act on, naming where the credentials live, never the secret."""
    message = f"HTTP {status} from {safe_url(url)}"
    if status not in (401, 403):
        return message
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


def retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from `now`: either a number or an HTTP date."""
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
    return max(0.0, (when - now).total_seconds())


# --- The body ------------------------------------------------------------------------------------


async def _read_capped(response: httpx.Response, limit: int, too_big: str) -> bytes:
    """The body, inflated here with a cap on the *decoded* size."""
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


async def _read_file(path: Path, limit: int, hint: str) -> bytes:
    """A local file, in a worker thread, with the same cap counted on the bytes as they are
    read (`st_size` is 0 for /proc files and a file may grow). Only a regular file: a device
    (/dev/zero) would never end, a FIFO would block the thread for ever."""
    try:
        return await asyncio.to_thread(read_regular, path, limit)
    except FileNotFoundError:
        raise FetchError(f"file not found: {path}") from None
    except NotRegular as exc:
        raise FetchError(f"{path} is {exc.what}: only a plain file is read") from None
    except TooLarge as exc:
        raise FetchError(f"{path}: {exc.size} bytes is over the {limit} byte limit{hint}") from None
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror}") from None


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
