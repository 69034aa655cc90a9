"""What a repaint or a parse freed goes back to the system (glibc keeps it otherwise), and the
kiosk's threads share two C heaps rather than one each, and the glyphs Qt kept for past days
are given back."""

from __future__ import annotations

import subprocess
import sys

import pytest

RSS_MB = """
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024
"""


def freed_mb(probe: str) -> float:
    """What a probe printed: how many MB its process gave back."""
    answer = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    try:
        return float(answer.stdout)
    except ValueError:
        raise AssertionError(answer.stdout + answer.stderr) from None


# A heap left full of holes: 64 kB blocks (below glibc's mmap threshold, so in the heap), each
# followed by a 2 kB one that stays; the big ones freed are holes glibc keeps.
PROBE = f"""{RSS_MB}
from signage.process import release_memory

blocks, kept = [], []
for _ in range(1600):
    blocks.append(bytes(range(256)) * 256)
    kept.append(bytes(range(256)) * 8)
del blocks
before = rss_mb()
release_memory()
print(before - rss_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap")
def test_freed_heap_pages_are_given_back() -> None:
    assert freed_mb(PROBE) > 50  # of the 100 MB freed


def test_release_memory_is_safe_to_call_anywhere() -> None:
    from signage.process import release_memory

    release_memory()
    release_memory()


# Eight threads alive at once, each allocating from the C heap; then glibc's own account of
# its heaps (malloc_info's XML has one <heap> per arena).
ARENAS_PROBE = """
import ctypes, sys, tempfile, threading
if sys.argv[1] == "limit":
    from signage.process import limit_malloc_arenas
    limit_malloc_arenas()
barrier = threading.Barrier(9)
def work():
    kept = [bytes(range(256)) * 8 for _ in range(200)]
    barrier.wait()
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
barrier.wait()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.NamedTemporaryFile(suffix=".xml") as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    print(open(out.name).read().count("<heap nr="))
barrier.wait()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap")
def test_the_kiosks_threads_share_two_heaps() -> None:
    def heaps(mode: str) -> int:
        answer = subprocess.run(
            [sys.executable, "-c", ARENAS_PROBE, mode],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return int(answer.stdout)

    assert heaps("limit") <= 2
    assert heaps("default") > 2  # what the limit is for: a heap per thread otherwise


# Three thousand kanji at four sizes, as days of changing notices and events draw them: Qt keeps
# each glyph drawn in the engine of its font and size, however long the QFont is kept.
GLYPHS_PROBE = f"""{RSS_MB}
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QFont, QGuiApplication, QImage, QPainter
app = QGuiApplication([])
from signage.process import release_memory
from signage.ui import fonts

image = QImage(1920, 1080, QImage.Format.Format_RGB32)
text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000))
kept = []
painter = QPainter(image)
for size in (32, 40, 48, 56):
    kept.append(QFont(fonts.japanese_family()))
    kept[-1].setPixelSize(size)
    painter.setFont(kept[-1])
    for start in range(0, len(text), 40):
        painter.drawText(10, 50, text[start : start + 40])
painter.end()
release_memory()
before = rss_mb()
fonts.forget_glyphs()
release_memory()
print(before - rss_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and glibc's heap")
def test_the_glyphs_of_past_days_are_given_back() -> None:
    assert freed_mb(GLYPHS_PROBE) > 5  # of some 14 MB of glyphs
