"""The kiosk logs to a rotating file; an uncaught exception is logged, never shown."""

from __future__ import annotations

import logging
import sys

from signage import logs


def test_kiosk_logs_to_a_file_and_uncaught_exceptions_land_there(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNAGE_LOG_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    path = logs.setup(logging.INFO, to_file=True)
    try:
        assert path == tmp_path / "signage.log"
        logging.getLogger("signage.poller").warning("cal: refresh failed: timed out")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        text = path.read_text(encoding="utf-8")
        assert "cal: refresh failed: timed out" in text
        assert "uncaught exception" in text and "RuntimeError: boom" in text
    finally:
        logs.setup(logging.WARNING, to_file=False)  # detach the file handler


def test_setup_twice_does_not_double_the_handlers():
    before = len(logging.getLogger().handlers)
    logs.setup(logging.WARNING, to_file=False)
    logs.setup(logging.WARNING, to_file=False)
    assert len(logging.getLogger().handlers) <= before + 1
