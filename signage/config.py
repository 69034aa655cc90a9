"""The school's TOML config: load it, check it, and find where it lives.

`check_file` reports every problem at once, each with the file's line, the dotted key path and a
plain reason in the admin's language, because an admin fixing a file one error per run gives up.
tomllib gives no line numbers, so `LineLocator` maps every key path back to the line that wrote
it. Missing local files are warnings: the kiosk still runs and shows that source as failing.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import importlib.util
import ipaddress
import logging
import math
import os
import re
import ssl
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from signage.errors import ConfigError, FetchError
from signage.messages import text
from signage.model import ABSENCE_KINDS, PRIORITIES, ROLES
from signage.panels import PANELS

__all__ = [
    "AUTH_TYPES",
    "CENTRAL_KEYS",
    "DEFAULT_CENTRAL_REFRESH_MINUTES",
    "DEFAULT_HEARTBEAT_MINUTES",
    "DEFAULT_PANELS",
    "HEARTBEAT_KEYS",
    "FIELD_NAMES",
    "LANGUAGES",
    "NAME_MODES",
    "PANEL_KINDS",
    "PRIVATE_MODES",
    "ROLES",
    "ROLE_FIELDS",
    "SOURCE_KINDS",
    "TRUST_MODES",
    "WEEKDAYS",
    "Auth",
    "Bell",
    "Central",
    "Config",
    "Display",
    "Heartbeat",
    "Issue",
    "LineLocator",
    "NetworkConfig",
    "PanelConfig",
    "Period",
    "Places",
    "Schedule",
    "School",
    "SourceConfig",
    "VALUE_CHOICES",
    "Visits",
    "check_data",
    "check_file",
    "check_text",
    "decode_config",
    "default_config_path",
    "default_refresh_minutes",
    "file_language",
    "find_config",
    "format_key_path",
    "load_config",
    "is_url",
    "message_language",
    "parse_config",
    "proxy_schemes",
    "resolve_path",
]

log = logging.getLogger(__name__)

SOURCE_KINDS: tuple[str, ...] = ("ics", "json", "csv", "folder")
PANEL_KINDS: tuple[str, ...] = tuple(kind.name for kind in PANELS)
PRIVATE_MODES: tuple[str, ...] = ("neutral", "hide")
# How people (staff out, pupils absent) are named on screen: in full, family name, not at all.
NAME_MODES: tuple[str, ...] = ("full", "family", "none")
LANGUAGES: tuple[str, ...] = ("ja", "en")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AUTH_TYPES: tuple[str, ...] = ("bearer", "basic")
# Whom TLS trusts: certifi's list of public CAs (httpx's default) or the operating system's store.
TRUST_MODES: tuple[str, ...] = ("certifi", "system")
SECRET_FILE_LIMIT = 64 * 1024  # a token or password file is tiny; refuse to slurp a big file

# Our field names, per role: what `fields` may map a vendor's names to (json, csv, folder).
_NOTICE_FIELDS = ("title", "body", "posted", "expires", "priority", "link")
_EVENT_FIELDS = ("title", "start", "end", "date", "location", "description", "person", "reason")
_ABSENCE_FIELDS = ("date", "class", "kind", "name", "reason")
ROLE_FIELDS: dict[str, tuple[str, ...]] = {
    "notices": _NOTICE_FIELDS,
    "events": _EVENT_FIELDS,
    "visits": _EVENT_FIELDS,
    "staff_out": _EVENT_FIELDS,
    "absences": _ABSENCE_FIELDS,
}
FIELD_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(name for names in ROLE_FIELDS.values() for name in names)
)
# Fields whose values must end as one of ours; `values` maps the vendor's words onto them.
VALUE_CHOICES: dict[str, tuple[str, ...]] = {"priority": PRIORITIES, "kind": ABSENCE_KINDS}
# A shared folder is local and cheap to look at: new files show within seconds.
_DEFAULT_REFRESH_MINUTES: dict[str, float] = {"folder": 5 / 60}

KeyPath = tuple[str | int, ...]


# --- The config as the rest of the program sees it ---------------------------------------------


@dataclass(frozen=True)
class School:
    name: str = "学校名未設定"
    timezone: str = "Asia/Tokyo"

    @property
    def tz(self) -> ZoneInfo:
        """The zone that decides what "today" is (the school's, not the machine's)."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Auth:
    """How a source proves who it is. Holds only where the secret lives, never the secret.

    `type` is "bearer" (an `Authorization: Bearer` token) or "basic" (`user` and a password).
    The secret comes from the environment variable `env` or from the file `file` (an absolute
    path), read afresh by `secret()` at each fetch so a rotated token is picked up.
    """

    type: str
    user: str | None = None
    env: str | None = None
    file: str | None = None

    @property
    def where(self) -> str:
        """Where the secret lives, for messages: safe to show, never the secret itself."""
        if self.env is not None:
            return f"the environment variable {self.env}"
        return f"the file {self.file}"

    def secret(self) -> str:
        """The token or password, without a trailing line break.

        Raises FetchError naming the variable or file (never the value) when it is not set,
        missing, unreadable or empty.
        """
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise FetchError(f"the environment variable {self.env} is not set")
        elif self.file is not None:
            value = _read_secret_file(self.file)
        else:
            raise FetchError("auth names neither an environment variable nor a file")
        value = value.rstrip("\r\n")
        if not value.strip():
            raise FetchError(f"{self.where} is empty")
        return value


def _read_secret_file(file: str) -> str:
    try:
        with open(file, "rb") as stream:
            raw = stream.read(SECRET_FILE_LIMIT + 1)
    except FileNotFoundError:
        raise FetchError(f"the secret file {file} was not found") from None
    except IsADirectoryError:
        raise FetchError(f"the secret file {file} is a folder, not a file") from None
    except OSError as exc:
        raise FetchError(f"cannot read the secret file {file}: {exc.strerror}") from None
    if len(raw) > SECRET_FILE_LIMIT:
        raise FetchError(f"the secret file {file} is too large to be a token or password")
    try:
        # utf-8-sig: Notepad may put a byte-order mark in front of the token.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(f"the secret file {file} is not UTF-8 text") from None


