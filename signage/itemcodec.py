"""The model's items as JSON values, for the disk cache: an explicit table per class, so
that what is written is exactly what the screen may show and a copy that does not read back
exactly (an unknown kind, a missing or extra field, a wrong type) is refused whole.

Dates are ISO dates; datetimes are ISO with their offset, followed by the zone's name in
brackets when they carry one ("2026-11-24T08:10:00+09:00[Asia/Tokyo]", as RFC 9557 writes it),
so an item read back equals, and behaves as, the one written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from signage.model import (
    ABSENCE_KINDS,
    PRIORITIES,
    WARNING_KINDS,
    Absence,
    Event,
    HeatIndex,
    Item,
    Notice,
    WeatherWarning,
)


class CodecError(ValueError):
    """A value that is not one this codec writes."""


JSON = Any  # a value json.loads returns
Decode = Callable[[JSON], object]


def _str(value: JSON) -> str:
    if not isinstance(value, str):
        raise CodecError(f"not a string: {value!r:.40}")
    return value


def _opt_str(value: JSON) -> str | None:
    return None if value is None else _str(value)


def _bool(value: JSON) -> bool:
    if not isinstance(value, bool):
        raise CodecError(f"not a boolean: {value!r:.40}")
    return value


def _one_of(allowed: tuple[str, ...]) -> Decode:
    def check(value: JSON) -> str:
        if value not in allowed:
            raise CodecError(f"not one of {allowed}: {value!r:.40}")
        return str(value)

    return check


def encode_when(value: date | datetime | None) -> str | None:
    """An ISO date, or an aware datetime as ISO with offset (and [zone] when it has one)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.utcoffset() is None:
        raise CodecError("a datetime without a time zone")
    zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
    return value.isoformat() + (f"[{zone}]" if zone else "")


def _when(value: JSON) -> date | datetime:
    text = _str(value)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        stamp, bracket, zone = text.partition("[")
        moment = datetime.fromisoformat(stamp)
        if moment.utcoffset() is None:
            raise CodecError("a datetime without a time zone")
        if bracket:
            if not zone.endswith("]"):
                raise CodecError(f"not a zone: {zone!r:.40}")
            moment = moment.astimezone(ZoneInfo(zone[:-1]))
        return moment
    except (ValueError, LookupError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise CodecError(f"not a date or time: {text!r:.40}") from exc


def _opt_moment(value: JSON) -> datetime | None:
    if value is None:
        return None
    moment = _when(value)
    if not isinstance(moment, datetime):
        raise CodecError(f"not a date and time: {value!r:.40}")
    return moment


def decode_moment(value: JSON) -> datetime:
    """An aware datetime `encode_when` wrote."""
    moment = _opt_moment(value)
    if moment is None:
        raise CodecError("no date and time")
    return moment


def _day(value: JSON) -> date:
    day = _when(value)
    if isinstance(day, datetime):
        raise CodecError(f"not a date: {value!r:.40}")
    return day


def _opt_level(value: JSON) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise CodecError(f"not a level: {value!r:.40}")
    return value


def _days(value: JSON) -> tuple[date, ...]:
    if not isinstance(value, list):
        raise CodecError(f"not a list of dates: {value!r:.40}")
    return tuple(_day(day) for day in value)


def _slots(value: JSON) -> tuple[tuple[datetime, float], ...]:
    """[["2026-07-12T15:00:00+09:00[Asia/Tokyo]", 28.0], …]: a forecast's times and values."""
    if not isinstance(value, list):
        raise CodecError(f"not a list of slots: {value!r:.40}")
    out = []
    for slot in value:
        if not isinstance(slot, list) or len(slot) != 2:
            raise CodecError(f"not a slot: {slot!r:.40}")
        number = slot[1]
        if not isinstance(number, int | float) or isinstance(number, bool):
            raise CodecError(f"not a number: {number!r:.40}")
        out.append((decode_moment(slot[0]), float(number)))
    return tuple(out)


def _encode_days(days: tuple[date, ...]) -> JSON:
    return [encode_when(day) for day in days]


def _encode_slots(slots: tuple[tuple[datetime, float], ...]) -> JSON:
    return [[encode_when(moment), value] for moment, value in slots]


# Fields that are not written as they are: dates and times, and the lists of them.
_ENCODERS: Mapping[Decode, Callable[[Any], JSON]] = {
    _days: _encode_days,
    _slots: _encode_slots,
}

# Each class's fields in order, with how each is read back; written by `encode_when` for the
# date and time fields, as they are for the others (strings, booleans, None).
_WHEN = (_when, _opt_moment, _day)
FIELDS: Mapping[type, tuple[str, Mapping[str, Decode]]] = {
    Event: (
        "event",
        {
            "source": _str,
            "title": _str,
            "start": _when,
            "end": _when,
            "all_day": _bool,
            "location": _opt_str,
            "description": _opt_str,
            "uid": _opt_str,
            "person": _opt_str,
        },
    ),
    Notice: (
        "notice",
        {
            "source": _str,
            "title": _str,
            "body": _str,
            "priority": _one_of(PRIORITIES),
            "posted": _opt_moment,
            "expires": _opt_moment,
            "link": _opt_str,
        },
    ),
    Absence: (
        "absence",
        {
            "source": _str,
            "day": _day,
            "class_name": _str,
            "kind": _one_of(ABSENCE_KINDS),
            "name": _opt_str,
            "reason": _opt_str,
        },
    ),
    WeatherWarning: (
        "warning",
        {
            "source": _str,
            "code": _str,
            "name": _str,
            "kind": _one_of(WARNING_KINDS),
            "status": _str,
            "since": _opt_moment,
            "level": _opt_level,
        },
    ),
    HeatIndex: (
        "heat",
        {
            "source": _str,
            "point": _str,
            "issued": _opt_moment,
            "slots": _slots,
            "alert_days": _days,
            "special_days": _days,
        },
    ),
}
_BY_TAG = {tag: (cls, decoders) for cls, (tag, decoders) in FIELDS.items()}


def encode(item: Item) -> dict[str, JSON]:
    """`item` as a JSON object: {"type": "event", "title": …, "start": "…", …}."""
    tag, decoders = FIELDS[type(item)]
    out: dict[str, JSON] = {"type": tag}
    for name, decoder in decoders.items():
        value = getattr(item, name)
        if decoder in _ENCODERS:
            out[name] = _ENCODERS[decoder](value)
        else:
            out[name] = encode_when(value) if decoder in _WHEN else value
    return out


def decode(value: JSON) -> Item:
    """The item `encode` wrote; CodecError for anything else."""
    if not isinstance(value, dict):
        raise CodecError(f"not an object: {value!r:.40}")
    tag = value.get("type")
    if tag not in _BY_TAG:
        raise CodecError(f"unknown item type: {tag!r:.40}")
    cls, decoders = _BY_TAG[tag]
    if set(value) != {"type", *decoders}:
        raise CodecError(f"the fields of a {tag} differ: {sorted(value)}")
    item: Item = cls(**{name: decoders[name](value[name]) for name in decoders})
    return item


def field_names(cls: type) -> tuple[str, ...]:
    """The dataclass's own fields (a test holds the table above to them)."""
    return tuple(f.name for f in fields(cls))
