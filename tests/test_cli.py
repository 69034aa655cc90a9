"""The command line contract of DESIGN.md: exit codes, one-line reasons, agenda JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from signage import __version__
from signage.cli import build_parser, load, main

FIVE_MISTAKES = """\
[school]
name = "テスト小学校"
timezone = "Asia/Tokio"

[[sources]]
id = "cal"
kind = "icss"
role = "events"
url = "https://example.org/cal.ics"

[[sources]]
id = "cal"
kind = "ics"
role = "events"
url = "https://example.org/other.ics"
refersh_minutes = 5

[[panels]]
kind = "todya"
seconds = 20
"""


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_python_dash_m_works_the_same():
    out = subprocess.run(
        [sys.executable, "-m", "signage", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"signage {__version__}"


def test_check_reports_all_five_mistakes_with_lines(tmp_path: Path, capsys):
    path = tmp_path / "school.toml"
    path.write_text(FIVE_MISTAKES, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    *lines, verdict = capsys.readouterr().out.strip().splitlines()
    where = [line.split(": ")[0] for line in lines]
    assert where == [f"{path}:3", f"{path}:7", f"{path}:12", f"{path}:16", f"{path}:19"]
    assert verdict == f"{path}: 誤り 5件、警告 0件"
    assert "school.timezone" in lines[0]
    assert "ics" in lines[1]  # did you mean
    assert "refresh_minutes" in lines[3]


def test_check_in_english(tmp_path: Path, capsys):
    path = tmp_path / "school.toml"
    path.write_text(FIVE_MISTAKES, encoding="utf-8")
    assert main(["check", "--lang", "en", str(path)]) == 2
    out = capsys.readouterr().out
    assert "Did you mean" in out or "did you mean" in out


def test_check_valid_demo_config_exits_zero(capsys):
    demo = Path(__file__).parents[1] / "signage" / "demo" / "signage.toml"
    assert main(["check", str(demo)]) == 0
    assert capsys.readouterr().out == f"{demo}: 問題ありません\n"


def test_config_error_is_exit_2_with_a_reason(tmp_path: Path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[school\nname = 1\n", encoding="utf-8")
    assert main(["agenda", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("signage: ")
    assert f"{path}:1" in err


def test_usage_errors_exit_2(tmp_path: Path, capsys):
    assert main(["render", "--demo", "--out", str(tmp_path), "--size", "huge"]) == 2
    assert "--size" in capsys.readouterr().err
    assert main(["agenda", "--demo", "--at", "yesterday"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_agenda_demo_json_follows_the_contract(capsys):
    assert main(["agenda", "--demo", "--json", "--at", "2026-11-24T09:18", "--days", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["school"] == "伊勢崎市立みらい小学校"
    assert data["timezone"] == "Asia/Tokyo"
    assert data["generated_at"] == "2026-11-24T09:18:00+09:00"
    assert [d["date"] for d in data["days"]] == [f"2026-11-{d}" for d in range(24, 29)]
    tuesday = data["days"][0]
    assert any(e["title"] == "林間学校（5年）" and e["all_day"] for e in tuesday["events"])
    assert tuesday["visits"] and tuesday["visits"][0]["start"] == "2026-11-24T09:00:00+09:00"
    assert all("みらい小" in v["title"] for d in data["days"] for v in d["visits"])
    assert {"鈴木", "中村", "高橋"} <= {s["title"].split()[0] for s in tuesday["staff_out"]}
    assert data["notices"][0]["priority"] == "urgent"
    assert all(s["ok"] for s in data["sources"])
    for item in tuesday["events"]:
        assert set(item) == {"source", "title", "start", "end", "all_day", "location"}
    # notices from all three connector kinds, exactly one of them urgent (the banner stays calm)
    kinds = {"board-notices": "json", "komu-board-csv": "csv", "shared-folder": "folder"}
    assert {n["source"] for n in data["notices"]} == set(kinds)
    assert [n["source"] for n in data["notices"] if n["priority"] == "urgent"] == ["board-notices"]
    for notice in data["notices"]:
        assert set(notice) == {"source", "title", "body", "priority", "posted", "expires", "link"}
    assert any(n["source"] == "komu-board-csv" and "\n" in n["body"] for n in data["notices"])
    assert any(n["source"] == "shared-folder" and n["link"] for n in data["notices"])
    # absence reports per class on every school day; none on Saturday; never a pupil's name
    for day in data["days"][:4]:
        assert day["absences"], day["date"]
        for row in day["absences"]:
            assert set(row) == {"source", "class", "absent", "late", "early_leave"}
            assert row["source"] == "renraku-absences"
    assert data["days"][4]["absences"] == []
    totals = [sum(row[k] for row in tuesday["absences"]) for k in ("absent", "late", "early_leave")]
    assert totals == [6, 2, 1]  # as on the mockup
    assert "岡田" not in json.dumps(data, ensure_ascii=False)


def test_agenda_text_for_a_person(capsys):
    assert main(["agenda", "--demo", "--at", "2026-11-24T09:18"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-24" in out and "林間学校" in out


BOARD_CONFIG = """\
[school]
name = "テスト小学校"

