"""`body_format = "html"`: a vendor's HTML bodies shown as the text a browser would show."""

from __future__ import annotations

import json
from pathlib import Path

from signage.config import check_text
from signage.model import Notice
from signage.sources import make_source
from signage.sources.html_body import html_to_text
from tests.moments import NOW, TOKYO
from tests.rig import fetch

BODY = (
    "<p>職員会議は&amp;図書室で行います。</p><p>持ち物:<br>筆記用具<br/>資料</p>"
    "<ul><li>学年だより</li><li>行事予定表</li></ul>"
    "<script>alert('x')</script><style>p { color: red }</style>"
    "<b>太字</b>&nbsp;と&lt;かっこ&gt;<!-- 下書き -->"
)
SHOWN = (
    "職員会議は&図書室で行います。\n\n持ち物:\n筆記用具\n資料\n\n・学年だより\n・行事予定表\n"
    "太字 と<かっこ>"
)


def config(tmp_path: Path, body_format: str | None) -> str:
    (tmp_path / "board.json").write_text(
        json.dumps([{"title": "職員会議", "body": BODY}], ensure_ascii=False), encoding="utf-8"
    )
    line = f'body_format = "{body_format}"\n' if body_format is not None else ""
    return (
        '[school]\nname = "テスト小学校"\n\n[[sources]]\nid = "board"\nkind = "json"\n'
        f'role = "notices"\nurl = "board.json"\n{line}'
    )


def body_shown(tmp_path: Path, body_format: str | None) -> str:
    checked, issues = check_text(config(tmp_path, body_format), base=tmp_path)
    assert checked is not None, issues
    source = make_source(checked.sources[0], TOKYO)
    raw = fetch(source)
    assert raw is not None
    (notice,) = source.read(raw, NOW).items
    assert isinstance(notice, Notice)
    return notice.body


def test_an_html_body_is_shown_as_its_text(tmp_path: Path) -> None:
    assert body_shown(tmp_path, "html") == SHOWN


def test_without_body_format_a_body_stays_literal(tmp_path: Path) -> None:
    assert body_shown(tmp_path, None) == BODY
    assert body_shown(tmp_path, "text") == BODY


def test_an_unknown_body_format_is_an_error_in_japanese(tmp_path: Path) -> None:
    checked, issues = check_text(config(tmp_path, "htm"), base=tmp_path)
    assert checked is None
    (issue,) = issues
    assert (issue.line, issue.key) == (9, "sources[0].body_format")
    assert issue.message.startswith("「htm」は使えません")
    assert issue.message.endswith("もしかして「html」?")


def test_html_white_space_and_blocks() -> None:
    assert html_to_text("一行目\n   二行目") == "一行目 二行目"  # source line breaks are spaces
    assert html_to_text("<div>上</div><div>下</div>") == "上\n下"
    assert html_to_text("<table><tr><td>1組</td><td>欠席</td></tr></table>") == "1組 欠席"
    assert html_to_text("<p>閉じていない<p>段落") == "閉じていない\n\n段落"
    assert html_to_text("a &lt;br&gt; b") == "a <br> b"  # an escaped tag is text


def test_a_calendar_description_in_html(tmp_path: Path) -> None:
    """Google Calendar writes an event's description as HTML."""
    (tmp_path / "visits.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nBEGIN:VEVENT\r\nUID:v1\r\n"
        "SUMMARY:ICT支援員来校\r\nDTSTART;TZID=Asia/Tokyo:20261124T100000\r\n"
        "DESCRIPTION:<b>持ち物</b><br>タブレット&amp;充電器\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    for body_format, shown in (("html", "持ち物\nタブレット&充電器"), ("text", None)):
        text = (
            '[school]\nname = "テスト小学校"\n\n[[sources]]\nid = "v"\nkind = "ics"\n'
            f'role = "visits"\nurl = "visits.ics"\nbody_format = "{body_format}"\n'
        )
        checked, issues = check_text(text, base=tmp_path)
        assert checked is not None, issues
        source = make_source(checked.sources[0], TOKYO)
        raw = fetch(source)
        assert raw is not None
        (event,) = source.read(raw, NOW).items
        assert event.description == (shown or "<b>持ち物</b><br>タブレット&amp;充電器")  # type: ignore[union-attr]
