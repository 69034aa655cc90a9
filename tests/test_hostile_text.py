"""Hostile text from a feed: a link no QR code can hold, links a phone must not open, bidi
overrides and control characters, and `--at` / `--date` far out of range (issue 12, item 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from signage.cli import main
from signage.model import Absence, Event, Notice, Snapshot, clean_text
from tests.moments import NINE

LONG_LINK = "https://example.org/" + "a" * 3980  # 4,000 characters: more than any QR code holds
# RLO, NUL, an isolate, BEL and a C1 CSI around 定例会議
HOSTILE_TITLE = "\u202e\u5b9a\u4f8b\u4f1a\u0000\u2066\u8b70\u2069\u0007\u009b"


def config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "signage.toml"
    path.write_text(
        f'[school]\nname = "テスト小"\ntimezone = "Asia/Tokyo"\n\n'
        f'[[sources]]\nid = "board"\nkind = "json"\nrole = "notices"\nurl = "{url}"\n\n'
        f'[[panels]]\nkind = "notices"\nseconds = 20\n',
        encoding="utf-8",
    )
    return path


def board(*notices: dict[str, object]) -> str:
    return json.dumps({"notices": list(notices)}, ensure_ascii=False)


def test_a_link_too_long_for_a_qr_code_leaves_the_notice_without_one(tmp_path: Path, capsys):
    """Before: segno's DataOverflowError failed the panel, `render` exited 1 and the kiosk
    dropped every notice. Now the notice shows without its code; the others keep theirs."""
    from signage.ui.panels.notices import has_qr

    feed = tmp_path / "board.json"
    feed.write_text(
        board(
            {"title": "長いリンク", "link": LONG_LINK},
            {"title": "スクリプト", "link": "javascript:alert(1)"},
            {"title": "ファイル", "link": "file:///etc/passwd"},
            {"title": "ふつうのリンク", "link": "https://example.org/form"},
        ),
        encoding="utf-8",
    )
    out = tmp_path / "png"
    args = ["render", "--config", str(config(tmp_path, feed.as_posix())), "--out", str(out)]
    assert main([*args, "--at", NINE.isoformat()]) == 0
    assert [p.name for p in out.glob("*.png")] == ["01-notices.png"]
    assert "notice" in capsys.readouterr().out
    assert not has_qr(Notice("b", "t", link=LONG_LINK))
    assert not has_qr(Notice("b", "t", link="javascript:alert(1)"))
    assert not has_qr(Notice("b", "t", link="file:///etc/passwd"))
    assert not has_qr(Notice("b", "t", link="https://example.org/a b"))
    assert has_qr(Notice("b", "t", link="https://example.org/form"))
    assert has_qr(Notice("b", "t", link="HTTP://example.org/"))


def test_bidi_overrides_and_control_characters_never_reach_the_screen(
    tmp_path: Path, httpserver: HTTPServer, capsys
):
    """Through a real server and `agenda --json`: what a feed sends is cleaned where the items
    are built, so the panel, the banner, the agenda and the cache all get the clean text."""
    httpserver.expect_request("/board.json").respond_with_data(
        board({"title": HOSTILE_TITLE, "body": "一行目\r\n二行目\u202d\x00", "priority": "urgent"}),
        content_type="application/json",
    )
    path = config(tmp_path, httpserver.url_for("/board.json"))
    assert main(["agenda", "--config", str(path), "--json", "--at", NINE.isoformat()]) == 0
    notice = json.loads(capsys.readouterr().out)["notices"][0]
    assert notice["title"] == "定例会議"
    assert notice["body"] == "一行目\n二行目"


def test_every_text_field_of_every_item_is_cleaned():
    bad = "\u202aA\u202bB\u202cC\u202dD\u202eE\u2066F\u2067G\u2068H\u2069I\x00\x1b\x7f\x85"
    assert clean_text(bad) == "ABCDEFGHI"
    assert clean_text("tab\tand\nline\rcr") == "tab\tand\nline\ncr"
    assert clean_text("ふつうの文字 ＡＢＣ") == "ふつうの文字 ＡＢＣ"
    event = Event("s", bad, NINE, NINE, location=bad, description=bad, person=bad)
    assert {event.title, event.location, event.description, event.person} == {"ABCDEFGHI"}
    absence = Absence("s", NINE.date(), bad, name=bad, reason=bad)
    assert {absence.class_name, absence.name, absence.reason} == {"ABCDEFGHI"}
    notice = Notice("s", bad, bad, link="https://x/\u202e")
    assert (notice.title, notice.body, notice.link) == ("ABCDEFGHI", "ABCDEFGHI", "https://x/")
    snapshot = Snapshot("s", error=f"bad value {bad!s}", warnings=(bad, "ok"))
    assert snapshot.error == "bad value ABCDEFGHI" and snapshot.warnings == ("ABCDEFGHI", "ok")


@pytest.mark.parametrize(
    "args",
    [
        ["render", "--demo", "--at", "9999-12-31T23:59"],
        ["render", "--demo", "--at", "0001-01-01T00:00"],
        ["agenda", "--demo", "--at", "9999-12-31T23:59"],
        ["agenda", "--demo", "--date", "9999-12-31"],
        ["agenda", "--demo", "--days", "100000000"],
    ],
)
def test_out_of_range_moments_are_usage_errors(args: list[str], tmp_path: Path, capsys):
    """Before: OverflowError and a traceback. Now exit 2 and one line."""
    if args[0] == "render":
        args = [*args, "--out", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("signage: --") and "\n" not in err, err
