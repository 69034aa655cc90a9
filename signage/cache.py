"""Last good copies on disk, private to the user, so a restart without network still shows data.

A source's copy (`ItemCache`) is its items as the store holds them, already through the
names decision of signage.privacy: the disk never holds more than the screen may show (no
raw feed, no pupil's name a `names` setting leaves out). The central layers' config text is
kept as it came (`RawCache`). Both write one file per copy the same private, atomic way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import json
import logging
import os
import stat
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from signage import itemcodec
from signage.files import read_regular
from signage.model import Item, Skip, Snapshot

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from signage.config.model import SourceConfig

log = logging.getLogger(__name__)


def default_cache_dir(config_path: Path | None) -> Path:
    """$SIGNAGE_CACHE, else the platform cache folder; one sub-folder per config file."""
    if explicit := os.environ.get("SIGNAGE_CACHE"):
        base = Path(explicit)
    elif sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "signage"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "signage"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "signage"
    key = str(config_path.resolve()) if config_path else "no-config"
    return base / hashlib.sha256(key.encode()).hexdigest()[:12]


_PRIVATE_FOLDER = 0o700
_LIMIT = 1 << 30  # far above any source's size cap: a bigger file is not ours
_POSIX = os.name == "posix"


class _PrivateFiles:
    """A folder of copies private to the user, each file swapped whole by one os.replace.

    Private to the user: on POSIX the folder is made (and kept) 0700 and each file is created
    0600; on Windows the folder is under the per-user LOCALAPPDATA, which only the user (and
    administrators) can read. A new copy is written to a temp file with a random name created
    exclusively (O_EXCL, by `tempfile.mkstemp`) in that private folder, so a link planted at a
    guessable temp path is never written through; a failed write (a full disk) removes it.
    A link at a copy's path is never followed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _read(self, name: str) -> bytes:
        """The file `name`, a regular file only (OSError otherwise)."""
        return read_regular(self.folder / name, _LIMIT, follow_links=False)

    def _private_folder(self) -> None:
        """The folder, made private to the user (tightened if an older version left it open)."""
        self.folder.mkdir(mode=_PRIVATE_FOLDER, parents=True, exist_ok=True)
        if _POSIX:
            if self.folder.is_symlink():
                raise OSError(errno.ELOOP, "the cache folder is a symbolic link")
            if stat.S_IMODE(self.folder.stat().st_mode) != _PRIVATE_FOLDER:
                os.chmod(self.folder, _PRIVATE_FOLDER)

    def _replace(self, name: str, data: bytes) -> None:
        """`data` as the file `name`: a fresh 0600 temp file with a random name, then one
        os.replace. The temp file never outlives a failure."""
        descriptor, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, self.folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


