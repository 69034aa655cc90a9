"""Config loading and `check`: every issue, with its line and key path, in ja and en."""

from __future__ import annotations

import string
import textwrap
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from signage.config import (
    DEFAULT_PANELS,
    Auth,
    Bell,
    Config,
    Display,
    Issue,
    LineLocator,
    NetworkConfig,
    PanelConfig,
    Period,
    Schedule,
    School,
    SourceConfig,
    Visits,
    check_file,
    check_text,
    default_config_path,
    find_config,
    format_key_path,
    load_config,
    message_language,
)
from signage.errors import ConfigError
from signage.messages import MESSAGES

EXAMPLE = Path(__file__).resolve().parent.parent / "configs" / "example-school.toml"


@pytest.fixture(autouse=True)
def _no_language_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNAGE_LANG", raising=False)


def write(tmp_path: Path, body: str, name: str = "signage.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def issues_of(tmp_path: Path, body: str, lang: str | None = None) -> list[Issue]:
    return check_file(write(tmp_path, body), lang)[1]


def where(issues: list[Issue]) -> list[tuple[int, str]]:
    return [(issue.line, issue.key) for issue in issues]


def only(issues: list[Issue]) -> Issue:
    assert len(issues) == 1, [issue.format() for issue in issues]
    return issues[0]


SOURCE = """
[[sources]]
id = "cal"
kind = "ics"
role = "events"
url = "https://example.com/cal.ics"
"""


# --- One test per kind of issue -----------------------------------------------------------------


def test_toml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    issue = only(
        issues_of(
            tmp_path,
            """
            [school]
            name = "みらい小"

            [[panels]]
            kind = "today"
            seconds = "20
            """,
        )
    )
    assert (issue.line, issue.key) == (6, "(syntax)")
    assert "TOML" in issue.message
    assert issue.format().startswith(f"{tmp_path / 'signage.toml'}:6: (syntax): ")


def test_syntax_error_at_end_of_document_points_at_the_last_line(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, 'name = "x"\ndays = ["mon",\n'))
    assert (issue.line, issue.key) == (2, "(syntax)")
    assert "15文字目" in issue.message


def test_unknown_top_level_key_suggests_the_right_one(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, '[shcool]\nname = "みらい小"\n'))
    assert (issue.line, issue.key) == (1, "shcool")
    assert "もしかして「school」?" in issue.message


def test_key_before_any_header_is_sent_to_its_section(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, 'name = "みらい小"\n[school]\n'))
    assert (issue.line, issue.key) == (1, "name")
    assert "[school]" in issue.message


def test_unknown_key_inside_sources_and_bell_periods(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        SOURCE + 'refesh_minutes = 5\n\n[[bell.periods]]\nlabel = "1校時"\nstrat = "08:45"\n',
    )
    assert where(issues) == [
        (6, "sources[0].refesh_minutes"),
        (8, "bell.periods[0].start"),  # missing: the table header's line
        (10, "bell.periods[0].strat"),
    ]
    assert "もしかして「refresh_minutes」?" in issues[0].message
    assert "もしかして「start」?" in issues[2].message


def test_wrong_type_number_in_quotes(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, '[[panels]]\nkind = "today"\nseconds = "20"\n'))
    assert (issue.line, issue.key) == (3, "panels[0].seconds")
    assert "seconds = 20" in issue.message


def test_wrong_type_names_what_to_write(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, "[school]\nname = 5\n", lang="en"))
    assert (issue.line, issue.key) == (2, "school.name")
    assert issue.message == 'write text ("…") here (found 5).'


def test_single_brackets_for_sources_asks_for_double(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, '[sources]\nid = "cal"\n'))
    assert (issue.line, issue.key) == (1, "sources")
    assert "[[sources]]" in issue.message


@pytest.mark.parametrize(
    ("body", "line", "key", "needle"),
    [
        (SOURCE.replace('"events"', '"event"'), 4, "sources[0].role", "もしかして「events」?"),
        (SOURCE + "refresh_minutes = 0\n", 6, "sources[0].refresh_minutes", "0 より大きい"),
        (SOURCE + "refresh_minutes = -5\n", 6, "sources[0].refresh_minutes", "-5"),
        (SOURCE + 'private = "secret"\n', 6, "sources[0].private", "neutral, hide"),
        ('[[bell.periods]]\nlabel = "朝"\nstart = "8:2"\n', 3, "bell.periods[0].start", "8:2"),
        ('[[bell.periods]]\nlabel = "朝"\nstart = "24:00"\n', 3, "bell.periods[0].start", "24"),
        (
            '[[bell.periods]]\nlabel = "朝"\nstart = "08:35"\nend = "08:20"\n',
            4,
            "bell.periods[0].end",
            "08:20",
        ),
        ('[bell]\ndays = ["mon", "tus"]\n', 2, "bell.days[1]", "もしかして「tue」?"),
        ("[bell]\ndays = []\n", 2, "bell.days", "空"),
        ('[display]\nlanguage = "fr"\n', 2, "display.language", "ja, en"),
        ("[display]\nscreen = -1\n", 2, "display.screen", "0 以上"),
        ("[visits]\nmonthly_target = 0\n", 2, "visits.monthly_target", "1 以上"),
        (SOURCE.replace("https://example.com/cal.ics", "ftp://x/y"), 5, "sources[0].url", "ftp"),
        (SOURCE.replace('"cal"', '"学校 行事"'), 2, "sources[0].id", "半角英数字"),
        ("panels = []\n", 1, "panels", "パネル"),
    ],
)
def test_bad_values(tmp_path: Path, body: str, line: int, key: str, needle: str) -> None:
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key, issue.severity) == (line, key, "error")
    assert needle in issue.message


def test_unknown_time_zone(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, '[school]\nname = "x"\ntimezone = "Asia/Tokio"\n'))
    assert (issue.line, issue.key) == (3, "school.timezone")
    assert "もしかして「Asia/Tokyo」?" in issue.message


def test_duplicate_id_points_at_the_second_and_names_the_first(tmp_path: Path) -> None:
    body = SOURCE + "\n" + SOURCE.replace("ics", "json").replace('"events"', '"notices"')
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key) == (9, "sources[1].id")
    assert "2 行目" in issue.message
    english = only(issues_of(tmp_path, body, lang="en"))
    assert "line 2" in english.message


