"""A config file as an admin edits it: get and set a dotted key, add and remove a source,
check through the same checker as `signage check`, and save atomically.

Built on tomlkit so that a save keeps the file's comments, blank lines and order: a school's
file is annotated by hand, and a tool that rewrote it whole would lose that. Shared by
`signage setup` (the form editor) and `signage config get|set` (IT's scripts).

A key is a dotted path as `check` prints it: `school.name`, `display.on`, `sources[2].url`
(counted from 0, as `check` counts). An entry of an array of tables may also be named by its id
(`sources.board-notices.url`), a panel by its kind (`panels.notices.seconds`), a period by its
label (`bell.periods.給食.end`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.items
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError

from signage.config.keys import Key
from signage.config.load import check_text, message_language, parse_config
from signage.config.locate import LineLocator, format_key_path
from signage.config.model import Config, Issue, KeyPath
from signage.config.spec import TOP
from signage.messages import text

__all__ = [
    "BrokenFile",
    "Document",
    "EditError",
    "parse_key",
    "parse_value",
    "show_value",
    "spec_key",
    "write_atomic",
]

_BOM = "\ufeff"
_PART = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^.\[\]"'\s]+))\s*""")
_INDEX = re.compile(r"\[\s*(\d+)\s*\]")
_HEADER = re.compile(r"""^\s*\[\[?\s*[A-Za-z0-9_"'-]""")
_COMMENT = re.compile(r"^\s*#")
# What names an entry of an array of tables when the path gives a name instead of an index.
_ENTRY_NAMES = ("id", "kind", "label")


class EditError(Exception):
    """A key or value that cannot be used, with the reason in the admin's language."""


@dataclass(frozen=True)
class BrokenFile(Exception):
    """A file that is not valid TOML (or not UTF-8): where, why, and its raw text to show."""

    issue: Issue
    raw: str

    def __str__(self) -> str:
        return self.issue.format()


def parse_key(key: str, lang: str = "ja") -> KeyPath:
    """`sources[2].url` -> ("sources", 2, "url"); `sources.gyouji.url` -> ("sources",
    "gyouji", "url") (an entry's name is resolved against the document)."""
    path: list[str | int] = []
    rest = key.strip()
    while rest:
        if match := _INDEX.match(rest):
            path.append(int(match.group(1)))
        elif (match := _PART.match(rest)) and match.group(0).strip():
            quoted, literal, bare = match.groups()
            if quoted is not None:  # a "…" key, escapes read as TOML reads them
                try:
                    part = str(tomllib.loads(f'k = "{quoted}"')["k"])
                except tomllib.TOMLDecodeError:
                    raise EditError(text(lang, "edit_bad_key", key=key)) from None
            else:
                part = literal if literal is not None else bare
            path.append(part)
        else:
            raise EditError(text(lang, "edit_bad_key", key=key))
        rest = rest[match.end() :]
        if rest.startswith("."):
            rest = rest[1:]
            if not rest:
                raise EditError(text(lang, "edit_bad_key", key=key))
    if not path or not isinstance(path[0], str):
        raise EditError(text(lang, "edit_bad_key", key=key))
    return tuple(path)


def spec_key(path: KeyPath) -> Key | None:
    """The spec's declaration of the key at `path` (indices and entry names skipped), or None
    for a key the spec does not know. Keys inside a free mapping (`fields.title`) are text."""
    table = TOP
    key: Key | None = None
    index = 0
    while index < len(path):
        part = path[index]
        if key is not None and key.type == "tables":
            index += 1  # the entry: an index or a name
            if index >= len(path):
                return key
            part = path[index]
        if key is not None and key.type == "table" and key.table is None:
            return Key(str(part), "text") if index == len(path) - 1 else None
        if key is not None and key.table is not None:
            table = key.table
        elif key is not None:
            return None
        if not isinstance(part, str) or part not in table.names:
            return None
        key = table[part]
        index += 1
    return key


_TRUE = ("true", "yes", "on", "1", "はい")
_FALSE = ("false", "no", "off", "0", "いいえ")


