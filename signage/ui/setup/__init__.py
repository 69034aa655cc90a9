"""`signage setup`: the school's config as a Japanese form, built from the config's spec.

A package of small modules: fields (one input per key type), form (a table's keys, an array
of tables as a grid), sources (情報源 and 「取得してみる」), preview (the renderer at a chosen
moment), window (the sections, the checker's messages, saving). The document model and its
rules are Qt-free, in signage.config.edit; fetching is passed in (`trial.TrySource`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from signage.ui.setup.trial import TrySource


def use_japanese_font(app: object) -> None:
    """The kiosk's own font (a universal-design Japanese face where present) for the forms."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from signage.ui.fonts import japanese_family

    family = japanese_family()
    if family and isinstance(app, QApplication):
        app.setFont(QFont(family, 11))


def run_setup(path: Path, try_source: TrySource | None, lang: str | None = None) -> int:
    """Open the editor on `path` (created on the first save when it does not exist)."""
    from PySide6.QtWidgets import QApplication

    from signage.ui.icon import app_icon
    from signage.ui.setup.window import SetupWindow

    app = QApplication.instance() or QApplication([])
    use_japanese_font(app)
    window = SetupWindow(path, try_source, lang)
    window.setWindowIcon(app_icon())
    window.show()
    return app.exec()
