"""`signage setup`, the form editor, driven as an admin would with pytest-qt: open the example,
change a value, see the checker's message for a bad one, save, and the diff is that line."""

from __future__ import annotations

import difflib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QTimeEdit

from signage.cli import build_parser, main, try_source
from signage.config import Config, check_text
from signage.model import Notice
from signage.ui.setup.fields import DaysField, NumberField, TextField, TimeField, TomlField
from signage.ui.setup.trial import Skipped, Tried
from signage.ui.setup.window import BrokenView, SetupWindow

EXAMPLE = Path(__file__).resolve().parent.parent / "configs" / "example-school.toml"


@pytest.fixture
def school(tmp_path: Path) -> Path:
    path = tmp_path / "signage.toml"
    shutil.copy(EXAMPLE, path)
    return path


def open_window(qtbot, path: Path, trial=None) -> SetupWindow:
    window = SetupWindow(path, trial)
    window.ask_on_close = False
    qtbot.addWidget(window)
    return window


def diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def field(window: SetupWindow, section: str, name: str):
    for form in window.forms:
        if form.at == (section,) and name in form.fields:
            return form.fields[name]
    raise KeyError(name)


def test_a_changed_name_is_saved_as_that_one_line(qtbot, school: Path):
    before = school.read_text(encoding="utf-8")
    window = open_window(qtbot, school)
    assert window.summary.text() == "問題ありません"
    assert not window.save_button.isEnabled()  # nothing changed yet
    name = field(window, "school", "name")
    assert isinstance(name, TextField)
    assert name.edit.text() == "伊勢崎市立みらい小学校"
    name.edit.setText("伊勢崎市立みらい第二小学校")
    assert window.windowTitle().endswith("*")
    assert window.save_button.isEnabled()
    window.save_button.click()
    after = school.read_text(encoding="utf-8")
    assert diff(before, after) == [
        '-name = "伊勢崎市立みらい小学校"',
        '+name = "伊勢崎市立みらい第二小学校"',
    ]
    assert "保存しました" in window.saved_note.text()
    assert not window.windowTitle().endswith("*")


def test_a_bad_value_shows_the_checkers_message_and_is_not_saved(qtbot, school: Path):
    before = school.read_bytes()
    window = open_window(qtbot, school)
    target = field(window, "visits", "monthly_target")
    assert isinstance(target, NumberField)
    target.edit.setText("0")
    _, expected = check_text(
        before.decode().replace("monthly_target = 4", "monthly_target = 0"), str(school)
    )
    (issue,) = expected
    shown = [window.issue_list.item(i).text() for i in range(window.issue_list.count())]
    assert shown == [f"誤り　{issue.line}行目　visits.monthly_target: {issue.message}"]
    form = next(f for f in window.forms if f.at == ("visits",))
    assert form.notes["monthly_target"].text() == f"visits.monthly_target: {issue.message}"
    assert window.summary.text().startswith("誤り 1件")
    assert not window.save_button.isEnabled()
    assert window.save() is False
    assert school.read_bytes() == before
    target.edit.setText("6")  # fixed: saved
    assert window.summary.text() == "問題ありません"
    assert window.save() is True
    assert "monthly_target = 6\n" in school.read_text(encoding="utf-8")


def test_pickers_write_times_and_days(qtbot, school: Path):
    window = open_window(qtbot, school)
    on = field(window, "display", "on")
    assert isinstance(on, TimeField)
    assert on.time.time() == QTime(7, 0)
    on.time.setTime(QTime(7, 45))
    days = field(window, "display", "days")
    assert isinstance(days, DaysField)
    days.boxes[5].setChecked(True)  # 土
    assert window.document is not None
    assert window.document.get("display.on") == "7:45"
    assert window.document.get("display.days") == ["mon", "tue", "wed", "thu", "fri", "sat"]
    on.use.setChecked(False)  # not written: on all day
    assert window.document.get("display.on") is None
    assert "display.off" in window.issue_list.item(0).text()  # off without on


def test_a_periods_time_is_picked_and_an_end_deleted(qtbot, school: Path):
    window = open_window(qtbot, school)
    window.show()
    window.nav.setCurrentRow(2)  # 日課
    grid = window.grids["bell.periods"].grid
    assert grid.item(1, 0).text() == "1校時"
    grid.setCurrentCell(1, 2)
    grid.editItem(grid.item(1, 2))
    editor = grid.findChild(QTimeEdit)
    assert editor is not None and editor.time() == QTime(9, 30)
    editor.setTime(QTime(9, 35))
    delegate = window.grids["bell.periods"].times
    delegate.commitData.emit(editor)  # what Enter does
    delegate.closeEditor.emit(editor)
    assert window.document is not None
    assert window.document.get("bell.periods[1].end") == "9:35"
    assert window.document.get("bell.periods.1校時.end") == "9:35"
    grid.setCurrentCell(1, 2)
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert window.document.get("bell.periods[1].end") is None
    window.grids["bell.periods"].grid.setCurrentCell(12, 0)  # 下校 to the top
    for _ in range(12):
        row = grid.currentRow()
        window.grids["bell.periods"]._move(window.grids["bell.periods"].move_entry, -1)
        assert grid.currentRow() == row - 1
    assert window.document.get("bell.periods[0].label") == "下校"
    text = window.document.text()
    assert text.index('label = "下校"') < text.index("朝の会")
    # the comments after the last period introduce the network section: they stay below it
    assert text.index('label = "帰りの会"') < text.index("# --- 学校のネットワーク")


