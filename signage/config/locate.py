"""Where a key is: the line of a TOML text that wrote a key path, and how a path is shown.

tomllib gives no line numbers, so `LineLocator` maps every key path back to the line that wrote
it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Protocol

from signage.config.model import KeyPath

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_KEY})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_KEY})\s*\]")
_KEY_VALUE = re.compile(rf"^\s*({_KEY})\s*=\s*(.*)$")
_PART = re.compile(_KEY_PART)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _split_key(raw: str) -> tuple[str, ...]:
    parts: list[str] = []
    for match in _PART.finditer(raw):
        part = match.group(0)
        if part.startswith('"'):
            try:
                part = str(tomllib.loads(f"k = {part}")["k"])
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


class LineLocator:
    """Maps key paths such as ("sources", 2, "kind") to the line of a parsed TOML text.

    It reads table headers ([x], [[x]] with a running index per array), and `key =` lines with
    bare, quoted and dotted keys, skipping multi-line strings. A path it did not see (a key inside
    an inline table, an array element) falls back to its nearest seen parent, so an issue always
    points at the line that wrote the value. Meant only for text that tomllib accepted.
    """

    def __init__(self, source: str) -> None:
        self.lines: dict[KeyPath, int] = {}
        counts: dict[KeyPath, int] = {}
        table: KeyPath = ()
        closing: str | None = None  # delimiter of the multi-line string we are inside
        for number, line in enumerate(source.splitlines(), start=1):
            if closing is not None:
                if closing in line:
                    closing = None
                continue
            if match := _ARRAY_HEADER.match(line):
                parts = _split_key(match.group(1))
                array = self._resolve(parts[:-1], counts) + (parts[-1],)
                counts[array] = counts.get(array, 0) + 1
                table = array + (counts[array] - 1,)
                self._note(table, number)
            elif match := _TABLE_HEADER.match(line):
                table = self._resolve(_split_key(match.group(1)), counts)
                self._note(table, number)
            elif match := _KEY_VALUE.match(line):
                self._note(table + _split_key(match.group(1)), number)
                value = match.group(2)
                for delimiter in ('"""', "'''"):
                    if value.startswith(delimiter) and delimiter not in value[3:]:
                        closing = delimiter

    @staticmethod
    def _resolve(parts: Iterable[str], counts: Mapping[KeyPath, int]) -> KeyPath:
        """A header's path, with each array of tables on the way replaced by its latest entry."""
        path: KeyPath = ()
        for part in parts:
            path += (part,)
            if path in counts:
                path += (counts[path] - 1,)
        return path

    def _note(self, path: KeyPath, number: int) -> None:
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], number)
        self.lines[path] = number

    def line(self, path: KeyPath) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    def place(self, path: KeyPath) -> tuple[str | None, int, KeyPath]:
        """Where an issue at `path` is reported: (file, None for the checked file), line, path."""
        return None, self.line(path), path


class Places(Protocol):
    """Where the checker reports an issue at a key path: a `LineLocator` for one file, or a map
    over the layers of a merged config (signage.central), which names each layer's own file."""

    def line(self, path: KeyPath) -> int: ...

    def place(self, path: KeyPath) -> tuple[str | None, int, KeyPath]: ...


def format_key_path(path: KeyPath) -> str:
    """("sources", 2, "kind") -> "sources[2].kind"; odd keys are quoted as TOML would."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{name}" if out else name
    return out
