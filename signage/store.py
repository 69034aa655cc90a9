"""Last-good snapshot per source. Listeners hear only of real changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from signage.model import Item, Skip, Snapshot

Listener = Callable[[str], None]


class Store:
    def __init__(self, source_ids: Iterable[str]) -> None:
        self._snapshots = {sid: Snapshot(source=sid) for sid in source_ids}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def get(self, source_id: str) -> Snapshot:
        return self._snapshots[source_id]

    def snapshots(self) -> list[Snapshot]:
        return list(self._snapshots.values())

    def adopt(self, snapshot: Snapshot) -> None:
        """Take over a snapshot from the store of the config this one replaced."""
        self._snapshots[snapshot.source] = snapshot

    def succeeded(
        self,
        source_id: str,
        items: tuple[Item, ...],
        warnings: tuple[str, ...],
        at: datetime,
        skipped: tuple[Skip, ...] = (),
    ) -> None:
        old = self._snapshots[source_id]
        new = Snapshot(source_id, items, at, warnings=warnings, skipped=skipped)
        self._snapshots[source_id] = new
        changed = old.items != items or old.warnings != warnings or old.skipped != skipped
        if changed or old.error is not None:  # the skipped mark is on screen too
            self._notify(source_id)
        elif _new_minute(old.fetched_at, at):
            self._notify(source_id)  # only the freshness note changed

    def unchanged(self, source_id: str, at: datetime) -> None:
        """The server said 304: the data is as fresh as now."""
        old = self._snapshots[source_id]
        self._snapshots[source_id] = replace(old, fetched_at=at, error=None)
        if old.error is not None or _new_minute(old.fetched_at, at):
            self._notify(source_id)

    def failed(self, source_id: str, error: str) -> None:
        """Keep the items; remember why the refresh failed."""
        old = self._snapshots[source_id]
        if old.error != error:
            self._snapshots[source_id] = replace(old, error=error)
            self._notify(source_id)

    def _notify(self, source_id: str) -> None:
        for listener in self._listeners:
            listener(source_id)


def _new_minute(before: datetime | None, after: datetime) -> bool:
    """Would "last updated HH:MM" read differently? (08:12 and 09:12 are different minutes.)"""
    if before is None:
        return True
    return before.replace(second=0, microsecond=0) != after.replace(second=0, microsecond=0)