def test_a_broken_file_opens_at_its_line(qtbot, tmp_path: Path):
    path = tmp_path / "signage.toml"
    path.write_text('[school]\nname = "x"\n\n[display]\non = 8:40\n', encoding="utf-8")
    window = open_window(qtbot, path)
    view = window.centralWidget()
    assert isinstance(view, BrokenView)
    assert "5行目" in view.message.text()
    assert view.text.toPlainText().startswith("1 │ [school]")
    assert view.text.textCursor().block().text() == "5 │ on = 8:40"  # the line, marked
    path.write_text(
        '[school]\nname = "x"\n\n[display]\non = "8:40"\noff = "18:00"\n', encoding="utf-8"
    )
    window.reopen()  # 「開き直す」 after fixing it
    assert not isinstance(window.centralWidget(), BrokenView)
    assert window.summary.text() == "問題ありません"


def test_sources_are_added_edited_and_removed(qtbot, school: Path):
    window = open_window(qtbot, school)
    page = window.sources
    assert page.list.count() == 5
    page.kind.setCurrentIndex(page.kind.findData("folder"))
    page._add()
    assert page.list.count() == 6
    assert page.list.currentRow() == 5
    assert "sources[5].url" in window.issue_list.item(0).text()  # a new source needs a url
    assert page.form is not None
    assert "fields" in page.form.fields and "private" not in page.form.fields  # folder's keys
    url = page.form.fields["url"]
    assert isinstance(url, TextField)
    url.edit.setText("shared/board")
    fields = page.form.fields["fields"]
    assert isinstance(fields, TomlField)
    fields.edit.setText('{ title = "件名" }')
    assert window.document is not None
    assert window.document.get("sources[5].fields") == {"title": "件名"}
    page._select(0)
    page._select(5)
    assert fields is not page.form.fields["fields"]
    assert page.form.fields["fields"].edit.text() == '{title = "件名"}'  # type: ignore[attr-defined]
    assert window.summary.text().startswith("保存できます")  # a missing folder: a warning
    page._remove()
    assert page.list.count() == 5
    assert window.document is not None and not window.document.changed


def test_trying_a_source_lists_what_appears_and_what_is_skipped(qtbot, school: Path):
    asked: list[tuple[Config, str]] = []
    notice = Notice("board-notices", "職員会議の資料", posted=datetime(2026, 12, 3, tzinfo=UTC))

    def trial(config: Config, source_id: str) -> Tried:
        asked.append((config, source_id))
        return Tried((notice,), (Skipped("3行目", "重要度「すごく」が読めません"),))

    window = open_window(qtbot, school, trial)
    window.show()
    window.nav.setCurrentRow(3)  # 情報源
    page = window.sources
    page.list.setCurrentRow(3)
    page.try_button.click()
    page.wait()
    assert asked[0][1] == "board-notices"
    lines = [page.results.item(i).text() for i in range(page.results.count())]
    assert lines == ["連絡 職員会議の資料 2026-12-03", "飛ばす 3行目: 重要度「すごく」が読めません"]
    assert page.try_state.text() == "画面に出るもの 1件、読めず飛ばすもの 1件"
    assert window.tried["board-notices"].items == (notice,)
    assert window.preview.panel.currentData() == "notices"  # the source's panel, with its items
    page.list.setCurrentRow(1)  # ict-visits
    assert window.preview.panel.currentData() == "visits"


def test_the_command_lines_trial_reads_a_real_source(qtbot, tmp_path: Path):
    feed = tmp_path / "notices.json"
    feed.write_text('[{"title": "避難訓練のお知らせ"}]', encoding="utf-8")
    path = tmp_path / "signage.toml"
    path.write_text(
        '[school]\nname = "x"\n\n[[sources]]\nid = "board"\nkind = "json"\n'
        'role = "notices"\nurl = "notices.json"\n',
        encoding="utf-8",
    )
    window = open_window(qtbot, path, try_source)
    window.sources.try_button.click()
    window.sources.wait()
    assert window.sources.results.item(0).text() == "連絡 避難訓練のお知らせ"


