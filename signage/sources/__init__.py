"""Source kinds, one module each. `make_source` is the only way to build one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from signage.clock import Clock
from signage.config import SOURCE_KINDS, SourceConfig
from signage.sources.base import Parsed, Source
from signage.sources.csv_table import CsvSource
from signage.sources.folder import FolderSource
from signage.sources.ics import IcsSource
from signage.sources.json_api import JsonSource

KINDS: dict[str, type[Source]] = {
    "ics": IcsSource,
    "json": JsonSource,
    "csv": CsvSource,
    "folder": FolderSource,
}
assert tuple(KINDS) == SOURCE_KINDS, "config.SOURCE_KINDS lists the kinds the checker accepts"


def make_source(config: SourceConfig, tz: ZoneInfo, clock: Clock | None = None) -> Source:
    return KINDS[config.kind](config, tz, clock)


__all__ = ["KINDS", "Parsed", "Source", "make_source"]
