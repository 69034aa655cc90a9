"""`signage schema`: a JSON Schema (draft 2020-12) of the config, for editors.

Derived from the key spec (`signage.config.spec`): the same keys, types, choices, limits,
patterns and descriptions as `signage check`, so it cannot drift from it.

The schema checks one file on its own, like one layer of a central config: keys, types and
choices. What needs the other keys or the disk (on with off, files that exist, a time zone's
name) stays with `signage check`, which remains the authority.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from signage.config.model import FIELD_NAMES, VALUE_CHOICES, WEEKDAYS
from signage.config.spec import DAY_NAMES, FIELD_HELP, TOP, Key, Table
from signage.model import ROLES
from signage.sources import KINDS

__all__ = ["build_schema", "schema_json"]

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_TIME = (
    # 8:20, 08:20, and the same in full-width digits as typed with an IME (NFKC in the checker)
    r"^\s*(?:(?:[01０１]?[0-9０-９]|[2２][0-3０-３])[:：][0-5０-５][0-9０-９]"
    r"|[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)\s*$"  # a TOML time, as an editor shows it
)
_DAY = r"[0-9０-９]{4}[-/－／][0-9０-９]{1,2}[-/－／][0-9０-９]{1,2}"
_DATE_OR_RANGE = rf"^\s*{_DAY}(?:\s*(?:\.\.|~|〜|～)\s*{_DAY})?\s*$"


def _say(help: tuple[str, str]) -> str:
    ja, en = help
    return f"{ja} / {en}"


def _text(non_empty: bool = True, **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if non_empty and "pattern" not in extra and "enum" not in extra:
        schema["pattern"] = r"\S"
    return schema


def _caseless(words: Iterable[str]) -> str:
    """A pattern of the words in any case (ECMA and Rust regexes have no portable (?i))."""

    def letters(word: str) -> str:
        return "".join(
            f"[{ch.lower()}{ch.upper()}]" if ch.isascii() and ch.isalpha() else _escape(ch)
            for ch in word
        )

    return r"^\s*(?:" + "|".join(letters(word) for word in words) + r")\s*$"


def _escape(ch: str) -> str:
    return "\\" + ch if ch in r".^$*+?()[]{}|\/-" else ch


def _choice_any_case(words: tuple[str, ...], all_spellings: Iterable[str]) -> Schema:
    """The canonical words for completion; any case (and the other spellings) for validation."""
    return {"anyOf": [{"enum": list(words)}, _text(pattern=_caseless(all_spellings))]}


def _field_map() -> Schema:
    """`fields`: our field name -> the vendor's name."""
    properties = {name: {"description": _say(FIELD_HELP[name]), **_text()} for name in FIELD_NAMES}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _value_maps() -> Schema:
    """`values`: per field, the vendor's word -> ours (one of ours where ours is a fixed set)."""
    properties = {
        name: {
            "description": _say(FIELD_HELP[name]),
            "type": "object",
            "additionalProperties": (
                {"enum": list(VALUE_CHOICES[name])} if name in VALUE_CHOICES else {"type": "string"}
            ),
        }
        for name in FIELD_NAMES
    }
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _text_schema(key: Key) -> Schema:
    if key.name == "weekday":
        return _choice_any_case(WEEKDAYS + tuple("月火水木金土日"), DAY_NAMES)
    if key.choices:
        if key.any_case:
            return _choice_any_case(key.choices, key.choices)
        return {"enum": list(key.choices)}
    extra: Schema = {"examples": list(key.examples)} if key.examples else {}
    pattern = key.pattern.pattern if key.pattern is not None else key.schema_pattern
    if pattern is not None:
        return _text(pattern=pattern, **extra)
    return _text(non_empty=not key.empty_ok, **extra)


def _key_schema(key: Key) -> Schema:
    """The schema of one key's value."""
    if key.type == "text":
        return _text_schema(key)
    if key.type == "time":
        return _text(pattern=_TIME)
    if key.type == "date":
        return _text(pattern=_DATE_OR_RANGE)
    if key.type == "boolean":
        return {"type": "boolean"}
    if key.type == "integer":
        return {"type": "integer", "minimum": key.minimum}
    if key.type == "number":
        return {"type": "number", "exclusiveMinimum": key.minimum}
    if key.type == "table" and key.name == "fields":
        return _field_map()
    if key.type == "table" and key.name == "values":
        return _value_maps()
    if key.type == "table" and key.table is not None:
        return _table(key.table)
    least = {"minItems": key.min_items} if key.min_items else {}
    if key.type == "array" and key.item is not None:
        return {"type": "array", "items": _key_schema(key.item), **least}
    if key.type == "tables" and key.table is not None:
        return {"type": "array", **least, "items": _table(key.table)}
    raise ValueError(f"no schema for {key.name} ({key.type})")


def _table(table: Table) -> Schema:
    """A table whose keys are exactly the spec's (no other key is accepted)."""
    properties = {key.name: {"description": _say(key.help), **_key_schema(key)} for key in table}
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    # kind, role and url are needed too, unless the source refines a base layer's source of the
    # same id (central configuration): `signage check` sees the merged config.
    required = [key.name for key in table if key.required and not key.merged_only]
    if required:
        schema["required"] = required
    return schema | _RULES.get(table.name, {})


# Rules between keys, as far as a schema can say them.
_RULES: dict[str, Schema] = {
    "auth": {
        "oneOf": [{"required": ["env"]}, {"required": ["file"]}],
        "allOf": [
            {
                "if": {"properties": {"type": {"const": "basic"}}, "required": ["type"]},
                "then": {"required": ["user"]},
            },
            {
                "if": {"properties": {"type": {"const": "bearer"}}, "required": ["type"]},
                "then": {"not": {"required": ["user"]}},
            },
        ],
    },
}


def _kinds_roles() -> Schema:
    """The roles of a kind that cannot serve them all (a folder: notices), and the `auth`
    types each kind takes (a feed's bearer or basic; the cloud calendars' own)."""
    rules = [
        _when_kind(kind.name, {"role": _one_of(kind.roles)})
        for kind in KINDS.values()
        if set(ROLES) - set(kind.roles)
    ] + [
        _when_kind(kind.name, {"auth": {"properties": {"type": _one_of(kind.auth_types)}}})
        for kind in KINDS.values()
    ]
    return {"allOf": rules} if rules else {}


def _when_kind(name: str, properties: Schema) -> Schema:
    return {
        "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
        "then": {"properties": properties},
    }


def _one_of(words: tuple[str, ...]) -> Schema:
    return {"const": words[0]} if len(words) == 1 else {"enum": list(words)}


_RULES["sources"] = _kinds_roles()


def build_schema() -> Schema:
    """The JSON Schema of a config file (one layer of a central config, or a whole one)."""
    return {
        "$schema": DRAFT,
        "title": "signage.toml",
        "description": (
            "職員室サイネージの設定ファイル（configs/README.md）。最終的な確認は signage check。"
            " / Staff-room signage config; `signage check` has the last word."
        ),
        **_table(TOP),
    }


def schema_json(ensure_ascii: bool = False) -> str:
    return json.dumps(build_schema(), ensure_ascii=ensure_ascii, indent=2)
