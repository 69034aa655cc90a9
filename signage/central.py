"""Central configuration: a school's config built on layers kept by the board of education.

A config names the layers it is built on, or is itself a URL (`--config https://…`, or
`SIGNAGE_CONFIG=https://…`; then the whole config is remote, and may name layers too):

    [central]
    base = ["https://board.example.jp/signage/district.toml"]   # applied first, in order
    refresh_minutes = 30                                        # how often they are fetched
    auth = { type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }     # for the URLs in `base`
    drop = ["ict-visits"]                                       # base sources this file drops

`Layering.resolve` fetches every layer (the project's HTTP machinery: size cap, auth, the
[network] of the file that starts the chain), checks each on its own with its own name and
lines, merges them, and checks the merged result, with each issue still pointing at the
layer's file and line that wrote the value.

Merge rules (configs/README.md explains them to admins):

- Layers apply in order: a layer's bases first (recursively, in the order of `base`), then
  the layer itself, so the file that names the layers has the last word.
- Tables ([school], [display], [network], [visits], [central] …) merge key by key,
  recursively; any other value (text, number, array) is replaced whole.
- [[sources]] merge by `id`: a source with the id of an earlier one changes the keys it
  writes, in the earlier one's place (a school adds its `match` to the board's shared
  calendar); `auth` is replaced whole, and a new `url` drops the earlier `auth` and `verify`
  (credentials only go where the layer that holds them said). A new id is appended and needs
  kind, role and url. `[central] drop = ["id", …]` removes earlier layers' sources.
- [[panels]] and [bell] (with its [[bell.periods]]) are replaced whole when a layer has them.
- `base`, `drop` and `auth` of [central] speak for the layer that writes them.
- Relative paths in a layer are relative to that layer: to its folder for a file, and URLs
  relative to it for a URL layer (a file on this PC must be written as a full path there).

Every layer's last good bytes are kept on disk (a RawCache in the `central` folder of the
config's cache folder) and in memory, so a school starts and keeps its config when the server
is down, with a note on screen. "Good" means the merged config was valid with it: a broken
new version of a layer never replaces the copy that worked. A layer that cannot be fetched
and was never fetched is left out: the rest is used if it is valid alone, with a note.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import logging
import os
import re
from collections.abc import Callable, Mapping, MutableMapping, MutableSequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import httpx

from signage.cache import RawCache, default_cache_dir
from signage.clock import SystemClock
from signage.config import (
    DEFAULT_CENTRAL_REFRESH_MINUTES,
    Auth,
    Config,
    Issue,
    LineLocator,
    NetworkConfig,
    check_data,
    decode_config,
    file_language,
    format_key_path,
    is_url,
    message_language,
    parse_config,
    resolve_path,
)
from signage.config.spec import path_values
from signage.errors import ConfigError, SourceError
from signage.fetch import fetch, safe_url
from signage.merge import Origins, merge
from signage.messages import screen, text
from signage.network import new_client

__all__ = [
    "LAYER_MAX_MB",
    "MAX_DEPTH",
    "RETRY_MINUTES",
    "ROOT_TOKEN_ENV",
    "LayerState",
    "Layered",
    "Layering",
    "cache_dir_for",
    "check",
    "load",
    "refresh_minutes",
]

log = logging.getLogger(__name__)

KeyPath = tuple[str | int, ...]

MAX_DEPTH = 4  # the school's file, the district's, and two more: deeper is a mistake
LAYER_MAX_MB = 1.0  # a config is a few KB: a bigger answer is not a config
LAYER_LIMIT = int(LAYER_MAX_MB * 1024 * 1024)
RETRY_MINUTES = 5.0  # a layer that could not be fetched is tried again this soon
# A config given as a URL is fetched with this bearer token when the variable is set (and the
# layers on the same server with it, unless a layer names its own `auth`).
ROOT_TOKEN_ENV = "SIGNAGE_CONFIG_TOKEN"
_UNREACHABLE = screen("central_unreachable")
_INVALID = screen("central_invalid")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


# --- What a resolution gives -------------------------------------------------------------------


@dataclass(frozen=True)
class LayerState:
    """One layer as last resolved: for notes, logs and a status report."""

    name: str  # the path, or the URL without secrets
    fetched_at: datetime | None  # when the copy in use was fetched (None: the local file)
    fresh: bool  # fetched just now, or confirmed unchanged by the server
    error: str | None  # why it could not be fetched just now
    used: bool  # False: left out (unreachable or broken, with no good copy)


@dataclass(frozen=True)
class Layered:
    """The merged config, or None with the issues (and, when a layer was left out, `reason`:
    one line saying why the kiosk cannot start).

    `issues` are of every layer and of the merged config, each with its layer's name and line,
    plus the layers that could not be fetched; a config can come with errors in `issues` when
    a broken new version of a layer was refused for its last good copy. `notes` are for the
    screen (Japanese, short)."""

    config: Config | None
    issues: tuple[Issue, ...] = ()
    notes: tuple[str, ...] = ()
    reason: str | None = None
    layers: tuple[LayerState, ...] = ()
    language: str = "ja"

    @property
    def current(self) -> bool:
        """Every layer was fetched just now and is in use (no copy, nothing left out)."""
        return self.config is not None and all(
            state.used and (state.fresh or state.fetched_at is None) for state in self.layers
        )


# --- One layer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fetched:
    raw: bytes | None
    fetched_at: datetime | None
    fresh: bool
    error: str | None


@dataclass(eq=False)  # compared by identity
class _Layer:
    location: str  # an absolute path or a URL: what is fetched
    name: str  # for messages
    auth: Auth | None = None  # what it is fetched with
    parent: _Layer | None = None
    index: int = 0  # in the parent's `base`
    raw: bytes | None = None
    fetched_at: datetime | None = None
    fresh: bool = False
    error: str | None = None
    local_root: bool = False  # the school's own file: read each time, never cached
    data: dict[str, Any] | None = None
    locator: LineLocator | None = None
    issues: list[Issue] = field(default_factory=list)
    built: Config | None = None  # from what is valid in this layer alone

    @property
    def remote(self) -> bool:
        return is_url(self.location)

    @property
    def broken(self) -> bool:
        return self.raw is not None and any(issue.severity == "error" for issue in self.issues)

    @property
    def folder(self) -> Path:
        return Path.cwd() if self.remote else Path(self.location).parent

    def state(self, used: bool) -> LayerState:
        fetched_at = None if self.local_root else self.fetched_at
        return LayerState(self.name, fetched_at, self.fresh, self.error, used)


def _name(location: str) -> str:
    return safe_url(location) if is_url(location) else location


# --- Where an issue of the merged config is ------------------------------------------------


class _MergedPlaces:
    """Where an issue of the merged config is: the layer, its line and its own key path."""

    def __init__(self, layers: list[_Layer], origins: Origins) -> None:
        self.layers = layers
        self.origins = origins

    def _origin(self, path: KeyPath) -> tuple[_Layer, KeyPath]:
        for end in range(len(path), -1, -1):
            hit = self.origins.get(path[:end])
            if hit is not None:
                number, layer_path = hit
                return self.layers[number], layer_path + path[end:]
        return self.layers[-1], path  # the last layer: the file that names the others

    def line(self, path: KeyPath) -> int:
        layer, layer_path = self._origin(path)
        return layer.locator.line(layer_path) if layer.locator is not None else 1

    def place(self, path: KeyPath) -> tuple[str | None, int, KeyPath]:
        layer, layer_path = self._origin(path)
        line = layer.locator.line(layer_path) if layer.locator is not None else 1
        return layer.name, line, layer_path


# --- Relative paths ------------------------------------------------------------------------------


def _local_absolute(value: str) -> bool:
    value = value.strip()
    return (
        value.startswith(("/", "~"))
        or bool(_WINDOWS_ABSOLUTE.match(value))
        or Path(value).is_absolute()
    )


def _absolute_paths(layer: _Layer, lang: str) -> list[Issue]:
    """Make the layer's relative paths absolute, in place: from its folder (a file) or as URLs
    relative to it (a URL). A URL layer cannot name a file on this PC by a relative path."""
    data = layer.data or {}
    issues: list[Issue] = []

    def relative_file(path: KeyPath, value: str) -> None:
        line = layer.locator.line(path) if layer.locator is not None else 1
        message = text(lang, "layer_relative_file", value=value)
        issues.append(Issue(layer.name, line, format_key_path(path), message))

    def file(container: Any, key: Any, path: KeyPath) -> None:
        value = container[key] if _holds(container, key) else None
        if not isinstance(value, str) or not value.strip() or _SCHEME.match(value.strip()):
            return
        if layer.remote:
            if not _local_absolute(value):
                relative_file(path, value)
                del container[key]  # not to be looked for in this PC's current folder
            return
        container[key] = str(resolve_path(value, layer.folder))

    def url_or_file(container: Any, key: Any, path: KeyPath, folder: bool = False) -> None:
        value = container[key] if _holds(container, key) else None
        if not isinstance(value, str) or not value.strip() or _SCHEME.match(value.strip()):
            return
        if not layer.remote:
            container[key] = str(resolve_path(value, layer.folder))
        elif _local_absolute(value):
            pass  # a file on this PC, written in full
        elif folder:
            relative_file(path, value)
        else:
            container[key] = urljoin(layer.location, value.strip())

    for path, container, key, spec_key in path_values(data):
        if spec_key.path == "file":
            file(container, key, path)
        else:  # a URL or a path; a folder source's url is a folder on this PC
            folder = isinstance(container, dict) and container.get("kind") == "folder"
            url_or_file(container, key, path, folder=folder)
    return issues


def _holds(container: Any, key: Any) -> bool:
    if isinstance(container, MutableMapping):
        return key in container
    return isinstance(container, MutableSequence) and 0 <= key < len(container)


def _bases(layer: _Layer) -> list[tuple[int, str]]:
    """The layer's `base` entries that name a layer (index, location); the check reports the
    others."""
    central = (layer.data or {}).get("central")
    base = central.get("base") if isinstance(central, dict) else None
    out: list[tuple[int, str]] = []
    for index, value in enumerate(base if isinstance(base, list) else []):
        if isinstance(value, str) and value.strip():
            location = value.strip()
            if is_url(location) or (not _SCHEME.match(location) and _local_absolute(location)):
                out.append((index, location))
    return out


def _same_origin(first: str, second: str) -> bool:
    """Both URLs on the same scheme, host and port (credentials may go from one to the other)."""
    if not (is_url(first) and is_url(second)):
        return False
    a, b = urlsplit(first), urlsplit(second)
    return (a.scheme.lower(), a.hostname, a.port) == (b.scheme.lower(), b.hostname, b.port)


# --- Resolving ------------------------------------------------------------------------------------


@dataclass
class _Attempt:
    layers: list[_Layer]  # as found: the file that starts the chain first
    order: list[_Layer]  # as applied: bases first
    skipped: list[_Layer]
    issues: list[Issue]
    config: Config | None
    language: str
    tree: list[Issue] = field(default_factory=list)  # loops and depth, found on the way
    fatal: bool = False  # the file that starts the chain cannot be read


class Layering:
    """The layers of one config and their last good copies; `resolve` builds the config.

    `root` is the school's local file, or the URL of a remote config. `cache_dir`: the
    config's cache folder (copies go to its `central` folder); None keeps them in memory only.
    """

    def __init__(
        self,
        root: str | Path,
        cache_dir: Path | None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.root: str | Path = root if isinstance(root, str) and is_url(root) else Path(root)
        self.cache = RawCache(cache_dir / "central") if cache_dir is not None else None
        self.now = now or SystemClock().now
        self._copies: dict[str, tuple[bytes, datetime]] = {}
        self._errors: dict[str, str | None] = {}  # last fetch of each layer: why it failed
        # ETag / Last-Modified of each layer's last good body, by where and with what fetched
        self._validators: dict[tuple[str, Auth | None], Mapping[str, str]] = {}

    # Copies.

    def _copy(self, location: str) -> tuple[bytes, datetime] | None:
        if location not in self._copies and self.cache is not None:
            loaded = self.cache.load(_cache_key(location))
            if loaded is not None:
                self._copies[location] = loaded
        return self._copies.get(location)

    def _keep(self, layer: _Layer) -> None:
        assert layer.raw is not None and layer.fetched_at is not None
        self._copies[layer.location] = (layer.raw, layer.fetched_at)
        if self.cache is not None:
            self.cache.save(_cache_key(layer.location), layer.raw, layer.fetched_at)

    # Fetching.

    async def _fetch(self, location: str, auth: Auth | None, client: httpx.AsyncClient) -> _Fetched:
        saved = self._copy(location)
        key = (location, auth)
        # A 304 is only of use with a copy to reuse: without one, ask unconditionally.
        validators = self._validators.get(key) if saved is not None else None
        before = self._errors.get(location)
        try:
            got = await fetch(
                client, location, limit=LAYER_LIMIT, auth=auth, validators=validators, now=self.now
            )
        except (SourceError, httpx.InvalidURL) as exc:
            error = str(exc)
            self._errors[location] = error
            if before != error:
                kept = f"; using the copy fetched {saved[1]:%Y-%m-%d %H:%M} UTC" if saved else ""
                log.warning("central config %s: %s%s", _name(location), error, kept)
            if saved is not None:
                return _Fetched(saved[0], saved[1], False, error)
            return _Fetched(None, None, False, error)
        if before is not None:
            log.info("central config %s: fetched again", _name(location))
        self._errors[location] = None
        if got.body is None:  # 304: the copy is still current
            if saved is None:  # never asked conditionally without a copy; a broken server
                self._validators.pop(key, None)
                error = "the server said 304 Not Modified, but there is no copy to reuse"
                self._errors[location] = error
                return _Fetched(None, None, False, error)
            return _Fetched(saved[0], self.now(), True, None)
        self._validators[key] = got.validators
        return _Fetched(got.body, self.now(), True, None)

    # Resolving.

    async def resolve(self, *, fetch: bool = True, lang: str | None = None) -> Layered:
        """The config of the layers: fetched now (`fetch`), or from the copies where there are
        some (a local edit: no network unless a layer was never fetched)."""
        async with contextlib.AsyncExitStack() as stack:
            session = _Session(self, stack)
            first = await self._attempt(
                session, prefer_copies=not fetch, skip_broken=False, lang=lang
            )
            final, fallback = first, False
            if first.config is None and not first.fatal:
                second = await self._attempt(
                    session, prefer_copies=True, skip_broken=True, lang=lang
                )
                if second.config is not None:
                    final, fallback = second, True
        if final.config is not None and not fallback:
            for layer in final.order:
                if layer.fresh and not layer.local_root:
                    self._keep(layer)
        return self._result(first, final, fallback)

    async def _attempt(
        self, session: _Session, *, prefer_copies: bool, skip_broken: bool, lang: str | None
    ) -> _Attempt:
        guess = message_language(lang)
        root = await self._root(session, prefer_copies)
        if root.raw is None:
            return _Attempt([root], [], [root], list(root.issues), None, guess, fatal=True)
        await asyncio.to_thread(_read, root, guess)
        if root.data is None:
            return _Attempt([root], [], [], list(root.issues), None, guess, fatal=True)
        language = file_language(root.data, lang)
        await asyncio.to_thread(_check, root, language)
        network = root.built.network if root.built is not None else NetworkConfig()
        allowed = _allowed_secrets(root.data)
        found: list[_Layer] = [root]
        order: list[_Layer] = []
        skipped: list[_Layer] = []
        tree: list[Issue] = []

        async def visit(layer: _Layer, depth: int, chain: frozenset[str]) -> None:
            own = layer.built.central if layer.built is not None else None
            for index, location in _bases(layer):
                where: KeyPath = ("central", "base", index)
                if location in chain:
                    tree.append(_issue(layer, where, language, "central_cycle", value=location))
                    continue
                if any(other.location == location for other in found):
                    continue  # reached twice: applied once, where first named
                if depth + 1 >= MAX_DEPTH:
                    tree.append(_issue(layer, where, language, "central_too_deep", limit=MAX_DEPTH))
                    continue
                auth = own.auth if own is not None and own.auth is not None else None
                if (
                    auth is None
                    and layer.auth is not None
                    and _same_origin(layer.location, location)
                ):
                    auth = layer.auth
                got = await session.get(location, auth, network, prefer_copies)
                child = _Layer(location, _name(location), auth, layer, index)
                child.raw, child.fetched_at, child.fresh, child.error = (
                    got.raw,
                    got.fetched_at,
                    got.fresh,
                    got.error,
                )
                found.append(child)
                if child.raw is not None:
                    await asyncio.to_thread(_read, child, language)
                    await asyncio.to_thread(_check, child, language)
                    child.issues += _secrets_not_allowed(child, allowed, language)
                if child.raw is None or (skip_broken and child.broken):
                    skipped.append(child)
                    continue
                await visit(child, depth + 1, chain | {location})
                order.append(child)

        await visit(root, 0, frozenset({root.location}))
        order.append(root)
        config, merged = await asyncio.to_thread(self._merged, order, language, bool(skipped))
        issues = _dedupe(tree + [i for layer in found for i in layer.issues] + merged)
        used = {id(layer) for layer in order}
        blocking = tree + merged + [i for layer in found if id(layer) in used for i in layer.issues]
        if any(issue.severity == "error" for issue in blocking):
            config = None
        rank = {layer.name: number for number, layer in enumerate(found)}
        issues.sort(key=lambda issue: (rank.get(issue.file, len(rank)), issue.line))
        return _Attempt(found, order, skipped, issues, config, language, tree)

    async def _root(self, session: _Session, prefer_copies: bool) -> _Layer:
        if isinstance(self.root, str):
            auth = Auth(type="bearer", env=ROOT_TOKEN_ENV) if ROOT_TOKEN_ENV in os.environ else None
            layer = _Layer(self.root, _name(self.root), auth)
            got = await session.get(self.root, auth, NetworkConfig(), prefer_copies)
            layer.raw, layer.fetched_at, layer.fresh, layer.error = (
                got.raw,
                got.fetched_at,
                got.fresh,
                got.error,
            )
            return layer
        path = self.root
        layer = _Layer(str(path.resolve()), str(path), local_root=True, fresh=True)
        language = message_language(None)
        try:
            layer.raw = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            layer.issues = [Issue(str(path), 1, "(file)", text(language, "file_missing"))]
        except OSError as error:
            message = text(language, "file_unreadable", error=error.strerror or error)
            layer.issues = [Issue(str(path), 1, "(file)", message)]
        return layer

    def _merged(
        self, order: list[_Layer], language: str, missing: bool
    ) -> tuple[Config | None, list[Issue]]:
        """Merge the layers in use and check the result (in a worker thread)."""
        root = order[-1]
        result = merge([layer.data or {} for layer in order], drop_orphans=missing)
        merged, origins = result.data, result.origins
        issues = [
            replace(
                _issue(
                    order[number], ("central", "drop", index), language, "drop_unknown", value=value
                ),
                severity="warning",
            )
            for number, index, value in result.unknown_drops
        ]
        for number, _index, value in result.orphans:
            log.info(
                "%s: source %s left out: it refines a source of a layer that is missing",
                order[number].name,
                value,
            )
        config_path = Path(root.location) if root.local_root else None
        config, found = check_data(
            merged,
            root.name,
            _MergedPlaces(order, origins),
            language,
            root.folder,
            config_path=config_path,
        )
        return replace(config, url=None if root.local_root else root.location), issues + found

    def _result(self, first: _Attempt, final: _Attempt, fallback: bool) -> Layered:
        language = final.language
        config = final.config
        root = final.layers[0]
        tz = config.school.tz if config is not None else ZoneInfo("Asia/Tokyo")
        now = self.now()
        if fallback:  # the refused layers' own issues, and those of the config in use
            refused_issues = [i for layer in first.layers if layer.broken for i in layer.issues]
            issues = first.tree + refused_issues + list(final.issues)
        else:
            issues = list(first.issues)
        notes: list[str] = []
        used = {id(layer) for layer in final.order}
        skipped = {id(layer) for layer in final.skipped}
        for layer in final.layers:
            if layer.local_root:
                continue
            if id(layer) in used and layer.error is not None and layer.fetched_at is not None:
                when = layer.fetched_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                issues.append(
                    _problem(layer, language, "layer_unreachable", error=layer.error, when=when)
                )
                shown = screen("shown_as_of", when=_short(layer.fetched_at, now, tz))
                notes.append(screen("central_note", problem=_UNREACHABLE, shown=shown))
            elif id(layer) in skipped and layer.raw is None:
                issues.append(
                    _problem(layer, language, "layer_unreachable_no_copy", error=layer.error)
                )
            elif id(layer) in skipped:
                issues.append(_problem(layer, language, "layer_invalid_no_copy"))
        if fallback:
            copies = [layer for layer in final.order if not layer.local_root and not layer.fresh]
            oldest = min((layer.fetched_at for layer in copies if layer.fetched_at), default=None)
            # The layers whose new version was refused: broken alone, else all that were new.
            refused = {layer.location for layer in first.layers if layer.broken} or {
                layer.location for layer in first.order if layer.fresh and not layer.local_root
            }
            for layer in copies:
                if layer.location in refused and layer.fetched_at is not None:
                    when = layer.fetched_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                    issues.append(
                        _problem(
                            layer, language, "layer_invalid_copy", when=when, severity="warning"
                        )
                    )
            if oldest is not None:
                shown = screen("shown_as_of", when=_short(oldest, now, tz))
                notes.append(screen("central_note", problem=_INVALID, shown=shown))
        if final.skipped and config is not None:
            every = all(id(layer) in skipped for layer in final.layers if layer.parent is root)
            rest = screen("shown_school_only" if every else "shown_fetched_only")
            broken = all(layer.raw is not None for layer in final.skipped)
            problem = _INVALID if broken else _UNREACHABLE
            notes.append(screen("central_note", problem=problem, shown=rest))
        reason = None
        if config is None:
            reason = _reason(final)
        states = tuple(layer.state(id(layer) in used) for layer in final.layers)
        rank = {layer.name: number for number, layer in enumerate(first.layers)}
        issues.sort(key=lambda issue: (rank.get(issue.file, len(rank)), issue.line))
        return Layered(
            config=config,
            issues=tuple(_dedupe(issues)),
            notes=tuple(dict.fromkeys(notes)),
            reason=reason,
            layers=states,
            language=language,
        )


class _Session:
    """One resolution: each layer fetched at most once, clients closed at the end."""

    def __init__(self, owner: Layering, stack: contextlib.AsyncExitStack) -> None:
        self.owner = owner
        self.stack = stack
        self.fetched: dict[str, _Fetched] = {}
        self.clients: dict[NetworkConfig, httpx.AsyncClient] = {}

    async def client(self, network: NetworkConfig) -> httpx.AsyncClient:
        if network not in self.clients:
            self.clients[network] = await self.stack.enter_async_context(new_client(network))
        return self.clients[network]

    async def get(
        self, location: str, auth: Auth | None, network: NetworkConfig, prefer_copies: bool
    ) -> _Fetched:
        saved = self.owner._copy(location)
        if prefer_copies and saved is not None:
            error = self.owner._errors.get(location)
            return _Fetched(saved[0], saved[1], False, error)
        if location in self.fetched:
            return self.fetched[location]
        got = await self.owner._fetch(location, auth, await self.client(network))
        self.fetched[location] = got
        return got


def _read(layer: _Layer, lang: str) -> None:
    """Decode and parse the layer's bytes (issues: not UTF-8, TOML syntax)."""
    assert layer.raw is not None
    source, issues = decode_config(layer.raw, layer.name, lang)
    data = None
    if source is not None:
        data, issues = parse_config(source, layer.name, lang)
        if data is not None:
            layer.locator = LineLocator(source)
    layer.data, layer.issues = data, issues


