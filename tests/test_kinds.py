"""A source kind is one module plus one line in the registry (signage.sources.KINDS): its keys
reach the checker, `signage schema` and the README's tables, its roles the checker's rule, and
either import order works."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from signage.config import spec
from signage.model import ROLES
from signage.sources import KINDS

# A kind as a new module would declare it: a key of its own, one role, and the connectors'
# shared `fields` (declared once in signage.sources.fields).
FAKE_KIND = """
from datetime import datetime

from signage.config.keys import Key
from signage.sources.base import Parsed, Source
from signage.sources.fields import FIELDS
from signage.sources.kind import Kind


class PollenSource(Source):
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        return Parsed(())


STATION = Key(
    "station",
    "text",
    help=("観測地点の番号", "Observation point"),
    doc=("花粉の観測地点。", "the observation point."),
    shown_type="文字列 text",
    example='`"43241"`',
    pattern=__import__("re").compile(r"^[0-9]{5}$"),
    bad_pattern="bad_id",
)
KIND = Kind("pollen", ("花粉", "pollen"), PollenSource, ("notices",), (STATION, FIELDS))
"""

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import fakekind
import signage.sources
signage.sources.KINDS[fakekind.KIND.name] = fakekind.KIND  # the registry's one line

from signage.config import check_text, spec
from signage.config.docs import render
from signage.config.schema import build_schema

def issues(body):
    _, found = check_text(body, lang="en")
    return [(issue.key, issue.severity, issue.message) for issue in found]

head = '[[sources]]\\nid = "w"\\nrole = "notices"\\nurl = "https://x.example/w"\\n'
config, _ = check_text(head + 'kind = "pollen"\\nstation = "43241"\\n')
sources = build_schema()["properties"]["sources"]["items"]
print(json.dumps({
    "kinds": spec.SOURCE_KINDS,
    "station_kinds": spec.SOURCES["station"].kinds,
    "fields_kinds": spec.SOURCES["fields"].kinds,
    "options": dict(config.sources[0].options) if config else None,
    "bad_station": issues(head + 'kind = "pollen"\\nstation = "x"\\n'),
    "station_on_ics": issues(head + 'kind = "ics"\\nstation = "43241"\\n'),
    "wrong_role": issues(head.replace("notices", "events") + 'kind = "pollen"\\n'),
    "schema_kinds": sources["properties"]["kind"]["enum"],
    "schema_station": sources["properties"]["station"],
    "schema_roles": sources["allOf"],
    "docs": render(spec.SOURCES),
}))
"""


def run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("kind")
    (folder / "fakekind.py").write_text(FAKE_KIND, encoding="utf-8")
    found: dict[str, Any] = json.loads(run(PROBE, str(folder)))
    return found


def test_a_registered_kind_is_accepted_with_its_keys(probe: dict[str, Any]) -> None:
    assert probe["kinds"] == [
        "ics",
        "json",
        "csv",
        "folder",
        "m365",
        "google",
        "jma_warnings",
        "wbgt",
        "pollen",
    ]
    assert probe["station_kinds"] == ["pollen"]
    assert probe["fields_kinds"] == ["json", "csv", "folder", "pollen"]
    assert probe["options"] == {"station": "43241"}


def test_the_checker_reads_a_new_kinds_keys_and_roles(probe: dict[str, Any]) -> None:
    assert [(key, severity) for key, severity, _ in probe["bad_station"]] == [
        ("sources[0].station", "error")
    ]
    assert probe["station_on_ics"] == [
        [
            "sources[0].station",
            "warning",
            "station only applies to kind = pollen sources; this line has no effect.",
        ]
    ]
    assert probe["wrong_role"] == [
        [
            "sources[0].role",
            "error",
            'a kind = "pollen" source only reads notices; set role = "notices" (now "events").',
        ]
    ]


def test_a_new_kind_is_in_the_schema_and_the_docs(probe: dict[str, Any]) -> None:
    assert probe["schema_kinds"][-1] == "pollen"
    assert probe["schema_station"] == {
        "description": "観測地点の番号 / Observation point",
        "type": "string",
        "pattern": "^[0-9]{5}$",
    }
    pollen_rule = {
        "if": {"properties": {"kind": {"const": "pollen"}}, "required": ["kind"]},
        "then": {"properties": {"role": {"const": "notices"}}},
    }
    assert pollen_rule in probe["schema_roles"]
    row = next(line for line in probe["docs"].splitlines() if line.startswith("| `station` |"))
    assert "`pollen` のみ。花粉の観測地点。<br>pollen only: the observation point." in row
    kind_row = next(line for line in probe["docs"].splitlines() if line.startswith("| `kind` |"))
    assert "`pollen`（花粉）" in kind_row and "`pollen` (pollen)" in kind_row


def test_every_kinds_keys_reach_the_spec() -> None:
    for kind in KINDS.values():
        assert kind.roles and set(kind.roles) <= set(ROLES), kind.name
        for key in kind.keys:
            assert kind.name in spec.SOURCES[key.name].kinds, (kind.name, key.name)
    assert spec.SOURCES["kind"].choices == tuple(KINDS)


@pytest.mark.parametrize(
    "first",
    ["signage.sources.ics", "signage.sources", "signage.config", "signage.config.spec"],
)
def test_either_import_order_works(first: str) -> None:
    """The kinds import config.model and config.keys; the spec imports the kinds: whichever
    comes first, there is no loop at run time (the checker is imported lazily)."""
    code = textwrap.dedent(
        f"""
        import importlib, sys
        importlib.import_module({first!r})
        from signage.config import check_text
        from signage.sources import KINDS, make_source
        config, issues = check_text('[[sources]]\\nid = "a"\\nkind = "folder"\\n'
                                    'role = "notices"\\nurl = "."\\n')
        print(list(KINDS), config.sources[0].refresh_minutes * 60, issues)
        """
    )
    expected = "['ics', 'json', 'csv', 'folder', 'm365', 'google', 'jma_warnings', 'wbgt'] 5.0 []"
    assert run(code).strip() == expected


def test_reading_the_kinds_imports_no_http_or_calendar() -> None:
    code = "import sys, signage.sources\nprint(sorted(m for m in sys.modules if m.split('.')[0] in "
    code += "('httpx', 'icalendar', 'recurring_ical_events', 'x_wr_timezone')))"
    assert run(code).strip() == "[]"


def test_the_readme_lists_the_kinds_titles() -> None:
    text = (Path(spec.__file__).parents[2] / "configs" / "README.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"`{kind.name}`（{kind.title[0]}）" in text
