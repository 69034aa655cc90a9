"""The checker's generic part: read a key as its spec says (type, "number in quotes", choices
with a did-you-mean hint, limits, pattern, items of an array), report unknown keys and keys in
the wrong section. What a key means beside the others is in `check`.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time
from typing import Any

from signage.config.locate import Places, format_key_path
from signage.config.model import Issue, KeyPath
from signage.config.spec import SECTIONS, Key, Table
from signage.messages import text

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def suggest(value: str, choices: Iterable[str]) -> str | None:
    """The closest choice, ignoring case, for a "did you mean" hint."""
    by_lower = {choice.lower(): choice for choice in choices}
    found = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def parse_time(value: object) -> time | None:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        return None
    # NFKC turns full-width "０８：２０", easy to type with a Japanese IME, into "08:20".
    match = _TIME.match(unicodedata.normalize("NFKC", value).strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _is_type(kind: str, value: object) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "table":
        return isinstance(value, dict)
    if kind in ("array", "tables"):
        return isinstance(value, list)
    if kind == "time":
        return isinstance(value, str | time)
    if kind == "date":  # an item of `closed`: a TOML date, or text the checker reads
        return isinstance(value, str) or (
            isinstance(value, date) and not isinstance(value, datetime)
        )
    if kind == "boolean":
        return isinstance(value, bool)
    raise ValueError(kind)


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


class Reader:
    """Collects issues, each placed by `places`, in the language `lang`."""

    def __init__(self, file: str, locator: Places, lang: str, partial: bool = False) -> None:
        self.file = file
        self.locator = locator
        self.lang = lang
        # A layer of a central config, checked on its own: what another layer may complete
        # (`Key.merged_only`, and rules between keys) is left to the check of the merged config.
        self.partial = partial
        self.issues: list[Issue] = []

    # Reporting.

    def say(self, message: str, /, **fields: object) -> str:
        return text(self.lang, message, **fields)

    def report(
        self, path: KeyPath, message: str, *, line: int | None = None, severity: str = "error"
    ) -> None:
        file, where, shown = self.locator.place(path)
        if line is not None:
            where = line
        self.issues.append(
            Issue(file or self.file, where, format_key_path(shown), message, severity)
        )

    def hint(self, value: str, choices: Iterable[str]) -> str:
        suggestion = suggest(value, choices)
        return self.say("did_you_mean", suggestion=suggestion) if suggestion else ""

    def describe(self, value: object) -> str:
        """A value as the admin wrote it, for "found …" in messages."""
        if isinstance(value, str):
            return f'"{value}"'
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict):
            return self.say("type.table")
        if isinstance(value, list):
            return self.say("type.array")
        if isinstance(value, date | time | datetime):
            return value.isoformat()
        return str(value)

    # Tables.

    def unknown_keys(self, table: Mapping[str, Any], path: KeyPath, allowed: Table) -> None:
        names = allowed.names
        for key in table:
            if key in names:
                continue
            section = next(
                (section.name for section in SECTIONS if not path and key in section.names), None
            )
            if section is not None:
                message = self.say("key_in_wrong_place", key=key, section=section)
            else:
                message = self.say("unknown_key", key=key, known=", ".join(names))
                message += self.hint(key, names)
            self.report(path + (key,), message)

    def tables(self, table: Mapping[str, Any], path: KeyPath, key: str) -> list[Any] | None:
        """An array of tables ([[key]]); each entry is checked to be a table."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, list):
            self.report(
                path + (key,), self.say("tables_expected", key=format_key_path(path + (key,)))
            )
            return None
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                full = path + (key,)
                self.report(full + (index,), self.say("tables_expected", key=format_key_path(full)))
        return value

    # Values.

    def get(self, table: Mapping[str, Any], path: KeyPath, key: Key, *, match: bool = True) -> Any:
        """The value of `key` as its spec allows, else None (after reporting). A time is read
        into a `time`; `match=False` leaves the pattern to `matches` (to report in order)."""
        required = key.required and not (key.merged_only and self.partial)
        if key.name not in table:
            if required:
                self.report(
                    path + (key.name,),
                    self.say("missing_key", key=key.name),
                    line=self.locator.line(path),
                )
            return None
        return self.check(table[key.name], path + (key.name,), key, match=match)

    def check(self, value: Any, where: KeyPath, key: Key, *, match: bool = True) -> Any:
        """`value`, written at `where`, checked against `key`'s spec."""
        if key.any_case:
            return self.any_case(value, where, key)
        if not _is_type(key.type, value):
            numeric = key.type in ("number", "integer") and isinstance(value, str)
            if numeric and _looks_numeric(value):
                message = self.say("number_in_quotes", key=key.name, value=value.strip())
            else:
                expected = self.say(f"type.{key.type}")
                message = self.say("wrong_type", expected=expected, actual=self.describe(value))
            self.report(where, message)
            return None
        if key.choices:
            if value in key.choices:
                return value
            message = self.say(key.bad_choice, value=value, known=", ".join(key.choices))
            self.report(where, message + self.hint(value, key.choices))
            return None
        if key.type == "text":
            if not key.empty_ok and not value.strip():
                self.report(where, self.say("empty_value"))
                return None
            return self.matches(value, where, key) if match else value
        if key.type == "time":
            parsed = parse_time(value)
            if parsed is None:
                self.report(where, self.say("bad_time", value=value))
            return parsed
        if key.minimum is not None:
            return self.at_least(value, where, key)
        return value

    def matches(self, value: str | None, where: KeyPath, key: Key) -> str | None:
        """Text against the key's pattern (stripped first when `Key.strip`)."""
        if value is None:
            return None
        read = value.strip() if key.strip else value
        if key.pattern is not None and not key.pattern.match(read):
            self.report(where, self.say(key.bad_pattern, value=value))
            return None
        return read

    def at_least(self, value: float, where: KeyPath, key: Key) -> float | None:
        """A number above its minimum (exclusive), an integer at least its minimum."""
        assert key.minimum is not None
        if key.type == "integer":
            if value < key.minimum:
                self.report(where, self.say("too_small", value=value, minimum=key.minimum))
                return None
            return int(value)
        if not (math.isfinite(value) and value > key.minimum):
            self.report(where, self.say("not_positive", value=self.describe(value)))
            return None
        return float(value)

    def any_case(self, value: Any, where: KeyPath, key: Key) -> str | None:
        """A choice in any case, never quoting a wrong value (it may be a token)."""
        if isinstance(value, str) and value.strip().lower() in key.choices:
            return value.strip().lower()
        message = self.say(key.bad_choice, known=", ".join(key.choices))
        if isinstance(value, str):
            message += self.hint(value, key.choices)
        self.report(where, message)
        return None

    def items(
        self, table: Mapping[str, Any], path: KeyPath, key: Key
    ) -> Iterator[tuple[KeyPath, Any]] | None:
        """The valid items of an array, each with where it is, checked as they are taken (so
        issues come in the file's order); None when the array is absent, not an array or
        emptier than `Key.min_items` allows."""
        values = self.get(table, path, key)
        if values is None:
            return None
        if len(values) < key.min_items:
            self.report(path + (key.name,), self.say("empty_list"))
            return None
        assert key.item is not None
        return self._each(values, path + (key.name,), key.item)

    def _each(self, values: list[Any], at: KeyPath, item: Key) -> Iterator[tuple[KeyPath, Any]]:
        for index, value in enumerate(values):
            checked = self.check(value, at + (index,), item)
            if checked is not None:
                yield at + (index,), checked
