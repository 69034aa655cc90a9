"""From one record of a vendor's export to our item: field names, value maps, dates.

Shared by the json, csv and folder connectors so that `fields`, `values` and every date form
mean the same whichever way the data arrives. A record is whatever the connector has (a JSON
object, a CSV row, a file's front matter); the connector says how to look a name up in it.
Errors are ValueErrors with a short reason; the connector names the row and skips it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from signage.config.keys import Key
from signage.config.model import VALUE_CHOICES, SourceConfig
from signage.match import matches
from signage.messages import screen
from signage.model import Absence, Event, Item, Notice
from signage.skips import RowError
from signage.sources.html_body import html_to_text, reads_html

# The words Japanese systems use, so most schools need no `values` table.
DEFAULT_VALUES: dict[str, dict[str, str]] = {
    "priority": {
        # As the screen labels them: 至急 (the strip that interrupts) and 重要 (a badge).
        **dict.fromkeys(("至急", "緊急", "大至急", "最重要"), "urgent"),
        **dict.fromkeys(("重要", "高", "高い", "優先", "要確認", "重要度高", "important"), "high"),
        **dict.fromkeys(("通常", "普通", "中", "低", "一般", "なし", "low"), "normal"),
    },
    "kind": {
        **dict.fromkeys(("欠席", "休み", "お休み", "病欠", "事故欠", "忌引", "出席停止"), "absent"),
        **dict.fromkeys(("遅刻", "遅れ", "遅参", "遅れて登校"), "late"),
        **dict.fromkeys(("早退", "early leave", "early-leave"), "early_leave"),
    },
}
UNTITLED = screen("untitled")

Lookup = Callable[[Any, str], Any]

# --- Dates and times ---------------------------------------------------------------------------

_ERA_START = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}
_DATE = (
    r"(?:(?P<era>令和|平成|昭和|[RHS])\s*(?P<era_year>元|\d{1,2})|(?P<year>\d{4}))"
    r"\s*(?:年|[./-])\s*(?P<month>\d{1,2})\s*(?:月|[./-])\s*(?P<day>\d{1,2})\s*日?"
    r"(?:\s*\([月火水木金土日](?:曜日?)?\))?"  # 令和8年11月24日（火）
)
_CLOCK = (
    r"(?P<hour>\d{1,2})\s*(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"|時(?:\s*(?P<jminute>\d{1,2})\s*分)?)"
)
_WHEN = re.compile(
    rf"^{_DATE}(?:(?:\s+|T|(?<=日)|(?<=\)))\s*{_CLOCK})?\s*(?P<zone>Z|[+-]\d{{2}}:?\d{{2}})?$",
    re.IGNORECASE,
)
_CLOCK_ONLY = re.compile(rf"^{_CLOCK}$")


def normalise(value: str) -> str:
    """Full-width digits and letters to ASCII (２０２６／１１／２４, Ｒ８), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def parse_clock(value: str) -> time | None:
    """A time of day alone ("9:00", "13:30", "9時30分"), else None."""
    found = _CLOCK_ONLY.match(normalise(value))
    return _clock(found) if found else None


def parse_when(value: str, tz: ZoneInfo) -> date | datetime:
    """A date, or an aware datetime in `tz` (a time with no offset is taken in `tz`).

    Reads ISO 8601, 2026/11/24, 2026/11/24 9:00, 2026年11月24日, 令和8年11月24日 9:00,
    R8.11.24 (H, S and 平成, 昭和 too; 元年 is year 1), full-width digits included.
    Raises ValueError.
    """
    text = normalise(value)
    found = _WHEN.match(text)
    if found is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date or time: {value!r}") from None
        if len(text) <= 10 and parsed.time() == time.min and parsed.tzinfo is None:
            return parsed.date()
        return parsed.astimezone(tz) if parsed.tzinfo else parsed.replace(tzinfo=tz)
    if found.group("era"):
        number = found.group("era_year")
        year = _ERA_START[found.group("era").lower()] + (1 if number == "元" else int(number))
    else:
        year = int(found.group("year"))
    try:
        day = date(year, int(found.group("month")), int(found.group("day")))
    except ValueError:
        raise ValueError(f"no such date: {value!r}") from None
    if found.group("hour") is None:
        return day
    clock = _clock(found)
    if clock is None:
        raise ValueError(f"no such time: {value!r}")
    if zone := found.group("zone"):
        return datetime.combine(day, clock, tzinfo=_offset(zone)).astimezone(tz)
    return datetime.combine(day, clock, tzinfo=tz)