@dataclass(frozen=True)
class SourceConfig:
    id: str
    kind: str
    role: str
    url: str
    location: str
    match: str | None = None
    refresh_minutes: float = 15.0
    private: str = "neutral"
    auth: Auth | None = None
    # Largest response accepted, in MB (2**20 bytes); None means sources.base.MAX_BYTES (20 MB).
    max_size_mb: float | None = None
    # Connectors (json, csv, folder): where the list is, the vendor's names, their words.
    items: str | None = None  # json: dotted path to the list in the document
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)  # ours -> theirs
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    next_link: str | None = None  # json: dotted path to the next page's URL (key `next`)
    encoding: str = "auto"  # csv: "auto" (UTF-8, else CP932) or a codec name
    # Privacy of people's names (NAME_MODES); None: the role's default (pupils never named).
    names: str | None = None
    # False only by an explicit `verify = false`: TLS certificates of this source are not
    # checked (loud: a warning in `check`, in the log at every start). See signage.network.
    verify: bool = True

    @property
    def is_remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))


def proxy_schemes() -> tuple[str, ...]:
    """Proxy URL schemes this installation can use: SOCKS only with httpx's socksio extra."""
    socks = ("socks5", "socks5h") if importlib.util.find_spec("socksio") else ()
    return ("http", "https", *socks)


def default_refresh_minutes(kind: str) -> float:
    """The interval when the config names none: 15 minutes, 5 seconds for a folder."""
    return _DEFAULT_REFRESH_MINUTES.get(kind, SourceConfig.refresh_minutes)


@dataclass(frozen=True)
class PanelConfig:
    kind: str
    seconds: float = 20.0


@dataclass(frozen=True)
class Period:
    label: str
    start: time
    end: time | None = None


@dataclass(frozen=True)
class Bell:
    name: str = "通常"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    periods: tuple[Period, ...] = ()


ALL_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
SCHOOL_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Schedule:
    """When the screen is on; the default is always on. `signage.schedule` reads it.

    The screen is on on a day whose weekday is in `days`, that is not in `closed` and, when
    `holidays` is True, not a Japanese national holiday; on such a day from `on` (inclusive) to
    `off` (exclusive), or all day when both are None. `on < off` (no hours past midnight).
    """

    on: time | None = None
    off: time | None = None
    days: tuple[int, ...] = ALL_DAYS  # Monday = 0, as date.weekday()
    holidays: bool = False  # True: dark on national holidays (jpholiday)
    closed: tuple[date, ...] = ()  # closure days, sorted, no duplicates

    @property
    def always_on(self) -> bool:
        """True when the screen never goes dark (the default)."""
        every_day = set(ALL_DAYS) <= set(self.days)
        return self.on is None and every_day and not self.holidays and not self.closed

    def with_closed(self, days: Iterable[date]) -> Schedule:
        """This schedule with more closure days (e.g. from a calendar), merged and sorted."""
        merged = tuple(sorted(set(self.closed).union(days)))
        return self if merged == self.closed else replace(self, closed=merged)


@dataclass(frozen=True)
class Display:
    language: str = "ja"
    screen: int = 0
    schedule: Schedule = Schedule()


@dataclass(frozen=True)
class Visits:
    monthly_target: int = 4


@dataclass(frozen=True)
class NetworkConfig:
    """[network]: how the kiosk reaches its sources on a school network (signage.network).

    `proxy` (None: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY from the environment) and
    `no_proxy` (hosts reached directly, in either case). `trust` is "certifi" or "system" (the
    operating system's store); `ca_bundle` is a CA certificate file added to that trust (a
    TLS-inspecting proxy's CA). `client_cert` and `client_key` (None: in the cert's file) are a
    client certificate for mutual TLS. Paths are absolute.
    """

    proxy: str | None = None
    no_proxy: tuple[str, ...] = ()
    ca_bundle: str | None = None
    trust: str = "certifi"
    client_cert: str | None = None
    client_key: str | None = None


DEFAULT_CENTRAL_REFRESH_MINUTES = 30.0


@dataclass(frozen=True)
class Central:
    """[central]: the layers this config is built on (signage.central merges them).

    `base`: the layers (absolute paths or http(s) URLs), applied first, in order; this file's
    own keys override them. `refresh_minutes`: how often the running kiosk fetches them again.
    `auth`: credentials for fetching the layers named here. `drop`: ids of the layers' sources
    this file leaves out. In a merged config, `Config.central` is the merged [central] table.
    """

    base: tuple[str, ...] = ()
    refresh_minutes: float = DEFAULT_CENTRAL_REFRESH_MINUTES
    auth: Auth | None = None
    drop: tuple[str, ...] = ()


DEFAULT_HEARTBEAT_MINUTES = 5.0


@dataclass(frozen=True)
class Heartbeat:
    """[heartbeat]: where the running kiosk reports its health (signage.central.send_heartbeat).

    Every `minutes`, a JSON status (version, sources ok or stale, last refresh, the config's
    layers) is POSTed to `url`, with `auth` like a source's; `name` tells the screens apart
    (None: the PC's host name)."""

    url: str
    minutes: float = DEFAULT_HEARTBEAT_MINUTES
    auth: Auth | None = None
    name: str | None = None


DEFAULT_PANELS: tuple[PanelConfig, ...] = tuple(PanelConfig(k.name, k.seconds) for k in PANELS)


@dataclass(frozen=True)
class Config:
    school: School = School()
    sources: tuple[SourceConfig, ...] = ()
    panels: tuple[PanelConfig, ...] = DEFAULT_PANELS
    bell: Bell = Bell()
    display: Display = Display()
    visits: Visits = Visits()
    network: NetworkConfig = NetworkConfig()
    path: Path | None = None
    # Central configuration: the [central] table (None: none), and the https URL the config
    # came from when it was given as a URL (`--config https://…`; `path` is then None).
    central: Central | None = None
    url: str | None = None
    heartbeat: Heartbeat | None = None


