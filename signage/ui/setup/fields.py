"""One input per config key, chosen from the key's spec type: a list for choices, pickers
for times and dates, a box for a boolean, the days of the week as seven boxes.

A field holds no rules of its own: it reports the value typed (None: leave the key out, so
the default applies) and the checker says whether it is allowed.
"""

from __future__ import annotations

import tomllib
from typing import Any

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from signage.config.edit import show_value
from signage.config.keys import Key
from signage.messages import screen

WEEKDAY_TOKENS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Field(QWidget):
    """A key's input. `changed` carries the new value (None: not written)."""

    changed = Signal(object)

    def __init__(self, key: Key) -> None:
        super().__init__()
        self.key = key
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.setObjectName(key.name)

    def load(self, value: Any) -> None:
        """Show `value` (as read from the file) without reporting a change."""
        self.blockSignals(True)
        try:
            self.show_value(value)
        finally:
            self.blockSignals(False)

    def show_value(self, value: Any) -> None:
        raise NotImplementedError

    def report(self, *_: object) -> None:
        self.changed.emit(self.value())

    def value(self) -> Any:
        raise NotImplementedError


class TextField(Field):
    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.edit = QLineEdit()
        if key.example:  # the docs' first example, without TOML's quotes (typed without them)
            first = key.example.split("`, `")[0].replace("`", "")
            self.edit.setPlaceholderText(first.strip("'\""))
        self.row.addWidget(self.edit)
        self.edit.textChanged.connect(self.report)

    def show_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def value(self) -> Any:
        text = self.edit.text()
        return text if text or self.key.required else None


class ChoiceField(Field):
    """A list of the spec's choices; the first line (既定) leaves the key out."""

    def __init__(self, key: Key, choices: tuple[str, ...]) -> None:
        super().__init__(key)
        self.combo = QComboBox()
        if not key.required:
            self.combo.addItem(screen("setup.default"), None)
        for choice in choices:
            self.combo.addItem(choice, choice)
        self.row.addWidget(self.combo)
        self.combo.currentIndexChanged.connect(self.report)

    def show_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index < 0 and value is not None:  # a value the spec does not offer: shown as it is
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))

    def value(self) -> Any:
        return self.combo.currentData()


class NumberField(Field):
    """Integer or number, typed (an empty box: the default). A line, not a spin box, so that
    "not written" stays possible and the checker's message explains a bad value."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.edit = QLineEdit()
        self.edit.setMaximumWidth(160)
        default = key.default.replace("`", "")
        self.edit.setPlaceholderText(screen("setup.default_is", value=default) if default else "")
        self.row.addWidget(self.edit)
        self.row.addStretch(1)
        self.edit.textChanged.connect(self.report)

    def show_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return text  # written as text: the checker says it is not a number
        if self.key.type == "integer" or (number.is_integer() and "." not in text):
            return int(number) if number.is_integer() else number
        return number


class BoolField(Field):
    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.box = QCheckBox()
        self.row.addWidget(self.box)
        self.row.addStretch(1)
        self.box.toggled.connect(self.report)
        # The spec's help reads in TOML's words ("false: …"): the box says which it writes.
        self.box.toggled.connect(lambda on: self.box.setText("true" if on else "false"))
        self.written = False

    def show_value(self, value: Any) -> None:
        self.written = value is not None
        default = self.key.default.replace("`", "") == "true"
        self.box.setChecked(bool(value) if value is not None else default)
        self.box.setText("true" if self.box.isChecked() else "false")

    def value(self) -> Any:
        return self.box.isChecked()


class TimeField(Field):
    """A time picker; for a key that may be left out, a box to write it at all."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.use = QCheckBox(screen("setup.use"))
        self.time = QTimeEdit()
        self.time.setDisplayFormat("H:mm")
        if not key.required:
            self.row.addWidget(self.use)
        self.row.addWidget(self.time)
        self.row.addStretch(1)
        self.use.toggled.connect(self.time.setEnabled)
        self.use.toggled.connect(self.report)
        self.time.timeChanged.connect(self.report)

    def show_value(self, value: Any) -> None:
        parsed = _time(value)
        self.use.setChecked(value is not None or self.key.required)
        self.time.setEnabled(self.use.isChecked())
        self.time.setTime(parsed or QTime(8, 0))

    def value(self) -> Any:
        if not self.use.isChecked():
            return None
        return self.time.time().toString("H:mm")


