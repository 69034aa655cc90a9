"""The Ministry of the Environment's heat index forecast (暑さ指数 WBGT) and heat alert.

`prev15WG/dl/yohou_{point}.csv` is two lines: the slots' times (YYYYMMDDHH, 3-hourly, "24" is
the day's end) and `point, issued, value, value, …` in tenths of a degree. The service runs only
in the hot season (late April to October); outside it the file answers 404, which is "no data
this season", not a fault. The 熱中症警戒アラート comes from
`alert/dl/{year}/alert_{date}_{hour}.csv` (issued at 05, 10, 14 and 17 JST): meta lines, then one
row per prefecture with a flag for today and tomorrow (1 警戒, 2–3 特別警戒, 9 outside its
hours); the row is found by `office` (JMA's office code) or by the point's first two digits
(the number the alert calls 都府県・振興局表示番号).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from signage.config.keys import Key
from signage.errors import FetchError, ParseError
from signage.model import HeatIndex
from signage.sources.base import Parsed, Source
from signage.sources.jma_warnings import OFFICE
from signage.sources.kind import Kind

if TYPE_CHECKING:
    import httpx

URL = "https://www.wbgt.env.go.jp/prev15WG/dl/yohou_{point}.csv"
ALERT_URL = "https://www.wbgt.env.go.jp/alert/dl/{year}/alert_{date}_{hour}.csv"
ALERT_HOURS = (17, 14, 10, 5)  # newest first: a later issue replaces an earlier one
PART = b"\x00"  # between the forecast and the alert in the bytes `parse` gets (never in a CSV)
NONE = b"#none"  # the alert part when there is no alert file (404: outside its season)
FAILED = b"#failed "  # the alert part when it could not be read (the forecast still shows)


class WbgtSource(Source):
    async def fetch(self, client: httpx.AsyncClient) -> bytes | None:
        """The forecast and the latest alert file, unconditionally (two files, one snapshot);
        a 404 of either is an empty part."""
        try:
            forecast = (await self.get(client)).body or b""
        except FetchError as exc:
            if exc.status != 404:
                raise
            forecast = b""
        return forecast + PART + await self._alert(client)

    async def _alert(self, client: httpx.AsyncClient) -> bytes:
        template = str(self.config.options.get("alert_url") or ALERT_URL)
        if not template:
            return NONE
        local = self.clock.now().astimezone(self.tz)
        tried: set[str] = set()
        for day in (local.date(), local.date() - timedelta(days=1)):
            for hour in ALERT_HOURS:
                if day == local.date() and hour > local.hour:
                    continue
                url = template.format(year=day.year, date=f"{day:%Y%m%d}", hour=f"{hour:02d}")
                if url in tried:  # a template without the date: one file
                    continue
                tried.add(url)
                try:
                    return (await self.get(client, url)).body or NONE
                except FetchError as exc:
                    if exc.status != 404:
                        return FAILED + str(exc).encode("utf-8", "replace")
        return NONE

    def parse(self, raw: bytes, now: datetime) -> Parsed:
        forecast, _, alert = raw.partition(PART)
        point = str(self.config.options.get("point") or "")
        warnings: list[str] = []
        issued, slots = read_forecast(forecast, self.tz) if forecast.strip() else (None, ())
        alert_days: tuple[date, ...] = ()
        special_days: tuple[date, ...] = ()
        if alert.startswith(FAILED):
            reason = alert[len(FAILED) :].decode("utf-8", "replace")
            warnings.append(f"heat alert not read: {reason}")
        elif alert.strip() and alert != NONE:
            office = str(self.config.options.get("office") or "")
            try:
                alert_days, special_days = read_alert(alert, office, point[:2])
            except ParseError as exc:
                warnings.append(f"heat alert not read: {exc}")
        if not slots and not alert_days and not special_days:
            return Parsed((), tuple(warnings))  # outside the season: nothing to show
        item = HeatIndex(
            source=self.id,
            point=point,
            issued=issued,
            slots=slots,
            alert_days=alert_days,
            special_days=special_days,
        )
        return Parsed((item,), tuple(warnings))


def _text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("neither UTF-8 nor Shift_JIS text")


def _slot_time(stamp: str, tz: Any) -> datetime:
    """ "2026071224" → 2026-07-13 00:00 in the school's zone (24 is the day's end)."""
    day = datetime.strptime(stamp[:8], "%Y%m%d")
    return (day + timedelta(hours=int(stamp[8:10]))).replace(tzinfo=tz)


Slots = tuple[tuple[datetime, float], ...]


def read_forecast(raw: bytes, tz: Any) -> tuple[datetime | None, Slots]:
    """(issued, ((slot end, °C), …)) from a yohou CSV; ParseError for anything else."""
    rows = [row for row in csv.reader(io.StringIO(_text(raw))) if any(c.strip() for c in row)]
    if len(rows) < 2 or len(rows[0]) < 3:
        raise ParseError("not an MOE WBGT forecast (expected a line of times and one of values)")
    times, values = rows[0][2:], rows[1][2:]
    issued = None
    with contextlib.suppress(ValueError, IndexError):
        issued = datetime.strptime(rows[1][1].strip(), "%Y/%m/%d %H:%M").replace(tzinfo=tz)
    slots = []
    for stamp, value in zip(times, values, strict=False):
        stamp, value = stamp.strip(), value.strip()
        if not re.fullmatch(r"20\d{6}(0[0-9]|1\d|2[0-4])", stamp):
            raise ParseError(f"not a forecast time: {stamp!r:.20}")
        if not re.fullmatch(r"-?\d{1,4}", value):
            continue  # a slot without a value (the service leaves them blank)
        slots.append((_slot_time(stamp, tz), int(value) / 10))
    return issued, tuple(slots)


def read_alert(raw: bytes, office: str, number: str) -> tuple[tuple[date, ...], tuple[date, ...]]:
    """(days with an alert, days with a special alert) for the prefecture's row."""
    rows = list(csv.reader(io.StringIO(_text(raw))))
    meta = {row[0].strip(): row[1].strip() for row in rows if len(row) >= 2}
    starts = [row[0].strip() if row else "" for row in rows]
    header_at = starts.index("府県予報区") if "府県予報区" in starts else None
    if header_at is None:
        raise ParseError("no 府県予報区 header line")
    header = [cell.strip() for cell in rows[header_at]]
    days: list[date | None] = []
    for n in (1, 2):
        try:
            days.append(datetime.strptime(meta.get(f"TargetDate{n}", ""), "%Y/%m/%d").date())
        except ValueError:
            days.append(None)

    def column(name: str) -> int:
        if name not in header:
            raise ParseError(f"no {name} column")
        return header.index(name)

    code_col, number_col = column("府県予報区等コード"), column("都府県・振興局表示番号")
    flag_cols = [column("TargetDate1フラグ"), column("TargetDate2フラグ")]
    alert: set[date] = set()
    special: set[date] = set()
    for row in rows[header_at + 1 :]:
        if len(row) <= max(code_col, number_col, *flag_cols):
            continue
        mine = row[code_col].strip() == office if office else row[number_col].strip() == number
        if not mine:
            continue
        for day, col in zip(days, flag_cols, strict=True):
            flag = row[col].strip()
            if day is None or flag not in ("1", "2", "3"):
                continue
            (special if flag == "3" else alert).add(day)
    return tuple(sorted(alert)), tuple(sorted(special))