@dataclass(frozen=True)
class Issue:
    file: str
    line: int
    key: str
    message: str
    severity: str = "error"

    def format(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"


# --- Where the config lives --------------------------------------------------------------------


def default_config_path(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """The platform's config folder, where IT puts the school's file when no --config is given."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else _home(env) / "AppData" / "Roaming"
    elif platform == "darwin":
        base = _home(env) / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_CONFIG_HOME", "")
        # The XDG spec says to ignore a relative value.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else _home(env) / ".config"
    return base / "signage" / "signage.toml"


def find_config(env: Mapping[str, str] | None = None) -> Path | str | None:
    """$SIGNAGE_CONFIG even if missing (so the caller reports it), else the platform file if any.

    An http(s) URL in $SIGNAGE_CONFIG is returned as text (the whole config is remote)."""
    env = os.environ if env is None else env
    explicit = env.get("SIGNAGE_CONFIG")
    if explicit:
        if is_url(explicit):
            return explicit.strip()
        return Path(explicit).expanduser()
    path = default_config_path(env)
    return path if path.is_file() else None


def is_url(text: str) -> bool:
    """Whether `text` is an http(s) URL rather than a path."""
    return text.strip().lower().startswith(("http://", "https://"))


def resolve_path(raw: str, base: Path) -> Path:
    """A local path, made absolute from `base` (`~` expanded) and normalised."""
    file = Path(raw.strip()).expanduser()
    if not file.is_absolute():
        file = base / file
    return Path(os.path.normpath(file))


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME") or env.get("USERPROFILE")
    return Path(home) if home else Path.home()


# --- Language of the messages -------------------------------------------------------------------


def message_language(lang: str | None = None) -> str:
    """lang if given, else $SIGNAGE_LANG, else Japanese; only "ja" or "en"."""
    return _chosen_language(lang) or "ja"


def _chosen_language(lang: str | None) -> str | None:
    """The language a person asked for (argument, then environment), if any."""
    for candidate in (lang, os.environ.get("SIGNAGE_LANG")):
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return None


# --- Line locator -------------------------------------------------------------------------------

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_ARRAY_HEADER = re.compile(rf"^\s*\[\[\s*({_KEY})\s*\]\]")
_TABLE_HEADER = re.compile(rf"^\s*\[\s*({_KEY})\s*\]")
_KEY_VALUE = re.compile(rf"^\s*({_KEY})\s*=\s*(.*)$")
_PART = re.compile(_KEY_PART)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _split_key(raw: str) -> tuple[str, ...]:
    parts: list[str] = []
    for match in _PART.finditer(raw):
        part = match.group(0)
        if part.startswith('"'):
            try:
                part = str(tomllib.loads(f"k = {part}")["k"])
            except tomllib.TOMLDecodeError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


class LineLocator:
    """Maps key paths such as ("sources", 2, "kind") to the line of a parsed TOML text.

    It reads table headers ([x], [[x]] with a running index per array), and `key =` lines with
    bare, quoted and dotted keys, skipping multi-line strings. A path it did not see (a key inside
    an inline table, an array element) falls back to its nearest seen parent, so an issue always
    points at the line that wrote the value. Meant only for text that tomllib accepted.
    """

    def __init__(self, source: str) -> None:
        self.lines: dict[KeyPath, int] = {}
        counts: dict[KeyPath, int] = {}
        table: KeyPath = ()
        closing: str | None = None  # delimiter of the multi-line string we are inside
        for number, line in enumerate(source.splitlines(), start=1):
            if closing is not None:
                if closing in line:
                    closing = None
                continue
            if match := _ARRAY_HEADER.match(line):
                parts = _split_key(match.group(1))
                array = self._resolve(parts[:-1], counts) + (parts[-1],)
                counts[array] = counts.get(array, 0) + 1
                table = array + (counts[array] - 1,)
                self._note(table, number)
            elif match := _TABLE_HEADER.match(line):
                table = self._resolve(_split_key(match.group(1)), counts)
                self._note(table, number)
            elif match := _KEY_VALUE.match(line):
                self._note(table + _split_key(match.group(1)), number)
                value = match.group(2)
                for delimiter in ('"""', "'''"):
                    if value.startswith(delimiter) and delimiter not in value[3:]:
                        closing = delimiter

    @staticmethod
    def _resolve(parts: Iterable[str], counts: Mapping[KeyPath, int]) -> KeyPath:
        """A header's path, with each array of tables on the way replaced by its latest entry."""
        path: KeyPath = ()
        for part in parts:
            path += (part,)
            if path in counts:
                path += (counts[path] - 1,)
        return path

    def _note(self, path: KeyPath, number: int) -> None:
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], number)
        self.lines[path] = number

    def line(self, path: KeyPath) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    def place(self, path: KeyPath) -> tuple[str | None, int, KeyPath]:
        """Where an issue at `path` is reported: (file, None for the checked file), line, path."""
        return None, self.line(path), path


class Places(Protocol):
    """Where the checker reports an issue at a key path: a `LineLocator` for one file, or a map
    over the layers of a merged config (signage.central), which names each layer's own file."""

    def line(self, path: KeyPath) -> int: ...

    def place(self, path: KeyPath) -> tuple[str | None, int, KeyPath]: ...


def format_key_path(path: KeyPath) -> str:
    """("sources", 2, "kind") -> "sources[2].kind"; odd keys are quoted as TOML would."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{name}" if out else name
    return out


# --- The checker ---------------------------------------------------------------------------------

_TOP_KEYS = (
    "school",
    "display",
    "visits",
    "bell",
    "network",
    "sources",
    "panels",
    "central",
    "heartbeat",
)
# [central]: the layers (signage.central) this file is built on.
CENTRAL_KEYS: tuple[str, ...] = ("base", "refresh_minutes", "auth", "drop")
# [heartbeat]: where the kiosk reports its health.
HEARTBEAT_KEYS: tuple[str, ...] = ("url", "minutes", "auth", "name")
# In this order for "belongs under [section]": a stray top-level `days` is the bell's.
_SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "school": ("name", "timezone"),
    "visits": ("monthly_target",),
    "bell": ("name", "days", "periods"),
    "display": ("language", "screen", "on", "off", "days", "holidays", "closed"),
    "network": ("proxy", "no_proxy", "ca_bundle", "trust", "client_cert", "client_key"),
}
_SCHEDULE_KEYS = ("on", "off", "days", "holidays", "closed")
_HOLIDAY_MODES: tuple[str, ...] = ("off", "on")
# A closure range longer than this is a typo (a wrong year), not a closure.
_MAX_CLOSED_RANGE_DAYS = 366
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:\.\.|~|〜)\s*")
_SOURCE_KEYS = (
    "id",
    "kind",
    "role",
    "url",
    "match",
    "refresh_minutes",
    "private",
    "auth",
    "max_size_mb",
    "items",
    "fields",
    "values",
    "next",
    "encoding",
    "names",
    "verify",
)
# Keys that only some kinds read: elsewhere they are a warning (no effect).
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "items": ("json",),
    "next": ("json",),
    "encoding": ("csv",),
    "fields": ("json", "csv", "folder"),
    "values": ("json", "csv", "folder"),
}
_DOTTED_PATH = re.compile(r"^[^.]+(\.[^.]+)*$")
_ENCODING_NAMES = ("auto", "utf-8", "utf-8-sig", "cp932", "shift_jis", "euc-jp", "iso-2022-jp")
_AUTH_KEYS = ("type", "user", "env", "file")
# Keys an admin may write to put the secret itself into the file: refused with advice.
_SECRET_KEYS = ("password", "passwd", "pass", "token", "secret", "api_key", "apikey", "key")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A no_proxy entry: a host or domain (komu.school.local, .school.local, *.school.local), an
# optional port; IP addresses are read apart.
_NO_PROXY_HOST = re.compile(r"^(\*?\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*(:\d{1,5})?$")
_PANEL_KEYS = ("kind", "seconds")
_PERIOD_KEYS = ("label", "start", "end")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SYNTAX_AT = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$", re.DOTALL)
_DAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{name: i for i, name in enumerate("月火水木金土日")},
    **{name + "曜": i for i, name in enumerate("月火水木金土日")},
    **{name + "曜日": i for i, name in enumerate("月火水木金土日")},
}


@functools.cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    """The closest choice, ignoring case, for a "did you mean" hint."""
    by_lower = {choice.lower(): choice for choice in choices}
    found = difflib.get_close_matches(value.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def _parse_time(value: object) -> time | None:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        return None
    # NFKC turns full-width "０８：２０", easy to type with a Japanese IME, into "08:20".
    match = _TIME.match(unicodedata.normalize("NFKC", value).strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _parse_date(value: str) -> date | None:
    """The date written as 2026-12-28 or 2026/12/28 (text already NFKC-normalised), if real."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:  # 2026-02-30
        return None


