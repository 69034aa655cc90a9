"""Privacy fails closed in every output (issue 12, items 6 and 7).

Real calendar and CSV files (tests/data) through the real sources, over a server on 127.0.0.1
or from disk, then what a person or a machine can read: the view the panels and the 本日
banner draw, `agenda` as JSON and as text, the log, and the disk cache.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from signage import privacy
from signage.cli import build_parser, fetched, load, main
from signage.clock import FixedClock
from signage.view import View, build_view
from tests.moments import TOKYO

DATA = Path(__file__).parent / "data"
AT = "2026-11-24T09:00"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO)
SECRETS = [f"秘密{n}" for n in range(1, 8)]  # every title of tests/data/private.ics that leaks
GIVEN = ("正男", "美紀", "陽子", "一郎", "花子", "健", "翼", "佐々木陽子")  # given names
STAFF_FIELDS = {"person": "氏名", "reason": "区分", "date": "日付", "start": "開始", "end": "終了"}


# --- The decisions themselves -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "series", "private"),
    [
        ([], False, False),  # no CLASS: RFC 5545's PUBLIC
        (["PUBLIC"], False, False),
        (["public "], False, False),
        ([""], False, False),  # `CLASS:` empty, as Exchange and Thunderbird write it
        (["PRIVATE "], False, True),
        ([" PRIVATE"], False, True),
        (["PUBLIC", "PRIVATE"], False, True),  # duplicates that disagree
        (["CONFIDENTIAL"], False, True),
        (["X-SECRET"], False, True),
        (["PUBLIC,PRIVATE"], False, True),  # garbage
        ([], True, True),  # an override without CLASS of a private series
        (["PUBLIC"], True, True),  # never more public than its series
    ],
)
def test_only_a_clearly_public_class_shows(values, series, private):
    assert privacy.is_private(values, series_private=series) is private


def test_the_cloud_kinds_name_their_own_public_words():
    assert not privacy.is_private(["normal"], public=("normal",))  # Microsoft 365 sensitivity
    assert privacy.is_private(["personal"], public=("normal",))
    assert privacy.is_private(["confidential"], public=("default", "public"))  # Google


# --- Item 6: private titles, on the panel, the banner, agenda JSON and text -------------------


def write_config(tmp: Path, sources: str) -> Path:
    path = tmp / "school.toml"
    path.write_text(f'[school]\nname = "テスト小学校"\n\n{sources}', encoding="utf-8")
    return path


def source(sid: str, role: str, url: str, extra: str = "") -> str:
    return f'[[sources]]\nid = "{sid}"\nkind = "ics"\nrole = "{role}"\nurl = "{url}"\n{extra}\n'


def view_of(config: Path) -> View:
    args = build_parser().parse_args(["agenda", "--config", str(config), "--at", AT])
    loaded = load(args, NOW.date())
    runtime = fetched(loaded, FixedClock(NOW))
    return build_view(loaded.config, runtime.store.snapshots(), NOW)


def agenda_out(config: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    assert main(["agenda", "--config", str(config), "--at", AT, *flags]) == 0
    return capsys.readouterr().out


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SIGNAGE_CACHE", str(folder))
    return folder


@pytest.fixture
def private_feed(httpserver: HTTPServer, no_proxy: None, tmp_path: Path, cache: Path) -> Path:
    """private.ics served as the events and as the visits (本日 banner) of one school."""
    body = (DATA / "private.ics").read_bytes()
    httpserver.expect_request("/private.ics").respond_with_data(body, content_type="text/calendar")
    url = httpserver.url_for("/private.ics")
    return write_config(tmp_path, source("cal", "events", url) + source("ict", "visits", url))


def test_private_titles_stay_off_the_panel_and_the_banner(private_feed: Path):
    view = view_of(private_feed)
    titles = [e.title for e in view.today]
    assert titles == ["朝会", "避難訓練"] + ["予定あり"] * 7
    assert len(view.banners) == 9
    drawn = " ".join([*titles, *(b.text for b in view.banners)])
    assert not [s for s in SECRETS if s in drawn]
    assert "面談" not in drawn and "保護者" not in drawn


def test_private_titles_stay_out_of_agenda_json_and_text(private_feed: Path, capsys):
    data = json.loads(agenda_out(private_feed, capsys, "--json"))
    day = data["days"][0]
    assert sorted(e["title"] for e in day["events"]) == sorted(
        ["朝会", "避難訓練"] + ["予定あり"] * 7
    )
    assert [e["title"] for e in day["visits"]].count("予定あり") == 7
    text = agenda_out(private_feed, capsys)
    for out in (json.dumps(data, ensure_ascii=False), text):
        assert not [s for s in SECRETS if s in out]


def test_hide_leaves_every_not_clearly_public_event_out(tmp_path: Path, cache: Path, capsys):
    url = str(DATA / "private.ics")
    config = write_config(tmp_path, source("cal", "events", url, 'private = "hide"'))
    data = json.loads(agenda_out(config, capsys, "--json"))
    assert [e["title"] for e in data["days"][0]["events"]] == ["朝会", "避難訓練"]


def test_an_empty_class_of_a_real_export_is_shown(tmp_path: Path):
    """Thunderbird writes `CLASS:` with nothing after it on ordinary events."""
    url = str(DATA / "recurring-ical-events__issue_18_cancel_status.ics")
    config = write_config(tmp_path, source("cal", "events", url))
    args = build_parser().parse_args(["agenda", "--config", str(config)])
    loaded = load(args, NOW.date())
    at = datetime(2020, 1, 29, 12, 0, tzinfo=TOKYO)
    runtime = fetched(loaded, FixedClock(at))
    (snapshot,) = runtime.store.snapshots()
    assert {e.title for e in snapshot.items} == {"one is cancelled"}  # type: ignore[union-attr]


# --- Item 7: names, in every output ------------------------------------------------------------


def staff_config(tmp: Path, names: str | None) -> Path:
    extra = f'names = "{names}"' if names else ""
    ics = source("out", "staff_out", str(DATA / "staff_out_names.ics"), extra)
    fields = ", ".join(f'{k} = "{v}"' for k, v in STAFF_FIELDS.items())
    csv = (
        f'[[sources]]\nid = "out-csv"\nkind = "csv"\nrole = "staff_out"\n'
        f'url = "{DATA / "staff_out.csv"}"\nfields = {{ {fields} }}\n{extra}\n'
    )
    return write_config(tmp, ics + csv)


def staff_titles(data: dict[str, object]) -> list[str]:
    day = data["days"][0]  # type: ignore[index]
    return [e["title"] for e in day["staff_out"]]


def test_family_never_shows_a_given_name(tmp_path: Path, cache: Path, capsys, caplog):
    config = staff_config(tmp_path, "family")
    caplog.set_level(logging.DEBUG)
    view = view_of(config)
    data = json.loads(agenda_out(config, capsys, "--json"))
    text = agenda_out(config, capsys)
    shown = [json.dumps(data, ensure_ascii=False), text, caplog.text, repr(view.staff_out)]
    for out in shown:
        assert not [g for g in GIVEN if g in out], out
    assert "田中" in text and "年休（午前）" in text and "鈴木 出張" in text
    assert_cache_holds_no(cache, GIVEN)


def test_none_shows_no_name_and_no_reason_anywhere(tmp_path: Path, cache: Path, capsys, caplog):
    config = staff_config(tmp_path, "none")
    caplog.set_level(logging.DEBUG)
    view = view_of(config)
    assert view.staff_out and all((r.name, r.reason) == ("", "") for r in view.staff_out)
    data = json.loads(agenda_out(config, capsys, "--json"))
    assert staff_titles(data) and set(staff_titles(data)) == {""}
    assert all(e["location"] is None for e in data["days"][0]["staff_out"])
    text = agenda_out(config, capsys)
    families = ("田中", "中村", "高橋", "佐々木", "鈴木", "佐藤")
    for out in (json.dumps(data, ensure_ascii=False), text, caplog.text, repr(view)):
        assert not [n for n in (*GIVEN, *families) if n in out]
    assert_cache_holds_no(cache, (*GIVEN, *families))


def test_full_shows_the_titles_as_written(tmp_path: Path, cache: Path, capsys):
    data = json.loads(agenda_out(staff_config(tmp_path, None), capsys, "--json"))
    assert "田中 正男 出張（伊勢崎市教育委員会）" in staff_titles(data)
    assert "鈴木 一郎 出張" in staff_titles(data)


def test_family_rows_exactly(tmp_path: Path, cache: Path):
    rows = sorted((r.name, r.reason) for r in view_of(staff_config(tmp_path, "family")).staff_out)
    assert rows == sorted(
        [
            ("田中", ""),  # "田中 正男 出張（…）": where the name ends is unknown: no reason
            ("中村", "年休（午前）"),
            ("高橋", ""),  # "高橋　美紀　研修 午後" (ideographic spaces)
            ("", ""),  # "佐々木陽子 会議": longer than a family name is written, so withheld
            ("鈴木", "出張"),  # the CSV's person field "鈴木 一郎"
            ("佐藤", "年休"),
            ("高橋", "研修"),
        ]
    )


def test_a_person_field_without_a_space_is_not_split_but_withheld():
    from signage.model import Event

    event = Event("x", "佐々木陽子 会議", NOW, NOW, person="佐々木陽子")
    assert privacy.shown_person(event, "family") == ("", "")
    assert privacy.shown_person(event, "full") == ("佐々木陽子", "会議")


def assert_cache_holds_no(folder: Path, words: tuple[str, ...]) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, "the agenda run wrote no cache"
    leaked = {
        p.name: [
            w for w in words if w.encode() in p.read_bytes() or w.encode("cp932") in p.read_bytes()
        ]
        for p in files
    }
    assert not any(leaked.values()), leaked


def test_the_disk_cache_and_an_offline_restart_hold_only_the_masked_items(
    httpserver: HTTPServer, no_proxy: None, tmp_path: Path, cache: Path, capsys
):
    """Item 9: with `names = "none"` and a private CLASS event, the copy on disk holds neither
    the names nor the private title, and a restart without network shows the same masked items
    from it."""
    for name in ("private.ics", "staff_out_names.ics"):
        httpserver.expect_request(f"/{name}").respond_with_data(
            (DATA / name).read_bytes(), content_type="text/calendar"
        )
    config = write_config(
        tmp_path,
        source("cal", "events", httpserver.url_for("/private.ics"))
        + source("out", "staff_out", httpserver.url_for("/staff_out_names.ics"), 'names = "none"'),
    )
    online = json.loads(agenda_out(config, capsys, "--json"))
    assert [s["ok"] for s in online["sources"]] == [True, True]
    assert "予定あり" in [e["title"] for e in online["days"][0]["events"]]
    assert staff_titles(online) and set(staff_titles(online)) == {""}
    families = ("田中", "中村", "高橋", "佐々木", "鈴木", "佐藤")
    assert sorted(p.name for p in cache.rglob("*") if p.is_file()) == ["cal.items", "out.items"]
    assert_cache_holds_no(cache, (*SECRETS, *GIVEN, *families))

    httpserver.clear()
    httpserver.expect_request("/private.ics").respond_with_data("down", status=503)
    httpserver.expect_request("/staff_out_names.ics").respond_with_data("down", status=503)
    offline = json.loads(agenda_out(config, capsys, "--json"))
    assert [s["ok"] for s in offline["sources"]] == [False, False]
    assert [s["fetched_at"] for s in offline["sources"]] == [
        s["fetched_at"] for s in online["sources"]
    ]
    assert offline["days"] == online["days"]
