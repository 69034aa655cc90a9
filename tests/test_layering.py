"""The layering the design promises, read from the imports of every module (no import runs).

Qt only under signage/ui; the ui paints and forwards input, so it reaches no HTTP client,
source, poller, supervisor, network or central layer; sources know nothing of the screen,
the agenda, the central layers or the CLI; only `__main__` imports the CLI; and no two modules
import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "signage"
QT = ("PySide6", "qasync", "shiboken6")
NOT_FOR_THE_UI = (
    "httpx",
    "signage.sources",
    "signage.poller",
    "signage.supervisor",
    "signage.network",
    "signage.fetch",
    "signage.central",
    "signage.kiosk",
)
NOT_FOR_SOURCES = ("signage.ui", "signage.agenda", "signage.view", "signage.central", "signage.cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[str, int, str]]:
    """(module imported, line, when) for every import in the file, relative ones resolved;
    `from x import y` counts as importing x.y when y is a module of ours. `when` is "import"
    (runs when the module is imported), "deferred" (inside a function) or "typing" (under
    `if TYPE_CHECKING:`, never run)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, _module_level(tree)))
    typing = {id(n) for block in _type_checking_blocks(tree) for n in ast.walk(block)}
    for node in ast.walk(tree):
        level = "typing" if id(node) in typing else "import" if id(node) in top else "deferred"
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, level
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full if _is_ours(full) else base), node.lineno, level


def _module_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements run on import: the body, into if/try blocks, but not `if TYPE_CHECKING:`."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                stack.extend(handler.body)


def _type_checking_blocks(tree: ast.Module) -> Iterator[ast.If]:
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield node


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_ours(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(where: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for name, path in MODULES.items():
        if not _within(name, (where,)):
            continue
        for imported, line, _ in imports(path):
            if _within(imported, forbidden):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {imported}")
    return found


def test_qt_only_under_ui() -> None:
    found = []
    for name, path in MODULES.items():
        if _within(name, ("signage.ui",)):
            continue
        for imported, line, _ in imports(path):
            if _within(imported, QT):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {imported}")
    assert found == []


def test_ui_reaches_no_network_source_or_supervisor() -> None:
    assert violations("signage.ui", NOT_FOR_THE_UI) == []


def test_sources_know_nothing_of_the_screen() -> None:
    assert violations("signage.sources", NOT_FOR_SOURCES) == []


def test_only_main_imports_the_cli() -> None:
    found = [
        f"{name}:{line}"
        for name, path in MODULES.items()
        for imported, line, _ in imports(path)
        if imported == "signage.cli" and name not in ("signage.__main__", "signage.cli")
    ]
    assert found == []


def _graph(kinds: tuple[str, ...]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        graph[name] = {
            imported
            for imported, _, when in imports(path)
            if imported in MODULES and imported != name and when in kinds
        }
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop, if any (depth-first search with the path kept)."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (loop := visit(nxt)):
                return loop
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (loop := visit(node)):
            return loop
    return None


@pytest.mark.parametrize(
    "kinds", [("import",), ("import", "deferred")], ids=["on-import", "with-deferred"]
)
def test_no_import_cycles(kinds: tuple[str, ...]) -> None:
    """Not even through an import put off into a function (which only hides a loop)."""
    assert _cycle(_graph(kinds)) is None


def test_the_checker_sees_a_cycle() -> None:
    """The search above can fail: a loop of three is found."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
