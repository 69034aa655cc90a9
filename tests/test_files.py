"""Local files the config names are read safely: only regular files, bytes counted as read,
never blocking on a FIFO; the folder source follows no link and reads no special file; no
credentials over plain http."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from signage.config import Auth, SourceConfig
from signage.errors import FetchError
from signage.fetch import fetch
from signage.network import new_client
from signage.sources import make_source
from tests.moments import NOW, TOKYO
from tests.rig import fetch as fetch_once

POSIX = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX special files")


def _get(location: str, limit: int = 1024, auth: Auth | None = None) -> bytes | None:
    async def go() -> bytes | None:
        async with new_client() as client:
            return (await fetch(client, location, limit=limit, auth=auth, deadline=5)).body

    return asyncio.run(go())


@POSIX
def test_a_device_as_url_is_refused_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="/dev/zero is a device: only a plain file is read"):
        _get("/dev/zero", limit=20 * 1024 * 1024)
    assert time.monotonic() - started < 1


@POSIX
def test_a_fifo_as_url_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.ics"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FetchError, match="is a named pipe"):
        _get(str(fifo))
    assert time.monotonic() - started < 1


def test_a_folder_as_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="is a folder"):
        _get(str(tmp_path))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_file_that_says_size_zero_is_counted_as_read() -> None:
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(FetchError, match="bytes is over the 16 byte limit"):
        _get("/proc/self/status", limit=16)


def _folder_source(folder: Path) -> object:
    config = SourceConfig("board", "folder", "notices", str(folder), str(folder))
    return make_source(config, TOKYO)


def _notices(folder: Path) -> tuple[list[str], list[str]]:
    source = _folder_source(folder)
    raw = fetch_once(source)  # type: ignore[arg-type]
    assert raw is not None
    parsed = source.parse(raw, NOW)  # type: ignore[attr-defined]
    return [item.title for item in parsed.items], list(parsed.warnings)


def test_the_folder_source_never_follows_a_link(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "ok.txt").write_text("遠足の持ち物\n水筒", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=abc123\n", encoding="utf-8")
    try:
        (folder / "env.txt").symlink_to(secret)
        (folder / "inside.txt").symlink_to(folder / "ok.txt")  # not even within the folder
    except OSError:
        pytest.skip("symbolic links need a privilege here")
    titles, warnings = _notices(folder)
    assert titles == ["遠足の持ち物"]
    assert sorted(warnings) == [
        "env.txt skipped: a symbolic link, not a plain file: not read",
        "inside.txt skipped: a symbolic link, not a plain file: not read",
    ]
    assert not any("TOKEN" in warning for warning in warnings)


@POSIX
def test_the_folder_source_refuses_special_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.md").write_text("お知らせ", encoding="utf-8")
    started = time.monotonic()
    titles, warnings = _notices(tmp_path)
    assert time.monotonic() - started < 2
    assert titles == ["お知らせ"]
    assert warnings == ["pipe.txt skipped: a named pipe (FIFO), not a plain file: not read"]


def test_credentials_are_never_sent_over_plain_http() -> None:
    os.environ["SIGNAGE_TEST_TOKEN"] = "s3cret"
    auth = Auth(type="bearer", env="SIGNAGE_TEST_TOKEN")
    for url in ("http://192.0.2.1/feed.ics", "http://user:pw@192.0.2.1/feed.ics"):
        with pytest.raises(FetchError, match="credentials are only sent over https") as failure:
            _get(url, auth=auth if "@" not in url else None)
        assert "s3cret" not in str(failure.value) and "pw" not in str(failure.value)


def test_check_refuses_credentials_over_http_and_warns_of_a_readable_secret(
    tmp_path: Path,
) -> None:
    from signage.config import check_file

    secret = tmp_path / "token.txt"
    secret.write_text("s3cret\n", encoding="utf-8")
    os.chmod(secret, 0o644)
    path = tmp_path / "signage.toml"
    path.write_text(
        '[[sources]]\nid = "a"\nkind = "ics"\nrole = "events"\n'
        'url = "http://board.example.jp/a.ics"\n'
        'auth = { type = "bearer", file = "token.txt" }\n',
        encoding="utf-8",
    )
    _, issues = check_file(path)
    found = [(issue.key, issue.severity) for issue in issues]
    assert ("sources[0].auth", "error") in found
    if os.name == "posix":
        assert ("sources[0].auth.file", "warning") in found
        os.chmod(secret, 0o600)
        _, issues = check_file(path)
        assert ("sources[0].auth.file", "warning") not in [(i.key, i.severity) for i in issues]
    assert all("s3cret" not in issue.message for issue in issues)


@POSIX
def test_a_fifo_or_device_as_the_secret_file_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    started = time.monotonic()
    for file, what in ((str(fifo), "named pipe"), ("/dev/zero", "device")):
        with pytest.raises(FetchError, match=what):
            Auth(type="bearer", file=file).secret()
    assert time.monotonic() - started < 1


def test_a_wrong_csv_never_puts_its_content_into_the_error(tmp_path: Path) -> None:
    """A `url` pointing at a file that is not the export (here a passwd-like file): the error,
    which goes to the log and the heartbeat, names no byte of it."""
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nhanako:s3cret:1000\n", encoding="utf-8")
    config = SourceConfig(id="x", kind="csv", role="notices", url=str(secret), location=str(secret))
    source = make_source(config, TOKYO)
    with pytest.raises(Exception) as caught:
        source.read(secret.read_bytes(), NOW)
    assert "root" not in str(caught.value) and "s3cret" not in str(caught.value)
    assert "1 column" in str(caught.value)
