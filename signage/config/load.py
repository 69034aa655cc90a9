"""Entry points: read, decode, parse and check a config file.

`check_file` reports every problem at once, each with the file's line, the dotted key path and a
plain reason in the admin's language, because an admin fixing a file one error per run gives up.
Missing local files are warnings: the kiosk still runs and shows that source as failing.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from signage.config import syntax
from signage.config.check import Checker
from signage.config.locate import LineLocator, Places
from signage.config.model import LANGUAGES, Config, Issue
from signage.errors import ConfigError
from signage.messages import text

log = logging.getLogger("signage.config")


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
        line, _, message = syntax.describe(source, str(error), lang)  # with a fix, if common
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
    checker = Checker(file, places, lang, base, partial=partial)
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
