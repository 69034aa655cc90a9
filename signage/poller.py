"""One poller per source: refresh on its interval, parse off the UI thread,
back off with jitter on failure, log a change of state once (failing, recovered)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from signage import worker
from signage.cache import ItemCache
from signage.cache import copy_key as cache_key
from signage.clock import Clock
from signage.errors import FetchError, SourceError
from signage.store import Store

if TYPE_CHECKING:  # the kiosk imports this before the HTTP stack (signage.kiosk)
    import httpx

    from signage.sources.base import Source

log = logging.getLogger(__name__)

FIRST_RETRY = 30.0  # seconds; doubles on each failure, capped at the refresh interval
LONGEST_WAIT = 6 * 3600.0  # a Retry-After beyond this is taken as this


class Poller:
    def __init__(
        self,
        source: Source,
        store: Store,
        client: httpx.AsyncClient,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
        cache: ItemCache | None = None,
    ) -> None:
        self.source = source
        self.store = store
        self.client = client
        self.clock = clock
        self.jitter = jitter
        self.cache = cache
        self.failures = 0
        self.retry_after: float | None = None
        # The last good body, in memory only: re-parsed after a 304 on a new day (the items
        # depend on the day, e.g. a recurrence's window). Never on disk (signage.cache).
        self._raw: bytes | None = None
        self._parsed_for: date | None = None
        self.key = copy_key(source)

    @property
    def interval(self) -> float:
        return self.source.config.refresh_minutes * 60.0

    async def restore(self) -> bool:
        """Show the copy cached on disk, if any, before the first fetch (offline start): its
        items as they were stored, with no parse, marked with when they were fetched."""
        if self.cache is None or self._raw is not None:
            return False
        if self.store.get(self.source.id).fetched_at is not None:
            return False  # shown already (restored before the start, or kept through a reload)
        copy = await asyncio.to_thread(self.cache.load, self.source.id, self.key)
        if copy is None or copy.fetched_at is None:
            return False
        self.store.succeeded(
            self.source.id, copy.items, copy.warnings, copy.fetched_at, copy.skipped
        )
        log.info("%s: showing the copy fetched at %s", self.source.id, copy.fetched_at.isoformat())
        return True

    async def refresh(self) -> bool:
        """Fetch and parse once. True on success; on failure the last good data stays."""
        sid = self.source.id
        now = self.clock.now()
        today = now.astimezone(self.source.tz).date()
        try:
            raw = await self.source.fetch(self.client)
            if raw is None and self._raw is not None and self._parsed_for == today:
                self.store.unchanged(sid, now)
            else:
                raw = raw if raw is not None else self._raw
                if raw is None:  # validators live in memory only, so a server's mistake
                    self.source.forget_validators()
                    raise SourceError("server answered 304 but nothing was cached")
                await self._apply(raw, now, save=True)
        except SourceError as exc:
            self._failed(str(exc), exc)
            return False
        except Exception as exc:  # a bug must not stop this source for good
            log.exception("%s: unexpected error while refreshing", sid)
            self._failed(f"{type(exc).__name__}: {exc}", exc)
            return False
        if self.failures:
            log.info("%s: recovered after %d failed refreshes", sid, self.failures)
        self.failures = 0
        self.retry_after = None
        return True

    async def _apply(self, raw: bytes, at: datetime, save: bool) -> None:
        """Parse off the UI thread (signage.worker), then publish (and keep on disk)."""
        try:
            parsed = await worker.read(self.source, raw, self.clock.now())
        except BaseException:
            # Else the server's 304 for this refused body would pass for good news.
            self.source.forget_validators()
            raise
        self._raw, self._parsed_for = raw, self.clock.now().astimezone(self.source.tz).date()
        self.store.succeeded(self.source.id, parsed.items, parsed.warnings, at, parsed.skipped)
        for warning in parsed.warnings:
            log.warning("%s: %s", self.source.id, warning)
        if save and self.cache is not None:
            await asyncio.to_thread(
                self.cache.save,
                self.source.id,
                self.key,
                parsed.items,
                parsed.warnings,
                at,
                parsed.skipped,
            )

    def _failed(self, reason: str, exc: Exception) -> None:
        if self.failures == 0:
            log.warning("%s: refresh failed: %s", self.source.id, reason)
        self.failures += 1
        self.retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        self.store.failed(self.source.id, reason)

    def next_delay(self) -> float:
        """Seconds to the next refresh: the interval, or a capped backoff after failures;
        never sooner than a server's Retry-After."""
        if self.failures == 0:
            base = self.interval
        else:
            base = min(self.interval, FIRST_RETRY * 2 ** (self.failures - 1))
        delay = base * (0.9 + 0.2 * self.jitter())
        if self.retry_after is not None:
            delay = max(delay, min(self.retry_after, LONGEST_WAIT))
        return delay

    async def run(self) -> None:
        """Restore from disk, then refresh forever (until cancelled)."""
        await self.restore()
        while True:
            await self.refresh()
            await asyncio.sleep(self.next_delay())


def copy_key(source: Source) -> str:
    """What `source`'s items on disk were made under (signage.cache.copy_key)."""
    return cache_key(source.config, source.tz)
