"""`signage schema`: a valid JSON Schema (draft 2020-12) built from the key spec, that
accepts the shipped configs and refuses an unknown key or a wrong choice, as `check` does."""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from signage import config as c
from signage.cli import main
from signage.config import spec
from signage.config.schema import build_schema
from signage.demo import materialize_demo

jsonschema = pytest.importorskip("jsonschema")

CONFIGS = Path(__file__).resolve().parent.parent / "configs"


def as_json(value: Any) -> Any:
    """TOML data as an editor's JSON view of it: dates and times become text."""
    if isinstance(value, dict):
        return {key: as_json(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [as_json(inner) for inner in value]
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return value


def toml(text: str) -> Any:
    return as_json(tomllib.loads(text))


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: Any, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = build_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", ["example-school.toml", "district-base.toml"])
def test_the_shipped_configs_validate(validator: Any, name: str) -> None:
    data = as_json(tomllib.loads((CONFIGS / name).read_text(encoding="utf-8")))
    assert errors(validator, data) == []


def test_the_demo_config_validates(validator: Any, tmp_path: Path) -> None:
    path = materialize_demo(date(2026, 11, 24), tmp_path)
    assert errors(validator, as_json(tomllib.loads(path.read_text(encoding="utf-8")))) == []


def test_a_school_layer_that_refines_the_boards_sources_validates(validator: Any) -> None:
    layer = toml(
        """
        [central]
        base = ["https://board.example.jp/signage/district.toml"]
        auth = { type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }
        drop = ["board-city-notices"]

        [display]
        off = "１８：００"
        on = 07:00:00
        closed = ["2026-12-28..2027-01-03", 2027-03-25, "2027/3/26 〜 2027/3/27"]
        days = ["Mon", "火", "wednesday"]

        [[sources]]
        id = "ict-visits"
        match = "みらい小"
        """
    )
    assert errors(validator, layer) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[school]\nnmae = "x"', "['school']"),
        ('colour = "red"', "[]"),
        ("[network]\nverify = false", "['network']"),
        ('[[sources]]\nid = "a"\nkind = "icss"', "['sources', 0, 'kind']"),
        ('[[sources]]\nid = "a"\nrefersh_minutes = 5', "['sources', 0]"),
        ('[[sources]]\nid = "a b"', "['sources', 0, 'id']"),
        ('[[sources]]\nid = "a"\nrole = "event"', "['sources', 0, 'role']"),
        ('[[sources]]\nid = "a"\nfields = { titel = "件名" }', "['sources', 0, 'fields']"),
        ('[[sources]]\nid = "a"\nvalues = { priority = { "至急" = "urgen" } }', "priority"),
        ('[[sources]]\nid = "a"\nauth = { type = "bearer", token = "x" }', "auth"),
        ('[[panels]]\nkind = "todya"', "['panels', 0, 'kind']"),
        ("[[panels]]\nseconds = 0", "['panels', 0"),
        ('[display]\non = "25:00"', "['display', 'on']"),
        ('[display]\non = "２５：００"', "['display', 'on']"),
        ('[display]\non = "8:60"', "['display', 'on']"),
        ('[display]\ndays = ["mo"]', "['display', 'days', 0]"),
        ('[display]\nlanguage = "fr"', "['display', 'language']"),
        ("[visits]\nmonthly_target = 0", "['visits', 'monthly_target']"),
        ('[central]\nbases = ["x"]', "['central']"),
        ('[network]\ntrust = "os"', "['network', 'trust']"),
    ],
)
def test_unknown_keys_and_wrong_choices_are_refused(validator: Any, text: str, where: str) -> None:
    found = errors(validator, toml(text))
    assert found, text
    assert any(where in line for line in found), found


def test_the_schema_follows_the_checkers_constants() -> None:
    schema = build_schema()
    properties = schema["properties"]
    assert list(properties) == list(spec.TOP.names)
    source = properties["sources"]["items"]
    assert list(source["properties"]) == list(spec.SOURCES.names)
    assert source["properties"]["kind"]["enum"] == list(c.SOURCE_KINDS)
    assert source["properties"]["role"]["enum"] == list(c.ROLES)
    assert list(source["properties"]["fields"]["properties"]) == list(c.FIELD_NAMES)
    assert source["properties"]["id"]["pattern"] == spec.ID.pattern
    panel = properties["panels"]["items"]
    assert panel["properties"]["kind"]["enum"] == list(c.PANEL_KINDS)
    for section in ("school", "display", "visits", "bell", "network"):
        assert list(properties[section]["properties"]) == list(spec.TOP[section].table.names)  # type: ignore[union-attr]
        assert properties[section]["additionalProperties"] is False
    assert list(properties["central"]["properties"]) == list(c.CENTRAL_KEYS)
    # every key is described in Japanese and English
    description = source["properties"]["match"]["description"]
    assert " / " in description and "含む" in description and "containing" in description
    field = source["properties"]["fields"]["properties"]["title"]["description"]
    assert field == "件名 / Title"


def test_signage_schema_prints_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == build_schema()
    out = tmp_path / "signage.schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert json.loads(text) == build_schema() and "学校名" in text  # UTF-8, not escaped
