"""A kiosk never leaves the desktop on the monitor (issue 14, item 7): with a config broken or
missing at boot it shows full screen what is wrong and where, looks at the file again, and
starts as soon as the file is fixed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signage.boot import Problem, Waiter, problem_of
from signage.config import Config, load_config
from signage.errors import ConfigError
from tests.procs import spawn_options, stop, temp_env
from tests.windows import grab

GOOD = '[school]\nname = "みらい小"\n'
BROKEN = '[school]\nname = "みらい小"\n\n[[bell.periods]]\nlabel = "朝の会"\nstart = 8:40\n'


def problem(path: Path) -> Problem:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return problem_of(path, caught.value)


def test_the_screen_says_what_is_wrong_and_on_which_line(tmp_path: Path) -> None:
    path = tmp_path / "signage.toml"
    path.write_text(BROKEN, encoding="utf-8")
    shown = problem(path)
    assert shown.title == "設定ファイルに誤りが 1 件あるため、表示を始められません"
    assert shown.file == str(path)
    (line,) = shown.lines
    assert line.startswith("6行目: TOML の書き方に誤りがあります")
    assert line.endswith('時刻は引用符で囲みます: start = "8:40"。')
    assert shown.hint == "ファイルを直して保存すると、数秒で自動的に表示を始めます。"


def test_a_missing_file_says_where_it_belongs(tmp_path: Path) -> None:
    shown = problem(tmp_path / "signage.toml")
    assert shown.title == "設定ファイルが見つからないため、表示を始められません"
    assert shown.lines == ("設定ファイルが見つかりません。パスを確かめてください。",)
    assert shown.hint.startswith("この場所に設定ファイルを置くと")


def test_the_waiter_loads_once_the_file_is_fixed(tmp_path: Path) -> None:
    path = tmp_path / "signage.toml"
    path.write_text(BROKEN, encoding="utf-8")
    waiter: Waiter[Config] = Waiter(path, lambda: load_config(path), problem(path))
    assert waiter.poll() is None  # unchanged: not read again
    path.write_text(GOOD + 'timezone = "JST"\n', encoding="utf-8")  # half fixed
    assert waiter.poll() is None
    (line,) = waiter.problem.lines  # the new problem is shown
    assert line.startswith("3行目 school.timezone: 不明なタイムゾーン「JST」です。")
    path.write_text(GOOD, encoding="utf-8")
    config = waiter.poll()
    assert config is not None and config.school.name == "みらい小"


def test_the_waiter_starts_when_a_missing_file_appears(tmp_path: Path) -> None:
    path = tmp_path / "signage.toml"
    waiter: Waiter[Config] = Waiter(path, lambda: load_config(path), problem(path))
    assert waiter.poll() is None
    path.write_text(GOOD, encoding="utf-8")
    assert waiter.poll() is not None


def test_the_window_paints_the_problem_and_ends_when_fixed(qtbot, tmp_path: Path) -> None:
    from PySide6.QtGui import QColor

    from signage.ui import theme
    from signage.ui.broken import BrokenConfigWindow

    path = tmp_path / "signage.toml"
    path.write_text(BROKEN, encoding="utf-8")
    answers: list[Problem | None] = [problem(path), None]
    window = BrokenConfigWindow(answers[0], lambda: answers.pop(0), seconds=60)
    window.resize(1920, 1080)
    image = grab(window)
    assert QColor(image.pixel(5, 5)) == theme.VERMILLION  # the warning band on top
    assert QColor(image.pixel(5, 600)) == theme.BG  # dark, never the desktop
    text_rows = {
        y
        for y in range(120, 400, 4)
        for x in range(100, 1800, 16)
        if QColor(image.pixel(x, y)) != theme.BG
    }
    assert len(text_rows) > 10  # the title, the file and the problem are written
    done: list[bool] = []
    window.on_done = lambda: done.append(window.fixed)
    window.check()
    assert not window.fixed and not done  # same problem
    window.check()
    assert done == [True] and not window.timer.isActive()


def test_run_with_a_broken_config_waits_and_starts_when_fixed(tmp_path: Path) -> None:
    path = tmp_path / "signage.toml"
    path.write_text(BROKEN, encoding="utf-8")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        **temp_env(str(tmp_path)),
        SIGNAGE_LOG_DIR=str(tmp_path / "logs"),
    )
    command = [sys.executable, "-m", "signage", "run", "--config", str(path), "--windowed"]
    kiosk = subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, text=True, encoding="utf-8", **spawn_options()
    )
    log = tmp_path / "logs" / "signage.log"

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 30
        while not (log.exists() and text in log.read_text(encoding="utf-8")):
            assert kiosk.poll() is None, kiosk.stderr.read() if kiosk.stderr else ""
            assert time.monotonic() < deadline, f"no {text!r} in the log"
            time.sleep(0.1)

    try:
        wait_for("waiting for a fix")
        time.sleep(1)
        assert kiosk.poll() is None  # still up: the monitor shows the problem
        path.write_text(GOOD, encoding="utf-8")
        wait_for("sources, config")  # the kiosk started
    finally:
        stop(kiosk)
        assert kiosk.wait(timeout=15) == 0
    assert "Traceback" not in (kiosk.stderr.read() if kiosk.stderr else "")
