"""A source fetched once, outside the kiosk: what would appear and what would be skipped.

For `signage check --fetch` and the editor's 取得してみる button (signage setup): no store,
no cache, no Qt. The items are what the screen would get (already masked, signage.privacy);
`skipped` says which rows were left out, and why (signage.skips).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from signage.clock import SystemClock
from signage.config import Config, SourceConfig
from signage.errors import SourceError
from signage.model import Item, Skip

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Trial:
    """One source's one fetch: its items and skipped rows, or why it failed (`error`)."""

    source: str
    items: tuple[Item, ...] = ()
    skipped: tuple[Skip, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


async def fetch_once(
    source: SourceConfig,
    config: Config,
    client: httpx.AsyncClient | None = None,
    now: datetime | None = None,
) -> Trial:
    """Fetch and read `source` (one of `config.sources`, or one being edited) once, with the
    config's network settings (or `client`) and time zone. Never raises for a feed's fault."""
    from signage.network import new_client
    from signage.sources import make_source

    clock = SystemClock()
    made = make_source(source, config.school.tz, clock)
    moment = clock.now() if now is None else now
    try:
        if client is None:
            async with new_client(config.network) as own:
                raw = await made.fetch(own)
        else:
            raw = await made.fetch(client)
        if raw is None:  # no validators were sent, so no server should say 304
            raise SourceError("the server answered 304 Not Modified to a first request")
        parsed = await asyncio.to_thread(made.read, raw, moment)
    except SourceError as exc:
        return Trial(source.id, error=str(exc))
    return Trial(source.id, parsed.items, parsed.skipped)


def try_source(source: SourceConfig, config: Config, now: datetime | None = None) -> Trial:
    """`fetch_once` from code that has no event loop running (a worker thread, a script)."""
    return asyncio.run(fetch_once(source, config, now=now))


def try_all(config: Config, now: datetime | None = None) -> list[Trial]:
    """Every source of `config` once, concurrently, in the config's order."""
    from signage.network import new_client

    async def go() -> list[Trial]:
        async with new_client(config.network) as client:
            return list(
                await asyncio.gather(*(fetch_once(s, config, client, now) for s in config.sources))
            )

    return asyncio.run(go())
