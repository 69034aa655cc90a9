"""PySide6's import hook no longer keeps every imported module's source in memory, and qasync
runs the kiosk's loop without Qt Widgets."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest

from signage.ui import qt_imports

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
    assert qt_imports.keep_no_sources()


def test_the_check_still_finds_modules_that_use_pyside(tmp_path) -> None:  # type: ignore[no-untyped-def]
    uses = tmp_path / "uses.py"
    uses.write_text("from PySide6.QtCore import Qt\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("import json\n", encoding="utf-8")
    for path, expected in ((uses, True), (plain, False)):
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        assert qt_imports._uses_pyside(module) is expected
    assert qt_imports._uses_pyside(types.ModuleType("builtin_like")) is False  # no file


# qasync's loop running a coroutine on a QtGui-only application, Qt Widgets never loaded; then
# the real Qt Widgets still imports (the setup's forms in the same process, the tests).
QASYNC_PROBE = """
import asyncio, sys
from PySide6.QtGui import QGuiApplication
from signage.ui.qt_imports import import_qasync

app = QGuiApplication([])
qasync = import_qasync()
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)

async def work():
    await asyncio.sleep(0.01)
    return await loop.run_in_executor(None, sum, [1, 2, 3])

with loop:
    answer = loop.run_until_complete(work())
widgets_loaded = "PySide6.QtWidgets" in sys.modules or any(
    "libQt6Widgets" in line for line in open("/proc/self/maps"))
from PySide6.QtWidgets import QApplication, QWidget
print(answer, widgets_loaded, QWidget.__module__)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_qasync_runs_without_loading_qt_widgets() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    answer = subprocess.run(
        [sys.executable, "-c", QASYNC_PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.split() == ["6", "False", "PySide6.QtWidgets"], answer.stdout
