"""PySide6's import hook, made to stop keeping every module's source in memory.

Once PySide6 is imported, every module imported after it is checked for the word "PySide6"
(for `from __feature__ import …`, which this project does not use) with
`inspect.getsource`, which leaves the module's whole source in `linecache` for the life of
the process: some 13 MB for the kiosk's 600 modules, a quarter of its Python heap. The same
check reading the file's bytes once keeps nothing. In a frozen bundle neither finds a source
file, so nothing changes there.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _uses_pyside(module: ModuleType) -> bool:
    """The hook's own test ("PySide6" in the module's source), without `linecache`."""
    try:
        with open(module.__file__ or "", "rb") as source:
            return b"PySide6" in source.read()
    except (AttributeError, TypeError, OSError):
        return False


def keep_no_sources() -> bool:
    """Swap PySide6's check for `_uses_pyside`; False when this PySide6 has no such check
    (then its memory is what it is, and `tests/test_pyside_hook.py` says so)."""
    import PySide6  # noqa: F401  (installs the hook)

    feature = sys.modules.get("PySide6.support.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return False
    setattr(feature, "_mod_uses_pyside", _uses_pyside)  # noqa: B010 (a private name)
    return True
