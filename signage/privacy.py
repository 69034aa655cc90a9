"""What may be shown of an item: the privacy decisions, each made once, failing closed.

Two decisions live here, so that every output (screen, `agenda` text and JSON, heartbeat,
log, disk cache) agrees:

- `is_private`: an event's class (iCalendar CLASS; the cloud kinds' sensitivity/visibility).
  Only a clearly public value, or no value at all on an event whose series is not private,
  shows; anything else (CONFIDENTIAL, x-names, garbage, duplicates that disagree) is masked.
- `shown_person`: the name and reason of a colleague out or a pupil, as the source's `names`
  allows. A title "田中 正男 出張" cannot say where the name ends, so `family` leaves out a
  reason that might hold a given name rather than show it.

`shown_items` applies the names decision once, to the items a source's parse returns
(signage.sources.base wraps every kind's parse), so the store, the screen, `agenda`, the
heartbeat's counts and whatever keeps the items (the disk cache) never hold more than the screen
may show. Sources, agenda and view import this module; it imports only the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from signage.model import Absence, Event, Item

ICAL_PUBLIC = ("PUBLIC",)
NAMED_ROLES = ("staff_out", "absences")  # the roles whose items name people
# The longest family name a title's first word is taken for (佐々木, 長谷川; 勅使河原 is rare).
FAMILY_MAX = 3


def is_private(
    values: Iterable[object], *, series_private: bool = False, public: Iterable[str] = ICAL_PUBLIC
) -> bool:
    """True unless every value is clearly public (`public`, any case, spaces around ignored).

    No value at all means public (RFC 5545's default), unless the event belongs to a private
    series (an override inherits its series' class; it never makes one occurrence of a private
    series public). An empty value counts as none: Exchange and Thunderbird write `CLASS:` on
    ordinary events (tests/data/SOURCES.md)."""
    if series_private:
        return True
    allowed = {word.strip().upper() for word in public}
    given = (word for word in (str(value).strip().upper() for value in values) if word)
    return any(word not in allowed for word in given)


def default_names(role: str) -> str:
    """Colleagues are named in full, pupils not at all, unless the source says otherwise."""
    return "none" if role == "absences" else "full"


def person_and_reason(event: Event) -> tuple[str, str]:
    """("鈴木 一郎", "出張（教育委員会）") from the person field or a title "鈴木 出張（…）"."""
    if event.person:
        reason = event.title.removeprefix(event.person).strip() or (event.description or "")
        return event.person, reason
    name, _, reason = _spaces(event.title).partition(" ")
    return name, reason.strip()


def shown_name(person: str, mode: str) -> str:
    """The name as the privacy setting allows: full, family name only, or nothing.

    Family names are taken before the first space ("鈴木 一郎" → "鈴木"); a name written
    without a space cannot be split safely, so `family` shows none of it (fails closed).
    """
    if mode == "full":
        return person
    if mode == "family":
        family, space, _ = _spaces(person).strip().partition(" ")
        return family if space else ""
    return ""


def shown_person(event: Event, mode: str) -> tuple[str, str]:
    """(name, reason) as `mode` allows; a reason only beside a name (it may name someone).

    From a title without a person field, `family` takes the first word as the family name
    ("中村 年休"); a first word longer than a family name is usually written ("佐々木陽子 会議")
    is a full name, so nothing is shown. When the rest has more than one word its first may be
    a given name ("田中 正男 出張"), and nothing tells which, so the reason is left out.
    """
    person, reason = person_and_reason(event)
    if mode == "full":
        return person, reason
    if mode != "family":
        return "", ""
    if event.person:
        name = shown_name(person, mode)
        return (name, reason) if name else ("", "")
    if len(person) > FAMILY_MAX:
        return "", ""
    return person, ("" if " " in reason else reason)


def shown_title(name: str, reason: str) -> str:
    """The title an output may print for a person's item: "鈴木 出張" or "" (nothing)."""
    return " ".join(part for part in (name, reason) if part)


def shown_event(event: Event, mode: str) -> Event:
    """The event with no more of the person than `mode` allows (title, person, notes)."""
    if mode == "full":
        return event
    name, reason = shown_person(event, mode)
    return replace(
        event,
        title=shown_title(name, reason),
        person=name or None,
        description=None,  # free text: may name the person in full
        location=event.location if name else None,
    )


def shown_absence(absence: Absence, mode: str) -> Absence:
    """The report with its name as `mode` allows and no reason (never shown: health data)."""
    name = shown_name(absence.name, mode) if absence.name else ""
    return replace(absence, name=name or None, reason=None)


def shown_items(items: Iterable[Item], role: str, names: str | None) -> tuple[Item, ...]:
    """A source's items as its `names` setting allows; other roles' items as they are."""
    if role not in NAMED_ROLES:
        return tuple(items)
    mode = names or default_names(role)
    out: list[Item] = []
    for item in items:
        if isinstance(item, Event):
            out.append(shown_event(item, mode))
        elif isinstance(item, Absence):
            out.append(shown_absence(item, mode))
        else:
            out.append(item)
    return tuple(out)


def _spaces(text: str) -> str:
    """Ideographic spaces as plain ones: Japanese names are often written "鈴木　一郎"."""
    return text.replace("\u3000", " ")
