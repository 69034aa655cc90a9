"""Start-up imports only what the first frame needs (issue 17): the CLI looks at its
arguments before importing anything heavy, and the kiosk paints its disk copies before the
sources' parsers and the HTTP stack are imported. Asserted in a fresh interpreter each."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from signage.cache import ItemCache, copy_key
from signage.clock import FixedClock
from signage.config import Config, SourceConfig
from signage.model import Notice
from signage.runtime import Restored, Runtime

HEAVY = ("httpx", "httpcore", "icalendar", "segno", "signage.sources", "signage.network")


def imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return set(out.split())


def test_the_version_is_answered_before_anything_heavy_is_imported():
    modules = imported_after(
        "import contextlib\nfrom signage.cli import main\n"
        "with contextlib.suppress(SystemExit): main(['--version'])"
    )
    assert not modules & {*HEAVY, "asyncio", "signage.config", "signage.runtime"}


def test_the_first_frame_needs_no_parser_and_no_http_stack():
    modules = imported_after("import signage.kiosk, signage.ui.app, signage.cli")
    assert not modules & set(HEAVY)


def test_the_disk_copies_are_shown_before_the_start_and_not_read_again(tmp_path: Path):
    at = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    source = SourceConfig("board", "json", "notices", "x.json", "/x.json")
    config = Config(sources=(source,))
    notice = Notice(source="board", title="会議")
    ItemCache(tmp_path).save("board", copy_key(source, config.school.tz), (notice,), (), at)
    clock = FixedClock(at)
    restored = Restored.load(config, clock, tmp_path)
    assert restored.store.get("board").items == (notice,)
    runtime = Runtime.build(config, clock, tmp_path, previous=restored)
    assert runtime.store.get("board") == restored.store.get("board")
    (poller,) = runtime.pollers(client=None)  # type: ignore[arg-type]
    heard: list[str] = []
    runtime.store.subscribe(heard.append)
    assert asyncio.run(poller.restore()) is False
    assert heard == []


def test_a_plain_config_file_is_loaded_without_the_http_stack(tmp_path: Path):
    config = tmp_path / "signage.toml"
    config.write_text('[school]\nname = "x"\n', encoding="utf-8")
    code = (
        "import argparse, pathlib\nfrom signage import cli\n"
        f"path = pathlib.Path({str(config)!r})\n"
        "args = argparse.Namespace(config=path, demo=False, command='run')\n"
        "cli.load(args, None)\ncli.cmd_check([args.config], None)"
    )
    # the config's checker knows the source kinds (signage.sources), not their libraries
    assert not imported_after(code) & {"httpx", "httpcore", "icalendar", "segno", "signage.central"}