def test_missing_file_is_a_warning_and_the_config_still_loads(tmp_path: Path) -> None:
    path = write(tmp_path, SOURCE.replace("https://example.com/cal.ics", "feeds/cal.ics"))
    config, issues = check_file(path)
    issue = only(issues)
    assert (issue.line, issue.key, issue.severity) == (5, "sources[0].url", "warning")
    assert str(tmp_path / "feeds" / "cal.ics") in issue.message
    assert config is not None
    assert load_config(path).sources[0].location == str(tmp_path / "feeds" / "cal.ics")


def test_unknown_panel_kind(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, '[[panels]]\nkind = "today"\n[[panels]]\nkind = "todya"\n'))
    assert (issue.line, issue.key) == (4, "panels[1].kind")
    assert "today, week, notices, visits" in issue.message


def test_unknown_source_kind_lists_the_known_ones(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, SOURCE.replace('"ics"', '"icss"')))
    assert (issue.line, issue.key) == (3, "sources[0].kind")
    assert issue.message == (
        "不明な種類「icss」です。使えるのは ics, json, csv, folder, m365, google, jma_warnings, "
        "wbgt です。"
        "もしかして「ics」?"
    )
    english = only(issues_of(tmp_path, SOURCE.replace('"ics"', '"icss"'), lang="en"))
    assert english.message == (
        'unknown kind "icss"; known kinds: ics, json, csv, folder, m365, google, jma_warnings, '
        "wbgt. "
        'Did you mean "ics"?'
    )


def test_missing_required_keys_point_at_the_table_header(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, SOURCE + '\n[[sources]]\nid = "notices"\n')
    assert where(issues) == [
        (7, "sources[1].kind"),
        (7, "sources[1].role"),
        (7, "sources[1].url"),
    ]
    assert "kind = …" in issues[0].message


def test_private_on_a_json_source_is_a_warning(tmp_path: Path) -> None:
    body = SOURCE.replace('"ics"', '"json"') + 'private = "hide"\n'
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key, issue.severity) == (6, "sources[0].private", "warning")


def test_very_short_refresh_of_a_remote_source_is_a_warning(tmp_path: Path) -> None:
    issue = only(issues_of(tmp_path, SOURCE + "refresh_minutes = 0.5\n"))
    assert (issue.line, issue.severity) == (6, "warning")


# --- The display schedule ([display] on, off, days, holidays, closed) ----------------------------

HOURS = '[display]\non = "7:00"\noff = "19:00"\n'


@pytest.mark.parametrize(
    ("body", "line", "key", "needle"),
    [
        ('[display]\non = "7:0"\noff = "19:00"\n', 2, "display.on", "「7:0」"),
        ('[display]\non = "7:00"\noff = "25:00"\n', 3, "display.off", "「25:00」"),
        ('[display]\non = 7\noff = "19:00"\n', 2, "display.on", "時刻"),
        (
            '[display]\non = "19:00"\noff = "7:00"\n',
            3,
            "display.off",
            "07:00 が、つける時刻 on の 19:00",
        ),
        ('[display]\non = "7:00"\noff = "7:00"\n', 3, "display.off", "0時をまたぐ"),
        ('[display]\nscreen = 0\non = "7:00"\n', 3, "display.on", "off = …"),
        ('[display]\noff = "19:00"\n', 2, "display.off", "on = …"),
        (HOURS + 'days = ["mon", "fir"]\n', 4, "display.days[1]", "もしかして「fri」?"),
        (HOURS + "days = []\n", 4, "display.days", "空"),
        (HOURS + 'days = "mon"\n', 4, "display.days", "配列"),
        (HOURS + 'holidays = "yes"\n', 4, "display.holidays", "off, on"),
        (HOURS + "holidays = false\n", 4, "display.holidays", "false"),
        (HOURS + 'closed = ["2026-02-30"]\n', 4, "display.closed[0]", "「2026-02-30」"),
        (HOURS + 'closed = ["2026-12-28", "12/28"]\n', 4, "display.closed[1]", "「12/28」"),
        (
            HOURS + 'closed = ["2027-01-03..2026-12-28"]\n',
            4,
            "display.closed[0]",
            "終わり 2026-12-28 が始まり 2027-01-03",
        ),
        (HOURS + 'closed = ["2026-12-28..2062-01-03"]\n', 4, "display.closed[0]", "366 日まで"),
        (
            HOURS + 'closed = ["2026-12-28..2027-01-03..2027-01-05"]\n',
            4,
            "display.closed[0]",
            "範囲",
        ),
        (HOURS + "closed = [20261228]\n", 4, "display.closed[0]", "日付"),
        (HOURS + "closed = [2026-12-28T09:00:00]\n", 4, "display.closed[0]", "日付"),
        (HOURS + 'closed = "2026-12-28"\n', 4, "display.closed", "配列"),
    ],
)
def test_bad_schedule(tmp_path: Path, body: str, line: int, key: str, needle: str) -> None:
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key, issue.severity) == (line, key, "error")
    assert needle in issue.message


def test_bad_closed_entry_in_a_long_list_points_at_the_list(tmp_path: Path) -> None:
    body = HOURS + 'closed = [\n  "2026-12-28",\n  "2026-13-01",\n]\nscreen = 1\n'
    issue = only(issues_of(tmp_path, body))
    # The locator knows keys, not array elements: the line that opens the list.
    assert (issue.line, issue.key) == (4, "display.closed[1]")


def test_schedule_messages_in_english(tmp_path: Path) -> None:
    cases = {
        '[display]\non = "19:00"\noff = "7:00"\n': (
            "off 07:00 is not after on 19:00; the hours cannot cross midnight "
            '(e.g. on = "7:00", off = "19:00").'
        ),
        '[display]\non = "7:00"\n': (
            "write both on (screen on from) and off (screen off at): add off = …, "
            "or remove this line to keep the screen on all day."
        ),
        HOURS + 'holidays = "of"\n': (
            '"of" is not allowed; use one of off, on (off: dark on national holidays, '
            'on: shown on holidays too). Did you mean "off"?'
        ),
        HOURS + 'closed = ["2026-12-32"]\n': (
            'cannot read the date "2026-12-32"; write "2026-12-28", '
            'or a range "2026-12-28..2027-01-03".'
        ),
        HOURS + 'closed = ["2027-01-03..2026-12-28"]\n': (
            "the range ends (2026-12-28) before it starts (2027-01-03); "
            "write the earlier date first."
        ),
    }
    for body, message in cases.items():
        assert only(issues_of(tmp_path, body, lang="en")).message == message


def test_schedule_keys_at_the_top_level_belong_under_display(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, 'on = "7:00"\nclosed = []\ndays = ["mon"]\n')
    assert where(issues) == [(1, "on"), (2, "closed"), (3, "days")]
    assert "[display]" in issues[0].message and "[display]" in issues[1].message
    assert "[bell]" in issues[2].message  # days are the bell's first


