"""Dropping far-away single events before the full parse must never change what is shown."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

from signage.config import SourceConfig
from signage.errors import ParseError
from signage.sources import ics, make_source
from tests.moments import NINE, TOKYO

# The real-world calendars, copied into the repository with their SOURCES.md.
CORPUS = Path(__file__).parent / "data" / "corpus" / "ics"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))


def parse_both(raw: bytes, now: datetime, monkeypatch: pytest.MonkeyPatch):
    source = make_source(SourceConfig("c", "ics", "events", "/c.ics", "/c.ics"), TOKYO)

    def run():
        try:
            return source.parse(raw, now).items
        except ParseError as exc:
            return str(exc)

    filtered = run()
    with monkeypatch.context() as m:
        m.setattr(ics, "drop_far_singles", lambda text, start, end: text)
        full = run()
    return filtered, full


def test_generated_history_feed_is_unchanged(monkeypatch):
    import big_feed

    filtered, full = parse_both(big_feed.make_feed(1500), big_feed.NOW, monkeypatch)
    assert filtered == full
    assert len(full) > 100


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.ics")))
@pytest.mark.parametrize("now", [NINE, None])
def test_corpus_is_unchanged(name: str, now: datetime | None, monkeypatch):
    raw = (CORPUS / name).read_bytes()
    if now is None:  # a moment near the file's own events
        found = ics._prop_date(ics._FOLD.sub("", raw.decode("utf-8", "replace")), "DTSTART")
        now = (
            datetime(found.year, found.month, min(found.day, 28), 9, tzinfo=TOKYO)
            if found
            else None
        )
        if now is None:
            pytest.skip("no DTSTART")
    filtered, full = parse_both(raw, now, monkeypatch)
    assert filtered == full


def test_unclear_blocks_are_kept():
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20100101T090000Z\nDURATION:P9999D\n"
        "END:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20100101T090000Z\nRRULE:FREQ=YEARLY\n"
        "END:VEVENT\nBEGIN:VEVENT\nUID:c\nDTSTART:20100101T090000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:d\nSUMMARY:no start\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    out = ics.drop_far_singles(text, datetime(2026, 10, 1).date(), datetime(2027, 3, 1).date())
    assert "UID:a" in out and "UID:b" in out and "UID:d" in out
    assert "UID:c" not in out
