"""Reading an iCalendar feed that is partly broken, hostile or huge, the way calendar apps do.

One broken component costs that component only (named by its UID), a broken VTIMEZONE costs
only its rules (its TZID is then read as a zone name, else the school's zone), a file of bare
VEVENTs is a calendar, UTF-16 is converted. Work is bounded: a recurrence is expanded only in
the window the screen needs and only when its count there is plausible; the number of events
given to the parser and kept after expansion is capped.
"""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from signage.errors import ParseError

if TYPE_CHECKING:
    import icalendar

SERIES_IN_WINDOW = 2000  # occurrences of one series in the window: more is no school event
SERIES_STEPS = 1_000_000  # recurrence steps from DTSTART: beyond this the expansion is too slow
_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 28 * 86400,
    "YEARLY": 365 * 86400,
}
_RANK = {name: rank for rank, name in enumerate(_SECONDS)}
# BY parts that add occurrences within one step of a coarser FREQ, with how many each value adds.
_EXPANDING = (
    ("BYSECOND", "SECONDLY", 1),
    ("BYMINUTE", "MINUTELY", 1),
    ("BYHOUR", "HOURLY", 1),
    ("BYDAY", "DAILY", 1),
    ("BYMONTHDAY", "WEEKLY", 1),
    ("BYYEARDAY", "MONTHLY", 1),
    ("BYWEEKNO", "MONTHLY", 7),
    ("BYMONTH", "MONTHLY", 1),
)
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_FOLD = re.compile(r"(?:\r\n|\n|\r)[ \t]")
_UID = re.compile(r"^UID(?:;[^:]*)?:(.*)$", re.M | re.I)
_TZID = re.compile(r"^TZID(?:;[^:]*)?:(.*)$", re.M | re.I)


def decode(raw: bytes) -> tuple[str, list[str]]:
    """The text of the feed. UTF-16 (Outlook's "Unicode" export) is converted, with a warning."""
    utf16 = None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = "utf-16"
    elif raw[:2] == b"B\x00":
        utf16 = "utf-16-le"
    elif raw[:2] == b"\x00B":
        utf16 = "utf-16-be"
    if utf16 is not None:
        text = raw.decode(utf16, errors="replace")
        return text, ["the file is UTF-16; converted (export it as UTF-8 if you can)"]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        warning = f"line {line} and maybe others: bytes that are not UTF-8 shown as �"
        return raw.decode("utf-8-sig", errors="replace"), [warning]


def as_calendar(text: str) -> str:
    """The text as one VCALENDAR: bare VEVENTs (and VTIMEZONEs) are wrapped in one."""
    if "BEGIN:VCALENDAR" in text[:4096].upper():
        return text
    if re.search(r"^BEGIN:(VEVENT|VTIMEZONE|VTODO)\s*$", text, re.M | re.I):
        return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{text.strip()}\r\nEND:VCALENDAR\r\n"
    raise ParseError("not an iCalendar file (no BEGIN:VCALENDAR)")


def load(text: str) -> tuple[icalendar.Calendar, list[str]]:
    """The calendar; when the whole does not parse, every top-level component on its own."""
    import icalendar

    try:
        return icalendar.Calendar.from_ical(text), []
    except Exception as whole:  # icalendar raises bare ValueErrors and worse
        calendar, warnings = _by_component(text)
        if not calendar.subcomponents and any(w.startswith("skipped V") for w in warnings):
            raise ParseError(f"unreadable iCalendar: {_short(whole)}") from None
        return calendar, warnings


def _by_component(text: str) -> tuple[icalendar.Calendar, list[str]]:
    import icalendar

    lines = _LINE_BREAK.split(_FOLD.sub("", text))
    header: list[str] = []
    blocks: list[list[str]] = []
    warnings: list[str] = []
    depth = 0
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCALENDAR" and depth == 0:
            depth = 1
            continue
        if upper == "END:VCALENDAR" and depth >= 1:
            if depth > 1:  # a component cut off: unreadable, whatever icalendar would make of it
                cut = blocks.pop()
                body = "\r\n".join(cut)
                warnings.append(_skipped(cut[0], body, ValueError("cut off before its END")))
            depth = 0
            continue
        if depth == 0:
            continue
        if upper.startswith("BEGIN:"):
            if depth == 1:
                blocks.append([])
            depth += 1
        if depth >= 2:
            blocks[-1].append(line)
        elif line.strip():
            header.append(line)
        if upper.startswith("END:") and depth >= 2:
            depth -= 1
    calendar = icalendar.Calendar()
    for line in header:
        try:
            name, params, value = icalendar.parser.Contentline(line).parts()  # type: ignore[no-untyped-call]
            calendar.add(name, value, parameters=params)
        except Exception:
            warnings.append(f"skipped an unreadable calendar line: {line[:60]!r}")
    for block in blocks:
        body = "\r\n".join(block) + "\r\n"
        try:
            calendar.add_component(icalendar.Component.from_ical(body))
        except Exception as exc:
            warnings.append(_skipped(block[0], body, exc))
    return calendar, warnings


