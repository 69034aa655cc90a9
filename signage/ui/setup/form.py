"""A table's keys as a form (label from the spec's help, the field, the key as `check` names
it), and an array of tables (periods, panels) as a grid with a row per entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QFontDatabase, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from signage.config.keys import Key, Table
from signage.config.locate import format_key_path
from signage.config.model import Issue, KeyPath
from signage.messages import SCREEN, screen
from signage.ui.setup.fields import Field, make_field

# (key path, new value or None) -> None: the window writes it into the document.
Edit = Callable[[KeyPath, Any], None]
ERROR_STYLE = "color: #b3261e;"
CAPTION_STYLE = "color: #6b6b6b;"


class KeyForm(QWidget):
    """The keys of one table at `at`, each with its help beside it."""

    def __init__(
        self,
        keys: Iterable[Key],
        at: KeyPath,
        edit: Edit,
        choices: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__()
        self.at = at
        self.layout_ = QFormLayout(self)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.fields: dict[str, Field] = {}
        self.notes: dict[str, QLabel] = {}
        for key in keys:
            field = make_field(key, (choices or {}).get(key.name, ()))
            path = at + (key.name,)
            field.changed.connect(lambda value, path=path: edit(path, value))
            label = QLabel(key.help[0] or key.name)
            label.setWordWrap(True)
            label.setFixedWidth(230)
            mark = screen("setup.required")
            if key.required and mark not in label.text():
                label.setText(f"{label.text()}（{mark}）")
            tip = key.doc[0].replace("`", "").replace("**", "")
            label.setToolTip(tip)
            field.setToolTip(tip)
            note = QLabel(format_key_path(path))
            # The key as typed in the file (and by `config set`), in a face whose underscore
            # shows: BIZ UDPGothic's falls below a small label's line box.
            note.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            note.setStyleSheet(CAPTION_STYLE)
            note.setWordWrap(True)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(field)
            box.addWidget(note)
            self.layout_.addRow(label, box)
            self.fields[key.name] = field
            self.notes[key.name] = note

    def load(self, values: Mapping[str, Any]) -> None:
        for name, field in self.fields.items():
            field.load(values.get(name))

    def mark(self, issues: Mapping[str, list[Issue]]) -> None:
        """Show each field's issues under it (or just its key when it has none)."""
        for name, note in self.notes.items():
            shown = format_key_path(self.at + (name,))
            found = issues.get(shown, [])
            if found:
                note.setText("\n".join(f"{shown}: {issue.message}" for issue in found))
                note.setStyleSheet(ERROR_STYLE)
            else:
                note.setText(shown)
                note.setStyleSheet(CAPTION_STYLE)


class TimeDelegate(QStyledItemDelegate):
    """A time cell is edited with a time picker and written as "H:MM"; an empty cell (Delete)
    stays unwritten, as 下校's end."""

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:  # noqa: N802
        editor = QTimeEdit(parent)
        editor.setDisplayFormat("H:mm")
        return editor

    def setEditorData(self, editor: QWidget, index: Any) -> None:  # noqa: N802
        assert isinstance(editor, QTimeEdit)
        text = str(index.data() or "")
        parsed = QTime.fromString(text.zfill(5), "HH:mm")
        editor.setTime(parsed if parsed.isValid() else QTime(8, 0))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:  # noqa: N802
        assert isinstance(editor, QTimeEdit)
        model.setData(index, editor.time().toString("H:mm"))


