"""Saving the config applies it within seconds; a config with errors is refused and the
running one stays, with the reason on screen and in the log."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from signage.clock import FixedClock
from signage.config import load_config
from signage.network import new_client
from signage.supervisor import Supervisor
from tests.moments import NOW
from tests.rig import CALENDAR

GOOD = """\
[school]
name = "みらい小"

[[sources]]
id = "cal"
kind = "ics"
role = "events"
url = "cal.ics"
"""


def save(path: Path, text: str) -> None:
    """Write and move the mtime on, as an editor saving a second later would."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 1))


def test_reload_applies_a_good_config_and_refuses_a_broken_one(tmp_path: Path, caplog):
    (tmp_path / "cal.ics").write_bytes(CALENDAR)
    path = tmp_path / "signage.toml"
    path.write_text(GOOD, encoding="utf-8")
    changes = []

    async def scenario() -> None:
        async with new_client() as client:
            sup = Supervisor(load_config(path), FixedClock(NOW), client, None, changes.append)
            sup.start()
            for _ in range(100):  # until the first refresh has landed
                if sup.runtime.store.get("cal").items:
                    break
                await asyncio.sleep(0.05)
            first = sup.runtime
            assert [e.title for e in first.store.get("cal").items] == ["朝会", "避難訓練"]
            assert not await sup.reload_if_changed()  # nothing changed

            save(path, GOOD.replace("みらい小", "みらい小学校"))
            assert await sup.reload_if_changed()
            assert sup.runtime is not first
            assert sup.runtime.config.school.name == "みらい小学校"
            # the unchanged source kept its data through the reload, no blank moment
            assert [e.title for e in sup.runtime.store.get("cal").items] == ["朝会", "避難訓練"]

            running = sup.runtime
            save(path, GOOD.replace('kind = "ics"', 'kind = "icss"'))
            assert not await sup.reload_if_changed()
            assert sup.runtime is running
            assert sup.config_error is not None and "6行目" in sup.config_error
            assert changes[-1] is running  # the window hears of the refusal

            save(path, GOOD)
            assert await sup.reload_if_changed()
            assert sup.config_error is None
            await sup.stop()

    asyncio.run(scenario())
    assert "config not applied" in caplog.text and ":6: sources[0].kind" in caplog.text


def test_a_network_change_brings_a_new_client(tmp_path: Path):
    (tmp_path / "cal.ics").write_bytes(CALENDAR)
    path = tmp_path / "signage.toml"
    path.write_text(GOOD, encoding="utf-8")

    async def scenario() -> None:
        client = new_client()
        sup = Supervisor(load_config(path), FixedClock(NOW), client, None)
        sup.start()
        for _ in range(100):  # until the first refresh has landed
            if sup.runtime.store.get("cal").items:
                break
            await asyncio.sleep(0.05)
        save(path, GOOD + '\n[network]\nno_proxy = ["127.0.0.1"]\n')
        assert await sup.reload_if_changed()
        assert sup.client is not client and client.is_closed
        assert [e.title for e in sup.runtime.store.get("cal").items] == ["朝会", "避難訓練"]
        await sup.close()
        assert sup.client.is_closed

    asyncio.run(scenario())
