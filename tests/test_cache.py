"""The disk cache holds only what the screen may show (a source's items, already masked, in an
explicit JSON codec), is private to the user, is written through no planted link, leaves no temp
file behind a failed write, and one atomic rename swaps the copy (a kill never loses it)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import sys
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from signage import itemcodec
from signage.cache import ItemCache, RawCache
from signage.model import Absence, Event, HeatIndex, Item, Notice, WeatherWarning
from tests.moments import NOW
from tests.rig import CALENDAR, ics_source

POSIX = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX file modes")
KEY = "k1"
ITEMS: tuple[Item, ...] = ics_source().read(CALENDAR, NOW).items


def test_items_read_back_equal_and_in_their_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    at = datetime(2026, 11, 24, 8, 10, tzinfo=tokyo)
    items: tuple[Item, ...] = (
        Event("cal", "朝会", at, at + timedelta(minutes=20), location="職員室", uid="u1"),
        Event("cal", "文化祭", date(2026, 11, 28), date(2026, 11, 29), all_day=True),
        Event("out", "", at.astimezone(UTC), at.astimezone(timezone(timedelta(hours=-5)))),
        Notice("n", "お知らせ", "本文\n二行目", "urgent", posted=at, link="https://x.jp/?a=1"),
        Absence("abs", date(2026, 11, 24), "1年1組", "late"),
        *ITEMS,
    )
    back = tuple(itemcodec.decode(json.loads(json.dumps(itemcodec.encode(i)))) for i in items)
    assert back == items
    starts = [i.start for i in back[:3] if isinstance(i, Event)]
    assert [getattr(s, "tzinfo", "a date") for s in starts] == [tokyo, "a date", UTC]
    assert itemcodec.encode(items[0])["start"] == "2026-11-24T08:10:00+09:00[Asia/Tokyo]"


def test_the_codec_names_every_field_of_every_item() -> None:
    """A new field in signage.model must be written (or it would be lost on a restart)."""
    for cls, (_, decoders) in itemcodec.FIELDS.items():
        assert tuple(decoders) == tuple(f.name for f in fields(cls))
    assert set(itemcodec.FIELDS) == {Event, Notice, Absence, WeatherWarning, HeatIndex}


@POSIX
def test_the_cache_is_private_to_the_user(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "abc"
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)  # as an older version left it
    ItemCache(folder).save("cal", KEY, ITEMS, (), NOW)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == ["cal.items"]
    assert stat.S_IMODE((folder / "cal.items").stat().st_mode) == 0o600


def test_a_copy_reads_back_with_its_warnings_and_time(tmp_path: Path) -> None:
    cache = ItemCache(tmp_path)
    cache.save("cal", KEY, ITEMS, ("5 items; only the first 3 are kept",), NOW)
    copy = cache.load("cal", KEY)
    assert copy is not None
    assert (copy.items, copy.warnings, copy.fetched_at) == (
        ITEMS,
        ("5 items; only the first 3 are kept",),
        NOW,
    )
    assert CALENDAR not in (tmp_path / "cal.items").read_bytes()  # items, not the feed


def test_a_link_planted_at_the_old_temp_path_is_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("untouched", encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    try:
        for name in (".cal.items.tmp", ".cal.cache.tmp", ".cal.raw.tmp", ".cal.json.tmp"):
            (folder / name).symlink_to(target)
    except OSError:
        pytest.skip("symbolic links need a privilege here")
    cache = ItemCache(folder)
    cache.save("cal", KEY, ITEMS, (), NOW)
    assert target.read_text(encoding="utf-8") == "untouched"
    assert cache.load("cal", KEY) is not None


def test_a_link_as_the_cache_file_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    ItemCache(tmp_path / "elsewhere").save("cal", KEY, ITEMS, (), NOW)
    secret.write_bytes((tmp_path / "elsewhere" / "cal.items").read_bytes())
    folder = tmp_path / "cache"
    folder.mkdir()
    try:
        (folder / "cal.items").symlink_to(secret)
    except OSError:
        pytest.skip("symbolic links need a privilege here")
    assert ItemCache(folder).load("cal", KEY) is None


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_leaves_no_temp_file_and_keeps_the_old_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ItemCache(tmp_path)
    cache.save("cal", KEY, ITEMS, (), NOW)
    real_fdopen = os.fdopen

    def full_disk(fd: int, *args: object, **kwargs: object) -> object:
        # The temp file as created, but every write goes to /dev/full (ENOSPC), as on a
        # full disk; the temp file itself is still the one the cache must clean up.
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fd)
        os.close(full)
        return real_fdopen(fd, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fdopen", full_disk)
    cache.save("cal", KEY, ITEMS[:1], (), NOW + timedelta(hours=1))  # logged, not raised
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.items"]
    copy = cache.load("cal", KEY)
    assert copy is not None and (copy.items, copy.fetched_at) == (ITEMS, NOW)


def test_the_old_raw_layouts_are_deleted_unread(tmp_path: Path) -> None:
    """`<id>.cache` (a header line, then the feed) and the older `.raw` + `.json` held the
    feed as fetched, names included: gone at the first load, never shown."""
    victim = tmp_path / "victim.txt"
    victim.write_text("kept", encoding="utf-8")
    folder = tmp_path / "cache"
    folder.mkdir()
    RawCache(folder).save("cal", CALENDAR, NOW)
    (folder / "cal.raw").write_bytes(CALENDAR)
    (folder / "cal.json").write_text(json.dumps({"fetched_at": NOW.isoformat()}), "utf-8")
    with contextlib.suppress(OSError):  # symbolic links need a privilege on Windows
        (folder / "out.cache").symlink_to(victim)
    cache = ItemCache(folder)
    assert cache.load("cal", KEY) is None
    assert cache.load("out", KEY) is None
    assert list(folder.iterdir()) == []
    assert victim.read_text(encoding="utf-8") == "kept"


def damaged(copy: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    """Every way a copy can be wrong: name, the copy as JSON."""
    item = copy["items"][0]  # type: ignore[index]

    def with_item(**changes: object) -> dict[str, object]:
        return {**copy, "items": [{**item, **changes}]}

    extra = {**item, "colour": "red"}
    missing = {k: v for k, v in item.items() if k != "title"}
    return [
        ("unknown type", with_item(type="meeting")),
        ("extra field", {**copy, "items": [extra]}),
        ("missing field", {**copy, "items": [missing]}),
        ("wrong type", with_item(title=12)),
        ("naive time", with_item(start="2026-11-24T08:10:00")),
        ("bad zone", with_item(start="2026-11-24T08:10:00+09:00[Mars/Olympus]")),
        ("not a time", with_item(start="tomorrow")),
        ("bool as str", with_item(all_day="yes")),
        ("items not a list", {**copy, "items": {"a": 1}}),
        ("warnings not strings", {**copy, "warnings": [1]}),
        ("no time", {**copy, "fetched_at": None}),
        ("not ours", {**copy, "format": "other"}),
        ("not an object", [copy]),  # type: ignore[dict-item]
    ]


def test_a_damaged_copy_is_ignored_with_one_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ItemCache(tmp_path)
    cache.save("cal", KEY, ITEMS, (), NOW)
    whole = (tmp_path / "cal.items").read_bytes()
    good = json.loads(whole)
    cases = [("cut short", whole[:-50]), ("not JSON", b"{not json"), ("not UTF-8", b"\xff\xfe")]
    cases += [(name, json.dumps(copy).encode()) for name, copy in damaged(good)]
    for name, data in cases:
        (tmp_path / "cal.items").write_bytes(data)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="signage.cache"):
            assert cache.load("cal", KEY) is None, name
        assert len(caplog.records) == 1, (name, caplog.text)
    assert ItemCache(tmp_path / "nothing-here").load("cal", KEY) is None


@pytest.mark.parametrize(
    ("field", "value"), [("version", 0), ("version", 2), ("key", "k2"), ("source", "other")]
)
def test_a_copy_of_another_version_or_setting_is_ignored(
    tmp_path: Path, field: str, value: object
) -> None:
    """Another format version, or a copy made under another config (a looser `names`)."""
    cache = ItemCache(tmp_path)
    cache.save("cal", KEY, ITEMS, (), NOW)
    copy = json.loads((tmp_path / "cal.items").read_bytes())
    (tmp_path / "cal.items").write_text(json.dumps({**copy, field: value}), encoding="utf-8")
    assert cache.load("cal", KEY) is None


def test_the_central_layers_raw_copy_reads_back(tmp_path: Path) -> None:
    cache = RawCache(tmp_path)
    cache.save("layer", b"[school]\n", NOW)
    assert cache.load("layer") == (b"[school]\n", NOW)
    assert [p.name for p in tmp_path.iterdir()] == ["layer.cache"]
