"""A running kiosk without its screen: one per monitor, one shared HTTP client, the
Supervisor's pollers (and its config reloads). The ui is handed the runtime to show and is
told of a new one; it imports none of this.

One kiosk per screen: an OS file lock (flock on Linux, msvcrt.locking on Windows, through
`filelock`) in the temp folder. The OS lets go of it when the process ends, however it ends,
so a crash's lock is taken over at once, and there is no pid to go stale or be reused.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from filelock import FileLock, Timeout

from signage import __version__
from signage.clock import Clock
from signage.loaded import Loaded
from signage.network import new_client
from signage.runtime import Runtime
from signage.supervisor import Supervisor

log = logging.getLogger(__name__)
LOCK_WAIT_SECONDS = 0.2


class AlreadyRunning(Exception):
    """Another kiosk holds this screen."""


def lock_path(screen: int) -> Path:
    return Path(tempfile.gettempdir()) / f"signage-screen{screen}.lock"


class Kiosk:
    def __init__(self, loaded: Loaded, clock: Clock, screen: int = -1) -> None:
        """Claims the screen (`screen` < 0: the config's), or raises AlreadyRunning."""
        config = loaded.config
        self.screen = screen if screen >= 0 else config.display.screen
        self.notes = loaded.notes
        self._lock = FileLock(lock_path(self.screen), timeout=LOCK_WAIT_SECONDS)
        try:
            self._lock.acquire()
        except Timeout:
            log.error("another signage is running on screen %d; exiting", self.screen)
            raise AlreadyRunning(
                f"already running on screen {self.screen}; not starting a second one"
            ) from None
        self.client = new_client(config.network)
        self.supervisor = Supervisor(config, clock, self.client, loaded.cache_dir)

    @property
    def runtime(self) -> Runtime:
        return self.supervisor.runtime

    def on_change(self, listener: Callable[[Runtime, str | None], None]) -> None:
        """Tell `listener` of each new runtime, with what the screen says about the config
        (None: all well)."""
        supervisor = self.supervisor
        supervisor.on_change = lambda runtime: listener(runtime, supervisor.config_error)

    async def run(self, stop: Awaitable[None]) -> None:
        """Poll until `stop` is done; then the pollers are cancelled, the HTTP client closed
        and the screen let go."""
        config = self.runtime.config
        log.info(
            "signage %s: %s, %d sources, config %s",
            __version__,
            config.school.name,
            len(config.sources),
            config.path or "(demo)",
        )
        try:
            async with self.client:
                self.supervisor.start()
                watcher = asyncio.create_task(self.supervisor.watch())
                try:
                    await stop
                finally:
                    watcher.cancel()
                    await self.supervisor.close()
        finally:
            self._lock.release()