def parse_value(key: Key, raw: str, lang: str = "ja") -> Any:
    """The value of `raw` (as typed on a command line) for a key of this spec type. Text is
    taken as it is; an array or table is written as TOML (`["mon", "tue"]`), an array of text
    also as a comma-separated list. Whether the value is allowed is the checker's to say."""
    kind = key.type
    if kind in ("text", "time", "date"):
        return raw
    if kind == "integer":
        try:
            return int(raw.strip())
        except ValueError:
            raise EditError(text(lang, "edit_not_integer", value=raw)) from None
    if kind == "number":
        try:
            number = float(raw.strip())
        except ValueError:
            raise EditError(text(lang, "edit_not_number", value=raw)) from None
        return int(number) if number.is_integer() and "." not in raw else number
    if kind == "boolean":
        word = raw.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise EditError(text(lang, "edit_not_boolean", value=raw))
    if kind in ("array", "table"):
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            if kind == "array" and not raw.lstrip().startswith("["):
                return [part.strip() for part in raw.split(",") if part.strip()]
            raise EditError(text(lang, f"edit_not_{kind}", value=raw)) from None
        if isinstance(value, list if kind == "array" else dict):
            return value
        raise EditError(text(lang, f"edit_not_{kind}", value=raw))
    raise EditError(text(lang, "edit_whole_tables", key=key.name))


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader (the kiosk polling the file) sees the old file
    or the new one, never half of it: a temporary file beside it, flushed, then renamed over."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)  # the first save of %APPDATA%\signage\signage.toml
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):  # a new file keeps the default mode
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        _replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _replace(temporary: str, path: Path, tries: int = 20) -> None:
    """os.replace; on Windows a reader holding the file open (the kiosk reading it, an
    antivirus scan) makes it fail for a moment, so it is tried again for about a second."""
    for attempt in range(tries):
        try:
            os.replace(temporary, path)
            return
        except PermissionError:
            if attempt == tries - 1:
                raise
            time.sleep(0.05)


