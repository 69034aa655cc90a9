"""What the benchmarks share: a kiosk process on a screen of a given size, /proc readings,
and the one-line figures that `run_all.py` collects.

Standard library only (Linux /proc); psutil is not needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_FRAME = re.compile(r"first-frame (\d+) ms")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def figure(name: str, value: str, target: str, ok: bool) -> None:
    """The line run_all.py picks up: `= name: value (target …) ok|MISSED`."""
    print(f"= {name}: {value} (target {target}) {'ok' if ok else 'MISSED'}", flush=True)


def offscreen_platform(width: int, height: int, folder: Path) -> str:
    """QT_QPA_PLATFORM for Qt's offscreen platform with one screen of this size, so a
    full-screen kiosk paints exactly that many pixels (the default screen is 800×600)."""
    config = folder / f"screen-{width}x{height}.json"
    screen = {"name": "bench", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return f"offscreen:configfile={config}"


class Kiosk:
    """`python -m signage run --demo` in a throwaway TMPDIR/log/cache, stderr read in a
    thread (so the pipe never fills), and the first-frame line caught as it comes."""

    def __init__(
        self,
        width: int = 1920,
        height: int = 1080,
        platform: str = "offscreen",
        args: tuple[str, ...] = ("--demo",),
        cache: Path | None = None,
        display: str | None = None,
        program: tuple[str, ...] = (),
    ) -> None:
        """`args`: after `run` (default the demo, which keeps no disk copies); `cache`: the
        SIGNAGE_CACHE folder to use (default a fresh one); `display`: DISPLAY for xcb;
        `program`: what to start instead of this checkout's `python -m signage` (the frozen
        bundle's executable, another venv's `python -m signage`)."""
        self.folder = Path(tempfile.mkdtemp(prefix="signage-bench-"))
        env = dict(os.environ)
        env["TMPDIR"] = str(self.folder)  # the per-screen lock lives there
        env["SIGNAGE_LOG_DIR"] = str(self.folder / "logs")
        env["SIGNAGE_CACHE"] = str(cache or self.folder / "cache")
        if not program:
            env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        if display is not None:
            env["DISPLAY"] = display
        if platform == "offscreen":
            env["QT_QPA_PLATFORM"] = offscreen_platform(width, height, self.folder)
        else:
            env["QT_QPA_PLATFORM"] = platform  # e.g. xcb, with DISPLAY set (Xvfb)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [*(program or (sys.executable, "-m", "signage")), "run", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self.lines: list[str] = []
        self.first_frame_ms: int | None = None
        self.seen_at: float | None = None  # monotonic time the line was read here
        self._got = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            match = FIRST_FRAME.search(line)
            if match and self.first_frame_ms is None:
                self.first_frame_ms = int(match.group(1))
                self.seen_at = time.monotonic()
                self._got.set()
        self._got.set()

    def wait_first_frame(self, timeout: float = 30.0) -> int:
        if not self._got.wait(timeout) or self.first_frame_ms is None:
            self.stop()
            raise RuntimeError("no first-frame line:\n" + "".join(self.lines[-20:]))
        return self.first_frame_ms

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self) -> Kiosk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Xvfb:
    """A virtual X server of its own, one screen of this size (`with Xvfb(w, h) as display:`),
    for a kiosk that paints through a real X connection (xcb) rather than Qt's offscreen
    platform. Needs the `Xvfb` program (Debian: xvfb)."""

    def __init__(self, width: int, height: int) -> None:
        self.size = f"{width}x{height}x24"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        read, write = os.pipe()  # Xvfb writes the display number it chose here when ready
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", self.size, "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start ({self.size})")
        return f":{number}"

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait()


@contextlib.contextmanager
def x_display(platform: str, width: int, height: int) -> Iterator[None]:
    """Under `--platform xcb` with no DISPLAY set, a fresh Xvfb of the screen's size for the
    bench's kiosks (DISPLAY set for them). A fresh one: an X server that had served a few
    hundred kiosk windows started them 30–80 ms slower."""
    if platform != "xcb" or os.environ.get("DISPLAY"):
        yield
        return
    with Xvfb(width, height) as display:
        os.environ["DISPLAY"] = display
        try:
            yield
        finally:
            del os.environ["DISPLAY"]


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size in MB (VmRSS)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def pss_mb(pid: int | str = "self") -> float | None:
    """Proportional set size in MB (shared libraries counted by share), where the kernel says."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a process (its threads included)."""
    with open(f"/proc/{pid}/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14, 15)


def machine() -> str:
    """A short description of this machine, for the README table."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = " ".join(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PHYS_PAGES") * PAGE / 2**30
    return f"{os.cpu_count()} cores, {model}, {mem:.0f} GB, Python {sys.version.split()[0]}"
