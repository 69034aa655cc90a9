"""Nothing that works only on Linux (issue 12, item 13): most school PCs run Windows.

A sweep of the code (the package, the tests that CI runs on windows-latest, scripts, bench) for
what Windows rejects or lacks: strftime flags beyond C89's (glibc's "%-H" raises ValueError on
Windows), signals Windows does not define, POSIX-only modules and os functions outside a
platform guard. And the kiosk ends cleanly on each of its stop signals here; on Windows the
workflow (.github/workflows/ci.yml) runs tests/test_run.py with CTRL_BREAK (tests/procs.py)."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from signage.jpdate import hm
from tests.procs import WINDOWS, spawn_options, temp_env

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("signage", "tests", "scripts", "bench")
C89_DIRECTIVES = set("aAbBcdHIjmMpSUwWxXyYzZ%")  # what the Windows C runtime's strftime takes
WINDOWS_SIGNALS = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIGBREAK"}
WINDOWS_SIGNALS |= {"CTRL_C_EVENT", "CTRL_BREAK_EVENT", "SIG_DFL", "SIG_IGN", "Signals", "signal"}
POSIX_MODULES = {"fcntl", "pwd", "grp", "termios", "resource", "posix", "pty", "tty"}
POSIX_OS = {"getuid", "geteuid", "getgid", "fork", "mkfifo", "setsid", "killpg", "getpgid"}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ".venv" in path.parts or "build" in path.parts:
                continue
            where = path.relative_to(ROOT).as_posix()
            yield where, ast.parse(path.read_text(encoding="utf-8"), where)


def guarded(tree: ast.Module) -> set[int]:
    """Lines under an `if` that tests the platform (sys.platform, os.name, WINDOWS...), in a
    `try` that catches the ImportError/AttributeError, or in a function that names a platform
    or is skipped on one (`@POSIX`, `@pytest.mark.skipif(sys.platform …)`)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        test = None
        if isinstance(node, ast.If | ast.IfExp):
            test = ast.unparse(node.test)
        elif isinstance(node, ast.Try):
            handlers = " ".join(ast.unparse(h.type) for h in node.handlers if h.type)
            if re.search(r"ImportError|AttributeError|OSError|Exception", handlers):
                test = "platform"
        elif isinstance(node, ast.FunctionDef) and re.search(r"windows|posix|linux", node.name):
            test = "platform"
        elif isinstance(node, ast.FunctionDef) and node.decorator_list:
            test = " ".join(ast.unparse(d) for d in node.decorator_list)  # a skipif on the OS
        if test and re.search(r"platform|os\.name|WINDOWS|POSIX|win32|hasattr", test):
            end = node.end_lineno or node.lineno
            lines.update(range(node.lineno, end + 1))
    return lines


def test_strftime_uses_only_what_windows_accepts() -> None:
    found = []
    for where, tree in modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"strftime", "strptime"}
            ):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        bad = set(re.findall(r"%(.)", arg.value)) - C89_DIRECTIVES
                        if bad:
                            found.append(f"{where}:{node.lineno}: {arg.value!r}")
    assert not found, "strftime flags Windows rejects:\n" + "\n".join(found)


def test_hours_without_a_leading_zero_are_formatted_portably() -> None:
    from datetime import datetime, time

    assert hm(time(8, 5)) == "8:05" and hm(datetime(2026, 11, 24, 13, 40)) == "13:40"


def test_no_signal_windows_lacks_and_no_posix_only_module_or_call() -> None:
    found = []
    for where, tree in modules():
        safe = guarded(tree)
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            if line in safe:
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                helper = node.attr.startswith(("set_", "get", "default_int", "raise_", "str"))
                if node.value.id == "signal" and node.attr not in WINDOWS_SIGNALS and not helper:
                    found.append(f"{where}:{line}: signal.{node.attr}")
                if node.value.id == "os" and node.attr in POSIX_OS:
                    found.append(f"{where}:{line}: os.{node.attr}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
                for name in names:
                    if name.split(".")[0] in POSIX_MODULES:
                        found.append(f"{where}:{line}: import {name}")
    assert not found, "POSIX-only, outside a platform guard:\n" + "\n".join(found)


def test_the_kiosk_names_its_stop_signals_for_both_platforms() -> None:
    from signage.ui.app import STOP_SIGNALS

    assert {"SIGTERM", "SIGINT", "SIGBREAK"} <= set(STOP_SIGNALS)
    assert any(hasattr(signal, name) for name in STOP_SIGNALS)


@pytest.mark.skipif(WINDOWS, reason="Ctrl+C cannot be sent to one child on Windows")
def test_the_kiosk_also_ends_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """SIGINT (Ctrl+C in a terminal) ends the run like SIGTERM does: pollers cancelled, exit 0."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SIGNAGE_LOG_DIR=str(tmp_path / "logs"),
        **temp_env(str(tmp_path)),
    )
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "signage", "run", "--demo"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **spawn_options(),
    )
    log = tmp_path / "logs" / "signage.log"
    deadline = time.monotonic() + 20
    while not (log.exists() and "sources, config" in log.read_text(encoding="utf-8")):
        assert kiosk.poll() is None and time.monotonic() < deadline, "the kiosk did not start"
        time.sleep(0.1)
    kiosk.send_signal(signal.SIGINT)
    assert kiosk.wait(timeout=15) == 0
    assert "Traceback" not in (kiosk.stderr.read() if kiosk.stderr else "")


@pytest.mark.parametrize("command", [["check", "{broken}"], ["agenda", "--demo", "--days", "2"]])
def test_a_console_without_japanese_gets_escapes_not_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    """An English Windows console, or output redirected to a file there, is cp1252 or cp437.
    Before: UnicodeEncodeError and exit 1 at the first Japanese character. Now: escapes."""
    broken = tmp_path / "broken.toml"
    broken.write_text('[school]\nname = "テスト小"\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    args = [part.format(broken=broken) for part in command]
    env = dict(os.environ, PYTHONIOENCODING="cp1252", PYTHONUTF8="0")
    done = subprocess.run(
        [sys.executable, "-m", "signage", *args], env=env, capture_output=True, timeout=120
    )
    output = (done.stdout + done.stderr).decode("cp1252")
    assert "Traceback" not in output, output
    if command[0] == "check":
        assert done.returncode == 2 and "broken.toml:3: school.timezone:" in output
    else:
        assert done.returncode == 0 and "\\u" in output
