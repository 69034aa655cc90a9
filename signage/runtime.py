"""The running core without Qt: config → sources → store, and one poller per source."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

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

    @classmethod
    def build(cls, config: Config, clock: Clock) -> Runtime:
        tz = config.school.tz
        sources = [make_source(sc, tz) for sc in config.sources]
        return cls(config, clock, sources, Store(s.id for s in sources))

    @property
    def roles(self) -> dict[str, str]:
        return {sc.id: sc.role for sc in self.config.sources}

    def pollers(self, client: httpx.AsyncClient) -> list[Poller]:
        return [Poller(s, self.store, client, self.clock) for s in self.sources]

    async def refresh_all(self, client: httpx.AsyncClient) -> None:
        """Every source once, concurrently (for `render` and `agenda`)."""
        await asyncio.gather(*(p.refresh() for p in self.pollers(client)))
