"""The key tables of configs/README.md, rendered from the key spec.

Each table sits between `<!-- keys: NAME -->` and `<!-- /keys -->` in the README; the prose
around it is hand-written. `python -m signage.config.docs` rewrites the tables in place (and
`--check` only says whether they are out of date); a test fails when they disagree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from signage.config.spec import (
    AUTH,
    BELL,
    CENTRAL,
    DISPLAY,
    HEARTBEAT,
    NETWORK,
    PANELS,
    PERIODS,
    SCHEDULES,
    SCHOOL,
    SOURCES,
    VISITS,
    Key,
    Table,
)

__all__ = ["README", "TABLES", "render", "update"]

README = Path(__file__).resolve().parents[2] / "configs" / "README.md"

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        SCHOOL,
        DISPLAY,
        VISITS,
        BELL,
        PERIODS,
        SCHEDULES,
        SOURCES,
        PANELS,
        AUTH,
        NETWORK,
        CENTRAL,
        HEARTBEAT,
    )
}

_BLOCK = re.compile(r"<!-- keys: ([\w.]+) -->\n.*?<!-- /keys -->", re.DOTALL)
_REQUIRED = "**必須** required"


def _meaning(key: Key) -> str:
    """The key's doc; a key only some source kinds read starts with their names."""
    ja, en = key.doc
    if key.kinds:
        ja = "・".join(f"`{kind}`" for kind in key.kinds) + " のみ。" + ja
        en = ", ".join(key.kinds) + " only: " + en
    return f"{ja}<br>{en}"


def render(table: Table) -> str:
    """The Markdown table of `table`'s keys: key, type, default, meaning, example; or key and
    meaning alone for a table whose keys show no type (auth, described beside its example)."""
    if not any(key.shown_type for key in table):
        lines = ["| キー / key | 意味 / meaning |", "|---|---|"]
        lines += [f"| `{key.name}` | {_meaning(key)} |" for key in table]
        return "\n".join(lines) + "\n"
    lines = [
        "| キー / key | 型 / type | 既定 / default | 意味 / meaning | 例 / example |",
        "|---|---|---|---|---|",
    ]
    for key in table:
        default = _REQUIRED if key.required else key.default
        cells = (f"`{key.name}`", key.shown_type, default, _meaning(key), key.example)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def update(text: str) -> str:
    """`text` (the README) with every marked table rendered afresh."""

    def table(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<!-- keys: {name} -->\n\n{render(TABLES[name])}\n<!-- /keys -->"

    return _BLOCK.sub(table, text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    current = README.read_text(encoding="utf-8")
    fresh = update(current)
    if "--check" in args:
        if fresh != current:
            print(f"{README}: the key tables differ from signage/config/spec.py", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        README.write_text(fresh, encoding="utf-8")
        print(f"{README}: key tables rewritten")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