def test_no_schedule_keys_means_always_on(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[display]\nlanguage = "ja"\n'))
    assert config.display.schedule == Schedule()
    assert config.display.schedule.always_on
    assert load_config(write(tmp_path, "")).display == Display()


def test_schedule_round_trips_in_every_form(tmp_path: Path) -> None:
    body = """
    [display]
    on = 07:00:00
    off = "１９：００"
    days = ["月", "tue", "水曜日", "Thursday", "fri", "mon"]
    holidays = "on"
    closed = [
        "2026-12-28..2027-01-03",
        2026-08-13,
        "2026/8/14",
        "２０２６－０３－２５",
        "2026-03-30 〜 2026-03-31",
        "2026-12-29",
    ]
    """
    config, issues = check_file(write(tmp_path, body))
    assert issues == [] and config is not None
    assert config.display.schedule == Schedule(
        on=time(7, 0),
        off=time(19, 0),
        days=(0, 1, 2, 3, 4),
        holidays=False,
        closed=(
            date(2026, 3, 25),
            date(2026, 3, 30),
            date(2026, 3, 31),
            date(2026, 8, 13),
            date(2026, 8, 14),
            date(2026, 12, 28),
            date(2026, 12, 29),
            date(2026, 12, 30),
            date(2026, 12, 31),
            date(2027, 1, 1),
            date(2027, 1, 2),
            date(2027, 1, 3),
        ),
    )


def test_schedule_defaults_once_any_key_is_written(tmp_path: Path) -> None:
    hours = load_config(write(tmp_path, HOURS)).display.schedule
    assert hours == Schedule(on=time(7), off=time(19), days=(0, 1, 2, 3, 4), holidays=True)
    closed_only = '[display]\nclosed = ["2026-12-28"]\n'
    only_closed = load_config(write(tmp_path, closed_only)).display.schedule
    assert only_closed == Schedule(holidays=True, closed=(date(2026, 12, 28),))
    assert only_closed.days == (0, 1, 2, 3, 4, 5, 6)  # no hours: every weekday stays on
    weekdays = load_config(write(tmp_path, '[display]\ndays = ["mon"]\n')).display.schedule
    assert (weekdays.on, weekdays.off, weekdays.days, weekdays.holidays) == (None, None, (0,), True)


# --- Credentials (auth) and max_size_mb --------------------------------------------------------

SECRET = "eyJhbGciOi.s3cr3t-T0KEN"


@pytest.mark.parametrize(
    ("body", "line", "key", "needle"),
    [
        (
            SOURCE + 'auth = { type = "oauth", env = "CAL_TOKEN" }\n',
            6,
            "sources[0].auth.type",
            "bearer, basic",
        ),
        (
            SOURCE + 'auth = { type = "bearer", env = "A", file = "a.token" }\n',
            6,
            "sources[0].auth.file",
            "片方だけ",
        ),
        (SOURCE + 'auth = { type = "bearer" }\n', 6, "sources[0].auth", 'env = "環境変数名"'),
        (
            SOURCE + 'auth = { type = "basic", env = "CAL_PASSWORD" }\n',
            6,
            "sources[0].auth",
            'user = "…"',
        ),
        (SOURCE + 'auth = { env = "CAL_TOKEN" }\n', 6, "sources[0].auth.type", "type = …"),
        (
            SOURCE + '[sources.auth]\ntype = "bearer"\nuser = "mirai"\nenv = "CAL_TOKEN"\n',
            8,
            "sources[0].auth.user",
            'type = "basic"',
        ),
        (
            SOURCE + '[sources.auth]\ntype = "bearer"\nenv = "CAL-TOKEN"\n',
            8,
            "sources[0].auth.env",
            "MIRAI_CAL_TOKEN",
        ),
        (
            SOURCE + '[sources.auth]\ntype = "bearer"\nenv = ""\n',
            8,
            "sources[0].auth.env",
            "空",
        ),
        (SOURCE + "auth = true\n", 6, "sources[0].auth", "環境変数かファイル"),
        (SOURCE + "max_size_mb = 0\n", 6, "sources[0].max_size_mb", "0 より大きい"),
        (SOURCE + "max_size_mb = -1\n", 6, "sources[0].max_size_mb", "-1"),
        (SOURCE + 'max_size_mb = "20"\n', 6, "sources[0].max_size_mb", "max_size_mb = 20"),
        (SOURCE + "max_size_mb = true\n", 6, "sources[0].max_size_mb", "数値"),
        (SOURCE + "max_size_mb = nan\n", 6, "sources[0].max_size_mb", "0 より大きい"),
    ],
)
def test_bad_auth_and_max_size(tmp_path: Path, body: str, line: int, key: str, needle: str) -> None:
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key, issue.severity) == (line, key, "error")
    assert needle in issue.message


def test_unknown_auth_key_suggests_the_right_one(tmp_path: Path) -> None:
    body = SOURCE + '\n[sources.auth]\ntype = "bearer"\nevn = "CAL_TOKEN"\n'
    issues = issues_of(tmp_path, body)
    assert where(issues) == [(7, "sources[0].auth"), (9, "sources[0].auth.evn")]
    assert "env =" in issues[0].message  # neither env nor file
    assert "もしかして「env」?" in issues[1].message
    english = issues_of(tmp_path, body, lang="en")
    assert 'Did you mean "env"?' in english[1].message


@pytest.mark.parametrize(
    ("auth", "key"),
    [
        (f'"Bearer {SECRET}"', "sources[0].auth"),
        (f'{{ type = "bearer", token = "{SECRET}" }}', "sources[0].auth.token"),
        (f'{{ type = "basic", user = "u", password = "{SECRET}" }}', "sources[0].auth.password"),
        (f'{{ type = "bearer", env = "{SECRET}" }}', "sources[0].auth.env"),
        (f'{{ type = "Bearer {SECRET}", env = "CAL_TOKEN" }}', "sources[0].auth.type"),
    ],
)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_secret_written_into_the_config_is_never_repeated(
    tmp_path: Path, auth: str, key: str, lang: str
) -> None:
    issues = issues_of(tmp_path, SOURCE + f"auth = {auth}\n", lang=lang)
    assert key in [issue.key for issue in issues]
    assert all(issue.line == 6 for issue in issues)
    for issue in issues:
        assert "s3cr3t" not in issue.format()


