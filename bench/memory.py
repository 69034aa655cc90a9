"""Benchmark: memory — RSS after one full rotation cycle (or an hour) at 1920×1080 and
3840×2160, and RSS growth over a simulated week (10,000 rotations, 1,000 refreshes).

    python bench/memory.py [--part rotation|week|both] [--minutes 60] [--platform xcb]
                           [--rotations 10000] [--refreshes 1000]

Rotation: the real kiosk (`python -m signage run --demo`), full screen on Qt's offscreen
platform with one screen of each size, or with `--platform xcb` on an Xvfb server of that size
each (started here); both run side by side. Its RSS is read from /proc once it has shown its
first frame with data and then every panel once, at least; with `--minutes`, every minute for
that long (the demo's rotation, on the real clock), and the last and the highest reported.

Week: in this process, the real kiosk window (1920×1080, offscreen) on the demo data, driven
by a fake wall clock and a fake monotonic clock, so a week passes in minutes. Every panel
gets a tick one second in (the clock and the bar move: the kiosk's every-second repaint) and
one at its end (the next panel: a full repaint), each painted as the kiosk paints it (Qt's
paint events, processed). The wall clock moves on by the panel's time, so minutes, hours and
midnights pass as they would. Every tenth rotation all the demo's sources refresh through
their real pollers, and a notice file in the demo's shared folder changes first, so the data,
its view and the notice pages really change each time. RSS is taken after a warm-up of 100
rotations and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common import Kiosk, Xvfb, figure, pss_mb, rss_mb

TARGETS = {(1920, 1080): 100.0, (3840, 2160): 120.0}
GROWTH_TARGET = 2.0
TOKYO = ZoneInfo("Asia/Tokyo")


def rotation_seconds(width: int, height: int) -> float:
    """How long the demo's rotation takes at this size (the board gets time per page)."""
    from signage.presenter import SECONDS_PER_PAGE
    from signage.ui.screen import notice_pages
    from signage.view import build_view

    config, runtime = demo_runtime(datetime.now(TOKYO))
    view = build_view(config, runtime.store.snapshots(), datetime.now(TOKYO))
    pages = notice_pages(width, height, view)
    total = 0.0
    for panel in config.panels:
        if panel.kind in view.available():
            extra = pages * SECONDS_PER_PAGE if panel.kind == "notices" else 0.0
            total += max(panel.seconds, extra)
    return total


def demo_runtime(now: datetime):  # type: ignore[no-untyped-def]
    """The demo config, materialised for the week of `now`, with every source fetched once."""
    from signage.clock import FixedClock
    from signage.config import load_config
    from signage.demo import materialize_demo
    from signage.network import new_client
    from signage.runtime import Runtime
    from signage.ui.render import ensure_gui

    ensure_gui()
    folder = Path(tempfile.mkdtemp(prefix="signage-bench-demo-"))
    config = load_config(materialize_demo(now.date(), folder))
    runtime = Runtime.build(config, FixedClock(now))

    async def fetch() -> None:
        async with new_client() as client:
            await runtime.refresh_all(client)

    asyncio.run(fetch())
    return config, runtime


def bench_rotation(minutes: float, platform: str) -> list[tuple[int, int, float, bool]]:
    """RSS of real kiosks after their first rotation (or `minutes`), both sizes at once."""
    cycle = max(rotation_seconds(w, h) for w, h in TARGETS)
    with contextlib.ExitStack() as stack:
        displays = [
            stack.enter_context(Xvfb(w, h)) if platform == "xcb" else None for w, h in TARGETS
        ]
        kiosks = [
            stack.enter_context(Kiosk(w, h, platform, display=display))
            for (w, h), display in zip(TARGETS, displays, strict=True)
        ]
        for kiosk in kiosks:
            kiosk.wait_first_frame()
        highest = [0.0 for _ in kiosks]
        if minutes:
            print(f"  first frames in; sampling every minute for {minutes:.0f} min …", flush=True)
            for minute in range(1, int(minutes) + 1):
                time.sleep(60)
                now = [kiosk.rss_mb() for kiosk in kiosks]
                highest = [max(h, n) for h, n in zip(highest, now, strict=True)]
                line = ", ".join(
                    f"{w}x{h} {n:.1f} MB" for (w, h), n in zip(TARGETS, now, strict=True)
                )
                print(f"  minute {minute}: {line}", flush=True)
        else:
            print(f"  first frames in; waiting one rotation ({cycle:.0f} s) …", flush=True)
            time.sleep(cycle + 3)
        results = []
        for (width, height), kiosk, high in zip(TARGETS, kiosks, highest, strict=True):
            rss = kiosk.rss_mb()
            pss = pss_mb(kiosk.proc.pid)
            shared = f", PSS {pss:.1f} MB" if pss is not None else ""
            most = f", highest {high:.1f} MB" if minutes else ""
            print(f"  {width}x{height} ({platform}): RSS {rss:.1f} MB{shared}{most}")
            results.append((width, height, rss, rss <= TARGETS[(width, height)]))
    return results


