"""Pick the best Japanese font present: universal-design forms first.

A bundle or a kiosk can carry its own TTF/OTF in `assets/fonts/` (or beside the
frozen executable); those are loaded before choosing.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFontDatabase

log = logging.getLogger(__name__)

PREFERRED = (
    "BIZ UDPGothic",
    "BIZ UDPゴシック",
    "BIZ UDGothic",
    "UD Digi Kyokasho NK-R",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "Yu Gothic UI",
    "Yu Gothic",
    "Meiryo",
    "Hiragino Sans",
    "IPAexGothic",
    "IPAGothic",
    "TakaoPGothic",
    "VL PGothic",
)
_chosen: str | None = None


def font_dirs() -> list[Path]:
    here = Path(__file__).resolve()
    dirs = [here.parents[2] / "assets" / "fonts"]
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).parent / "fonts")
        dirs.append(Path(getattr(sys, "_MEIPASS", ".")) / "assets" / "fonts")
    unique = dict.fromkeys(d.resolve() for d in dirs)  # frozen, two of these are one folder
    return [d for d in unique if d.is_dir()]


def load_bundled() -> None:
    for folder in font_dirs():
        for path in sorted(folder.iterdir()):
            is_font = path.suffix.lower() in {".ttf", ".otf", ".ttc"}
            if is_font and QFontDatabase.addApplicationFont(str(path)) < 0:
                log.warning("could not load font %s", path)


def japanese_family() -> str:
    """The font family for all text. Needs a QGuiApplication."""
    global _chosen
    if _chosen is None:
        load_bundled()
        present = set(QFontDatabase.families())
        text = next((f for f in PREFERRED if f in present), None)
        if text is None:
            japanese = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
            text = japanese[0] if japanese else ""
            log.warning(
                "no preferred Japanese font found; using %r. Install fonts-morisawa-bizud-gothic.",
                text or "(none: Japanese will show as boxes)",
            )
        _chosen = text
    return _chosen


def forget_glyphs() -> None:
    """Make Qt drop its font engines and every glyph they keep.

    An engine (a font at a size) keeps each glyph it has drawn for as long as a QFont that
    used it lives: over days of new text, megabytes that are never given back. Qt empties its
    font cache when the font database changes, and adding and removing a font is the public way
    to change it: a blank font that nothing draws. Engines come back as text is drawn again.
    """
    from signage.ui.blank_font import DATA

    added = QFontDatabase.addApplicationFontFromData(QByteArray(DATA))
    if added < 0:
        log.warning("could not add the blank font: glyph caches are kept")
        return
    QFontDatabase.removeApplicationFont(added)