def test_secret_in_config_says_to_move_it_out(tmp_path: Path) -> None:
    body = SOURCE + '[sources.auth]\ntype = "bearer"\ntoken = "abc"\n'
    issues = issues_of(tmp_path, body)
    assert where(issues) == [(6, "sources[0].auth"), (8, "sources[0].auth.token")]
    assert "環境変数" in issues[1].message and "abc" not in issues[1].message


def test_auth_on_a_file_source_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "cal.ics").write_text("", encoding="utf-8")
    body = SOURCE.replace("https://example.com/cal.ics", "cal.ics")
    body += 'auth = { type = "bearer", env = "CAL_TOKEN" }\n'
    path = write(tmp_path, body)
    config, issues = check_file(path)
    issue = only(issues)
    assert (issue.line, issue.key, issue.severity) == (6, "sources[0].auth", "warning")
    assert config is not None


def test_missing_secret_file_is_a_warning_and_the_config_still_loads(tmp_path: Path) -> None:
    body = SOURCE + '\n[sources.auth]\ntype = "basic"\nuser = "mirai-sho"\nfile = "secrets/cal"\n'
    path = write(tmp_path, body)
    config, issues = check_file(path)
    issue = only(issues)
    assert (issue.line, issue.key, issue.severity) == (10, "sources[0].auth.file", "warning")
    assert str(tmp_path / "secrets" / "cal") in issue.message
    assert config is not None
    assert config.sources[0].auth == Auth(
        "basic", user="mirai-sho", file=str(tmp_path / "secrets" / "cal")
    )


def test_auth_and_max_size_round_trip_in_both_forms(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "cal.token").write_text("x\n", encoding="utf-8")
    body = (
        SOURCE
        + 'auth = { type = "bearer", env = "MIRAI_CAL_TOKEN" }\nmax_size_mb = 50\n'
        + SOURCE.replace('"cal"', '"board"')
        + '[sources.auth]\ntype = "bearer"\nfile = "secrets/cal.token"\n'
        + SOURCE.replace('"cal"', '"visits"')
        + 'auth = { type = "basic", user = "mirai-sho", env = "CAL_PASSWORD" }\n'
        + "max_size_mb = 0.5\n"
    )
    config = load_config(write(tmp_path, body))
    assert [(s.auth, s.max_size_mb) for s in config.sources] == [
        (Auth("bearer", env="MIRAI_CAL_TOKEN"), 50.0),
        (Auth("bearer", file=str(tmp_path / "secrets" / "cal.token")), None),
        (Auth("basic", user="mirai-sho", env="CAL_PASSWORD"), 0.5),
    ]


def test_no_auth_and_no_max_size_by_default(tmp_path: Path) -> None:
    source = load_config(write(tmp_path, SOURCE)).sources[0]
    assert (source.auth, source.max_size_mb) == (None, None)


def test_file_not_found_and_not_utf8(tmp_path: Path) -> None:
    config, issues = check_file(tmp_path / "nope.toml")
    assert config is None
    assert where(issues) == [(1, "(file)")]
    sjis = tmp_path / "sjis.toml"
    sjis.write_bytes('[school]\nname = "みらい小学校"\n'.encode("shift_jis"))
    issue = only(check_file(sjis)[1])
    assert (issue.line, issue.key) == (2, "(file)")
    assert "UTF-8" in issue.message


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes('[school]\nname = "みらい小"\n'.encode("utf-8-sig"))
    assert load_config(path).school.name == "みらい小"


# --- Connectors: json, csv, folder ---------------------------------------------------------------

CSV = """
[[sources]]
id = "absences"
kind = "csv"
role = "absences"
url = "https://renraku.example.jp/export.csv"
"""
JSON = CSV.replace('"csv"', '"json"')
FOLDER = """
[[sources]]
id = "board"
kind = "folder"
role = "notices"
url = "board"
"""


@pytest.mark.parametrize(
    ("body", "line", "key", "needle"),
    [
        (
            CSV + 'fields = { class = "学級", nmae = "児童名" }\n',
            6,
            "sources[0].fields.nmae",
            "もしかして「name」?",
        ),
        (CSV + 'fields = { "学級" = "class" }\n', 6, 'sources[0].fields."学級"', 'class = "学級"'),
        (CSV + "fields = { class = 3 }\n", 6, "sources[0].fields.class", "文字列"),
        (CSV + 'fields = { class = " " }\n', 6, "sources[0].fields.class", "空"),
        (CSV + 'fields = "学級"\n', 6, "sources[0].fields", "表"),
        (
            CSV + 'values = { kind = { "欠" = "absence" } }\n',
            6,
            'sources[0].values.kind."欠"',
            "absent, late, early_leave です。もしかして「absent」?",
        ),
        (
            CSV + '\n[sources.values.kind]\n"欠" = "absent"\n"遅" = "lat"\n',
            9,
            'sources[0].values.kind."遅"',
            "もしかして「late」?",
        ),
        (
            CSV + 'values = { kinds = { "欠" = "absent" } }\n',
            6,
            "sources[0].values.kinds",
            "もしかして「kind」?",
        ),
        (CSV + 'values = { kind = "absent" }\n', 6, "sources[0].values.kind", "表"),
        (CSV + 'encoding = "shift-jls"\n', 6, "sources[0].encoding", "もしかして「shift_jis」?"),
        (CSV + 'encoding = "rot13"\n', 6, "sources[0].encoding", "rot13"),
        (JSON + 'items = "data..list"\n', 6, "sources[0].items", "data.notices"),
        (JSON + 'next = ".next"\n', 6, "sources[0].next", "「.」"),
        (JSON + "next = true\n", 6, "sources[0].next", "文字列"),
        (
            FOLDER.replace('url = "board"', 'url = "https://nas.example.jp/board"'),
            5,
            "sources[0].url",
            "URL は使えません",
        ),
        (FOLDER.replace('"notices"', '"events"'), 4, "sources[0].role", 'role = "notices"'),
        (CSV + 'names = "kanji"\n', 6, "sources[0].names", "full, family, none"),
    ],
)
def test_bad_connector_keys(tmp_path: Path, body: str, line: int, key: str, needle: str) -> None:
    (tmp_path / "board").mkdir()
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key, issue.severity) == (line, key, "error")
    assert needle in issue.message