def _allowed_secrets(data: Mapping[str, Any]) -> tuple[str, ...]:
    """`[central] secrets` of the school's own file: what its base layers may name in `auth`.
    A layer fetched from the board's server must not be able to send any of this PC's secrets
    (every environment variable, any readable file) to a host of its choosing."""
    central = data.get("central")
    patterns = central.get("secrets") if isinstance(central, dict) else None
    if not isinstance(patterns, list):
        return ()
    return tuple(p.strip() for p in patterns if isinstance(p, str) and p.strip())


def _secrets_not_allowed(layer: _Layer, allowed: tuple[str, ...], lang: str) -> list[Issue]:
    """An error for each `auth` secret (env or file) of the layer that `allowed` does not name."""
    data = layer.data or {}
    tables: list[tuple[KeyPath, Any]] = [
        (("central", "auth"), _get(data, "central", "auth")),
        (("heartbeat", "auth"), _get(data, "heartbeat", "auth")),
    ]
    sources = data.get("sources")
    for index, entry in enumerate(sources if isinstance(sources, list) else []):
        tables.append((("sources", index, "auth"), _get(entry, "auth")))
    issues = []
    for path, auth in tables:
        if not isinstance(auth, dict):
            continue
        for key in ("env", "file"):
            value = auth.get(key)
            if isinstance(value, str) and not _secret_allowed(key, value, allowed):
                what = text(lang, f"secret.{key}")
                issue = _issue(
                    layer, (*path, key), lang, "layer_secret_not_allowed", what=what, value=value
                )
                issues.append(issue)
    return issues


