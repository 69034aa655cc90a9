"""What a repaint or a parse freed goes back to the system (glibc keeps it otherwise)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A heap left full of holes: 64 kB blocks (below glibc's mmap threshold, so in the heap), each
# followed by a 2 kB one that stays; the big ones freed are holes glibc keeps.
PROBE = """
from signage.process import release_memory

def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024

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
    answer = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert float(answer.stdout) > 50, answer.stdout + answer.stderr  # of the 100 MB freed


def test_release_memory_is_safe_to_call_anywhere() -> None:
    from signage.process import release_memory

    release_memory()
    release_memory()
