"""The weather kinds against real JMA and MOE files (tests/data/weather) served from 127.0.0.1:
what is in force for the school's area, the heat index of the day, the season's 404, the
checker's default URLs, the disk cache's codec and `agenda --json`'s `weather`."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from signage import agenda, itemcodec
from signage.cache import ItemCache
from signage.clock import FixedClock
from signage.config import check_text
from signage.demo import shift_dates
from signage.model import HeatIndex, Snapshot, WeatherWarning
from signage.network import new_client
from signage.poller import Poller
from signage.sources import Source, make_source
from signage.sources.jma_areas import office_of
from signage.store import Store
from signage.view import build_view
from tests.moments import TOKYO

DATA = Path(__file__).parent / "data" / "weather"
R8_TOKYO = DATA / "jma-warning-r8-130000-tokyo-20260813T1948JST.json"
R8_AMAMI = DATA / "jma-warning-r8-460040-amami-20260813.json"
LEGACY_GUNMA = DATA / "jma-warning-legacy-100000-gunma-frozen20260528T0925JST.json"
AREA_TABLE = DATA / "jma-area-const-area.json-20250719-mayoblitz.json"
YOHOU_TOKYO = DATA / "moe-wbgt-yohou_44132-20260712T1425.csv"
YOHOU_KUMAGAYA = DATA / "moe-wbgt-yohou_43056-20190731.csv"
ALERT = DATA / "TRIMMED-moe-alert_20260825_05-fixture-223n-FursuitWeather.csv"
HEAD = '[school]\nname = "伊勢崎市立みらい小学校"\n'


@pytest.fixture(autouse=True)
def not_found(httpserver: HTTPServer) -> None:
    """What a server answers for a file it does not have (pytest-httpserver's default: 500)."""
    httpserver.no_handler_status_code = 404


def source_from(toml: str, now: datetime) -> Source:
    config, issues = check_text(HEAD + toml, lang="en")
    assert config is not None and not [i for i in issues if i.severity == "error"], issues
    return make_source(config.sources[0], TOKYO, FixedClock(now))


def poll(source: Source, now: datetime) -> Snapshot:
    """One refresh by the source's poller, as the kiosk runs it."""
    store = Store([source.id])

    async def go() -> None:
        async with new_client() as client:
            await Poller(source, store, client, FixedClock(now), jitter=lambda: 0.5).refresh()

    asyncio.run(go())
    return store.get(source.id)


def warnings_source(httpserver: HTTPServer, area: str, file: Path, now: datetime) -> Source:
    httpserver.clear_all_handlers()  # the office's file is this one now
    httpserver.expect_request("/bosai/warning/data/r8/130000.json").respond_with_data(
        file.read_bytes(), content_type="application/json"
    )
    url = httpserver.url_for("/bosai/warning/data/r8/130000.json")
    toml = f'[[sources]]\nid = "jma"\nkind = "jma_warnings"\nrole = "weather"\narea = "{area}"\n'
    return source_from(toml + f'url = "{url}"\n', now)


AUG13 = datetime(2026, 8, 13, 20, 5, tzinfo=TOKYO)


def names(snapshot: Snapshot) -> list[tuple[str, str, str, int | None]]:
    return [
        (w.name, w.kind, w.status, w.level) for w in snapshot.items if isinstance(w, WeatherWarning)
    ]


@pytest.mark.usefixtures("no_proxy")
def test_r8_keeps_only_what_is_in_force_for_the_area(httpserver: HTTPServer) -> None:
    """1312200: the 大雨警報 continues (level 3 from its properties); 雷注意報 from another
    report. 1311700: the warning became an advisory (警報から注意報). 1310100: 大雨注意報 解除."""
    snap = poll(warnings_source(httpserver, "1312200", R8_TOKYO, AUG13), AUG13)
    assert snap.ok and snap.warnings == ()
    assert names(snap) == [("大雨警報", "警報", "継続", 3), ("雷注意報", "注意報", "継続", None)]
    heavy = snap.items[0]
    assert isinstance(heavy, WeatherWarning) and heavy.code == "03"
    assert heavy.since == datetime(2026, 8, 13, 19, 48, tzinfo=TOKYO)  # its report's time
    downgraded = poll(warnings_source(httpserver, "1311700", R8_TOKYO, AUG13), AUG13)
    assert names(downgraded) == [
        ("大雨注意報", "注意報", "警報から注意報", 2),
        ("雷注意報", "注意報", "継続", None),
        ("土砂災害注意報", "注意報", "継続", 2),
    ]
    lifted = poll(warnings_source(httpserver, "1310100", R8_TOKYO, AUG13), AUG13)
    assert names(lifted) == [("雷注意報", "注意報", "継続", None)]
    stepped_down = poll(warnings_source(httpserver, "1312300", R8_TOKYO, AUG13), AUG13)
    assert names(stepped_down)[0] == ("大雨注意報", "注意報", "危険警報から注意報", 2)


@pytest.mark.usefixtures("no_proxy")
def test_a_legacy_file_with_a_warning_in_force(httpserver: HTTPServer, tmp_path: Path) -> None:
    """No real legacy file with a 警報 exists (the endpoint froze on 2026-05-28 with none):
    the real Gunma file with 伊勢崎市's entry turned into a 暴風警報 and a 乾燥注意報."""
    quiet = '{"code":"1020400","warnings":[{"status":"発表警報・注意報はなし"}]}'
    loud = (
        '{"code":"1020400","warnings":[{"code":"05","status":"発表"},'
        '{"code":"21","status":"継続"},{"code":"20","status":"解除"}]}'
    )
    text = LEGACY_GUNMA.read_text(encoding="utf-8")
    assert text.count(quiet) == 1
    derived = tmp_path / "100000.json"
    derived.write_text(text.replace(quiet, loud), encoding="utf-8")
    snap = poll(warnings_source(httpserver, "1020400", derived, AUG13), AUG13)
    assert names(snap) == [
        ("暴風警報", "警報", "発表", None),
        ("乾燥注意報", "注意報", "継続", None),
    ]
    assert snap.items[0].since == datetime(2026, 5, 28, 9, 25, tzinfo=TOKYO)  # type: ignore[union-attr]


@pytest.mark.usefixtures("no_proxy")
def test_the_strip_and_the_json_say_what_is_in_force(httpserver: HTTPServer) -> None:
    source = warnings_source(httpserver, "1312200", R8_TOKYO, AUG13)
    snap = poll(source, AUG13)
    config, _ = check_text(
        HEAD + f'[[sources]]\nid = "jma"\nkind = "jma_warnings"\nrole = "weather"\n'
        f'area = "1312200"\nurl = "{source.config.location}"\n'
    )
    assert config is not None
    view = build_view(config, [snap], AUG13)
    (strip,) = [b for b in view.banners if b.tone == "weather"]
    assert strip.label == "気象警報"
    assert strip.text == "レベル3大雨警報 19:48から"
    assert [w.name for w in view.weather.advisories] == ["雷注意報"]  # quietly, on today
    data = agenda.agenda_json(
        school="x",
        tz=TOKYO,
        roles={"jma": "weather"},
        snapshots=[snap],
        now=AUG13,
        first_day=AUG13.date(),
        days=1,
        kinds={"jma": "jma_warnings"},
    )
    assert data["weather"]["wbgt"] is None  # no wbgt source
    assert data["weather"]["warnings"][0] == {
        "code": "03",
        "name": "大雨警報",
        "kind": "警報",
        "status": "継続",
        "since": "2026-08-13T19:48:00+09:00",
        "level": 3,
    }


@pytest.mark.usefixtures("no_proxy")
def test_a_continued_warning_keeps_the_time_it_was_first_seen(httpserver: HTTPServer) -> None:
    """JMA's file carries only its latest report's time: a 継続 keeps the earlier since."""
    source = warnings_source(httpserver, "1312200", R8_TOKYO, AUG13)
    first = source.read(R8_TOKYO.read_bytes(), AUG13)
    later = R8_TOKYO.read_text(encoding="utf-8").replace("2026-08-13T19:48", "2026-08-13T21:10")
    second = source.read(later.encode(), AUG13)
    assert first.items[0].since == second.items[0].since  # type: ignore[union-attr]


@pytest.mark.usefixtures("no_proxy")
def test_nothing_in_force_is_nothing_on_screen(httpserver: HTTPServer) -> None:
    amami = poll(warnings_source(httpserver, "4622200", R8_AMAMI, AUG13), AUG13)
    assert amami.ok and amami.items == () and amami.warnings == ()
    legacy = poll(warnings_source(httpserver, "1020400", LEGACY_GUNMA, AUG13), AUG13)
    assert legacy.ok and legacy.items == () and legacy.warnings == ()


@pytest.mark.usefixtures("no_proxy")
def test_an_area_the_office_does_not_cover_is_said_in_the_log(httpserver: HTTPServer) -> None:
    snap = poll(warnings_source(httpserver, "1020400", R8_TOKYO, AUG13), AUG13)
    assert snap.ok and snap.items == ()
    assert snap.warnings == ("area 1020400 is not in this office's data (check area and office)",)


@pytest.mark.usefixtures("no_proxy")
def test_a_server_error_keeps_the_last_warnings_and_marks_the_source(
    httpserver: HTTPServer,
) -> None:
    source = warnings_source(httpserver, "1312200", R8_TOKYO, AUG13)
    store = Store([source.id])

    async def go() -> None:
        async with new_client() as client:
            poller = Poller(source, store, client, FixedClock(AUG13), jitter=lambda: 0.5)
            await poller.refresh()
            httpserver.clear()
            httpserver.expect_request("/bosai/warning/data/r8/130000.json").respond_with_data(
                "busy", status=503
            )
            await poller.refresh()

    asyncio.run(go())
    snap = store.get(source.id)
    assert snap.error is not None and "503" in snap.error
    assert names(snap)[0] == ("大雨警報", "警報", "継続", 3)  # still on screen


def test_the_office_follows_from_the_area_everywhere() -> None:
    """The package's compact table against JMA's whole area table: every class-20 area."""
    table = json.loads(AREA_TABLE.read_text(encoding="utf-8"))
    c15, c10 = table["class15s"], table["class10s"]
    wrong = [
        code
        for code, area in table["class20s"].items()
        if office_of(code) != c10[c15[area["parent"]]["parent"]]["parent"]
    ]
    assert wrong == [] and len(table["class20s"]) == 1788
    assert office_of("1020400") == "100000"  # 伊勢崎市 → 群馬県
    assert office_of("0199900") is None  # not in Hokkaido's table: no guess


def test_the_checker_gives_the_default_urls_and_url_overrides_them() -> None:
    def location(body: str) -> tuple[str | None, list[str]]:
        config, issues = check_text(HEAD + '[[sources]]\nid = "w"\nrole = "weather"\n' + body)
        found = [f"{i.key}: {i.message}" for i in issues]
        return (config.sources[0].location if config else None), found

    jma = 'kind = "jma_warnings"\n'
    assert location(jma + 'area = "1020400"\n') == (
        "https://www.jma.go.jp/bosai/warning/data/r8/100000.json",
        [],
    )
    assert location(jma + 'area = "4622100"\noffice = "460040"\n')[0] == (
        "https://www.jma.go.jp/bosai/warning/data/r8/460040.json"
    )
    assert location(jma + 'area = "1020400"\nurl = "https://proxy.city.example/w.json"\n')[0] == (
        "https://proxy.city.example/w.json"
    )
    assert location('kind = "wbgt"\npoint = "42302"\n') == (
        "https://www.wbgt.env.go.jp/prev15WG/dl/yohou_42302.csv",
        [],
    )
    _, issues = location(jma)  # neither area, office nor url: where would it read?
    assert len(issues) == 1 and "area" in issues[0] and "office" in issues[0]
    _, bad = location(jma + 'area = "伊勢崎"\n')
    assert [issue.split(":")[0] for issue in bad] == ["sources[0].area"]  # said once, there


def test_generic_kinds_do_not_take_the_weather_role() -> None:
    _, issues = check_text(
        HEAD + '[[sources]]\nid = "w"\nkind = "json"\nrole = "weather"\nurl = "w.json"\n', lang="en"
    )
    assert any(i.key.endswith("role") and i.severity == "error" for i in issues)


# --------------------------------------------------------------------------------- WBGT

JULY13 = datetime(2026, 7, 13, 10, 40, tzinfo=TOKYO)


def wbgt_source(
    httpserver: HTTPServer, now: datetime, alert: str = "", point: str = "44132"
) -> Source:
    url = httpserver.url_for(f"/prev15WG/dl/yohou_{point}.csv")
    alert_url = alert or httpserver.url_for("/alert/dl/{year}/alert_{date}_{hour}.csv")
    toml = (
        f'[[sources]]\nid = "heat"\nkind = "wbgt"\nrole = "weather"\npoint = "{point}"\n'
        f'url = "{url}"\nalert_url = "{alert_url}"\n'
    )
    return source_from(toml, now)


def heat_today(snap: Snapshot, now: datetime) -> agenda.HeatToday | None:
    return agenda.heat_on(snap.items, now, TOKYO)


@pytest.mark.usefixtures("no_proxy")
def test_the_days_highest_and_the_three_hours_now(httpserver: HTTPServer) -> None:
    """東京, issued 7/12 14:25: on 7/13 at 10:40 the 9–12 slot is 26.0, the day's highest 27.0
    (警戒). The alert files answer 404 (none issued): no alert, not an error."""
    httpserver.expect_request("/prev15WG/dl/yohou_44132.csv").respond_with_data(
        YOHOU_TOKYO.read_bytes(), content_type="text/csv"
    )
    snap = poll(wbgt_source(httpserver, JULY13), JULY13)
    assert snap.ok and snap.warnings == ()
    (item,) = snap.items
    assert isinstance(item, HeatIndex) and item.issued == datetime(
        2026, 7, 12, 14, 25, tzinfo=TOKYO
    )
    assert len(item.slots) == 20 and item.slots[0][1] == 28.0
    heat = heat_today(snap, JULY13)
    assert heat == agenda.HeatToday(date(2026, 7, 13), 27.0, 26.0, False, False)
    assert heat.level == "警戒"
    # the alert was looked for: today's 10 and 05 issues, then yesterday's
    tried = [r.path for r, _ in httpserver.log if r.path.startswith("/alert/")]
    assert tried[:2] == [
        "/alert/dl/2026/alert_20260713_10.csv",
        "/alert/dl/2026/alert_20260713_05.csv",
    ]


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (31.0, "運動は原則中止"),
        (30.9, "厳重警戒"),
        (28.0, "厳重警戒"),
        (27.9, "警戒"),
        (25.0, "警戒"),
        (24.9, "注意"),
        (21.0, "注意"),
        (20.9, "ほぼ安全"),
    ],
)
def test_the_exercise_guideline_levels(value: float, level: str) -> None:
    assert agenda.heat_level(value) == level


