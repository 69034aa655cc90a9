"""Source kinds, one module each, and their registry: one line per kind.

The config's spec, checker, `signage schema` and the README's key tables take the kinds'
names, roles and keys from `KINDS`. `make_source` is the only way to build a source.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from signage.clock import Clock
from signage.config.model import SourceConfig
from signage.sources import csv_table, folder, google, ics, jma_warnings, json_api, m365, wbgt
from signage.sources.base import Parsed, Source
from signage.sources.kind import Kind

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        ics.KIND,
        json_api.KIND,
        csv_table.KIND,
        folder.KIND,
        m365.KIND,
        google.KIND,
        jma_warnings.KIND,
        wbgt.KIND,
    )
}


def make_source(config: SourceConfig, tz: ZoneInfo, clock: Clock | None = None) -> Source:
    return KINDS[config.kind].source(config, tz, clock)


__all__ = ["KINDS", "Kind", "Parsed", "Source", "make_source"]
