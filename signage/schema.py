"""`signage schema`: a JSON Schema (draft 2020-12) of the config, for editors.

Built from the checker's own constants (key lists, kinds, roles, panels, field names, modes,
the id and time patterns), so it cannot drift from `signage check`: a key the checker learns
without a description here makes `build_schema` fail (and a test with it).

The schema checks one file on its own, like one layer of a central config: keys, types and
choices. What needs the other keys or the disk (on with off, files that exist, a time zone's
name) stays with `signage check`, which remains the authority.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from signage import config as c

__all__ = ["build_schema", "schema_json"]

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Descriptions: Japanese / English (short). One per key the checker knows, per table.
_DESCRIPTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "": {
        "school": ("学校", "The school"),
        "display": ("画面の表示", "The screen"),
        "visits": ("ICT支援員の訪問", "ICT supporter visits"),
        "bell": ("日課表", "Bell schedule"),
        "network": ("学校のネットワーク（プロキシ・CA・クライアント証明書）", "School network"),
        "sources": ("情報源（1つずつ [[sources]] で）", "Data sources, one [[sources]] each"),
        "panels": ("切り替わるパネルの順番と秒数", "Rotating panels, in order"),
        "central": (
            "教育委員会の共通設定（この設定のもとになる層）",
            "Central configuration: the layers this file is built on",
        ),
        "heartbeat": (
            "稼働状況の報告（IT 担当がどの画面が正常か見るため）",
            "Heartbeat: report the kiosk's health to IT",
        ),
    },
    "school": {
        "name": ("ヘッダーに出る学校名", "School name in the header"),
        "timezone": ("「今日」を決めるタイムゾーン", "IANA time zone that decides 'today'"),
    },
    "display": {
        "language": ("設定チェックのメッセージの言語", "Language of config messages"),
        "screen": ("全画面にするモニターの番号（0 = 1台目）", "Monitor to fill (0 = first)"),
        "on": ("画面をつける時刻（off と一緒に）", "Screen on from (with off)"),
        "off": ("画面を消す時刻（on より後）", "Screen off at (after on)"),
        "days": ("画面をつける曜日", "Weekdays the screen is on"),
        "holidays": ("off: 祝日は画面を消す、on: 祝日も表示", "off: dark on holidays"),
        "closed": ("休校日（日付か範囲）", "Closure days (dates or ranges)"),
    },
    "visits": {
        "monthly_target": ("月あたりの訪問目標回数", "Visits per month the plan aims at"),
    },
    "bell": {
        "name": ("日課の名前", "Name of the bell schedule"),
        "days": ("この日課を使う曜日", "Weekdays it applies to"),
        "periods": ("時間帯（時刻の順に）", "Periods, in time order"),
    },
    "periods": {
        "label": ("時間帯の名前（1校時、給食 …）", "Label of the period"),
        "start": ("始まりの時刻", "Start time"),
        "end": ("終わりの時刻（下校などは省略）", "End time (optional)"),
    },
    "network": {
        "proxy": ("プロキシ（http://ホスト:ポート）", "Proxy URL"),
        "no_proxy": ("プロキシを通さないホスト", "Hosts reached without the proxy"),
        "ca_bundle": ("追加で信頼する CA 証明書のファイル", "Extra CA certificate file"),
        "trust": ("certifi: 公的な認証局、system: OS の証明書ストア", "Whom TLS trusts"),
        "client_cert": ("クライアント証明書のファイル（mTLS）", "Client certificate (mTLS)"),
        "client_key": ("クライアント証明書の鍵のファイル", "Key of the client certificate"),
    },
    "sources": {
        "id": ("情報源の名前（半角英数字と - _ .）", "Unique id"),
        "kind": ("データの形式（必須）", "Format (required)"),
        "role": ("画面のどこに出すか（必須）", "What the items are (required)"),
        "url": (
            "https:// の URL かファイルのパス（必須）",
            "http(s)/webcal URL or a path (required)",
        ),
        "match": ("この文字を含む予定だけを表示", "Keep items containing this text"),
        "refresh_minutes": ("何分ごとに取りに行くか", "Minutes between fetches"),
        "private": ("非公開の予定: neutral は伏せて表示、hide は出さない", "Private events"),
        "auth": ("ログインが要るときの認証（秘密の値は書かない）", "Credentials (where)"),
        "max_size_mb": ("受け取る大きさの上限（MB）", "Size limit in MB"),
        "items": ("JSON の中の一覧の場所（data.notices）", "Dotted path to the list"),
        "fields": ("項目名の対応（こちら = システム）", "Our field = the system's name"),
        "values": ("値の対応（システムの値 = こちら）", "The system's word = ours"),
        "next": ("次のページの URL の場所", "Dotted path to the next page's URL"),
        "encoding": ("CSV の文字コード（auto, utf-8, cp932 …）", "CSV encoding"),
        "names": ("名前の出し方: full, family, none", "How people are named"),
        "verify": ("false: 証明書を確かめない（一時しのぎ・警告）", "false: no TLS check (loud)"),
    },
    "auth": {
        "type": ("bearer（トークン）か basic（ユーザー名とパスワード）", "bearer or basic"),
        "user": ("ユーザー名（basic のとき）", "User name (basic)"),
        "env": ("秘密の値を置いた環境変数の名前", "Environment variable with the secret"),
        "file": ("秘密の値を置いたファイルのパス", "File with the secret"),
    },
    "panels": {
        "kind": ("パネルの種類", "Panel"),
        "seconds": ("表示する秒数", "Seconds shown"),
    },
    "central": {
        "base": (
            "もとになる層（URL かパス）。先に順に適用され、このファイルが上書きする",
            "Layers (URLs or paths), applied first, in order; this file overrides them",
        ),
        "refresh_minutes": ("層を取り直す間隔（分）", "Minutes between fetches of the layers"),
        "auth": ("層の URL の認証", "Credentials for the layers' URLs"),
        "drop": ("層の情報源のうち使わないものの id", "Ids of the layers' sources to drop"),
    },
    "heartbeat": {
        "url": ("報告を送る https:// の URL（必須）", "https URL the status is POSTed to"),
        "minutes": ("送る間隔（分）", "Minutes between reports"),
        "auth": ("送り先の認証", "Credentials for the URL"),
        "name": ("この画面の名前（既定は PC 名）", "Name of this screen (default: host name)"),
    },
}

_TIME = (
    # 8:20, 08:20, and the same in full-width digits as typed with an IME (NFKC in the checker)
    r"^\s*(?:(?:[01０１]?[0-9０-９]|[2２][0-3０-３])[:：][0-5０-５][0-9０-９]"
    r"|[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)\s*$"  # a TOML time, as an editor shows it
)
_DAY = r"[0-9０-９]{4}[-/－／][0-9０-９]{1,2}[-/－／][0-9０-９]{1,2}"
_DATE_OR_RANGE = rf"^\s*{_DAY}(?:\s*(?:\.\.|~|〜|～)\s*{_DAY})?\s*$"


def _say(table: str, key: str) -> str:
    ja, en = _DESCRIPTIONS[table][key]
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


def _positive() -> Schema:
    return {"type": "number", "exclusiveMinimum": 0}


def _table(name: str, keys: Iterable[str], types: dict[str, Schema], **extra: Any) -> Schema:
    """A table whose keys are exactly the checker's `keys` (no other key is accepted)."""
    keys = tuple(keys)
    missing = set(keys) - set(types)
    extra_types = set(types) - set(keys)
    if missing or extra_types:
        raise ValueError(
            f"schema of [{name}] out of step with the checker: {missing or extra_types}"
        )
    properties = {key: {"description": _say(name, key), **types[key]} for key in keys}
    return {"type": "object", "properties": properties, "additionalProperties": False, **extra}


