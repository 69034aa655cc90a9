"""The Japan Meteorological Agency's warnings for one municipality (気象警報・注意報).

JMA publishes one JSON per prefecture office. Since 2026-05-28 that is `bosai/warning/data/r8/
{office}.json`: an array of reports, one per product (VPWW55 大雨, 56 土砂災害, 58 風, 59 波・高潮,
61 雷 …), each `warning.class20Items[{areaCode, kinds[{code, status, properties}]}]`. The legacy
`warning/{office}.json` (one object, `areaTypes[1].areas[{code, warnings}]`) stopped updating
then; it is still read, for a mirror that serves it. Only what is in force for *this* area is kept:
a kind whose status is 解除 or 発表警報・注意報はなし is over; every other status (発表, 継続,
危険警報から警報, 警報から注意報 …) says what is in force now, and the code says which grade.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from signage.config.keys import Key
from signage.errors import ParseError
from signage.model import WarningKind, WeatherWarning
from signage.sources.base import Parsed, Source
from signage.sources.jma_areas import office_of
from signage.sources.kind import Kind

URL = "https://www.jma.go.jp/bosai/warning/data/r8/{office}.json"
OVER = frozenset({"解除", "発表警報・注意報はなし"})

# Code → (phenomenon, grade). JMA's codes: 0x 警報, 1x–2x 注意報, 3x 特別警報, 4x 危険警報
# (the 2026 system's level 4); the phenomenon is the code's last digit within a family.
_PHENOMENA = {
    "02": "暴風雪",
    "03": "大雨",
    "04": "洪水",
    "05": "暴風",
    "06": "大雪",
    "07": "波浪",
    "08": "高潮",
    "09": "土砂災害",
}
_ADVISORIES = {
    "10": "大雨",
    "12": "大雪",
    "13": "風雪",
    "14": "雷",
    "15": "強風",
    "16": "波浪",
    "17": "融雪",
    "18": "洪水",
    "19": "高潮",
    "20": "濃霧",
    "21": "乾燥",
    "22": "なだれ",
    "23": "低温",
    "24": "霜",
    "25": "着氷",
    "26": "着雪",
    "27": "その他の",
    "29": "土砂災害",
}
# The phenomena the 2026 system grades with a 警戒レベル (注意報 2, 警報 3, 危険警報 4, 特別警報 5);
# 洪水 is left out (its place in the new system is not in the data seen): no level is guessed.
_LEVELLED = frozenset({"大雨", "高潮", "土砂災害"})
_LEVEL_OF: Mapping[str, int] = {"注意報": 2, "警報": 3, "危険警報": 4, "特別警報": 5}


_GRADES: Mapping[str, WarningKind] = {
    "0": "警報",
    "1": "注意報",
    "2": "注意報",
    "3": "特別警報",
    "4": "危険警報",
}


def describe(code: str) -> tuple[str, WarningKind, int | None]:
    """(name, grade, level) for a JMA code: "03" → ("大雨警報", "警報", 3). A code this table
    does not know is named by its family's grade ("警報（コード01）"), never dropped."""
    kind = _GRADES.get(code[:1], "警報")
    if code in _ADVISORIES:
        phenomenon = _ADVISORIES[code]
    elif len(code) == 2 and kind != "注意報" and f"0{code[1:]}" in _PHENOMENA:
        phenomenon = _PHENOMENA[f"0{code[1:]}"]
    else:
        return f"{kind}（コード{code}）", kind, None
    level = _LEVEL_OF[kind] if phenomenon in _LEVELLED else None
    return phenomenon + kind, kind, level


def _significancy_level(kind: Mapping[str, Any]) -> int | None:
    """The level JMA's r8 `properties[].significancyPart.locals[].code` gives ("31" → 3)."""
    levels = []
    for prop in kind.get("properties") or ():
        part = prop.get("significancyPart") if isinstance(prop, dict) else None
        for local in (part or {}).get("locals") or () if isinstance(part, dict) else ():
            code = local.get("code") if isinstance(local, dict) else None
            if isinstance(code, str) and re.fullmatch(r"[2-5]\d", code):
                levels.append(int(code[0]))
    return max(levels) if levels else None


