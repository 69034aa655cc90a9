"""One poller per source: refresh on its interval, parse off the UI thread,
back off with jitter on failure, log a change of state once (failing, recovered)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import date

import httpx

from signage.clock import Clock
from signage.errors import SourceError
from signage.sources import Source
from signage.store import Store

log = logging.getLogger(__name__)

FIRST_RETRY = 30.0  # seconds; doubles on each failure, capped at the refresh interval


class Poller:
    def __init__(
        self,
        source: Source,
        store: Store,
        client: httpx.AsyncClient,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.source = source
        self.store = store
        self.client = client
        self.clock = clock
        self.jitter = jitter
        self.failures = 0
        self._raw: bytes | None = None
        self._parsed_for: date | None = None

    @property
    def interval(self) -> float:
        return self.source.config.refresh_minutes * 60.0

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
                if raw is None:
                    raise SourceError("server answered 304 but nothing was cached")
                loop = asyncio.get_running_loop()
                try:
                    parsed = await loop.run_in_executor(None, self.source.parse, raw, now)
                except SourceError:
                    # Else the server's 304 for this refused body would pass for good news.
                    self.source.forget_validators()
                    raise
                self._raw, self._parsed_for = raw, today
                self.store.succeeded(sid, parsed.items, parsed.warnings, now)
                for warning in parsed.warnings:
                    log.warning("%s: %s", sid, warning)
        except SourceError as exc:
            if self.failures == 0:
                log.warning("%s: refresh failed: %s", sid, exc)
            self.failures += 1
            self.store.failed(sid, str(exc))
            return False
        if self.failures:
            log.info("%s: recovered after %d failed refreshes", sid, self.failures)
        self.failures = 0
        return True

    def next_delay(self) -> float:
        """Seconds to the next refresh: the interval, or a capped backoff after failures."""
        if self.failures == 0:
            base = self.interval
        else:
            base = min(self.interval, FIRST_RETRY * 2 ** (self.failures - 1))
        return base * (0.9 + 0.2 * self.jitter())

    async def run(self) -> None:
        """Refresh forever (until cancelled)."""
        while True:
            await self.refresh()
            await asyncio.sleep(self.next_delay())