def _is_type(kind: str, value: object) -> bool:
    if kind == "text":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "table":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "time":
        return isinstance(value, str | time)
    if kind == "boolean":
        return isinstance(value, bool)
    raise ValueError(kind)


class _Checker:
    """One pass over the parsed data: collects issues and builds the config from what is valid."""

    def __init__(
        self, file: str, locator: Places, lang: str, base: Path, partial: bool = False
    ) -> None:
        self.file = file
        self.locator = locator
        self.lang = lang
        self.base = base
        # A layer of a central config, checked on its own: checks that another layer may
        # complete (display on without off, client_key without client_cert, a source's kind,
        # role and url) are left to the check of the merged config.
        self.partial = partial
        self.issues: list[Issue] = []

    # Reporting.

    def say(self, message: str, /, **fields: object) -> str:
        return text(self.lang, message, **fields)

    def report(
        self, path: KeyPath, message: str, *, line: int | None = None, severity: str = "error"
    ) -> None:
        file, where, shown = self.locator.place(path)
        if line is not None:
            where = line
        self.issues.append(
            Issue(file or self.file, where, format_key_path(shown), message, severity)
        )

    def hint(self, value: str, choices: Iterable[str]) -> str:
        suggestion = _suggest(value, choices)
        return self.say("did_you_mean", suggestion=suggestion) if suggestion else ""

    def describe(self, value: object) -> str:
        """A value as the admin wrote it, for "found …" in messages."""
        if isinstance(value, str):
            return f'"{value}"'
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict):
            return self.say("type.table")
        if isinstance(value, list):
            return self.say("type.array")
        if isinstance(value, date | time | datetime):
            return value.isoformat()
        return str(value)

    # Reading values.

    def unknown_keys(
        self, table: Mapping[str, Any], path: KeyPath, allowed: tuple[str, ...]
    ) -> None:
        for key in table:
            if key in allowed:
                continue
            section = next(
                (name for name, keys in _SECTION_KEYS.items() if not path and key in keys), None
            )
            if section is not None:
                message = self.say("key_in_wrong_place", key=key, section=section)
            else:
                message = self.say("unknown_key", key=key, known=", ".join(allowed))
                message += self.hint(key, allowed)
            self.report(path + (key,), message)

    def value(
        self, table: Mapping[str, Any], path: KeyPath, key: str, kind: str, required: bool = False
    ) -> Any:
        """The value of `key` if present and of the right type, else None (after reporting)."""
        if key not in table:
            if required:
                self.report(
                    path + (key,), self.say("missing_key", key=key), line=self.locator.line(path)
                )
            return None
        value = table[key]
        if _is_type(kind, value):
            return value
        if kind in ("number", "integer") and isinstance(value, str) and _looks_numeric(value):
            message = self.say("number_in_quotes", key=key, value=value.strip())
        else:
            expected = self.say(f"type.{kind}")
            message = self.say("wrong_type", expected=expected, actual=self.describe(value))
        self.report(path + (key,), message)
        return None

    def text_value(
        self, table: Mapping[str, Any], path: KeyPath, key: str, required: bool = False
    ) -> str | None:
        value = self.value(table, path, key, "text", required)
        if value is not None and not value.strip():
            self.report(path + (key,), self.say("empty_value"))
            return None
        return value  # type: ignore[no-any-return]

    def choice(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        key: str,
        choices: tuple[str, ...],
        message_key: str,
        required: bool = False,
    ) -> str | None:
        value = self.value(table, path, key, "text", required)
        if value is None:
            return None
        if value in choices:
            return value  # type: ignore[no-any-return]
        message = self.say(message_key, value=value, known=", ".join(choices))
        self.report(path + (key,), message + self.hint(value, choices))
        return None

    def positive(self, table: Mapping[str, Any], path: KeyPath, key: str) -> float | None:
        value = self.value(table, path, key, "number")
        if value is None:
            return None
        if not (math.isfinite(value) and value > 0):
            self.report(path + (key,), self.say("not_positive", value=self.describe(value)))
            return None
        return float(value)

    def at_least(
        self, table: Mapping[str, Any], path: KeyPath, key: str, minimum: int
    ) -> int | None:
        value = self.value(table, path, key, "integer")
        if value is None:
            return None
        if value < minimum:
            self.report(path + (key,), self.say("too_small", value=value, minimum=minimum))
            return None
        return int(value)

    def section(self, data: Mapping[str, Any], name: str) -> dict[str, Any]:
        table = self.value(data, (), name, "table")
        if table is None:
            return {}
        self.unknown_keys(table, (name,), _SECTION_KEYS[name])
        return table  # type: ignore[no-any-return]

    def tables(self, table: Mapping[str, Any], path: KeyPath, key: str) -> list[Any] | None:
        """An array of tables ([[key]]); each entry is checked to be a table."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, list):
            self.report(
                path + (key,), self.say("tables_expected", key=format_key_path(path + (key,)))
            )
            return None
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                full = path + (key,)
                self.report(full + (index,), self.say("tables_expected", key=format_key_path(full)))
        return value

    # Sections.

    def run(self, data: Mapping[str, Any], config_path: Path | None) -> Config:
        self.unknown_keys(data, (), _TOP_KEYS)
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

    def school(self, data: Mapping[str, Any]) -> School:
        table, path = self.section(data, "school"), ("school",)
        name = self.text_value(table, path, "name")
        zone = self.text_value(table, path, "timezone")
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                message = self.say("bad_timezone", value=zone) + self.hint(zone, _zone_names())
                self.report(path + ("timezone",), message)
                zone = None
        return School(name=name or School.name, timezone=zone or School.timezone)

    def display(self, data: Mapping[str, Any]) -> Display:
        table, path = self.section(data, "display"), ("display",)
        language = self.choice(table, path, "language", LANGUAGES, "bad_language")
        screen = self.at_least(table, path, "screen", 0)
        return Display(
            language=language or Display.language,
            screen=Display.screen if screen is None else screen,
            schedule=self.schedule(table, path),
        )

    def schedule(self, table: Mapping[str, Any], path: KeyPath) -> Schedule:
        """The display's on-hours, weekdays, holidays and closure days (default: always on)."""
        if not any(key in table for key in _SCHEDULE_KEYS):
            return Schedule()
        on = self.time_value(table, path, "on")
        off = self.time_value(table, path, "off")
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
        days = self.weekdays(table, path)
        if days is None:
            # Hours alone mean school days; closure days or holidays alone keep every weekday.
            days = SCHOOL_DAYS if "on" in table or "off" in table else ALL_DAYS
        holidays = self.choice(table, path, "holidays", _HOLIDAY_MODES, "bad_holidays")
        return Schedule(
            on=on,
            off=off,
            days=days,
            holidays=holidays != "on",
            closed=self.closed_days(table, path),
        )

    def closed_days(self, table: Mapping[str, Any], path: KeyPath) -> tuple[date, ...]:
        """`closed`: dates ("2026-12-28", a TOML date) and ranges ("2026-12-28..2027-01-03")."""
        values = self.value(table, path, "closed", "array")
        days: set[date] = set()
        for index, value in enumerate(values or []):
            where = path + ("closed", index)
            if isinstance(value, date) and not isinstance(value, datetime):
                days.add(value)
                continue
            if not isinstance(value, str):
                expected = self.say("type.date")
                self.report(
                    where, self.say("wrong_type", expected=expected, actual=self.describe(value))
                )
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

    def visits(self, data: Mapping[str, Any]) -> Visits:
        table, path = self.section(data, "visits"), ("visits",)
        target = self.at_least(table, path, "monthly_target", 1)
        return Visits(monthly_target=target or Visits.monthly_target)

    def bell(self, data: Mapping[str, Any]) -> Bell:
        table, path = self.section(data, "bell"), ("bell",)
        name = self.text_value(table, path, "name")
        days = self.weekdays(table, path)
        periods: list[Period] = []
        for index, entry in enumerate(self.tables(table, path, "periods") or []):
            if isinstance(entry, dict):
                period = self.period(entry, path + ("periods", index))
                if period is not None:
                    periods.append(period)
        return Bell(
            name=name or Bell.name,
            days=Bell.days if days is None else days,
            periods=tuple(periods),
        )

    def weekdays(self, table: Mapping[str, Any], path: KeyPath) -> tuple[int, ...] | None:
        values = self.value(table, path, "days", "array")
        if values is None:
            return None
        if not values:
            self.report(path + ("days",), self.say("empty_list"))
            return None
        days: set[int] = set()
        for index, value in enumerate(values):
            where = path + ("days", index)
            if not isinstance(value, str):
                expected = self.say("type.text")
                self.report(
                    where, self.say("wrong_type", expected=expected, actual=self.describe(value))
                )
                continue
            day = _DAY_NAMES.get(unicodedata.normalize("NFKC", value).strip().lower())
            if day is None:
                message = self.say("bad_weekday", value=value, known=", ".join(WEEKDAYS))
                self.report(where, message + self.hint(value, WEEKDAYS))
            else:
                days.add(day)
        return tuple(sorted(days))

    def period(self, table: Mapping[str, Any], path: KeyPath) -> Period | None:
        self.unknown_keys(table, path, _PERIOD_KEYS)
        label = self.text_value(table, path, "label", required=True)
        start = self.time_value(table, path, "start", required=True)
        end = self.time_value(table, path, "end")
        if start is not None and end is not None and end <= start:
            message = self.say(
                "end_not_after_start", end=end.strftime("%H:%M"), start=start.strftime("%H:%M")
            )
            self.report(path + ("end",), message)
            return None
        if label is None or start is None:
            return None
        return Period(label=label, start=start, end=end)

    def time_value(
        self, table: Mapping[str, Any], path: KeyPath, key: str, required: bool = False
    ) -> time | None:
        value = self.value(table, path, key, "time", required)
        if value is None:
            return None
        parsed = _parse_time(value)
        if parsed is None:
            self.report(path + (key,), self.say("bad_time", value=value))
        return parsed

    def sources(self, data: Mapping[str, Any]) -> tuple[SourceConfig, ...]:
        out: list[SourceConfig] = []
        first_line: dict[str, int] = {}
        for index, entry in enumerate(self.tables(data, (), "sources") or []):
            if not isinstance(entry, dict):
                continue
            path: KeyPath = ("sources", index)
            self.unknown_keys(entry, path, _SOURCE_KEYS)
            source_id = self.text_value(entry, path, "id", required=True)
            if source_id is not None:
                line = self.locator.line(path + ("id",))
                if not _ID.match(source_id):
                    self.report(path + ("id",), self.say("bad_id", value=source_id))
                elif source_id in first_line:
                    message = self.say(
                        "duplicate_id", value=source_id, first_line=first_line[source_id]
                    )
                    self.report(path + ("id",), message)
                else:
                    first_line[source_id] = line
            # A layer's source may only refine a base layer's source of its id (e.g. `match`):
            # whether it has all it needs is checked on the merged config.
            required = not self.partial
            kind = self.choice(
                entry, path, "kind", SOURCE_KINDS, "unknown_source_kind", required=required
            )
            role = self.choice(entry, path, "role", ROLES, "unknown_role", required=required)
            url = self.text_value(entry, path, "url", required=required)
            location = self.location(url, path + ("url",), kind) if url is not None else None
            remote = location is not None and location.startswith(("http://", "https://"))
            match = self.value(entry, path, "match", "text")
            refresh = self.positive(entry, path, "refresh_minutes")
            if refresh is not None and refresh < 1 and remote:
                self.report(
                    path + ("refresh_minutes",),
                    self.say("refresh_too_often", value=self.describe(entry["refresh_minutes"])),
                    severity="warning",
                )
            private = self.choice(entry, path, "private", PRIVATE_MODES, "bad_private")
            if private is not None and kind is not None and kind != "ics":
                self.report(path + ("private",), self.say("private_not_ics"), severity="warning")
            auth = self.auth(entry, path)
            if auth is not None and location is not None and not remote:
                self.report(path + ("auth",), self.say("auth_not_remote"), severity="warning")
            max_size = self.positive(entry, path, "max_size_mb")
            items = self.dotted(entry, path, "items")
            next_link = self.dotted(entry, path, "next")
            if next_link is not None and location is not None and not remote and kind == "json":
                self.report(path + ("next",), self.say("next_not_remote"), severity="warning")
            encoding = self.encoding(entry, path)
            names = self.choice(entry, path, "names", NAME_MODES, "bad_names")
            verify = self.value(entry, path, "verify", "boolean")
            if verify is False:
                # Loud on purpose: `check` shows it, and load_config logs it at every start.
                local = location is not None and not remote
                message = self.say("verify_not_remote" if local else "verify_off")
                self.report(path + ("verify",), message, severity="warning")
            self.connector_scope(entry, path, kind, role)
            out.append(
                SourceConfig(
                    id=source_id or "",
                    kind=kind or "",
                    role=role or "",
                    url=url or "",
                    location=location or "",
                    match=match,
                    refresh_minutes=refresh or default_refresh_minutes(kind or ""),
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
                )
            )
        return tuple(out)

    # The school network ([network]).

    def network(self, data: Mapping[str, Any]) -> NetworkConfig:
        """Proxy, trust and client certificate. Certificate files are opened here, so `check`
        tells IT that a file is missing, is not a certificate or does not match its key; those
        are warnings, as a missing feed file is: the kiosk runs, its https sources fail."""
        table, path = self.value(data, (), "network", "table") or {}, ("network",)
        if "verify" in table:  # never for every source at once: only per source, loudly
            self.report(path + ("verify",), self.say("network_verify"))
        rest = {key: value for key, value in table.items() if key != "verify"}
        self.unknown_keys(rest, path, _SECTION_KEYS["network"])
        trust = self.choice(table, path, "trust", TRUST_MODES, "bad_trust")
        ca_bundle = self.tls_file(table, path, "ca_bundle")
        cert = self.tls_file(table, path, "client_cert")
        key = self.tls_file(table, path, "client_key")
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
        )

    def proxy(self, table: Mapping[str, Any], path: KeyPath) -> str | None:
        """The proxy URL; "host:port" alone means http://host:port (as curl and httpx read it).

        A user name or password in it is refused without being quoted: it belongs in the
        environment (HTTPS_PROXY), not in a file that many people open.
        """
        value = self.text_value(table, path, "proxy")
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
        values = self.value(table, path, "no_proxy", "array")
        out: list[str] = []
        for index, value in enumerate(values or []):
            where = path + ("no_proxy", index)
            if not isinstance(value, str):
                expected = self.say("type.text")
                self.report(
                    where, self.say("wrong_type", expected=expected, actual=self.describe(value))
                )
                continue
            host = value.strip().lower().removeprefix("[").removesuffix("]")
            if "/" in host:
                self.report(where, self.say("no_proxy_range", value=value))
            elif host == "*" or _is_ip(host) or _NO_PROXY_HOST.match(host):
                out.append(host)
            else:
                self.report(where, self.say("bad_no_proxy", value=value))
        return tuple(out)

    def tls_file(self, table: Mapping[str, Any], path: KeyPath, key: str) -> str | None:
        """A certificate or key file, made absolute; missing is a warning."""
        value = self.text_value(table, path, key)
        if value is None:
            return None
        file = self.resolve(value)
        if not file.exists():
            message = self.say("tls_file_missing", key=key, path=file)
            self.report(path + (key,), message, severity="warning")
        elif not file.is_file():
            message = self.say("tls_not_a_file", key=key, path=file)
            self.report(path + (key,), message, severity="warning")
        return str(file)

    def tls_contents(
        self, path: KeyPath, ca_bundle: str | None, cert: str | None, key: str | None
    ) -> None:
        """Load the files as the kiosk will, and say what is wrong with them (warnings)."""
        # Late import: signage.network builds on this module.
        from signage.network import TLSFileError, load_ca_file, load_client_cert

        scratch = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        checks: list[tuple[str, Callable[[], None]]] = []
        if ca_bundle is not None and os.path.isfile(ca_bundle):
            checks.append(("ca_bundle", lambda: load_ca_file(scratch, ca_bundle)))
        if cert is not None and os.path.isfile(cert) and (key is None or os.path.isfile(key)):
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

    # Connectors (json, csv, folder).

    def connector_scope(
        self, entry: Mapping[str, Any], path: KeyPath, kind: str | None, role: str | None
    ) -> None:
        """Keys that this kind does not read (a warning), and roles a folder cannot serve."""
        if kind is None:
            return
        for key, kinds in _KIND_KEYS.items():
            if key in entry and kind not in kinds:
                message = self.say("only_for_kind", key=key, kinds=", ".join(kinds))
                self.report(path + (key,), message, severity="warning")
        if kind == "folder" and role is not None and role != "notices":
            self.report(path + ("role",), self.say("folder_role", value=role))

    def dotted(self, entry: Mapping[str, Any], path: KeyPath, key: str) -> str | None:
        """A dotted path into a document (`data.notices`)."""
        value = self.text_value(entry, path, key)
        if value is None:
            return None
        if not _DOTTED_PATH.match(value.strip()):
            self.report(path + (key,), self.say("bad_dotted_path", value=value))
            return None
        return value.strip()

    def encoding(self, entry: Mapping[str, Any], path: KeyPath) -> str:
        value = self.text_value(entry, path, "encoding")
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
            self.report(path + ("encoding",), message + self.hint(name, _ENCODING_NAMES))
            return SourceConfig.encoding
        return name

    def field_map(
        self, entry: Mapping[str, Any], path: KeyPath, role: str | None
    ) -> dict[str, str]:
        """`fields`: our field name -> the vendor's name (column, key or dotted path)."""
        table = self.value(entry, path, "fields", "table")
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
            column = self.text_value(table, path + ("fields",), name)
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
        table = self.value(entry, path, "values", "table")
        out: dict[str, dict[str, str]] = {}
        for name in table or {}:
            where = path + ("values", name)
            if name not in FIELD_NAMES:
                message = self.say("unknown_field", value=name, known=", ".join(FIELD_NAMES))
                self.report(where, message + self.hint(name, FIELD_NAMES))
                continue
            words = self.value(table, path + ("values",), name, "table")
            if words is None:
                continue
            choices = VALUE_CHOICES.get(name)
            mapped: dict[str, str] = {}
            for word in words:
                target = self.value(words, where, word, "text")
                if target is None:
                    continue
                if choices is not None and target not in choices:
                    message = self.say(
                        "bad_value_target", value=target, field=name, known=", ".join(choices)
                    )
                    self.report(where + (word,), message + self.hint(target, choices))
                    continue
                mapped[word] = target
            out[name] = mapped
        return out

    def auth(self, entry: Mapping[str, Any], path: KeyPath) -> Auth | None:
        """The source's `auth` table. No message here ever quotes a value the admin wrote in
        it: a token pasted into the wrong place must not end up in a log or on a screen."""
        if "auth" not in entry:
            return None
        path = path + ("auth",)
        table = entry["auth"]
        if not isinstance(table, dict):
            self.report(path, self.say("auth_not_table"))
            return None
        valid = True
        for key in table:
            if key in _AUTH_KEYS:
                continue
            valid = False
            if key.lower() in _SECRET_KEYS:
                self.report(path + (key,), self.say("auth_secret_in_config", key=key))
            else:
                message = self.say("unknown_key", key=key, known=", ".join(_AUTH_KEYS))
                self.report(path + (key,), message + self.hint(key, _AUTH_KEYS))
        kind = self.auth_type(table, path)
        user = self.text_value(table, path, "user")
        env = self.text_value(table, path, "env")
        file = self.text_value(table, path, "file")
        if env is not None and not _ENV_NAME.match(env.strip()):
            self.report(path + ("env",), self.say("bad_env_name"))
            env = None
        if "env" in table and "file" in table:
            self.report(path + ("file",), self.say("auth_both_secrets"))
            valid = False
        elif "env" not in table and "file" not in table:
            self.report(path, self.say("auth_no_secret"))
            valid = False
        if kind == "basic" and "user" not in table:
            self.report(path, self.say("auth_basic_needs_user"))
            valid = False
        if kind == "bearer" and "user" in table:
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
        if not valid or kind is None or (env is None and resolved is None):
            return None
        return Auth(
            type=kind,
            user=user if kind == "basic" else None,
            env=env.strip() if env is not None else None,
            file=resolved,
        )

    def auth_type(self, table: Mapping[str, Any], path: KeyPath) -> str | None:
        """Like `choice`, but never quoting a wrong value (it may be a token)."""
        if "type" not in table:
            self.report(
                path + ("type",), self.say("missing_key", key="type"), line=self.locator.line(path)
            )
            return None
        value = table["type"]
        if isinstance(value, str) and value.strip().lower() in AUTH_TYPES:
            return value.strip().lower()
        message = self.say("bad_auth_type", known=", ".join(AUTH_TYPES))
        if isinstance(value, str):
            message += self.hint(value, AUTH_TYPES)
        self.report(path + ("type",), message)
        return None

    def resolve(self, raw: str) -> Path:
        """A local path, made absolute from the config file's folder (`~` expanded)."""
        return resolve_path(raw, self.base)

    def location(self, url: str, path: KeyPath, kind: str | None = None) -> str | None:
        """An http(s) URL as is (webcal:// read as https://), or a path made absolute.

        A folder source takes only a local folder (a mounted share is local to the kiosk).
        """
        stripped = url.strip()
        lowered = stripped.lower()
        if kind == "folder":
            return self.folder(url, path)
        if lowered.startswith("webcal://"):
            stripped = "https://" + stripped[len("webcal://") :]
            lowered = stripped.lower()
        if lowered.startswith(("http://", "https://")):
            try:
                host = urlsplit(stripped).hostname
            except ValueError:  # e.g. an unclosed IPv6 bracket
                host = None
            if not host:
                self.report(path, self.say("bad_url", value=url))
                return None
            return stripped
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
            self.unknown_keys(entry, path, _PANEL_KEYS)
            kind = self.choice(entry, path, "kind", PANEL_KINDS, "unknown_panel", required=True)
            seconds = self.positive(entry, path, "seconds")
            if kind is not None:
                out.append(PanelConfig(kind, seconds or PanelConfig.seconds))
        return tuple(out)

    # Central configuration ([central]).

    def central(self, data: Mapping[str, Any]) -> Central | None:
        """The layers this file is built on; signage.central fetches and merges them."""
        if "central" not in data:
            return None
        table, path = self.value(data, (), "central", "table"), ("central",)
        if table is None:
            return None
        self.unknown_keys(table, path, CENTRAL_KEYS)
        base: list[str] = []
        for index, value in enumerate(self.value(table, path, "base", "array") or []):
            where = path + ("base", index)
            if not isinstance(value, str):
                expected = self.say("type.text")
                self.report(
                    where, self.say("wrong_type", expected=expected, actual=self.describe(value))
                )
            elif not value.strip():
                self.report(where, self.say("empty_value"))
            elif (location := self.layer_location(value, where)) is not None:
                base.append(location)
        refresh = self.positive(table, path, "refresh_minutes")
        if refresh is not None and refresh < 1:
            message = self.say("refresh_too_often", value=self.describe(table["refresh_minutes"]))
            self.report(path + ("refresh_minutes",), message, severity="warning")
        drop: list[str] = []
        for index, value in enumerate(self.value(table, path, "drop", "array") or []):
            where = path + ("drop", index)
            if not isinstance(value, str):
                expected = self.say("type.text")
                self.report(
                    where, self.say("wrong_type", expected=expected, actual=self.describe(value))
                )
            elif not _ID.match(value):
                self.report(where, self.say("bad_id", value=value))
            else:
                drop.append(value)
        return Central(
            base=tuple(base),
            refresh_minutes=refresh or DEFAULT_CENTRAL_REFRESH_MINUTES,
            auth=self.auth(table, path),
            drop=tuple(drop),
        )

    def heartbeat(self, data: Mapping[str, Any]) -> Heartbeat | None:
        """Where the kiosk reports its health: an http(s) URL, how often, with what auth."""
        if "heartbeat" not in data:
            return None
        table, path = self.value(data, (), "heartbeat", "table"), ("heartbeat",)
        if table is None:
            return None
        self.unknown_keys(table, path, HEARTBEAT_KEYS)
        url = self.text_value(table, path, "url", required=not self.partial)
        if url is not None:
            try:
                host = urlsplit(url.strip()).hostname if is_url(url) else None
            except ValueError:
                host = None
            if not host:
                self.report(path + ("url",), self.say("bad_url", value=url))
                url = None
        minutes = self.positive(table, path, "minutes")
        name = self.text_value(table, path, "name")
        auth = self.auth(table, path)
        if url is None:
            return None
        return Heartbeat(
            url=url.strip(),
            minutes=minutes or DEFAULT_HEARTBEAT_MINUTES,
            auth=auth,
            name=name.strip() if name is not None else None,
        )

    def layer_location(self, raw: str, path: KeyPath) -> str | None:
        """A layer: an http(s) URL as is, or a local path made absolute."""
        stripped = raw.strip()
        if is_url(stripped):
            try:
                host = urlsplit(stripped).hostname
            except ValueError:
                host = None
            if not host:
                self.report(path, self.say("bad_url", value=raw))
                return None
            if stripped.lower().startswith("http://"):
                self.report(path, self.say("central_http"), severity="warning")
            return stripped
        if _SCHEME.match(stripped):
            self.report(path, self.say("bad_url", value=raw))
            return None
        return str(self.resolve(stripped))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


