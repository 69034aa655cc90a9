"""The preview: a panel as the monitor would show it at a chosen moment, painted by the same
renderer as `signage render`, from the data the sources gave when tried."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from signage.config import Config
from signage.config.model import PANEL_KINDS
from signage.messages import screen
from signage.presenter import Frame
from signage.schedule import reason_off
from signage.store import Store
from signage.ui.render import render_image
from signage.ui.setup.trial import Tried
from signage.view import build_view

FRAME_SIZE = (1920, 1080)  # painted at the common monitor size, shown scaled down
# The panel that shows a source's items best, for the source being edited.
ROLE_PANEL = {"notices": "notices", "visits": "visits", "events": "week"}


class Preview(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.config: Config | None = None
        self.tried: Mapping[str, Tried] = {}
        self.stale = False
        column = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.panel = QComboBox()
        for kind in PANEL_KINDS:
            self.panel.addItem(screen(f"panel.{kind}"), kind)
        self.moment = QDateTimeEdit(QDateTime.currentDateTime())
        self.moment.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.moment.setCalendarPopup(True)
        controls.addWidget(QLabel(screen("setup.preview_panel")))
        controls.addWidget(self.panel)
        controls.addWidget(QLabel(screen("setup.preview_at")))
        controls.addWidget(self.moment)
        controls.addStretch(1)
        column.addLayout(controls)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.image.setMinimumHeight(240)
        column.addWidget(self.image)
        self.note = QLabel(screen("setup.preview_note"))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #6b6b6b;")
        column.addWidget(self.note)
        column.addStretch(1)
        self.later = QTimer(self)
        self.later.setSingleShot(True)
        self.later.setInterval(250)
        self.later.timeout.connect(self.refresh)
        self.panel.currentIndexChanged.connect(self.refresh)
        self.moment.dateTimeChanged.connect(self.refresh)

    def show_config(self, config: Config | None, tried: Mapping[str, Tried]) -> None:
        """The config to paint (None: it has errors, the last good picture stays)."""
        self.stale = config is None
        if config is not None:
            self.config, self.tried = config, tried
        self.later.start()  # typing a name repaints once, after the last key

    def show_panel(self, kind: str) -> None:
        """Follow what is being edited: a source's panel, a panel's row."""
        index = self.panel.findData(ROLE_PANEL.get(kind, kind))
        self.panel.setCurrentIndex(index if index >= 0 else self.panel.findData("today"))

    def at(self) -> datetime:
        zone = self.config.school.tz if self.config is not None else ZoneInfo("Asia/Tokyo")
        chosen = self.moment.dateTime().toPython()
        assert isinstance(chosen, datetime)
        return chosen.replace(tzinfo=zone)

    def refresh(self) -> None:
        self.later.stop()
        config = self.config
        self.note.setText(screen("setup.preview_stale" if self.stale else "setup.preview_note"))
        if config is None:
            return
        store = Store(sc.id for sc in config.sources)
        now = self.at()
        for sc in config.sources:
            if sc.id in self.tried:
                store.succeeded(sc.id, self.tried[sc.id].items, (), now)
        dark = reason_off(config.display.schedule, now)
        if dark is not None:  # the kiosk paints the whole screen black then
            image = QImage(*FRAME_SIZE, QImage.Format.Format_RGB32)
            image.fill(Qt.GlobalColor.black)
            self.note.setText(screen("setup.preview_dark", reason=dark))
        else:
            view = build_view(config, store.snapshots(), now)
            kinds = [panel.kind for panel in config.panels] or list(PANEL_KINDS)
            kind = str(self.panel.currentData())
            frame = Frame(kind, 0.0, kinds, frozenset(view.available()) | {kind})
            image = render_image(view, frame, *FRAME_SIZE)
        width = max(self.image.width(), 320)
        scaled = QPixmap.fromImage(image).scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation
        )
        self.image.setFixedHeight(scaled.height())
        self.image.setPixmap(scaled)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.later.start()
