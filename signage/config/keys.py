"""A config key's declaration (`Key`) and a table of them (`Table`): the words of the spec.

A leaf module, so that a source kind can declare its own keys beside its code without
importing the spec, the checker or anything that imports the kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Key", "Table"]


@dataclass(frozen=True)
class Key:
    """One key of a table.

    `type` is text, integer, number, boolean, time, date (an array item), array, table or
    tables (an array of tables). A number's `minimum` is exclusive (> 0), an integer's
    inclusive. `required` keys must be written; `merged_only`: a layer of a central config may
    leave it to a base layer. `path`: "file" (a local file) or "location" (a URL or a local
    path), relative to the file that wrote it. `kinds`: the source kinds that read it (a
    warning elsewhere), which the spec fills in from the kinds that declare the key. `help` is
    the short ja/en description (schema, editors); `doc`, `shown_type`, `default` and
    `example` are the README's columns.
    """

    name: str
    type: str
    help: tuple[str, str] = ("", "")
    doc: tuple[str, str] = ("", "")
    shown_type: str = ""
    default: str = ""
    example: str = ""
    required: bool = False
    merged_only: bool = False
    empty_ok: bool = False  # text: "" is a value (else "empty_value")
    strip: bool = False  # text: read without surrounding blanks
    choices: tuple[str, ...] = ()
    bad_choice: str = ""  # message for a value not among the choices
    any_case: bool = False  # a choice read in any case, never quoted back (it may be a token)
    minimum: int | None = None
    pattern: re.Pattern[str] | None = None
    bad_pattern: str = ""  # message for a value that does not match
    path: str | None = None
    kinds: tuple[str, ...] = ()
    item: Key | None = None  # array: each element
    min_items: int = 0
    table: Table | None = None  # table, tables: its keys
    examples: tuple[str, ...] = ()  # schema: values an editor may offer
    schema_pattern: str | None = None  # schema: a pattern for text the checker parses in code


@dataclass(frozen=True)
class Table:
    """The keys of a table, in the order the checker lists them ("known: …")."""

    name: str
    keys: tuple[Key, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys)

    def __getitem__(self, name: str) -> Key:
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)
