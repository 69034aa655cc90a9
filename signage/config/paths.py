"""Where the config lives, and how a path or URL written in it is read."""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit


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


def is_layered(location: str | Path) -> bool:
    """Whether the config is remote or has a [central] table (else: a plain local file).
    Here, not in signage.central, so that a plain file's kiosk and `check` never import the
    HTTP stack to find out."""
    if isinstance(location, str) and is_url(location):
        return True
    try:
        data = tomllib.loads(Path(location).read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # the plain check reports it
    return "central" in data


_LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


def secure_for_secrets(url: str) -> bool:
    """Whether credentials may go to `url`: https, or plain http to this PC itself (the
    traffic never leaves it). Anything else is readable by anyone on the school network."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    return scheme == "http" and (host in _LOOPBACK or host.startswith("127."))


def resolve_path(raw: str, base: Path) -> Path:
    """A local path, made absolute from `base` (`~` expanded) and normalised."""
    file = Path(raw.strip()).expanduser()
    if not file.is_absolute():
        file = base / file
    return Path(os.path.normpath(file))


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME") or env.get("USERPROFILE")
    return Path(home) if home else Path.home()
