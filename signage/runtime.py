"""The running core without Qt: config → sources → store, and one poller per source."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import httpx

from signage.cache import ItemCache
from signage.clock import Clock
from signage.config import Config
from signage.poller import Poller
from signage.sources import Source, make_source
from signage.store import Store


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
        previous: Runtime | None = None,
    ) -> Runtime:
        """`cache_dir`: where last good copies live on disk (None: memory only, as the demo).
        `previous`: the runtime this one replaces; a source configured exactly as before
        keeps its data on screen through the reload."""
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
        return [Poller(s, self.store, client, self.clock, cache=self.cache) for s in self.sources]

    async def refresh_all(self, client: httpx.AsyncClient) -> None:
        """Every source once, concurrently (for `render` and `agenda`); a source that fails
        shows its copy from disk, as the kiosk would."""

        async def once(poller: Poller) -> None:
            await poller.restore()
            await poller.refresh()

        await asyncio.gather(*(once(p) for p in self.pollers(client)))
