"""Every config key, declared once: its type, choices, limits, pattern, whether it is a path,
its help in Japanese and English, and how configs/README.md shows it.

From this the checker (`check`) takes its generic part (types, choices, limits, patterns,
unknown keys), `signage schema` (`schema`) its properties, the central layers (signage.central)
which keys are paths, and `docs` the README's key tables. Rules between keys (on with off, a
source's url by its kind, auth's env or file) stay as code in `check`. A source kind declares
its own keys in its module; `SOURCES` takes them from the registry (signage.sources.KINDS).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from signage.config.keys import Key, Table
from signage.config.model import (
    AUTH_TYPES,
    HEARTBEAT_FORMATS,
    LANGUAGES,
    NAME_MODES,
    PANEL_KINDS,
    TRUST_MODES,
    WEEKDAYS,
    KeyPath,
)
from signage.model import ROLES
from signage.sources import KINDS

__all__ = [
    "CENTRAL_KEYS",
    "HEARTBEAT_KEYS",
    "AUTH",
    "KIND_ROLES",
    "SECTIONS",
    "SOURCES",
    "SOURCE_KINDS",
    "TOP",
    "Key",
    "Table",
    "path_values",
]

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HOLIDAY_MODES: tuple[str, ...] = ("off", "on")
# The source kinds, from their registry (signage.sources), in its order.
SOURCE_KINDS: tuple[str, ...] = tuple(KINDS)
# The roles each kind can serve, first the one a new source of that kind starts with (editors).
KIND_ROLES: dict[str, tuple[str, ...]] = {name: kind.roles for name, kind in KINDS.items()}


# How a weekday may be written (`days`): mon, Monday, 月, 月曜, 月曜日 (any case).
DAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{name: i for i, name in enumerate("月火水木金土日")},
    **{name + "曜": i for i, name in enumerate("月火水木金土日")},
    **{name + "曜日": i for i, name in enumerate("月火水木金土日")},
}
# Our field names (`fields`, `values`), described for editors.
FIELD_HELP: dict[str, tuple[str, str]] = {
    "title": ("件名", "Title"),
    "body": ("本文", "Body"),
    "posted": ("掲載日時", "Posted at"),
    "expires": ("掲載期限", "Expires at"),
    "priority": ("重要度（normal, high, urgent）", "Priority (normal, high, urgent)"),
    "link": ("URL", "Link"),
    "start": ("開始", "Start"),
    "end": ("終了", "End"),
    "date": ("日付", "Date"),
    "location": ("場所", "Location"),
    "description": ("説明", "Description"),
    "person": ("氏名", "Person"),
    "reason": ("区分・理由（出張・年休…）", "Reason (trip, leave …)"),
    "class": ("学級", "Class"),
    "kind": ("種別（absent, late, early_leave）", "Kind (absent, late, early_leave)"),
    "name": ("児童名", "Pupil's name"),
}

# Array items. Text that the checker reads in code (a weekday, a host, a date or range) keeps
# "" for that code to refuse; `schema_pattern` is what an editor checks instead.
_WEEKDAY = Key("weekday", "text", empty_ok=True)
_HOST = Key("host", "text", empty_ok=True, schema_pattern=r"\S")
_CLOSED_DAY = Key("day", "date")
_LAYER = Key("layer", "text")
_SOURCE_ID = Key("id", "text", empty_ok=True, pattern=ID, bad_pattern="bad_id")

AUTH = Table(
    "auth",
    (
        Key(
            "type",
            "text",
            help=(
                "bearer（トークン）、basic（ユーザー名とパスワード）、クラウドの予定表は"
                " certificate・client_secret・service_account",
                "bearer, basic; certificate, client_secret, service_account (cloud calendars)",
            ),
            doc=(
                (
                    '**必須** required。`"bearer"`（`Authorization: Bearer …` のトークン）か `"b'
                    'asic"`（ユーザー名とパスワード）。`m365` は `"certificate"`（秘密鍵と証明書'
                    'の PEM ファイル）か `"client_secret"`、`google` は `"service_account"`（JSO'
                    "N の鍵）。[クラウドの予定表](#クラウドの予定表--microsoft-365-and-google-wo"
                    "rkspace)。"
                ),
                (
                    '`"bearer"` (a token) or `"basic"` (user name and password); for `m365` `"c'
                    'ertificate"` (a PEM file with the private key and certificate) or `"client_'
                    'secret"`, for `google` `"service_account"` (its JSON key).'
                ),
            ),
            required=True,
            choices=AUTH_TYPES,
            bad_choice="bad_auth_type",
            any_case=True,
        ),
        Key(
            "user",
            "text",
            help=(
                "ユーザー名（basic のとき）",
                "User name (basic)",
            ),
            doc=(
                "`basic` のときだけ、**必須**。ユーザー名（秘密ではないのでここに書きます）。",
                "`basic` only, required there: the user name (not a secret, so it goes here).",
            ),
        ),
        Key(
            "env",
            "text",
            help=(
                "秘密の値を置いた環境変数の名前",
                "Environment variable with the secret",
            ),
            doc=(
                "秘密の値を入れた環境変数の名前（半角英数字と `_`）。",
                "Name of the environment variable holding the secret.",
            ),
            pattern=ENV_NAME,
            bad_pattern="bad_env_name",
            strip=True,
        ),
        Key(
            "file",
            "text",
            help=(
                "秘密の値を置いたファイルのパス",
                "File with the secret",
            ),
            doc=(
                (
                    "秘密の値だけを書いたテキストファイルのパス（相対パスは設定ファイルのフォル"
                    "ダーから）。末尾の改行と BOM は無視します。見つからないと**警告**。"
                    "`certificate` は PEM ファイル、`service_account` は JSON の鍵のファイル。"
                ),
                (
                    "Path of a text file holding only the secret (relative to the config file's "
                    "folder); a trailing line break and a BOM are ignored. Missing: a **warning*"
                    "*. For `certificate` a PEM file, for `service_account` the JSON key file."
                ),
            ),
            path="file",
        ),
    ),
)

PERIODS = Table(
    "bell.periods",
    (
        Key(
            "label",
            "text",
            help=(
                "時間帯の名前（1校時、給食 …）",
                "Label of the period",
            ),
            doc=(
                "表示名。空は不可。",
                "Label; not empty.",
            ),
            shown_type="文字列 text",
            example='`"1校時"`, `"給食"`',
            required=True,
        ),
        Key(
            "start",
            "time",
            help=(
                "始まりの時刻",
                "Start time",
            ),
            doc=(
                '始まり。`"H:MM"` か `"HH:MM"`（0:00〜23:59）。TOML の時刻値 `08:20:00` も可。',
                'Start, `"H:MM"` or `"HH:MM"`; a TOML local time also works.',
            ),
            shown_type="時刻 time",
            example='`"8:45"`',
            required=True,
        ),
        Key(
            "end",
            "time",
            help=(
                "終わりの時刻（下校などは省略）",
                "End time (optional)",
            ),
            doc=(
                (
                    "終わり。`start` より後であること。書かなければ「下校 15:50」のような時刻だ"
                    "けの項目。"
                ),
                "End, after `start`; leave out for a moment such as 下校.",
            ),
            shown_type="時刻 time",
            default="なし / none",
            example='`"9:30"`',
        ),
    ),
)

SCHEDULES = Table(
    "bell.schedules",
    (
        Key(
            "name",
            "text",
            help=(
                "日課の名前（短縮日課、水曜日課 …）",
                "Name of this bell schedule",
            ),
            doc=(
                "日課の名前。「今日」パネルの見出しに出る。空は不可。",
                "Name shown as the heading of the today panel's bell card; not empty.",
            ),
            shown_type="文字列 text",
            example='`"短縮日課"`',
            required=True,
        ),
        Key(
            "days",
            "array",
            help=(
                "この日課がいつもの日課になる曜日",
                "Weekdays on which this is the usual schedule",
            ),
            doc=(
                (
                    "この曜日は `[bell]` の日課の代わりにこの日課を使う（例: 水曜日課は"
                    ' `["wed"]`）。書き方は `[bell] days` と同じ。'
                ),
                (
                    'On these weekdays this schedule replaces `[bell]`\'s (a 水曜日課: `["wed"]`);'
                    " written as `[bell] days`."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default="なし / none",
            example='`["wed"]`',
            item=_WEEKDAY,
            min_items=1,
        ),
        Key(
            "match",
            "text",
            help=(
                "予定の件名にこの文字がある日はこの日課",
                "Days whose all-day event's title contains this use it",
            ),
            doc=(
                (
                    '`role = "events"` の情報源に、件名にこの文字を含む終日の予定がある日はこの'
                    "日課（大文字小文字は区別しない）。学校カレンダーに「短縮日課」と入れるだけで切"
                    "り替わる。"
                ),
                (
                    "Days with an all-day event whose title contains this text (any case) in a"
                    ' `role = "events"` source use this schedule.'
                ),
            ),
            shown_type="文字列 text",
            default="なし / none",
            example='`"短縮日課"`',
        ),
        Key(
            "dates",
            "array",
            help=(
                "この日課を使う日（日付か範囲）",
                "Dates (or ranges) that use this schedule",
            ),
            doc=(
                (
                    "この日課を使う日。書き方は `[display] closed` と同じ。土曜授業のように、ふだん"
                    "日課のない曜日でも使える。`match` より優先。"
                ),
                (
                    "Dates that use this schedule, written as `[display] closed`; also on a day"
                    " that has no bell otherwise (a Saturday class). Wins over `match`."
                ),
            ),
            shown_type="日付・範囲の配列 list of dates",
            default="なし / none",
            example='`["2026-12-03"]`',
            item=_CLOSED_DAY,
        ),
        Key(
            "periods",
            "tables",
            help=(
                "時間帯（時刻の順に）",
                "Periods, in time order",
            ),
            doc=(
                "時間帯。書き方は `[[bell.periods]]` と同じ。",
                "The slots, written as `[[bell.periods]]`.",
            ),
            shown_type="`[[bell.schedules.periods]]` の並び",
            default="なし / none",
            table=PERIODS,
        ),
    ),
)

SCHOOL = Table(
    "school",
    (
        Key(
            "name",
            "text",
            help=(
                "ヘッダーに出る学校名",
                "School name in the header",
            ),
            doc=(
                "ヘッダーに出る学校名。空は不可。",
                "School name in the header; not empty.",
            ),
            shown_type="文字列 text",
            default='`"学校名未設定"`',
            example='`"伊勢崎市立みらい小学校"`',
        ),
        Key(
            "timezone",
            "text",
            help=(
                "「今日」を決めるタイムゾーン",
                "IANA time zone that decides 'today'",
            ),
            doc=(
                "「今日」を決めるタイムゾーン（PC の設定ではなくこれを使う）。",
                'IANA zone that decides what "today" is, whatever the PC\'s setting.',
            ),
            shown_type="文字列 text（IANA 名）",
            default='`"Asia/Tokyo"`',
            example='`"Asia/Tokyo"`',
            examples=("Asia/Tokyo",),
        ),
    ),
)

DISPLAY = Table(
    "display",
    (
        Key(
            "language",
            "text",
            help=(
                "設定チェックのメッセージの言語",
                "Language of config messages",
            ),
            doc=(
                "設定チェックのメッセージの言語。画面の表示は日本語のまま。",
                "Language of config messages; the screen stays Japanese.",
            ),
            shown_type='`"ja"` \\| `"en"`',
            default='`"ja"`',
            example='`"en"`',
            choices=LANGUAGES,
            bad_choice="bad_language",
        ),
        Key(
            "screen",
            "integer",
            help=(
                "全画面にするモニターの番号（0 = 1台目）",
                "Monitor to fill (0 = first)",
            ),
            doc=(
                "全画面にするモニターの番号（0 = 1台目）。`signage run --screen N` が優先。",
                "Monitor to fill (0 = first); `--screen N` overrides it.",
            ),
            shown_type="整数 integer ≥ 0",
            default="`0`",
            example="`1`",
            minimum=0,
        ),
        Key(
            "blink",
            "boolean",
            help=(
                "false: 時計のコロンを点滅させない",
                "false: a steady clock colon",
            ),
            doc=(
                (
                    "時計のコロンが1秒おきに暗くなり、画面が止まっていないことを示す。"
                    "`false` にすると点滅せず、毎秒の描き直しは進行バーだけになる"
                    "（待機中のCPUが少し減る）。"
                ),
                (
                    "The clock's colon dims every other second, which shows the screen is not "
                    "frozen. `false` keeps it steady: each second only the progress bar is "
                    "repainted (a little less CPU at rest)."
                ),
            ),
            shown_type="`true` \\| `false`",
            default="`true`",
            example="`false`",
        ),
        Key(
            "sleep",
            "boolean",
            help=(
                "false: 表示時間外もモニターを省電力にしない",
                "false: keep the monitor awake while dark",
            ),
            doc=(
                (
                    "表示時間外（夜・休日・休校日）は画面を黒くし、モニターも省電力（スリープ）に"
                    "して、次につく時刻に起こす（Windows と X11 の Linux。できない環境では黒い"
                    "画面のまま）。信号が止まると電源が切れて朝に戻らないテレビでは `false`。"
                ),
                (
                    "While the schedule has the screen off (nights, weekends, holidays, closure "
                    "days) the screen is black and the monitor is put to sleep, and woken at the "
                    "next on-time (Windows, and Linux on X11; elsewhere the screen just stays "
                    "black). `false` for a TV that switches itself off when the signal stops and "
                    "does not come back in the morning."
                ),
            ),
            shown_type="`true` \\| `false`",
            default="`true`",
            example="`false`",
        ),
        Key(
            "on",
            "time",
            help=(
                "画面をつける時刻（off と一緒に）",
                "Screen on from (with off)",
            ),
            doc=(
                (
                    "画面をつける時刻。`off` と一緒に書く。[表示する時間](#表示する時間--display"
                    "-schedule)。"
                ),
                (
                    "Screen on from this time; write it with `off`. See [the display schedule](#"
                    "表示する時間--display-schedule)."
                ),
            ),
            shown_type="時刻 time",
            default="なし / none（一日中）",
            example='`"7:00"`',
        ),
        Key(
            "off",
            "time",
            help=(
                "画面を消す時刻（on より後）",
                "Screen off at (after on)",
            ),
            doc=(
                "画面を消す時刻。`on` より後（0時はまたげない）。",
                "Screen off at this time; after `on` (cannot cross midnight).",
            ),
            shown_type="時刻 time",
            default="なし / none（一日中）",
            example='`"19:00"`',
        ),
        Key(
            "days",
            "array",
            help=(
                "画面をつける曜日",
                "Weekdays the screen is on",
            ),
            doc=(
                "画面をつける曜日。書き方は [`[bell] days`](#bell) と同じ。空は不可。",
                (
                    "Weekdays the screen is on, written as for `[bell] days`. Default Mon–Fri wi"
                    "th `on`/`off`, else every day."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default="`on`/`off` があれば月〜金、なければ毎日",
            example='`["mon","tue","wed","thu","fri"]`',
            item=_WEEKDAY,
            min_items=1,
        ),
        Key(
            "holidays",
            "text",
            help=(
                "off: 祝日は画面を消す、on: 祝日も表示",
                "off: dark on holidays",
            ),
            doc=(
                (
                    '`"off"` = 国民の祝日（振替休日・国民の休日を含む）は画面を消す。`"on"` = 祝'
                    "日も表示。"
                ),
                (
                    '`"off"`: dark on Japanese national holidays (with substitute holidays); `"o'
                    'n"`: ignore holidays.'
                ),
            ),
            shown_type='`"off"` \\| `"on"`',
            default='`"off"`（予定を1つでも書いたとき）',
            example='`"off"`',
            choices=HOLIDAY_MODES,
            bad_choice="bad_holidays",
        ),
        Key(
            "closed",
            "array",
            help=(
                "休校日（日付か範囲）",
                "Closure days (dates or ranges)",
            ),
            doc=(
                (
                    '休校日。`"2026-12-28"`、`"2026/12/28"`、TOML の日付 `2026-12-28`、範囲 `"20'
                    '26-12-28..2027-01-03"`（両端を含む。`〜` も可）。1つの範囲は 366 日まで。'
                ),
                'Closure days: dates, or inclusive ranges `"start..end"` (at most 366 days each).',
            ),
            shown_type="日付・範囲の配列 list of dates",
            default="なし / none",
            example='`["2026-12-28..2027-01-03"]`',
            item=_CLOSED_DAY,
        ),
    ),
)

VISITS = Table(
    "visits",
    (
        Key(
            "monthly_target",
            "integer",
            help=(
                "月あたりの訪問目標回数",
                "Visits per month the plan aims at",
            ),
            doc=(
                "ICT支援員の月あたり訪問目標。訪問パネルに「今月 3/4回」と出る。",
                "ICT supporter visits per month the plan aims at.",
            ),
            shown_type="整数 integer ≥ 1",
            default="`4`",
            example="`4`",
            minimum=1,
        ),
    ),
)

BELL = Table(
    "bell",
    (
        Key(
            "name",
            "text",
            help=(
                "日課の名前",
                "Name of the bell schedule",
            ),
            doc=(
                (
                    "いつもの日課の名前。「今日」パネルの日課の見出しになる（「日課」で終わらない名"
                    '前には「日課」が付く: `"通常"` →「通常日課」）。'
                ),
                "Name of the usual schedule, the heading of the today panel's bell card.",
            ),
            shown_type="文字列 text",
            default='`"通常"`',
            example='`"通常日課"`',
        ),
        Key(
            "days",
            "array",
            help=(
                "この日課を使う曜日",
                "Weekdays it applies to",
            ),
            doc=(
                (
                    "この日課を使う曜日。`mon`…`sun`、`monday` など、`月`…`日`・`月曜`・`月曜日`"
                    " も可。ほかの曜日は日課表を出さない。空の配列は不可。"
                ),
                (
                    "Weekdays the bell applies to (`mon`…`sun`, full English names, or `月`…`日`"
                    "); no bell on other days. Not empty."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default='`["mon","tue","wed","thu","fri"]`',
            example='`["mon","tue","wed","thu","fri"]`',
            item=_WEEKDAY,
            min_items=1,
        ),
        Key(
            "periods",
            "tables",
            help=(
                "時間帯（時刻の順に）",
                "Periods, in time order",
            ),
            doc=(
                "時間帯。下の表。",
                "The slots, below.",
            ),
            shown_type="`[[bell.periods]]` の並び",
            default="なし / none",
            table=PERIODS,
        ),
        Key(
            "schedules",
            "tables",
            help=(
                "ほかの日課（短縮日課・水曜日課 …）",
                "More named bell schedules",
            ),
            doc=(
                "ほかの日課（短縮日課・水曜日課・特別日課 …）。下の表。",
                "More named schedules (shortened day, Wednesday …), below.",
            ),
            shown_type="`[[bell.schedules]]` の並び",
            default="なし / none",
            table=SCHEDULES,
        ),
    ),
)

NETWORK = Table(
    "network",
    (
        Key(
            "proxy",
            "text",
            help=(
                "プロキシ（http://ホスト:ポート）",
                "Proxy URL",
            ),
            doc=(
                (
                    "すべての取得に使うプロキシ。`http://`・`https://`（SOCKS は socksio 入りの"
                    '版だけ `socks5://`）。`"host:8080"` は `http://host:8080` と読みます。ユー'
                    "ザー名・パスワードは書けません（下の説明）。書かなければ環境変数 `HTTPS_PRO"
                    "XY`・`HTTP_PROXY`・`ALL_PROXY`・`NO_PROXY`、Windows でそれもなければ「イン"
                    "ターネット オプション」のプロキシを使います。"
                ),
                (
                    "The proxy for every request: `http://`, `https://` (`socks5://` only in a b"
                    'uild with socksio); `"host:8080"` means `http://host:8080`. No user name or'
                    " password here (see below). Without it: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL"
                    "_PROXY` / `NO_PROXY`, and on Windows, when none is set, the Internet Option"
                    "s proxy."
                ),
            ),
            shown_type="文字列 text",
            default="なし / none（環境変数）",
            example='`"http://proxy.school.local:8080"`',
            examples=("http://proxy.school.local:8080",),
        ),
        Key(
            "no_proxy",
            "array",
            help=(
                "プロキシを通さないホスト",
                "Hosts reached without the proxy",
            ),
            doc=(
                (
                    "プロキシを通さず直接つなぐホスト。`komu.school.local`（それと配下の名前）、"
                    '`.city.example.lg.jp`、`10.1.2.3`、`"*"`（すべて直接 = 環境変数のプロキシも'
                    "使わない）。範囲（`10.0.0.0/8`）は不可。`proxy` にも環境変数のプロキシにも"
                    "効きます（`proxy` を書いたときは環境変数の `NO_PROXY` は使いません）。"
                ),
                (
                    "Hosts reached directly: a name (and the names under it), `.domain`, an IP a"
                    'ddress, or `"*"` for all (ignores the environment\'s proxy too). No ranges.'
                    " Applies to `proxy` and to a proxy from the environment (with `proxy` set, "
                    "the environment's `NO_PROXY` is not read)."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default="なし / none",
            example='`["komu.school.local", "10.1.2.3"]`',
            item=_HOST,
        ),
        Key(
            "ca_bundle",
            "text",
            help=(
                "追加で信頼する CA 証明書のファイル",
                "Extra CA certificate file",
            ),
            doc=(
                (
                    "追加で信頼する CA 証明書のファイル（TLS 検査プロキシの CA など）。PEM（複数"
                    "可）か DER（Windows で書き出した `.cer`）。`trust` の一覧に**加えて**信頼し"
                    "ます（置き換えません）。見つからない・証明書でないときは**警告**。"
                ),
                (
                    "A CA certificate file to trust **as well as** `trust`'s list (the TLS-inspe"
                    "cting proxy's CA): PEM (one or many) or DER (a `.cer` exported on Windows)."
                    " Missing or not a certificate: a **warning**."
                ),
            ),
            shown_type="文字列 text",
            default="なし / none",
            example='`"certs/board-ca.pem"`',
            path="file",
        ),
        Key(
            "trust",
            "text",
            help=(
                "certifi: 公的な認証局、system: OS の証明書ストア",
                "Whom TLS trusts",
            ),
            doc=(
                (
                    "https の証明書を確かめる認証局: `certifi` は本ソフトが持つ公的な認証局の一"
                    "覧（環境変数 `SSL_CERT_FILE` があればそちら）、`system` は OS の証明書スト"
                    "ア（Windows ならグループポリシーで配った CA も入る）。"
                ),
                (
                    "Whom https trusts: `certifi`, the public CAs shipped with the kiosk (`SSL_C"
                    "ERT_FILE` if set), or `system`, the operating system's store (on Windows it"
                    " holds the CAs group policy pushed)."
                ),
            ),
            shown_type='`"certifi"` \\| `"system"`',
            default='`"certifi"`',
            example='`"system"`',
            choices=TRUST_MODES,
            bad_choice="bad_trust",
        ),
        Key(
            "client_cert",
            "text",
            help=(
                "クライアント証明書のファイル（mTLS）",
                "Client certificate (mTLS)",
            ),
            doc=(
                (
                    "クライアント証明書（相互 TLS）の PEM ファイル。求めるサーバーにだけ出します"
                    "。鍵が同じファイルにあれば `client_key` は不要。見つからない・鍵と合わない"
                    "ときは**警告**。"
                ),
                (
                    "Client certificate (mutual TLS), PEM; presented to servers that ask. Leave "
                    "out `client_key` if the key is in the same file. Missing, or not matching i"
                    "ts key: a **warning**."
                ),
            ),
            shown_type="文字列 text",
            default="なし / none",
            example='`"certs/school-12.pem"`',
            path="file",
        ),
        Key(
            "client_key",
            "text",
            help=(
                "クライアント証明書の鍵のファイル",
                "Key of the client certificate",
            ),
            doc=(
                "`client_cert` の秘密鍵（PEM、パスワードなし）。`client_cert` なしでは誤り。",
                (
                    "The certificate's private key (PEM, no passphrase). An error without `clien"
                    "t_cert`."
                ),
            ),
            shown_type="文字列 text",
            default="なし / none",
            example='`"certs/school-12.key"`',
            path="file",
        ),
        Key(
            "deadline_seconds",
            "number",
            help=(
                "1 回の取得にかけてよい最長の秒数",
                "Most seconds one fetch may take",
            ),
            doc=(
                (
                    "1 回の取得（接続・転送・中継をすべて含む）にかけてよい最長の秒数。これを過ぎ"
                    "ると打ち切ってエラーにします（前回のデータは表示したまま）。1 バイトずつ少し"
                    "ずつ送ってくるサーバーでも止まりません。情報源・共通設定の層・稼働報告のす"
                    "べてに効きます。回線がとても遅い学校だけ上げてください。"
                ),
                (
                    "Most seconds one fetch may take, all of it (connect, redirects, every byte)"
                    "; past it the fetch fails with an error and the last good data stays. A "
                    "server trickling a byte at a time cannot hold a fetch longer. Applies to "
                    "sources, central layers and the heartbeat; raise it only on a very slow line."
                ),
            ),
            shown_type="数値 number > 0",
            default="`60`",
            example="`120`",
            minimum=0,
        ),
    ),
)

# --- [[sources]]: every source's keys, and the keys each kind declares (signage.sources) ---------

# Where the kinds' keys stand among every source's (the README's rows, the schema, "known: …"):
# before `names`; `private` (ics) before `auth`, where it has always stood.
_KIND_KEYS_BEFORE = "names"
_BEFORE = {"private": "auth"}


def _kind_keys() -> tuple[Key, ...]:
    """The keys the kinds declare, once each (a key several kinds list is one `Key`), in the
    registry's order, each with the kinds that read it (`Key.kinds`)."""
    keys: dict[str, Key] = {}
    for kind in KINDS.values():
        for key in kind.keys:
            if keys.setdefault(key.name, key) is not key:
                raise ValueError(f"kinds declare two different keys named {key.name!r}")
    return tuple(
        replace(key, kinds=tuple(kind.name for kind in KINDS.values() if key in kind.keys))
        for key in keys.values()
    )


