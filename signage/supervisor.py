"""Runs the pollers of one config and swaps in the config file's new version when it is
saved; a version with errors is refused and the running one stays. No Qt here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import httpx

from signage.cache import default_cache_dir
from signage.clock import Clock
from signage.config import Config, check_file
from signage.runtime import Runtime

log = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 2.0


class Supervisor:
    def __init__(
        self,
        config: Config,
        clock: Clock,
        client: httpx.AsyncClient,
        cache_dir: Path | None,
        on_change: Callable[[Runtime], None] = lambda runtime: None,
    ) -> None:
        self.clock = clock
        self.client = client
        self.cache_dir = cache_dir
        self.on_change = on_change
        self.runtime = Runtime.build(config, clock, cache_dir)
        self.config_error: str | None = None  # why the file on disk is not the one running
        self._tasks: list[asyncio.Task[None]] = []
        self._stamp = _stamp(config.path)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(p.run()) for p in self.runtime.pollers(self.client)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def reload_if_changed(self) -> bool:
        """True when a changed, valid config was applied."""
        path = self.runtime.config.path
        stamp = _stamp(path)
        if path is None or stamp == self._stamp:
            return False
        self._stamp = stamp
        config, issues = await asyncio.to_thread(check_file, path)
        errors = [i for i in issues if i.severity == "error"]
        if config is None or errors:
            for issue in errors:
                log.error("config not applied: %s", issue.format())
            first = errors[0] if errors else None
            where = f"{first.line}行目 {first.key}" if first else str(path)
            self.config_error = f"設定ファイルに誤りがあります（{where}）。前の設定で表示中"
            self.on_change(self.runtime)
            return False
        log.info("config reloaded from %s", path)
        await self.stop()
        cache_dir = default_cache_dir(config.path) if self.cache_dir is not None else None
        self.runtime = Runtime.build(config, self.clock, cache_dir, previous=self.runtime)
        self.config_error = None
        self.start()
        self.on_change(self.runtime)
        return True

    async def watch(self) -> None:
        """Look at the config file every few seconds (until cancelled)."""
        while True:
            await asyncio.sleep(RELOAD_CHECK_SECONDS)
            try:
                await self.reload_if_changed()
            except Exception:  # a reload must never take the screen down
                log.exception("config reload failed; keeping the running config")


def _stamp(path: Path | None) -> tuple[float, int] | None:
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime, stat.st_size
