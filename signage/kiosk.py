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
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from signage import __version__
from signage.clock import Clock
from signage.loaded import Loaded
from signage.runtime import Restored, Runtime

if TYPE_CHECKING:
    from signage.supervisor import Supervisor

log = logging.getLogger(__name__)
LOCK_WAIT_SECONDS = 0.2
Listener = Callable[[Runtime | Restored, str | None], None]


class AlreadyRunning(Exception):
    """Another kiosk holds this screen."""


def lock_path(screen: int) -> Path:
    return Path(tempfile.gettempdir()) / f"signage-screen{screen}.lock"


class Kiosk:
    """Made in two steps, so the first frame comes before the heavy imports: the kiosk is
    made with what the disk copies show (`Restored`: no parser, no HTTP stack imported),
    and `start()` (by `run`, once the screen shows that) makes the HTTP client and the
    Supervisor, whose runtime adopts those copies."""

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
        self._loaded = loaded
        self._clock = clock
        self.restored = Restored.load(config, clock, loaded.cache_dir)
        self.supervisor: Supervisor | None = None
        self._listener: Listener | None = None

    @property
    def runtime(self) -> Runtime | Restored:
        return self.supervisor.runtime if self.supervisor is not None else self.restored

    def on_change(self, listener: Listener) -> None:
        """Tell `listener` of each new runtime, with what the screen says about the config
        (None: all well); the first is the one `start()` makes."""
        self._listener = listener
        if self.supervisor is not None:
            self._listen(self.supervisor)

    def _listen(self, supervisor: Supervisor) -> None:
        listener = self._listener
        if listener is not None:
            supervisor.on_change = lambda runtime: listener(runtime, supervisor.config_error)

    def start(self) -> Supervisor:
        """The HTTP client and the Supervisor (made once): the sources' parsers and the HTTP
        stack are imported here, not before."""
        if self.supervisor is None:
            from signage.network import new_client
            from signage.supervisor import Supervisor

            loaded = self._loaded
            client = new_client(loaded.config.network)
            self.supervisor = Supervisor(
                loaded.config, self._clock, client, loaded.cache_dir, previous=self.restored
            )
            self._listen(self.supervisor)
        return self.supervisor

    async def run(self, stop: Awaitable[None]) -> None:
        """Poll until `stop` is done; then the pollers are cancelled, the HTTP client closed
        and the screen let go."""
        try:
            supervisor = self.start()
            supervisor.on_change(supervisor.runtime)  # the screen swaps in the full runtime
            config = supervisor.runtime.config
            log.info(
                "signage %s: %s, %d sources, config %s",
                __version__,
                config.school.name,
                len(config.sources),
                config.path or "(demo)",
            )
            async with supervisor.client:
                supervisor.start()
                watcher = asyncio.create_task(supervisor.watch())
                try:
                    await stop
                finally:
                    watcher.cancel()
                    await supervisor.close()
        finally:
            self._lock.release()