@pytest.mark.parametrize(
    ("body", "line", "key", "needle"),
    [
        (CSV + 'items = "data"\n', 6, "sources[0].items", "kind = json"),
        (JSON + 'encoding = "cp932"\n', 6, "sources[0].encoding", "kind = csv"),
        (SOURCE + 'fields = { title = "件名" }\n', 6, "sources[0].fields", "json, csv, folder"),
        (SOURCE + 'values = { priority = { "重要" = "urgent" } }\n', 6, "sources[0].values", "csv"),
        (
            JSON.replace("https://renraku.example.jp/export.csv", "board/a.json")
            + 'next = "links.next"\n',
            6,
            "sources[0].next",
            "URL の情報源",
        ),
        (CSV + 'fields = { title = "件名" }\n', 6, "sources[0].fields.title", "class, kind"),
        (
            FOLDER.replace('url = "board"', 'url = "shared/board"'),
            5,
            "sources[0].url",
            "共有フォルダー",
        ),
        (
            FOLDER.replace('url = "board"', 'url = "board/a.json"'),
            5,
            "sources[0].url",
            "フォルダーでは",
        ),
    ],
)
def test_connector_warnings(tmp_path: Path, body: str, line: int, key: str, needle: str) -> None:
    (tmp_path / "board").mkdir()
    (tmp_path / "board" / "a.json").write_text("[]", encoding="utf-8")
    config, issues = check_file(write(tmp_path, body))
    issue = only(issues)
    assert (issue.line, issue.key, issue.severity) == (line, key, "warning")
    assert needle in issue.message
    assert config is not None


def test_connector_messages_in_english(tmp_path: Path) -> None:
    body = (
        CSV
        + 'encoding = "utf8x"\nitems = "data"\nfields = { clas = "学級" }\n'
        + 'values = { kind = { "欠" = "absence" } }\n'
    )
    issues = issues_of(tmp_path, body, lang="en")
    assert [(i.line, i.key, i.message) for i in issues] == [
        (
            6,
            "sources[0].encoding",
            'unknown encoding "utf8x"; write "auto" (UTF-8 or Shift_JIS, detected), "utf-8", '
            '"cp932" or another codec name. Did you mean "utf-8"?',
        ),
        (
            7,
            "sources[0].items",
            "items only applies to kind = json sources; this line has no effect.",
        ),
        (
            8,
            "sources[0].fields.clas",
            'unknown field "clas"; fields: title, body, posted, expires, priority, link, start, '
            "end, date, location, description, person, reason, class, kind, name. "
            'Did you mean "class"?',
        ),
        (
            9,
            'sources[0].values.kind."欠"',
            '"absence" is not a value of kind; use one of absent, late, early_leave. '
            'Did you mean "absent"?',
        ),
    ]


CONNECTORS = """
[[sources]]
id = "absences"
kind = "csv"
role = "absences"
url = "exports/absences.csv"
encoding = "Shift_JIS"
names = "none"
fields = { class = "学級", kind = "連絡種別", name = "児童名" }
values = { kind = { "休み" = "absent" } }

[[sources]]
id = "board-api"
kind = "json"
role = "notices"
url = "https://komu.example.jp/api/notices"
items = "data.notices"
next = "links.next"

[sources.fields]
title = "件名"
posted = "掲載.開始"

[sources.values.priority]
"重要" = "urgent"
"ふつう" = "normal"

[[sources]]
id = "board-folder"
kind = "folder"
role = "notices"
url = "全校共有/連絡"
"""


def test_connector_keys_round_trip_in_both_forms(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "absences.csv").write_text("学級\n", encoding="utf-8")
    (tmp_path / "全校共有" / "連絡").mkdir(parents=True)
    config, issues = check_file(write(tmp_path, CONNECTORS))
    assert issues == []
    assert config is not None
    csv, api, folder = config.sources
    assert csv == SourceConfig(
        id="absences",
        kind="csv",
        role="absences",
        url="exports/absences.csv",
        location=str(tmp_path / "exports" / "absences.csv"),
        encoding="shift_jis",
        names="none",
        fields={"class": "学級", "kind": "連絡種別", "name": "児童名"},
        values={"kind": {"休み": "absent"}},
    )
    assert (api.items, api.next_link, api.encoding) == ("data.notices", "links.next", "auto")
    assert api.fields == {"title": "件名", "posted": "掲載.開始"}
    assert api.values == {"priority": {"重要": "urgent", "ふつう": "normal"}}
    assert folder.location == str(tmp_path / "全校共有" / "連絡")
    # Per kind: a folder is looked at every 5 seconds, others every 15 minutes.
    assert (csv.refresh_minutes, api.refresh_minutes) == (15, 15)
    assert folder.refresh_minutes * 60 == pytest.approx(5)


def test_a_folder_refresh_may_be_set_in_fractions_of_a_minute(tmp_path: Path) -> None:
    (tmp_path / "board").mkdir()
    config = load_config(write(tmp_path, FOLDER + "refresh_minutes = 0.25\n"))
    assert config.sources[0].refresh_minutes == 0.25  # local: no "too often" warning


# --- Every issue, in file order, in the chosen language -----------------------------------------

FIVE_MISTAKES = """
[school]
name = "伊勢崎市立みらい小学校"
timezone = "Asia/Tokio"

[[bell.periods]]
label = "1校時"
start = "8:45"
end = "8:30"

[[sources]]
id = "cal"
kind = "icss"
role = "events"
url = "https://example.com/cal.ics"
refesh_minutes = 10

[[panels]]
kind = "today"
seconds = "20"
"""


def test_five_mistakes_come_out_together_in_file_order(tmp_path: Path) -> None:
    config, issues = check_file(write(tmp_path, FIVE_MISTAKES))
    assert config is None
    assert where(issues) == [
        (3, "school.timezone"),
        (8, "bell.periods[0].end"),
        (12, "sources[0].kind"),
        (15, "sources[0].refesh_minutes"),
        (19, "panels[0].seconds"),
    ]
    assert all(issue.severity == "error" for issue in issues)


def test_english_by_argument(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, FIVE_MISTAKES, lang="en")
    assert issues[0].message.startswith('unknown time zone "Asia/Tokio"')
    assert all(issue.message.isascii() for issue in issues)


def test_english_by_the_files_display_language(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, FIVE_MISTAKES + '\n[display]\nlanguage = "en"\n')
    assert issues[0].message.startswith('unknown time zone "Asia/Tokio"')
    # An explicit language wins over the file's.
    japanese = issues_of(tmp_path, FIVE_MISTAKES + '\n[display]\nlanguage = "en"\n', lang="ja")
    assert japanese[0].message.startswith("不明なタイムゾーン")


def test_english_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNAGE_LANG", "en_US.UTF-8")
    assert message_language(None) == "en"
    assert issues_of(tmp_path, FIVE_MISTAKES)[0].message.startswith("unknown time zone")
    assert message_language("ja") == "ja"


