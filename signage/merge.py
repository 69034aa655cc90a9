"""How the layers of a central config combine: pure, on the parsed TOML of each layer.

Tables merge key by key (a later layer wins); `[[sources]]` merge by `id`, a school's entry
refining the base's (every school filters the city-wide calendar with its own `match`);
`[central] drop` leaves a base's source out. Each merged key remembers the layer and the key
path it came from, so an issue in the merged config points at the file and line that wrote it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from signage.config import KeyPath

__all__ = ["Merged", "Origins", "merge"]

# Replaced whole when a layer has them; other tables merge key by key.
_WHOLE: frozenset[KeyPath] = frozenset(
    {("panels",), ("bell",), ("central", "auth"), ("heartbeat", "auth")}
)
_SOURCE_WHOLE: frozenset[KeyPath] = frozenset({("auth",)})  # within a source: one credential


Origins = dict[KeyPath, tuple[int, KeyPath]]  # see Merged


@dataclass
class Merged:
    """The merged data of some layers, and where each part of it came from."""

    data: dict[str, Any]
    # merged key path -> (index of the layer, the key path in that layer); a path not in the
    # map is under its longest mapped prefix
    origins: Origins
    # ids in a layer's `drop` that no earlier layer has: (layer, index in drop, id)
    unknown_drops: list[tuple[int, int, str]]
    # sources left out because they only refine a base source that is not there (a layer that
    # could not be had): (layer, index in its [[sources]], id)
    orphans: list[tuple[int, int, str]]


@dataclass
class _Entry:
    """One source as merged so far, with the origin of each of its keys (paths in the entry)."""

    data: dict[str, Any]
    origins: Origins
    created: tuple[int, int]  # the layer and index that brought it


_NEW_SOURCE_KEYS = ("kind", "role", "url")  # what a source needs that only refines none


def merge(layers: list[Mapping[str, Any]], drop_orphans: bool = False) -> Merged:
    """Merge parsed layers, applied in order (the last wins), by the module's rules.

    `drop_orphans`: a layer could not be had, so a source that lacks kind, role or url (it
    refines a base source of that id) and has no base source to refine is left out, not an
    error."""
    merged: dict[str, Any] = {}
    origins: Origins = {}
    entries: list[_Entry] = []
    unknown_drops: list[tuple[int, int, str]] = []
    for number, data in enumerate(layers):
        central = data.get("central")
        drops = central.get("drop") if isinstance(central, dict) else None
        for index, source_id in enumerate(drops if isinstance(drops, list) else []):
            if not isinstance(source_id, str):
                continue
            kept = [e for e in entries if e.data.get("id") != source_id]
            if len(kept) == len(entries):
                unknown_drops.append((number, index, source_id))
            entries = kept
        for key, value in data.items():
            if key == "sources":
                for index, entry in enumerate(value if isinstance(value, list) else []):
                    _merge_source(entries, entry, number, index)
                continue
            _put(merged, (key,), value, number, (key,), origins, _WHOLE)
    orphans: list[tuple[int, int, str]] = []
    if drop_orphans:
        for entry in list(entries):
            if not all(key in entry.data for key in _NEW_SOURCE_KEYS):
                orphans.append((*entry.created, str(entry.data.get("id"))))
                entries.remove(entry)
    if entries:
        merged["sources"] = [entry.data for entry in entries]
        for at, entry in enumerate(entries):
            for path, origin in entry.origins.items():
                origins[("sources", at) + path] = origin
    return Merged(merged, origins, unknown_drops, orphans)


def _merge_source(entries: list[_Entry], entry: Any, number: int, index: int) -> None:
    """A source with the id of an earlier one changes the keys it writes (tables key by key,
    `auth` whole); one that changes the url drops the earlier `auth` and `verify` unless it
    gives its own: credentials never follow a URL their layer did not write."""
    where: KeyPath = ("sources", index)
    source_id = entry.get("id") if isinstance(entry, dict) else None
    found = next(
        (e for e in entries if isinstance(source_id, str) and e.data.get("id") == source_id),
        None,
    )
    if found is None or not isinstance(entry, dict):
        fresh = _Entry(copy.deepcopy(entry), {}, (number, index))
        _note_origins((), entry, number, where, fresh.origins, _SOURCE_WHOLE)
        entries.append(fresh)
        return
    if "url" in entry and entry["url"] != found.data.get("url"):
        for key in ("auth", "verify"):
            if key not in entry:
                found.data.pop(key, None)
                _forget(found.origins, (key,))
    for key, value in entry.items():
        _put(found.data, (key,), value, number, where + (key,), found.origins, _SOURCE_WHOLE)
    found.origins[()] = (number, where)


def _put(
    target: dict[str, Any],
    path: KeyPath,
    value: Any,
    number: int,
    layer_path: KeyPath,
    origins: Origins,
    whole: frozenset[KeyPath],
) -> None:
    key = path[-1]
    assert isinstance(key, str)
    if isinstance(value, dict) and isinstance(target.get(key), dict) and path not in whole:
        origins[path] = (number, layer_path)
        for name, inner in value.items():
            _put(target[key], path + (name,), inner, number, layer_path + (name,), origins, whole)
        return
    target[key] = copy.deepcopy(value)
    _forget(origins, path)
    _note_origins(path, value, number, layer_path, origins, whole)


def _forget(origins: Origins, path: KeyPath) -> None:
    for known in [known for known in origins if known[: len(path)] == path]:
        del origins[known]


def _note_origins(
    path: KeyPath,
    value: Any,
    number: int,
    layer_path: KeyPath,
    origins: Origins,
    whole: frozenset[KeyPath],
) -> None:
    """Every key of a table placed whole: a later layer merging into it must not take the
    credit for the keys it leaves alone. (Arrays are replaced whole: their prefix suffices.)"""
    origins[path] = (number, layer_path)
    if isinstance(value, dict) and path not in whole:
        for name, inner in value.items():
            _note_origins(path + (name,), inner, number, layer_path + (name,), origins, whole)
