"""The cloud calendars (kind = "m365", "google") against Entra ID + Graph and Google's token
endpoint + Calendar API played on 127.0.0.1 over TLS (tests.cloud_servers), through the config
as a school writes it and the kiosk's own client with `[network] ca_bundle`."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme

from signage.cli import main
from signage.clock import FixedClock
from signage.config import Config, load_config
from signage.errors import FetchError
from signage.model import Event
from signage.network import new_client
from signage.sources import Source, make_source
from signage.sources.base import Parsed
from signage.supervisor import Supervisor
from tests.cloud_servers import Cloud, CloudServer, cert_pem, key_pem, rsa_key, self_signed
from tests.moments import NOW, TOKYO

MAILBOX = "gyouji@mirai-es.example.jp"
CALENDAR = "c_4f2a9e@group.calendar.google.com"
TEN = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA(organization_name="cloud calendars (test)")


@pytest.fixture(scope="module")
def app_key() -> Any:
    return rsa_key()


@pytest.fixture(scope="module")
def sa_key() -> Any:
    return rsa_key()


def school_events() -> list[dict[str, Any]]:
    """A morning of the staff room's calendar, with what must not show as it is."""
    return [
        {
            "title": "職員朝会",
            "start": NOW + timedelta(minutes=15),
            "end": NOW + timedelta(minutes=30),
            "location": "職員室",
        },
        {
            "title": "避難訓練",
            "start": TEN,
            "end": TEN + timedelta(hours=1),
            "location": "校庭",
            "body": "<p>雨天時は<b>体育館</b></p><br>担当: 教務",
        },
        {
            "title": "二者面談（山田 花子）",
            "start": TEN + timedelta(hours=5),
            "end": TEN + timedelta(hours=6),
            "location": "相談室",
            "body": "家庭の事情",
            "sensitivity": "private",
            "visibility": "private",
        },
        {
            "title": "人事の打合せ",
            "start": TEN + timedelta(hours=6),
            "end": TEN + timedelta(hours=7),
            "sensitivity": "confidential",
            "visibility": "confidential",
        },
        {
            "title": "中止になった研修",
            "start": TEN + timedelta(days=1),
            "end": TEN + timedelta(days=1, hours=2),
            "cancelled": True,
        },
        {
            "title": "鈴木 出張（教育委員会）",
            "start": TEN + timedelta(days=1),
            "end": TEN + timedelta(days=1, hours=6),
            "oof": True,
        },
        {
            "title": "創立記念日",
            "start": date(2026, 11, 27),
            "end": date(2026, 11, 28),
            "all_day": True,
        },
        {
            "title": "先月の研究授業",
            "start": datetime(2026, 10, 5, 13, 30, tzinfo=TOKYO),
            "end": datetime(2026, 10, 5, 15, 0, tzinfo=TOKYO),
        },
        {
            "title": "ずっと先の行事",
            "start": datetime(2027, 9, 1, 9, 0, tzinfo=TOKYO),
            "end": datetime(2027, 9, 1, 10, 0, tzinfo=TOKYO),
        },
    ]


def many(count: int) -> list[dict[str, Any]]:
    first = datetime(2026, 12, 1, 8, 0, tzinfo=TOKYO)
    return [
        {
            "title": f"補習 {n:03d}",
            "start": first + timedelta(hours=n),
            "end": first + timedelta(hours=n, minutes=45),
        }
        for n in range(count)
    ]


@pytest.fixture
def cloud(app_key: Any, sa_key: Any) -> Cloud:
    return Cloud(
        certificate=self_signed(app_key),
        mailboxes={MAILBOX: school_events(), "kouchou@mirai-es.example.jp": []},
        granted={MAILBOX},
        sa_public=sa_key.public_key(),
        calendars={CALENDAR: school_events()},
        shared={CALENDAR: {"signage@mirai-signage.iam.gserviceaccount.com"}},
    )


@pytest.fixture
def server(ca: trustme.CA, cloud: Cloud, no_proxy: None) -> Iterator[CloudServer]:
    running = CloudServer(ca, cloud)
    yield running
    running.stop()


