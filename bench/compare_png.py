"""Compare two folders of rendered PNGs pixel by pixel (an optimisation must not change the
look): `python bench/compare_png.py BEFORE AFTER` prints each file pair and how many pixels
differ, and exits 1 when any does.

Render the two folders with `signage render --demo --out DIR --at …` from the code before
and after the change (e.g. `git archive` of the old commit, with PYTHONPATH pointing at it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def differing_pixels(a: Path, b: Path) -> int:
    from PySide6.QtGui import QImage

    one, two = QImage(str(a)), QImage(str(b))
    if one.size() != two.size():
        return one.width() * one.height()
    one = one.convertToFormat(QImage.Format.Format_RGB32)
    two = two.convertToFormat(QImage.Format.Format_RGB32)
    if one == two:
        return 0
    width = one.width()
    count = 0
    for y in range(one.height()):
        row_a = bytes(one.constScanLine(y))[: width * 4]
        row_b = bytes(two.constScanLine(y))[: width * 4]
        if row_a != row_b:
            count += sum(row_a[i : i + 4] != row_b[i : i + 4] for i in range(0, width * 4, 4))
    return count


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (fonts, images)
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    files = sorted(p.relative_to(before) for p in before.rglob("*.png"))
    changed = 0
    for name in files:
        diff = differing_pixels(before / name, after / name)
        changed += diff > 0
        print(f"{name}: {'identical' if diff == 0 else f'{diff} pixels differ'}")
    print(f"{len(files)} images, {changed} differ")
    return 1 if changed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
