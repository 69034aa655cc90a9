"""Runs the pollers of one config and swaps in the config file's new version when it is
saved; a version with errors is refused and the running one stays. No Qt here.

A central config (signage.central: layers from the board of education, or a config given as a
URL) is also fetched again every `[central] refresh_minutes`, and a changed, valid result is
applied exactly like a local edit; a broken layer is refused and the running config stays.
With a [heartbeat], the kiosk's health (`status`) is reported every `minutes` (signage.heartbeat).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from signage import __version__, central, skips
from signage import heartbeat as heartbeat_wire
from signage.clock import Clock
from signage.config import Config, Issue, check_file
from signage.config.paths import is_layered
from signage.fetch import safe_url
from signage.messages import screen
from signage.network import new_client
from signage.runtime import Restored, Runtime

log = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 2.0
# The layers are fetched once soon after the start (the screen then says whether they are
# current), then every refresh_minutes; RETRY_MINUTES after a failure.
FIRST_LAYERS_CHECK_SECONDS = 2.0
# The first heartbeat waits for the sources' first refresh.
FIRST_HEARTBEAT_SECONDS = 30.0
# A source is stale when its last good refresh is older than this many of its intervals
# (and at least STALE_MINUTES old).
STALE_INTERVALS = 3
STALE_MINUTES = 15.0


class Supervisor:
    def __init__(
        self,
        config: Config,
        clock: Clock,
        client: httpx.AsyncClient,
        cache_dir: Path | None,
        on_change: Callable[[Runtime], None] = lambda runtime: None,
        previous: Restored | None = None,
    ) -> None:
        """`previous`: what the kiosk showed from the disk copies before this was made."""
        self.clock = clock
        self.client = client
        self._own_client = False  # the caller's client is the caller's to close
        self.cache_dir = cache_dir
        self.on_change = on_change
        self.runtime = Runtime.build(config, clock, cache_dir, previous)
        self.local_error: str | None = None  # why the file on disk is not the one running
        self.central_note: str | None = None  # the layers: not current, or refused
        self.layers_current = False  # the last fetch of the layers got every one of them
        self._tasks: list[asyncio.Task[None]] = []
        self._stamp = _stamp(config.path)
        self._layering: central.Layering | None = None  # made when first needed
        self._lock = asyncio.Lock()
        self._logged: set[str] = set()
        self.layer_states: tuple[central.LayerState, ...] = ()  # as last resolved
        self.started_at = clock.now()
        self.heartbeat_error: str | None = None  # why the last heartbeat was not delivered

    @property
    def config_error(self) -> str | None:
        """What the screen says about the config, when it is not the latest (None: all well)."""
        parts = [part for part in (self.local_error, self.central_note) if part]
        return "　".join(parts) or None

    @property
    def layered(self) -> bool:
        config = self.runtime.config
        return config.central is not None or config.url is not None

    def start(self) -> None:
        self._tasks = [asyncio.create_task(p.run()) for p in self.runtime.pollers(self.client)]

    async def close(self) -> None:
        """Stop the pollers and close a client this supervisor made itself."""
        await self.stop()
        if self._own_client:
            await self.client.aclose()

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
        async with self._lock:
            if self.layered or await asyncio.to_thread(is_layered, path):
                result = await self._layers(path).resolve(fetch=False)
                return await self._offer(result)
            config, issues = await asyncio.to_thread(check_file, path)
            errors = [i for i in issues if i.severity == "error"]
            if config is None or errors:
                self._refuse(errors, str(path))
                return False
            log.info("config reloaded from %s", path)
            await self._apply(config)
            return True

    async def refresh_layers(self) -> bool:
        """Fetch the layers of a central config again; True when a changed, valid config was
        applied. A broken layer is refused (its last good copy stays in use)."""
        if not self.layered:
            return False
        config = self.runtime.config
        root: str | Path | None = config.url or config.path
        if root is None:
            return False
        async with self._lock:
            result = await self._layers(root).resolve(fetch=True)
            self.layers_current = result.current
            return await self._offer(result)

    def _layers(self, root: str | Path) -> central.Layering:
        if self._layering is None:
            self._layering = central.Layering(root, self.cache_dir, self.clock.now)
        return self._layering

    async def _offer(self, result: central.Layered) -> bool:
        """Apply a resolved central config if it is valid and changed; else say why not."""
        self.layer_states = result.layers
        for issue in result.issues:
            line = issue.format()
            if line not in self._logged:  # every refresh finds them again: log each once
                self._logged.add(line)
                level = logging.ERROR if issue.severity == "error" else logging.WARNING
                log.log(level, "central config: %s", line)
        note = "　".join(result.notes) or None
        if result.config is None:
            errors = [i for i in result.issues if i.severity == "error"]
            self.central_note = note
            if result.reason is not None:
                log.error("config not applied: %s", result.reason)
            self._refuse(errors, result.reason or "")
            return False
        noted = note != self.central_note or self.local_error is not None
        self.central_note = note
        self.local_error = None
        if result.config == self.runtime.config:
            if noted:
                self.on_change(self.runtime)
            return False
        log.info("config reloaded (central: %s)", ", ".join(s.name for s in result.layers))
        await self._apply(result.config)
        return True

    def _refuse(self, errors: list[Issue], fallback: str) -> None:
        for issue in errors:
            log.error("config not applied: %s", issue.format())
        first = errors[0] if errors else None
        root = self.runtime.config.path
        if first is None:
            where = fallback
        elif root is not None and first.file == str(root):
            where = screen("error_at_line", line=first.line, key=first.key)
        else:
            where = screen("error_at_file_line", file=first.file, line=first.line, key=first.key)
        self.local_error = screen("config_error", where=where)
        self.on_change(self.runtime)

    async def _apply(self, config: Config) -> None:
        await self.stop()
        if config.network != self.runtime.config.network:
            # New proxy, CA or client certificate: a new client; the old one is closed.
            old, self.client = self.client, new_client(config.network)
            self._own_client = True
            await old.aclose()
            log.info("network settings changed: new HTTP client")
        self.runtime = Runtime.build(config, self.clock, self.cache_dir, previous=self.runtime)
        self.local_error = None
        self.start()
        self.on_change(self.runtime)

    async def watch(self) -> None:
        """Look at the config file every few seconds, fetch the layers of a central config
        every refresh_minutes, and send the heartbeat (until cancelled)."""
        await asyncio.gather(self._watch_file(), self._watch_layers(), self._watch_heartbeat())

    async def _watch_file(self) -> None:
        while True:
            await asyncio.sleep(RELOAD_CHECK_SECONDS)
            try:
                await self.reload_if_changed()
            except Exception:  # a reload must never take the screen down
                log.exception("config reload failed; keeping the running config")

    async def _watch_layers(self) -> None:
        await asyncio.sleep(FIRST_LAYERS_CHECK_SECONDS)
        while True:
            if not self.layered:  # a reload may add [central]: look again shortly
                await asyncio.sleep(RELOAD_CHECK_SECONDS)
                continue
            try:
                await self.refresh_layers()
            except Exception:  # a refresh must never take the screen down
                log.exception("fetching the central config failed; keeping the running config")
                self.layers_current = False
            minutes = central.refresh_minutes(self.runtime.config)
            if not self.layers_current:
                minutes = min(minutes, central.RETRY_MINUTES)
            await asyncio.sleep(minutes * 60)

    # Heartbeat.

    def status(self) -> dict[str, Any]:
        """The kiosk's health, as the heartbeat sends it (JSON-ready; no secrets)."""
        config = self.runtime.config
        now = self.clock.now()
        by_id = {source.id: source for source in config.sources}
        sources: list[dict[str, Any]] = []
        for snapshot in self.runtime.store.snapshots():
            source = by_id.get(snapshot.source)
            interval = source.refresh_minutes if source is not None else STALE_MINUTES
            limit = max(STALE_INTERVALS * interval, STALE_MINUTES) * 60
            fetched = snapshot.fetched_at
            stale = fetched is None or (now - fetched).total_seconds() > limit
            sources.append(
                {
                    "id": snapshot.source,
                    "ok": snapshot.ok,
                    "stale": stale,
                    "fetched_at": _iso(fetched),
                    "error": snapshot.error,
                    "items": len(snapshot.items),
                    **skips.heartbeat(snapshot.skipped, config.display.language),
                }
            )
        heartbeat = config.heartbeat
        host = socket.gethostname()
        refreshed = [s.fetched_at for s in self.runtime.store.snapshots() if s.fetched_at]
        return {
            "kiosk": heartbeat.name if heartbeat is not None and heartbeat.name else host,
            "host": host,
            "version": __version__,
            "school": config.school.name,
            "sent_at": now.isoformat(),
            "started_at": self.started_at.isoformat(),
            "healthy": self.config_error is None
            and all(s["ok"] and not s["stale"] for s in sources),
            "last_refresh": _iso(max(refreshed, default=None)),
            "config": {
                "file": str(config.path) if config.path is not None else None,
                "url": safe_url(config.url) if config.url is not None else None,
                "error": self.config_error,
                "layers": [
                    {
                        "name": layer.name,
                        "fetched_at": _iso(layer.fetched_at),
                        "fresh": layer.fresh,
                        "error": layer.error,
                        "used": layer.used,
                    }
                    for layer in self.layer_states
                ],
            },
            "sources": sources,
        }

    async def send_heartbeat(self) -> bool:
        """Send the status now; True when delivered (a failure is logged once, and recovery)."""
        heartbeat = self.runtime.config.heartbeat
        if heartbeat is None:
            return False
        error = await heartbeat_wire.send(self.client, heartbeat, self.status())
        if error != self.heartbeat_error:
            if error is not None:
                log.warning("heartbeat not delivered: %s", error)
            elif self.heartbeat_error is not None:
                log.info("heartbeat delivered again")
        self.heartbeat_error = error
        return error is None

    async def _watch_heartbeat(self) -> None:
        await asyncio.sleep(FIRST_HEARTBEAT_SECONDS)
        while True:
            heartbeat = self.runtime.config.heartbeat
            if heartbeat is None:
                await asyncio.sleep(RELOAD_CHECK_SECONDS)  # until a reload brings one
                continue
            try:
                await self.send_heartbeat()
            except Exception:  # a report must never take the screen down
                log.exception("heartbeat failed")
            await asyncio.sleep(heartbeat.minutes * 60)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _stamp(path: Path | None) -> tuple[float, int] | None:
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime, stat.st_size