def test_message_language_defaults_to_japanese() -> None:
    assert message_language(None) == "ja"
    assert message_language("fr") == "ja"
    assert message_language("EN") == "en"


def test_load_config_raises_with_every_issue(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, FIVE_MISTAKES))
    assert len(caught.value.issues) == 5
    message = str(caught.value)
    assert message.splitlines()[0].endswith("5 件あります:")
    assert len(message.splitlines()) == 6


def test_messages_have_the_same_keys_and_placeholders_in_both_languages() -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    assert MESSAGES["ja"].keys() == MESSAGES["en"].keys()
    for key, template in MESSAGES["ja"].items():
        assert fields(template) == fields(MESSAGES["en"][key]), key


# --- The school network ([network], verify per source) ----------------------------------------


@pytest.fixture(scope="module")
def school_ca() -> Any:
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


def tls_files(ca: Any, folder: Path) -> dict[str, Path]:
    """The board's CA, the school's client certificate and key, and a key of another pair."""
    import trustme

    (folder / "certs").mkdir(exist_ok=True)
    files = {
        name: folder / "certs" / name
        for name in ("board-ca.pem", "school.pem", "school.key", "other.key")
    }
    ca.cert_pem.write_to_path(str(files["board-ca.pem"]))
    issued = ca.issue_cert("school-12.example.jp")
    issued.cert_chain_pems[0].write_to_path(str(files["school.pem"]))
    issued.private_key_pem.write_to_path(str(files["school.key"]))
    trustme.CA().issue_cert("x").private_key_pem.write_to_path(str(files["other.key"]))
    return files


@pytest.mark.parametrize(
    ("body", "line", "key", "needle"),
    [
        ('[network]\nproxie = "http://p:8080"\n', 2, "network.proxie", "もしかして「proxy」?"),
        ('proxy = "http://p:8080"\n', 1, "proxy", "[network] の下に書きます"),
        ("[network]\nverify = false\n", 2, "network.verify", "[[sources]] に verify = false"),
        ('[network]\ntrust = "sytem"\n', 2, "network.trust", "もしかして「system」?"),
        ('[network]\ntrust = "windows"\n', 2, "network.trust", "certifi, system"),
        ('[network]\nclient_key = "/k.pem"\n', 2, "network.client_key", "client_cert"),
        ('[network]\nproxy = "ftp://p:21"\n', 2, "network.proxy", "「ftp://」"),
        ('[network]\nproxy = "socks4://p:1080"\n', 2, "network.proxy", "http, https"),
        ('[network]\nproxy = "http://:8080"\n', 2, "network.proxy", "http://proxy.example.jp"),
        ('[network]\nproxy = "http://p:99999"\n', 2, "network.proxy", "プロキシとして読めません"),
        ("[network]\nproxy = 8080\n", 2, "network.proxy", "文字列"),
        ('[network]\nno_proxy = "komu.local"\n', 2, "network.no_proxy", "配列"),
        ('[network]\nno_proxy = ["10.0.0.0/8"]\n', 2, "network.no_proxy[0]", "範囲"),
        ('[network]\nno_proxy = ["a b"]\n', 2, "network.no_proxy[0]", "ホスト名として"),
        (SOURCE + 'verify = "no"\n', 6, "sources[0].verify", "true か false"),
        (SOURCE + "verify = 0\n", 6, "sources[0].verify", "true か false"),
    ],
)
def test_bad_network_settings(tmp_path: Path, body: str, line: int, key: str, needle: str) -> None:
    issue = only([i for i in issues_of(tmp_path, body) if i.severity == "error"])
    assert (issue.line, issue.key, issue.severity) == (line, key, "error")
    assert needle in issue.message


def test_a_socks_proxy_needs_socks_support(tmp_path: Path) -> None:
    import importlib.util

    issues = issues_of(tmp_path, '[network]\nproxy = "socks5://127.0.0.1:1080"\n')
    if importlib.util.find_spec("socksio") is not None:
        assert issues == []
    else:
        assert "socksio" in only(issues).message


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_proxy_credentials_are_refused_and_never_repeated(tmp_path: Path, lang: str) -> None:
    for proxy in ("http://mirai:s3cr3t@proxy:8080", "mirai:s3cr3t@proxy:8080"):
        issue = only(issues_of(tmp_path, f'[network]\nproxy = "{proxy}"\n', lang=lang))
        assert (issue.line, issue.key) == (2, "network.proxy")
        assert "HTTPS_PROXY" in issue.message
        assert "s3cr3t" not in issue.format() and "mirai" not in issue.format()


def test_verify_false_is_a_loud_warning(tmp_path: Path) -> None:
    path = write(tmp_path, SOURCE + "verify = false\n")
    config, issues = check_file(path)
    issue = only(issues)
    assert (issue.line, issue.key, issue.severity) == (6, "sources[0].verify", "warning")
    assert "検証しません" in issue.message
    assert config is not None and config.sources[0].verify is False
    english = only(check_file(path, "en")[1])
    assert "NOT checked" in english.message


def test_verify_on_a_file_source_has_no_effect(tmp_path: Path) -> None:
    (tmp_path / "cal.ics").write_text("", encoding="utf-8")
    body = SOURCE.replace("https://example.com/cal.ics", "cal.ics") + "verify = false\n"
    issue = only(issues_of(tmp_path, body))
    assert (issue.line, issue.key, issue.severity) == (6, "sources[0].verify", "warning")
    assert "URL（https://）の情報源にだけ" in issue.message


def test_verify_true_is_the_default_and_may_be_written(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SOURCE + "verify = true\n" + SOURCE.replace("cal", "b")))
    assert [source.verify for source in config.sources] == [True, True]


def test_missing_certificate_files_are_warnings_with_their_lines(tmp_path: Path) -> None:
    body = """
    [network]
    ca_bundle = "certs/board-ca.pem"
    client_cert = "certs/school-12.pem"
    client_key = "certs"
    """
    (tmp_path / "certs").mkdir()
    path = write(tmp_path, body)
    config, issues = check_file(path)
    assert [(i.line, i.key, i.severity) for i in issues] == [
        (2, "network.ca_bundle", "warning"),
        (3, "network.client_cert", "warning"),
        (4, "network.client_key", "warning"),
    ]
    assert str(tmp_path / "certs" / "board-ca.pem") in issues[0].message
    assert "見つかりません" in issues[1].message and "フォルダー" in issues[2].message
    assert config is not None  # the kiosk runs; its https sources show as failing


