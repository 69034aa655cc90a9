"""The config as the rest of the program sees it: frozen dataclasses, their defaults and the
fixed sets of words (roles, modes) the keys take. The source kinds are signage.sources'.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from signage.errors import FetchError
from signage.files import NotRegular, TooLarge, read_regular
from signage.model import ABSENCE_KINDS, PRIORITIES
from signage.panels import PANELS

PANEL_KINDS: tuple[str, ...] = tuple(kind.name for kind in PANELS)
PRIVATE_MODES: tuple[str, ...] = ("neutral", "hide")
# How people (staff out, pupils absent) are named on screen: in full, family name, not at all.
NAME_MODES: tuple[str, ...] = ("full", "family", "none")
LANGUAGES: tuple[str, ...] = ("ja", "en")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# bearer and basic for a feed; the cloud calendars' (signage.sources.m365, .google) besides.
AUTH_TYPES: tuple[str, ...] = ("bearer", "basic", "certificate", "client_secret", "service_account")
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

KeyPath = tuple[str | int, ...]


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

    `type` is "bearer" (an `Authorization: Bearer` token) or "basic" (`user` and a password);
    for the cloud calendars "certificate" (a PEM with the app's private key and certificate),
    "client_secret" or "service_account" (a service account's JSON key).
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
    """Only a regular file, read with a cap: a FIFO or a device named as the secret must not
    hang or flood the fetch."""
    try:
        raw = read_regular(file, SECRET_FILE_LIMIT)
    except FileNotFoundError:
        raise FetchError(f"the secret file {file} was not found") from None
    except NotRegular as exc:
        raise FetchError(f"the secret file {file} is {exc.what}, not a file") from None
    except TooLarge:
        raise FetchError(f"the secret file {file} is too large to be a token or password") from None
    except OSError as exc:
        raise FetchError(f"cannot read the secret file {file}: {exc.strerror}") from None
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
    # The values of the kind's own keys that have no field above (signage.sources.kind), as
    # read by their spec: a new kind's keys reach its source without a field of their own.
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def is_remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))


def proxy_schemes() -> tuple[str, ...]:
    """Proxy URL schemes this installation can use: SOCKS only with httpx's socksio extra."""
    socks = ("socks5", "socks5h") if importlib.util.find_spec("socksio") else ()
    return ("http", "https", *socks)


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
class BellSchedule:
    """A named schedule besides `[bell]`'s own (短縮日課, 水曜日課 …), and the days it is in
    force: its weekdays (`days`), its `dates`, and days with an all-day event whose title
    contains `match` (signage.bell decides which one a day follows)."""

    name: str
    periods: tuple[Period, ...] = ()
    days: tuple[int, ...] = ()
    match: str | None = None
    dates: tuple[date, ...] = ()


@dataclass(frozen=True)
class Bell:
    name: str = "通常"
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    periods: tuple[Period, ...] = ()
    schedules: tuple[BellSchedule, ...] = ()  # [[bell.schedules]]

    @property
    def usual(self) -> BellSchedule:
        """`[bell]`'s own schedule, on its `days`."""
        return BellSchedule(self.name, self.periods, self.days)


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
    blink: bool = True  # the clock's colon dims every other second
    sleep: bool = True  # the monitor sleeps while the schedule has the screen off
    schedule: Schedule = Schedule()


@dataclass(frozen=True)
class Visits:
    monthly_target: int = 4


DEFAULT_DEADLINE_SECONDS = 60.0  # a whole fetch: connect, redirects, every byte of the body


@dataclass(frozen=True)
class NetworkConfig:
    """[network]: how the kiosk reaches its sources on a school network (signage.network).

    `proxy` (None: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY from the environment) and
    `no_proxy` (hosts reached directly, in either case). `trust` is "certifi" or "system" (the
    operating system's store); `ca_bundle` is a CA certificate file added to that trust (a
    TLS-inspecting proxy's CA). `client_cert` and `client_key` (None: in the cert's file) are a
    client certificate for mutual TLS. Paths are absolute. `deadline_seconds`: the most a
    whole fetch may take (signage.fetch), so a server trickling a byte at a time cannot hold it.
    """

    proxy: str | None = None
    no_proxy: tuple[str, ...] = ()
    ca_bundle: str | None = None
    trust: str = "certifi"
    client_cert: str | None = None
    client_key: str | None = None
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS


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
HEARTBEAT_FORMATS = ("json", "uptime-kuma", "healthchecks")


@dataclass(frozen=True)
class Heartbeat:
    """[heartbeat]: where the running kiosk reports its health (signage.heartbeat).

    Every `minutes`, a JSON status (version, sources ok or stale, last refresh, the config's
    layers) is POSTed to `url`, with `auth` like a source's; `name` tells the screens apart
    (None: the PC's host name). `format` other than "json" pings a monitor IT already runs
    (signage.heartbeat)."""

    url: str
    minutes: float = DEFAULT_HEARTBEAT_MINUTES
    auth: Auth | None = None
    name: str | None = None
    format: str = "json"  # HEARTBEAT_FORMATS: what the monitor at `url` reads


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