class Grid(QTableWidget):
    """A table whose Delete key empties the chosen cells (an optional key left out)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.state() != QAbstractItemView.State.EditingState
        ):
            for item in self.selectedItems():
                item.setText("")
            return
        super().keyPressEvent(event)


class EntryGrid(QWidget):
    """An array of tables (`bell.periods`, `panels`): a row per entry, a column per key."""

    def __init__(
        self,
        table: Table,
        at: KeyPath,
        edit: Edit,
        add: Callable[[], None],
        remove: Callable[[int], None],
        move: Callable[[int, int], None],
    ) -> None:
        super().__init__()
        self.keys: Sequence[Key] = table.keys
        self.at = at
        self.edit = edit
        self.move_entry = move
        self.loading = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.grid = Grid(0, len(self.keys))
        self.times = TimeDelegate(self.grid)
        for col, key in enumerate(self.keys):
            if key.type == "time":
                self.grid.setItemDelegateForColumn(col, self.times)
        self.grid.setHorizontalHeaderLabels([key.help[0] or key.name for key in self.keys])
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.grid.verticalHeader().setVisible(True)
        self.grid.itemChanged.connect(self._changed)
        column.addWidget(self.grid)
        buttons = QHBoxLayout()
        for name, action in (
            ("setup.add_row", add),
            ("setup.remove_row", lambda: remove(self.grid.currentRow())),
            ("setup.move_up", lambda: self._move(self.move_entry, -1)),
            ("setup.move_down", lambda: self._move(self.move_entry, 1)),
        ):
            button = QPushButton(screen(name))
            button.clicked.connect(action)
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)

    def _move(self, move: Callable[[int, int], None], step: int) -> None:
        row = self.grid.currentRow()
        if row >= 0 and 0 <= row + step < self.grid.rowCount():
            move(row, row + step)
            self.grid.setCurrentCell(row + step, max(self.grid.currentColumn(), 0))

    def load(self, entries: Sequence[Mapping[str, Any]]) -> None:
        self.loading = True
        try:
            self.grid.setRowCount(len(entries))
            for row, entry in enumerate(entries):
                for col, key in enumerate(self.keys):
                    value = entry.get(key.name)
                    if key.choices:
                        self._combo(row, col, key, value)
                    else:
                        shown = "" if value is None else str(value)
                        self.grid.setItem(row, col, QTableWidgetItem(shown))
        finally:
            self.loading = False

    def _combo(self, row: int, col: int, key: Key, value: Any) -> None:
        combo = QComboBox()
        for choice in key.choices:
            combo.addItem(self.label_of(key, choice), choice)
        if value is not None and combo.findData(value) < 0:
            combo.addItem(str(value), value)
        combo.setCurrentIndex(max(combo.findData(value), 0))
        path = self.at + (row, key.name)
        combo.currentIndexChanged.connect(lambda _, c=combo, p=path: self.edit(p, c.currentData()))
        self.grid.setCellWidget(row, col, combo)

    @staticmethod
    def label_of(key: Key, choice: str) -> str:
        """A choice as listed: a panel kind with its name on screen (notices（連絡事項）)."""
        if key.name == "kind" and f"panel.{choice}" in SCREEN:
            return screen("setup.choice", value=choice, label=screen(f"panel.{choice}"))
        return choice

    def _changed(self, item: QTableWidgetItem) -> None:
        if self.loading:
            return
        key = self.keys[item.column()]
        text = item.text().strip()
        value: Any = text or None
        if value is not None and key.type in ("integer", "number"):
            try:
                number = float(text)
                value = int(number) if number.is_integer() else number
            except ValueError:
                pass  # kept as text: the checker says it is not a number
        self.edit(self.at + (item.row(), key.name), value)

    def mark(self, issues: Mapping[str, list[Issue]]) -> None:
        self.loading = True  # a tooltip or colour set is an itemChanged too, not an edit
        try:
            self._mark(issues)
        finally:
            self.loading = False

    def _mark(self, issues: Mapping[str, list[Issue]]) -> None:
        for row in range(self.grid.rowCount()):
            for col, key in enumerate(self.keys):
                shown = format_key_path(self.at + (row, key.name))
                found = issues.get(shown, [])
                item = self.grid.item(row, col)
                if item is not None:
                    item.setToolTip("\n".join(issue.message for issue in found))
                    item.setForeground(Qt.GlobalColor.red if found else Qt.GlobalColor.black)
