"""Which panel is on screen, and which of its pages: a pure rotator driven by a monotonic time
in seconds.

A panel with pages (the notice board) gets SECONDS_PER_PAGE for each page it shows, but at most
PAGES_PER_TURN pages a turn: a board of 75 pages would otherwise hold the rotation for ten
minutes while 今日 waits. The next turn goes on from the page after the last one shown, and
after the last page starts again from the first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from signage.config import PanelConfig

SECONDS_PER_PAGE = 8.0  # time to read a page of the board from across the room
PAGES_PER_TURN = 5  # a turn of the board is at most 40 s, then the other panels have theirs


class Rotator:
    """Panels in config order, each for its seconds; panels with nothing to show are skipped.

    Time is passed in (monotonic seconds), so tests drive it with plain numbers.
    """

    def __init__(
        self,
        panels: Sequence[PanelConfig],
        now: float,
        pages_per_turn: int = PAGES_PER_TURN,
        seconds_per_page: float = SECONDS_PER_PAGE,
    ) -> None:
        if not panels:
            raise ValueError("no panels to rotate")
        self.panels = list(panels)
        self.index = 0
        self.started = now
        self.paused_at: float | None = None
        self.pages_per_turn = max(1, pages_per_turn)
        self.seconds_per_page = seconds_per_page
        self.pages: dict[str, int] = {}  # how many pages a panel has (the board, at this size)
        self.first_page = 0  # the page the current turn began on
        self._resume: dict[str, int] = {}  # per panel: the page its next turn begins on

    @property
    def current(self) -> PanelConfig:
        return self.panels[self.index]

    @property
    def turn_pages(self) -> int:
        """How many pages the current turn shows: the rest of the panel, up to PAGES_PER_TURN."""
        total = self.pages.get(self.current.kind, 1)
        return max(1, min(self.pages_per_turn, total - self.first_page))

    @property
    def seconds(self) -> float:
        """The current panel's time: as configured, or longer when it has pages to show."""
        pages = self.turn_pages
        if self.pages.get(self.current.kind, 1) <= 1:
            return self.current.seconds
        return max(self.current.seconds, pages * self.seconds_per_page)

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def progress(self, now: float) -> float:
        """0..1 of the current panel's time."""
        at = self.paused_at if self.paused_at is not None else now
        return min(1.0, max(0.0, (at - self.started) / self.seconds))

    def page(self, now: float) -> int:
        """The page of the current panel on screen now (0 for a panel without pages)."""
        pages = self.turn_pages
        return self.first_page + min(pages - 1, int(self.progress(now) * pages))

    def set_pages(self, kind: str, count: int) -> None:
        """A panel's page count (new data or a new size). A turn whose first page is gone
        starts again from the first."""
        count = max(1, count)
        self.pages[kind] = count
        if self.current.kind == kind and self.first_page >= count:
            self.first_page = 0
        if self._resume.get(kind, 0) >= count:
            self._resume[kind] = 0

    def update(self, now: float, available: Collection[str]) -> PanelConfig:
        """Advance past finished and empty panels; returns the panel to show."""
        finished = not self.paused and now - self.started >= self.seconds
        if finished or self.current.kind not in available:
            self._step(+1, now, available)
        return self.current

    def next(self, now: float, available: Collection[str]) -> PanelConfig:
        self._step(+1, now, available)
        return self.current

    def previous(self, now: float, available: Collection[str]) -> PanelConfig:
        self._step(-1, now, available)
        return self.current

    def jump(self, kind: str, now: float) -> bool:
        """Show this panel now, from its first page (an urgent notice interrupts the rotation:
        urgent notices come first on the board); False if absent."""
        for index, panel in enumerate(self.panels):
            if panel.kind == kind:
                self._leave(now)
                self.index = index
                self._begin(now, first_page=0)
                return True
        return False

    def toggle_pause(self, now: float) -> bool:
        """Pause keeps the current panel and its progress; resume carries on from there."""
        if self.paused_at is None:
            self.paused_at = now
        else:
            self.started += now - self.paused_at
            self.paused_at = None
        return self.paused

    def _step(self, direction: int, now: float, available: Collection[str]) -> None:
        self._leave(now)
        for _ in range(len(self.panels)):
            self.index = (self.index + direction) % len(self.panels)
            if self.current.kind in available:
                break
        self._begin(now, self._resume.get(self.current.kind, 0))

    def _leave(self, now: float) -> None:
        """The current turn ends: its panel's next turn goes on after the page last shown."""
        kind = self.current.kind
        total = self.pages.get(kind, 1)
        if total > 1:
            after = self.page(now) + 1
            self._resume[kind] = after if after < total else 0

    def _begin(self, now: float, first_page: int) -> None:
        self.first_page = first_page if first_page < self.pages.get(self.current.kind, 1) else 0
        self.started = now
        if self.paused_at is not None:
            self.paused_at = now
