"""`signage config get|set` and the document under it (signage.config.edit): one key read or
changed, the file's comments and layout kept, an invalid value refused with nothing written."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from signage.cli import main
from signage.config.edit import BrokenFile, Document, EditError, parse_key, write_atomic

EXAMPLE = Path(__file__).resolve().parent.parent / "configs" / "example-school.toml"


@pytest.fixture
def school(tmp_path: Path) -> Path:
    path = tmp_path / "signage.toml"
    shutil.copy(EXAMPLE, path)
    return path


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_get_prints_the_value_as_a_script_reads_it(school: Path, capsys):
    assert main(["config", "get", str(school), "school.name"]) == 0
    assert capsys.readouterr().out == "伊勢崎市立みらい小学校\n"
    assert main(["config", "get", str(school), "sources[1].match"]) == 0
    assert capsys.readouterr().out == "みらい小\n"
    assert main(["config", "get", str(school), "sources.board-notices.refresh_minutes"]) == 0
    assert capsys.readouterr().out == "5\n"
    assert main(["config", "get", str(school), "display.days"]) == 0
    assert capsys.readouterr().out == '["mon", "tue", "wed", "thu", "fri"]\n'


def test_get_of_a_key_not_written_exits_1_and_an_unknown_key_2(school: Path, capsys):
    assert main(["config", "get", str(school), "display.blink"]) == 1
    assert "書かれていません" in capsys.readouterr().err
    assert main(["config", "get", str(school), "school.nmae"]) == 2
    assert "「school.nmae」という設定はありません" in capsys.readouterr().err
    assert main(["config", "get", str(school), "sources.no-such-id.url"]) == 2
    assert "no-such-id" in capsys.readouterr().err


def test_set_changes_only_that_line_and_keeps_the_comments(school: Path, capsys):
    before = school.read_text(encoding="utf-8")
    assert main(["config", "set", str(school), "display.on", "7:30"]) == 0
    after = school.read_text(encoding="utf-8")
    assert changed_lines(before, after) == ['-on = "7:00"', '+on = "7:30"']
    assert "display.on" in capsys.readouterr().out


def test_set_by_source_id_keeps_the_comment_at_the_end_of_the_line(tmp_path: Path):
    path = tmp_path / "signage.toml"
    path.write_text(
        '# 学校の設定\n[school]\nname = "x"  # 学校名\n\n[[sources]]\nid = "cal"\nkind = "ics"\n'
        'role = "events"\nurl = "https://example.org/a.ics"\nrefresh_minutes = 15  # 15分ごと\n',
        encoding="utf-8",
    )
    assert main(["config", "set", str(path), "sources.cal.refresh_minutes", "30"]) == 0
    assert main(["config", "set", str(path), "school.name", "みらい小"]) == 0
    text = path.read_text(encoding="utf-8")
    assert "refresh_minutes = 30  # 15分ごと\n" in text
    assert 'name = "みらい小"  # 学校名\n' in text
    assert text.startswith("# 学校の設定\n")


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("display.on", "25:00", "display.on: 時刻「25:00」が読めません"),
        ("visits.monthly_target", "たくさん", "「たくさん」は整数ではありません"),
        ("sources[0].kind", "icss", "sources[0].kind"),
        ("panels[0].seconds", "-5", "panels[0].seconds"),
        ("display.blink", "maybe", "true か false"),
        ("school.nmae", "x", "という設定はありません"),
    ],
)
def test_an_invalid_value_changes_nothing_and_exits_2(
    school: Path, capsys, key: str, value: str, reason: str
):
    before = school.read_bytes()
    assert main(["config", "set", str(school), key, value]) == 2
    assert reason in capsys.readouterr().err
    assert school.read_bytes() == before
    assert [p.name for p in school.parent.iterdir()] == ["signage.toml"]  # no temporary left


def test_messages_follow_lang(school: Path, capsys):
    assert main(["config", "set", str(school), "display.on", "25:00", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "nothing written" in err and "display.on" in err


def test_a_list_may_be_given_comma_separated_or_as_toml(school: Path):
    assert main(["config", "set", str(school), "bell.days", "mon,tue,wed"]) == 0
    assert Document.open(school).get("bell.days") == ["mon", "tue", "wed"]
    assert main(["config", "set", str(school), "bell.days", '["thu"]']) == 0
    assert Document.open(school).get("bell.days") == ["thu"]


def test_a_new_section_is_added_when_the_file_has_none(school: Path):
    assert main(["config", "set", str(school), "network.proxy", "http://proxy:8080"]) == 0
    assert Document.open(school).get("network.proxy") == "http://proxy:8080"
    assert school.read_text(encoding="utf-8").endswith('[network]\nproxy = "http://proxy:8080"\n')


def test_a_broken_file_is_refused_with_its_line(tmp_path: Path, capsys):
    path = tmp_path / "signage.toml"
    path.write_bytes(b'[school]\nname = "x"\n[display]\non = 8:40\n')
    before = path.read_bytes()
    assert main(["config", "set", str(path), "school.name", "y"]) == 2
    assert ":4:" in capsys.readouterr().err
    assert path.read_bytes() == before
    with pytest.raises(BrokenFile) as broken:
        Document.open(path)
    assert broken.value.issue.line == 4
    assert "on = 8:40" in broken.value.raw


def test_a_byte_order_mark_and_windows_line_ends_are_kept(tmp_path: Path):
    path = tmp_path / "signage.toml"
    path.write_bytes('\ufeff[school]\r\nname = "x"\r\n'.encode())
    assert main(["config", "set", str(path), "school.name", "y"]) == 0
    assert path.read_bytes() == '\ufeff[school]\r\nname = "y"\r\n'.encode()


def test_key_paths():
    assert parse_key("sources[2].url") == ("sources", 2, "url")
    assert parse_key("sources.board-notices.url") == ("sources", "board-notices", "url")
    assert parse_key('sources[0].fields."件名"') == ("sources", 0, "fields", "件名")
    for bad in ("", ".x", "school.", "[0]", 'sources[0]."\\q"'):
        with pytest.raises(EditError):
            parse_key(bad)


def test_entries_are_added_moved_and_removed(school: Path):
    document = Document.open(school)
    before = document.text()
    index = document.add_entry(
        "sources", {"id": "kyushoku", "kind": "csv", "role": "notices", "url": "k.csv"}
    )
    # right under the last source, not after the comments that introduce what follows it
    added = '[[sources]]\nid = "kyushoku"\nkind = "csv"\nrole = "notices"\nurl = "k.csv"\n\n'
    last = 'name = "児童名" }\n\n'
    assert document.text() == before.replace(last, last + added)
    assert document.get(f"sources[{index}].id") == "kyushoku"
    assert [issue.key for issue in document.errors()] == []
    document.move_entry("panels", 3, 0)
    assert [p["kind"] for p in document.entries("panels")] == ["visits", "today", "week", "notices"]
    document.remove_entry("sources", index)
    assert "kyushoku" not in [s["id"] for s in document.entries("sources")]
    document.move_entry("panels", 0, 3)
    assert document.text() == before  # added and removed: the file as it was
    with pytest.raises(EditError):
        document.get("sources.kyushoku.id")


def test_save_refuses_a_file_with_errors(school: Path):
    document = Document.open(school)
    before = school.read_bytes()
    document.set("school.timezone", "JST")
    errors = document.save()
    assert [issue.key for issue in errors] == ["school.timezone"]
    assert school.read_bytes() == before


def test_write_atomic_replaces_the_whole_file(tmp_path: Path):
    path = tmp_path / "a.toml"
    path.write_text("old", encoding="utf-8")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml"]


def test_a_table_value_is_written_inline_beside_its_source(school: Path, capsys):
    key = "sources.staff-out.auth"
    assert main(["config", "set", str(school), key, '{ type = "bearer", env = "TOKEN" }']) == 0
    lines = school.read_text(encoding="utf-8").splitlines()
    at = lines.index('auth = {type = "bearer", env = "TOKEN"}')
    assert lines[at - 1] == "refresh_minutes = 15" and lines[at - 6] == 'id = "staff-out"'
    capsys.readouterr()
    assert main(["config", "get", str(school), key]) == 0
    assert capsys.readouterr().out == '{type = "bearer", env = "TOKEN"}\n'


def test_a_new_key_goes_under_its_tables_keys_not_into_a_sub_table(tmp_path: Path):
    path = tmp_path / "signage.toml"
    path.write_text(
        '[bell]\ndays = ["mon"]\n# 時間帯\n\n[[bell.periods]]\nlabel = "1校時"\nstart = "8:45"\n',
        encoding="utf-8",
    )
    assert main(["config", "set", str(path), "bell.name", "通常日課"]) == 0
    assert path.read_text(encoding="utf-8") == (
        '[bell]\ndays = ["mon"]\nname = "通常日課"\n# 時間帯\n\n'
        '[[bell.periods]]\nlabel = "1校時"\nstart = "8:45"\n'
    )


def test_removing_a_source_keeps_the_comment_introducing_the_next(school: Path):
    document = Document.open(school)
    before = document.text()
    document.remove_entry("sources", 0)
    assert [s["id"] for s in document.entries("sources")][0] == "ict-visits"
    after = document.text()
    assert (
        "# ICT支援員の訪問予定（市内の学校で共有するカレンダー）。本校の分だけ表示します。" in after
    )
    assert "school-calendar" not in after
    removed = [line for line in changed_lines(before, after) if line.startswith("-")]
    assert removed == [
        "-[[sources]]",
        '-id = "school-calendar"',
        '-kind = "ics"',
        '-role = "events"',
        "-url = "
        '"https://calendar.google.com/calendar/ical/mirai-es.isesaki%40example.jp/public/basic.ics"',
        "-refresh_minutes = 15",
    ]
    assert [line for line in changed_lines(before, after) if line.startswith("+")] == []


def test_a_missing_file_is_named_in_japanese(tmp_path: Path, capsys):
    assert main(["config", "get", str(tmp_path / "none.toml"), "school.name"]) == 2
    assert "設定ファイルが見つかりません" in capsys.readouterr().err
    assert not (tmp_path / "none.toml").exists()
