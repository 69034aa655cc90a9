"""The full-screen notice of a config that is broken or missing at boot (signage.boot decides
what it says): dark like the kiosk, large enough to read across the staff room, never the
desktop. It asks `poll` every few seconds and ends when the file loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QRasterWindow,
    QWindow,
)

from signage.messages import screen
from signage.ui import theme
from signage.ui.draw import text_block
from signage.ui.fonts import japanese_family


class Problem(Protocol):
    """What to show (signage.boot.Problem)."""

    @property
    def title(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def lines(self) -> tuple[str, ...]: ...
    @property
    def hint(self) -> str: ...


class BrokenConfigWindow(QRasterWindow):
    """Paints `problem`; every `seconds`, `poll()` answers whether the kiosk can start
    (True) and the window's new problem otherwise."""

    def __init__(
        self, problem: Problem, poll: Callable[[], Problem | None], seconds: float
    ) -> None:
        super().__init__()
        self.setTitle("signage")
        self.problem = problem
        self.fixed = False
        self.on_done: Callable[[], None] = lambda: None  # fixed, or the person quit
        self._poll = poll
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(int(seconds * 1000))

    def check(self) -> None:
        problem = self._poll()
        if problem is None:
            self.fixed = True
            self.timer.stop()
            self.on_done()
        elif problem != self.problem:
            self.problem = problem
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        try:
            paint_problem(painter, self.width(), self.height(), self.problem)
        finally:
            painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() == Qt.Key.Key_Q:
            self.timer.stop()
            self.on_done()


def paint_problem(p: QPainter, width: int, height: int, problem: Problem) -> None:
    """Title in the urgent colour, the file, each problem with its line, what to do."""
    p.fillRect(0, 0, width, height, theme.BG)
    unit = min(width, height) / 1080  # portrait monitors read as large as landscape ones
    family = japanese_family()

    def font(px: float, bold: bool = False) -> QFont:
        f = QFont(family)
        f.setPixelSize(max(12, round(px * unit)))
        f.setBold(bold)
        return f

    pad = 96 * unit
    inner = width - 2 * pad
    p.fillRect(0, 0, width, round(16 * unit), theme.VERMILLION)
    y = 110 * unit
    y += text_block(p, pad, y, inner, "⚠ " + problem.title, font(60, bold=True), theme.TEXT, 3)
    y += 24 * unit
    file_text = screen("boot_file", file=problem.file)
    y += text_block(p, pad, y, inner, file_text, font(32), theme.MUTED, 2)
    y += 40 * unit
    for line in problem.lines:
        if y > height - 220 * unit:
            break
        y += text_block(p, pad, y, inner, line, font(38), theme.TEXT, 3) + 18 * unit
    text_block(
        p, pad, height - 150 * unit, inner, problem.hint, font(38, bold=True), theme.YELLOW, 2
    )


def wait_for_fix(
    problem: Problem,
    poll: Callable[[], Problem | None],
    seconds: float,
    place: Callable[[QWindow], None],
) -> bool:
    """Show `problem` (placed by `place`, full screen) until `poll()` says the file loads:
    True then; False when the person quit (Ctrl+Q) or the session ended."""
    app = QGuiApplication.instance() or QGuiApplication([])
    assert isinstance(app, QGuiApplication)
    window = BrokenConfigWindow(problem, poll, seconds)
    loop = QEventLoop()
    window.on_done = loop.quit
    app.lastWindowClosed.connect(loop.quit)  # the session ends
    place(window)
    loop.exec()
    app.lastWindowClosed.disconnect(loop.quit)  # the kiosk's own window comes next
    fixed = window.fixed
    window.timer.stop()
    window.close()
    window.deleteLater()
    return fixed