def test_the_preview_paints_the_chosen_panel(qtbot, school: Path):
    window = open_window(qtbot, school)
    window.show()
    preview = window.preview
    # a school day's morning: on a weekend or at night the preview is the dark screen
    preview.moment.setDateTime(QDateTime(QDate(2026, 12, 2), QTime(10, 0)))
    preview.refresh()
    first = preview.image.pixmap().toImage()
    assert not first.isNull()
    assert preview.panel.currentData() == "today"
    preview.panel.setCurrentIndex(preview.panel.findData("week"))
    assert preview.image.pixmap().toImage() != first
    window.nav.setCurrentRow(4)  # パネル: the preview follows the row chosen
    window.grids["panels"].grid.setCurrentCell(2, 1)
    assert preview.panel.currentData() == "notices"
    grid = window.grids["panels"].grid
    grid.cellWidget(2, 0).setCurrentIndex(grid.cellWidget(2, 0).findData("week"))
    assert window.document is not None
    assert window.document.get("panels[2].kind") == "week"
    assert grid.cellWidget(2, 0).currentText() == "week（今週）"
    window._structure(lambda d: d.add_entry("panels", {"kind": "today"}))
    assert grid.rowCount() == 5 and grid.cellWidget(4, 0).currentText() == "today（今日）"


def test_the_preview_is_dark_when_the_monitor_is(qtbot, school: Path):
    window = open_window(qtbot, school)
    window.show()
    preview = window.preview
    preview.moment.setDateTime(QDateTime(QDate(2026, 12, 4), QTime(22, 0)))
    image = preview.image.pixmap().toImage()
    assert {image.pixelColor(x, y).name() for x in (5, 200) for y in (5, 100)} == {"#000000"}
    assert preview.note.text() == "この日時は画面が消えています（時間外）。モニターは黒い画面です。"
    preview.moment.setDateTime(QDateTime(QDate(2026, 12, 29), QTime(10, 0)))  # 年末年始
    assert "休校日" in preview.note.text()
    preview.moment.setDateTime(QDateTime(QDate(2026, 12, 4), QTime(10, 40)))
    assert preview.image.pixmap().toImage().pixelColor(5, 5).name() != "#000000"


def test_setup_is_a_command(capsys):
    args = build_parser().parse_args(["setup", "school.toml"])
    assert args.command == "setup" and args.file_given == "school.toml"
    assert main(["setup", "https://board.example.jp/district.toml"]) == 2
    assert "local file" in capsys.readouterr().err


def test_the_quick_start_shows_the_editor_it_describes():
    """Every picture and link of docs/quickstart.md is in the repository."""
    import re

    docs = EXAMPLE.parent.parent / "docs"
    text = (docs / "quickstart.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    assert any(t.endswith("setup-sources.png") for t in targets)
    assert [t for t in targets if not (docs / t).exists()] == []


def test_a_file_that_cannot_be_written_says_so(qtbot, school: Path, monkeypatch):
    window = open_window(qtbot, school)
    field(window, "school", "name").edit.setText("別の学校")

    def refuse(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("signage.config.edit.os.replace", refuse)
    assert window.save() is False
    assert window.saved_note.text() == "保存できませんでした（Permission denied）"
    assert window.windowTitle().endswith("*")
    assert [p.name for p in school.parent.iterdir()] == ["signage.toml"]


def test_a_first_config_is_made_from_an_empty_form(qtbot, tmp_path: Path):
    path = tmp_path / "signage" / "signage.toml"  # the folder does not exist yet either
    window = open_window(qtbot, path)
    field(window, "school", "name").edit.setText("みらい小学校")
    window.nav.setCurrentRow(3)
    window.sources.kind.setCurrentIndex(window.sources.kind.findData("ics"))
    window.sources._add()
    url = window.sources.form.fields["url"]  # type: ignore[union-attr]
    url.edit.setText("https://example.org/school.ics")  # type: ignore[attr-defined]
    assert window.summary.text() == "問題ありません"
    assert window.save() is True
    _, issues = check_text(path.read_text(encoding="utf-8"), str(path), path.parent)
    assert issues == []
    assert path.read_text(encoding="utf-8") == (
        '[school]\nname = "みらい小学校"\n\n[[sources]]\nid = "ics-1"\nkind = "ics"\n'
        'role = "events"\nurl = "https://example.org/school.ics"\n'
    )


def test_a_login_is_written_key_by_key_and_removed_whole(qtbot, school: Path):
    window = open_window(qtbot, school)
    page = window.sources
    page.list.setCurrentRow(2)  # staff-out
    kind = page.auth_form.fields["type"]
    kind.combo.setCurrentIndex(kind.combo.findData("bearer"))  # type: ignore[attr-defined]
    assert window.document is not None
    assert window.document.get("sources[2].auth") == {"type": "bearer"}
    assert "sources[2].auth" in window.issue_list.item(0).text()  # bearer needs env or file
    env = page.auth_form.fields["env"]
    env.edit.setText("STAFF_TOKEN")  # type: ignore[attr-defined]
    assert window.document.get("sources[2].auth") == {"type": "bearer", "env": "STAFF_TOKEN"}
    assert window.summary.text() == "問題ありません"
    env.edit.setText("")  # type: ignore[attr-defined]
    kind.combo.setCurrentIndex(0)  # type: ignore[attr-defined]  # （書かない）: no login
    assert window.document.get("sources[2].auth") is None
    assert not window.document.changed
