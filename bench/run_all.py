"""Run every benchmark and print one line per figure (the README's table).

    python bench/run_all.py [--only startup,memory,cpu,big_feed]

Each benchmark runs in its own process; their details go to stderr as they come, and the
figures are printed together at the end, with the date and the machine. About 8 minutes in
all on a 2-core machine (the simulated week takes most of it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from common import machine

HERE = Path(__file__).resolve().parent
BENCHES = {
    "startup": ["startup.py"],
    "memory": ["memory.py"],
    "cpu": ["cpu_idle.py"],
    "big_feed": ["big_feed.py"],
}


def run(name: str, args: list[str]) -> list[str]:
    """Run one benchmark, echoing its output to stderr; its figure lines."""
    started = time.monotonic()
    print(f"--- {name}", file=sys.stderr, flush=True)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / args[0]), *args[1:]],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=HERE.parent,
    )
    figures = []
    assert proc.stdout is not None
    for line in proc.stdout:
        print(line, end="", file=sys.stderr, flush=True)
        if line.startswith("= "):
            figures.append(line[2:].rstrip())
    if proc.wait() != 0:
        figures.append(f"{name}: FAILED (exit status {proc.returncode})")
    print(f"--- {name}: {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated: " + ",".join(BENCHES))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    unknown = set(names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    figures = []
    for name in names:
        figures += run(name, BENCHES[name])
    print(f"{date.today().isoformat()} — {machine()}")
    for line in figures:
        print(line)
    return 1 if any("MISSED" in f or "FAILED" in f for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
