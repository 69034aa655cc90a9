"""Where a parse runs: in a daemon thread, or, for a large body, in a process of its own.

A parse in a thread shares the GIL with the UI thread and holds it in stretches: with a
10,000-event feed the clock and the rotation stalled 30–50 ms (bench/big_feed.py). A spawned
process cannot hold our GIL. Its items come back in small pickles, so that no single unpickle
on this side is long either. A small body is parsed in a thread as before: starting a process
(~0.3 s) would cost more than it saves, and the first frame waits for those.

Spawned, not forked, on every platform: the same on Windows as on Linux, and no copy of a
process that runs Qt. A frozen bundle starts its workers through `multiprocessing.freeze_support`
(signage/__main__.py). Qt-free.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from signage.errors import ParseError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from signage.sources.base import Parsed, Source

log = logging.getLogger(__name__)

T = TypeVar("T")

IN_PROCESS_FROM = 256 * 1024  # bytes: a body this large parses in a worker process
CHUNK = 250  # items per message back: each unpickle here stays around a millisecond
_refused: list[str] = []  # why a worker process could not start here (then: threads only)


async def read(source: Source, raw: bytes, now: datetime) -> Parsed:
    """`source.read(raw, now)`, in a worker process when the body is large (else, or when no
    process can be started here, in a daemon thread)."""
    if len(raw) < IN_PROCESS_FROM or _refused:
        return await in_daemon_thread(source.read, raw, now)
    try:
        job = pickle.dumps((source, raw, now), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a source that cannot travel is read here, as before
        log.debug("%s: parsed in a thread (%s)", source.id, exc)
        return await in_daemon_thread(source.read, raw, now)
    try:
        return await in_daemon_thread(_read_in_process, job)
    except _NoProcess as exc:
        log.warning("no worker process for parsing (%s): large feeds parse in a thread", exc)
        _refused.append(str(exc))
        return await in_daemon_thread(source.read, raw, now)


class _NoProcess(Exception):
    """The worker process could not be started at all."""


def _read_in_process(job: bytes) -> Parsed:
    """Run in a daemon thread of the kiosk: start a worker, hand it the job, put its answer
    together. The worker is a daemon: it ends with the kiosk, a stuck one included."""
    import multiprocessing  # here: the kiosk starts without it

    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(there, job), name="signage-parse", daemon=True)
    try:
        worker.start()
    except Exception as exc:  # no executable to spawn, a sandbox, no resources …
        raise _NoProcess(f"{type(exc).__name__}: {exc}") from exc
    finally:
        there.close()
    try:
        return _receive(here)
    except EOFError:
        worker.join(timeout=5)
        raise ParseError(
            f"the parser process ended without an answer (exit code {worker.exitcode})"
        ) from None
    finally:
        here.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()


def _receive(here: Connection) -> Parsed:
    outcome, payload = here.recv()
    if outcome == "error":
        raise payload
    head: Parsed = payload
    items: list[Any] = []
    while chunk := here.recv():
        items.extend(chunk)
    return replace(head, items=tuple(items))


def _work(there: Connection, job: bytes) -> None:
    """The worker process: read, then send the result's head and its items in chunks. An
    exception travels back and is raised in the kiosk as it would have been in a thread."""
    try:
        source, raw, now = pickle.loads(job)
        parsed = source.read(raw, now)
    except Exception as exc:
        try:
            there.send(("error", exc))
        except Exception:  # an exception that does not pickle: its text does
            there.send(("error", ParseError(f"{type(exc).__name__}: {exc}")))
        return
    there.send(("ok", replace(parsed, items=())))
    for start in range(0, len(parsed.items), CHUNK):
        there.send(parsed.items[start : start + CHUNK])
    there.send(())
    there.close()


async def in_daemon_thread(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a thread of its own that never holds up the process's exit: the
    default executor's threads are joined at exit, so one stuck parse would outlive SIGTERM."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def work() -> None:
        try:
            result = function(*args)
        except BaseException as exc:  # handed to the awaiting task, not lost in the thread
            error = exc
            call = lambda: settle(lambda: future.set_exception(error))  # noqa: E731
        else:
            call = lambda: settle(lambda: future.set_result(result))  # noqa: E731
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for it any more
            loop.call_soon_threadsafe(call)

    threading.Thread(target=work, name=f"parse {function!r:.40}", daemon=True).start()
    return await future
