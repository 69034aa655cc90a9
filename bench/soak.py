"""Soak run: a simulated school week on an accelerated clock.

    python bench/soak.py [--days 7] [--step 30]

The real kiosk window (Qt offscreen) ticks every simulated `--step` seconds and paints every
tenth tick; every source refreshes every 15 simulated minutes from a real HTTP server on
127.0.0.1 that fails on a schedule (500s in the morning of day 2, garbage in the afternoon of
day 3, the server down for all of day 4); midnights pass; the screen goes dark at night (display
schedule 7:00–19:00 on weekdays). It prints RSS and open file handles at the start and the end.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.server
import os
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 11, 23, 6, 0, tzinfo=TOKYO)  # a Monday morning


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def open_handles() -> int:
    return len(os.listdir("/proc/self/fd"))


class Server:
    """Serves the demo's calendar and notices; `mode` says how it misbehaves."""

    def __init__(self, folder: Path) -> None:
        self.mode = "ok"
        self.folder = folder
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if server.mode == "500":
                    self.send_error(500)
                    return
                path = server.folder / self.path.lstrip("/")
                body = b"<html>login</html>" if server.mode == "garbage" else path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.handler = Handler
        probe = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = probe.server_address[1]
        probe.server_close()
        self.up = False

    def start(self) -> None:
        if not self.up:
            self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
            threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
            self.up = True

    def stop(self) -> None:
        if self.up:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.up = False


def scenario_mode(now: datetime) -> str:
    day = (now.date() - START.date()).days
    if day == 1 and 8 <= now.hour < 12:
        return "500"
    if day == 2 and 13 <= now.hour < 17:
        return "garbage"
    if day == 3:
        return "down"
    return "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--step", type=float, default=30, help="simulated seconds per tick")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from signage.clock import FixedClock
    from signage.config import Display, Schedule, load_config
    from signage.demo import materialize_demo
    from signage.network import new_client
    from signage.runtime import Runtime
    from signage.ui.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"signage-soak-{os.getpid()}"
    config = load_config(materialize_demo(START.date(), work))
    server = Server(work)
    server.start()
    remote = tuple(
        replace(sc, location=f"http://127.0.0.1:{server.port}/{Path(sc.location).name}")
        if sc.kind in ("ics", "json")
        else sc
        for sc in config.sources
    )
    hours = Schedule(on=dtime(7), off=dtime(19), days=(0, 1, 2, 3, 4), holidays=False)
    config = replace(config, sources=remote, display=Display(schedule=hours))
    clock = FixedClock(START)
    mono = [0.0]
    runtime = Runtime.build(config, clock)
    window = KioskWindow(runtime, monotonic=lambda: mono[0])
    window.timer.stop()
    window.resize(1920, 1080)
    loop = asyncio.new_event_loop()
    client = new_client()
    pollers = runtime.pollers(client)

    async def refresh_all() -> None:
        await asyncio.gather(*(p.refresh() for p in pollers))

    def refresh() -> None:
        loop.run_until_complete(refresh_all())

    refresh()
    window.tick()
    window.grab()
    gc.collect()
    rss0, fds0 = rss_mb(), open_handles()
    print(f"start: RSS {rss0:.1f} MB, open handles {fds0}")
    ticks = int(args.days * 86400 / args.step)
    refresh_every = int(15 * 60 / args.step)
    started = time.perf_counter()
    refreshes = paints = dark = 0
    stale_seen = False
    daily: list[tuple[float, int]] = []
    for i in range(1, ticks + 1):
        clock.advance(args.step)
        mono[0] += args.step
        mode = scenario_mode(clock.now())
        if mode == "down":
            server.stop()
        else:
            server.start()
            server.mode = mode
        if i % refresh_every == 0:
            refresh()
            refreshes += 1
        window.tick()
        stale_seen = stale_seen or not window.presenter.view.status_ok
        if i % int(86400 / args.step) == 0:
            gc.collect()
            daily.append((rss_mb(), open_handles()))
            print(f"  day {len(daily)}: RSS {daily[-1][0]:.1f} MB, handles {daily[-1][1]}")
        if i % 10 == 0:
            window.grab()
            paints += 1
            dark += not window.presenter.screen_on
            app.processEvents()
    gc.collect()
    rss1, fds1 = rss_mb(), open_handles()
    took = time.perf_counter() - started
    print(
        f"simulated {args.days:g} days: {ticks} ticks, {paints} paints ({dark} dark), "
        f"{refreshes} refresh rounds in {took:.0f} s"
    )
    print(f"end:   RSS {rss1:.1f} MB, open handles {fds1}")
    print(f"growth: RSS {rss1 - rss0:+.1f} MB, handles {fds1 - fds0:+d}")
    if len(daily) > 1:  # the first day warms Qt's font and glyph caches up
        print(
            f"growth after day 1 (warm): RSS {rss1 - daily[0][0]:+.1f} MB "
            f"over {len(daily) - 1} days, handles {fds1 - daily[0][1]:+d}"
        )
    status = window.presenter.view.status
    print(f"stale mark seen while the server failed: {stale_seen}; last status: {status}")
    loop.run_until_complete(client.aclose())
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
