"""What every source kind shares: getting the bytes (signage.fetch) and the parse contract.

A source never touches Qt. `fetch` runs on the event loop; `parse` is a pure function
of bytes that the poller runs off the UI thread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from signage import privacy, skips
from signage.clock import Clock, SystemClock
from signage.config.model import SourceConfig
from signage.errors import ParseError
from signage.model import Item, Skip

if TYPE_CHECKING:
    import httpx

    from signage.fetch import Fetched

MAX_BYTES = 20 * 1024 * 1024  # default limit: a larger feed is refused, memory stays bounded
# Items kept per source: more than any panel can show (the bytes cap bounds bytes, not work).
MAX_ITEMS = {"notices": 300, "absences": 2000}
MAX_EVENTS = 5000
# Roles whose feed text may name people: the values a skip's reason quotes are masked.
PEOPLE_ROLES = ("absences", "staff_out")
_RAISE = " (raise max_size_mb for this source if the feed really is this large)"


@dataclass(frozen=True)
class Parsed:
    """A parse's items; `warnings` for the log (English); `skipped`: every row, item, file or
    event left out (or shown not as written), for the people who can fix the feed."""

    items: tuple[Item, ...]
    warnings: tuple[str, ...] = ()
    skipped: tuple[Skip, ...] = ()


class Source(ABC):
    """One configured source. Subclasses implement `parse`.

    `clock` tells the time for a Retry-After given as a date (the poller's clock)."""

    def __init__(self, config: SourceConfig, tz: ZoneInfo, clock: Clock | None = None) -> None:
        self.config = config
        self.tz = tz
        self.clock = clock or SystemClock()
        self._validators: Mapping[str, str] = {}  # ETag / Last-Modified of the last good body

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

    @property
    def max_items(self) -> int:
        """How many items of this source the screen could use at most."""
        return MAX_ITEMS.get(self.config.role, MAX_EVENTS)

    def read(self, raw: bytes, now: datetime) -> Parsed:
        """`parse`, then the names decision of signage.privacy on its items, so that what the
        store, the screen, `agenda` and the disk cache see is already masked. A document too
        deep (RecursionError) or too big (MemoryError) to read is a ParseError like any other.
        (The poller forgets the validators of a body refused for any reason, a bug included,
        so no 304 vouches for it.)"""
        try:
            parsed = self.parse(raw, now)
        except ParseError:
            raise
        except RecursionError:
            raise ParseError("the content is nested too deeply to read") from None
        except MemoryError:
            raise ParseError("the content is too large to read in memory") from None
        items = privacy.shown_items(parsed.items, self.config.role, self.config.names)
        skipped = parsed.skipped
        if self.config.role in PEOPLE_ROLES:  # a value a reason quotes may be a name
            skipped = skips.masked(skipped)
        return replace(parsed, items=items, skipped=skipped)

    @abstractmethod
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        """Turn raw bytes into items. Pure and thread-safe; raises ParseError."""


def too_many(kept: int, total: int) -> str:
    """The warning for a source cut to what the screen can show."""
    return f"{total} items; only the first {kept} are kept (more than the screen can show)"
