"""End to end against a real CalDAV server: Radicale on 127.0.0.1, the real `signage agenda`.

Events are created, changed and deleted on the server the way a calendar client would (MKCALENDAR,
PUT, DELETE); `agenda --json` must show what a person would see in their calendar app, and keep
the last good copy from disk when the server is gone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from signage.cli import main
from tests.servers import free_port

pytest.importorskip(
    "radicale", reason="Radicale (a CalDAV server, in the `test` extra) is not installed"
)

COLLECTION = "/user/school/"
WEEK = "2026-11-23"  # a Monday
AT = "2026-11-24T08:00"  # Tokyo time (no offset: the school's zone)

VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\n"
    "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"
    "TZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def calendar(*events: str, timezone: bool = True) -> bytes:
    """One iCalendar object as a CalDAV client PUTs it (one resource, one UID)."""
    body = "".join(
        "BEGIN:VEVENT\r\nDTSTAMP:20261101T000000Z\r\n" + event + "END:VEVENT\r\n"
        for event in events
    )
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//signage tests//CalDAV//JA\r\n"
        + (VTIMEZONE if timezone else "")
        + body
        + "END:VCALENDAR\r\n"
    ).encode()


def meeting(title: str, location: str) -> bytes:
    return calendar(
        "UID:meeting@signage.test\r\n"
        f"SUMMARY:{title}\r\nLOCATION:{location}\r\n"
        "DTSTART;TZID=Asia/Tokyo:20261124T160000\r\nDTEND;TZID=Asia/Tokyo:20261124T170000\r\n"
    )


DRILL = calendar(  # UTC times, as many servers store them: 01:30Z is 10:30 in Tokyo
    "UID:drill@signage.test\r\nSUMMARY:避難訓練\r\nLOCATION:校庭\r\n"
    "DTSTART:20261125T013000Z\r\nDTEND:20261125T023000Z\r\n",
    timezone=False,
)
MORNING = calendar(  # daily Mon–Fri, the 25th taken out, the 26th moved to 08:30
    "UID:morning@signage.test\r\nSUMMARY:朝の打合せ\r\n"
    "DTSTART;TZID=Asia/Tokyo:20261123T081000\r\nDTEND;TZID=Asia/Tokyo:20261123T082000\r\n"
    "RRULE:FREQ=DAILY;COUNT=5\r\nEXDATE;TZID=Asia/Tokyo:20261125T081000\r\n",
    "UID:morning@signage.test\r\nSUMMARY:朝の打合せ\r\n"
    "RECURRENCE-ID;TZID=Asia/Tokyo:20261126T081000\r\n"
    "DTSTART;TZID=Asia/Tokyo:20261126T083000\r\nDTEND;TZID=Asia/Tokyo:20261126T084000\r\n",
)
GRADE = calendar(
    "UID:grade@signage.test\r\nSUMMARY:学年会\r\n"
    "DTSTART;TZID=Asia/Tokyo:20261126T153000\r\nDTEND;TZID=Asia/Tokyo:20261126T163000\r\n"
)
FESTIVAL = calendar(  # all day on Saturday the 28th only (DTEND is exclusive)
    "UID:festival@signage.test\r\nSUMMARY:学習発表会\r\n"
    "DTSTART;VALUE=DATE:20261128\r\nDTEND;VALUE=DATE:20261129\r\n",
    timezone=False,
)

CONFIG = """\
[school]
name = "伊勢崎市立みらい小学校"
timezone = "Asia/Tokyo"