@pytest.mark.usefixtures("no_proxy")
def test_outside_the_season_a_404_is_no_data_not_an_error(httpserver: HTTPServer) -> None:
    december = datetime(2026, 12, 4, 10, 40, tzinfo=TOKYO)
    httpserver.expect_request("/prev15WG/dl/yohou_42302.csv").respond_with_data("", status=404)
    snap = poll(wbgt_source(httpserver, december, point="42302"), december)
    assert snap.ok and snap.error is None and snap.items == ()
    data = agenda.weather_json(snap.items, ["wbgt"], december, TOKYO)
    assert data == {
        "warnings": None,
        "wbgt": {"date": "2026-12-04", "max": None, "now": None, "level": None, "alert": False},
    }


@pytest.mark.usefixtures("no_proxy")
def test_the_heat_alert_for_the_points_prefecture(httpserver: HTTPServer) -> None:
    """The alert file (layout from a trimmed real one): 東京 flag 1 on 8/25. The point's first
    two digits (44) are the row's 都府県・振興局表示番号; `office` picks a row by its JMA code."""
    now = datetime(2026, 8, 25, 7, 30, tzinfo=TOKYO)
    httpserver.expect_request("/prev15WG/dl/yohou_44132.csv").respond_with_data("", status=404)
    httpserver.expect_request("/alert/dl/2026/alert_20260825_05.csv").respond_with_data(
        ALERT.read_bytes(), content_type="text/csv"
    )
    snap = poll(wbgt_source(httpserver, now), now)
    assert snap.ok
    (item,) = snap.items
    assert isinstance(item, HeatIndex) and item.slots == ()
    assert item.alert_days == (date(2026, 8, 25),) and item.special_days == ()
    heat = heat_today(snap, now)
    assert heat is not None and heat.alert and heat.max is None
    data = agenda.weather_json(snap.items, ["wbgt"], now, TOKYO)
    assert data["wbgt"] == {
        "date": "2026-08-25",
        "max": None,
        "now": None,
        "level": None,
        "alert": True,
    }
    # 和歌山 (30, flag 3): the special alert, by office code
    wakayama = wbgt_source(httpserver, now, point="65042").config
    from dataclasses import replace

    options = {**wakayama.options, "office": "300000"}
    special = make_source(replace(wakayama, options=options), TOKYO, FixedClock(now))
    parsed = special.read(b"\x00" + ALERT.read_bytes(), now)
    (item,) = parsed.items
    assert isinstance(item, HeatIndex) and item.special_days == (date(2026, 8, 25),)