class Document:
    """One config file being edited: its tomlkit document, and the checker's verdict on it."""

    def __init__(self, path: Path, source: str, lang: str | None = None) -> None:
        self.path = Path(path)
        self.lang = message_language(lang)
        self._bom = source.startswith(_BOM)
        self.original = source.removeprefix(_BOM)
        data, issues = parse_config(self.original, str(self.path), self.lang)
        if data is None:
            raise BrokenFile(issues[0], self.original)
        try:
            self.doc = tomlkit.parse(self.original)
        except TOMLKitError as error:  # tomllib accepted it: not expected, but say where
            line = getattr(error, "line", 1)
            issue = Issue(str(self.path), line, "(syntax)", str(error))
            raise BrokenFile(issue, self.original) from None

    @classmethod
    def open(cls, path: Path, lang: str | None = None) -> Document:
        """The file at `path`; BrokenFile when it is not UTF-8 or not valid TOML."""
        path = Path(path)
        language = message_language(lang)
        raw = path.read_bytes()
        try:
            source = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            issue = Issue(str(path), line, "(file)", text(language, "not_utf8"))
            raise BrokenFile(issue, raw.decode("utf-8", errors="replace")) from None
        return cls(path, source, lang)

    # --- reading and writing keys -------------------------------------------------------

    def text(self) -> str:
        """The file as it would be saved."""
        return tomlkit.dumps(self.doc)

    @property
    def changed(self) -> bool:
        return self.text() != self.original

    def resolve(self, path: KeyPath) -> KeyPath:
        """`path` with each entry name of an array of tables replaced by its index."""
        out: list[str | int] = []
        node: Any = self.doc
        for part in path:
            if isinstance(node, list) and isinstance(part, str):
                index = self._entry_index(node, part)
                if index is None:
                    raise EditError(text(self.lang, "edit_no_entry", key=_show(path), name=part))
                part = index
            out.append(part)
            node = _child(node, part)
        return tuple(out)

    @staticmethod
    def _entry_index(entries: list[Any], name: str) -> int | None:
        for field in _ENTRY_NAMES:
            for index, entry in enumerate(entries):
                if isinstance(entry, dict) and entry.get(field) == name:
                    return index
        return None

    def key_of(self, key: str | KeyPath) -> tuple[KeyPath, Key]:
        """The resolved path and spec of a key; EditError for one the spec does not know."""
        path = parse_key(key, self.lang) if isinstance(key, str) else key
        spec = spec_key(path)
        if spec is None:
            raise EditError(text(self.lang, "edit_unknown_key", key=_show(path)))
        return self.resolve(path), spec

    def get(self, key: str | KeyPath) -> Any:
        """The plain value at `key` (str, int, float, bool, list, dict), or None if unset."""
        path, _ = self.key_of(key)
        node: Any = self.doc
        for part in path:
            node = _child(node, part)
            if node is None:
                return None
        return _plain(node)

    def set(self, key: str | KeyPath, value: Any) -> None:
        """Write `value` at `key`, creating the tables on the way. None removes the key."""
        path, _ = self.key_of(key)
        parent: Any = self.doc
        chain: list[tuple[Any, str | int]] = []  # each table on the way, and its key there
        for depth, part in enumerate(path[:-1]):
            chain.append((parent, part))
            child = _child(parent, part)
            if child is None:
                if value is None:
                    return
                if isinstance(part, int):
                    raise EditError(text(self.lang, "edit_no_entry", key=_show(path), name=part))
                child = tomlkit.table() if depth == 0 else tomlkit.inline_table()
                parent[part] = child
                child = parent[part]
            parent = child
        last = path[-1]
        before = _child(parent, last)
        if value is None:
            if before is not None:
                del parent[last]
            # a small table left empty goes too (`auth = {}` would be a login without a type)
            for holder, part in reversed(chain):
                child = _child(holder, part)
                if not isinstance(child, tomlkit.items.InlineTable) or len(child):
                    break
                del holder[part]
            return
        if before is None and isinstance(last, str):
            _add_key(parent, last, _item(value, None))
        else:
            parent[last] = _item(value, before)

    def set_text(self, key: str, raw: str) -> None:
        """`config set`: `raw` read as the spec's type for `key`, then written."""
        path, spec = self.key_of(key)
        self.set(path, parse_value(spec, raw, self.lang))

    # --- arrays of tables ---------------------------------------------------------------

    def entries(self, name: str) -> list[dict[str, Any]]:
        """The entries of an array of tables (`sources`, `panels`) as plain dicts."""
        value = self._array(name)
        return [_plain(entry) for entry in value] if isinstance(value, list) else []

    def _array(self, name: str) -> Any:
        node: Any = self.doc
        for part in name.split("."):
            node = _child(node, part)
        return node

    def add_entry(self, name: str, values: dict[str, Any]) -> int:
        """Append an entry to `sources`, `panels` or `bell.periods` (after the last one); its
        index."""
        array = self._array(name)
        table = tomlkit.table()
        for key, value in values.items():
            table[key] = value
        if isinstance(array, tomlkit.items.AoT):
            _take_trailing(array[-1], table) if len(array) else None
            array.append(table)
            return len(array) - 1
        *parents, last = name.split(".")
        if self.doc.as_string().strip() and not self.doc.as_string().endswith("\n\n"):
            self.doc.add(tomlkit.nl())
        holder: Any = self.doc
        for part in parents:
            if _child(holder, part) is None:
                holder[part] = tomlkit.table()
            holder = holder[part]
        holder.append(last, tomlkit.aot())
        holder[last].append(table)
        return 0

    def remove_entry(self, name: str, index: int) -> None:
        """Remove an entry's header and keys, and the comments among them; the comments and
        blank lines after its last key stay (they introduce what follows)."""
        array = self._array(name)
        if not isinstance(array, list) or not 0 <= index < len(array):
            return
        text = self.text()
        start = LineLocator(text).lines.get((*name.split("."), index))
        if start is None:  # not written as [[…]] (an inline array of tables): as a value
            del array[index]
            return
        lines = text.splitlines(keepends=True)
        end = next((n for n in range(start, len(lines)) if _HEADER.match(lines[n])), len(lines))
        while end > start and (not lines[end - 1].strip() or _COMMENT.match(lines[end - 1])):
            end -= 1
        del lines[start - 1 : end]
        at = start - 1  # one blank line where the entry was, not two
        if 0 < at < len(lines) and not lines[at].strip() and not lines[at - 1].strip():
            del lines[at]
        self.doc = tomlkit.parse("".join(lines))

    def move_entry(self, name: str, index: int, to: int) -> None:
        """Move an entry of `panels` (the rotation's order) or `bell.periods` to `to`."""
        array = self._array(name)
        if not (isinstance(array, list) and 0 <= index < len(array) and 0 <= to < len(array)):
            return
        values = [_plain(entry) for entry in array]
        values.insert(to, values.pop(index))
        # The keys move, the comments between the entries stay where they are: the ones after
        # the last period introduce the next section, not the period.
        for position in range(min(index, to), max(index, to) + 1):
            old = array[position]
            new = tomlkit.table() if isinstance(old, tomlkit.items.Table) else _inline({})
            for key, value in values[position].items():
                new[key] = _inline(value)
            if isinstance(old, tomlkit.items.Table):
                _take_trailing(old, new, blank=False)
            del array[position]
            array.insert(position, new)

    # --- checking and saving ------------------------------------------------------------

    def check(self) -> tuple[Config | None, list[Issue]]:
        """What `signage check` says about the file as it would be saved, and the config it
        would run with (None when there is an error)."""
        return check_text(self.text(), str(self.path), self.path.parent, self.lang)

    def issues(self) -> list[Issue]:
        return self.check()[1]

    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues() if issue.severity == "error"]

    def save(self) -> list[Issue]:
        """Write the file atomically unless the checker finds an error; the errors (nothing
        written) or [] (written)."""
        errors = self.errors()
        if errors:
            return errors
        saved = self.text()
        write_atomic(self.path, ((_BOM if self._bom else "") + saved).encode("utf-8"))
        self.original = saved
        return []


