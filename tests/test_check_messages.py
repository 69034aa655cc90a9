"""`signage check` as a 教頭 reads it (issue 14, item 6): a verdict for a valid file, warnings
labelled and counted apart, TOML mistakes named with their fix, a time-zone hint that never
contradicts itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from signage.cli import main

VALID = '[school]\nname = "みらい小"\n'


def check(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *more: str):
    path = tmp_path / "signage.toml"
    path.write_text(text, encoding="utf-8")
    status = main(["check", *more, str(path)])
    return status, capsys.readouterr().out.replace(f"{path}", "FILE").splitlines()


def test_a_valid_file_says_so_and_exits_0(tmp_path: Path, capsys) -> None:
    assert check(tmp_path, VALID, capsys) == (0, ["FILE: 問題ありません"])
    assert check(tmp_path, VALID, capsys, "--lang", "en") == (0, ["FILE: No problems found"])


def test_the_example_config_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[1] / "configs" / "example-school.toml"
    assert main(["check", str(example)]) == 0
    assert capsys.readouterr().out == f"{example}: 問題ありません\n"


def test_warnings_are_labelled_and_counted_apart_from_errors(tmp_path: Path, capsys) -> None:
    text = (
        VALID + '\n[[sources]]\nid = "cal"\nkind = "json"\nrole = "events"\nurl = "cal.json"\n'
        'private = "hide"\n'  # read by ics only: a warning
    )
    status, lines = check(tmp_path, text, capsys)
    assert status == 0  # warnings alone: the kiosk runs with this file
    assert all(": 警告: " in line for line in lines[:-1]) and len(lines) >= 2
    assert lines[-1] == f"FILE: 警告 {len(lines) - 1}件（このままでも表示はできます）"

    status, lines = check(tmp_path, text + 'refresh_minutes = "x"\n', capsys)
    assert status == 2
    errors = [line for line in lines[:-1] if ": 警告: " not in line]
    assert len(errors) == 1 and "refresh_minutes" in errors[0]
    assert lines[-1] == f"FILE: 誤り 1件、警告 {len(lines) - 2}件"


@pytest.mark.parametrize(
    ("written", "line", "hint"),
    [
        (
            '[[bell.periods]]\nlabel = "朝の会"\nstart = 8:40',
            3,
            '時刻は引用符で囲みます: start = "8:40"。',
        ),
        ("[bell]\nstart = ８：４０", 2, '時刻は引用符で囲みます: start = "8:40"。'),
        ("[display]\nclosed = 2026/12/28", 2, '日付は引用符で囲みます: closed = "2026/12/28"。'),
        ('[school]\nname ＝ "みらい小"', 2, "全角の「＝」を半角の「=」に直してください。"),
        ('[school]\nname = "みらい小\n', 2, 'この行の " が閉じていません。'),
        ('[school]\nname = "みらい小\n[display]\nblink = true', 2, 'この行の " が閉じていません。'),
        ("[school]\nname = みらい小", 2, '文字は半角の " で囲みます: name = "みらい小"。'),
        ("[school]\nname = “みらい小”", 2, "「“ ”」は使えません。"),
        ('[school]\nname　= "みらい小"', 2, "キーの後ろの全角スペースを半角スペースに直して"),
        ('[school]\nname = "a"\nname = "b"', 3, "「name」がこの表に二度書かれています。"),
        ('[school]\nname = "a"\n[school]\ntimezone = "Asia/Tokyo"', 3, "[school] が二度あります。"),
    ],
)
def test_toml_mistakes_are_named_with_their_fix(
    tmp_path: Path, capsys, written: str, line: int, hint: str
) -> None:
    status, lines = check(tmp_path, written, capsys)
    assert status == 2
    message = lines[0]
    assert message.startswith(f"FILE:{line}: (syntax): TOML の書き方に誤りがあります（")
    assert hint in message
    assert "Expected" not in message and "Invalid" not in message  # no parser English
    assert lines[-1] == "FILE: 誤り 1件、警告 0件"


def test_an_unknown_toml_mistake_still_says_where_to_look(tmp_path: Path, capsys) -> None:
    _, lines = check(tmp_path, "[school\nname = 1", capsys)
    assert lines[0] == (
        "FILE:1: (syntax): TOML の書き方に誤りがあります（8文字目: [ ] の閉じかっこがありません）。"
        "引用符・かっこの閉じ忘れや「=」の抜け、同じキーの二度書きがないか見てください。"
    )


@pytest.mark.parametrize("zone", ["JST", "jst", "Japan Standard Time", "日本", "UTC+9", "Tokyo"])
def test_every_way_of_writing_japans_time_suggests_asia_tokyo(
    tmp_path: Path, capsys, zone: str
) -> None:
    _, lines = check(tmp_path, f'{VALID}timezone = "{zone}"\n', capsys)
    assert lines[0].endswith(
        f'不明なタイムゾーン「{zone}」です。日本の学校なら "Asia/Tokyo" です。'
        "もしかして「Asia/Tokyo」?"
    )


def test_a_zone_hint_offers_no_old_abbreviation(tmp_path: Path, capsys) -> None:
    _, lines = check(tmp_path, f'{VALID}timezone = "MSK"\n', capsys)
    assert "もしかして" not in lines[0]  # not 「MST」: one letter off, another country's zone
    _, lines = check(tmp_path, f'{VALID}timezone = "Europe/Pariss"\n', capsys)
    assert lines[0].endswith("もしかして「Europe/Paris」?")