@pytest.mark.usefixtures("no_proxy")
def test_an_unreadable_alert_leaves_the_forecast_on_screen(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/prev15WG/dl/yohou_44132.csv").respond_with_data(
        YOHOU_TOKYO.read_bytes()
    )
    httpserver.expect_request("/alert/dl/2026/alert_20260713_10.csv").respond_with_data(
        "oops", status=500
    )
    snap = poll(wbgt_source(httpserver, JULY13), JULY13)
    assert snap.ok and len(snap.items) == 1
    assert snap.warnings and snap.warnings[0].startswith("heat alert not read: HTTP 500")


def test_a_hot_forecast_reads_its_days_highest() -> None:
    """熊谷, 2019/07/31 14:25 (MOE's sample): on 8/1 the highest is 32.0 at 12 and 15."""
    config, _ = check_text(
        HEAD + '[[sources]]\nid = "h"\nkind = "wbgt"\nrole = "weather"\npoint = "43056"\n'
        f'url = "{YOHOU_KUMAGAYA}"\nalert_url = ""\n'
    )
    assert config is not None
    now = datetime(2019, 8, 1, 13, 0, tzinfo=TOKYO)
    source = make_source(config.sources[0], TOKYO, FixedClock(now))
    parsed = source.read(YOHOU_KUMAGAYA.read_bytes() + b"\x00#none", now)
    heat = agenda.heat_on(parsed.items, now, TOKYO)
    assert heat is not None and (heat.max, heat.now, heat.level) == (32.0, 32.0, "運動は原則中止")


