"""情報源: the sources as a list to add to and remove from, the selected one's keys (those its
kind reads), and 「取得してみる」, which fetches it once and lists what would appear and what
would be skipped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from signage.config import Config
from signage.config.model import Issue
from signage.config.spec import KIND_ROLES, SOURCE_KINDS, SOURCES
from signage.messages import screen
from signage.ui.setup.form import Edit, KeyForm
from signage.ui.setup.trial import Tried, TrySource, describe

SKIPPED_COLOR = QColor("#b3261e")
WARNING_COLOR = QColor("#8a5a00")


class SourcesPage(QWidget):
    def __init__(
        self,
        edit: Edit,
        add: Callable[[str], int],
        remove: Callable[[int], None],
        config: Callable[[], Config | None],
        try_source: TrySource | None,
        tried: Callable[[str, Tried], None],
        show_role: Callable[[str], None] = lambda role: None,
    ) -> None:
        super().__init__()
        self.edit, self.add_source, self.remove_source = edit, add, remove
        self.config, self.try_source, self.tried = config, try_source, tried
        self.show_role = show_role
        self.entries: list[dict[str, Any]] = []
        self.form: KeyForm | None = None
        self.form_kind: tuple[int, str] | None = None
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Future[Tried] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._poll)

        row = QHBoxLayout(self)
        side = QVBoxLayout()
        self.list = QListWidget()
        self.list.setMinimumWidth(240)
        self.list.setMaximumWidth(320)
        self.list.setStyleSheet("QListWidget::item { padding: 4px; }")
        self.list.currentRowChanged.connect(self._select)
        side.addWidget(self.list)
        adding = QHBoxLayout()
        self.kind = QComboBox()
        for kind in SOURCE_KINDS:
            self.kind.addItem(kind, kind)
        add_button = QPushButton(screen("setup.add_source"))
        add_button.clicked.connect(self._add)
        remove_button = QPushButton(screen("setup.remove"))
        remove_button.clicked.connect(self._remove)
        adding.addWidget(self.kind)
        adding.addWidget(add_button)
        adding.addWidget(remove_button)
        side.addLayout(adding)
        row.addLayout(side, 1)

        detail = QVBoxLayout()
        self.detail_area = QScrollArea()
        self.detail_area.setWidgetResizable(True)
        detail.addWidget(self.detail_area, 5)
        trying = QHBoxLayout()
        self.try_button = QPushButton(screen("setup.try"))
        self.try_button.clicked.connect(self._try)
        self.try_button.setEnabled(try_source is not None)
        self.try_state = QLabel("")
        self.try_state.setWordWrap(True)
        trying.addWidget(self.try_button)
        trying.addWidget(self.try_state, 1)
        detail.addLayout(trying)
        self.results = QListWidget()
        self.results.setStyleSheet("QListWidget::item { padding: 2px; }")
        detail.addWidget(self.results, 2)
        row.addLayout(detail, 2)

    # --- the list -----------------------------------------------------------------------

    def load(self, entries: Sequence[Mapping[str, Any]]) -> None:
        current = max(self.list.currentRow(), 0)
        self.entries = [dict(entry) for entry in entries]
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self.entries:
            self.list.addItem(_entry_label(entry))
        self.list.blockSignals(False)
        if self.entries:
            self.list.setCurrentRow(min(current, len(self.entries) - 1))
            self._show_form(self.list.currentRow())
        else:
            self._show_form(None)

    def _add(self) -> None:
        index = self.add_source(str(self.kind.currentData()))
        self.list.setCurrentRow(index)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.remove_source(row)

    def _select(self, row: int) -> None:
        self._show_form(row if 0 <= row < len(self.entries) else None)
        if 0 <= row < len(self.entries) and self.isVisible():  # chosen by the admin
            self.show_role(str(self.entries[row].get("role", "")))

    def _show_form(self, row: int | None) -> None:
        if row is None:
            self.form, self.form_kind = None, None
            self.detail_area.setWidget(QLabel(screen("setup.no_sources")))
            return
        entry = self.entries[row]
        kind = str(entry.get("kind", ""))
        if self.form is None or self.form_kind != (row, kind):
            keys = [k for k in SOURCES if (not k.kinds or kind in k.kinds) and k.name != "auth"]
            roles = {"role": KIND_ROLES.get(kind, ())}
            self.form = KeyForm(keys, ("sources", row), self._edit, roles)
            # The login, key by key: its type may be left out (no login), so it is not marked
            # 必須 here; the checker says so when a login is written without its type.
            auth = SOURCES["auth"]
            assert auth.table is not None
            auth_keys = [replace(k, required=False) for k in auth.table]
            self.auth_form = KeyForm(auth_keys, ("sources", row, "auth"), self._edit)
            box = QWidget()
            column = QVBoxLayout(box)
            column.addWidget(self.form)
            heading = QLabel(auth.help[0])
            heading.setStyleSheet("font-weight: bold; margin-top: 6px;")
            column.addWidget(heading)
            column.addWidget(self.auth_form)
            column.addStretch(1)
            self.form_kind = (row, kind)
            self.detail_area.setWidget(box)
            self.results.clear()
            self.try_state.setText("")
        self.form.load(entry)
        self.auth_form.load(entry.get("auth") or {})
        item = self.list.item(row)
        if item is not None:
            item.setText(_entry_label(entry))

    def entry_changed(self, row: int, entries: Sequence[Mapping[str, Any]]) -> None:
        """A key of entry `row` was edited: its label, and its form when its kind changed
        (a csv source reads other keys than an ics one)."""
        self.entries = [dict(entry) for entry in entries]
        item = self.list.item(row)
        if item is not None:
            item.setText(_entry_label(self.entries[row]))
        if self.form_kind is not None and self.form_kind[1] != self.entries[row].get("kind"):
            self._show_form(row)

    def _edit(self, path: Any, value: Any) -> None:
        self.edit(path, value)

    def mark(self, issues: Mapping[str, list[Issue]]) -> None:
        if self.form is not None:
            self.form.mark(issues)
            self.auth_form.mark(issues)
        for row in range(self.list.count()):
            prefix = f"sources[{row}]"
            bad = any(key == prefix or key.startswith(prefix + ".") for key in issues)
            item = self.list.item(row)
            item.setForeground(SKIPPED_COLOR if bad else QColor("black"))

    # --- 取得してみる ---------------------------------------------------------------------

    def _try(self) -> None:
        row = self.list.currentRow()
        config = self.config()
        if self.try_source is None or row < 0 or self.pending is not None:
            return
        if config is None:
            self.try_state.setText(screen("setup.try_fix_first"))
            return
        source_id = str(self.entries[row].get("id", ""))
        self.results.clear()
        self.try_state.setText(screen("setup.trying", source=source_id))
        self.try_button.setEnabled(False)
        self.pending_id = source_id
        self.pending = self.pool.submit(self.try_source, config, source_id)
        self.timer.start()

    def _poll(self) -> None:
        if self.pending is None or not self.pending.done():
            return
        self.timer.stop()
        future, self.pending = self.pending, None
        self.try_button.setEnabled(True)
        try:
            tried = future.result()
        except Exception as error:  # the fetch's own text says what went wrong
            self.try_state.setText(screen("setup.try_failed", error=error))
            return
        self.show_tried(tried)
        self.tried(self.pending_id, tried)

    def show_tried(self, tried: Tried) -> None:
        self.results.clear()
        self.try_state.setText(
            screen("setup.tried", shown=len(tried.items), skipped=len(tried.skipped))
        )
        for item in tried.items:
            self.results.addItem(describe(item))
        for skipped in tried.skipped:
            line = QListWidgetItem(
                screen("setup.skipped_row", where=skipped.where, reason=skipped.reason)
            )
            line.setForeground(SKIPPED_COLOR)
            self.results.addItem(line)
        for warning in tried.warnings:
            line = QListWidgetItem(screen("setup.warning_row", text=warning))
            line.setForeground(WARNING_COLOR)
            self.results.addItem(line)

    def wait(self) -> None:
        """Tests: let the fetch finish and show it."""
        if self.pending is not None:
            self.pending.result(timeout=30)
            self._poll()

    def close_pool(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _entry_label(entry: Mapping[str, Any]) -> str:
    return screen(
        "setup.source_label",
        id=entry.get("id") or "?",
        kind=entry.get("kind") or "?",
        role=entry.get("role") or "?",
    )