def bench_week(rotations: int, refreshes: int) -> tuple[float, float, float]:
    """(RSS after warm-up, RSS at the end, seconds taken)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from signage import process

    if hasattr(process, "limit_malloc_arenas"):  # as `signage run` does, before any thread
        process.limit_malloc_arenas()
    from signage.ui.window import KioskWindow

    monday = datetime.now(TOKYO).date() - timedelta(days=datetime.now(TOKYO).weekday())
    start = datetime.combine(monday, datetime.min.time(), TOKYO).replace(hour=7)
    config, runtime = demo_runtime(start)
    clock = runtime.clock
    folder = Path(config.path).parent / "shared-folder"
    mono = [1000.0]
    window = KioskWindow(runtime, ("デモ表示中",), monotonic=lambda: mono[0])
    window.timer.stop()  # this loop is the timer
    window.setGeometry(0, 0, 1920, 1080)
    window.show()
    from signage import process as kiosk_app

    if hasattr(kiosk_app, "tune_process"):  # as run_kiosk does, once its window is up
        kiosk_app.tune_process()
    app = QApplication.instance()
    assert app is not None
    loop = asyncio.new_event_loop()
    pollers = runtime.pollers(None)  # local files: no HTTP client is used
    every = max(1, rotations // max(1, refreshes))
    done_refreshes = 0

    async def refresh_all() -> None:
        await asyncio.gather(*(p.refresh() for p in pollers))

    def advance(seconds: float) -> None:
        mono[0] += seconds
        clock.advance(seconds)
        window.tick()
        app.processEvents()

    def one_rotation(index: int) -> None:
        nonlocal done_refreshes
        if index % every == 0 and done_refreshes < refreshes:
            note = folder / "bench-notice.txt"
            note.write_text(f"ベンチ用のお知らせ {index}\n本文 {index} " * 3, encoding="utf-8")
            loop.run_until_complete(refresh_all())
            done_refreshes += 1
        for _ in range(len(window.presenter.available())):
            rotator = window.presenter.rotator
            left = rotator.seconds * (1 - rotator.progress(mono[0]))
            advance(1.0)  # a second later: the clock and the bar
            advance(left - 1.0 + 0.01)  # the next panel

    t0 = time.monotonic()
    for index in range(100):
        one_rotation(index)
    gc.collect()
    warm = rss_mb()
    for index in range(100, rotations):
        one_rotation(index)
        if index % 1000 == 0:
            print(f"  rotation {index}: {clock.now():%a %H:%M}, RSS {rss_mb():.1f} MB", flush=True)
    gc.collect()
    end = rss_mb()
    took = time.monotonic() - t0
    print(
        f"  simulated {clock.now() - start} in {took:.0f} s: {rotations} rotations, "
        f"{done_refreshes} refreshes"
    )
    loop.close()
    window.close()
    return warm, end, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("rotation", "week", "both"), default="both")
    parser.add_argument("--minutes", type=float, default=0, help="rotate this long (0: once)")
    parser.add_argument("--platform", choices=("offscreen", "xcb"), default="offscreen")
    parser.add_argument("--rotations", type=int, default=10_000)
    parser.add_argument("--refreshes", type=int, default=1_000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    if args.part in ("rotation", "both"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # this process's own Qt
        after = f"{args.minutes:.0f} min" if args.minutes else "one rotation"
        for width, height, rss, ok in bench_rotation(args.minutes, args.platform):
            target = TARGETS[(width, height)]
            figure(
                f"RSS after {after}, {width}x{height}, {args.platform}",
                f"{rss:.0f} MB",
                f"≤ {target:.0f} MB",
                ok,
            )
    if args.part in ("week", "both"):
        warm, end, _ = bench_week(args.rotations, args.refreshes)
        print(f"  RSS after warm-up {warm:.1f} MB, at the end {end:.1f} MB")
        figure(
            f"RSS growth over a simulated week ({args.rotations} rotations, "
            f"{args.refreshes} refreshes)",
            f"{end - warm:+.1f} MB",
            f"≤ {GROWTH_TARGET:.0f} MB",
            end - warm <= GROWTH_TARGET,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
