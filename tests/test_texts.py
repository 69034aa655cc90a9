"""Every on-screen text lives in signage/messages.py, where a translator reads them all."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from signage.messages import SCREEN

PACKAGE = Path(__file__).resolve().parent.parent / "signage"
# The modules that put text on the screen (or in `signage agenda`'s output).
SCREEN_FACING = (
    "view.py",
    "presenter.py",
    "ui",
    "agenda.py",
    "schedule.py",
    "supervisor.py",
    "panels.py",
)
# Japanese words: kana and kanji. Punctuation and spaces alone (（）、・ and the ideographic
# space joining notes) are typography, not text to translate.
JAPANESE = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
ALLOWED = {
    # jpholiday's own name for a substitute holiday, read to recognise one.
    ("schedule.py", "振替休日"),
    # A font's name, not a text.
    ("ui/fonts.py", "BIZ UDPゴシック"),
}


def _modules(*names: str) -> list[Path]:
    paths: list[Path] = []
    for name in names:
        path = PACKAGE / name
        paths.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return paths


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module (f-string parts too), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_japanese_text_outside_messages() -> None:
    found = []
    for path in _modules(*SCREEN_FACING):
        where = path.relative_to(PACKAGE).as_posix()
        for line, value in _strings(path):
            if JAPANESE.search(value) and (where, value) not in ALLOWED:
                found.append(f"signage/{where}:{line}: {value!r}")
    assert not found, "move these texts into signage/messages.py SCREEN:\n" + "\n".join(found)


def test_every_screen_text_is_used() -> None:
    used = {
        value for path in _modules(".") if path.name != "messages.py" for _, value in _strings(path)
    }
    assert sorted(set(SCREEN) - used) == []


def test_screen_texts_fill_in() -> None:
    """Each text formats with its own placeholders (a stray brace would break the screen)."""
    for key, value in SCREEN.items():
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        assert value.format(**dict.fromkeys(names, "x")), key