# --- Entry points --------------------------------------------------------------------------------


def check_text(
    source: str,
    file: str = "<config>",
    base: Path | None = None,
    lang: str | None = None,
) -> tuple[Config | None, list[Issue]]:
    """Like `check_file` for text already read; relative paths start at `base` (default: cwd)."""
    config, issues, _ = _check_text(source, file, Path.cwd() if base is None else base, lang, None)
    return config, issues


def check_file(path: Path, lang: str | None = None) -> tuple[Config | None, list[Issue]]:
    """All issues of the file (never stops at the first). Config is None when there is an error."""
    config, issues, _ = _check_file(Path(path), lang)
    return config, issues


def load_config(path: Path, lang: str | None = None) -> Config:
    """The checked config; raises ConfigError with every issue when one is an error.

    Warnings (a missing local feed file) do not stop the kiosk: they are logged, and the source
    shows as failing on screen.
    """
    config, issues, language = _check_file(Path(path), lang)
    if config is None:
        count = sum(issue.severity == "error" for issue in issues)
        header = text(language, "config_invalid", file=path, count=count)
        carried: list[object] = list(issues)
        raise ConfigError("\n".join([header, *(issue.format() for issue in issues)]), carried)
    for issue in issues:
        log.warning("%s", issue.format())
    return config


