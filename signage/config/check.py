"""The checker: one pass over parsed TOML data that collects every issue and builds the config
from what is valid.

Each key is read as its spec says (`read.Reader.get`); what is here are the rules between keys
and the values read in code: the display's schedule, a source's url by its kind, ids, scopes
and privacy, the network's proxy and TLS files, the central layers, the heartbeat and auth.
"""

from __future__ import annotations

import codecs
import functools
import ipaddress
import os
import re
import ssl
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from signage.config.locate import Places
from signage.config.model import (
    ALL_DAYS,
    DEFAULT_CENTRAL_REFRESH_MINUTES,
    DEFAULT_HEARTBEAT_MINUTES,
    DEFAULT_PANELS,
    FIELD_NAMES,
    ROLE_FIELDS,
    SCHOOL_DAYS,
    VALUE_CHOICES,
    WEEKDAYS,
    Auth,
    Bell,
    BellSchedule,
    Central,
    Config,
    Display,
    Heartbeat,
    KeyPath,
    NetworkConfig,
    PanelConfig,
    Period,
    Schedule,
    School,
    SourceConfig,
    Visits,
    proxy_schemes,
)
from signage.config.paths import is_url, resolve_path, secure_for_secrets
from signage.config.read import Reader
from signage.config.spec import (
    AUTH,
    BELL,
    CENTRAL,
    DAY_NAMES,
    DISPLAY,
    HEARTBEAT,
    NETWORK,
    PANELS,
    PERIODS,
    SCHEDULE_KEYS,
    SCHEDULES,
    SCHOOL,
    SOURCES,
    TOP,
    VISITS,
    Key,
    Table,
)
from signage.sources import KINDS
from signage.sources.kind import FEED_AUTH

