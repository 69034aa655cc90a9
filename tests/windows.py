"""The kiosk's windows in tests. They are QRasterWindows, not QWidgets: pytest-qt's addWidget
and QWidget.grab do not apply (tests/conftest.py closes them after each test)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QImage, QRasterWindow


def grab(window: QRasterWindow) -> QImage:
    """Paint the whole window now, as Qt does when it is shown, and return what it holds (what
    QWidget.grab() did for a widget). Shows it first if it is hidden."""
    if not window.isVisible():
        window.show()
    window.update()
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.UpdateRequest))
    return window.screen().grabWindow(window.winId()).toImage()