def default_url(options: Mapping[str, Any]) -> str | None:
    point = options.get("point")
    return URL.format(point=point) if point else None


POINT = Key(
    "point",
    "text",
    help=("環境省の暑さ指数の地点番号（伊勢崎 42302）", "MOE WBGT point number"),
    doc=(
        (
            "環境省「熱中症予防情報サイト」の地点番号（5桁。伊勢崎は `42302`）。その日の予測"
            "の最高値と、今の3時間の値を出します。"
        ),
        "The Ministry of the Environment's WBGT point (5 digits).",
    ),
    shown_type="文字列 text",
    example='`"42302"`',
    pattern=re.compile(r"^\d{5}$"),
    bad_pattern="bad_jma_code",
    strip=True,
)
ALERT = Key(
    "alert_url",
    "text",
    help=("熱中症警戒アラートの取得先（空で読まない）", "Heat alert URL template"),
    doc=(
        (
            "熱中症警戒アラートの CSV の場所。`{year}`・`{date}`（20260725）・`{hour}`（05 な"
            'ど）が置き換わります。`""` で読みません。'
        ),
        'The heat alert CSV; {year}, {date} and {hour} are filled in. `""`: not read.',
    ),
    shown_type="文字列 text",
    default="環境省 / the Ministry's",
    example='`"https://www.wbgt.env.go.jp/alert/dl/{year}/alert_{date}_{hour}.csv"`',
    empty_ok=True,
    strip=True,
    path="location",
)
KIND = Kind(
    "wbgt",
    ("環境省の暑さ指数", "MOE heat index (WBGT)"),
    WbgtSource,
    roles=("weather",),
    keys=(POINT, OFFICE, ALERT),
    refresh_minutes=30,
    default_url=default_url,
)