def _secret_allowed(key: str, value: str, allowed: tuple[str, ...]) -> bool:
    if key == "env":  # names as written (Windows' are case-blind, but a pattern is exact)
        return any(fnmatch.fnmatchcase(value.strip(), pattern) for pattern in allowed)
    # a file: compared where it really is, so a link or ".." cannot reach past the pattern
    real = os.path.normcase(os.path.realpath(value.strip()))
    return any(
        fnmatch.fnmatchcase(real, os.path.normcase(os.path.realpath(pattern)))
        or fnmatch.fnmatchcase(real, os.path.normcase(pattern))
        for pattern in allowed
    )


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _check(layer: _Layer, lang: str) -> None:
    """Check the layer on its own (checks another layer may complete are left out)."""
    if layer.data is None or layer.locator is None:
        return
    issues = _absolute_paths(layer, lang)
    built, found = check_data(
        layer.data, layer.name, layer.locator, lang, layer.folder, partial=True
    )
    layer.built = built
    layer.issues = issues + found


def _issue(layer: _Layer, path: KeyPath, lang: str, key: str, **fields: object) -> Issue:
    line = layer.locator.line(path) if layer.locator is not None else 1
    return Issue(layer.name, line, format_key_path(path), text(lang, key, **fields))


def _problem(layer: _Layer, lang: str, key: str, severity: str = "", **fields: object) -> Issue:
    """A layer that cannot be used as it is, reported where its parent names it."""
    message = text(lang, key, name=layer.name, **fields)
    default = "warning" if key == "layer_unreachable" else "error"
    if layer.parent is None:
        return Issue(layer.name, 1, "(file)", message, severity or default)
    where: KeyPath = ("central", "base", layer.index)
    issue = _issue(layer.parent, where, lang, key, name=layer.name, **fields)
    return replace(issue, severity=severity or default)


