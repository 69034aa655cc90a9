"""The packaged demo: a school week of data that always looks current.

Every demo file is written for the school week of Monday 2026-11-23 (令和8年).
`materialize_demo` copies the folder (sub-folders too) and moves every date in it by whole
weeks, so that week becomes the week being shown and weekdays stay right.

Dates are found by a regular expression over the text, in the forms that iCalendar, ISO 8601
and Japanese school systems write:

- ``20261124``, ``20261124T090000``, ``20261124T000000Z``, ``2026-11-24`` and
  ``2026-11-24T09:00:00+09:00`` (iCalendar, JSON); ``2026112415`` (a date and an hour, as the
  WBGT forecast writes its slots);
- ``2026/11/24`` (``2026/11/24 8:30``) and ``2026年11月24日`` (CSV exports, notice files);
- Japanese-era dates ``令和8年11月24日`` and ``R8.11.24`` (平成 and ``H`` are read too).

A candidate is shifted only when it is a valid date (Gregorian years starting with 20) and not
part of a longer run of digits, so phone numbers, ticket numbers and numeric UIDs stay as they
are. A moved date keeps its form: separators, zero padding (``2026/11/24`` may become
``2027/1/5``; ``2026/01/05`` stays padded), and its era written the same way (kanji or letter);
an era year is recomputed, so 令和8年12月28日 becomes 令和9年1月4日, and 令和1年 is written
元年 when the original was written in kanji.

Files are decoded as UTF-8 (a BOM is kept) or, failing that, CP932 (Shift_JIS as Windows
writes it). Only the bytes of each moved date are replaced; every other byte of the file stays
exactly as it was, so line ends, the BOM and multibyte characters are untouched.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = [
    "ANCHOR_MONDAY",
    "demo_dir",
    "materialize_demo",
    "shift_dates",
    "shift_file_bytes",
    "target_monday",
]

ANCHOR_MONDAY = date(2026, 11, 23)
#: The demo school's zone (its "today" is Tokyo's today, see signage.cli.demo_today).
DEMO_TIMEZONE = ZoneInfo("Asia/Tokyo")
#: Copied files get this time of `today` as their modification time, which the folder
#: connector shows as a notice's posted time: the same screen for `render --at` whenever run.
FILE_TIME = time(7, 0)

#: Files whose text is searched for dates; anything else is copied byte for byte.
TEXT_SUFFIXES = frozenset({".ics", ".json", ".toml", ".csv", ".md", ".txt"})
#: Package plumbing that is not demo data.
SKIPPED_NAMES = frozenset({"__init__.py", "__pycache__"})
#: Tried in order; UTF-8 keeps a BOM as the character U+FEFF, so it is written back as it was.
ENCODINGS = ("utf-8", "cp932")

_DATE = re.compile(
    # YYYYMMDD or YYYY-MM-DD (the separator the same twice), not inside a digit run
    r"(?<!\d)(?P<iso_y>20\d\d)(?P<iso_sep>-?)(?P<iso_m>\d\d)(?P=iso_sep)(?P<iso_d>\d\d)(?!\d)"
    # YYYYMMDDHH (the WBGT forecast's slots): the date part only, when an hour follows
    r"|(?<!\d)(?P<hour_y>20\d\d)(?P<hour_m>\d\d)(?P<hour_d>\d\d)(?=(?:[01]\d|2[0-4])(?!\d))"
    # 2026/11/24 or 2026年11月24日
    r"|(?<!\d)(?P<ja_y>20\d\d)(?:(?P<ja_slash>/)|年)(?P<ja_m>\d{1,2})(?(ja_slash)/|月)"
    r"(?P<ja_d>\d{1,2})(?(ja_slash)|日)(?!\d)"
    # 令和8年11月24日, 令和元年5月1日 or R8.11.24 (a letter era not glued to a word or number)
    r"|(?P<era>令和|平成|(?<![A-Za-z0-9])[RH])(?P<era_y>元|\d{1,2})(?:(?P<era_dot>\.)|年)"
    r"(?P<era_m>\d{1,2})(?(era_dot)\.|月)(?P<era_d>\d{1,2})(?(era_dot)|日)(?!\d)"
)
# Era name (kanji, letter) and its first day; newest first.
_ERAS = (("令和", "R", date(2019, 5, 1)), ("平成", "H", date(1989, 1, 8)))
_ERA_OFFSET = {name: first.year - 1 for kanji, letter, first in _ERAS for name in (kanji, letter)}


def demo_dir() -> Path:
    """The packaged demo folder."""
    return Path(__file__).resolve().parent / "demo"


def target_monday(today: date) -> date:
    """Monday of the school week to show: this week, or the coming one at the weekend."""
    weekday = today.weekday()
    if weekday >= 5:  # Saturday, Sunday: show next week as upcoming
        return today + timedelta(days=7 - weekday)
    return today - timedelta(days=weekday)


def _number(value: int, like: str) -> str:
    """`value` written as `like` was: zero-padded to two digits only if `like` was."""
    return f"{value:02d}" if len(like) == 2 and like.startswith("0") else str(value)


def _era(day: date) -> tuple[str, str, int] | None:
    for kanji, letter, first in _ERAS:
        if day >= first:
            return kanji, letter, day.year - first.year + 1
    return None


def _move(found: re.Match[str], delta: timedelta) -> str:
    """The date of one match moved by `delta`, in the same form; unchanged if not a date."""
    group = found.group
    try:
        if group("iso_y"):
            moved = date(int(group("iso_y")), int(group("iso_m")), int(group("iso_d"))) + delta
            sep = group("iso_sep")
            return f"{moved.year:04d}{sep}{moved.month:02d}{sep}{moved.day:02d}"
        if group("hour_y"):
            moved = date(int(group("hour_y")), int(group("hour_m")), int(group("hour_d"))) + delta
            return f"{moved.year:04d}{moved.month:02d}{moved.day:02d}"
        if group("ja_y"):
            month, day = group("ja_m"), group("ja_d")
            moved = date(int(group("ja_y")), int(month), int(day)) + delta
            new_month, new_day = _number(moved.month, month), _number(moved.day, day)
            if group("ja_slash"):
                return f"{moved.year:04d}/{new_month}/{new_day}"
            return f"{moved.year:04d}年{new_month}月{new_day}日"
        era, year, month, day = group("era"), group("era_y"), group("era_m"), group("era_d")
        number = 1 if year == "元" else int(year)
        moved = date(_ERA_OFFSET[era] + number, int(month), int(day)) + delta
    except (ValueError, OverflowError):
        return found.group(0)
    new_era = _era(moved)
    if new_era is None:  # before 平成: leave it as it was
        return found.group(0)
    kanji, letter, new_number = new_era
    if len(era) == 1:
        era_text = f"{letter}{_number(new_number, year)}"
    else:
        era_text = kanji + ("元" if new_number == 1 else _number(new_number, year))
    new_month, new_day = _number(moved.month, month), _number(moved.day, day)
    if group("era_dot"):
        return f"{era_text}.{new_month}.{new_day}"
    return f"{era_text}年{new_month}月{new_day}日"


def shift_dates(text: str, weeks: int) -> str:
    """Move every date in `text` by `weeks` whole weeks, keeping each one's format."""
    if weeks == 0:
        return text
    delta = timedelta(weeks=weeks)
    return _DATE.sub(lambda found: _move(found, delta), text)


