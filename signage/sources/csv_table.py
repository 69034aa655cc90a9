"""CSV exports (校務支援システム, 欠席連絡): columns by header name, Shift_JIS or UTF-8.

Japanese systems mostly write CP932 (Windows' Shift_JIS); newer ones UTF-8, often with a BOM.
`encoding = "auto"` tells them apart: a text that is valid UTF-8 is UTF-8, anything else CP932.
Rows are numbered by the file's line where they start, as a spreadsheet shows them, so a
warning can be found; a quoted field may span lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from datetime import datetime
from typing import Any

from signage.config.keys import Key
from signage.config.model import ROLE_FIELDS
from signage.errors import ParseError
from signage.model import Item, Skip
from signage.skips import skip_of
from signage.sources.base import Parsed, Source, too_many
from signage.sources.fields import FIELDS, VALUES, Mapper, normalise
from signage.sources.html_body import BODY_FORMAT
from signage.sources.kind import Kind

# What the admin means by "Shift_JIS": Windows writes CP932, its superset (①, ㈱, 髙 …).
_CP932_ALIASES = {"shift_jis", "shift-jis", "sjis", "s_jis", "x-sjis", "ms_kanji", "cp932"}
# Without one of these columns no row can make an item: the export is not what we expect.
_REQUIRED = {"notices": ("title",), "absences": ("class",)}
_EVENT_REQUIRED = ("start", "date")  # either


class CsvSource(Source):
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        text, warnings = self._decode(raw)
        first = text.partition("\n")[0]
        delimiter = "\t" if "\t" in first and "," not in first else ","  # TSV from a spreadsheet
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader, None)
            while header is not None and not any(cell.strip() for cell in header):
                header = next(reader, None)  # blank lines before the header
        except csv.Error as exc:
            raise ParseError(f"unreadable CSV: {exc}") from None
        if header is None:
            raise ParseError("empty file: no header row")
        columns = [_column(cell) for cell in header]
        mapper = Mapper(self.config, self.tz, lookup=_cell)
        self._check_header(mapper, columns, header, warnings)
        today = now.astimezone(self.tz).date()
        items: list[Item] = []
        skipped = list(self._missing_columns(columns))
        rows = 0  # beyond what the screen can show
        line = reader.line_num
        while True:
            start = line + 1
            try:
                row = next(reader, None)
            except csv.Error as exc:
                raise ParseError(f"line {start}: unreadable CSV: {exc}") from None
            line = reader.line_num
            if row is None:
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(items) >= self.max_items:
                rows += 1  # counted for the warning, not read
                continue
            record = dict(zip(columns, row, strict=False))
            try:
                item = mapper.item(record, today)
            except ValueError as exc:
                warnings.append(f"line {start} skipped: {exc}")
                skipped.append(skip_of(f"line {start}", exc))
                continue
            finally:
                for note in mapper.take_notes():
                    warnings.append(f"line {start}: {note}")
                    skipped.append(skip_of(f"line {start}", note, kept=True))
            if item is not None:
                items.append(item)
        if rows:
            warnings.append(too_many(len(items), len(items) + rows))
        return Parsed(tuple(items), tuple(warnings), tuple(skipped))

    def _decode(self, raw: bytes) -> tuple[str, list[str]]:
        name = self.config.encoding.lower()
        if name == "auto":
            if raw.startswith(codecs.BOM_UTF8):
                name = "utf-8-sig"
            else:
                try:
                    return raw.decode("utf-8"), []
                except UnicodeDecodeError:
                    name = "cp932"
        elif name in _CP932_ALIASES:
            name = "cp932"
        elif name in ("utf-8", "utf8"):
            name = "utf-8-sig"  # a BOM is never data
        try:
            return raw.decode(name), []
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            warning = f"line {line} and maybe others: bytes that are not {name} shown as �"
            return raw.decode(name, errors="replace"), [warning]
        except LookupError:
            raise ParseError(f"unknown encoding {name!r}") from None

    def _check_header(
        self, mapper: Mapper, columns: list[str], header: list[str], warnings: list[str]
    ) -> None:
        """A missing required column fails the whole file (the last good data stays);
        a missing optional one that `fields` names is a warning."""
        present = set(columns)
        role = self.config.role
        required = _REQUIRED.get(role, _EVENT_REQUIRED)
        if not any(_column(mapper.column(name)) in present for name in required):
            wanted = " or ".join(_described(mapper.column(name), name) for name in required)
            # The header's cells are not quoted: a wrong `url` (a file that is not a CSV, such
            # as /etc/passwd) would put its first line into the log and the heartbeat.
            count = len(header)
            raise ParseError(
                f"no column {wanted} in the header (its first row has {count} column"
                f"{'s' if count != 1 else ''}; is this the right file?)"
            )
        for name, column in self.config.fields.items():
            if name in ROLE_FIELDS.get(role, ()) and _column(column) not in present:
                warnings.append(f"no column {_described(column, name)} in the header")

    def _missing_columns(self, columns: list[str]) -> list[Skip]:
        """The columns `fields` names that the header lacks: every row is shown without them
        (a body left empty), so the admin hears of it once, as "header"."""
        present, role = set(columns), self.config.role
        return [
            Skip("header", "skip.no_column", (("field", column),), kept=True)
            for name, column in self.config.fields.items()
            if name in ROLE_FIELDS.get(role, ()) and _column(column) not in present
        ]


def _column(name: str) -> str:
    """Header names compared loosely: full-width, case and spaces aside."""
    return normalise(name.lstrip("\ufeff")).casefold()


def _cell(record: Any, name: str) -> Any:
    return record.get(_column(name))


def _described(column: str, name: str) -> str:
    return f'"{column}"' if column == name else f'"{column}" ({name})'


ENCODING_NAMES = ("auto", "utf-8", "utf-8-sig", "cp932", "shift_jis", "euc-jp", "iso-2022-jp")
ENCODING = Key(
    "encoding",
    "text",
    help=(
        "CSV の文字コード（auto, utf-8, cp932 …）",
        "CSV encoding",
    ),
    doc=(
        (
            '`"auto"` は UTF-8（BOM 有無とも）か Shift_JIS（CP932）を自動で判別。`"cp932"`・`"u'
            'tf-8"` なども可（`"shift_jis"` は CP932 として読む）。'
        ),
        (
            '`"auto"` tells UTF-8 (with or without BOM) from CP932; or a codec name (`"shift_ji'
            's"` reads as CP932).'
        ),
    ),
    shown_type="文字列 text",
    default='`"auto"`',
    example='`"cp932"`',
    examples=ENCODING_NAMES,
)
KIND = Kind(
    "csv",
    ("書き出したファイル", "exported tables"),
    CsvSource,
    keys=(FIELDS, VALUES, BODY_FORMAT, ENCODING),
)