def _reason(attempt: _Attempt) -> str | None:
    """One line: why there is no config, when a layer had to be left out (else None: the
    issues say it)."""
    root = attempt.layers[0]
    if attempt.fatal and root.raw is None and root.error is not None:
        return f"cannot fetch the config {root.name} ({root.error}) and there is no saved copy"
    if attempt.fatal or not attempt.skipped:
        return None
    layer = attempt.skipped[0]
    if layer.raw is None:
        why = f"cannot fetch {layer.name} ({layer.error}) and there is no saved copy"
    else:
        why = f"{layer.name} has errors and there is no good copy of it"
    return (
        f"{why}; {root.name} is not valid without it (signage check {root.name} lists the problems)"
    )


def _short(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """8:12 today, 11/23 8:12 on another day (in the school's zone)."""
    local = moment.astimezone(tz)
    clock = f"{local.hour}:{local.minute:02d}"
    if local.date() == now.astimezone(tz).date():
        return clock
    return f"{local.month}/{local.day} {clock}"


def _dedupe(issues: list[Issue]) -> list[Issue]:
    return list(dict.fromkeys(issues))


def _cache_key(location: str) -> str:
    return "layer-" + hashlib.sha256(location.encode()).hexdigest()[:16]


# --- For the command line ---------------------------------------------------------------------


def cache_dir_for(location: str | Path) -> Path:
    """The config's cache folder: as signage.cache has it for a file, by URL for a URL."""
    if isinstance(location, str) and is_url(location):
        digest = hashlib.sha256(location.strip().encode()).hexdigest()[:12]
        return default_cache_dir(None).parent / f"url-{digest}"
    return default_cache_dir(Path(location).resolve())


def load(location: str | Path, lang: str | None = None) -> tuple[Config, Layered]:
    """The layered config to start with; raises ConfigError (one line when a layer had to be
    left out, else every issue). Problems that do not stop the kiosk are logged."""
    result = asyncio.run(Layering(location, cache_dir_for(location)).resolve(lang=lang))
    if result.config is None:
        if result.reason is not None:
            raise ConfigError(result.reason)
        issues = list(result.issues)
        count = sum(issue.severity == "error" for issue in issues)
        header = text(result.language, "config_invalid", file=location, count=count)
        carried: list[object] = list(issues)
        raise ConfigError("\n".join([header, *(issue.format() for issue in issues)]), carried)
    for issue in result.issues:  # the notes for the screen say the same in short
        log.warning("%s", issue.format())
    return result.config, result


def check(location: str | Path, lang: str | None = None) -> list[Issue]:
    """Every issue of a layered config: fetches the layers (or uses the saved copies)."""
    result = asyncio.run(Layering(location, cache_dir_for(location)).resolve(lang=lang))
    return list(result.issues)


def refresh_minutes(config: Config) -> float:
    return config.central.refresh_minutes if config.central else DEFAULT_CENTRAL_REFRESH_MINUTES