def _days() -> Schema:
    day = _choice_any_case(c.WEEKDAYS + tuple("月火水木金土日"), c._DAY_NAMES)
    return {"type": "array", "items": day, "minItems": 1}


def _auth() -> Schema:
    types: dict[str, Schema] = {
        "type": _choice_any_case(c.AUTH_TYPES, c.AUTH_TYPES),
        "user": _text(),
        "env": _text(pattern=c._ENV_NAME.pattern),
        "file": _text(),
    }
    return _table(
        "auth",
        c._AUTH_KEYS,
        types,
        required=["type"],
        oneOf=[{"required": ["env"]}, {"required": ["file"]}],
        allOf=[
            {
                "if": {"properties": {"type": {"const": "basic"}}, "required": ["type"]},
                "then": {"required": ["user"]},
            },
            {
                "if": {"properties": {"type": {"const": "bearer"}}, "required": ["type"]},
                "then": {"not": {"required": ["user"]}},
            },
        ],
    )


def _source() -> Schema:
    field_map = {
        "type": "object",
        "properties": {name: _text() for name in c.FIELD_NAMES},
        "additionalProperties": False,
    }
    value_maps = {
        "type": "object",
        "properties": {
            name: {
                "type": "object",
                "additionalProperties": (
                    {"enum": list(c.VALUE_CHOICES[name])}
                    if name in c.VALUE_CHOICES
                    else {"type": "string"}
                ),
            }
            for name in c.FIELD_NAMES
        },
        "additionalProperties": False,
    }
    dotted = _text(pattern=c._DOTTED_PATH.pattern)
    types: dict[str, Schema] = {
        "id": _text(pattern=c._ID.pattern),
        "kind": {"enum": list(c.SOURCE_KINDS)},
        "role": {"enum": list(c.ROLES)},
        "url": _text(),
        "match": {"type": "string"},
        "refresh_minutes": _positive(),
        "private": {"enum": list(c.PRIVATE_MODES)},
        "auth": _auth(),
        "max_size_mb": _positive(),
        "items": dotted,
        "fields": field_map,
        "values": value_maps,
        "next": dotted,
        "encoding": _text(examples=list(c._ENCODING_NAMES)),
        "names": {"enum": list(c.NAME_MODES)},
        "verify": {"type": "boolean"},
    }
    return _table(
        "sources",
        c._SOURCE_KEYS,
        types,
        # kind, role and url are needed too, unless the source refines a base layer's source
        # of the same id (central configuration): `signage check` sees the merged config.
        required=["id"],
        allOf=[
            {
                "if": {"properties": {"kind": {"const": "folder"}}, "required": ["kind"]},
                "then": {"properties": {"role": {"const": "notices"}}},
            }
        ],
    )


