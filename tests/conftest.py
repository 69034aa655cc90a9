"""Shared fixtures: Qt draws offscreen; the real HTTP server listens on 127.0.0.1 and is
reached without a proxy."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists
# the disk cache of last good data goes to a throwaway folder, never the user's
os.environ["SIGNAGE_CACHE"] = tempfile.mkdtemp(prefix="signage-test-cache-")
os.environ["SIGNAGE_LOG_DIR"] = tempfile.mkdtemp(prefix="signage-test-logs-")
# The test servers' request lines: noise, and written from their threads after a test's
# captured stream has closed ("--- Logging error ---").
logging.getLogger("werkzeug").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def close_kiosk_windows() -> Iterator[None]:
    """The kiosk's windows (QRasterWindows, which pytest-qt does not track) closed after each
    test, as qtbot.addWidget closes widgets."""
    yield
    if "PySide6.QtGui" not in sys.modules:
        return
    from PySide6.QtGui import QGuiApplication, QRasterWindow

    if QGuiApplication.instance() is None:
        return
    for window in QGuiApplication.topLevelWindows():
        if isinstance(window, QRasterWindow):
            window.close()
            window.deleteLater()


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver on the loopback address, on a free port."""
    return "127.0.0.1", 0


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's or a school's proxy settings must not catch requests to the test server."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def url(httpserver: HTTPServer, no_proxy: None) -> str:
    """Where the calendar is on the test server."""
    return httpserver.url_for("/cal.ics")
