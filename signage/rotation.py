"""Which panel is on screen: a pure rotator driven by a monotonic time in seconds."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from signage.config import PanelConfig


class Rotator:
    """Panels in config order, each for its seconds; panels with nothing to show are skipped.

    Time is passed in (monotonic seconds), so tests drive it with plain numbers.
    """

    def __init__(self, panels: Sequence[PanelConfig], now: float) -> None:
        if not panels:
            raise ValueError("no panels to rotate")
        self.panels = list(panels)
        self.index = 0
        self.started = now
        self.paused_at: float | None = None
        self.minimum: dict[str, float] = {}  # seconds a panel needs at least (pages × time)

    @property
    def current(self) -> PanelConfig:
        return self.panels[self.index]

    @property
    def seconds(self) -> float:
        """The current panel's time: as configured, or longer when it has pages to show."""
        return max(self.current.seconds, self.minimum.get(self.current.kind, 0.0))

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def progress(self, now: float) -> float:
        """0..1 of the current panel's time."""
        at = self.paused_at if self.paused_at is not None else now
        return min(1.0, max(0.0, (at - self.started) / self.seconds))

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
        """Show this panel now (an urgent notice interrupts the rotation); False if absent."""
        for index, panel in enumerate(self.panels):
            if panel.kind == kind:
                self.index = index
                self.started = now
                if self.paused_at is not None:
                    self.paused_at = now
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
        for _ in range(len(self.panels)):
            self.index = (self.index + direction) % len(self.panels)
            if self.current.kind in available:
                break
        self.started = now
        if self.paused_at is not None:
            self.paused_at = now