def build_schema() -> Schema:
    """The JSON Schema of a config file (one layer of a central config, or a whole one)."""
    time = _text(pattern=_TIME)
    sections: dict[str, Schema] = {
        "school": _table(
            "school",
            c._SECTION_KEYS["school"],
            {"name": _text(), "timezone": _text(examples=["Asia/Tokyo"])},
        ),
        "display": _table(
            "display",
            c._SECTION_KEYS["display"],
            {
                "language": {"enum": list(c.LANGUAGES)},
                "screen": {"type": "integer", "minimum": 0},
                "on": time,
                "off": time,
                "days": _days(),
                "holidays": {"enum": list(c._HOLIDAY_MODES)},
                "closed": {"type": "array", "items": _text(pattern=_DATE_OR_RANGE)},
            },
        ),
        "visits": _table(
            "visits",
            c._SECTION_KEYS["visits"],
            {"monthly_target": {"type": "integer", "minimum": 1}},
        ),
        "bell": _table(
            "bell",
            c._SECTION_KEYS["bell"],
            {
                "name": _text(),
                "days": _days(),
                "periods": {
                    "type": "array",
                    "items": _table(
                        "periods",
                        c._PERIOD_KEYS,
                        {"label": _text(), "start": time, "end": time},
                        required=["label", "start"],
                    ),
                },
            },
        ),
        "network": _table(
            "network",
            c._SECTION_KEYS["network"],
            {
                "proxy": _text(examples=["http://proxy.school.local:8080"]),
                "no_proxy": {"type": "array", "items": _text()},
                "ca_bundle": _text(),
                "trust": {"enum": list(c.TRUST_MODES)},
                "client_cert": _text(),
                "client_key": _text(),
            },
        ),
        "sources": {"type": "array", "items": _source()},
        "panels": {
            "type": "array",
            "minItems": 1,
            "items": _table(
                "panels",
                c._PANEL_KEYS,
                {"kind": {"enum": list(c.PANEL_KINDS)}, "seconds": _positive()},
                required=["kind"],
            ),
        },
        "central": _table(
            "central",
            c.CENTRAL_KEYS,
            {
                "base": {"type": "array", "items": _text()},
                "refresh_minutes": _positive(),
                "auth": _auth(),
                "drop": {"type": "array", "items": _text(pattern=c._ID.pattern)},
            },
        ),
        "heartbeat": _table(
            "heartbeat",
            c.HEARTBEAT_KEYS,
            {
                "url": _text(pattern=r"^\s*[hH][tT][tT][pP][sS]?://"),
                "minutes": _positive(),
                "auth": _auth(),
                "name": _text(),
            },
        ),
    }
    schema = _table("", c._TOP_KEYS, sections)
    return {
        "$schema": DRAFT,
        "title": "signage.toml",
        "description": (
            "職員室サイネージの設定ファイル（configs/README.md）。最終的な確認は signage check。"
            " / Staff-room signage config; `signage check` has the last word."
        ),
        **schema,
    }


def schema_json(ensure_ascii: bool = False) -> str:
    return json.dumps(build_schema(), ensure_ascii=ensure_ascii, indent=2)