class RawCache(_PrivateFiles):
    """One file per copy, `<id>.cache`: a JSON header line (when fetched, SHA-256 of the
    content), a line break, the content. One file, so one atomic `os.replace` swaps the old
    copy for the new: a kill at any moment leaves the old copy or the new, never neither.

    Used for the central layers' config text (signage.central), kept as it came; a source's
    items are kept by `ItemCache`.
    """

    def load(self, source_id: str) -> tuple[bytes, datetime] | None:
        """The cached bytes and when they were fetched, or None (missing or unreadable)."""
        try:
            data = read_regular(self.folder / f"{source_id}.cache", _LIMIT, follow_links=False)
        except FileNotFoundError:
            return self._load_legacy(source_id)
        except OSError:
            return None
        header, newline, raw = data.partition(b"\n")
        try:
            meta = json.loads(header.decode("utf-8"))
            fetched_at = datetime.fromisoformat(meta["fetched_at"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            log.warning("%s: cached copy is damaged; ignoring it", source_id)
            return None
        if not newline or hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            log.warning("%s: cached copy is damaged; ignoring it", source_id)
            return None
        return raw, fetched_at

    def _load_legacy(self, source_id: str) -> tuple[bytes, datetime] | None:
        """A copy in the old two-file layout (.raw and .json), read once after an update."""
        try:
            meta_bytes = read_regular(self.folder / f"{source_id}.json", 4096, follow_links=False)
            raw = read_regular(self.folder / f"{source_id}.raw", _LIMIT, follow_links=False)
            meta = json.loads(meta_bytes.decode("utf-8"))
            fetched_at = datetime.fromisoformat(meta["fetched_at"])
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None
        if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            return None
        return raw, fetched_at

    def save(self, source_id: str, raw: bytes, fetched_at: datetime) -> None:
        """Write atomically; never raises (a cache that cannot be written is logged)."""
        meta = {"fetched_at": fetched_at.isoformat(), "sha256": hashlib.sha256(raw).hexdigest()}
        header = json.dumps(meta).encode()
        try:
            self._private_folder()
            self._replace(f"{source_id}.cache", header + b"\n" + raw)
        except OSError as exc:
            log.warning("%s: cannot write cache in %s: %s", source_id, self.folder, exc.strerror)
            return
        for old in (f"{source_id}.raw", f"{source_id}.json"):  # the old layout, world-readable
            with contextlib.suppress(OSError):
                (self.folder / old).unlink()


FORMAT = "signage items"
VERSION = 1  # a copy of another version is ignored (and replaced at the next fetch)
_OLD_LAYOUTS = (".cache", ".raw", ".json")  # raw content as fetched, by older versions


class ItemCache(_PrivateFiles):
    """One file per source, `<id>.items`: one JSON document holding the source's items as
    the store holds them (signage.itemcodec), their warnings, when they were fetched, and
    `key`, what they were made under (see `copy_key`): a copy made for another
    URL or another `names` setting is not shown. No raw content is ever written: a restart
    shows these items directly, with no parse, and the first fetch after it is unconditional
    (a 304 must not answer for a body nobody holds).

    A copy that does not read back exactly (cut short, another version, an unknown item) is
    ignored with one log line. Older versions' raw copies are deleted unread."""

    def load(self, source_id: str, key: str) -> Snapshot | None:
        """The copy of `source_id` made under `key`, or None (missing, stale or damaged)."""
        self._drop_old_layouts(source_id)
        try:
            data = self._read(f"{source_id}.items")
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("%s: cannot read the cached copy: %s", source_id, exc.strerror or exc)
            return None
        try:
            copy = json.loads(data.decode("utf-8"))
            if not isinstance(copy, dict) or copy.get("format") != FORMAT:
                raise itemcodec.CodecError("not a copy of items")
            if copy.get("version") != VERSION:
                log.info("%s: the cached copy is of another version; ignoring it", source_id)
                return None
            if copy.get("source") != source_id or copy.get("key") != key:
                log.info("%s: the cached copy was made for another setting; ignoring it", source_id)
                return None
            fetched_at = itemcodec.decode_moment(copy.get("fetched_at"))
            warnings = copy.get("warnings")
            listed = copy.get("items")
            if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
                raise itemcodec.CodecError("warnings are not a list of strings")
            if not isinstance(listed, list):
                raise itemcodec.CodecError("items are not a list")
            items = tuple(itemcodec.decode(entry) for entry in listed)
            skipped = _skips(copy.get("skipped", []))  # absent from copies written before it
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # CodecError included
            log.warning("%s: the cached copy is damaged (%s); ignoring it", source_id, exc)
            return None
        return Snapshot(source_id, items, fetched_at, warnings=tuple(warnings), skipped=skipped)

    def save(
        self,
        source_id: str,
        key: str,
        items: tuple[Item, ...],
        warnings: tuple[str, ...],
        fetched_at: datetime,
        skipped: tuple[Skip, ...] = (),
    ) -> None:
        """Write atomically; never raises (a cache that cannot be written is logged)."""
        try:
            copy = {
                "format": FORMAT,
                "version": VERSION,
                "source": source_id,
                "key": key,
                "fetched_at": itemcodec.encode_when(fetched_at),
                "warnings": list(warnings),
                "skipped": [
                    {"where": s.where, "reason": s.reason, "details": s.details, "kept": s.kept}
                    for s in skipped
                ],
                "items": [itemcodec.encode(item) for item in items],
            }
            data = json.dumps(copy, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (ValueError, KeyError) as exc:  # an item the codec does not know: a bug
            log.error("%s: cannot write cache: %s", source_id, exc)
            return
        try:
            self._private_folder()
            self._replace(f"{source_id}.items", data)
        except OSError as exc:
            log.warning("%s: cannot write cache in %s: %s", source_id, self.folder, exc.strerror)
            return
        self._drop_old_layouts(source_id)

    def _drop_old_layouts(self, source_id: str) -> None:
        """Delete, unread, the raw copies older versions kept (they may hold what `names`
        leaves out). A link there is removed, not followed."""
        for suffix in _OLD_LAYOUTS:
            with contextlib.suppress(OSError):
                (self.folder / f"{source_id}{suffix}").unlink()


def copy_key(config: SourceConfig, tz: ZoneInfo) -> str:
    """What a source's items on disk were made under: its config (what it reads, and the
    `names` and `private` decisions) and the school's zone. A copy made under another key is
    not shown, so a stricter `names` never shows a copy made under a looser one. What changes
    nothing that is shown (credentials, the interval, TLS checks) is left out. One-way: the
    file says only whether the config is the same. Needs no source object, so the kiosk can
    show its copies before the sources' parsers are imported."""
    config = dataclasses.replace(config, auth=None, refresh_minutes=0.0, verify=True)
    text = f"{config!r} {tz.key}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _skips(listed: object) -> tuple[Skip, ...]:
    """The skipped records of a copy, exactly as written, or CodecError."""
    if not isinstance(listed, list):
        raise itemcodec.CodecError("skipped is not a list")
    out: list[Skip] = []
    for entry in listed:
        if not isinstance(entry, dict):
            raise itemcodec.CodecError("a skipped record is not an object")
        where, reason, details = entry.get("where"), entry.get("reason"), entry.get("details")
        pairs = details if isinstance(details, list) else None
        if (
            not isinstance(where, str)
            or not isinstance(reason, str)
            or pairs is None
            or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) for v in p)
                for p in pairs
            )
            or not isinstance(entry.get("kept"), bool)
        ):
            raise itemcodec.CodecError("a skipped record is not where, reason, details, kept")
        out.append(Skip(where, reason, tuple((k, v) for k, v in pairs), entry["kept"]))
    return tuple(out)