def decode_config(raw: bytes, file: str, lang: str) -> tuple[str | None, list[Issue]]:
    """The text of a config file's bytes (UTF-8, a byte-order mark allowed), or the issue."""
    try:
        # utf-8-sig: Windows Notepad may write a byte-order mark, which tomllib refuses.
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Issue(file, line, "(file)", text(lang, "not_utf8"))]


def parse_config(source: str, file: str, lang: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The TOML data of a config text, or the syntax issue (with its line)."""
    try:
        return tomllib.loads(source), []
    except tomllib.TOMLDecodeError as error:
        if match := _SYNTAX_AT.match(str(error)):
            detail, line, column = match.group(1), int(match.group(2)), int(match.group(3))
        else:  # "(at end of document)": point just past the last line's text
            lines = source.splitlines() or [""]
            detail = str(error).removesuffix(" (at end of document)")
            line, column = len(lines), len(lines[-1]) + 1
        message = text(lang, "toml_syntax", column=column, detail=detail)
        return None, [Issue(file, line, "(syntax)", message)]


def check_data(
    data: Mapping[str, Any],
    file: str,
    places: Places,
    lang: str,
    base: Path,
    *,
    config_path: Path | None = None,
    partial: bool = False,
) -> tuple[Config, list[Issue]]:
    """Check parsed TOML data: the config built from what is valid, and every issue (sorted by
    line). The config is returned even when an issue is an error: the caller decides.

    `places` says where an issue is (file, line); `partial` checks one layer of a central
    config on its own (see `_Checker`)."""
    checker = _Checker(file, places, lang, base, partial=partial)
    config = checker.run(data, config_path)
    # Stable sort: file order, and within a line the order the checker found them.
    return config, sorted(checker.issues, key=lambda issue: issue.line)


def file_language(data: Mapping[str, Any], lang: str | None = None) -> str:
    """The language of the messages: `lang`, $SIGNAGE_LANG, the file's own, else Japanese."""
    return _chosen_language(lang) or _file_language(data) or "ja"


def _check_file(path: Path, lang: str | None) -> tuple[Config | None, list[Issue], str]:
    file = str(path)
    language = message_language(lang)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Issue(file, 1, "(file)", text(language, "file_missing"))], language
    except OSError as error:
        message = text(language, "file_unreadable", error=error.strerror or error)
        return None, [Issue(file, 1, "(file)", message)], language
    source, issues = decode_config(raw, file, language)
    if source is None:
        return None, issues, language
    absolute = path.resolve()
    return _check_text(source, file, absolute.parent, lang, absolute)


def _check_text(
    source: str, file: str, base: Path, lang: str | None, config_path: Path | None
) -> tuple[Config | None, list[Issue], str]:
    data, issues = parse_config(source, file, message_language(lang))
    if data is None:
        return None, issues, message_language(lang)
    language = file_language(data, lang)
    config, issues = check_data(
        data, file, LineLocator(source), language, base, config_path=config_path
    )
    if any(issue.severity == "error" for issue in issues):
        return None, issues, language
    return config, issues, language


def _file_language(data: Mapping[str, Any]) -> str | None:
    """The file's own [display] language, so an English-speaking admin reads English."""
    display = data.get("display")
    language = display.get("language") if isinstance(display, dict) else None
    return language if language in LANGUAGES else None