# A closure range longer than this is a typo (a wrong year), not a closure.
_MAX_CLOSED_RANGE_DAYS = 366
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:\.\.|~|〜)\s*")
# Keys an admin may write to put the secret itself into the file: refused with advice.
_SECRET_KEYS = ("password", "passwd", "pass", "token", "secret", "api_key", "apikey", "key")
# A no_proxy entry: a host or domain (komu.school.local, .school.local, *.school.local), an
# optional port; IP addresses are read apart.
_NO_PROXY_HOST = re.compile(r"^(\*?\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*(:\d{1,5})?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

_S, _A, _N = SOURCES, AUTH, NETWORK


# The kinds' keys the checker reads into SourceConfig's own fields; any other is an option.
_FIELDS = ("private", "items", "fields", "values", "next", "encoding")


def _default_refresh_minutes(kind: str | None) -> float:
    """The interval when the config names none: the kind's (a folder: 5 s), else 15 minutes."""
    declared = KINDS.get(kind or "")
    minutes = declared.refresh_minutes if declared is not None else None
    return SourceConfig.refresh_minutes if minutes is None else minutes


@functools.cache
def _zone_names() -> tuple[str, ...]:
    """The zones a hint may offer: the Area/City names, not the old abbreviations (EST, MST,
    HST …), which are one letter from JST and would contradict 日本の学校なら "Asia/Tokyo"."""
    return tuple(sorted(name for name in available_timezones() if "/" in name))


# What people write for Japan's time: each means Asia/Tokyo.
_JAPAN = re.compile(
    r"^(jst|japan( standard time)?|tokyo( standard time)?|日本(時間|標準時)?|東京|"
    r"(utc|gmt)?\s*\+\s*0?9(:?00)?|asia/tok[a-z]*)$",
    re.IGNORECASE,
)


def _parse_date(value: str) -> date | None:
    """The date written as 2026-12-28 or 2026/12/28 (text already NFKC-normalised), if real."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # 2026-02-30
        return None


def _http_host(url: str) -> str | None:
    """The host of an http(s) URL; None when it is not one or names no host."""
    if not is_url(url):
        return None
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class Checker(Reader):
    """One pass over the parsed data: collects issues and builds the config from what is valid."""

    def __init__(
        self, file: str, locator: Places, lang: str, base: Path, partial: bool = False
    ) -> None:
        super().__init__(file, locator, lang, partial)
        self.base = base

    def section(self, data: Mapping[str, Any], name: str) -> dict[str, Any]:
        """A plain section's table ({} when absent or not a table), its unknown keys reported."""
        section = TOP[name]
        table = self.get(data, (), section)
        if table is None:
            return {}
        assert section.table is not None
        self.unknown_keys(table, (name,), section.table)
        return table  # type: ignore[no-any-return]

    def run(self, data: Mapping[str, Any], config_path: Path | None) -> Config:
        self.unknown_keys(data, (), TOP)
        return Config(
            school=self.school(data),
            sources=self.sources(data),
            panels=self.panels(data),
            bell=self.bell(data),
            display=self.display(data),
            visits=self.visits(data),
            network=self.network(data),
            path=config_path,
            central=self.central(data),
            heartbeat=self.heartbeat(data),
        )

    def zone_hint(self, zone: str) -> str:
        """「もしかして」 for a time zone: Asia/Tokyo for every way of writing Japan's time."""
        if _JAPAN.match(unicodedata.normalize("NFKC", zone).strip()):
            return self.say("did_you_mean", suggestion="Asia/Tokyo")
        return self.hint(zone, _zone_names())

    def school(self, data: Mapping[str, Any]) -> School:
        table, path = self.section(data, "school"), ("school",)
        name = self.get(table, path, SCHOOL["name"])
        zone = self.get(table, path, SCHOOL["timezone"])
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                message = self.say("bad_timezone", value=zone) + self.zone_hint(zone)
                self.report(path + ("timezone",), message)
                zone = None
        return School(name=name or School.name, timezone=zone or School.timezone)

    # The screen ([display]).

    def display(self, data: Mapping[str, Any]) -> Display:
        table, path = self.section(data, "display"), ("display",)
        language = self.get(table, path, DISPLAY["language"])
        screen = self.get(table, path, DISPLAY["screen"])
        blink = self.get(table, path, DISPLAY["blink"])
        sleep = self.get(table, path, DISPLAY["sleep"])
        return Display(
            language=language or Display.language,
            screen=Display.screen if screen is None else screen,
            blink=Display.blink if blink is None else blink,
            sleep=Display.sleep if sleep is None else sleep,
            schedule=self.schedule(table, path),
        )

    def schedule(self, table: Mapping[str, Any], path: KeyPath) -> Schedule:
        """The display's on-hours, weekdays, holidays and closure days (default: always on)."""
        if not any(key in table for key in SCHEDULE_KEYS):
            return Schedule()
        on = self.get(table, path, DISPLAY["on"])
        off = self.get(table, path, DISPLAY["off"])
        if self.partial and (on is None or off is None):
            pass  # another layer may give the other one: the merged config is checked
        elif ("on" in table) != ("off" in table):
            present, missing = ("on", "off") if "on" in table else ("off", "on")
            self.report(path + (present,), self.say("schedule_needs_both", missing=missing))
        elif on is not None and off is not None and off <= on:
            message = self.say(
                "off_not_after_on", off=off.strftime("%H:%M"), on=on.strftime("%H:%M")
            )
            self.report(path + ("off",), message)
            off = None
        if on is None or off is None:  # an error was reported: the config is refused anyway
            on = off = None
        days = self.weekdays(table, path, DISPLAY["days"])
        if days is None:
            # Hours alone mean school days; closure days or holidays alone keep every weekday.
            days = SCHOOL_DAYS if "on" in table or "off" in table else ALL_DAYS
        holidays = self.get(table, path, DISPLAY["holidays"])
        return Schedule(
            on=on,
            off=off,
            days=days,
            holidays=holidays != "on",
            closed=self.closed_days(table, path),
        )

    def closed_days(
        self, table: Mapping[str, Any], path: KeyPath, key: Key = DISPLAY["closed"]
    ) -> tuple[date, ...]:
        """`closed` (or a bell schedule's `dates`): dates ("2026-12-28", a TOML date) and
        ranges ("2026-12-28..2027-01-03")."""
        days: set[date] = set()
        for where, value in self.items(table, path, key) or []:
            if isinstance(value, date):
                days.add(value)
                continue
            parts = _RANGE_SEPARATOR.split(unicodedata.normalize("NFKC", value).strip())
            bounds = [day for day in map(_parse_date, parts) if day is not None]
            if len(parts) > 2 or len(bounds) != len(parts):
                self.report(where, self.say("bad_date", value=value))
                continue
            first, last = bounds[0], bounds[-1]
            if last < first:
                message = self.say("range_reversed", start=first.isoformat(), end=last.isoformat())
                self.report(where, message)
                continue
            length = (last - first).days + 1
            if length > _MAX_CLOSED_RANGE_DAYS:
                message = self.say(
                    "range_too_long", value=value, days=length, limit=_MAX_CLOSED_RANGE_DAYS
                )
                self.report(where, message)
                continue
            days.update(first + timedelta(days=offset) for offset in range(length))
        return tuple(sorted(days))

    def weekdays(self, table: Mapping[str, Any], path: KeyPath, key: Key) -> tuple[int, ...] | None:
        found = self.items(table, path, key)
        if found is None:
            return None
        days: set[int] = set()
        for where, value in found:
            day = DAY_NAMES.get(unicodedata.normalize("NFKC", value).strip().lower())
            if day is None:
                message = self.say("bad_weekday", value=value, known=", ".join(WEEKDAYS))
                self.report(where, message + self.hint(value, WEEKDAYS))
            else:
                days.add(day)
        return tuple(sorted(days))

    def visits(self, data: Mapping[str, Any]) -> Visits:
        table, path = self.section(data, "visits"), ("visits",)
        target = self.get(table, path, VISITS["monthly_target"])
        return Visits(monthly_target=target or Visits.monthly_target)

    # The bell schedule ([bell], [[bell.periods]]).

    def bell(self, data: Mapping[str, Any]) -> Bell:
        table, path = self.section(data, "bell"), ("bell",)
        name = self.get(table, path, BELL["name"])
        days = self.weekdays(table, path, BELL["days"])
        schedules: list[BellSchedule] = []
        for index, entry in enumerate(self.tables(table, path, "schedules") or []):
            if isinstance(entry, dict):
                schedule = self.bell_schedule(entry, path + ("schedules", index))
                if schedule is not None:
                    schedules.append(schedule)
        bell = Bell(
            name=name or Bell.name,
            days=Bell.days if days is None else days,
            periods=self.periods(table, path),
            schedules=tuple(schedules),
        )
        self.bell_rules(table, path, bell)
        return bell

    def periods(self, table: Mapping[str, Any], path: KeyPath) -> tuple[Period, ...]:
        periods: list[Period] = []
        for index, entry in enumerate(self.tables(table, path, "periods") or []):
            if isinstance(entry, dict):
                where = path + ("periods", index)
                period = self.period(entry, where)
                if period is None:
                    continue
                if periods and period.start < periods[-1].start:
                    message = self.say(
                        "period_out_of_order",
                        start=period.start.strftime("%H:%M"),
                        previous=periods[-1].start.strftime("%H:%M"),
                    )
                    self.report(where + ("start",), message, severity="warning")
                periods.append(period)
        return tuple(periods)

    def bell_schedule(self, table: Mapping[str, Any], path: KeyPath) -> BellSchedule | None:
        """One [[bell.schedules]]: a named schedule and the days it is in force."""
        self.unknown_keys(table, path, SCHEDULES)
        name = self.get(table, path, SCHEDULES["name"])
        days = self.weekdays(table, path, SCHEDULES["days"])
        match = self.get(table, path, SCHEDULES["match"])
        dates = self.closed_days(table, path, SCHEDULES["dates"])
        periods = self.periods(table, path)
        if name is None:
            return None
        return BellSchedule(name, periods, days or (), match or None, dates)

    def bell_rules(self, table: Mapping[str, Any], path: KeyPath, bell: Bell) -> None:
        """Between the schedules: names unique, a weekday or a date in one schedule only, and
        each schedule used on some day and holding periods."""
        entries = [e for e in self.tables(table, path, "schedules") or [] if isinstance(e, dict)]
        named = {bell.name: self.locator.line(path + ("name",)) if "name" in table else 0}
        weekday_of: dict[int, str] = {day: bell.name for day in bell.days}
        date_of: dict[date, str] = {}
        for index, schedule in enumerate(bell.schedules):
            where = path + ("schedules", index)
            if index < len(entries) and entries[index].get("name") != schedule.name:
                continue  # an entry without a name was dropped: positions no longer agree
            if schedule.name in named:
                message = self.say(
                    "duplicate_bell_name", value=schedule.name, first_line=named[schedule.name]
                )
                self.report(where + ("name",), message)
            named.setdefault(schedule.name, self.locator.line(where + ("name",)))
            for day in schedule.days:
                other = weekday_of.get(day)
                if other is not None and other != bell.name:
                    message = self.say("bell_day_twice", day="月火水木金土日"[day], other=other)
                    self.report(where + ("days",), message)
                weekday_of[day] = schedule.name
            for when in schedule.dates:
                other = date_of.get(when)
                if other is not None:
                    message = self.say("bell_date_twice", day=when.isoformat(), other=other)
                    self.report(where + ("dates",), message)
                date_of[when] = schedule.name
            if not (schedule.days or schedule.match or schedule.dates):
                message = self.say("bell_never_used", name=schedule.name)
                self.report(where + ("name",), message, severity="warning")
            if not schedule.periods:
                message = self.say("bell_no_periods", name=schedule.name)
                self.report(where + ("name",), message, severity="warning")

    def period(self, table: Mapping[str, Any], path: KeyPath) -> Period | None:
        self.unknown_keys(table, path, PERIODS)
        label = self.get(table, path, PERIODS["label"])
        start = self.get(table, path, PERIODS["start"])
        end = self.get(table, path, PERIODS["end"])
        if start is not None and end is not None and end <= start:
            message = self.say(
                "end_not_after_start", end=end.strftime("%H:%M"), start=start.strftime("%H:%M")
            )
            self.report(path + ("end",), message)
            return None
        if label is None or start is None:
            return None
        return Period(label=label, start=start, end=end)

    # Sources ([[sources]]).

    def sources(self, data: Mapping[str, Any]) -> tuple[SourceConfig, ...]:
        out: list[SourceConfig] = []
        first_line: dict[str, int] = {}
        for index, entry in enumerate(self.tables(data, (), "sources") or []):
            if not isinstance(entry, dict):
                continue
            path: KeyPath = ("sources", index)
            self.unknown_keys(entry, path, _S)
            source_id = self.get(entry, path, _S["id"])
            if source_id is not None:
                if source_id in first_line:
                    message = self.say(
                        "duplicate_id", value=source_id, first_line=first_line[source_id]
                    )
                    self.report(path + ("id",), message)
                else:
                    first_line[source_id] = self.locator.line(path + ("id",))
            # A layer's source may only refine a base layer's source of its id (e.g. `match`):
            # whether it has all it needs (kind, role, url) is checked on the merged config.
            kind = self.get(entry, path, _S["kind"])
            role = self.get(entry, path, _S["role"])
            options = self.options(entry, path, kind)
            declared = KINDS.get(kind or "")
            default_url = declared.default_url if declared is not None else None
            named = declared is not None and declared.address is not None  # no url: its keys
            if named:
                url = self.get(entry, path, replace(_S["url"], required=False))
                if url is not None:
                    self.report(
                        path + ("url",), self.say("url_not_read", kind=kind), severity="warning"
                    )
                    url = None
            elif default_url and "url" not in entry:
                url = None
            else:
                url = self.get(entry, path, _S["url"])
            location = self.location(url, path + ("url",), kind) if url is not None else None
            if default_url is not None and url is None:
                # A kind of a public service: its own keys (area, point) lead to the URL.
                location = default_url(options)
                written = declared is not None and any(
                    key.name in entry and key.name not in options for key in declared.keys
                )  # a key written but unreadable: reported where it is written
                if location is None and not self.partial and not written:
                    self.report(path, self.say(f"no_default_url.{kind}"))
            remote = location is not None and location.startswith(("http://", "https://"))
            match = self.get(entry, path, _S["match"])
            refresh = self.get(entry, path, _S["refresh_minutes"])
            if refresh is not None and refresh < 1 and remote:
                self.report(
                    path + ("refresh_minutes",),
                    self.say("refresh_too_often", value=self.describe(entry["refresh_minutes"])),
                    severity="warning",
                )
            private = self.get(entry, path, _S["private"])
            if private is not None and kind is not None and kind not in _S["private"].kinds:
                self.report(path + ("private",), self.say("private_not_ics"), severity="warning")
            auth = self.auth(entry, path, declared.auth_types if declared else FEED_AUTH)
            if auth is not None and declared is not None and declared.vet is not None:
                self.vet_key(auth, declared.vet, path + ("auth", "file"))
            needs_auth = declared is not None and declared.needs_auth
            if needs_auth and "auth" not in entry and not self.partial:
                self.report(path, self.say("auth_needed", kind=kind), line=self.locator.line(path))
            if auth is not None and location is not None and not remote:
                self.report(path + ("auth",), self.say("auth_not_remote"), severity="warning")
            if "auth" in entry:
                self.auth_over_http(location, path + ("auth",))
            max_size = self.get(entry, path, _S["max_size_mb"])
            items = self.get(entry, path, _S["items"])
            next_link = self.get(entry, path, _S["next"])
            if next_link is not None and location is not None and not remote and kind == "json":
                self.report(path + ("next",), self.say("next_not_remote"), severity="warning")
            encoding = self.encoding(entry, path)
            names = self.get(entry, path, _S["names"])
            verify = self.get(entry, path, _S["verify"])
            if verify is False:
                # Loud on purpose: `check` shows it, and load_config logs it at every start.
                local = location is not None and not remote
                message = self.say("verify_not_remote" if local else "verify_off")
                self.report(path + ("verify",), message, severity="warning")
            self.connector_scope(entry, path, kind, role)
            if named and declared is not None and declared.address is not None:
                location = declared.address(options)
            out.append(
                SourceConfig(
                    id=source_id or "",
                    kind=kind or "",
                    role=role or "",
                    url=url or "",
                    location=location or "",
                    match=match,
                    refresh_minutes=refresh or _default_refresh_minutes(kind),
                    private=private or SourceConfig.private,
                    auth=auth,
                    max_size_mb=max_size,
                    items=items,
                    fields=self.field_map(entry, path, role),
                    values=self.value_maps(entry, path),
                    next_link=next_link,
                    encoding=encoding,
                    names=names,
                    verify=verify is not False,
                    options=options,
                )
            )
        return tuple(out)

    def resolve(self, raw: str) -> Path:
        """A local path, made absolute from the config file's folder (`~` expanded)."""
        return resolve_path(raw, self.base)

    def http_url(self, raw: str, where: KeyPath, url: str | None = None) -> str | None:
        """`url` (default: `raw`), stripped, when it is an http(s) URL with a host; else None,
        reporting `raw` as a bad URL."""
        stripped = (raw if url is None else url).strip()
        if _http_host(stripped):
            return stripped
        self.report(where, self.say("bad_url", value=raw))
        return None

    def location(self, url: str, path: KeyPath, kind: str | None = None) -> str | None:
        """An http(s) URL as is (webcal:// read as https://), or a path made absolute.

        A folder source takes only a local folder (a mounted share is local to the kiosk).
        """
        stripped = url.strip()
        if kind == "folder":
            return self.folder(url, path)
        if stripped.lower().startswith("webcal://"):
            stripped = "https://" + stripped[len("webcal://") :]
        if is_url(stripped):
            return self.http_url(url, path, stripped)
        if _SCHEME.match(stripped):
            self.report(path, self.say("bad_url", value=url))
            return None
        file = self.resolve(stripped)
        if not file.exists():
            self.report(path, self.say("missing_file", path=file), severity="warning")
        return str(file)

    def folder(self, url: str, path: KeyPath) -> str | None:
        stripped = url.strip()
        if _SCHEME.match(stripped):
            self.report(path, self.say("folder_not_local", value=url))
            return None
        folder = self.resolve(stripped)
        if not folder.exists():
            self.report(path, self.say("missing_folder", path=folder), severity="warning")
        elif not folder.is_dir():
            self.report(path, self.say("not_a_folder", path=folder), severity="warning")
        return str(folder)

    # Connectors (json, csv, folder).

    def connector_scope(
        self, entry: Mapping[str, Any], path: KeyPath, kind: str | None, role: str | None
    ) -> None:
        """Keys that this kind does not read (a warning), and roles it cannot serve."""
        if kind is None:
            return
        for key in _S:
            # `private` has its own warning, where it is read.
            if key.kinds and key.name != "private" and key.name in entry and kind not in key.kinds:
                message = self.say("only_for_kind", key=key.name, kinds=", ".join(key.kinds))
                self.report(path + (key.name,), message, severity="warning")
        roles = KINDS[kind].roles
        if role is not None and role not in roles:
            titles = self.say("list_and").join(self.say(f"role_{name}") for name in roles)
            either = self.say("list_or").join(f'"{name}"' for name in roles)
            message = self.say("kind_role", kind=kind, titles=titles, roles=either, value=role)
            self.report(path + ("role",), message)

    def options(self, entry: Mapping[str, Any], path: KeyPath, kind: str | None) -> dict[str, Any]:
        """The kind's own keys that SourceConfig has no field for, read as their spec says."""
        declared = KINDS.get(kind or "")
        own = [key.name for key in declared.keys] if declared is not None else []
        values = {name: self.get(entry, path, _S[name]) for name in own if name not in _FIELDS}
        for name, value in values.items():  # a path, like url's, is from the config's folder
            if _S[name].path == "location" and isinstance(value, str) and value:
                values[name] = value if is_url(value) else str(self.resolve(value))
        return {name: value for name, value in values.items() if value is not None}

    def encoding(self, entry: Mapping[str, Any], path: KeyPath) -> str:
        value: str | None = self.get(entry, path, _S["encoding"])
        if value is None:
            return SourceConfig.encoding
        name = value.strip().lower()
        if name == "auto":
            return name
        try:
            text_codec = getattr(codecs.lookup(name), "_is_text_encoding", True)
        except LookupError:
            text_codec = False
        if not text_codec:  # rot13, base64 …: codecs, but not a file's character set
            message = self.say("unknown_encoding", value=value)
            self.report(path + ("encoding",), message + self.hint(name, _S["encoding"].examples))
            return SourceConfig.encoding
        return name

    def field_map(
        self, entry: Mapping[str, Any], path: KeyPath, role: str | None
    ) -> dict[str, str]:
        """`fields`: our field name -> the vendor's name (column, key or dotted path)."""
        table = self.get(entry, path, _S["fields"])
        out: dict[str, str] = {}
        for name, column in (table or {}).items():
            where = path + ("fields", name)
            if name not in FIELD_NAMES:
                if isinstance(column, str) and column.strip() in FIELD_NAMES:
                    message = self.say("fields_reversed", field=column.strip(), column=name)
                else:
                    message = self.say("unknown_field", value=name, known=", ".join(FIELD_NAMES))
                    message += self.hint(name, FIELD_NAMES)
                self.report(where, message)
                continue
            column = self.check(column, where, Key(name, "text"))
            if column is None:
                continue
            used = ROLE_FIELDS.get(role or "")
            if used is not None and name not in used:
                known = ", ".join(used)
                message = self.say("field_not_for_role", value=name, role=role, known=known)
                self.report(where, message, severity="warning")
            out[name] = column.strip()
        return out

    def value_maps(self, entry: Mapping[str, Any], path: KeyPath) -> dict[str, dict[str, str]]:
        """`values`: per field, the vendor's word -> ours (checked where ours is a fixed set)."""
        table = self.get(entry, path, _S["values"])
        out: dict[str, dict[str, str]] = {}
        for name, words in (table or {}).items():
            where = path + ("values", name)
            if name not in FIELD_NAMES:
                message = self.say("unknown_field", value=name, known=", ".join(FIELD_NAMES))
                self.report(where, message + self.hint(name, FIELD_NAMES))
                continue
            if self.check(words, where, Key(name, "table")) is None:
                continue
            choices = VALUE_CHOICES.get(name)
            mapped: dict[str, str] = {}
            for word, target in words.items():
                if self.check(target, where + (word,), Key(word, "text", empty_ok=True)) is None:
                    continue
                if choices is not None and target not in choices:
                    known = ", ".join(choices)
                    message = self.say("bad_value_target", value=target, field=name, known=known)
                    self.report(where + (word,), message + self.hint(target, choices))
                    continue
                mapped[word] = target
            out[name] = mapped
        return out

    # Credentials (auth of a source, of [central] and of [heartbeat]).

    def auth(
        self, entry: Mapping[str, Any], path: KeyPath, types: tuple[str, ...] = FEED_AUTH
    ) -> Auth | None:
        """The `auth` table, of one of `types` (a feed's, or what a cloud kind takes). No message
        here ever quotes a value the admin wrote in it: a token pasted into the wrong place must
        not end up in a log or on a screen."""
        if "auth" not in entry:
            return None
        path = path + ("auth",)
        table = entry["auth"]
        if not isinstance(table, dict):
            self.report(path, self.say("auth_not_table"))
            return None
        valid = True
        for key in table:
            if key in _A.names:
                continue
            valid = False
            if key.lower() in _SECRET_KEYS:
                self.report(path + (key,), self.say("auth_secret_in_config", key=key))
            else:
                message = self.say("unknown_key", key=key, known=", ".join(_A.names))
                self.report(path + (key,), message + self.hint(key, _A.names))
        kind = self.get(table, path, _A["type"])
        user = self.get(table, path, _A["user"])
        env = self.get(table, path, _A["env"], match=False)
        file = self.get(table, path, _A["file"])
        env = self.matches(env, path + ("env",), _A["env"])
        if "env" in table and "file" in table:
            self.report(path + ("file",), self.say("auth_both_secrets"))
            valid = False
        elif "env" not in table and "file" not in table:
            self.report(path, self.say("auth_no_secret"))
            valid = False
        if kind is not None and kind not in types:
            message = self.say("auth_type_for", value=kind, known=", ".join(types))
            self.report(path + ("type",), message)
            valid = False
        if kind == "basic" and "user" not in table:
            self.report(path, self.say("auth_basic_needs_user"))
            valid = False
        if kind is not None and kind != "basic" and "user" in table:
            self.report(path + ("user",), self.say("auth_user_on_bearer"))
            valid = False
        resolved: str | None = None
        if file is not None:
            secret_file = self.resolve(file)
            if "env" not in table and not secret_file.exists():
                self.report(
                    path + ("file",),
                    self.say("auth_file_missing", path=secret_file),
                    severity="warning",
                )
            resolved = str(secret_file)
            self.secret_file_mode(secret_file, path + ("file",))
        if not valid or kind is None or (env is None and resolved is None):
            return None
        return Auth(
            type=kind,
            user=user if kind == "basic" else None,
            env=env,
            file=resolved,
        )

    def vet_key(self, auth: Auth, vet: Callable[[Auth], str | None], path: KeyPath) -> None:
        """A cloud kind's key file that exists but cannot be used (a warning, as a missing one
        is): not a key, a passphrase, a certificate that does not match or has expired. The
        problem is told in words of the kind's; never the file's contents."""
        if auth.file is None or not Path(auth.file).is_file():
            return
        problem = vet(auth)
        if problem is not None:
            message = self.say("auth_key_unusable", path=auth.file, problem=problem)
            self.report(path, message, severity="warning")

    def secret_file_mode(self, file: Path, path: KeyPath) -> None:
        """A warning when others may read the secret (POSIX mode bits). On Windows the mode
        bits say nothing of who may read a file (ACLs do): nothing is said there."""
        if os.name != "posix":
            return
        try:
            mode = file.stat().st_mode
        except OSError:
            return
        if mode & 0o044:
            message = self.say("auth_file_readable", path=file, mode=oct(mode & 0o777)[2:])
            self.report(path, message, severity="warning")

    def auth_over_http(self, location: str | None, path: KeyPath) -> None:
        """Credentials are never sent over plain http (signage.fetch refuses them too)."""
        if location is not None and is_url(location) and not secure_for_secrets(location):
            self.report(path, self.say("auth_over_http"))

    # The school network ([network]).

    def network(self, data: Mapping[str, Any]) -> NetworkConfig:
        """Proxy, trust and client certificate. Certificate files are opened here, so `check`
        tells IT that a file is missing, is not a certificate or does not match its key; those
        are warnings, as a missing feed file is: the kiosk runs, its https sources fail."""
        table, path = self.get(data, (), TOP["network"]) or {}, ("network",)
        if "verify" in table:  # never for every source at once: only per source, loudly
            self.report(path + ("verify",), self.say("network_verify"))
        rest = {key: value for key, value in table.items() if key != "verify"}
        self.unknown_keys(rest, path, _N)
        trust = self.get(table, path, _N["trust"])
        ca_bundle = self.tls_file(table, path, _N["ca_bundle"])
        cert = self.tls_file(table, path, _N["client_cert"])
        key = self.tls_file(table, path, _N["client_key"])
        if key is not None and "client_cert" not in table and not self.partial:
            self.report(path + ("client_key",), self.say("client_key_without_cert"))
        self.tls_contents(path, ca_bundle, cert, key)
        return NetworkConfig(
            proxy=self.proxy(table, path),
            no_proxy=self.no_proxy(table, path),
            ca_bundle=ca_bundle,
            trust=trust or NetworkConfig.trust,
            client_cert=cert,
            client_key=key if cert is not None else None,
            deadline_seconds=self.get(table, path, _N["deadline_seconds"])
            or NetworkConfig.deadline_seconds,
        )

    def proxy(self, table: Mapping[str, Any], path: KeyPath) -> str | None:
        """The proxy URL; "host:port" alone means http://host:port (as curl and httpx read it).

        A user name or password in it is refused without being quoted: it belongs in the
        environment (HTTPS_PROXY), not in a file that many people open.
        """
        value: str | None = self.get(table, path, _N["proxy"])
        if value is None:
            return None
        where = path + ("proxy",)
        url = value.strip()
        if "://" not in url:
            url = "http://" + url
        parts = urlsplit(url)
        if "@" in parts.netloc:
            self.report(where, self.say("proxy_credentials"))
            return None
        scheme = parts.scheme.lower()
        known = proxy_schemes()
        if scheme not in known:
            if scheme in ("socks5", "socks5h"):
                self.report(where, self.say("proxy_needs_socks"))
            else:
                message = self.say("bad_proxy_scheme", scheme=scheme, known=", ".join(known))
                self.report(where, message + self.hint(scheme, known))
            return None
        try:
            valid = bool(parts.hostname) and (parts.port is None or parts.port > 0)
        except ValueError:  # a port that is not a number, or out of range
            valid = False
        if not valid:
            self.report(where, self.say("bad_proxy", value=value))
            return None
        return url

    def no_proxy(self, table: Mapping[str, Any], path: KeyPath) -> tuple[str, ...]:
        """Hosts reached without the proxy, as NO_PROXY lists them (ranges are not supported)."""
        out: list[str] = []
        for where, value in self.items(table, path, _N["no_proxy"]) or []:
            host = value.strip().lower().removeprefix("[").removesuffix("]")
            if "/" in host:
                self.report(where, self.say("no_proxy_range", value=value))
            elif host == "*" or _is_ip(host) or _NO_PROXY_HOST.match(host):
                out.append(host)
            else:
                self.report(where, self.say("bad_no_proxy", value=value))
        return tuple(out)

    def tls_file(self, table: Mapping[str, Any], path: KeyPath, key: Key) -> str | None:
        """A certificate or key file, made absolute; missing is a warning."""
        value = self.get(table, path, key)
        if value is None:
            return None
        file = self.resolve(value)
        if not file.exists():
            message = self.say("tls_file_missing", key=key.name, path=file)
            self.report(path + (key.name,), message, severity="warning")
        elif not file.is_file():
            message = self.say("tls_not_a_file", key=key.name, path=file)
            self.report(path + (key.name,), message, severity="warning")
        return str(file)

    def tls_contents(
        self, path: KeyPath, ca_bundle: str | None, cert: str | None, key: str | None
    ) -> None:
        """Load the files as the kiosk will, and say what is wrong with them (warnings)."""
        has_ca = ca_bundle is not None and os.path.isfile(ca_bundle)
        has_cert = cert is not None and os.path.isfile(cert)
        has_cert = has_cert and (key is None or os.path.isfile(key))
        if not (has_ca or has_cert):
            return  # nothing to load: `check` stays clear of the HTTP stack
        # Late import: only a config that names certificate files pays for ssl's loaders.
        from signage.tls import TLSFileError, load_ca_file, load_client_cert

        scratch = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        checks: list[tuple[str, Callable[[], None]]] = []
        if has_ca and ca_bundle is not None:
            checks.append(("ca_bundle", lambda: load_ca_file(scratch, ca_bundle)))
        if has_cert and cert is not None:
            checks.append(("client_cert", lambda: load_client_cert(scratch, cert, key)))
        for name, load in checks:
            try:
                load()
            except TLSFileError as problem:
                message = self.say(
                    f"tls_{problem.reason}", key=name, path=problem.path, error=problem.detail
                )
                where = "client_key" if problem.path == key and key != cert else name
                self.report(path + (where,), message, severity="warning")

    # Panels ([[panels]]).

    def panels(self, data: Mapping[str, Any]) -> tuple[PanelConfig, ...]:
        entries = self.tables(data, (), "panels")
        if entries is None:
            return DEFAULT_PANELS
        if not entries:
            self.report(("panels",), self.say("no_panels"))
            return DEFAULT_PANELS
        out: list[PanelConfig] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            path: KeyPath = ("panels", index)
            self.unknown_keys(entry, path, PANELS)
            kind = self.get(entry, path, PANELS["kind"])
            seconds = self.get(entry, path, PANELS["seconds"])
            if kind is not None:
                out.append(PanelConfig(kind, seconds or PanelConfig.seconds))
        return tuple(out)

    # Central configuration ([central]) and the heartbeat ([heartbeat]).

    def optional_table(self, data: Mapping[str, Any], name: str) -> dict[str, Any] | None:
        """A section that is None when absent (unlike the plain sections' defaults)."""
        if name not in data:
            return None
        table = self.get(data, (), TOP[name])
        if table is not None:
            self.unknown_keys(table, (name,), self._table(name))
        return table  # type: ignore[no-any-return]

    @staticmethod
    def _table(name: str) -> Table:
        table = TOP[name].table
        assert table is not None
        return table

    def central(self, data: Mapping[str, Any]) -> Central | None:
        """The layers this file is built on; signage.central fetches and merges them."""
        table, path = self.optional_table(data, "central"), ("central",)
        if table is None:
            return None
        base: list[str] = []
        for where, value in self.items(table, path, CENTRAL["base"]) or []:
            if (location := self.layer_location(value, where)) is not None:
                base.append(location)
        refresh = self.get(table, path, CENTRAL["refresh_minutes"])
        if refresh is not None and refresh < 1:
            message = self.say("refresh_too_often", value=self.describe(table["refresh_minutes"]))
            self.report(path + ("refresh_minutes",), message, severity="warning")
        drop = [value for _, value in self.items(table, path, CENTRAL["drop"]) or []]
        if "auth" in table:
            for location in base:
                self.auth_over_http(location, path + ("auth",))
        return Central(
            base=tuple(base),
            refresh_minutes=refresh or DEFAULT_CENTRAL_REFRESH_MINUTES,
            auth=self.auth(table, path),
            drop=tuple(drop),
        )

    def layer_location(self, raw: str, path: KeyPath) -> str | None:
        """A layer: an http(s) URL as is, or a local path made absolute."""
        stripped = raw.strip()
        if is_url(stripped):
            url = self.http_url(raw, path)
            if url is not None and url.lower().startswith("http://"):
                self.report(path, self.say("central_http"), severity="warning")
            return url
        if _SCHEME.match(stripped):
            self.report(path, self.say("bad_url", value=raw))
            return None
        return str(self.resolve(stripped))

    def heartbeat(self, data: Mapping[str, Any]) -> Heartbeat | None:
        """Where the kiosk reports its health: an http(s) URL, how often, with what auth."""
        table, path = self.optional_table(data, "heartbeat"), ("heartbeat",)
        if table is None:
            return None
        url = self.get(table, path, HEARTBEAT["url"])
        if url is not None:
            url = self.http_url(url, path + ("url",))
        minutes = self.get(table, path, HEARTBEAT["minutes"])
        name = self.get(table, path, HEARTBEAT["name"])
        wire = self.get(table, path, HEARTBEAT["format"])
        auth = self.auth(table, path)
        if url is None:
            return None
        return Heartbeat(
            url=url,
            minutes=minutes or DEFAULT_HEARTBEAT_MINUTES,
            auth=auth,
            name=name.strip() if name is not None else None,
            format=wire or "json",
        )