def _show(path: Sequence[str | int]) -> str:
    return format_key_path(tuple(path))


def _child(node: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and 0 <= part < len(node) else None
    if isinstance(node, dict | Container):
        return node.get(part)
    return None


def _plain(node: Any) -> Any:
    """A tomlkit item as plain Python (tomlkit's own types stay out of the callers)."""
    if hasattr(node, "unwrap"):
        return node.unwrap()
    return node


def _take_trailing(last: Any, new: Any, blank: bool = True) -> None:
    """Move the comments and blank lines that end the last entry (they introduce what
    follows it: a commented-out example, the next section) to the end of the new entry, so
    the new one is written right under the last, with a blank line between."""
    body = last.value.body
    keys = [i for i, (k, _) in enumerate(body) if k is not None]
    if not keys or keys[-1] == len(body) - 1:
        return
    trailing = body[keys[-1] + 1 :]
    del body[keys[-1] + 1 :]
    if blank:
        body.append((None, tomlkit.items.Whitespace("\n")))
    new.value.body.extend(trailing)


def _add_key(parent: Any, key: str, item: Any) -> None:
    """A new key of a table, written under the table's last key: before the comments and
    blank lines that end the table (they introduce what follows), and before its sub-tables
    ([[bell.periods]]), where it would belong to the last of them."""
    container = parent if isinstance(parent, Container) else getattr(parent, "value", None)
    if isinstance(parent, tomlkit.items.InlineTable) or not isinstance(container, Container):
        parent[key] = item
        return
    body = container.body
    tables = (tomlkit.items.Table, tomlkit.items.AoT)
    first_table = next((i for i, (_, v) in enumerate(body) if isinstance(v, tables)), len(body))
    keys = [i for i, (k, _) in enumerate(body[:first_table]) if k is not None]
    at = keys[-1] + 1 if keys else 0
    if at >= len(body) or isinstance(parent, tomlkit.TOMLDocument):
        parent[key] = item
    else:
        container._insert_at(at, key, item)


def _inline(value: Any) -> Any:
    """A value as one line of TOML: a table as an inline table (`auth = { type = … }`), never
    a new [section] that would land far from the key it belongs to."""
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, inner in value.items():
            table[key] = _inline(inner)
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(_inline(inner) for inner in value)
        return array
    return tomlkit.item(value)


def _item(value: Any, before: Any) -> Any:
    """The tomlkit item for `value`, keeping the comment that followed the old value on its
    line (`refresh_minutes = 15  # every 15 minutes`)."""
    item = _inline(value)
    trivia = getattr(before, "trivia", None)
    if trivia is not None and trivia.comment and hasattr(item, "trivia"):
        item.trivia.comment_ws = trivia.comment_ws
        item.trivia.comment = trivia.comment
    return item


def show_value(value: Any) -> str:
    """A value as `config get` prints it: text as it is (for scripts), anything else as TOML."""
    if isinstance(value, str):
        return value
    return str(_inline(value).as_string())
