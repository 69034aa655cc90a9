"""iCalendar feeds: parse, expand recurrences in a window, normalise to the school's zone."""

from __future__ import annotations

import logging
import re
from collections.abc import Set as AbstractSet
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from signage.config.keys import Key
from signage.config.model import PRIVATE_MODES
from signage.errors import ParseError
from signage.match import matches
from signage.messages import screen
from signage.model import Event, Item, Skip
from signage.privacy import is_private
from signage.sources.base import Parsed, Source, too_many
from signage.sources.html_body import BODY_FORMAT, html_to_text, reads_html
from signage.sources.ics_read import as_calendar, cap_events, decode, expand, guard_series, load
from signage.sources.kind import Kind

if TYPE_CHECKING:
    import icalendar

log = logging.getLogger(__name__)

PRIVATE_TITLE = screen("private_event")
DAYS_AHEAD = 120


class IcsSource(Source):
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        # Imported here, where the work is: `signage check` reads the kinds without them.
        import x_wr_timezone

        text, warnings = decode(raw)
        text = as_calendar(text)
        start, end = self.window(now)
        text = drop_far_singles(text, start, end)
        # Twice the screen's share: series and their moved occurrences count here as one each.
        text, total = cap_events(text, 2 * self.max_items, now.astimezone(self.tz).date())
        if total > 2 * self.max_items:
            warnings.append(too_many(2 * self.max_items, total).replace("items", "events"))
        calendar, broken = load(text)
        warnings.extend(broken)
        try:
            warnings.extend(_repair(calendar))
            warnings.extend(guard_series(calendar, start, end))
            calendar = x_wr_timezone.to_standard(calendar)
        except Exception as exc:  # icalendar raises bare ValueErrors and worse
            raise ParseError(f"unreadable iCalendar: {exc}") from None
        occurrences, failed = expand(calendar, start, end)
        warnings.extend(failed)
        private_series = _private_series(calendar)
        items: list[Item] = []
        for component in occurrences:
            try:
                event = self._event(component, private_series)
            except Exception as exc:
                uid = component.get("UID", "?")
                warnings.append(f"skipped event {uid}: {exc}")
                continue
            if event is not None:
                items.append(event)
        items.sort(key=lambda e: _sort_key(e, self.tz))
        if len(items) > self.max_items:
            warnings.append(too_many(self.max_items, len(items)))
            items = _nearest(items, self.max_items, now, self.tz)
        return Parsed(tuple(items), tuple(warnings), _skipped(warnings))

    def window(self, now: datetime) -> tuple[date, date]:
        """From the first of last month (visit counts) to a few months ahead."""
        today = now.astimezone(self.tz).date()
        first = today.replace(day=1)
        last_month = (first - timedelta(days=1)).replace(day=1)
        return last_month, today + timedelta(days=DAYS_AHEAD)

    def _event(
        self, component: Any, private_series: AbstractSet[str] = frozenset()
    ) -> Event | None:
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            return None
        title = _text(component.get("SUMMARY"))
        location = _text(component.get("LOCATION")) or None
        description = _text(component.get("DESCRIPTION")) or None
        if description is not None and reads_html(self.config):  # Google Calendar writes HTML
            description = html_to_text(description) or None
        if not matches(self.config.match, title, location, description):
            return None
        uid = _text(component.get("UID"))
        if is_private(_values(component, "CLASS"), series_private=uid in private_series):
            if self.config.private == "hide":
                return None
            title, location, description = PRIVATE_TITLE, None, None
        start = self._when(component.decoded("DTSTART"))
        if "DTEND" in component:
            end = self._when(component.decoded("DTEND"))
        elif "DURATION" in component:
            end = start + component.decoded("DURATION")
        else:
            end = start + timedelta(days=1) if not isinstance(start, datetime) else start
        all_day = not isinstance(start, datetime)
        if all_day and isinstance(end, datetime):
            end = end.date()
        if end < start:  # type: ignore[operator]
            end = start
        return Event(
            source=self.id,
            title=title or screen("untitled"),
            start=start,
            end=end,
            all_day=all_day,
            location=location,
            description=description,
            uid=_text(component.get("UID")) or None,
        )

    def _when(self, value: date | datetime) -> date | datetime:
        """Aware datetimes in the school's zone; floating times are taken in that zone."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=self.tz)
            return value.astimezone(self.tz)
        return value


_SKIPPED = re.compile(r"skipped (?:event|series|VEVENT) (.+?): (.*)", re.DOTALL)


def _skipped(warnings: list[str]) -> tuple[Skip, ...]:
    """The events left out, from the log's lines: by UID (an event has no line or number
    that a person could find more easily; its title may be private)."""
    skips = []
    for warning in warnings:
        found = _SKIPPED.fullmatch(warning)
        if found is not None:
            uid, why = found.groups()
            if why == "no single DTSTART":
                skips.append(Skip(f"event {uid[:80]}", "skip.no_dtstart"))
            else:
                skips.append(Skip(f"event {uid[:80]}", "skip.unreadable", (("detail", why),)))
        elif warning.startswith("skipped an unreadable calendar line"):
            detail = warning.partition(": ")[2]
            skips.append(Skip("calendar line", "skip.unreadable", (("detail", detail),)))
    return tuple(skips)


def _repair(calendar: icalendar.Calendar) -> list[str]:
    """Fix, in place, what would otherwise sink the whole feed or misplace all-day events.

    - A VEVENT without exactly one DTSTART cannot be placed, and recurring_ical_events fails on
      the whole calendar because of it: drop that event alone, with a warning.
    - `DTSTART;TZID=Japan;VALUE=DATE:20060503` (Apple iCal, apike.ca) is a date by RFC 5545, but
      icalendar decodes it as midnight in that zone, which shows an all-day event as a timed one
      (on the previous day for a zone west of the school's). Keep such values dates.
    """
    import icalendar

    warnings: list[str] = []
    kept = []
    for component in calendar.subcomponents:
        if component.name == "VEVENT" and not isinstance(
            component.get("DTSTART"), icalendar.prop.vDDDTypes
        ):
            uid = _text(component.get("UID")) or "?"
            warnings.append(f"skipped event {uid}: no single DTSTART")
            continue
        kept.append(component)
    calendar.subcomponents[:] = kept
    for event in calendar.walk("VEVENT"):
        for name in _DATE_PROPERTIES:
            value = event.get(name)
            for prop in value if isinstance(value, list) else [value]:
                params = getattr(prop, "params", None)
                if params is None or str(params.get("VALUE", "")).upper() != "DATE":
                    continue
                for part in getattr(prop, "dts", [prop]):
                    if isinstance(part.dt, datetime):
                        part.dt = part.dt.date()
                        part.params.pop("TZID", None)
                params.pop("TZID", None)
    return warnings


_DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?\n?", re.M | re.S | re.I)
_SERIES = re.compile(r"^(RRULE|RDATE|RECURRENCE-ID)[;:]", re.M | re.I)
_FOLD = re.compile(r"\r?\n[ \t]")
MARGIN = timedelta(days=2)  # covers any UTC offset and all-day ends


def _prop_date(block: str, name: str) -> date | None:
    found = re.search(rf"^{name}(?:;[^:\n]*)?:(\d{{8}})", block, re.M | re.I)
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def drop_far_singles(text: str, start: date, end: date) -> str:
    """Remove single (non-recurring) events that lie wholly outside the window, before the
    slow full parse: a school calendar is mostly years of history. Anything unclear is kept."""

    def keep_or_drop(found: re.Match[str]) -> str:
        block = _FOLD.sub("", found.group(0))
        if _SERIES.search(block):
            return found.group(0)
        first = _prop_date(block, "DTSTART")
        if first is None:
            return found.group(0)
        if first > end + MARGIN:
            return ""
        last = _prop_date(block, "DTEND")
        if last is None and re.search(r"^DURATION[;:]", block, re.M | re.I):
            return found.group(0)
        if (last or first) < start - MARGIN:
            return ""
        return found.group(0)

    return _VEVENT.sub(keep_or_drop, text)


def _nearest(items: list[Item], limit: int, now: datetime, tz: Any) -> list[Item]:
    """The `limit` events from now on, then the latest past ones; in time order."""
    future = [e for e in items if _sort_key(e, tz)[0] >= now]
    past = [e for e in items if _sort_key(e, tz)[0] < now]
    kept = future[:limit]
    kept = past[len(past) - (limit - len(kept)) :] + kept if len(kept) < limit else kept
    return kept


def _values(component: Any, name: str) -> list[str]:
    """Every value of a property, however often it is given (two CLASS lines are two)."""
    value = component.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _private_series(calendar: icalendar.Calendar) -> set[str]:
    """UIDs of the private series: an override (RECURRENCE-ID) of one stays private whatever
    it says itself. The series is its VEVENTs without RECURRENCE-ID (any private one counts)."""
    return {
        uid
        for event in calendar.walk("VEVENT")
        if (uid := _text(event.get("UID")))
        and "RECURRENCE-ID" not in event
        and is_private(_values(event, "CLASS"))
    }


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _sort_key(item: Item, tz: Any) -> tuple[datetime, str]:
    assert isinstance(item, Event)
    start = item.start
    if not isinstance(start, datetime):
        start = datetime.combine(start, time.min, tzinfo=tz)
    return start, item.title


PRIVATE = Key(
    "private",
    "text",
    help=(
        "非公開の予定: neutral は伏せて表示、hide は出さない",
        "Private events",
    ),
    doc=(
        (
            "非公開の予定（`CLASS` が `PUBLIC` と明示されていないもの: `PRIVATE`・"
            "`CONFIDENTIAL`・不明な値。非公開の繰り返しの一部も。`m365` は `sensitivity` が "
            "`normal` 以外、`google` は `visibility` が `private`・`confidential`）を `neutral` "
            "= 「予定あり」とだけ表示、`hide` = 表示しない。ほかの種類に書くと**警告**（効果な"
            "し）。"
        ),
        (
            "how private events show (a `CLASS` other than a clear `PUBLIC`: `PRIVATE`,"
            " `CONFIDENTIAL`, unknown values; every part of a private series) — `neutral` as"
            " 「予定あり」 without details, `hide` not at all (`m365`: a `sensitivity` other than"
            " `normal`; `google`: `visibility` private or confidential). A **warning** on other"
            " kinds."
        ),
    ),
    shown_type='`"neutral"` \\| `"hide"`',
    default='`"neutral"`',
    example='`"hide"`',
    choices=PRIVATE_MODES,
    bad_choice="bad_private",
)
KIND = Kind("ics", ("iCalendar", "iCalendar"), IcsSource, keys=(PRIVATE, BODY_FORMAT))
