"""Benchmark: CPU at rest — the clock ticking every second, panels rotating — over 60 s.

    python bench/cpu_idle.py [--seconds 60] [--size 1920x1080] [--platform offscreen]

Starts the real kiosk (`python -m signage run --demo`, full screen on a screen of `--size`),
waits for its first frame with data and a few seconds more, then reads the process's user +
system CPU time from /proc at the start and the end of the window. Under `--platform xcb`
(DISPLAY set, e.g. Xvfb) the X server's own work is not counted, as on a real monitor.
"""

from __future__ import annotations

import argparse
import sys
import time

from common import Kiosk, figure

TARGET_PERCENT = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--platform", default="offscreen")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    with Kiosk(width, height, args.platform) as kiosk:
        kiosk.wait_first_frame()
        time.sleep(args.settle)
        cpu0, t0 = kiosk.cpu_seconds(), time.monotonic()
        time.sleep(args.seconds)
        cpu1, t1 = kiosk.cpu_seconds(), time.monotonic()
        rss = kiosk.rss_mb()
    percent = (cpu1 - cpu0) / (t1 - t0) * 100
    print(
        f"cpu at rest ({args.size}, {args.platform}): {cpu1 - cpu0:.2f} s of CPU "
        f"in {t1 - t0:.0f} s; RSS {rss:.0f} MB"
    )
    figure(
        f"CPU at rest over {args.seconds:.0f} s, {args.size}",
        f"{percent:.2f} % of one core",
        f"< {TARGET_PERCENT} %",
        percent < TARGET_PERCENT,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
