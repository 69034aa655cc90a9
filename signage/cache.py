"""Last good raw content per source, on disk, so a restart without network still shows data.

The raw bytes are kept (not the parsed items): restoring runs the same parser as a refresh,
so there is one way from bytes to items.
"""

from __future__ import annotations

import contextlib
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

from signage.files import read_regular

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


class RawCache:
    """One file per source, `<id>.cache`: a JSON header line (when fetched, SHA-256 of the
    content), a line break, the content. One file, so one atomic `os.replace` swaps the old
    copy for the new: a kill at any moment leaves the old copy or the new, never neither.

    Private to the user: on POSIX the folder is made (and kept) 0700 and each file is created
    0600; on Windows the folder is under the per-user LOCALAPPDATA, which only the user (and
    administrators) can read. A new copy is written to a temp file with a random name created
    exclusively (O_EXCL, by `tempfile.mkstemp`) in that private folder, so a link planted at a
    guessable temp path is never written through; a failed write (a full disk) removes it.

    What is stored is what the caller gives: the central layers' config text, and a source's
    content as fetched (signage.poller), readable only by the kiosk's own user.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

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