[[sources]]
id = "board"
kind = "csv"
role = "notices"
url = "board.csv"
fields = { title = "件名", priority = "重要度", posted = "掲載日", expires = "掲載期限" }
"""

BOARD_CSV = """\
件名,重要度,掲載日,掲載期限
個人面談の日程,重要,令和8年11月30日,
授業参観のお知らせ,通常,令和8年12月10日,令和8年12月18日
避難訓練の変更,至急,2026/12/07 7:30,
取り消された連絡,通常,令和8年12月11日,令和8年12月10日
"""


def test_a_notice_waits_for_its_posted_date_and_agenda_lists_it_as_scheduled(
    tmp_path: Path, capsys
):
    config = tmp_path / "signage.toml"
    config.write_text(BOARD_CONFIG, encoding="utf-8")
    (tmp_path / "board.csv").write_text(BOARD_CSV, encoding="utf-8")
    argv = ["agenda", "--config", str(config), "--json", "--at", "2026-12-04T10:00"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert [n["title"] for n in data["notices"]] == ["個人面談の日程"]
    assert [(n["title"], n["posted"], n["priority"]) for n in data["scheduled"]] == [
        ("避難訓練の変更", "2026-12-07T07:30:00+09:00", "urgent"),
        ("授業参観のお知らせ", "2026-12-10T00:00:00+09:00", "normal"),
    ]
    assert set(data["scheduled"][0]) == set(data["notices"][0])
    assert main(argv[:-1] + ["2026-12-07T07:30"]) == 0  # its posted time: on screen
    data = json.loads(capsys.readouterr().out)
    assert [n["title"] for n in data["notices"]] == ["避難訓練の変更", "個人面談の日程"]
    assert [n["title"] for n in data["scheduled"]] == ["授業参観のお知らせ"]
    assert main(["agenda", "--config", str(config), "--at", "2026-12-04T10:00"]) == 0
    text = capsys.readouterr().out
    assert "掲載予定\n  2026-12-07 07:30 (urgent) 避難訓練の変更" in text


def test_run_without_config_falls_back_to_demo_with_a_banner(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SIGNAGE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    args = build_parser().parse_args(["run"])
    from datetime import date

    loaded = load(args, date(2026, 11, 24))
    assert loaded.config.school.name == "伊勢崎市立みらい小学校"
    assert loaded.notes and str(tmp_path / "xdg" / "signage" / "signage.toml") in loaded.notes[0]
    assert loaded.cache_dir is None  # the demo never writes a cache


def test_run_uses_the_config_in_the_standard_place(tmp_path: Path, monkeypatch):
    folder = tmp_path / "xdg" / "signage"
    folder.mkdir(parents=True)
    (folder / "signage.toml").write_text('[school]\nname = "設定どおり小"\n', encoding="utf-8")
    monkeypatch.delenv("SIGNAGE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    from datetime import date

    loaded = load(build_parser().parse_args(["run"]), date(2026, 11, 24))
    assert loaded.config.school.name == "設定どおり小" and loaded.notes == ()
    assert loaded.cache_dir is not None


def test_render_subprocess_in_utc_machine_zone(tmp_path: Path):
    """The CLI as a user runs it, with the machine in UTC: Tokyo's day is still shown."""
    env = dict(os.environ, TZ="UTC", QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "signage",
            "render",
            "--demo",
            "--out",
            str(tmp_path),
            "--at",
            "2026-11-24T07:30",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    written = {p.name for p in tmp_path.glob("*.png")}
    assert {"01-today.png", "02-week.png", "03-notices.png", "04-visits.png"} <= written
    assert all(name[:3] in ("01-", "02-", "03-", "04-") for name in written)


def test_no_arguments_starts_the_kiosk(monkeypatch):
    """A double-clicked or autostarted executable has no arguments."""
    import signage.cli as cli

    seen = []
    monkeypatch.setattr(cli, "cmd_run", lambda args: seen.append(args.command) or 0)
    assert cli.main([]) == 0
    assert seen == ["run"]
