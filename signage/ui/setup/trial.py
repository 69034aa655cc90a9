"""「取得してみる」: the type of the callable that fetches one source once, and how its answer
reads. Qt-free and fetch-free: the command line passes the callable in (the ui reaches no
fetching code), so the editor only knows this shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from signage.config import Config
from signage.messages import screen
from signage.model import Event, HeatIndex, Item, Notice, WeatherWarning

__all__ = ["Skipped", "Tried", "TrySource", "describe"]


@dataclass(frozen=True)
class Skipped:
    """A row, item or file the source could not use: where ("line 7", "item 3",
    "file 給食.txt") and why, in the admin's language."""

    where: str
    reason: str


@dataclass(frozen=True)
class Tried:
    """What one fetch of a source would put on screen, and what it would leave out."""

    items: tuple[Item, ...]
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()


# (the checked config, a source's id) -> its one fetch; raises with a reason when it fails.
TrySource = Callable[[Config, str], Tried]


def describe(item: Item) -> str:
    """One line per item, as the admin would recognise it on screen."""
    if isinstance(item, Notice):
        when = item.posted.strftime("%Y-%m-%d") if item.posted else ""
        return screen("setup.tried_notice", title=item.title, when=when).rstrip()
    if isinstance(item, Event):
        fmt = (
            "%Y-%m-%d" if item.all_day or not isinstance(item.start, datetime) else "%Y-%m-%d %H:%M"
        )
        return screen("setup.tried_event", title=item.title, when=item.start.strftime(fmt))
    if isinstance(item, WeatherWarning):
        return f"{item.name}（{item.status}）"
    if isinstance(item, HeatIndex):
        peak = max((value for _, value in item.slots), default=None)
        return f"{item.point}: {peak:.1f}" if peak is not None else item.point
    kind = screen(item.kind)  # 欠席, 遅刻, 早退: the screen's own words
    return screen("setup.tried_absence", day=item.day.isoformat(), group=item.class_name, kind=kind)
