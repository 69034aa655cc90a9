"""The running core without Qt: config → sources → store, and one poller per source.

`Restored` is the core the kiosk shows first: the store filled from the disk copies alone,
before the sources' parsers and the HTTP stack are imported (signage.kiosk).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from signage.cache import ItemCache, copy_key
from signage.clock import Clock
from signage.config import Config
from signage.store import Store

if TYPE_CHECKING:
    import httpx

    from signage.poller import Poller
    from signage.sources import Source


@dataclass
class Restored:
    """A config's sources as their last good copies on disk show them: no parse, no fetch.
    What the kiosk paints while it imports the rest; `Runtime.build(previous=…)` adopts the
    store's copies, and a poller does not read again a copy the store holds already."""

    config: Config
    clock: Clock
    store: Store

    @classmethod
    def load(cls, config: Config, clock: Clock, cache_dir: Path | None) -> Restored:
        store = Store(sc.id for sc in config.sources)
        if cache_dir is not None:
            cache, tz = ItemCache(cache_dir), config.school.tz
            for sc in config.sources:
                copy = cache.load(sc.id, copy_key(sc, tz))
                if copy is not None and copy.fetched_at is not None:
                    at = copy.fetched_at
                    store.succeeded(sc.id, copy.items, copy.warnings, at, copy.skipped)
        return cls(config, clock, store)

    @property
    def roles(self) -> dict[str, str]:
        return {sc.id: sc.role for sc in self.config.sources}


@dataclass
class Runtime:
    config: Config
    clock: Clock
    sources: list[Source]
    store: Store
    cache: ItemCache | None = None

    @classmethod
    def build(
        cls,
        config: Config,
        clock: Clock,
        cache_dir: Path | None = None,
        previous: Runtime | Restored | None = None,
    ) -> Runtime:
        """`cache_dir`: where last good copies live on disk (None: memory only, as the demo).
        `previous`: the runtime this one replaces (or what was restored before the start); a
        source configured exactly as before keeps its data on screen through the reload."""
        from signage.sources import make_source

        tz = config.school.tz
        sources = [make_source(sc, tz, clock) for sc in config.sources]
        cache = ItemCache(cache_dir) if cache_dir is not None else None
        store = Store(s.id for s in sources)
        if previous is not None and previous.config.school.tz == tz:
            before = {sc.id: sc for sc in previous.config.sources}
            for sc in config.sources:
                if before.get(sc.id) == sc:
                    store.adopt(previous.store.get(sc.id))
        return cls(config, clock, sources, store, cache)

    @property
    def roles(self) -> dict[str, str]:
        return {sc.id: sc.role for sc in self.config.sources}

    def pollers(self, client: httpx.AsyncClient) -> list[Poller]:
        from signage.poller import Poller

        return [Poller(s, self.store, client, self.clock, cache=self.cache) for s in self.sources]

    async def refresh_all(self, client: httpx.AsyncClient) -> None:
        """Every source once, concurrently (for `render` and `agenda`); a source that fails
        shows its copy from disk, as the kiosk would."""

        async def once(poller: Poller) -> None:
            await poller.restore()
            await poller.refresh()

        await asyncio.gather(*(once(p) for p in self.pollers(client)))
