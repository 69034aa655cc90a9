"""Command line: run, render, check, agenda. Exit 0 when all is well, 2 on a usage or
config error (with a one-line reason on stderr)."""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from signage import __version__

if TYPE_CHECKING:
    from signage.clock import Clock
    from signage.config import Config
    from signage.loaded import Loaded
    from signage.runtime import Runtime
    from signage.ui.setup.trial import Tried

# Nothing heavy at the top: `--version` and a usage error answer before the config, the
# HTTP stack or asyncio are imported; each command imports what it needs (tests/test_startup.py).

USAGE_ERROR = 2


class UsageError(Exception):
    pass


def config_location(value: str) -> Path | str:
    """A config argument: a path, or an http(s) URL kept as text (a central config)."""
    from signage.config import is_url

    return value.strip() if is_url(value) else Path(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signage", description="職員室大型モニター / staff-room signage"
    )
    parser.add_argument("--version", action="version", version=f"signage {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    def source_args(p: argparse.ArgumentParser) -> None:
        group = p.add_mutually_exclusive_group()
        group.add_argument(
            "--config", type=config_location, help="the school's TOML config (a path or a URL)"
        )
        group.add_argument("--demo", action="store_true", help="use the embedded demo data")

    run = sub.add_parser("run", help="start the kiosk")
    source_args(run)
    run.add_argument("--windowed", action="store_true", help="a normal window, not full screen")
    run.add_argument("--screen", type=int, default=-1, help="monitor number (default: config)")

    render = sub.add_parser("render", help="write one PNG per panel")
    source_args(render)
    render.add_argument("--out", type=Path, required=True)
    render.add_argument("--size", default="1920x1080", help="WxH, e.g. 3840x2160")
    render.add_argument("--at", help="the moment to show, e.g. 2026-11-24T09:18")

    check = sub.add_parser("check", help="validate config files")
    check.add_argument("files", nargs="+", type=config_location)
    check.add_argument("--lang", choices=("ja", "en"), help="message language (default ja)")

    agenda = sub.add_parser("agenda", help="print the agenda")
    source_args(agenda)
    agenda.add_argument("--date", help="first day, YYYY-MM-DD (default today)")
    agenda.add_argument("--days", type=int, default=1)
    agenda.add_argument("--at", help="the moment to use as now")
    agenda.add_argument("--json", action="store_true")

    schema = sub.add_parser("schema", help="print the config's JSON Schema (for editors)")
    schema.add_argument("--out", type=Path, help="write it to this file (UTF-8) instead")

    setup = sub.add_parser("setup", help="edit the school's config in a form (設定画面)")
    setup.add_argument(
        "file_given", nargs="?", metavar="file", help="the config file (default: the usual)"
    )
    setup.add_argument("--lang", choices=("ja", "en"), help="message language (default ja)")

    config = sub.add_parser("config", help="read or change one key of a config file")
    config_sub = config.add_subparsers(dest="action", required=True)
    get = config_sub.add_parser("get", help="print a key's value (exit 1 when not written)")
    get.add_argument("file", type=Path)
    get.add_argument("key", help="e.g. school.name, display.on, sources[0].url")
    set_ = config_sub.add_parser("set", help="change a key, keeping comments; checked first")
    set_.add_argument("file", type=Path)
    set_.add_argument("key", help="e.g. school.name, display.on, sources.ID.url")
    set_.add_argument("value", help="the new value (a list as mon,tue or TOML)")
    for action in (get, set_):
        action.add_argument("--lang", choices=("ja", "en"), help="message language (default ja)")
    return parser


def printable_everywhere() -> None:
    """Never fail on a character the console cannot show: an English Windows console or a
    redirected output (cp1252, cp437) has no Japanese, and cp932 has no emoji. Such a
    character is written as an escape (\\u8077) instead of ending the command in a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    printable_everywhere()
    # A double-clicked or autostarted executable has no arguments: start the kiosk.
    args = build_parser().parse_args(argv or ["run"])
    kiosk = args.command == "run"
    import logging

    from signage import logs
    from signage.errors import ConfigError

    logs.setup(logging.INFO if args.verbose or kiosk else logging.WARNING, to_file=kiosk)
    try:
        if args.command == "check":
            return cmd_check(args.files, args.lang)
        if args.command == "schema":
            return cmd_schema(args.out)
        if args.command == "config":
            return cmd_config(args)
        if args.command == "setup":
            return cmd_setup(args)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "render":
            return cmd_render(args)
        return cmd_agenda(args)
    except (UsageError, ConfigError) as exc:
        # One line of reason, then (for a config) each problem on its own line.
        print(f"signage: {str(exc).splitlines()[0]}", file=sys.stderr)
        for issue in getattr(exc, "issues", []):
            print(issue.format(), file=sys.stderr)
        return USAGE_ERROR


def cmd_check(files: list[Path | str], lang: str | None) -> int:
    from signage.config import check_file
    from signage.config.paths import is_layered

    status = 0
    for path in files:
        if is_layered(path):  # fetches the layers (or uses the saved copies)
            from signage import central

            issues = central.check(path, lang)
        else:
            assert isinstance(path, Path)
            _, issues = check_file(path, lang)
        for issue in issues:
            print(issue.format())
        if issues:
            status = USAGE_ERROR
    return status


def cmd_config(args: argparse.Namespace) -> int:
    """`config get|set`: one key of a file, through the editor's document (config.edit)."""
    from signage.config import message_language
    from signage.config.edit import BrokenFile, Document, EditError, show_value
    from signage.messages import text

    lang = message_language(args.lang)
    try:
        document = Document.open(args.file, lang)
        if args.action == "get":
            value = document.get(args.key)
            if value is None:
                print(f"signage: {text(lang, 'edit_unset', key=args.key)}", file=sys.stderr)
                return 1
            print(show_value(value))
            return 0
        document.set_text(args.key, args.value)
    except EditError as exc:
        print(f"signage: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenFile as exc:
        print(exc.issue.format(), file=sys.stderr)
        return USAGE_ERROR
    except FileNotFoundError:
        print(f"signage: {args.file}: {text(lang, 'file_missing')}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as exc:
        reason = text(lang, "file_unreadable", error=exc.strerror or exc)
        print(f"signage: {args.file}: {reason}", file=sys.stderr)
        return USAGE_ERROR
    issues = document.issues()
    errors = [issue for issue in issues if issue.severity == "error"]
    if errors:
        print(f"signage: {text(lang, 'edit_refused', count=len(errors))}", file=sys.stderr)
        for issue in errors:
            print(issue.format(), file=sys.stderr)
        return USAGE_ERROR
    for issue in issues:  # warnings: written all the same, as `check` passes them
        print(issue.format(), file=sys.stderr)
    if document.changed:
        document.save()
    print(text(lang, "edit_saved", file=args.file, key=args.key))
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    from signage.config import default_config_path, find_config, is_url
    from signage.ui.setup import run_setup

    path = None if args.file_given is None else Path(args.file_given)
    if args.file_given is not None and is_url(args.file_given):
        raise UsageError(
            "setup: give a local file (a central config's layers are edited on the server)"
        )
    if path is None:
        found = find_config()
        path = found if isinstance(found, Path) else default_config_path()
    return run_setup(path, try_source, args.lang)


def try_source(config: Config, source_id: str) -> Tried:
    """Fetch one source of `config` once: what would appear, and what would be skipped.
    (Skipped rows are not counted yet by the sources: an empty list until they are.)"""
    import asyncio

    from signage.clock import SystemClock
    from signage.network import new_client
    from signage.sources import make_source
    from signage.ui.setup.trial import Tried

    (sc,) = [sc for sc in config.sources if sc.id == source_id]
    clock = SystemClock()
    source = make_source(sc, config.school.tz, clock)

    async def go() -> Tried:
        async with new_client(config.network) as client:
            raw = await source.fetch(client)
        parsed = source.read(raw or b"", clock.now())
        return Tried(parsed.items, (), parsed.warnings)

    return asyncio.run(go())


def load(args: argparse.Namespace, today: date) -> Loaded:
    """The config to use, from --config, --demo or the standard place."""
    from signage.cache import default_cache_dir
    from signage.config import default_config_path, find_config, load_config
    from signage.loaded import Loaded
    from signage.messages import screen

    path = args.config
    if path is None and not args.demo:
        path = find_config()
    if path is not None:
        from signage.config.paths import is_layered

        if is_layered(path):
            from signage import central

            config, layered = central.load(path)
            # The kiosk's Supervisor shows the state of the layers live; a still picture here.
            notes = layered.notes if args.command != "run" else ()
            return Loaded(config, notes, central.cache_dir_for(path))
        assert isinstance(path, Path)
        config = load_config(path)
        return Loaded(config, (), default_cache_dir(config.path))
    if not args.demo and args.command != "run":
        raise UsageError("no config: give --config FILE or --demo")
    import atexit
    import shutil
    import tempfile

    from signage.demo import materialize_demo

    folder = Path(tempfile.mkdtemp(prefix="signage-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    config = load_config(materialize_demo(today, folder))
    note = screen("demo") if args.demo else screen("demo_place_config", path=default_config_path())
    return Loaded(config, (note,))


def cmd_schema(out: Path | None) -> int:
    from signage.config.schema import schema_json

    if out is None:
        # ASCII escapes where the console cannot show Japanese (a cp932 Windows console).
        ascii_only = (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
        print(schema_json(ensure_ascii=ascii_only))
    else:
        out.write_text(schema_json() + "\n", encoding="utf-8")
    return 0


def demo_today(clock: Clock) -> date:
    """The demo school is in Tokyo: its week is Tokyo's week."""
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo("Asia/Tokyo")).date()


def clock_for(at: str | None) -> Clock:
    from signage.clock import FixedClock, SystemClock

    return SystemClock() if at is None else FixedClock(parse_at(at))


AT_YEARS = (1971, 2999)  # a week either side stays inside what dates and time zones can hold
MAX_DAYS = 366  # agenda --days: a school year at most


def parse_at(text: str, tz_name: str = "Asia/Tokyo") -> datetime:
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--at: not a date and time: {text!r} (e.g. 2026-11-24T09:18)") from None
    if not AT_YEARS[0] <= moment.year <= AT_YEARS[1]:
        raise UsageError(f"--at: the year must be {AT_YEARS[0]} to {AT_YEARS[1]}, not {text!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz_name))


def with_school_zone(clock: Clock, config: Config, at: str | None) -> Clock:
    """`--at` without an offset means the school's local time."""
    from signage.clock import FixedClock

    if at is None:
        return clock
    return FixedClock(parse_at(at, config.school.timezone))


def cmd_run(args: argparse.Namespace) -> int:
    from signage.clock import SystemClock
    from signage.kiosk import AlreadyRunning, Kiosk
    from signage.ui.app import run_kiosk

    clock = SystemClock()
    try:
        kiosk = Kiosk(load(args, demo_today(clock)), clock, args.screen)
    except AlreadyRunning as exc:
        print(f"signage: {exc}", file=sys.stderr)
        return USAGE_ERROR
    return run_kiosk(kiosk, args.windowed)


def fetched(loaded: Loaded, clock: Clock) -> Runtime:
    """A runtime whose sources have each been refreshed once."""
    import asyncio

    from signage.network import new_client
    from signage.runtime import Runtime

    runtime = Runtime.build(loaded.config, clock, loaded.cache_dir)

    async def go() -> None:
        async with new_client(loaded.config.network) as client:
            await runtime.refresh_all(client)

    asyncio.run(go())
    return runtime


def cmd_render(args: argparse.Namespace) -> int:
    from signage.ui.render import render_panels
    from signage.view import build_view

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size: expected WxH such as 1920x1080, not {args.size!r}") from None
    if width < 320 or height < 240:
        raise UsageError("--size: at least 320x240")
    probe = clock_for(args.at)
    loaded = load(args, demo_today(probe))
    config = loaded.config
    clock = with_school_zone(probe, config, args.at)
    runtime = fetched(loaded, clock)
    view = build_view(config, runtime.store.snapshots(), clock.now(), loaded.notes)
    for path in render_panels(view, config.panels, width, height, args.out):
        print(path)
    return 0


def cmd_agenda(args: argparse.Namespace) -> int:
    from signage import agenda

    if args.days < 1:
        raise UsageError("--days: at least 1")
    if args.days > MAX_DAYS:
        raise UsageError(f"--days: at most {MAX_DAYS}")
    probe = clock_for(args.at)
    loaded = load(args, demo_today(probe))
    config = loaded.config
    clock = with_school_zone(probe, config, args.at)
    now = clock.now()
    tz = config.school.tz
    try:
        first = date.fromisoformat(args.date) if args.date else agenda.local_today(now, tz)
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD, not {args.date!r}") from None
    if not AT_YEARS[0] <= first.year <= AT_YEARS[1]:
        raise UsageError(f"--date: the year must be {AT_YEARS[0]} to {AT_YEARS[1]}")
    runtime = fetched(loaded, clock)
    data = agenda.agenda_json(
        school=config.school.name,
        tz=tz,
        roles=runtime.roles,
        snapshots=runtime.store.snapshots(),
        now=now,
        first_day=first,
        days=args.days,
    )
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(agenda.as_text(data))
    return 0
