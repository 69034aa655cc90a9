"""The school's TOML config: the dataclasses the program reads, where the file lives, and the
checker that reads a file into them (every issue at once, each with its line).

Each key is declared once in `spec` (a source kind's keys in its module, signage.sources); the
checker's generic part, `signage schema` (`config.schema`), the central layers' path rules and
the key tables of configs/README.md (`config.docs`) are derived from it.

The checker and the spec are imported on first use (PEP 562): they read the source kinds,
whose modules import `config.model`, so importing them here would make a loop.
"""

from typing import TYPE_CHECKING

from signage.config.locate import (
    LineLocator,
    Places,
    format_key_path,
)
from signage.config.model import (
    ALL_DAYS,
    AUTH_TYPES,
    DEFAULT_CENTRAL_REFRESH_MINUTES,
    DEFAULT_HEARTBEAT_MINUTES,
    DEFAULT_PANELS,
    FIELD_NAMES,
    LANGUAGES,
    NAME_MODES,
    PANEL_KINDS,
    PRIVATE_MODES,
    ROLE_FIELDS,
    SCHOOL_DAYS,
    SECRET_FILE_LIMIT,
    TRUST_MODES,
    VALUE_CHOICES,
    WEEKDAYS,
    Auth,
    Bell,
    BellSchedule,
    Central,
    Config,
    Display,
    Heartbeat,
    Issue,
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
from signage.config.paths import (
    default_config_path,
    find_config,
    is_url,
    resolve_path,
)
from signage.model import ROLES

if TYPE_CHECKING:
    from signage.config.load import (
        check_data,
        check_file,
        check_text,
        decode_config,
        file_language,
        load_config,
        message_language,
        parse_config,
    )
    from signage.config.spec import CENTRAL_KEYS, HEARTBEAT_KEYS, SOURCE_KINDS

_LOAD = (
    "check_data",
    "check_file",
    "check_text",
    "decode_config",
    "file_language",
    "load_config",
    "message_language",
    "parse_config",
)
_SPEC = ("CENTRAL_KEYS", "HEARTBEAT_KEYS", "SOURCE_KINDS")


def __getattr__(name: str) -> object:
    if name in _LOAD:
        from signage.config import load

        return getattr(load, name)
    if name in _SPEC:
        from signage.config import spec

        return getattr(spec, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CENTRAL_KEYS",
    "HEARTBEAT_KEYS",
    "ALL_DAYS",
    "AUTH_TYPES",
    "Auth",
    "Bell",
    "BellSchedule",
    "Central",
    "Config",
    "DEFAULT_CENTRAL_REFRESH_MINUTES",
    "DEFAULT_HEARTBEAT_MINUTES",
    "DEFAULT_PANELS",
    "Display",
    "FIELD_NAMES",
    "Heartbeat",
    "Issue",
    "KeyPath",
    "LANGUAGES",
    "LineLocator",
    "NAME_MODES",
    "NetworkConfig",
    "PANEL_KINDS",
    "PRIVATE_MODES",
    "PanelConfig",
    "Period",
    "Places",
    "ROLES",
    "ROLE_FIELDS",
    "SCHOOL_DAYS",
    "SECRET_FILE_LIMIT",
    "SOURCE_KINDS",
    "Schedule",
    "School",
    "SourceConfig",
    "TRUST_MODES",
    "VALUE_CHOICES",
    "Visits",
    "WEEKDAYS",
    "check_data",
    "check_file",
    "check_text",
    "decode_config",
    "default_config_path",
    "file_language",
    "find_config",
    "format_key_path",
    "is_url",
    "load_config",
    "message_language",
    "parse_config",
    "proxy_schemes",
    "resolve_path",
]