def test_certificate_contents_are_checked(tmp_path: Path, school_ca: Any) -> None:
    files = tls_files(school_ca, tmp_path)
    (tmp_path / "certs" / "notes.txt").write_text("the CA is on the USB stick\n")
    body = """
    [network]
    ca_bundle = "certs/notes.txt"
    client_cert = "certs/school.pem"
    client_key = "certs/other.key"
    """
    issues = issues_of(tmp_path, body)
    assert [(i.line, i.key, i.severity) for i in issues] == [
        (2, "network.ca_bundle", "warning"),
        (3, "network.client_cert", "warning"),
    ]
    assert "証明書として読めません" in issues[0].message
    assert "組になっていません" in issues[1].message
    english = issues_of(tmp_path, body.replace("other.key", "school.pem"), lang="en")
    assert [(i.line, i.key) for i in english] == [
        (2, "network.ca_bundle"),
        (3, "network.client_cert"),
    ]
    assert "cannot load the client certificate" in english[1].message
    assert files["school.pem"].exists()


def test_a_passphrase_protected_key_is_named_without_asking_for_it(
    tmp_path: Path, school_ca: Any
) -> None:
    from cryptography.hazmat.primitives import serialization

    files = tls_files(school_ca, tmp_path)
    key = serialization.load_pem_private_key(files["school.key"].read_bytes(), None)
    files["school.key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
    )
    body = '[network]\nclient_cert = "certs/school.pem"\nclient_key = "certs/school.key"\n'
    issue = only(issues_of(tmp_path, body, lang="en"))
    assert (issue.line, issue.key, issue.severity) == (3, "network.client_key", "warning")
    assert "passphrase" in issue.message and "openssl" in issue.message


def test_network_settings_round_trip(tmp_path: Path, school_ca: Any) -> None:
    files = tls_files(school_ca, tmp_path)
    body = """
    [network]
    proxy = "proxy.school.local:8080"
    no_proxy = ["komu.school.local", ".city.example.lg.jp", "10.1.2.3", "[::1]", "*"]
    ca_bundle = "certs/board-ca.pem"
    trust = "system"
    client_cert = "certs/school.pem"
    client_key = "certs/school.key"
    """
    config, issues = check_file(write(tmp_path, body))
    assert issues == []
    assert config is not None
    assert config.network == NetworkConfig(
        proxy="http://proxy.school.local:8080",
        no_proxy=("komu.school.local", ".city.example.lg.jp", "10.1.2.3", "::1", "*"),
        ca_bundle=str(files["board-ca.pem"]),
        trust="system",
        client_cert=str(files["school.pem"]),
        client_key=str(files["school.key"]),
    )


def test_no_network_table_means_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SOURCE))
    assert config.network == NetworkConfig()
    assert config.network.trust == "certifi" and config.network.proxy is None


# --- A valid config ------------------------------------------------------------------------------

FULL = """
[school]
name = "伊勢崎市立みらい小学校"
timezone = "Asia/Tokyo"

[display]
language = "en"
screen = 1

[visits]
monthly_target = 6

[bell]
name = "短縮"
days = ["fri", "mon", "水"]

[[bell.periods]]
label = "朝の会"
start = "8:20"
end = 08:35:00

[[bell.periods]]
label = "下校"
start = "15:30"

[[sources]]
id = "school-calendar"
kind = "ics"
role = "events"
url = "webcal://calendar.example.jp/mirai.ics"
match = "みらい小"
refresh_minutes = 30
private = "hide"

[[sources]]
id = "board"
kind = "json"
role = "notices"
url = "notices.json"

[[panels]]
kind = "notices"
seconds = 12.5

[[panels]]
kind = "today"
"""


def test_full_config_round_trips_to_the_dataclasses(tmp_path: Path) -> None:
    (tmp_path / "notices.json").write_text("[]", encoding="utf-8")
    path = write(tmp_path, FULL)
    config, issues = check_file(path)
    assert issues == []
    assert config == Config(
        school=School("伊勢崎市立みらい小学校", "Asia/Tokyo"),
        sources=(
            SourceConfig(
                id="school-calendar",
                kind="ics",
                role="events",
                url="webcal://calendar.example.jp/mirai.ics",
                location="https://calendar.example.jp/mirai.ics",
                match="みらい小",
                refresh_minutes=30,
                private="hide",
            ),
            SourceConfig(
                id="board",
                kind="json",
                role="notices",
                url="notices.json",
                location=str(tmp_path / "notices.json"),
            ),
        ),
        panels=(PanelConfig("notices", 12.5), PanelConfig("today", 20)),
        bell=Bell(
            name="短縮",
            days=(0, 2, 4),
            periods=(
                Period("朝の会", time(8, 20), time(8, 35)),
                Period("下校", time(15, 30)),
            ),
        ),
        display=Display(language="en", screen=1),
        visits=Visits(monthly_target=6),
        path=path.resolve(),
    )
    assert config.sources[0].is_remote
    assert not config.sources[1].is_remote
    assert config.school.tz.key == "Asia/Tokyo"


def test_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.school == School()
    assert config.panels == DEFAULT_PANELS
    assert config.bell.days == (0, 1, 2, 3, 4)
    assert config.sources == ()