[[sources]]
id = "caldav"
kind = "ics"
role = "events"
url = "{url}"
"""


class Radicale:
    """A Radicale process of the test's own, with its data and log in tmp_path."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "radicale.log"
        config = folder / "radicale.conf"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            "[auth]\ntype = none\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
            "[rights]\ntype = authenticated\n"  # with auth none, everyone may do everything
            "[logging]\nlevel = warning\n",
            encoding="utf-8",
        )
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.http = httpx.Client(base_url=self.url, trust_env=False, timeout=5.0)

    def wait_until_up(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Radicale exited at start-up:\n{self.log.read_text(errors='replace')}")
            try:
                self.http.get("/", timeout=0.5)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail(f"Radicale did not answer within {seconds} s")

    def request(self, method: str, path: str, body: bytes | None = None) -> None:
        headers = {"Content-Type": "text/calendar; charset=utf-8"} if body else {}
        response = self.http.request(method, path, content=body, headers=headers)
        assert response.status_code in (200, 201, 204), (method, path, response.text)

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()  # never leave it running, whatever happened


def agenda(cfg: Path, capsys: pytest.CaptureFixture[str], at: str = AT) -> dict[str, Any]:
    capsys.readouterr()
    argv = ["agenda", "--config", str(cfg), "--date", WEEK, "--days", "7", "--at", at, "--json"]
    assert main(argv) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def by_day(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """date → [(title, start)] as the agenda lists them."""
    return {d["date"]: [(e["title"], e["start"]) for e in d["events"]] for d in data["days"]}


def test_events_created_changed_and_deleted_on_a_caldav_server_show_in_agenda(
    radicale: Radicale,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    no_proxy: None,
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("SIGNAGE_CACHE", str(cache))
    radicale.request("MKCOL", "/user/")  # the principal's home: MKCALENDAR needs the parent
    radicale.request("MKCALENDAR", COLLECTION)
    for name, body in [
        ("meeting", meeting("職員会議", "会議室")),
        ("drill", DRILL),
        ("morning", MORNING),
        ("grade", GRADE),
        ("festival", FESTIVAL),
    ]:
        radicale.request("PUT", f"{COLLECTION}{name}.ics", body)
    cfg = tmp_path / "signage.toml"
    cfg.write_text(CONFIG.format(url=radicale.url + COLLECTION), encoding="utf-8")

    # --- what the server holds shows on the right days, at Tokyo times -------------------------
    first = agenda(cfg, capsys)
    assert first["timezone"] == "Asia/Tokyo"
    assert first["sources"] == [
        {
            "id": "caldav",
            "ok": True,
            "fetched_at": "2026-11-24T08:00:00+09:00",
            "error": None,
            "skipped": [],
            "warnings": [],
        }
    ]
    assert by_day(first) == {
        "2026-11-23": [("朝の打合せ", "2026-11-23T08:10:00+09:00")],
        "2026-11-24": [
            ("朝の打合せ", "2026-11-24T08:10:00+09:00"),
            ("職員会議", "2026-11-24T16:00:00+09:00"),
        ],
        "2026-11-25": [("避難訓練", "2026-11-25T10:30:00+09:00")],  # EXDATE: no 朝の打合せ
        "2026-11-26": [
            ("朝の打合せ", "2026-11-26T08:30:00+09:00"),  # the moved occurrence, once
            ("学年会", "2026-11-26T15:30:00+09:00"),
        ],
        "2026-11-27": [("朝の打合せ", "2026-11-27T08:10:00+09:00")],
        "2026-11-28": [("学習発表会", "2026-11-28")],
        "2026-11-29": [],
    }
    tuesday = first["days"][1]["events"][1]
    assert tuesday == {
        "source": "caldav",
        "title": "職員会議",
        "start": "2026-11-24T16:00:00+09:00",
        "end": "2026-11-24T17:00:00+09:00",
        "all_day": False,
        "location": "会議室",
    }
    festival = first["days"][5]["events"][0]
    assert (festival["all_day"], festival["end"]) == (True, "2026-11-29")

    # --- a change and a deletion on the server show on the next run ---------------------------
    radicale.request("PUT", f"{COLLECTION}meeting.ics", meeting("職員会議（場所変更）", "図書室"))
    radicale.request("DELETE", f"{COLLECTION}grade.ics")
    second = agenda(cfg, capsys)
    assert second["sources"][0]["ok"] is True
    days = by_day(second)
    assert days["2026-11-24"] == [
        ("朝の打合せ", "2026-11-24T08:10:00+09:00"),
        ("職員会議（場所変更）", "2026-11-24T16:00:00+09:00"),
    ]
    assert second["days"][1]["events"][1]["location"] == "図書室"
    assert days["2026-11-26"] == [("朝の打合せ", "2026-11-26T08:30:00+09:00")]
    assert {k: v for k, v in days.items() if k not in ("2026-11-24", "2026-11-26")} == {
        k: v for k, v in by_day(first).items() if k not in ("2026-11-24", "2026-11-26")
    }
    assert list(cache.rglob("caldav.items")), "the last good copy was not kept on disk"

    # --- the server is gone: the source says so, the last good events stay --------------------
    radicale.stop()
    offline = agenda(cfg, capsys, at="2026-11-24T09:00")
    [state] = offline["sources"]
    assert state["id"] == "caldav" and state["ok"] is False
    assert state["error"] and f"127.0.0.1:{radicale.port}{COLLECTION}" in state["error"]
    assert state["fetched_at"] == "2026-11-24T08:00:00+09:00"  # "last updated 08:00" stays true
    assert offline["days"] == second["days"]
