"""The panel kinds: one line each. Qt-free, so the config checker, the presenter and the docs
read the same list as the painters (`signage.ui.panels`, one module per kind, found by name).

A panel kind is its name (the config's `kind`), its title on screen (Japanese, English), its
default seconds, whether a view has anything for it to show (an empty panel is skipped), and
whether it may run to several pages (each gets its time, a few a turn: `signage.rotation`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from signage.messages import screen

if TYPE_CHECKING:
    from signage.view import View

__all__ = ["PANELS", "PanelKind", "panel_kind"]


@dataclass(frozen=True)
class PanelKind:
    name: str
    title: str  # on screen, in the footer's dots
    title_en: str
    seconds: float  # when the config names none
    shows: Callable[[View], bool]  # something to show on this view
    paged: bool = False  # may need several pages (the board); `signage render` writes each


PANELS: tuple[PanelKind, ...] = (
    # today is always shown, so the screen is never blank
    PanelKind("today", screen("panel.today"), "Today", 20, lambda view: True),
    PanelKind(
        "week", screen("panel.week"), "This week", 15, lambda v: any(events for _, events in v.week)
    ),
    PanelKind(
        "notices",
        screen("panel.notices"),
        "Notices",
        20,
        lambda view: bool(view.notices),
        paged=True,
    ),
    PanelKind(
        "visits",
        screen("panel.visits"),
        "ICT supporter",
        15,
        lambda view: bool(view.visits.upcoming or view.visits.this_month),
    ),
)
_BY_NAME = {kind.name: kind for kind in PANELS}


def panel_kind(name: str) -> PanelKind:
    """The kind named `name` (KeyError for one the checker would have refused)."""
    return _BY_NAME[name]