def test_full_width_time_is_accepted(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[[bell.periods]]\nlabel = "朝"\nstart = "８：２０"\n'))
    assert config.bell.periods[0].start == time(8, 20)


def test_check_text_resolves_paths_against_base(tmp_path: Path) -> None:
    config, issues = check_text(
        SOURCE.replace("https://example.com/cal.ics", "a.ics"), base=tmp_path
    )
    assert config is not None and issues[0].severity == "warning"
    assert config.sources[0].location == str(tmp_path / "a.ics")


def test_the_example_school_config_is_clean() -> None:
    config, issues = check_file(EXAMPLE)
    assert [issue.format() for issue in issues] == []
    assert config is not None
    assert config.sources and all(source.is_remote for source in config.sources)


# --- [central]: the layers a config is built on ------------------------------------------------


def test_central_table_is_checked(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        """
        [central]
        base = ["https://board.example.jp/district.toml", "ftp://board/x.toml", 3,
                "http://board.example.jp/plain.toml"]
        refresh_minutes = "30"
        drop = ["ict visits"]
        auth = { type = "bearer", token = "abc" }
        bases = []
        """,
    )
    assert [(i.line, i.key, i.severity) for i in issues] == [
        (2, "central.base[1]", "error"),
        (2, "central.base[2]", "error"),
        (2, "central.base[3]", "warning"),
        (4, "central.refresh_minutes", "error"),
        (5, "central.drop[0]", "error"),
        (6, "central.auth", "error"),  # credentials for an http:// layer
        (6, "central.auth.token", "error"),
        (6, "central.auth", "error"),
        (7, "central.bases", "error"),
    ]
    assert "ftp://board/x.toml" in issues[0].message
    assert "https://" in issues[2].message  # plain http can be changed on its way
    assert all("abc" not in i.message for i in issues)  # a secret is never quoted
    assert "もしかして「base」" in issues[8].message


def test_central_settings_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [central]
        base = ["https://board.example.jp/district.toml", "../shared/district.toml"]
        auth = { type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }
        drop = ["ict-visits"]
        """,
    )
    config, issues = check_file(path)
    assert issues == [] and config is not None and config.central is not None
    assert config.central.base == (
        "https://board.example.jp/district.toml",
        str(tmp_path.parent / "shared" / "district.toml"),
    )
    assert config.central.refresh_minutes == 30
    assert config.central.auth == Auth(type="bearer", env="SIGNAGE_BOARD_TOKEN")
    assert config.central.drop == ("ict-visits",)
    assert check_file(write(tmp_path, SOURCE, "plain.toml"))[0].central is None  # type: ignore[union-attr]


def test_a_layer_checked_alone_leaves_what_another_layer_may_give() -> None:
    from signage.config import check_data

    source = textwrap.dedent(
        """
        [display]
        off = "18:00"

        [network]
        client_key = "/etc/ssl/school.key"

        [[sources]]
        id = "ict-visits"
        match = "みらい小"
        """
    ).lstrip("\n")
    data = tomllib.loads(source)
    _, alone = check_data(data, "s.toml", LineLocator(source), "en", Path("/"), partial=True)
    assert [i.key for i in alone if i.severity == "error"] == []
    _, whole = check_data(data, "s.toml", LineLocator(source), "en", Path("/"))
    assert [i.key for i in whole if i.severity == "error"] == [
        "display.off",
        "network.client_key",
        "sources[0].kind",
        "sources[0].role",
        "sources[0].url",
    ]


def test_heartbeat_table_is_checked(tmp_path: Path) -> None:
    issues = issues_of(
        tmp_path,
        """
        [heartbeat]
        url = "board.example.jp/heartbeat"
        minutes = 0
        interval = 5
        """,
    )
    assert [(i.line, i.key) for i in issues] == [
        (2, "heartbeat.url"),
        (3, "heartbeat.minutes"),
        (4, "heartbeat.interval"),
    ]
    path = write(
        tmp_path,
        """
        [heartbeat]
        url = "https://board.example.jp/signage/heartbeat"
        auth = { type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }
        """,
    )
    config, issues = check_file(path)
    assert issues == [] and config is not None and config.heartbeat is not None
    assert config.heartbeat.url == "https://board.example.jp/signage/heartbeat"
    assert config.heartbeat.minutes == 5 and config.heartbeat.name is None


def test_the_example_district_base_is_clean() -> None:
    config, issues = check_file(EXAMPLE.with_name("district-base.toml"))
    assert [issue.format() for issue in issues] == []
    assert config is not None and config.central is None
    assert {source.id for source in config.sources} == {"ict-visits", "board-city-notices"}


# --- Where the config lives ----------------------------------------------------------------------


def test_find_config_prefers_signage_config_even_when_missing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    assert find_config({"SIGNAGE_CONFIG": str(missing)}) == missing


def test_find_config_keeps_a_url(tmp_path: Path) -> None:
    url = "https://board.example.jp/signage/mirai.toml"
    assert find_config({"SIGNAGE_CONFIG": url}) == url


def test_find_config_uses_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path / "home")}
    assert find_config(env) is None
    path = tmp_path / "signage" / "signage.toml"
    path.parent.mkdir()
    path.write_text("", encoding="utf-8")
    assert find_config(env) == path
    assert default_config_path(env, "linux") == path


def test_default_config_path_per_platform(tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path)}
    assert default_config_path(home, "linux") == tmp_path / ".config/signage/signage.toml"
    assert default_config_path({**home, "XDG_CONFIG_HOME": "rel"}, "linux") == (
        tmp_path / ".config/signage/signage.toml"
    )
    mac = tmp_path / "Library/Application Support/signage/signage.toml"
    assert default_config_path(home, "darwin") == mac
    windows = default_config_path({"APPDATA": "C:/Users/t/AppData/Roaming"}, "win32")
    assert windows.as_posix() == "C:/Users/t/AppData/Roaming/signage/signage.toml"


# --- The line locator ----------------------------------------------------------------------------


def test_line_locator_headers_keys_and_fallbacks() -> None:
    source = textwrap.dedent(
        '''
        title = """
        fake = 1
        """
        [school]
        "time zone" = "x"
        a.b = 1
        inline = { x = 1, y = 2 }

        [[sources]]
        id = "a"
        [[sources]]
        id = 'b'
        [sources.options]
        depth = 2
        [[sources.extra]]
        n = 1

        [ bell ]
        [[ bell.periods ]]
        label = "x"
        '''
    ).lstrip("\n")
    locator = LineLocator(source)
    assert locator.line(("title",)) == 1
    assert ("fake",) not in locator.lines
    assert locator.line(("school",)) == 4
    assert locator.line(("school", "time zone")) == 5
    assert locator.line(("school", "a", "b")) == 6
    assert locator.line(("school", "inline", "y")) == 7
    assert locator.line(("sources",)) == 9
    assert locator.line(("sources", 0, "id")) == 10
    assert locator.line(("sources", 1)) == 11
    assert locator.line(("sources", 1, "id")) == 12
    assert locator.line(("sources", 1, "options", "depth")) == 14
    assert locator.line(("sources", 1, "extra", 0, "n")) == 16
    assert locator.line(("bell",)) == 18
    assert locator.line(("bell", "periods", 0, "label")) == 20
    assert locator.line(("bell", "periods", 0, "missing")) == 19
    assert locator.line(("nowhere",)) == 1


def test_format_key_path() -> None:
    assert format_key_path(("sources", 2, "kind")) == "sources[2].kind"
    assert format_key_path(("school", "time zone")) == 'school."time zone"'
    assert format_key_path(()) == ""


def test_the_clock_blinks_unless_told_not_to(tmp_path: Path) -> None:
    config, issues = check_file(write(tmp_path, "[display]\nblink = false\n"))
    assert issues == [] and config is not None and config.display.blink is False
    config, _ = check_file(write(tmp_path, "[display]\nscreen = 1\n"))
    assert config is not None and config.display.blink is True
    issue = only(issues_of(tmp_path, '[display]\nblink = "no"\n'))
    assert (issue.line, issue.key) == (2, "display.blink")
