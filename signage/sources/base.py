"""What every source kind shares: getting the bytes (file or HTTP) and the parse contract.

A source never touches Qt. `fetch` runs on the event loop; `parse` is a pure function
of bytes that the poller runs off the UI thread.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from signage.config import SourceConfig
from signage.errors import FetchError
from signage.model import Item

MAX_BYTES = 20 * 1024 * 1024  # a feed larger than this is refused, memory stays bounded


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

    def forget_validators(self) -> None:
        """Make the next HTTP fetch unconditional: a 304 must not vouch for a body we refused."""
        self._validators = {}

    @abstractmethod
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        """Turn raw bytes into items. Pure and thread-safe; raises ParseError."""

    def _read_file(self) -> bytes:
        path = Path(self.config.location)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise FetchError(f"{path}: {size} bytes is over the {MAX_BYTES} byte limit")
            return path.read_bytes()
        except FileNotFoundError:
            raise FetchError(f"file not found: {path}") from None
        except OSError as exc:
            raise FetchError(f"cannot read {path}: {exc.strerror}") from None

    async def _fetch_http(self, client: httpx.AsyncClient) -> bytes | None:
        url = self.config.location
        headers = {}
        if etag := self._validators.get("etag"):
            headers["If-None-Match"] = etag
        if modified := self._validators.get("last-modified"):
            headers["If-Modified-Since"] = modified
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return None
                if response.status_code >= 400:
                    raise FetchError(
                        f"HTTP {response.status_code} from {_safe_url(url)}",
                        retry_after=retry_after(response.headers.get("retry-after")),
                    )
                chunks: list[bytes] = []
                total = 0
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > MAX_BYTES:
                        raise FetchError(
                            f"{_safe_url(url)}: response over the {MAX_BYTES} byte limit"
                        )
                    chunks.append(chunk)
                self._validators = {
                    k: v for k in ("etag", "last-modified") if (v := response.headers.get(k))
                }
                return b"".join(chunks)
        except httpx.TimeoutException:
            raise FetchError(f"timed out: {_safe_url(url)}") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"too many redirects: {_safe_url(url)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {_safe_url(url)}") from None


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


def _safe_url(url: str) -> str:
    """The URL without user info or query, so credentials never reach a log."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"", query=None, fragment=None))


def new_client() -> httpx.AsyncClient:
    """The one shared client: bounded redirects, connect and read timeouts."""
    # httpx logs every request at INFO with the whole URL, user:password@ and ?token= included,
    # and `signage run` logs at INFO: keep httpx to warnings (our own messages use _safe_url).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=5,
        timeout=httpx.Timeout(30.0, connect=10.0),
        headers={"User-Agent": "signage (school staff-room display)"},
    )
