"""The key spec (signage.config.spec) is the one source of truth: the README's key tables, the
central layers' path keys and the kinds agree with it, and reading a config stays light."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from signage.config import spec
from signage.config.docs import README, TABLES, render, update
from signage.config.spec import SOURCE_KINDS
from signage.panels import PANELS


def test_the_readme_key_tables_are_the_specs() -> None:
    text = README.read_text(encoding="utf-8")
    for name, table in TABLES.items():
        assert text.count(f"<!-- keys: {name} -->") == 1, name
        assert render(table) in text, name
    assert update(text) == text, "run: python -m signage.config.docs"


def test_every_key_is_described_in_japanese_and_english() -> None:
    def walk(table: spec.Table) -> list[spec.Key]:
        keys = list(table)
        for key in table:
            if key.table is not None:
                keys += walk(key.table)
        return keys

    for key in walk(spec.TOP):
        assert all(key.help), key.name
    for table in TABLES.values():
        for key in table:
            assert all(key.doc), (table.name, key.name)


def test_kinds_come_from_their_registries() -> None:
    from signage.sources import KINDS

    assert spec.SOURCES["kind"].choices == SOURCE_KINDS == tuple(KINDS)
    assert spec.PANELS["kind"].choices == tuple(kind.name for kind in PANELS)
    assert set(spec.SOURCES["private"].kinds) <= set(SOURCE_KINDS)


def test_path_values_finds_every_path_written() -> None:
    data = {
        "network": {"ca_bundle": "ca.pem", "trust": "system"},
        "sources": [
            {"id": "a", "url": "a.ics", "auth": {"type": "basic", "file": "pw.txt"}},
            "not a table",
            {"id": "b", "url": "https://x.example/b.ics"},
        ],
        "central": {"base": ["board.toml", 3], "auth": {"type": "bearer", "file": "t"}},
        "heartbeat": {"url": "https://x.example/hb", "auth": {"type": "bearer", "env": "T"}},
    }
    found = [(path, key.path) for path, _, _, key in spec.path_values(data)]
    assert found == [
        (("network", "ca_bundle"), "file"),
        (("sources", 0, "url"), "location"),
        (("sources", 0, "auth", "file"), "file"),
        (("sources", 2, "url"), "location"),
        (("central", "base", 0), "location"),
        (("central", "base", 1), "location"),
        (("central", "auth", "file"), "file"),
    ]


def test_checking_a_config_imports_no_http_calendar_or_qt() -> None:
    code = textwrap.dedent(
        """
        import sys
        from signage.config import check_text
        check_text('[school]\\nname = "x"\\n[[sources]]\\nid = "a"\\nkind = "ics"\\n'
                   'role = "events"\\nurl = "https://x.example/a.ics"\\n')
        heavy = {"httpx", "icalendar", "PySide6", "qasync"}
        print(sorted({name.split(".")[0] for name in sys.modules} & heavy))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
