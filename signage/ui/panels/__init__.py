"""The panel painters: one module per panel kind, named as the kind in `signage.panels` (the
one registry), each exporting its painter as `PANEL`. Adding a panel is a module here and a
line there; a painter is imported when its panel is first drawn."""

from __future__ import annotations

import importlib

from signage.panels import panel_kind
from signage.ui.panels.base import Panel

__all__ = ["Panel", "painter"]


def painter(kind: str) -> type[Panel]:
    """The painter of the panel kind named `kind` (KeyError for a kind not in the registry)."""
    name = panel_kind(kind).name
    found: type[Panel] = importlib.import_module(f"{__name__}.{name}").PANEL
    return found
