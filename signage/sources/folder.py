"""Notices as files in a (shared) folder: staff drop a .txt or .md file, it shows in seconds.

Each file is one notice: the first line is the title, the rest the body, the file's time the
posted time. Optional front matter between `---` lines sets priority, expires, link (or posted)
as `key: value`; values go through the same `values` map as other connectors (至急 → urgent,
重要 → high).

`fetch` (in a worker thread) lists the folder and reads the files into JSON bytes, so `parse`
stays pure and the disk cache can show the notices when the share is not reachable. A listing
that has not changed since the last fetch returns None, which the poller treats as "not
modified": nothing is parsed, redrawn or written to disk every five seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from signage.clock import Clock
from signage.config.model import SourceConfig
from signage.errors import FetchError, ParseError
from signage.files import NotRegular, TooLarge, read_regular
from signage.model import Item, Skip
from signage.skips import RowError, skip_of
from signage.sources.base import Parsed, Source
from signage.sources.fields import FIELDS, VALUES, Mapper, normalise
from signage.sources.html_body import BODY_FORMAT
from signage.sources.kind import Kind

if TYPE_CHECKING:
    import httpx

SUFFIXES = (".txt", ".md")
FILE_LIMIT = 1024 * 1024  # a notice is short; a bigger file is skipped with a warning
RACY_SECONDS = 3.0
# Front matter keys: ours, and the words a teacher is likely to write instead.
FRONT_MATTER_KEYS = ("priority", "expires", "link", "posted")
_JAPANESE_KEYS = {
    "重要度": "priority",
    "優先度": "priority",
    "期限": "expires",
    "掲載期限": "expires",
    "リンク": "link",
    "url": "link",
    "掲載日": "posted",
    "掲載日時": "posted",
}

Signature = tuple[tuple[str, int, int, int], ...]  # name, mtime_ns, size, hash of the text


class FolderSource(Source):
    def __init__(self, config: SourceConfig, tz: ZoneInfo, clock: Clock | None = None) -> None:
        super().__init__(config, tz, clock)
        self._signature: Signature | None = None  # of the listing fetch last returned
        self._texts: dict[str, tuple[int, int, dict[str, Any]]] = {}  # files already read

    async def fetch(self, client: httpx.AsyncClient) -> bytes | None:
        return await asyncio.to_thread(self._scan)

    def forget_validators(self) -> None:
        self._signature = None

    def _scan(self) -> bytes | None:
        folder = Path(self.config.location)
        try:
            names = sorted(entry.name for entry in os.scandir(folder) if _wanted(entry))
        except FileNotFoundError:
            raise FetchError(f"folder not found: {folder}") from None
        except NotADirectoryError:
            raise FetchError(f"not a folder: {folder}") from None
        except OSError as exc:
            raise FetchError(f"cannot read the folder {folder}: {exc.strerror}") from None
        files: list[dict[str, Any]] = []
        signature: list[tuple[str, int, int, int]] = []
        budget = self.max_bytes
        # Wall time, not the injected clock: it is compared with the files' mtimes, which the
        # file system stamps by wall time whatever moment the kiosk is told it is.
        racy = time.time() - RACY_SECONDS
        for name in names:
            try:
                # The entry itself, never what a link points at: a link is refused below.
                stat = os.stat(folder / name, follow_symlinks=False)
            except OSError:  # gone since the listing
                continue
            cached = self._texts.get(name)
            # A file changed within the last moments may change again within the clock's
            # resolution (2 s on some shares) keeping its size: read it again to be sure.
            if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size) and stat.st_mtime < racy:
                entry = cached[2]
            else:
                read = self._read(folder / name, stat.st_size, budget)
                if read is None:
                    continue
                entry = read | {"mtime": stat.st_mtime}
                if "text" in entry:
                    self._texts[name] = (stat.st_mtime_ns, stat.st_size, entry)
            budget -= len(entry.get("text", ""))
            signature.append((name, stat.st_mtime_ns, stat.st_size, hash(entry.get("text"))))
            files.append(entry)
        self._texts = {name: self._texts[name] for name, *_ in signature if name in self._texts}
        if tuple(signature) == self._signature:
            return None
        self._signature = tuple(signature)
        return json.dumps({"files": files}, ensure_ascii=False).encode()

    @staticmethod
    def _read(path: Path, size: int, budget: int) -> dict[str, Any] | None:
        """The file's text, or why it was skipped (never any of its content: the reason goes
        to the log and the heartbeat). Only a plain file in the folder itself is read: a
        link (to /proc/self/environ, /etc/passwd, another folder) or a device, FIFO or
        socket dropped into a shared folder is refused, whatever its name."""
        entry: dict[str, Any] = {"name": path.name}
        limit = min(FILE_LIMIT, budget)
        if size > limit:
            entry["error"] = f"{size} bytes is too large for a notice"
            entry["skip"] = "skip.file_too_large"
            return entry
        try:
            raw = read_regular(path, limit, follow_links=False)
        except FileNotFoundError:
            return None
        except NotRegular as exc:
            entry["error"] = f"{exc.what}, not a plain file: not read"
            entry["skip"] = "skip.not_a_file"
            return entry
        except TooLarge as exc:  # st_size said less (a /proc file says 0), or it grew
            entry["error"] = f"{exc.size} bytes is too large for a notice"
            entry["skip"] = "skip.file_too_large"
            return entry
        except OSError as exc:  # e.g. still open in another program
            entry["error"] = f"cannot read it ({exc.strerror})"
            entry["skip"] = "skip.file_unreadable"
            return entry
        entry["text"] = _decode(raw)
        return entry

    def parse(self, raw: bytes, now: datetime) -> Parsed:
        try:
            files = json.loads(raw.decode("utf-8"))["files"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise ParseError(f"unreadable folder listing: {exc}") from None
        mapper = Mapper(self.config, self.tz, columns={})
        keys = self._front_matter_keys()
        today = now.astimezone(self.tz).date()
        items: list[Item] = []
        warnings: list[str] = []
        skipped: list[Skip] = []
        for entry in files:
            name = entry.get("name", "?")
            if "error" in entry:
                warnings.append(f"{name} skipped: {entry['error']}")
                why = entry.get("skip", "skip.unreadable")
                skipped.append(Skip(f"file {name}", why, (("detail", entry["error"]),)))
                continue
            try:
                record, notes = _record(entry, keys, self.tz)
                warnings.extend(f"{name}: {note}" for note in notes)
                item = mapper.item(record, today)
            except ValueError as exc:
                warnings.append(f"{name} skipped: {exc}")
                skipped.append(skip_of(f"file {name}", exc))
                continue
            finally:
                for note in mapper.take_notes():
                    warnings.append(f"{name}: {note}")
                    skipped.append(skip_of(f"file {name}", note, kept=True))
            if item is not None:
                items.append(item)
        return Parsed(tuple(items), tuple(warnings), tuple(skipped))

    def _front_matter_keys(self) -> dict[str, str]:
        """Front matter key (normalised) -> our field; `fields` may rename ours."""
        keys = {_key(word): ours for word, ours in _JAPANESE_KEYS.items()}
        for ours in FRONT_MATTER_KEYS:
            keys[_key(self.config.fields.get(ours, ours))] = ours
            keys.setdefault(_key(ours), ours)
        return keys


def _wanted(entry: os.DirEntry[str]) -> bool:
    """Notice files by name: not hidden, not Office lock files (~$…), not editors' temp files,
    not folders. Links and special files with a notice's name are kept, to be refused with a
    warning when read (`_read`): IT should hear of a link planted in the share."""
    name = entry.name
    if name.startswith((".", "~")) or name.lower().endswith((".tmp", ".bak")):
        return False
    if not name.lower().endswith(SUFFIXES):
        return False
    try:
        return not entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _decode(raw: bytes) -> str:
    """UTF-8 (Notepad's BOM or not), else CP932 as older Windows tools save."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp932", errors="replace")


def _key(word: str) -> str:
    return normalise(word).casefold()


def _record(
    entry: dict[str, Any], keys: dict[str, str], tz: ZoneInfo
) -> tuple[dict[str, str], list[str]]:
    """The notice's fields (in our names) from a file, and notes on front matter ignored."""
    lines = str(entry.get("text", "")).splitlines()
    record: dict[str, str] = {}
    notes: list[str] = []
    if lines and lines[0].strip() == "---":
        closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if closing is None:
            notes.append("front matter has no closing --- line; read as text")
        else:
            for line in lines[1:closing]:
                key, colon, value = normalise(line).partition(":")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                ours = keys.get(_key(key)) if colon else None
                if ours is None:
                    notes.append(f"front matter line ignored: {line.strip()!r}")
                    continue
                record[ours] = value.strip().strip("\"'")
            lines = lines[closing + 1 :]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise RowError("empty (no title line)", "skip.empty_file")
    record["title"] = lines[0].strip().lstrip("#").strip()
    record["body"] = "\n".join(lines[1:]).strip()
    if "posted" not in record and "mtime" in entry:
        record["posted"] = datetime.fromtimestamp(float(entry["mtime"]), tz).isoformat()
    return record, notes


# Local and cheap to look at: new files show within seconds.
KIND = Kind(
    "folder",
    ("共有フォルダーのファイル", "files in a shared folder"),
    FolderSource,
    roles=("notices",),
    keys=(FIELDS, VALUES, BODY_FORMAT),
    refresh_minutes=5 / 60,
)
