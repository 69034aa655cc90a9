"""Domain items: small immutable values that sources produce and panels draw.

Times are aware datetimes; all-day items carry plain dates with an exclusive end,
as iCalendar writes them. Nothing here knows about Qt or HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Literal

# Characters a feed must not get onto the screen or into a log: C0/C1 controls (NUL included;
# tab and newline stay, a body has lines) and the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that can make a title read backwards ("Trojan Source").
_UNSAFE = {
    **{c: None for c in range(0x20) if chr(c) not in "\t\n"},
    0x0D: "\n",  # a lone CR would be dropped; as a line break it keeps the text's layout
    **{c: None for c in range(0x7F, 0xA0)},
    **{c: None for c in range(0x202A, 0x202F)},
    **{c: None for c in range(0x2066, 0x206A)},
}


_FOUND = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """`text` without control or bidi-override characters (a CR LF becomes one line break)."""
    if _FOUND.search(text) is None:  # nearly always: no copy
        return text
    return text.replace("\r\n", "\n").translate(_UNSAFE)


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(kind: type) -> tuple[str, ...]:
    """The field names of an item class (looked up once: fields() is slow per item)."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


def _clean_fields(item: Any) -> None:
    """Neutralise every text field of a just-built item: one place, whichever source made it."""
    for name in _names(type(item)):
        value = getattr(item, name)
        if isinstance(value, str) and _FOUND.search(value) is not None:
            object.__setattr__(item, name, clean_text(value))


Role = Literal["events", "notices", "visits", "staff_out", "absences", "closures", "weather"]
# closures: days the school is closed (臨時休業・学校閉庁日); the screen stays dark on them
# The roles of the generic kinds (ics, json, csv, folder); `weather` only the weather kinds serve.
ITEM_ROLES: tuple[str, ...] = ("events", "notices", "visits", "staff_out", "absences", "closures")
ROLES: tuple[str, ...] = (*ITEM_ROLES, "weather")
Priority = Literal["normal", "high", "urgent"]
PRIORITIES: tuple[str, ...] = ("normal", "high", "urgent")


@dataclass(frozen=True)
class Event:
    """Something with a time span: a school event, a visit, a colleague out."""

    source: str
    title: str
    start: datetime | date
    end: datetime | date
    all_day: bool = False
    location: str | None = None
    description: str | None = None
    uid: str | None = None
    person: str | None = None  # who (staff out, a visiting supporter), when the source knows

    def __post_init__(self) -> None:
        _clean_fields(self)


AbsenceKind = Literal["absent", "late", "early_leave"]
ABSENCE_KINDS: tuple[str, ...] = ("absent", "late", "early_leave")


@dataclass(frozen=True)
class Absence:
    """One report from the parent-contact system (欠席・遅刻・早退連絡) for one pupil.

    `name` is kept only so a school that allows it can show it; by default it never is.
    """

    source: str
    day: date
    class_name: str  # "1年1組", or "1年" when the system reports by grade
    kind: AbsenceKind = "absent"
    name: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        _clean_fields(self)


@dataclass(frozen=True)
class Notice:
    """A board notice (連絡事項)."""

    source: str
    title: str
    body: str = ""
    priority: Priority = "normal"
    posted: datetime | None = None
    expires: datetime | None = None
    link: str | None = None

    def __post_init__(self) -> None:
        _clean_fields(self)


# JMA's four grades, mildest first; 危険警報 (level 4) is the 2026 system's new one.
WarningKind = Literal["注意報", "警報", "危険警報", "特別警報"]
WARNING_KINDS: tuple[str, ...] = ("注意報", "警報", "危険警報", "特別警報")


@dataclass(frozen=True)
class WeatherWarning:
    """One JMA warning or advisory in force for the configured area (気象警報・注意報).

    `since`: when the report that last changed it was issued (JMA's data says no earlier
    time); `level` the 警戒レベル the 2026 system gives 大雨・土砂災害・高潮."""

    source: str
    code: str  # JMA's two-digit code, "03"
    name: str  # 大雨警報
    kind: WarningKind
    status: str  # JMA's word: 発表, 継続, 危険警報から警報 …
    since: datetime | None = None
    level: int | None = None

    def __post_init__(self) -> None:
        _clean_fields(self)

    @property
    def grade(self) -> int:
        """0 注意報 … 3 特別警報: a 警報 or graver (1 and up) is the strip's."""
        return WARNING_KINDS.index(self.kind)


@dataclass(frozen=True)
class HeatIndex:
    """The Ministry of the Environment's WBGT forecast for one point (暑さ指数, °C), 3-hourly:
    each value is for the three hours that end at its time. `alert_days`: days a
    熱中症警戒アラート is in force for the point's prefecture; `special_days` its 特別警戒."""

    source: str
    point: str
    issued: datetime | None
    slots: tuple[tuple[datetime, float], ...] = ()
    alert_days: tuple[date, ...] = ()
    special_days: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        _clean_fields(self)


Item = Event | Notice | Absence | WeatherWarning | HeatIndex


@dataclass(frozen=True)
class Skip:
    """A row, item, file or event a source could not use (or used only in part), and why.

    Language-neutral, so that one record serves `agenda --json`, the heartbeat and the screen
    in the configured language (signage.skips): `reason` names a text of signage.messages
    (`skip.*`), `details` fill its placeholders. `where` is "line 7" (csv), "item 3" (json),
    "file 給食.txt" (folder) or "event 2" (ics). `kept`: the row is shown anyway, not as
    written (an unknown priority read as normal)."""

    where: str
    reason: str
    details: tuple[tuple[str, str], ...] = ()
    kept: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "where", clean_text(self.where))
        if any(clean_text(v) != v for _, v in self.details):
            object.__setattr__(self, "details", tuple((k, clean_text(v)) for k, v in self.details))


@dataclass(frozen=True)
class Snapshot:
    """The last good data of one source, and how its latest refresh went."""

    source: str
    items: tuple[Item, ...] = ()
    fetched_at: datetime | None = None  # time of the last *successful* refresh
    error: str | None = None  # set while the latest refresh failed
    warnings: tuple[str, ...] = field(default=())
    skipped: tuple[Skip, ...] = field(default=())  # of the last successful refresh

    def __post_init__(self) -> None:
        # A refresh's error and warnings quote the feed (a bad value, a title) on the way to
        # the log, the heartbeat and the header: cleaned like the items' texts.
        if self.error is not None:
            object.__setattr__(self, "error", clean_text(self.error))
        if any(clean_text(w) != w for w in self.warnings):
            object.__setattr__(self, "warnings", tuple(clean_text(w) for w in self.warnings))

    @property
    def ok(self) -> bool:
        return self.error is None and self.fetched_at is not None