class JmaWarningSource(Source):
    """Remembers when each code it last saw came in force: a 継続 report carries only its own
    time, so "since" stays the time of the report that issued it (while the kiosk runs)."""

    _since: Mapping[str, datetime] = {}

    def parse(self, raw: bytes, now: datetime) -> Parsed:
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParseError(f"not valid JSON: {exc}") from None
        area = str(self.config.options.get("area") or "")
        if isinstance(document, list):
            found = list(_r8(document, area))
        elif isinstance(document, dict) and "areaTypes" in document:
            found = list(_legacy(document, area))
        else:
            raise ParseError("not JMA warning data (expected a list of reports or areaTypes)")
        warnings: tuple[str, ...] = ()
        if area and not found and not _mentions(document, area):
            warnings = (f"area {area} is not in this office's data (check area and office)",)
        items: dict[str, WeatherWarning] = {}
        for code, status, since, level in found:
            if status in OVER or not code:
                continue
            name, kind, table_level = describe(code)
            if status == "継続" and code in self._since:
                since = self._since[code]  # JMA's file says only its latest report's time
            item = WeatherWarning(
                source=self.id,
                code=code,
                name=name,
                kind=kind,
                status=status,
                since=since,
                level=(level or table_level) if table_level is not None else None,
            )
            old = items.get(code)
            if old is None or (item.since and old.since and item.since > old.since):
                items[code] = item
        ordered = sorted(items.values(), key=lambda w: (-w.grade, w.code))
        self._since = {w.code: w.since for w in ordered if w.since is not None}
        return Parsed(tuple(ordered), warnings)


Found = tuple[str, str, datetime | None, int | None]  # code, status, since, level


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def _r8(reports: Iterable[Any], area: str) -> Iterator[Found]:
    for report in reports:
        if not isinstance(report, dict) or report.get("infoType") == "取消":
            continue
        since = _when(report.get("reportDatetime"))
        warning = report.get("warning")
        entries = warning.get("class20Items") if isinstance(warning, dict) else None
        for entry in entries or ():
            if isinstance(entry, dict) and entry.get("areaCode") == area:
                for kind in entry.get("kinds") or ():
                    if isinstance(kind, dict):
                        yield (
                            str(kind.get("code") or ""),
                            str(kind.get("status") or ""),
                            since,
                            _significancy_level(kind),
                        )


def _legacy(document: Mapping[str, Any], area: str) -> Iterator[Found]:
    since = _when(document.get("reportDatetime"))
    for area_type in document.get("areaTypes") or ():
        for entry in (area_type or {}).get("areas") or () if isinstance(area_type, dict) else ():
            if isinstance(entry, dict) and entry.get("code") == area:
                for kind in entry.get("warnings") or ():
                    if isinstance(kind, dict):
                        code, status = str(kind.get("code") or ""), str(kind.get("status") or "")
                        yield code, status, since, None


def _mentions(document: Any, area: str) -> bool:
    """Does the document name the area at all (a wrong office names none of its areas)?"""
    return f'"{area}"' in json.dumps(document)


def default_url(options: Mapping[str, Any]) -> str | None:
    office = options.get("office") or office_of(str(options.get("area") or ""))
    return URL.format(office=office) if office else None


AREA = Key(
    "area",
    "text",
    help=("市町村の気象庁コード（伊勢崎市 1020400）", "JMA municipality code"),
    doc=(
        (
            "気象庁の市町村等コード（7桁。伊勢崎市は `1020400`）。この区域に出ている警報・注意報"
            "だけを表示します。府県の気象台はこのコードから決まります。"
        ),
        "JMA's class-20 area code (7 digits); only what is in force for it is shown.",
    ),
    shown_type="文字列 text",
    example='`"1020400"`',
    pattern=re.compile(r"^\d{7}$"),
    bad_pattern="bad_jma_code",
    strip=True,
)
OFFICE = Key(
    "office",
    "text",
    help=("府県予報区のコード（群馬県 100000）", "JMA office (prefecture) code"),
    doc=(
        (
            "気象庁の府県予報区コード（6桁。群馬県は `100000`）。ふつうは area から決まるので"
            "不要。`wbgt` では熱中症警戒アラートを見る府県（省略時は地点番号から）。"
        ),
        (
            "JMA office code (6 digits); normally found from area. For wbgt: the prefecture "
            "whose heat alert applies (default: from the point)."
        ),
    ),
    shown_type="文字列 text",
    default="area から / from area",
    example='`"100000"`',
    pattern=re.compile(r"^\d{6}$"),
    bad_pattern="bad_jma_code",
    strip=True,
)
KIND = Kind(
    "jma_warnings",
    ("気象庁の警報・注意報", "JMA weather warnings"),
    JmaWarningSource,
    roles=("weather",),
    keys=(AREA, OFFICE),
    refresh_minutes=5,
    default_url=default_url,
)
