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
    from signage.boot import Problem
    from signage.clock import Clock
    from signage.config import Config
    from signage.loaded import Loaded
    from signage.runtime import Runtime
    from signage.ui.setup.trial import Tried

# Nothing heavy at the top: `--version` and a usage error answer before the config, the
# HTTP stack or asyncio are imported; each command imports what it needs (tests/test_startup.py).

USAGE_ERROR = 2
FETCH_FAILED = 1  # `check --fetch`: the file is valid, a source could not be fetched


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
    check.add_argument(
        "--fetch",
        action="store_true",
        help="also fetch every source once and list the rows it would skip",
    )

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
    if kiosk:
        from signage.process import limit_malloc_arenas

        limit_malloc_arenas()  # before the kiosk's threads
    import logging

    from signage import logs
    from signage.errors import ConfigError

    logs.setup(logging.INFO if args.verbose or kiosk else logging.WARNING, to_file=kiosk)
    try:
        if args.command == "check":
            return cmd_check(args.files, args.lang, args.fetch)
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


def cmd_check(files: list[Path | str], lang: str | None, fetch: bool = False) -> int:
    """Every problem of each file, warnings labelled and counted apart; then one verdict
    line. Exit 2 when a file has an error (the kiosk would refuse it); with `fetch`, 1 when
    the file is valid but a source could not be fetched; else 0."""
    from signage.config import check_file, message_language
    from signage.config.paths import is_layered
    from signage.messages import text

    language = message_language(lang)
    status = 0
    for path in files:
        if is_layered(path):  # fetches the layers (or uses the saved copies)
            from signage import central

            issues = central.check(path, lang)
        else:
            assert isinstance(path, Path)
            _, issues = check_file(path, lang)
        label = text(language, "warning_label")
        for issue in issues:
            if issue.severity == "warning":
                print(f"{issue.file}:{issue.line}: {issue.key}: {label}: {issue.message}")
            else:
                print(issue.format())
        errors = sum(issue.severity != "warning" for issue in issues)
        warnings = len(issues) - errors
        if errors:
            verdict = text(language, "check_counts", errors=errors, warnings=warnings)
            status = USAGE_ERROR
        elif warnings:
            verdict = text(language, "check_warnings_only", warnings=warnings)
        else:
            verdict = text(language, "check_ok")
        print(f"{path}: {verdict}")
        if fetch and not errors and fetch_report(path, language) and status == 0:
            status = FETCH_FAILED
    return status


def fetch_report(path: Path | str, lang: str) -> int:
    """`check --fetch`: every source fetched once, what it gave and every row it skipped.
    Returns how many sources could not be fetched."""
    from signage import skips
    from signage.messages import text
    from signage.trial import try_all

    loaded = load(argparse.Namespace(config=path, demo=False, command="check"), date.today())
    failed = 0
    for trial in try_all(loaded.config):
        if trial.error is not None:
            print(f"  {trial.source}: {text(lang, 'fetch_failed', error=trial.error)}")
            failed += 1
            continue
        print(f"  {trial.source}: {text(lang, 'fetch_ok', count=len(trial.items))}")
        for key, chosen in (
            ("fetch_skipped", skips.left_out(trial.skipped)),
            ("fetch_kept", skips.kept(trial.skipped)),
        ):
            if chosen:
                print(f"    {text(lang, key, count=len(chosen))}")
                for skip in chosen:
                    print(f"      {skip.where}: {skips.reason(skip, lang)}")
    return failed


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
    """Fetch one source of `config` once (signage.trial): what would appear, and every row
    that would be skipped, or shown not as written, with the reason in the config's language.
    Raises with the fetch's own reason when it fails."""
    from signage import skips, trial
    from signage.errors import SourceError
    from signage.ui.setup.trial import Skipped, Tried

    (sc,) = [sc for sc in config.sources if sc.id == source_id]
    tried = trial.try_source(sc, config)
    if tried.error is not None:
        raise SourceError(tried.error)
    lang = config.display.language
    left = tuple(Skipped(s.where, skips.reason(s, lang)) for s in skips.left_out(tried.skipped))
    kept = tuple(f"{s.where}: {skips.reason(s, lang)}" for s in skips.kept(tried.skipped))
    return Tried(tried.items, left, kept)


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
    loaded = loaded_or_wait(args, clock)
    if loaded is None:
        return 0  # quit (Ctrl+Q) while the config was broken
    try:
        kiosk = Kiosk(loaded, clock, args.screen)
    except AlreadyRunning as exc:
        print(f"signage: {exc}", file=sys.stderr)
        return USAGE_ERROR
    return run_kiosk(kiosk, args.windowed)