def _sources(common: tuple[Key, ...], own: tuple[Key, ...]) -> Table:
    keys = list(common)
    for key in own:
        before = _BEFORE.get(key.name, _KIND_KEYS_BEFORE)
        keys.insert([k.name for k in keys].index(before), key)
    return Table("sources", tuple(keys))


def _kinds_doc() -> tuple[str, str]:
    """The `kind` row of the README: each kind with its title."""
    ja = "、".join(f"`{kind.name}`（{kind.title[0]}）" for kind in KINDS.values())
    en = ", ".join(f"`{kind.name}` ({kind.title[1]})" for kind in KINDS.values())
    link = "#コネクター--connectors-json-csv-folder"
    return (
        f"データの形式: {ja}。コネクターは[下の説明]({link})。",
        f"Format of the data: {en}; see [Connectors]({link}).",
    )


SOURCES = _sources(
    (
        Key(
            "id",
            "text",
            help=(
                "情報源の名前（半角英数字と - _ .）",
                "Unique id",
            ),
            doc=(
                (
                    "情報源の名前。半角英数字と `-` `_` `.` だけ、先頭は英数字。ファイル内で重複"
                    "不可（ログや保存データの名前に使う）。"
                ),
                "Unique name: ASCII letters, digits, `-_.`; used in logs and cached data.",
            ),
            shown_type="文字列 text",
            example='`"school-calendar"`',
            required=True,
            pattern=ID,
            bad_pattern="bad_id",
        ),
        Key(
            "kind",
            "text",
            help=(
                "データの形式（必須）",
                "Format (required)",
            ),
            doc=_kinds_doc(),
            shown_type="文字列 text",
            example='`"ics"`',
            required=True,
            merged_only=True,
            choices=SOURCE_KINDS,
            bad_choice="unknown_source_kind",
        ),
        Key(
            "role",
            "text",
            help=(
                "画面のどこに出すか（必須）",
                "What the items are (required)",
            ),
            doc=(
                (
                    "画面のどこに出すか: `events` 行事・会議 / `notices` 連絡事項 / `visits` ICT"
                    "支援員の訪問 / `staff_out` 出張・年休など不在者 / `absences` 欠席・遅刻・早"
                    "退 / `closures` 休校日・学校閉庁日（その日は画面を消す。例: 学校カレンダー"
                    'を `match = "臨時休業"` で絞る）。'
                ),
                (
                    "What the items are; `closures`: days the school is closed, on which the scr"
                    "een stays dark."
                ),
            ),
            shown_type="文字列 text",
            example='`"events"`',
            required=True,
            merged_only=True,
            choices=ROLES,
            bad_choice="unknown_role",
        ),
        Key(
            "url",
            "text",
            help=(
                "https:// の URL かファイルのパス（必須）",
                "http(s)/webcal URL or a path (required)",
            ),
            doc=(
                (
                    "`folder` ではフォルダーのパス（URL は不可、見つからなければ**警告**）。ほか"
                    "は `https://`・`http://` の URL、`webcal://`（`https://` として取得）、また"
                    "はファイルのパス（相対パスは設定ファイルのフォルダーから。`~` 可）。ほかの"
                    "方式（`ftp://`, `file://`）は不可。見つからないローカルファイルは**警告**。"
                    "Windows のパスは `'\\\\server\\share\\x.ics'` のように一重引用符で。"
                    "`m365`・`google` には書きません（読む予定表は `calendar`）。"
                ),
                (
                    "An http(s) or webcal URL, or a file path (relative to the config file's fol"
                    "der). A missing local file is a **warning**. Use single quotes for Windows "
                    "paths. Not for `m365` and `google` (they read `calendar`)."
                ),
            ),
            shown_type="文字列 text",
            example='`"https://calendar.google.com/calendar/ical/…/public/basic.ics"`',
            required=True,
            merged_only=True,
            path="location",
        ),
        Key(
            "match",
            "text",
            help=(
                "この文字を含む予定だけを表示",
                "Keep items containing this text",
            ),
            doc=(
                (
                    "この文字を含む項目だけ表示（大文字小文字は区別しない）。連絡事項は件名・本"
                    "文、予定（events・visits・staff_out）は件名・場所・説明、欠席連絡は学級・理"
                    "由を探す。市内共有のカレンダーから本校分だけを出すときに。"
                ),
                (
                    "Keep only items containing this text (case-insensitive): notices search tit"
                    "le and body; events, visits and staff out title, location and description; "
                    "absences class and reason."
                ),
            ),
            shown_type="文字列 text",
            default="なし / none（全部表示）",
            example='`"みらい小"`',
            empty_ok=True,
        ),
        Key(
            "refresh_minutes",
            "number",
            help=(
                "何分ごとに取りに行くか",
                "Minutes between fetches",
            ),
            doc=(
                (
                    "何分ごとに取りに行くか。小数も可（`0.5` = 30 秒）。URL の情報源で 1 未満は*"
                    "*警告**（サーバーの負担）。`folder` は既定で 5 秒ごとに見るので、置いたファ"
                    "イルがすぐ出ます。"
                ),
                (
                    "Minutes between fetches (fractions allowed); below 1 for a URL is a **warni"
                    "ng**. A `folder` is looked at every 5 seconds unless set."
                ),
            ),
            shown_type="数値 number > 0",
            default="`15`（`folder` は 5 秒 = `0.0833…`）",
            example="`5`",
            minimum=0,
        ),
        Key(
            "auth",
            "table",
            help=(
                "ログインが要るときの認証（秘密の値は書かない）",
                "Credentials (where)",
            ),
            doc=(
                (
                    'ログインが要るフィードの認証。`{ type = "bearer", env = "変数名" }` など。'
                    "トークンやパスワードそのものは書かず、環境変数かファイルに置きます。[下の説"
                    "明](#認証とサイズの上限--credentials-and-the-size-limit)。URL でない情報源"
                    "に書くと**警告**（効果なし）。"
                ),
                (
                    "Credentials for a feed that needs a login; the secret itself lives in an en"
                    "vironment variable or a file, never here. See [below](#認証とサイズの上限--"
                    "credentials-and-the-size-limit). A **warning** on a file source."
                ),
            ),
            shown_type="表 table",
            default="なし / none",
            example='`{ type = "bearer", env = "MIRAI_CAL_TOKEN" }`',
            table=AUTH,
        ),
        Key(
            "max_size_mb",
            "number",
            help=(
                "受け取る大きさの上限（MB）",
                "Size limit in MB",
            ),
            doc=(
                (
                    "これより大きいデータは受け取らず、エラーにします（前回のデータは表示したま"
                    "ま）。何年分もの予定がある大きなカレンダーで上げます。ファイルの情報源にも"
                    "効きます。"
                ),
                (
                    "Responses (and files) larger than this many MB are refused with an error; t"
                    "he last good data stays. Raise it for a very large feed."
                ),
            ),
            shown_type="数値 number > 0",
            default="`20`",
            example="`50`",
            minimum=0,
        ),
        Key(
            "names",
            "text",
            help=(
                "名前の出し方: full, family, none",
                "How people are named",
            ),
            doc=(
                (
                    "人の名前の出し方（不在の職員・欠席の児童）: 氏名 / 姓だけ / 出さない（人数"
                    "だけ）。"
                ),
                (
                    "How people are named on screen: in full, family name only, or not at all (a"
                    " count)."
                ),
            ),
            shown_type='`"full"` \\| `"family"` \\| `"none"`',
            default="職員 `full`、児童 `none`",
            example='`"family"`',
            choices=NAME_MODES,
            bad_choice="bad_names",
        ),
        Key(
            "verify",
            "boolean",
            help=(
                "false: 証明書を確かめない（一時しのぎ・警告）",
                "false: no TLS check (loud)",
            ),
            doc=(
                (
                    "`false` にすると、この情報源だけ https の証明書を確かめません。`check` で**"
                    "警告**、起動のたびにログにも警告。[学校のネットワーク](#学校のネットワーク-"
                    "-school-networks)。"
                ),
                (
                    "`false` turns certificate checks off for this source only: a **warning** in"
                    " `check` and in the log at every start. See [School networks](#学校のネット"
                    "ワーク--school-networks)."
                ),
            ),
            shown_type="`true` \\| `false`",
            default="`true`",
            example="`false`",
        ),
    ),
    _kind_keys(),
)

