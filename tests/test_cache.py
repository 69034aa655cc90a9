"""The disk cache is private to the user, written through no planted link, leaves no temp file
behind a failed write, and one atomic rename swaps the copy (a kill never loses it)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from signage.cache import RawCache
from tests.moments import NOW
from tests.rig import CALENDAR

POSIX = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX file modes")


@POSIX
def test_the_cache_is_private_to_the_user(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "abc"
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)  # as an older version left it
    RawCache(folder).save("cal", CALENDAR, NOW)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == ["cal.cache"]
    assert stat.S_IMODE((folder / "cal.cache").stat().st_mode) == 0o600


def test_a_link_planted_at_the_old_temp_path_is_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("untouched", encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    try:
        for name in (".cal.cache.tmp", ".cal.raw.tmp", ".cal.json.tmp"):
            (folder / name).symlink_to(target)
    except OSError:
        pytest.skip("symbolic links need a privilege here")
    cache = RawCache(folder)
    cache.save("cal", CALENDAR, NOW)
    assert target.read_text(encoding="utf-8") == "untouched"
    assert cache.load("cal") == (CALENDAR, NOW)


def test_a_link_as_the_cache_file_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(b"x")
    folder = tmp_path / "cache"
    folder.mkdir()
    try:
        (folder / "cal.cache").symlink_to(secret)
    except OSError:
        pytest.skip("symbolic links need a privilege here")
    assert RawCache(folder).load("cal") is None


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_leaves_no_temp_file_and_keeps_the_old_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = RawCache(tmp_path)
    cache.save("cal", CALENDAR, NOW)
    real_fdopen = os.fdopen

    def full_disk(fd: int, *args: object, **kwargs: object) -> object:
        # The temp file as created, but every write goes to /dev/full (ENOSPC), as on a
        # full disk; the temp file itself is still the one the cache must clean up.
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fd)
        os.close(full)
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fdopen", full_disk)
    cache.save("cal", b"NEW" * 100_000, NOW)  # logged, not raised
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.cache"]
    assert cache.load("cal") == (CALENDAR, NOW)


def test_one_file_per_copy_and_the_old_layout_is_read_once(tmp_path: Path) -> None:
    import hashlib
    import json

    (tmp_path / "cal.raw").write_bytes(CALENDAR)
    meta = {"fetched_at": NOW.isoformat(), "sha256": hashlib.sha256(CALENDAR).hexdigest()}
    (tmp_path / "cal.json").write_text(json.dumps(meta), encoding="utf-8")
    cache = RawCache(tmp_path)
    assert cache.load("cal") == (CALENDAR, NOW)
    cache.save("cal", CALENDAR, NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["cal.cache"]  # one os.replace swaps it