def test_weather_items_survive_the_disk_cache(tmp_path: Path) -> None:
    """A restarted kiosk shows the last warnings and forecast before its first fetch."""
    items: list[Any] = [
        WeatherWarning("jma", "03", "大雨警報", "警報", "継続", AUG13, 3),
        WeatherWarning("jma", "14", "雷注意報", "注意報", "発表", None, None),
        HeatIndex("heat", "42302", JULY13, ((JULY13, 31.2),), (date(2026, 7, 13),), ()),
    ]
    cache = ItemCache(tmp_path)
    cache.save("weather", "k", tuple(items), (), AUG13)
    copy = cache.load("weather", "k")
    assert copy is not None and copy.items == tuple(items)
    assert isinstance(copy.items[2], HeatIndex) and copy.items[2].slots[0][0].tzinfo == TOKYO
    bad = itemcodec.encode(items[0]) | {"kind": "大警報"}
    with pytest.raises(itemcodec.CodecError):
        itemcodec.decode(bad)


def test_the_demo_moves_the_forecasts_hourly_times() -> None:
    assert shift_dates(",,2026112415,2026112624\n", 1) == ",,2026120115,2026120324\n"
    assert shift_dates("2026112425 202611241500", 1) == "2026112425 202611241500"  # no hour 25


def test_a_warning_dated_ahead_is_not_yet_in_force() -> None:
    """A copy dated ahead (the demo's week, seen on a Saturday) is not shown as in force."""
    now = datetime.fromisoformat("2026-12-05T09:00:00+09:00")
    issued = WeatherWarning("w", "03", "大雨警報", "警報", "発表", now.replace(hour=6))
    ahead = WeatherWarning("w", "07", "暴風警報", "警報", "発表", now.replace(day=7))
    assert agenda.warnings_in_force([issued, ahead], now) == [issued]
    assert agenda.warnings_in_force([issued, ahead], now.replace(day=8)) == [issued, ahead]