@pytest.fixture
def folder(
    tmp_path: Path, ca: trustme.CA, app_key: Any, sa_key: Any, cloud: Cloud, server: CloudServer
) -> Path:
    """The school's secrets folder, as IT leaves it: the CA, the app's PEM, the SA's key."""
    ca.cert_pem.write_to_path(str(tmp_path / "board-ca.pem"))
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    assert cloud.certificate is not None
    pem = secrets / "signage.pem"
    pem.write_text(key_pem(app_key) + cert_pem(cloud.certificate), encoding="ascii")
    key = {
        "type": "service_account",
        "project_id": "mirai-signage",
        "private_key_id": "3f2b8c1d9e0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c",
        "private_key": key_pem(sa_key),
        "client_email": cloud.sa_email,
        "client_id": "104523337012345678901",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": server.token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "universe_domain": "googleapis.com",
    }
    (secrets / "signage-sa.json").write_text(json.dumps(key, indent=2), encoding="utf-8")
    for file in secrets.iterdir():
        file.chmod(0o600)
    return tmp_path


def write_config(folder: Path, server: CloudServer, m365: str = "", google: str = "") -> Path:
    path = folder / "signage.toml"
    path.write_text(
        '[school]\nname = "みらい小"\ntimezone = "Asia/Tokyo"\n\n'
        '[network]\nca_bundle = "board-ca.pem"\n\n'
        '[[sources]]\nid = "gyouji"\nkind = "m365"\nrole = "events"\n'
        f'calendar = "{MAILBOX}"\ntenant = "mirai.onmicrosoft.com"\n'
        'client_id = "6f1c5b2e-0d4a-4a8e-9a51-2b7c1e0f3d99"\n'
        f'login_url = "{server.origin}"\ngraph_url = "{server.graph_url}"\n'
        + (m365 or 'auth = { type = "certificate", file = "secrets/signage.pem" }\n')
        + "\n"
        '[[sources]]\nid = "ict-visits"\nkind = "google"\nrole = "events"\n'
        f'calendar = "{CALENDAR}"\napi_url = "{server.api_url}"\n'
        + (google or 'auth = { type = "service_account", file = "secrets/signage-sa.json" }\n'),
        encoding="utf-8",
    )
    return path


def sources(path: Path) -> tuple[Config, list[Source]]:
    config = load_config(path)
    return config, [make_source(s, config.school.tz, FixedClock(NOW)) for s in config.sources]


def read(config: Config, source: Source, times: int = 1) -> Parsed:
    async def go() -> bytes | None:
        async with new_client(config.network) as client:
            raw = None
            for _ in range(times):
                raw = await source.fetch(client)
            return raw

    raw = asyncio.run(go())
    assert raw is not None
    return source.read(raw, NOW)


def failure(config: Config, source: Source) -> FetchError:
    with pytest.raises(FetchError) as caught:
        read(config, source)
    return caught.value


def shown(parsed: Parsed) -> list[tuple[str, str, str | None]]:
    out = []
    for item in parsed.items:
        assert isinstance(item, Event)
        start = (
            item.start.strftime("%m-%d %H:%M")
            if isinstance(item.start, datetime)
            else (item.start.isoformat() + " 終日" if item.all_day else item.start.isoformat())
        )
        out.append((start, item.title, item.location))
    return out


EXPECTED = [
    ("10-05 13:30", "先月の研究授業", None),
    ("11-24 08:15", "職員朝会", "職員室"),
    ("11-24 10:00", "避難訓練", "校庭"),
    ("11-24 15:00", "予定あり", None),
    ("11-24 16:00", "予定あり", None),
    ("11-25 10:00", "鈴木 出張（教育委員会）", None),
    ("2026-11-27 終日", "創立記念日", None),
]


# --- Microsoft 365 -------------------------------------------------------------------------------


