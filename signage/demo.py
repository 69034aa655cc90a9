"""The packaged demo: a school week of data that always looks current.

Every demo file is written for the school week of Monday 2026-11-23 (令和8年).
`materialize_demo` copies the folder and moves every date in it by whole weeks,
so that week becomes the week being shown and weekdays stay right.

Dates are found by a regular expression over the text, in the forms that iCalendar
and ISO 8601 write: ``20261124``, ``20261124T090000``, ``20261124T000000Z``,
``2026-11-24`` and ``2026-11-24T09:00:00+09:00``. A candidate is shifted only when
it is a valid date whose year starts with 20 and it is not part of a longer run of
digits, so phone numbers, ticket numbers and numeric UIDs stay as they are.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

__all__ = ["ANCHOR_MONDAY", "demo_dir", "materialize_demo", "shift_dates", "target_monday"]

ANCHOR_MONDAY = date(2026, 11, 23)

#: Files whose text is searched for dates; anything else is copied byte for byte.
TEXT_SUFFIXES = frozenset({".ics", ".json", ".toml"})
#: Package plumbing that is not demo data.
SKIPPED_NAMES = frozenset({"__init__.py", "__pycache__"})

# YYYYMMDD or YYYY-MM-DD (the separator must be the same twice), not inside a digit run.
_DATE = re.compile(r"(?<!\d)(20\d\d)(-?)(\d\d)\2(\d\d)(?!\d)")


def demo_dir() -> Path:
    """The packaged demo folder."""
    return Path(__file__).resolve().parent / "demo"


def target_monday(today: date) -> date:
    """Monday of the school week to show: this week, or the coming one at the weekend."""
    weekday = today.weekday()
    if weekday >= 5:  # Saturday, Sunday: show next week as upcoming
        return today + timedelta(days=7 - weekday)
    return today - timedelta(days=weekday)


def shift_dates(text: str, weeks: int) -> str:
    """Move every date in `text` by `weeks` whole weeks, keeping each one's format."""
    if weeks == 0:
        return text
    delta = timedelta(weeks=weeks)

    def replace(match: re.Match[str]) -> str:
        year, sep, month, day = match.groups()
        try:
            moved = date(int(year), int(month), int(day)) + delta
        except (ValueError, OverflowError):
            return match.group(0)
        return f"{moved.year:04d}{sep}{moved.month:02d}{sep}{moved.day:02d}"

    return _DATE.sub(replace, text)


def materialize_demo(today: date, dest: Path) -> Path:
    """Copy the demo folder into `dest` with every date shifted by whole weeks so that
    the anchor week becomes the week of `today` (on Saturday/Sunday: the coming week,
    so the weekend shows next week's data as upcoming).

    Returns the path of ``dest / "signage.toml"``. Existing files of the same name in
    `dest` are overwritten; other files there are left alone.
    """
    weeks = (target_monday(today) - ANCHOR_MONDAY).days // 7
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
            # bytes in, bytes out: keeps UTF-8 and the CRLF line ends of the .ics files
            text = source.read_bytes().decode("utf-8")
            target.write_bytes(shift_dates(text, weeks).encode("utf-8"))
        else:
            shutil.copyfile(source, target)
    return dest / "signage.toml"