def _clock(found: re.Match[str]) -> time | None:
    hour = int(found.group("hour"))
    minute = int(found.group("minute") or found.group("jminute") or 0)
    second = int(found.group("second") or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _offset(zone: str) -> timezone:
    if zone.upper() == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


# --- Records to items --------------------------------------------------------------------------


def dig(record: Any, path: str) -> Any:
    """`record[path]`, else the dotted path (`author.name`) followed through nested objects."""
    if isinstance(record, Mapping) and path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


class Mapper:
    """Builds the item of the source's role from a record, through `fields` and `values`.

    `columns` overrides config.fields (the folder connector has already translated its names).
    """

    def __init__(
        self,
        config: SourceConfig,
        tz: ZoneInfo,
        lookup: Lookup = dig,
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.tz = tz
        self.lookup = lookup
        self.columns = config.fields if columns is None else columns
        self.html = reads_html(config)
        self.notes: list[RowError] = []  # rows kept, not as written (see take_notes)
        self.maps = {
            name: {_key(word): ours for word, ours in words.items()}
            for name, words in config.values.items()
        }

    def take_notes(self) -> list[RowError]:
        """What the last `item` kept not as written (an unknown priority read as normal)."""
        notes, self.notes = self.notes, []
        return notes

    def column(self, name: str) -> str:
        """The vendor's name for our field (our own name unless `fields` says otherwise)."""
        return self.columns.get(name, name)

    def item(self, record: Any, today: date) -> Item | None:
        """The item, or None when `match` leaves it out. Raises ValueError with the reason."""
        role = self.config.role
        if role == "notices":
            return self.notice(record)
        if role == "absences":
            return self.absence(record, today)
        return self.event(record)

    # Reading one field.

    def text(self, record: Any, name: str) -> str | None:
        value = self.lookup(record, self.column(name))
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, dict | list):
            raise RowError(
                f"{self._label(name)}: not text", "skip.not_text", field=self.column(name)
            )
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()  # Windows' line ends
        if not text:
            return None
        if name in self.maps and name not in VALUE_CHOICES:
            return self.maps[name].get(_key(text), text)
        return text

    def body(self, record: Any) -> str:
        """The body: literal, or read as HTML when the source says so (`body_format`)."""
        body = self.text(record, "body") or ""
        return html_to_text(body) if self.html else body

    def choice(self, record: Any, name: str, default: str) -> str:
        """One of VALUE_CHOICES[name]: the school's map, then the built-in words, then ours."""
        text = self.text(record, name)
        if text is None:
            return default
        key = _key(text)
        for table in (self.maps.get(name, {}), _DEFAULTS[name]):
            if key in table:
                return table[key]
        if key in VALUE_CHOICES[name]:
            return key
        raise RowError(
            f"unknown {self._label(name)} {text!r} (map it in values.{name})",
            "skip.unknown_word",
            field=self.column(name),
            value=text,
            name=name,
        )

    def when(self, record: Any, name: str, day: date | None = None) -> date | datetime | None:
        """A date or datetime; a bare time ("9:00") is taken on `day` (the row's date)."""
        text = self.text(record, name)
        if text is None:
            return None
        clock = parse_clock(text)
        if clock is not None:
            if day is None:
                raise RowError(
                    f"{self._label(name)}: a time without a date: {text!r}",
                    "skip.time_without_date",
                    field=self.column(name),
                    value=text,
                )
            return datetime.combine(day, clock, tzinfo=self.tz)
        try:
            return parse_when(text, self.tz)
        except ValueError as exc:
            raise RowError(
                f"{self._label(name)}: {exc}",
                "skip.not_a_date",
                field=self.column(name),
                value=text,
            ) from None

    def moment(self, record: Any, name: str, end_of_day: bool) -> datetime | None:
        """A datetime; a date alone is its start, or with end_of_day the start of the next."""
        value = self.when(record, name)
        if value is None or isinstance(value, datetime):
            return value
        return _midnight(value + timedelta(days=1) if end_of_day else value, self.tz)

    def _label(self, name: str) -> str:
        column = self.column(name)
        return name if column == name else f"{name} ({column})"

    # Items by role.

    def notice(self, record: Any) -> Notice | None:
        title = self.text(record, "title")
        if title is None:
            raise RowError(f"no {self._label('title')}", "skip.missing", field=self.column("title"))
        try:
            priority = self.choice(record, "priority", "normal")
        except RowError as exc:  # shown anyway: a notice staff must read, noted for the admin
            self.notes.append(
                RowError(f"{exc}; shown as normal", "skip.priority_kept", **dict(exc.details))
            )
            priority = "normal"
        notice = Notice(
            source=self.config.id,
            title=title,
            body=self.body(record),
            priority=priority,  # type: ignore[arg-type]
            posted=self.moment(record, "posted", end_of_day=False),
            expires=self.moment(record, "expires", end_of_day=True),
            link=self.text(record, "link"),
        )
        return notice if matches(self.config.match, notice.title, notice.body) else None

    def event(self, record: Any) -> Event | None:
        day = self.when(record, "date")
        on = day.astimezone(self.tz).date() if isinstance(day, datetime) else day
        start = self.when(record, "start", on) or day
        if start is None:
            raise RowError(f"no {self._label('start')}", "skip.missing", field=self.column("start"))
        end = self.when(record, "end", on or _date_of(start, self.tz))
        start, end = _span(start, end, self.tz)
        person = self.text(record, "person")
        reason = self.text(record, "reason")
        title = self.text(record, "title") or (
            " ".join(filter(None, (person, reason))) if person else None
        )
        if not title:
            raise RowError(
                f"no {self._label('title')} (nor person)",
                "skip.missing_title",
                field=self.column("title"),
            )
        event = Event(
            source=self.config.id,
            title=title,
            start=start,
            end=end,
            all_day=not isinstance(start, datetime),
            location=self.text(record, "location"),
            description=self.text(record, "description") or reason,
            person=person,
        )
        if not matches(self.config.match, title, event.location, event.description):
            return None
        return event

    def absence(self, record: Any, today: date) -> Absence | None:
        day = self.when(record, "date")
        class_name = self.text(record, "class")
        if class_name is None:
            raise RowError(f"no {self._label('class')}", "skip.missing", field=self.column("class"))
        absence = Absence(
            source=self.config.id,
            day=_date_of(day, self.tz) if day is not None else today,
            class_name=normalise(class_name),  # "１年１組" and "1年1組" are one class
            kind=self.choice(record, "kind", "absent"),  # type: ignore[arg-type]
            name=self.text(record, "name"),
            reason=self.text(record, "reason"),
        )
        if not matches(self.config.match, absence.class_name, absence.reason):
            return None
        return absence


def _key(word: str) -> str:
    return normalise(word).casefold()


_DEFAULTS = {
    name: {_key(word): ours for word, ours in words.items()}
    for name, words in DEFAULT_VALUES.items()
}


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _date_of(value: date | datetime, tz: ZoneInfo) -> date:
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _span(
    start: date | datetime, end: date | datetime | None, tz: ZoneInfo
) -> tuple[date | datetime, date | datetime]:
    """Start and exclusive end. A date alone is all day; an end date is the last day shown
    (as people write 11/24〜11/26), so the exclusive end is the day after it."""
    if isinstance(start, datetime):
        if end is None:
            end = start
        elif not isinstance(end, datetime):
            end = _midnight(end + timedelta(days=1), tz)
    elif end is None:
        end = start + timedelta(days=1)
    elif isinstance(end, datetime):
        start = _midnight(start, tz)
    else:
        end = end + timedelta(days=1)
    if end < start:  # type: ignore[operator]
        raise RowError("the end is before the start", "skip.end_before_start")
    return start, end


# --- The connectors' keys (json, csv, folder list them) ----------------------------------------

FIELDS = Key(
    "fields",
    "table",
    help=(
        "項目名の対応（こちら = システム）",
        "Our field = the system's name",
    ),
    doc=(
        (
            "こちらの項目名 = システムの項目名（列見出し・キー）。[共通](#共通項目名値日付--co"
            "mmon-fields-values-dates)。"
        ),
        "our field name = the system's name (column header or key).",
    ),
    shown_type="表 table",
    default="そのまま / our names",
    example='`{ title = "件名", body = "本文" }`',
)
VALUES = Key(
    "values",
    "table",
    help=(
        "値の対応（システムの値 = こちら）",
        "The system's word = ours",
    ),
    doc=(
        '項目ごとに、システムの値 = こちらの値（`"重要" = "urgent"`）。',
        "per field, the system's word = ours.",
    ),
    shown_type="表 table",
    default="日本語の既定あり / built-in Japanese words",
    example='`{ priority = { "A" = "urgent" } }`',
)