class DaysField(Field):
    """The days of the week, 月 to 日, as seven boxes; written as mon … sun."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.boxes = [QCheckBox(name) for name in screen("setup.weekdays")]
        for box in self.boxes:
            self.row.addWidget(box)
            box.toggled.connect(self.report)
        self.row.addStretch(1)

    def show_value(self, value: Any) -> None:
        from signage.config.spec import DAY_NAMES

        chosen = {DAY_NAMES.get(str(day).strip().lower()) for day in value or ()}
        if value is None:
            chosen = set(range(5))
        for index, box in enumerate(self.boxes):
            box.setChecked(index in chosen)

    def value(self) -> Any:
        return [WEEKDAY_TOKENS[i] for i, box in enumerate(self.boxes) if box.isChecked()]


class DatesField(Field):
    """Closure days: a list of dates and ranges, added with two date pickers."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        column = QVBoxLayout()
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        column.addWidget(self.list)
        pickers = QHBoxLayout()
        self.first, self.last = QDateEdit(), QDateEdit()
        for picker in (self.first, self.last):
            picker.setCalendarPopup(True)
            picker.setDisplayFormat("yyyy-MM-dd")
            picker.setDate(QDate.currentDate())
        add = QPushButton(screen("setup.add_days"))
        remove = QPushButton(screen("setup.remove"))
        for widget in (self.first, self.last, add, remove):
            pickers.addWidget(widget)
        pickers.insertWidget(1, _tilde())
        pickers.addStretch(1)
        column.addLayout(pickers)
        self.row.addLayout(column)
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)

    def add(self) -> None:
        first = self.first.date().toString("yyyy-MM-dd")
        last = self.last.date().toString("yyyy-MM-dd")
        self.list.addItem(first if last <= first else f"{first}..{last}")
        self.report()

    def remove(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self.report()

    def show_value(self, value: Any) -> None:
        self.list.clear()
        for day in value or ():
            self.list.addItem(str(day))

    def value(self) -> Any:
        days = [self.list.item(i).text() for i in range(self.list.count())]
        return days or None


class ListField(Field):
    """Any other list, written comma-separated."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(screen("setup.comma_separated"))
        self.row.addWidget(self.edit)
        self.edit.textChanged.connect(self.report)

    def show_value(self, value: Any) -> None:
        self.edit.setText(", ".join(str(v) for v in value or ()))

    def value(self) -> Any:
        parts = [part.strip() for part in self.edit.text().split(",") if part.strip()]
        return parts or None


class TomlField(Field):
    """A small table (auth, fields, values) as a TOML inline table: `{ type = "bearer" }`."""

    def __init__(self, key: Key) -> None:
        super().__init__(key)
        self.edit = QLineEdit()
        if key.example:
            self.edit.setPlaceholderText(key.example.replace("`", "").split(",  ")[0])
        self.row.addWidget(self.edit)
        self.edit.textChanged.connect(self.report)

    def show_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else show_value(value))

    def value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            return text  # the checker says it is not a table


def make_field(key: Key, choices: tuple[str, ...] = ()) -> Field:
    """The input for `key`; `choices` overrides the spec's (a source's roles by its kind)."""
    if key.choices or choices:
        return ChoiceField(key, choices or key.choices)
    if key.type == "boolean":
        return BoolField(key)
    if key.type in ("integer", "number"):
        return NumberField(key)
    if key.type == "time":
        return TimeField(key)
    if key.type == "array" and key.item is not None and key.item.name == "weekday":
        return DaysField(key)
    if key.type == "array" and key.item is not None and key.item.name == "day":
        return DatesField(key)
    if key.type == "array":
        return ListField(key)
    if key.type == "table":
        return TomlField(key)
    return TextField(key)


def _time(value: Any) -> QTime | None:
    if value is None:
        return None
    text = str(value)
    for form in ("H:mm", "HH:mm", "HH:mm:ss"):
        parsed = QTime.fromString(text, form)
        if parsed.isValid():
            return parsed
    return None


def _tilde() -> QWidget:
    from PySide6.QtWidgets import QLabel

    return QLabel("〜")
