"""The setup window: the sections of the config as pages, every change checked at once with
`signage check`'s messages, the preview beside, and a save that refuses a file with errors.

All the rules are the document's (signage.config.edit) and the checker's; the window only
shows them. A file that is not valid TOML opens as its text with the broken line marked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFontDatabase,
    QKeySequence,
    QShortcut,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from signage.config import Config
from signage.config.edit import BrokenFile, Document, EditError
from signage.config.keys import Key
from signage.config.model import Issue, KeyPath
from signage.config.spec import KIND_ROLES, SCHEDULE_KEYS, TOP
from signage.messages import screen
from signage.ui.setup.form import EntryGrid, KeyForm
from signage.ui.setup.preview import Preview
from signage.ui.setup.sources import SKIPPED_COLOR, WARNING_COLOR, SourcesPage
from signage.ui.setup.trial import Tried, TrySource

# The sections as configs/README.md has them: (title, the top-level keys they hold).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("setup.section.school", ("school", "visits")),
    ("setup.section.display", ("display",)),
    ("setup.section.bell", ("bell",)),
    ("setup.section.sources", ("sources",)),
    ("setup.section.panels", ("panels",)),
    ("setup.section.network", ("network",)),
)


class SetupWindow(QMainWindow):
    def __init__(self, path: Path, try_source: TrySource | None, lang: str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.lang = lang
        self.try_source = try_source
        self.document: Document | None = None
        self.config: Config | None = None
        self.tried: dict[str, Tried] = {}
        self.issues: list[Issue] = []
        self.ask_on_close = True
        self.resize(1600, 1000)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.reopen()

    # --- opening ------------------------------------------------------------------------

    def reopen(self) -> None:
        try:
            if self.path.exists():
                self.document = Document.open(self.path, self.lang)
            else:
                self.document = Document(self.path, "", self.lang)
        except BrokenFile as broken:
            self.document = None
            self.setCentralWidget(BrokenView(broken, self.path, self.reopen))
            self.setWindowTitle(screen("setup.title", file=self.path.name, mark=""))
            return
        self._build()
        self.reload()
        self.preview.refresh()  # the first picture at once, not after the typing pause

    def _build(self) -> None:
        self.forms: list[KeyForm] = []
        self.grids: dict[str, EntryGrid] = {}
        self.preview = Preview()
        self.pages = QStackedWidget()
        self.nav = QListWidget()
        self.nav.setFixedWidth(170)
        self.nav.setStyleSheet(
            "QListWidget { font-size: 16px; } QListWidget::item { padding: 8px; }"
        )
        for title, names in SECTIONS:
            self.nav.addItem(screen(title))
            self.pages.addWidget(self._page(names))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.issue_list = QListWidget()
        self.issue_list.setStyleSheet("QListWidget::item { padding: 3px; }")
        self.issue_list.itemActivated.connect(self._go_to_issue)
        self.issue_list.itemClicked.connect(self._go_to_issue)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.save_button = QPushButton(screen("setup.save"))
        self.save_button.setMinimumWidth(140)
        self.save_button.clicked.connect(self.save)
        self.saved_note = QLabel()

        bottom = QWidget()
        rows = QVBoxLayout(bottom)
        rows.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.saved_note)
        head.addWidget(self.save_button)
        rows.addLayout(head)
        rows.addWidget(self.issue_list)

        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(self.pages)
        centre.addWidget(bottom)
        centre.setStretchFactor(0, 5)
        centre.setStretchFactor(1, 1)
        centre.setSizes([760, 140])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(centre)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([900, 560])
        whole = QWidget()
        outer = QVBoxLayout(whole)
        new = not self.path.exists()
        header = QLabel(screen("setup.file_new" if new else "setup.file", path=self.path))
        header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header.setStyleSheet("color: #444444; padding: 2px 4px;")
        outer.addWidget(header)
        line = QHBoxLayout()
        line.addWidget(self.nav)
        line.addWidget(split, 1)
        outer.addLayout(line, 1)
        self.setCentralWidget(whole)

    def _page(self, names: tuple[str, ...]) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        for name in names:
            key = TOP[name]
            assert key.table is not None
            if name == "sources":
                self.sources = SourcesPage(
                    self.edit,
                    self._add_source,
                    lambda index: self._structure(lambda d: d.remove_entry("sources", index)),
                    lambda: self.config,
                    self.try_source,
                    self._tried,
                    self.preview.show_panel,
                )
                return self.sources
            if name == "panels":
                column.addWidget(_heading(screen("setup.panels_help")))
                column.addWidget(self._grid("panels", key.table), 1)
                continue
            plain = [k for k in key.table if k.type != "tables"]
            if name == "display":  # 表示する時間 first, as the docs have it
                first = [k for k in plain if k.name in SCHEDULE_KEYS]
                plain = [k for k in plain if k.name not in SCHEDULE_KEYS]
                column.addWidget(self._form(name, first, screen("setup.section.display")))
            column.addWidget(self._form(name, plain, key.help[0]))
            for sub in key.table:
                if sub.type == "tables" and sub.table is not None:
                    column.addWidget(_heading(sub.help[0]))
                    column.addWidget(self._grid(f"{name}.{sub.name}", sub.table), 1)
        column.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _form(self, name: str, keys: list[Key], title: str) -> QWidget:
        form = KeyForm(keys, (name,), self.edit)
        self.forms.append(form)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_heading(title))
        column.addWidget(form)
        return box

    def _grid(self, name: str, table: Any) -> EntryGrid:
        at: KeyPath = tuple(name.split("."))
        # A new row starts with a valid choice where there is one (a panel: today), else with
        # its first key empty for the admin to fill in (a period's label).
        start = {key.name: key.choices[0] for key in table.keys if key.choices}
        start = start or {table.keys[0].name: ""}
        grid = EntryGrid(
            table,
            at,
            self.edit,
            lambda: self._structure(lambda d: d.add_entry(name, dict(start))),
            lambda row: self._structure(lambda d: d.remove_entry(name, row)),
            lambda row, to: self._structure(lambda d: d.move_entry(name, row, to)),
        )
        grid.setMinimumHeight(260)
        if name == "panels":  # the preview follows the panel chosen in the list
            grid.grid.currentCellChanged.connect(lambda row, *_: self._show_panel_row(row))
        self.grids[name] = grid
        return grid

    # --- editing ------------------------------------------------------------------------

    def reload(self) -> None:
        """Every page from the document (after opening, or a change to a list's entries)."""
        document = self.document
        assert document is not None
        for form in self.forms:
            form.load(document.get(form.at) or {})
        for name, grid in self.grids.items():
            grid.load(document.entries(name))
        self.sources.load(document.entries("sources"))
        self.recheck()

    def edit(self, path: KeyPath, value: Any) -> None:
        if self.document is None:
            return
        try:
            self.document.set(path, value)
        except EditError as error:
            self.saved_note.setText(str(error))
            return
        if path[0] == "sources" and isinstance(path[1], int):
            self.sources.entry_changed(path[1], self.document.entries("sources"))
        self.recheck()

    def _structure(self, change: Callable[[Document], object]) -> None:
        if self.document is not None:
            change(self.document)
            self.reload()

    def _add_source(self, kind: str) -> int:
        assert self.document is not None
        taken = {str(entry.get("id")) for entry in self.document.entries("sources")}
        number = 1
        while f"{kind}-{number}" in taken:
            number += 1
        index = self.document.add_entry(
            "sources",
            {"id": f"{kind}-{number}", "kind": kind, "role": KIND_ROLES[kind][0], "url": ""},
        )
        self.reload()
        return index

    def _show_panel_row(self, row: int) -> None:
        if self.document is not None and 0 <= row < len(self.document.entries("panels")):
            self.preview.show_panel(str(self.document.entries("panels")[row].get("kind")))

    def _tried(self, source_id: str, tried: Tried) -> None:
        self.tried[source_id] = tried
        self.preview.show_config(self.config, self.tried)

    def recheck(self) -> None:
        assert self.document is not None
        self.config, self.issues = self.document.check()
        by_key: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_key.setdefault(issue.key, []).append(issue)
        for form in self.forms:
            form.mark(by_key)
        for grid in self.grids.values():
            grid.mark(by_key)
        self.sources.mark(by_key)
        self.issue_list.clear()
        errors = sum(issue.severity == "error" for issue in self.issues)
        warnings = len(self.issues) - errors
        for issue in self.issues:
            label = "setup.issue_error" if issue.severity == "error" else "setup.issue_warning"
            item = QListWidgetItem(
                screen(label, line=issue.line, key=issue.key, message=issue.message)
            )
            item.setForeground(SKIPPED_COLOR if issue.severity == "error" else WARNING_COLOR)
            item.setData(Qt.ItemDataRole.UserRole, issue.key)
            self.issue_list.addItem(item)
        if errors:
            self.summary.setText(screen("setup.has_errors", errors=errors, warnings=warnings))
            self.summary.setStyleSheet("font-size: 15px; font-weight: bold; color: #b3261e;")
        else:
            key = "setup.no_problems_warnings" if warnings else "setup.no_problems"
            self.summary.setText(screen(key, warnings=warnings))
            self.summary.setStyleSheet("font-size: 15px; font-weight: bold; color: #1e6b35;")
        changed = self.document.changed
        self.save_button.setEnabled(changed and not errors)
        mark = " *" if changed else ""
        self.setWindowTitle(screen("setup.title", file=self.path.name, mark=mark))
        self.preview.show_config(self.config, self.tried)

    def _go_to_issue(self, item: QListWidgetItem) -> None:
        key = str(item.data(Qt.ItemDataRole.UserRole))
        top = key.split(".")[0].split("[")[0]
        for row, (_, names) in enumerate(SECTIONS):
            if top in names:
                self.nav.setCurrentRow(row)

    # --- saving -------------------------------------------------------------------------

    def save(self) -> bool:
        """Write the file unless it has errors; whether it was written."""
        if self.document is None:
            return False
        try:
            errors = self.document.save()
        except OSError as error:  # a read-only file, a folder without the right to write
            self.saved_note.setText(screen("setup.save_failed", error=error.strerror or error))
            return False
        if errors:
            self.saved_note.setText(screen("setup.not_saved", count=len(errors)))
            return False
        when = QDateTime.currentDateTime().toString("H:mm")
        self.saved_note.setText(screen("setup.saved", time=when))
        self.recheck()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if self.ask_on_close and self.document is not None and self.document.changed:
            answer = QMessageBox.question(
                self,
                screen("setup.unsaved_title"),
                screen("setup.unsaved"),
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self.save()
            ):
                event.ignore()
                return
        if self.document is not None:
            self.sources.close_pool()
        event.accept()


class BrokenView(QWidget):
    """A file that is not TOML: where and why, and its text with that line marked."""

    def __init__(self, broken: BrokenFile, path: Path, reopen: Callable[[], None]) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        issue = broken.issue
        self.message = QLabel(
            screen("setup.broken", file=path.name, line=issue.line, message=issue.message)
        )
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16px; color: #b3261e;")
        column.addWidget(self.message)
        numbered = broken.raw.splitlines() or [""]
        width = len(str(len(numbered)))
        self.text = QPlainTextEdit(
            "\n".join(f"{n:>{width}} │ {line}" for n, line in enumerate(numbered, start=1))
        )
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        block = self.text.document().findBlockByNumber(max(issue.line - 1, 0))
        cursor = QTextCursor(block)
        marked = QTextEdit.ExtraSelection()
        marked.cursor = cursor  # type: ignore[attr-defined]
        marked.format.setBackground(QColor("#fde2e1"))  # type: ignore[attr-defined]
        marked.format.setProperty(QTextFormat.Property.FullWidthSelection, True)  # type: ignore[attr-defined]
        self.text.setExtraSelections([marked])
        self.text.setTextCursor(cursor)
        self.text.centerCursor()
        column.addWidget(self.text, 1)
        row = QHBoxLayout()
        hint = QLabel(screen("setup.broken_hint"))
        hint.setWordWrap(True)
        again = QPushButton(screen("setup.reopen"))
        again.clicked.connect(reopen)
        row.addWidget(hint, 1)
        row.addWidget(again)
        column.addLayout(row)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 17px; font-weight: bold; margin-top: 8px;")
    label.setWordWrap(True)
    return label
