"""Importing PySide6 and qasync without what the kiosk never uses: each costs memory for the
life of the process.

PySide6's import hook: once PySide6 is imported, every module imported after it is checked for
the word "PySide6" (for `from __feature__ import …`, which this project does not use) with
`inspect.getsource`, which leaves the module's whole source in `linecache` for the life of
the process: some 13 MB for the kiosk's 600 modules, a quarter of its Python heap. The same
check reading the file's bytes once keeps nothing. In a frozen bundle neither finds a source
file, so nothing changes there.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType, SimpleNamespace


def _uses_pyside(module: ModuleType) -> bool:
    """The hook's own test ("PySide6" in the module's source), without `linecache`."""
    try:
        with open(module.__file__ or "", "rb") as source:
            return b"PySide6" in source.read()
    except (AttributeError, TypeError, OSError):
        return False


def keep_no_sources() -> bool:
    """Swap PySide6's check for `_uses_pyside`; False when this PySide6 has no such check
    (then its memory is what it is, and `tests/test_qt_imports.py` says so)."""
    import PySide6  # noqa: F401  (installs the hook)

    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return False
    setattr(feature, "_mod_uses_pyside", _uses_pyside)  # noqa: B010 (a private name)
    return True


def import_qasync() -> ModuleType:
    """qasync, without Qt Widgets. qasync imports PySide6.QtWidgets for one name, QApplication,
    whose `instance()` it calls when it is given no application: loading Qt's widget libraries
    for that costs the process 4.4 MB, and the kiosk's windows are QtGui's. While qasync is
    imported, PySide6.QtWidgets is a stand-in whose QApplication is QGuiApplication (the same
    `instance()`); the stand-in is gone afterwards, so a later `import PySide6.QtWidgets` (the
    setup's forms, the tests) gets the real module. Where Qt Widgets is loaded already, qasync
    simply gets it."""
    import PySide6
    from PySide6.QtGui import QGuiApplication

    name = "PySide6.QtWidgets"
    stand_in = name not in sys.modules
    if stand_in:
        sys.modules[name] = SimpleNamespace(QApplication=QGuiApplication)  # type: ignore[assignment]
    try:
        return importlib.import_module("qasync")
    finally:
        if stand_in:
            del sys.modules[name]
            if isinstance(getattr(PySide6, "QtWidgets", None), SimpleNamespace):
                delattr(PySide6, "QtWidgets")
