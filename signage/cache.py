"""Last good raw content per source, on disk, so a restart without network still shows data.

The raw bytes are kept (not the parsed items): restoring runs the same parser as a refresh,
so there is one way from bytes to items.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

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


class RawCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, source_id: str) -> tuple[bytes, datetime] | None:
        """The cached bytes and when they were fetched, or None (missing or unreadable)."""
        try:
            meta = json.loads((self.folder / f"{source_id}.json").read_text(encoding="utf-8"))
            raw = (self.folder / f"{source_id}.raw").read_bytes()
            fetched_at = datetime.fromisoformat(meta["fetched_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            log.warning("%s: cached copy is damaged; ignoring it", source_id)
            return None
        return raw, fetched_at

    def save(self, source_id: str, raw: bytes, fetched_at: datetime) -> None:
        """Write atomically (temp file, then rename): a power cut never leaves half a file."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            meta = {"fetched_at": fetched_at.isoformat(), "sha256": hashlib.sha256(raw).hexdigest()}
            for name, data in (
                (f"{source_id}.raw", raw),
                (f"{source_id}.json", json.dumps(meta).encode()),
            ):
                tmp = self.folder / f".{name}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, self.folder / name)
        except OSError as exc:
            log.warning("%s: cannot write cache in %s: %s", source_id, self.folder, exc)