def loaded_or_wait(args: argparse.Namespace, clock: Clock) -> Loaded | None:
    """The config to run with. Broken or missing at boot, the monitor says what is wrong and
    where until the file is fixed (signage.boot), rather than the kiosk exiting to the
    desktop; None when the person quits meanwhile."""
    import logging

    from signage.boot import POLL_SECONDS, Waiter, problem_of
    from signage.config import find_config
    from signage.errors import ConfigError

    try:
        return load(args, demo_today(clock))
    except ConfigError as error:
        path = args.config if args.config is not None else find_config()
        if path is None:
            raise
        logging.getLogger(__name__).error("config not usable, waiting for a fix: %s", error)
        waiter = Waiter(path, lambda: load(args, demo_today(clock)), problem_of(path, error))
        found: list[Loaded] = []

        def poll() -> Problem | None:
            loaded = waiter.poll()
            if loaded is None:
                return waiter.problem
            found.append(loaded)
            return None

        from signage.ui.app import show_broken_config

        screen = max(args.screen, 0)
        if not show_broken_config(waiter.problem, poll, POLL_SECONDS, screen, args.windowed):
            return None
        logging.getLogger(__name__).info("config fixed: starting")
        return found[0]


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
    """What the monitor shows at that moment: every panel (every page of a paged board, up to
    MAX_PAGE_FILES), or the dark frame when the display schedule has the screen off."""
    from signage.jpdate import hm
    from signage.messages import screen
    from signage.panels import panel_kind
    from signage.presenter import Presenter, dark_text
    from signage.ui.render import MAX_PAGE_FILES, page_count, render_dark, render_panels

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
    # The kiosk's own decisions (dark or lit, the view), made for this moment.
    presenter = Presenter(runtime, loaded.notes, size=(width, height))
    view = presenter.view
    if not presenter.screen_on:
        local = view.now
        why = dark_text(presenter.dark, local) if presenter.dark else ""
        at = f"{local.date().isoformat()} {hm(local)}"
        print(f"signage: {screen('render.dark', at=at, why=why)}", file=sys.stderr)
        print(render_dark(presenter.dark, local, width, height, args.out))
        return 0
    for panel in config.panels:
        pages = page_count(view, panel.kind, width, height)
        if pages > MAX_PAGE_FILES:
            title = panel_kind(panel.kind).title
            note = screen("render.pages_cut", panel=title, pages=pages, count=MAX_PAGE_FILES)
            print(f"signage: {note}", file=sys.stderr)
    for path in render_panels(view, config.panels, width, height, args.out, MAX_PAGE_FILES):
        print(path)
    return 0


def cmd_agenda(args: argparse.Namespace) -> int:
    from typing import Any

    from signage import agenda
    from signage.bell import bell_json, school_bells
    from signage.model import Item

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
    by_role: dict[str, list[Item]] = {}
    for snap in runtime.store.snapshots():
        by_role.setdefault(runtime.roles.get(snap.source, "events"), []).extend(snap.items)
    bells = school_bells(config, by_role)

    def bell_and_off(day: date) -> tuple[dict[str, Any] | None, str | None]:
        found = bells(day)
        return bell_json(found), found.off

    data = agenda.agenda_json(
        school=config.school.name,
        tz=tz,
        roles=runtime.roles,
        snapshots=runtime.store.snapshots(),
        now=now,
        first_day=first,
        days=args.days,
        kinds={source.id: source.kind for source in config.sources},
        bells=bell_and_off,
        lang=config.display.language,
    )
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(agenda.as_text(data))
    return 0
