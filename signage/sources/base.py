"""What every source kind shares: getting the bytes (signage.fetch) and the parse contract.

A source never touches Qt. `fetch` runs on the event loop; `parse` is a pure function
of bytes that the poller runs off the UI thread.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from signage import privacy
from signage.clock import Clock, SystemClock
from signage.config.model import SourceConfig
from signage.model import Item

if TYPE_CHECKING:
    import httpx

    from signage.fetch import Fetched

MAX_BYTES = 20 * 1024 * 1024  # default limit: a larger feed is refused, memory stays bounded
_RAISE = " (raise max_size_mb for this source if the feed really is this large)"


@dataclass(frozen=True)
class Parsed:
    items: tuple[Item, ...]
    warnings: tuple[str, ...] = ()


class Source(ABC):
    """One configured source. Subclasses implement `parse`.

    `clock` tells the time for a Retry-After given as a date (the poller's clock).

    Every kind's `parse` is wrapped (below) so that what it returns names people only as the
    source's `names` allows: the store, the screen, `agenda` and the disk cache see no more."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        parse = cls.__dict__.get("parse")
        if parse is not None and not getattr(parse, "__isabstractmethod__", False):
            cls.parse = _shown(parse)  # type: ignore[method-assign]

    def __init__(self, config: SourceConfig, tz: ZoneInfo, clock: Clock | None = None) -> None:
        self.config = config
        self.tz = tz
        self.clock = clock or SystemClock()
        self._validators: Mapping[str, str] = {}  # ETag / Last-Modified of the last good body
        self._deciding = False  # inside a parse that will apply the names decision

    @property
    def id(self) -> str:
        return self.config.id

    async def fetch(self, client: httpx.AsyncClient) -> bytes | None:
        """The raw content, or None when the server says it has not changed (304)."""
        got = await self.get(client, validators=self._validators)
        if got.body is not None:
            self._validators = got.validators
        return got.body

    async def get(
        self,
        client: httpx.AsyncClient,
        url: str | None = None,
        validators: Mapping[str, str] | None = None,
    ) -> Fetched:
        """The source's URL or file (conditionally, with `validators`), or another URL of the
        same source (a further page), with the source's client, credentials and size limit.
        httpx is imported here, where the work is, so that reading the kinds stays light."""
        from signage.fetch import fetch
        from signage.network import client_for

        return await fetch(
            client_for(client, self.config),  # verify = false: the unverified client
            self.config.location if url is None else url,
            limit=self.max_bytes,
            auth=self.config.auth,
            validators=validators,
            now=self.clock.now,
            hint=_RAISE,
        )

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


def _shown(parse: Callable[[Source, bytes, datetime], Parsed]) -> Any:
    """`parse`, then the names decision of signage.privacy on its items; once, also when a
    kind's parse calls its parent's (the decision is not meant to be applied twice)."""

    @functools.wraps(parse)
    def shown(self: Source, raw: bytes, now: datetime) -> Parsed:
        if self._deciding:
            return parse(self, raw, now)
        self._deciding = True
        try:
            parsed = parse(self, raw, now)
        finally:
            self._deciding = False
        items = privacy.shown_items(parsed.items, self.config.role, self.config.names)
        return replace(parsed, items=items)

    return shown