PANELS = Table(
    "panels",
    (
        Key(
            "kind",
            "text",
            help=(
                "パネルの種類",
                "Panel",
            ),
            doc=(
                (
                    "`today` 今日（日課・行事・不在者） / `week` 今週5日分 / `notices` 連絡事項 "
                    "/ `visits` ICT支援員の訪問。"
                ),
                "today, week (five school days), notices, visits.",
            ),
            shown_type="文字列 text",
            example='`"today"`',
            required=True,
            choices=PANEL_KINDS,
            bad_choice="unknown_panel",
        ),
        Key(
            "seconds",
            "number",
            help=(
                "表示する秒数",
                "Seconds shown",
            ),
            doc=(
                "表示する秒数（小数も可）。",
                "Seconds on screen.",
            ),
            shown_type="数値 number > 0",
            default="`20`",
            example="`15`",
            minimum=0,
        ),
    ),
)

CENTRAL = Table(
    "central",
    (
        Key(
            "base",
            "array",
            help=(
                "もとになる層（URL かパス）。先に順に適用され、このファイルが上書きする",
                "Layers (URLs or paths), applied first, in order; this file overrides them",
            ),
            doc=(
                (
                    "土台の層。`https://` の URL かファイルのパス（相対パスはこのファイルのフォ"
                    "ルダーから）。書いた順に先に適用され、このファイルのキーが最後に勝ちます。"
                    "土台がさらに `[central] base` を持つこともできます（4 段まで、循環は誤り）"
                    "。`http://` は**警告**（途中で書き換えられるおそれ）。"
                ),
                (
                    "Base layers: https URLs or paths (relative to this file's folder), applied "
                    "first in the order given; this file's keys win. A layer may have its own `b"
                    "ase` (4 levels at most; a loop is an error). `http://` is a **warning**."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default="なし / none",
            example='`["https://board.example.jp/signage/district.toml"]`',
            item=_LAYER,
            path="location",
        ),
        Key(
            "refresh_minutes",
            "number",
            help=(
                "層を取り直す間隔（分）",
                "Minutes between fetches of the layers",
            ),
            doc=(
                (
                    "層を取り直す間隔（分）。取得に失敗した層は 5 分後（これより短ければこの間隔"
                    "）に再び試します。ほかの表と同じく層どうしでキーごとに組み合わさります（学"
                    "校が書かなければ土台の値）。"
                ),
                (
                    "Minutes between fetches of the layers; a layer that failed is tried again a"
                    "fter 5 minutes. Merged like any table (the base's value unless the school w"
                    "rites one)."
                ),
            ),
            shown_type="数値 number > 0",
            default="`30`",
            example="`30`",
            minimum=0,
        ),
        Key(
            "auth",
            "table",
            help=(
                "層の URL の認証",
                "Credentials for the layers' URLs",
            ),
            doc=(
                (
                    "この `base` の URL を取得するときの認証。書き方は情報源の [`auth`](#認証と"
                    "サイズの上限--credentials-and-the-size-limit) と同じ（秘密の値はここに書か"
                    "ない）。同じサーバー上の、さらに下の層にも使われます。"
                ),
                (
                    "Credentials for the URLs in this `base`, written as a source's `auth`; also"
                    " used for deeper layers on the same server."
                ),
            ),
            shown_type="表 table",
            default="なし / none",
            example='`{ type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }`',
            table=AUTH,
        ),
        Key(
            "drop",
            "array",
            help=(
                "層の情報源のうち使わないものの id",
                "Ids of the layers' sources to drop",
            ),
            doc=(
                (
                    "土台の層の情報源のうち、この学校では使わないものの `id`。土台にない id は**"
                    "警告**（綴りの誤り）。"
                ),
                (
                    "Ids of the base layers' sources this school leaves out; an id no base has i"
                    "s a **warning** (a typo)."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default="なし / none",
            example='`["board-city-notices"]`',
            item=_SOURCE_ID,
        ),
        Key(
            "secrets",
            "array",
            help=(
                "土台の層が auth で使ってよい環境変数・秘密のファイル",
                "Environment variables and secret files the base layers may use in auth",
            ),
            doc=(
                (
                    "土台の層（教育委員会の設定）が `auth` の `env` / `file` に書いてよい環境変数名"
                    "と秘密のファイルのパス。`*` が使えます（例: `SIGNAGE_BOARD_*`、"
                    "`C:\\signage\\secrets\\*`）。学校自身の設定ファイルのものだけが効きます。"
                    "ここにないものを層が使うと、その層は**誤り**として使われません。"
                ),
                (
                    "Environment variable names and secret file paths that the base layers may"
                    " name in `auth` (`env` / `file`); `*` matches anything"
                    " (e.g. `SIGNAGE_BOARD_*`)."
                    " Only the school's own file decides; a layer that names anything else is an"
                    " **error** and is not used."
                ),
            ),
            shown_type="文字列の配列 list of text",
            default="なし / none",
            example='`["SIGNAGE_BOARD_*"]`',
            item=_LAYER,
        ),
    ),
)

HEARTBEAT = Table(
    "heartbeat",
    (
        Key(
            "url",
            "text",
            help=(
                "報告を送る https:// の URL（必須）",
                "https URL the status is sent to",
            ),
            doc=(
                "報告を受け取る `https://` の URL。",
                "The URL the status is sent to (POST for json, GET for a ping).",
            ),
            shown_type="文字列 text",
            example='`"https://board.example.jp/signage/heartbeat"`',
            required=True,
            merged_only=True,
            schema_pattern=r"^\s*[hH][tT][tT][pP][sS]?://",
        ),
        Key(
            "minutes",
            "number",
            help=(
                "送る間隔（分）",
                "Minutes between reports",
            ),
            doc=(
                "送る間隔（分）。最初の報告は起動の 30 秒後。",
                "Minutes between reports; the first 30 s after the start.",
            ),
            shown_type="数値 number > 0",
            default="`5`",
            example="`10`",
            minimum=0,
        ),
        Key(
            "auth",
            "table",
            help=(
                "送り先の認証",
                "Credentials for the URL",
            ),
            doc=(
                (
                    "送り先の認証（情報源の [`auth`](#認証とサイズの上限--credentials-and-the-si"
                    "ze-limit) と同じ書き方）。"
                ),
                "Credentials, as a source's `auth`.",
            ),
            shown_type="表 table",
            default="なし / none",
            example='`{ type = "bearer", env = "SIGNAGE_BOARD_TOKEN" }`',
            table=AUTH,
        ),
        Key(
            "name",
            "text",
            help=(
                "この画面の名前（既定は PC 名）",
                "Name of this screen (default: host name)",
            ),
            doc=(
                "この画面の名前。",
                "Name of this screen.",
            ),
            shown_type="文字列 text",
            default="PC 名 / host name",
            example='`"みらい小 職員室"`',
        ),
        Key(
            "format",
            "text",
            help=(
                "送り方：json（状態を POST）、uptime-kuma（Push 監視）、healthchecks（ping）",
                "How to report: json (POST the status), uptime-kuma (push), healthchecks (ping)",
            ),
            doc=(
                (
                    "送り方。`json` は状態一式を POST。`uptime-kuma` は Push 監視の URL に "
                    "`status=up`/`down` と `msg=`（要約）を付けて GET。`healthchecks` は ping の "
                    "URL（`…/ping/<uuid>`）を GET、異常のときは末尾に `/fail`。"
                ),
                (
                    "How to report. `json` POSTs the whole status. `uptime-kuma` GETs the push "
                    "URL with `status=up`/`down` and `msg=` (a summary). `healthchecks` GETs the "
                    "ping URL (`…/ping/<uuid>`), with `/fail` appended when not healthy."
                ),
            ),
            shown_type='`"json"` \\| `"uptime-kuma"` \\| `"healthchecks"`',
            default='`"json"`',
            example='`"uptime-kuma"`',
            choices=HEARTBEAT_FORMATS,
            bad_choice="bad_heartbeat_format",
        ),
    ),
)


def _section(
    name: str, help: tuple[str, str], table: Table, type: str = "table", min_items: int = 0
) -> Key:
    return Key(name, type, help=help, table=table, min_items=min_items)


TOP = Table(
    "",
    (
        _section("school", ("学校", "The school"), SCHOOL),
        _section("display", ("画面の表示", "The screen"), DISPLAY),
        _section("visits", ("ICT支援員の訪問", "ICT supporter visits"), VISITS),
        _section("bell", ("日課表", "Bell schedule"), BELL),
        _section(
            "network",
            ("学校のネットワーク（プロキシ・CA・クライアント証明書）", "School network"),
            NETWORK,
        ),
        _section(
            "sources",
            ("情報源（1つずつ [[sources]] で）", "Data sources, one [[sources]] each"),
            SOURCES,
            "tables",
        ),
        _section(
            "panels",
            ("切り替わるパネルの順番と秒数", "Rotating panels, in order"),
            PANELS,
            "tables",
            1,
        ),
        _section(
            "central",
            (
                "教育委員会の共通設定（この設定のもとになる層）",
                "Central configuration: the layers this file is built on",
            ),
            CENTRAL,
        ),
        _section(
            "heartbeat",
            (
                "稼働状況の報告（IT 担当がどの画面が正常か見るため）",
                "Heartbeat: report the kiosk's health to IT",
            ),
            HEARTBEAT,
        ),
    ),
)

# The plain sections, in the order "belongs under [section]" looks for a stray top-level key:
# a stray `days` is the bell's, a stray `name` the school's.
SECTIONS: tuple[Table, ...] = (SCHOOL, VISITS, BELL, DISPLAY, NETWORK)
CENTRAL_KEYS: tuple[str, ...] = CENTRAL.names
HEARTBEAT_KEYS: tuple[str, ...] = HEARTBEAT.names
# The display's schedule: any of these turns it on.
SCHEDULE_KEYS: tuple[str, ...] = ("on", "off", "days", "holidays", "closed")


def path_values(
    data: Mapping[str, Any], table: Table = TOP, at: KeyPath = ()
) -> Iterator[tuple[KeyPath, Any, str | int, Key]]:
    """Each path that `data` (parsed TOML) holds where the spec says a key is a path
    (`Key.path`): its key path, the table or array holding it, its key or index there, and the
    key's spec. Entry by entry, so issues about them come in the file's order."""
    for key in table:
        if key.name not in data:
            continue
        value, here = data[key.name], at + (key.name,)
        if key.path is not None and key.type == "array":
            for index in range(len(value) if isinstance(value, list) else 0):
                yield here + (index,), value, index, key
        elif key.path is not None:
            yield here, data, key.name, key
        if key.table is None:
            continue
        if key.type == "tables":
            for index, entry in enumerate(value if isinstance(value, list) else []):
                if isinstance(entry, dict):
                    yield from path_values(entry, key.table, here + (index,))
        elif isinstance(value, dict):
            yield from path_values(value, key.table, here)
