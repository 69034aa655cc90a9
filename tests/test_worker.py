"""A large body is parsed in a worker process (signage.worker): same items as a parse here,
in the same order, errors raised here as they would be in a thread, and a worker that dies
is a failed refresh, not a hung one."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime

import pytest

from signage import worker
from signage.config import SourceConfig
from signage.errors import ParseError
from signage.model import Notice
from signage.sources import make_source
from signage.sources.base import Parsed, Source
from tests.moments import NOW, TOKYO

BIG = b"x" * worker.IN_PROCESS_FROM


class PidSource(Source):
    """Says which process parsed it, in as many notices as the body asks for."""

    def parse(self, raw: bytes, now: datetime) -> Parsed:
        head = raw.split(b"|", 1)[0]
        if head == b"fail":
            raise ParseError("row 3: no title")
        if head == b"die":
            os._exit(3)
        count = int(head)
        return Parsed(
            tuple(Notice(self.id, f"{os.getpid()} {n}") for n in range(count)), ("a warning",)
        )


def pid_source() -> PidSource:
    return PidSource(SourceConfig("pids", "json", "notices", "/n.json", "/n.json"), TOKYO)


def test_a_large_body_is_parsed_in_another_process_and_comes_back_whole() -> None:
    parsed = asyncio.run(worker.read(pid_source(), b"700|" + BIG, NOW))
    assert len(parsed.items) == 700 > worker.CHUNK  # more than one message back
    pids = {item.title.split()[0] for item in parsed.items}  # type: ignore[union-attr]
    assert pids != {str(os.getpid())} and len(pids) == 1
    assert [item.title.split()[1] for item in parsed.items] == [str(n) for n in range(700)]  # type: ignore[union-attr]
    assert parsed.warnings == ("a warning",)


def test_a_small_body_is_parsed_here() -> None:
    parsed = asyncio.run(worker.read(pid_source(), b"2|small", NOW))
    assert {item.title.split()[0] for item in parsed.items} == {str(os.getpid())}  # type: ignore[union-attr]


def test_the_workers_error_is_raised_here() -> None:
    with pytest.raises(ParseError, match="row 3: no title"):
        asyncio.run(worker.read(pid_source(), b"fail|" + BIG, NOW))


def test_a_worker_that_dies_is_a_failed_parse() -> None:
    with pytest.raises(ParseError, match="ended without an answer.*exit code 3"):
        asyncio.run(worker.read(pid_source(), b"die|" + BIG, NOW))


def test_a_real_feed_parses_the_same_in_a_worker(tmp_path: object) -> None:
    """A school calendar of years of events, as the ics kind reads it."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//JA"]
    for n in range(2000):
        day = 1 + n % 28
        lines += [
            "BEGIN:VEVENT",
            f"UID:{n}@t",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART;TZID=Asia/Tokyo:202612{day:02d}T{8 + n % 9:02d}0000",
            f"DTEND;TZID=Asia/Tokyo:202612{day:02d}T{9 + n % 9:02d}0000",
            f"SUMMARY:行事 {n}（学年会・委員会）",
            "END:VEVENT",
        ]
    feed = ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()
    assert len(feed) >= worker.IN_PROCESS_FROM
    source = make_source(SourceConfig("cal", "ics", "events", "/c.ics", "/c.ics"), TOKYO)
    there = asyncio.run(worker.read(source, feed, NOW))
    assert there == source.read(feed, NOW) and there.items