def shift_file_bytes(raw: bytes, weeks: int) -> bytes:
    """`raw` with every date moved by `weeks` weeks; all other bytes exactly as they were.

    The text is decoded (UTF-8, else CP932) to find the dates, and only the bytes of each
    moved date are replaced: a character whose CP932 bytes would not survive a decode and
    encode round trip (the NEC/IBM duplicates) is never rewritten. Bytes in neither encoding
    are returned as they are.
    """
    if weeks == 0:
        return raw
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        return raw
    delta = timedelta(weeks=weeks)
    pieces: list[bytes] = []
    chars = 0  # how far into text
    offset = 0  # the same place in raw (UTF-8 and CP932 encode each character on its own)
    for found in _DATE.finditer(text):
        offset_date = offset + len(text[chars : found.start()].encode(encoding))
        length = len(found.group(0).encode(encoding))
        pieces.append(raw[offset:offset_date])
        pieces.append(_move(found, delta).encode(encoding))
        offset = offset_date + length
        chars = found.end()
    pieces.append(raw[offset:])
    return b"".join(pieces)


def materialize_demo(today: date, dest: Path) -> Path:
    """Copy the demo folder into `dest` with every date shifted by whole weeks so that
    the anchor week becomes the week of `today` (on Saturday/Sunday: the coming week,
    so the weekend shows next week's data as upcoming).

    Every copied file's modification time is 07:00 (Tokyo) on `today`: the demo's shared
    folder shows its notices as posted this morning, whenever the demo is materialised.

    Returns the path of ``dest / "signage.toml"``. Existing files of the same name in
    `dest` are overwritten; other files there are left alone.
    """
    weeks = (target_monday(today) - ANCHOR_MONDAY).days // 7
    stamp = datetime.combine(today, FILE_TIME, tzinfo=DEMO_TIMEZONE).timestamp()
    dest.mkdir(parents=True, exist_ok=True)
    root = demo_dir()
    for source in sorted(root.rglob("*")):
        relative = source.relative_to(root)
        if not source.is_file() or any(
            part in SKIPPED_NAMES or part.startswith(".") for part in relative.parts
        ):
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix.lower() in TEXT_SUFFIXES:
            # bytes in, bytes out: keeps the encoding, a BOM and the CRLF line ends
            target.write_bytes(shift_file_bytes(source.read_bytes(), weeks))
        else:
            shutil.copyfile(source, target)
        os.utime(target, (stamp, stamp))
    return dest / "signage.toml"
