"""A TOML syntax error as the person who wrote the file can act on it.

tomllib says "Invalid value (at line 4, column 9)"; the admin wrote `start = 8:40`, a full-width
`＝` or a quote left open. This names the mistake in the admin's language, on the line where it
is, with the fix for the common ones. Pure: text in, (line, column, message) out.
"""

from __future__ import annotations

import re
import unicodedata

from signage.messages import text

_AT = re.compile(r"^(.*) \(at line (\d+), column (\d+)\)$", re.DOTALL)

# tomllib's words, in Japanese (English keeps tomllib's own).
_DETAILS_JA = (
    ("Expected newline or end of document after a statement", "値の後ろに続きがあります"),
    ("Expected '=' after a key in a key/value pair", "キーの後ろに半角の「=」がありません"),
    ("Unterminated string", "文字列の引用符が閉じていません"),
    ("Illegal character '\\n'", "文字列の途中で行が終わっています"),
    ("Invalid value", "値として読めません"),
    ("Expected ']' at the end of a table declaration", "[ ] の閉じかっこがありません"),
    ("Expected ']]' at the end of an array declaration", "[[ ]] の閉じかっこがありません"),
    ("Cannot overwrite a value", "同じキーが二度書かれています"),
    ("Cannot declare", "同じ表が二度書かれています"),
    ("Unclosed array", "配列の閉じかっこ「]」がありません"),
    ("Unclosed inline table", "{ } の閉じかっこがありません"),
    ("Invalid initial character for a key part", "キーに使えない文字で始まっています"),
    ("Illegal character", "使えない文字があります"),
)

_TIME = re.compile(r"^\s*([\w.\-\"']+)\s*=\s*(\d{1,2}\s*[:：]\s*\d{2}(?:[:：]\d{2})?)\s*(#.*)?$")
_DATE = re.compile(
    r"^\s*([\w.\-\"']+)\s*=\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)\s*(#.*)?$"
)
_TEXT = re.compile(r"^\s*([\w.\-\"']+)\s*=\s*([^\"'\[{\s#0-9+\-tfin][^#]*?)\s*(#.*)?$")
_CURLY = "“”‘’＂"


def describe(source: str, error: str, lang: str) -> tuple[int, int, str]:
    """Where the syntax error of `source` is (line, column) and what to do, in `lang`."""
    lines = source.splitlines() or [""]
    found = _AT.match(error)
    if found:
        detail, line, column = found.group(1), int(found.group(2)), int(found.group(3))
    else:  # "(at end of document)": an unclosed quote or bracket, somewhere above
        detail = error.removesuffix(" (at end of document)")
        line, column = len(lines), len(lines[-1]) + 1
        opened = _open_quote_line(lines)
        if opened is not None:
            line, column = opened, 1
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = _duplicate(detail, written, lang) or _hint(written, lang)
    if lang == "ja":
        detail = next((ja for en, ja in _DETAILS_JA if detail.startswith(en)), detail)
    message = text(lang, "toml_syntax", column=column, detail=detail)
    return line, column, message + (hint or text(lang, "toml_look_for"))


def _duplicate(detail: str, written: str, lang: str) -> str:
    """A key or a [table] written twice: which one, and what to do."""
    if detail.startswith("Cannot overwrite a value"):
        key = written.split("=", 1)[0].strip()
        return text(lang, "toml_duplicate_key", key=key) if key else ""
    if detail.startswith("Cannot declare"):
        return text(lang, "toml_duplicate_table", table=written.strip())
    return ""


def _hint(written: str, lang: str) -> str:
    """The fix for a common mistake on this line, or ""."""
    if "＝" in written:
        return text(lang, "toml_fullwidth_equals")
    if "\u3000" in written.split("=", 1)[0]:
        return text(lang, "toml_fullwidth_space")
    if any(mark in written for mark in _CURLY):
        return text(lang, "toml_curly_quotes")
    if found := _TIME.match(written):
        key, value = (
            found.group(1),
            unicodedata.normalize("NFKC", re.sub(r"\s", "", found.group(2))),
        )
        return text(lang, "toml_unquoted_time", key=key, value=value)
    if found := _DATE.match(written):
        return text(lang, "toml_unquoted_date", key=found.group(1), value=found.group(2).strip())
    if _quotes(written) % 2:
        return text(lang, "toml_missing_quote")
    if found := _TEXT.match(written):
        value = found.group(2)
        if value not in ("true", "false") and not value.startswith(("inf", "nan")):
            return text(lang, "toml_unquoted_text", key=found.group(1), value=value)
    return ""


def _quotes(line: str) -> int:
    """Double quotes on a line, outside a comment, not escaped."""
    count, inside = 0, False
    previous = ""
    for char in line:
        if char == "#" and not inside:
            break
        if char == '"' and previous != "\\":
            count += 1
            inside = not inside
        previous = char
    return count


def _open_quote_line(lines: list[str]) -> int | None:
    """The first line that opens a string it does not close (outside multi-line strings)."""
    for number, line in enumerate(lines, start=1):
        if '"""' in line or "'''" in line:
            return None  # a multi-line string: no guessing
        if _quotes(line) % 2:
            return number
    return None
