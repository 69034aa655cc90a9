"""Microsoft 365: a mailbox's calendar through Microsoft Graph, read as an Entra ID application.

OAuth 2.0 client credentials (`POST {login_url}/{tenant}/oauth2/v2.0/token`, scope
`{graph origin}/.default`) with a client secret or, better, a JWT signed with the app's
certificate; then `GET {graph_url}/users/{calendar}/calendarView` over the screen's window,
following `@odata.nextLink`, with `Prefer: outlook.timezone` set to the school's zone. The app
needs the Calendars.Read *application* permission with admin consent (an
ApplicationAccessPolicy in Exchange Online narrows it to the named mailboxes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from signage.config.keys import Key
from signage.errors import FetchError
from signage.sources.cloud import (
    CALENDAR,
    HTTPS_URL,
    OUT_OF_OFFICE,
    CloudSource,
    Entry,
    detail,
    error_of,
    plain,
    text_of,
)
from signage.sources.ics import PRIVATE
from signage.sources.kind import Kind
from signage.sources.oauth import (
    JWT_BEARER,
    TOKEN_BYTES,
    Token,
    certificate_assertion,
    read_token,
    scrubbed,
    token_error,
    vet_certificate,
)

if TYPE_CHECKING:
    import httpx

    from signage.config.model import Auth
    from signage.fetch import Answer

LOGIN_URL = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com/v1.0"
AUTH_TYPES = ("certificate", "client_secret")
PAGE_SIZE = 100
SELECT = "subject,start,end,isAllDay,isCancelled,showAs,sensitivity,location,bodyPreview,iCalUId"
# The school's zone as Windows names it, for `Prefer: outlook.timezone`; another zone is
# asked for in UTC and converted here.
WINDOWS_ZONES = {
    "Asia/Tokyo": "Tokyo Standard Time",
    "Asia/Seoul": "Korea Standard Time",
    "Asia/Shanghai": "China Standard Time",
    "Asia/Taipei": "Taipei Standard Time",
    "Asia/Singapore": "Singapore Standard Time",
    "Europe/London": "GMT Standard Time",
    "Europe/Berlin": "W. Europe Standard Time",
    "America/New_York": "Eastern Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}
_AADSTS = re.compile(r"AADSTS(\d+)")
_MAILBOX_MISSING = (
    "ErrorItemNotFound",
    "ResourceNotFound",
    "ErrorInvalidUser",
    "MailboxNotEnabledForRESTAPI",
    "MailboxNotSupportedForRESTAPI",
    "ErrorNonExistentMailbox",
)


def vet(auth: Auth) -> str | None:
    """What is wrong with the certificate file, for `signage check` (a secret is not vetted)."""
    if auth.type != "certificate" or auth.file is None:
        return None
    try:
        vet_certificate(auth.secret(), auth.where)
    except FetchError as exc:
        return str(exc)
    return None


def address(options: Mapping[str, Any]) -> str:
    """The calendarView URL of the mailbox (without the window: each fetch adds it)."""
    graph = str(options.get("graph_url") or GRAPH_URL).strip().rstrip("/")
    calendar = str(options.get("calendar") or "").strip()
    return f"{graph}/users/{quote(calendar, safe='@')}/calendarView"


class M365Source(CloudSource):
    PUBLIC = ("NORMAL",)  # personal, private, confidential and unknown values are masked

    @property
    def calendar(self) -> str:
        return self.option("calendar")

    @property
    def login_url(self) -> str:
        return self.option("login_url", LOGIN_URL).rstrip("/")

    @property
    def graph_url(self) -> str:
        return self.option("graph_url", GRAPH_URL).rstrip("/")

    @property
    def zone(self) -> str:
        """The zone Graph is asked to give times in."""
        return WINDOWS_ZONES.get(self.tz.key, "UTC")

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "Prefer": f'outlook.timezone="{self.zone}"'}

    async def request_token(self, client: httpx.AsyncClient) -> Token:
        from signage.fetch import call

        auth = self.config.auth
        if auth is None or auth.type not in AUTH_TYPES:
            raise FetchError(f"{self.id}: m365 needs auth of type certificate or client_secret")
        tenant, client_id = self.option("tenant"), self.option("client_id")
        url = f"{self.login_url}/{quote(tenant, safe='')}/oauth2/v2.0/token"
        graph = re.match(r"https?://[^/]+", self.graph_url)
        form = {
            "client_id": client_id,
            "scope": f"{graph.group(0) if graph else self.graph_url}/.default",
            "grant_type": "client_credentials",
        }
        secret = auth.secret()
        if auth.type == "certificate":
            form["client_assertion_type"] = JWT_BEARER
            form["client_assertion"] = certificate_assertion(secret, client_id, url, auth.where)
        else:
            form["client_secret"] = secret
        answer = await call(client, "POST", url, limit=TOKEN_BYTES, form=form)
        if answer.status == 200:
            return read_token(answer.body, "Microsoft Entra ID")
        sent = (secret, form.get("client_assertion"))
        error = self.busy(answer, "Microsoft Entra ID") or self._token_refused(answer, url, sent)
        # The assertion too: it buys a token for ten minutes.
        message = scrubbed(str(error), *sent)
        raise FetchError(message, retry_after=error.retry_after)

    def _token_refused(self, answer: Answer, url: str, sent: tuple[str | None, ...]) -> FetchError:
        error, description = token_error(answer.body)
        code = _AADSTS.search(description)
        number = code.group(1) if code else ""
        auth = self.config.auth
        where = auth.where if auth is not None else "auth"
        tail = detail(answer, url, error, description, hide=sent)
        if number in ("90002", "900023"):
            said = f"テナント「{self.option('tenant')}」が見つかりません。tenant を確かめてください"
        elif number in ("700016",) or error == "unauthorized_client":
            said = (
                f"アプリ（client_id {self.option('client_id')}）がテナント"
                f"「{self.option('tenant')}」に見つかりません。Entra 管理センターの「アプリの"
                "登録」にある「アプリケーション (クライアント) ID」を client_id に書いてください"
            )
        elif number in ("7000222",):
            said = (
                "クライアント シークレットの期限が切れています。アプリ登録の「証明書とシーク"
                f"レット」で新しいシークレットを作り、その「値」を {where} に置いてください"
            )
        elif number in ("7000215", "7000216"):
            said = (
                "クライアント シークレットが違います。シークレットの「値」（ID ではなく）を "
                f"{where} に置いてください"
            )
        elif number in ("700027", "700024", "7000274", "700023"):
            said = (
                "証明書による署名を受け付けません。アプリ登録の「証明書とシークレット」に"
                f"この証明書（{where} の公開側、.cer）をアップロードしたか、PC の時計が合って"
                "いるかを確かめてください"
            )
        elif number in ("65001", "650057", "500011"):
            said = (
                "アプリに Microsoft Graph の許可がありません。アプリ登録の「API のアクセス許可」"
                "で Calendars.Read（アプリケーションの許可）を追加し、管理者の同意を与えてください"
            )
        elif answer.status in (400, 401):
            said = (
                f"Microsoft Entra ID がアクセス トークンを出しません。{where} と client_id・"
                "tenant を確かめてください"
            )
        else:
            said = "Microsoft Entra ID からアクセス トークンを受け取れません"
        return FetchError(f"{said} {tail}")

    def first_url(self, start: datetime, end: datetime) -> str:
        query = urlencode(
            {
                "startDateTime": start.isoformat(timespec="seconds"),
                "endDateTime": end.isoformat(timespec="seconds"),
                "$select": SELECT,
                "$orderby": "start/dateTime",
                "$top": str(PAGE_SIZE),
            },
            safe="$/,",
        )
        return f"{address(self.config.options)}?{query}"

    def next_url(self, document: Any, url: str) -> str | None:
        link = document.get("@odata.nextLink") if isinstance(document, dict) else None
        if not isinstance(link, str) or not link.strip():
            return None
        link = link.strip()
        if not _same_origin(link, self.graph_url):
            from signage.fetch import safe_url

            raise FetchError(
                f"the @odata.nextLink of {safe_url(url)} leads to another server "
                f"({safe_url(link)}); not followed, so the token stays with Microsoft Graph"
            )
        return link

    def entries(self, document: Any) -> list[Any]:
        value = document.get("value") if isinstance(document, dict) else None
        if not isinstance(value, list):
            from signage.errors import ParseError

            raise ParseError('not a Microsoft Graph event list (no "value")')
        return value

    def entry(self, raw: Mapping[str, Any]) -> Entry | None:
        all_day = raw.get("isAllDay") is True
        start, end = self._when(raw.get("start"), all_day), self._when(raw.get("end"), all_day)
        location = raw.get("location")
        return Entry(
            title=text_of(raw.get("subject")),
            start=start,
            end=end,
            all_day=all_day,
            location=text_of(location.get("displayName")) if isinstance(location, dict) else None,
            description=plain(raw.get("bodyPreview")),
            uid=text_of(raw.get("iCalUId")) or text_of(raw.get("id")) or None,
            classes=(text_of(raw.get("sensitivity")),),
            cancelled=raw.get("isCancelled") is True,
            out_of_office=text_of(raw.get("showAs")).lower() == "oof",
        )

    def _when(self, value: object, all_day: bool) -> date | datetime:
        """A dateTimeTimeZone: the wall time in the zone named (the one asked for, as a rule)."""
        if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
            raise ValueError("no start or end")
        moment = datetime.fromisoformat(value["dateTime"][:26].rstrip("Z"))
        if all_day:
            return moment.date()  # midnight to midnight, in no zone
        zone = text_of(value.get("timeZone")) or self.zone
        return moment.replace(tzinfo=self._zone(zone)).astimezone(self.tz)

    def _zone(self, name: str) -> ZoneInfo:
        if name == self.zone and self.zone != "UTC":
            return self.tz
        for iana, windows in WINDOWS_ZONES.items():
            if windows == name:
                return ZoneInfo(iana)
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}") from None

    def refused(self, answer: Answer, url: str) -> FetchError:
        busy = self.busy(answer, "Microsoft Graph")
        if busy is not None:
            return busy
        code, message, _ = error_of(answer)
        tail = detail(answer, url, code, message, hide=self.secrets)
        calendar = self.calendar
        if answer.status == 404 or code in _MAILBOX_MISSING:
            said = (
                f"予定表「{calendar}」が見つかりません。calendar にメールボックス（ユーザー・会"
                "議室・共有メールボックス）のアドレスを書いてください（Exchange Online のライセ"
                "ンスがないユーザーには予定表がありません）"
            )
        elif answer.status == 403:
            said = (
                f"予定表「{calendar}」を読む許可がありません。アプリ登録の「API のアクセス許可」"
                "に Microsoft Graph の Calendars.Read（アプリケーションの許可）を追加して管理者の"
                "同意を与え、ApplicationAccessPolicy で絞っているときは、このメールボックスをその"
                "セキュリティ グループに入れてください"
            )
        elif answer.status == 401:
            said = (
                "Microsoft Graph がアクセス トークンを受け付けません（取り直しても同じでした）。"
                "tenant と、graph_url が login_url と同じクラウドかを確かめてください"
            )
        else:
            said = "Microsoft Graph から予定を受け取れません"
        return FetchError(f"{said} {tail}")


def _same_origin(a: str, b: str) -> bool:
    import httpx

    x, y = httpx.URL(a), httpx.URL(b)
    return (x.scheme, x.host, x.port) == (y.scheme, y.host, y.port)


TENANT = Key(
    "tenant",
    "text",
    help=(
        "Microsoft Entra ID のテナント（ID か contoso.onmicrosoft.com）",
        "Entra tenant id or domain",
    ),
    doc=(
        (
            "テナント ID（GUID）かドメイン（`contoso.onmicrosoft.com`）。"
            "Entra 管理センターの「概要」にあります。"
        ),
        "The Entra ID tenant: its id (a GUID) or a domain.",
    ),
    shown_type="文字列 text",
    default="なし / none",
    example='`"contoso.onmicrosoft.com"`',
    required=True,
    merged_only=True,
    strip=True,
    pattern=re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$"),
    bad_pattern="bad_tenant",
)
CLIENT_ID = Key(
    "client_id",
    "text",
    help=(
        "アプリ登録のアプリケーション (クライアント) ID",
        "The app registration's application (client) id",
    ),
    doc=(
        ("アプリ登録の「アプリケーション (クライアント) ID」（秘密ではありません）。"),
        "The app registration's application (client) id (not a secret).",
    ),
    shown_type="文字列 text",
    default="なし / none",
    example='`"00000000-0000-0000-0000-000000000000"`',
    required=True,
    merged_only=True,
    strip=True,
)
LOGIN = Key(
    "login_url",
    "text",
    help=(
        "Microsoft Entra ID の URL（国内クラウドでは変えない）",
        "Entra ID sign-in URL",
    ),
    doc=(
        ("サインインの URL。ふつうは書きません（別の国のクラウドのときだけ）。https のみ。"),
        "The sign-in URL; only for a national cloud. https only.",
    ),
    shown_type="文字列 text",
    default=f"`{LOGIN_URL}`",
    example='`"https://login.microsoftonline.us"`',
    strip=True,
    pattern=HTTPS_URL,
    bad_pattern="api_not_https",
)
GRAPH = Key(
    "graph_url",
    "text",
    help=(
        "Microsoft Graph の URL",
        "Microsoft Graph URL",
    ),
    doc=(
        "Microsoft Graph の URL。ふつうは書きません（別の国のクラウドのときだけ）。https のみ。",
        "The Microsoft Graph URL; only for a national cloud. https only.",
    ),
    shown_type="文字列 text",
    default=f"`{GRAPH_URL}`",
    example='`"https://graph.microsoft.us/v1.0"`',
    strip=True,
    pattern=HTTPS_URL,
    bad_pattern="api_not_https",
)
KIND = Kind(
    "m365",
    ("Microsoft 365 の予定表", "a Microsoft 365 calendar"),
    M365Source,
    roles=("events", "visits", "staff_out", "closures"),
    keys=(CALENDAR, TENANT, CLIENT_ID, LOGIN, GRAPH, OUT_OF_OFFICE, PRIVATE),
    auth_types=AUTH_TYPES,
    needs_auth=True,
    address=address,
    vet=vet,
)