def test_m365_with_a_certificate_reads_the_mailbox_in_the_schools_zone(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    config, (gyouji, _) = sources(write_config(folder, server))
    parsed = read(config, gyouji)
    assert shown(parsed) == EXPECTED
    drill = parsed.items[2]
    assert isinstance(drill, Event) and drill.description == "雨天時は体育館\n担当: 教務"
    assert parsed.items[3].description is None  # type: ignore[union-attr]  # masked
    (token,) = cloud.requests("entra")
    assert token["form"]["client_assertion_type"].endswith(":jwt-bearer")
    assert "client_secret" not in token["form"]
    (view,) = cloud.requests("graph")
    assert view["headers"]["Prefer"] == 'outlook.timezone="Tokyo Standard Time"'
    assert "startDateTime=2026-10-01T00%3A00%3A00%2B09%3A00" in view["path"]
    assert "endDateTime=2027-03-24T00%3A00%3A00%2B09%3A00" in view["path"]


def test_m365_in_a_zone_windows_names_otherwise_asks_for_utc(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    path = write_config(folder, server)
    path.write_text(path.read_text("utf-8").replace("Asia/Tokyo", "America/Denver"))
    config, (gyouji, _) = sources(path)
    parsed = read(config, gyouji)
    assert ("11-23 18:00", "避難訓練", "校庭") in shown(parsed)  # 10:00 in Tokyo
    assert ("2026-11-27 終日", "創立記念日", None) in shown(parsed)  # all day stays the day
    (view,) = cloud.requests("graph")
    assert view["headers"]["Prefer"] == 'outlook.timezone="UTC"'


def test_m365_follows_odata_next_link_across_pages(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    cloud.mailboxes[MAILBOX] = many(230)
    config, (gyouji, _) = sources(write_config(folder, server))
    parsed = read(config, gyouji)
    assert [item.title for item in parsed.items] == [f"補習 {n:03d}" for n in range(230)]  # type: ignore[union-attr]
    pages = cloud.requests("graph")
    assert len(pages) == 3 and "skip=200" in pages[2]["path"]
    assert all(p["headers"]["Prefer"] == 'outlook.timezone="Tokyo Standard Time"' for p in pages)
    assert len(cloud.requests("entra")) == 1


def test_m365_with_a_client_secret_from_an_environment_variable(
    folder: Path, server: CloudServer, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIRAI_GRAPH_SECRET", cloud.client_secret)
    auth = 'auth = { type = "client_secret", env = "MIRAI_GRAPH_SECRET" }\n'
    config, (gyouji, _) = sources(write_config(folder, server, m365=auth))
    assert shown(read(config, gyouji)) == EXPECTED
    assert cloud.requests("entra")[0]["form"]["client_secret"] == cloud.client_secret


def test_private_events_hidden_and_google_out_of_office_only(
    folder: Path, server: CloudServer
) -> None:
    extra = 'private = "hide"\n'
    path = write_config(
        folder,
        server,
        m365=extra + 'auth = { type = "certificate", file = "secrets/signage.pem" }\n',
        google=extra + "out_of_office = true\n"
        'auth = { type = "service_account", file = "secrets/signage-sa.json" }\n',
    )
    config, (gyouji, visits) = sources(path)
    titles = [item.title for item in read(config, gyouji).items]  # type: ignore[union-attr]
    assert "予定あり" not in titles and "人事の打合せ" not in titles and len(titles) == 5
    assert shown(read(config, visits)) == [("11-25 10:00", "鈴木 出張（教育委員会）", None)]


def test_m365_out_of_office_keeps_only_oof(folder: Path, server: CloudServer) -> None:
    auth = 'out_of_office = true\nauth = { type = "certificate", file = "secrets/signage.pem" }\n'
    config, (gyouji, _) = sources(write_config(folder, server, m365=auth))
    assert shown(read(config, gyouji)) == [("11-25 10:00", "鈴木 出張（教育委員会）", None)]


def test_token_is_kept_until_it_expires_and_renewed_once_on_a_401(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    config, (gyouji, visits) = sources(write_config(folder, server))
    read(config, gyouji, times=3)
    read(config, visits, times=3)
    assert len(cloud.requests("entra")) == 1 and len(cloud.requests("google-token")) == 1
    cloud.revoke()  # the tokens are refused from now on (revoked, or the server restarted)
    assert shown(read(config, gyouji)) == EXPECTED
    assert shown(read(config, visits)) == EXPECTED
    assert len(cloud.requests("entra")) == 2 and len(cloud.requests("google-token")) == 2
    # A token is used until shortly before expires_in, then a new one is asked for.
    moments = iter([0.0, 3000.0, 3400.0, 3400.0])
    gyouji.tokens._now = lambda: next(moments)  # type: ignore[attr-defined]
    gyouji.tokens.forget()  # type: ignore[attr-defined]
    read(config, gyouji, times=3)
    assert len(cloud.requests("entra")) == 4  # at 0 s and at 3400 s (3599 s, 5 min early)


def test_a_token_refused_twice_is_an_error_not_a_loop(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    expired = {
        "error": {
            "code": "InvalidAuthenticationToken",
            "message": "Lifetime validation failed, the token is expired.",
        }
    }
    cloud.script["graph"] = [(401, {}, expired), (401, {}, expired)]
    config, (gyouji, _) = sources(write_config(folder, server))
    message = str(failure(config, gyouji))
    assert "トークンを受け付けません" in message and "InvalidAuthenticationToken" in message
    assert len(cloud.requests("graph")) == 2 and len(cloud.requests("entra")) == 2


# --- What IT has to fix, said in Japanese --------------------------------------------------------


def test_m365_without_the_application_permission_says_which(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    cloud.consented = False
    config, (gyouji, _) = sources(write_config(folder, server))
    message = str(failure(config, gyouji))
    assert "Calendars.Read（アプリケーションの許可）" in message and "管理者の同意" in message
    assert "ApplicationAccessPolicy" in message and "ErrorAccessDenied" in message
    assert MAILBOX in message


def test_m365_mailbox_outside_the_access_policy_or_unknown(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    path = write_config(folder, server)
    path.write_text(path.read_text("utf-8").replace(MAILBOX, "kouchou@mirai-es.example.jp"))
    config, (gyouji, _) = sources(path)
    assert "セキュリティ グループ" in str(failure(config, gyouji))
    cloud.granted.add("nobody@mirai-es.example.jp")
    path.write_text(path.read_text("utf-8").replace("kouchou@", "nobody@"))
    config, (gyouji, _) = sources(path)
    message = str(failure(config, gyouji))
    assert "予定表「nobody@mirai-es.example.jp」が見つかりません" in message
    assert "ErrorInvalidUser" in message


def test_m365_wrong_secret_or_certificate_says_what_to_upload(
    folder: Path, server: CloudServer, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIRAI_GRAPH_SECRET", "an-old-secret-value~1234")
    auth = 'auth = { type = "client_secret", env = "MIRAI_GRAPH_SECRET" }\n'
    config, (gyouji, _) = sources(write_config(folder, server, m365=auth))
    message = str(failure(config, gyouji))
    assert "クライアント シークレットが違います" in message and "MIRAI_GRAPH_SECRET" in message
    assert "AADSTS7000215" in message and "an-old-secret-value" not in message
    cloud.certificate = self_signed(rsa_key(), "another app")  # ours was never uploaded
    config, (gyouji, _) = sources(write_config(folder, server))
    message = str(failure(config, gyouji))
    assert "証明書とシークレット" in message and "AADSTS700027" in message


def test_m365_unknown_tenant_or_app(folder: Path, server: CloudServer) -> None:
    path = write_config(folder, server)
    text = path.read_text("utf-8")
    path.write_text(text.replace('tenant = "mirai.onmicrosoft.com"', 'tenant = "mirai-es"'))
    config, (gyouji, _) = sources(path)
    assert "テナント「mirai-es」が見つかりません" in str(failure(config, gyouji))
    path.write_text(text.replace("6f1c5b2e-0d4a", "00000000-0000"))
    config, (gyouji, _) = sources(path)
    message = str(failure(config, gyouji))
    assert "アプリケーション (クライアント) ID" in message and "AADSTS700016" in message


def test_google_not_shared_with_the_service_account_names_its_address(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    cloud.shared[CALENDAR] = set()
    config, (_, visits) = sources(write_config(folder, server))
    message = str(failure(config, visits))
    assert cloud.sa_email in message and "予定の表示（すべての予定の詳細）" in message
    assert "notFound" in message and CALENDAR in message


def test_google_calendar_api_switched_off(folder: Path, server: CloudServer, cloud: Cloud) -> None:
    cloud.calendar_api = False
    config, (_, visits) = sources(write_config(folder, server))
    assert "Google Calendar API が有効になっていません" in str(failure(config, visits))


def test_google_key_that_was_deleted(folder: Path, server: CloudServer, cloud: Cloud) -> None:
    cloud.sa_public = rsa_key().public_key()  # the key in the file is no longer the account's
    config, (_, visits) = sources(write_config(folder, server))
    message = str(failure(config, visits))
    assert "新しい鍵を作ってください" in message and "Invalid JWT Signature" in message
    assert "PRIVATE KEY" not in message


# --- Busy services -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "status", "body"),
    [
        ("graph", 429, {"error": {"code": "ApplicationThrottled", "message": "Too many requests"}}),
        ("graph", 503, {"error": {"code": "ServiceNotAvailable", "message": "Try later"}}),
        (
            "google",
            429,
            {
                "error": {
                    "code": 429,
                    "message": "Rate Limit Exceeded",
                    "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded"}],
                }
            },
        ),
        (
            "google",
            403,
            {
                "error": {
                    "code": 403,
                    "message": "Rate Limit Exceeded",
                    "errors": [
                        {
                            "domain": "usageLimits",
                            "reason": "rateLimitExceeded",
                            "message": "Rate Limit Exceeded",
                        }
                    ],
                }
            },
        ),
        ("entra", 429, {"error": "temporarily_unavailable", "error_description": "AADSTS50196"}),
    ],
)
def test_busy_answers_wait_as_the_server_asks(
    folder: Path, server: CloudServer, cloud: Cloud, route: str, status: int, body: Any
) -> None:
    cloud.script[route] = [(status, {"Retry-After": "120"}, body)]
    config, (gyouji, visits) = sources(write_config(folder, server))
    error = failure(config, gyouji if route in ("graph", "entra") else visits)
    assert error.retry_after == 120
    assert "しばらく待ってから取り直します" in str(error)


def test_google_rate_limit_without_retry_after_backs_off(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    body = {
        "error": {
            "code": 403,
            "message": "User Rate Limit Exceeded",
            "errors": [{"domain": "usageLimits", "reason": "userRateLimitExceeded"}],
        }
    }
    cloud.script["google"] = [(403, {}, body)]
    config, (_, visits) = sources(write_config(folder, server))
    error = failure(config, visits)
    assert error.retry_after is None and "利用の上限" in str(error)  # the poller's backoff


# --- Google --------------------------------------------------------------------------------------


def test_google_service_account_reads_the_shared_calendar(
    folder: Path, server: CloudServer, cloud: Cloud, sa_key: Any
) -> None:
    cloud.calendars[CALENDAR].append(
        {"title": "自宅", "start": TEN, "end": TEN + timedelta(hours=1), "type": "workingLocation"}
    )
    config, (_, visits) = sources(write_config(folder, server))
    parsed = read(config, visits)
    assert shown(parsed) == EXPECTED
    assert parsed.items[2].description == "雨天時は体育館\n担当: 教務"  # type: ignore[union-attr]
    (token,) = cloud.requests("google-token")
    import jwt

    claims = jwt.decode(token["form"]["assertion"], options={"verify_signature": False})
    assert claims["scope"] == "https://www.googleapis.com/auth/calendar.readonly"
    assert claims["aud"] == server.token_uri and claims["exp"] - claims["iat"] <= 3600
    assert "sub" not in claims
    (listed,) = cloud.requests("google")
    assert "singleEvents=true" in listed["path"] and "orderBy=startTime" in listed["path"]
    assert "timeZone=Asia%2FTokyo" in listed["path"]


def test_google_follows_next_page_token(folder: Path, server: CloudServer, cloud: Cloud) -> None:
    cloud.calendars[CALENDAR] = many(600)
    config, (_, visits) = sources(write_config(folder, server))
    titles = [item.title for item in read(config, visits).items]  # type: ignore[union-attr]
    assert titles == [f"補習 {n:03d}" for n in range(600)]
    pages = cloud.requests("google")
    assert len(pages) == 3 and "pageToken=" in pages[2]["path"]


def test_google_domain_wide_delegation_acts_for_the_subject(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    subject = 'subject = "signage@city.example.jp"\n'
    auth = 'auth = { type = "service_account", file = "secrets/signage-sa.json" }\n'
    config, (_, visits) = sources(write_config(folder, server, google=subject + auth))
    message = str(failure(config, visits))  # not yet allowed in the Admin console
    assert "ドメイン全体の委任" in message and "calendar.readonly" in message
    cloud.delegated.add("signage@city.example.jp")
    cloud.shared[CALENDAR].add("signage@city.example.jp")
    config, (_, visits) = sources(write_config(folder, server, google=subject + auth))
    assert shown(read(config, visits)) == EXPECTED


# --- The secret stays where IT put it ------------------------------------------------------------


def test_no_secret_in_logs_errors_agenda_json_heartbeat_or_disk_cache(
    folder: Path,
    server: CloudServer,
    cloud: Cloud,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    cache = folder / "cache"
    monkeypatch.setenv("SIGNAGE_CACHE", str(cache))
    monkeypatch.setenv("MIRAI_GRAPH_SECRET", cloud.client_secret)
    auth = 'auth = { type = "client_secret", env = "MIRAI_GRAPH_SECRET" }\n'
    path = write_config(folder, server, m365=auth)
    # A third source whose secret is refused: its error is in every output too.
    monkeypatch.setenv("WRONG_SECRET", "Zz9~wrong.secret-VALUE_77")
    path.write_text(
        path.read_text("utf-8")
        + f'\n[[sources]]\nid = "refused"\nkind = "m365"\nrole = "events"\ncalendar = "{MAILBOX}"'
        f'\ntenant = "mirai.onmicrosoft.com"\nclient_id = "{cloud.client_id}"\n'
        f'login_url = "{server.origin}"\ngraph_url = "{server.graph_url}"\n'
        'auth = { type = "client_secret", env = "WRONG_SECRET" }\n',
        encoding="utf-8",
    )
    sa_key = json.loads((folder / "secrets" / "signage-sa.json").read_text("utf-8"))
    pem = (folder / "secrets" / "signage.pem").read_text("ascii")
    secrets = [
        cloud.client_secret,
        "Zz9~wrong.secret-VALUE_77",
        *[line for line in sa_key["private_key"].splitlines() if "-----" not in line][:3],
        *[line for line in pem.splitlines() if "-----" not in line][:3],
    ]
    assert main(["check", str(path)]) == 0
    checked = capsys.readouterr()
    assert main(["agenda", "--config", str(path), "--json", "--at", NOW.isoformat()]) == 0
    out = capsys.readouterr()
    agenda = json.loads(out.out)
    errors = {s["id"]: s["error"] for s in agenda["sources"]}
    assert errors["gyouji"] is None and errors["ict-visits"] is None
    assert "クライアント シークレットが違います" in errors["refused"]

    async def beat() -> dict[str, Any]:
        config = load_config(path)
        async with new_client(config.network) as client:
            supervisor = Supervisor(config, FixedClock(NOW), client, cache)
            await supervisor.runtime.refresh_all(client)
            status = supervisor.status()
            await supervisor.stop()
            return status

    status = asyncio.run(beat())
    assert {s["id"]: s["items"] for s in status["sources"]}["gyouji"] == 7
    tokens = list(cloud.tokens)
    assert tokens
    outputs = {
        "stdout": checked.out + out.out,
        "stderr": checked.err + out.err,
        "log": caplog.text,
        "heartbeat": json.dumps(status, ensure_ascii=False),
        "config": path.read_text("utf-8"),
        **{
            str(file): file.read_bytes().decode("utf-8", "replace")
            for file in cache.rglob("*")
            if file.is_file()
        },
    }
    assert any(name.startswith(str(cache)) for name in outputs), "nothing was cached"
    for name, text in outputs.items():
        for secret in [*secrets, *tokens]:
            assert secret not in text, f"a secret is in the {name}"
    assert "人事の打合せ" not in "".join(outputs.values())  # masked before anything keeps it


def test_repr_of_a_cloud_source_and_its_token_hides_them(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    config, (gyouji, visits) = sources(write_config(folder, server))
    read(config, gyouji)
    (token,) = cloud.tokens
    assert token not in repr(gyouji.tokens) + repr(vars(gyouji))  # type: ignore[attr-defined]


# --- The config ----------------------------------------------------------------------------------


def test_check_names_what_a_cloud_source_lacks(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "signage.toml"
    path.write_text(
        '[[sources]]\nid = "a"\nkind = "m365"\nrole = "events"\n'
        'tenant = "contoso.onmicrosoft.com"\ngraph_url = "http://graph.example"\n\n'
        '[[sources]]\nid = "b"\nkind = "google"\nrole = "notices"\ncalendar = "x@y"\n'
        'url = "https://calendar.google.com/x.ics"\nauth = { type = "bearer", env = "T" }\n\n'
        '[[sources]]\nid = "c"\nkind = "ics"\nrole = "events"\nurl = "https://a.example/c.ics"\n'
        'auth = { type = "service_account", file = "sa.json" }\n',
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    said = capsys.readouterr().out
    assert f'{path}:1: sources[0]: kind = "m365" は auth が要ります' in said
    assert "sources[0].calendar: 必須のキー「calendar」" in said
    assert "sources[0].client_id: 必須のキー「client_id」" in said
    assert "sources[0].graph_url: 「http://graph.example」は使えません。https://" in said
    assert 'sources[1].url: 警告: kind = "google" は url を使いません' in said
    assert 'auth の type に "bearer" は使えません。service_account' in said
    assert "sources[1].role:" in said
    assert (
        'sources[2].auth.type: この情報源の auth の type に "service_account" は使えません' in said
    )


def test_an_example_config_of_each_kind_is_valid(folder: Path, server: CloudServer) -> None:
    config = load_config(write_config(folder, server))
    gyouji, visits = config.sources
    assert gyouji.location == f"{server.graph_url}/users/{MAILBOX}/calendarView"
    assert visits.location == f"{server.api_url}/calendars/{CALENDAR}/events"
    assert gyouji.auth is not None and gyouji.auth.type == "certificate"
    assert os.path.isabs(gyouji.auth.file or "")


def test_the_commented_examples_in_example_school_toml_are_valid(tmp_path: Path) -> None:
    """configs/example-school.toml shows one of each (commented out): uncommented, they pass."""
    example = Path(__file__).resolve().parent.parent / "configs" / "example-school.toml"
    lines = example.read_text("utf-8").splitlines()
    blocks = []
    for start, line in enumerate(lines):
        if (
            line == "# [[sources]]"
            and lines[start + 2].startswith("# kind = ")
            and (lines[start + 2].endswith(('"m365"', '"google"')))
        ):
            block = []
            for text in lines[start:]:
                if not text.startswith("#"):
                    break
                block.append(text[2:])
            blocks.append("\n".join(block))
    assert len(blocks) == 2
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    for name in ("signage.pem", "signage-sa.json"):
        (secrets / name).write_text("x", encoding="utf-8")
        (secrets / name).chmod(0o600)
    path = tmp_path / "signage.toml"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    config = load_config(path)
    assert [(s.kind, s.location) for s in config.sources] == [
        ("m365", "https://graph.microsoft.com/v1.0/users/gyouji@mirai-es.example.jp/calendarView"),
        (
            "google",
            "https://www.googleapis.com/calendar/v3/calendars/abc123@group.calendar.google.com/events",
        ),
    ]


def test_the_schema_takes_each_kinds_own_auth_types() -> None:
    import jsonschema

    from signage.config.schema import build_schema

    def valid(kind: str, auth: str) -> bool:
        source = {"id": "a", "kind": kind, "role": "events", "calendar": "x@y"}
        source["auth"] = {"type": auth, "file": "secrets/x"}  # type: ignore[assignment]
        try:
            jsonschema.validate({"sources": [source]}, build_schema())
        except jsonschema.ValidationError:
            return False
        return True

    assert valid("m365", "certificate") and valid("m365", "client_secret")
    assert valid("google", "service_account") and valid("ics", "bearer")
    assert not valid("m365", "bearer") and not valid("google", "certificate")
    assert not valid("ics", "service_account")


def test_a_service_that_echoes_what_it_was_sent_is_scrubbed(
    folder: Path, server: CloudServer, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy or a service that quotes the request back must not carry the secret (or the
    signed assertion, which buys a token) into the error, the log or the screen."""
    monkeypatch.setenv("MIRAI_GRAPH_SECRET", cloud.client_secret)

    def echo(form: dict[str, str]) -> dict[str, str]:
        quoted = " ".join(f"{name}={value}" for name, value in form.items())
        return {"error": "invalid_request", "error_description": f"AADSTS900144: {quoted}"}

    cloud.script["entra"] = [(400, {}, echo)]
    auth = 'auth = { type = "client_secret", env = "MIRAI_GRAPH_SECRET" }\n'
    config, (gyouji, _) = sources(write_config(folder, server, m365=auth))
    message = str(failure(config, gyouji))
    assert cloud.client_secret not in message and "client_secret=***" in message
    # Cut short after the scrubbing, never through the middle of a secret.
    padded = {"error": "invalid_request", "error_description": "x" * 290 + cloud.client_secret}
    cloud.script["entra"] = [(400, {}, padded)]
    assert cloud.client_secret[:6] not in str(failure(config, gyouji))
    cloud.script["entra"] = [(400, {}, echo)]
    config, (gyouji, _) = sources(write_config(folder, server))  # the certificate
    message = str(failure(config, gyouji))
    (sent,) = [r["form"]["client_assertion"] for r in cloud.requests("entra")[2:]]
    assert sent not in message and "client_assertion=***" in message
    cloud.script["google-token"] = [
        (400, {}, lambda form: {"error": "invalid_grant", "error_description": str(form)})
    ]
    config, (_, visits) = sources(write_config(folder, server))
    message = str(failure(config, visits))
    (sent,) = [r["form"]["assertion"] for r in cloud.requests("google-token")]
    assert sent not in message and "'assertion': '***'" in message


def test_the_schools_proxy_carries_the_token_and_the_calendar(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    """[network] applies unchanged: the token endpoint and the API are reached through it."""
    from tests.servers import ConnectProxy

    proxy = ConnectProxy()
    try:
        path = write_config(folder, server)
        text = path.read_text("utf-8")
        path.write_text(text.replace("[network]\n", f'[network]\nproxy = "{proxy.url}"\n'))
        config, (gyouji, visits) = sources(path)
        assert shown(read(config, gyouji)) == EXPECTED
        assert shown(read(config, visits)) == EXPECTED
        assert proxy.targets and set(proxy.targets) == {f"127.0.0.1:{server.port}"}
        assert len(cloud.requests("entra")) == len(cloud.requests("google-token")) == 1
    finally:
        proxy.stop()


def test_check_tells_it_which_key_file_cannot_be_used(
    folder: Path, server: CloudServer, app_key: Any, capsys: Any
) -> None:
    """`signage check` opens the key files, as it opens [network]'s certificates: a key
    without its certificate, an expired certificate, a file that is not a service account's
    key. Warnings (the kiosk runs; the source fails), never the file's contents."""
    path = write_config(folder, server)
    assert main(["check", str(path)]) == 0
    pem = folder / "secrets" / "signage.pem"
    pem.write_text(key_pem(app_key), encoding="ascii")  # the certificate was left out
    sa = folder / "secrets" / "signage-sa.json"
    sa.write_text('{"type": "authorized_user", "client_id": "x"}', encoding="utf-8")
    main(["check", str(path)])
    said = capsys.readouterr().out
    assert (
        f"sources[0].auth.file: 警告: {pem} は鍵として使えません"
        f"（the file {pem} holds no certificate" in said
    )
    assert f"sources[1].auth.file: 警告: {sa} は鍵として使えません" in said
    assert 'service account\'s key ("type": "service_account")' in said
    expired = self_signed(app_key)
    from datetime import UTC

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    old = (
        x509.CertificateBuilder()
        .subject_name(expired.subject)
        .issuer_name(expired.issuer)
        .public_key(app_key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2024, 4, 1, tzinfo=UTC))
        .not_valid_after(datetime(2026, 3, 31, tzinfo=UTC))
        .sign(app_key, hashes.SHA256())
    )
    pem.write_text(key_pem(app_key) + cert_pem(old), encoding="ascii")
    main(["check", str(path)])
    said = capsys.readouterr().out
    assert "expired on 2026-03-31" in said
    assert "PRIVATE KEY" not in said and "BEGIN" not in said


def test_the_poller_waits_as_graph_asks_and_keeps_the_last_good_events(
    folder: Path, server: CloudServer, cloud: Cloud
) -> None:
    from signage.poller import Poller
    from signage.store import Store

    config, (gyouji, _) = sources(write_config(folder, server))
    store = Store([gyouji.id])
    throttled = {"error": {"code": "TooManyRequests", "message": "Too many requests"}}

    async def go() -> tuple[float, float]:
        async with new_client(config.network) as client:
            poller = Poller(gyouji, store, client, FixedClock(NOW), jitter=lambda: 0.5)
            assert await poller.refresh()
            normal = poller.next_delay()
            cloud.script["graph"] = [(429, {"Retry-After": "1800"}, throttled)]
            assert not await poller.refresh()
            return normal, poller.next_delay()

    normal, throttled_delay = asyncio.run(go())
    assert normal == 15 * 60 and throttled_delay >= 1800
    snapshot = store.get(gyouji.id)
    assert len(snapshot.items) == 7 and "混み合っています" in (snapshot.error or "")