def _skipped(begin: str, body: str, exc: Exception) -> str:
    kind = begin.partition(":")[2].strip().upper() or "component"
    if kind == "VTIMEZONE":
        found = _TZID.search(body)
        tzid = found.group(1).strip() if found else "?"
        return (
            f"time zone {tzid!r} unreadable ({_short(exc)}); its times are read by the zone's"
            " name, else in the school's zone"
        )
    found = _UID.search(body)
    uid = found.group(1).strip() if found else "?"
    return f"skipped {kind} {uid}: {_short(exc)}"


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def guard_series(calendar: icalendar.Calendar, start: date, end: date) -> list[str]:
    """Drop, in place, each series whose rule is invalid or would repeat more often than a
    screen can use (INTERVAL=0, FREQ=SECONDLY…): expansion time and memory stay bounded."""
    warnings: list[str] = []
    kept = []
    for component in calendar.subcomponents:
        if component.name == "VEVENT" and "RRULE" in component:
            problem = _rule_problem(component, start, end)
            if problem is not None:
                uid = str(component.get("UID", "?")).strip()
                warnings.append(f"skipped series {uid}: {problem}")
                continue
        kept.append(component)
    calendar.subcomponents[:] = kept
    return warnings


def _rule_problem(component: Any, start: date, end: date) -> str | None:
    try:
        first = component.decoded("DTSTART")
    except Exception as exc:
        return f"unreadable DTSTART ({_short(exc)})"
    first_day = first.date() if isinstance(first, datetime) else first
    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules]:
        try:
            freq = str(rule.get("FREQ", [""])[0]).upper()
            interval = int(rule.get("INTERVAL", [1])[0])
            count = int(rule["COUNT"][0]) if "COUNT" in rule else None
            until = rule["UNTIL"][0] if "UNTIL" in rule else None
        except Exception as exc:
            return f"invalid RRULE ({_short(exc)})"
        if freq not in _SECONDS:
            return f"invalid RRULE (FREQ={freq or '?'})"
        if interval < 1:
            return f"invalid RRULE (INTERVAL={interval})"
        per_step = 1
        for part, finer_than, weight in _EXPANDING:
            if part in rule and _RANK[freq] > _RANK[finer_than]:
                per_step *= max(1, len(rule[part])) * weight
        step = _SECONDS[freq] * interval
        last = end
        if isinstance(until, datetime):
            last = min(last, until.date())
        elif isinstance(until, date):
            last = min(last, until)
        in_window = _steps(max(start, first_day), last, step) * per_step
        total = _steps(first_day, last, step) * per_step
        if count is not None:
            in_window, total = min(in_window, count), min(total, count)
        if in_window > SERIES_IN_WINDOW:
            return f"repeats about {in_window} times in the window shown (FREQ={freq})"
        if total > SERIES_STEPS:
            return f"repeats about {total} times since {first_day} (FREQ={freq})"
    return None


def _steps(first: date, last: date, step: int) -> int:
    if last < first:
        return 0
    return int(((last - first) + timedelta(days=1)).total_seconds() // step) + 1


def expand(calendar: icalendar.Calendar, start: date, end: date) -> tuple[list[Any], list[str]]:
    """The occurrences in the window; when the whole fails, each UID's series on its own."""
    import icalendar
    import recurring_ical_events

    try:
        found = recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end)
        return list(found), []
    except Exception:
        pass
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    groups: dict[str, list[Any]] = {}
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            groups.setdefault(str(component.get("UID", id(component))), []).append(component)
    occurrences: list[Any] = []
    warnings: list[str] = []
    for uid, members in groups.items():
        part = icalendar.Calendar()
        for name, value in calendar.property_items(recursive=False)[1:-1]:
            part.add(name, value)
        part.subcomponents.extend(zones + members)
        try:
            occurrences.extend(
                recurring_ical_events.of(part, skip_bad_series=True).between(start, end)
            )
        except Exception as exc:
            warnings.append(f"skipped event {uid}: {_short(exc)}")
    return occurrences, warnings


_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?\n?", re.M | re.S | re.I)
_DTSTART = re.compile(r"^DTSTART(?:;[^:\n]*)?:(\d{8})", re.M | re.I)


def cap_events(text: str, limit: int, today: date) -> tuple[str, int]:
    """At most `limit` VEVENTs for the full parse, those nearest to today first (from today
    on before the past): 100,000 events in 19 MB would take minutes and a gigabyte.
    Returns the text and how many VEVENTs it had."""
    found = list(_VEVENT.finditer(text))
    if len(found) <= limit:
        return text, len(found)

    def distance(match: re.Match[str]) -> tuple[int, int]:
        day = _DTSTART.search(match.group(0))
        try:
            when = datetime.strptime(day.group(1), "%Y%m%d").date() if day else today
        except ValueError:
            when = today
        return (0, (when - today).days) if when >= today else (1, (today - when).days)

    keep = {id(m) for m in sorted(found, key=distance)[:limit]}
    parts, position = [], 0
    for match in found:
        parts.append(text[position : match.start()])
        if id(match) in keep:
            parts.append(match.group(0))
        position = match.end()
    parts.append(text[position:])
    return "".join(parts), len(found)
