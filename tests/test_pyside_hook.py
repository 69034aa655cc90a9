"""PySide6's import hook no longer keeps every imported module's source in memory."""

from __future__ import annotations

import subprocess
import sys
import types

from signage.ui import pyside_hook

# Imported after PySide6 in a fresh interpreter; what linecache then holds is the hook's doing.
PROBE = """
import linecache
import PySide6.QtCore
import signage.ui
import difflib, email.parser, zipfile, statistics
held = [name for name in linecache.cache if any(
    part in name for part in ("difflib", "email", "zipfile", "statistics"))]
print(len(held))
"""


def test_modules_imported_after_pyside_leave_no_source_in_memory() -> None:
    answer = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert answer.stdout.strip() == "0", answer.stdout + answer.stderr


def test_the_hook_is_in_place_in_this_pyside() -> None:
    """If a PySide6 upgrade renames the check, this says so (the kiosk still runs)."""
    assert pyside_hook.keep_no_sources()


def test_the_check_still_finds_modules_that_use_pyside(tmp_path) -> None:  # type: ignore[no-untyped-def]
    uses = tmp_path / "uses.py"
    uses.write_text("from PySide6.QtCore import Qt\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("import json\n", encoding="utf-8")
    for path, expected in ((uses, True), (plain, False)):
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        assert pyside_hook._uses_pyside(module) is expected
    assert pyside_hook._uses_pyside(types.ModuleType("builtin_like")) is False  # no file
