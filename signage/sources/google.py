"""Google Workspace: a calendar through the Calendar API, read as a service account.

The service account's JSON key signs a JWT (RS256: iss, scope = calendar read-only, aud = the
key's token_uri, iat, exp; sub with domain-wide delegation) that the key's `token_uri` exchanges
for an access token; then `GET {api_url}/calendars/{calendar}/events` over the screen's window
with singleEvents and orderBy=startTime, following `nextPageToken`. The calendar is shared with
the service account's address (or the account acts for `subject` by domain-wide delegation).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from signage.config.keys import Key
from signage.errors import FetchError, ParseError
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
    TOKEN_BYTES,
    ServiceAccount,
    Token,
    read_token,
    scrubbed,
    service_account,
    service_account_assertion,
    token_error,
    vet_service_account,
)

if TYPE_CHECKING:
    import httpx

    from signage.config.model import Auth
    from signage.fetch import Answer

API_URL = "https://www.googleapis.com/calendar/v3"
SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
AUTH_TYPES = ("service_account",)
PAGE_SIZE = 250
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# 403 reasons that mean "too much, later" rather than "not allowed".
RATE_LIMITED = ("rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded")
FIELDS = (
    "items(id,iCalUID,status,summary,location,description,start,end,visibility,eventType),"
    "nextPageToken"
)


def vet(auth: Auth) -> str | None:
    """What is wrong with the service account's key file, for `signage check`."""
    if auth.file is None:
        return None
    try:
        vet_service_account(auth.secret(), auth.where)
    except FetchError as exc:
        return str(exc)
    return None


def address(options: Mapping[str, Any]) -> str:
    """The events URL of the calendar (without the window: each fetch adds it)."""
    api = str(options.get("api_url") or API_URL).strip().rstrip("/")
    calendar = str(options.get("calendar") or "").strip()
    return f"{api}/calendars/{quote(calendar, safe='@')}/events"


class GoogleSource(CloudSource):
    # "default" follows the calendar's sharing, which the service account was given.
    PUBLIC = ("DEFAULT", "PUBLIC")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._first = ""

    @property
    def calendar(self) -> str:
        return self.option("calendar")

    def account(self) -> ServiceAccount:
        auth = self.config.auth
        if auth is None or auth.type not in AUTH_TYPES:
            raise FetchError(f"{self.id}: google needs auth of type service_account")
        return service_account(auth.secret(), auth.where)

    @property
    def email(self) -> str:
        """The service account's address, for messages (not a secret); "" when unreadable."""
        try:
            return self.account().client_email
        except FetchError:
            return ""

    async def request_token(self, client: httpx.AsyncClient) -> Token:
        from signage.fetch import call

        account = self.account()
        auth = self.config.auth
        assert auth is not None
        subject = self.option("subject") or None
        assertion = service_account_assertion(account, SCOPE, subject, auth.where)
        form = {"grant_type": GRANT, "assertion": assertion}
        answer = await call(client, "POST", account.token_uri, limit=TOKEN_BYTES, form=form)
        if answer.status == 200:
            return read_token(answer.body, "Google")
        sent = (account.private_key, assertion)
        error = self.busy(answer, "Google") or self._token_refused(answer, account, subject, sent)
        message = scrubbed(str(error), *sent)
        raise FetchError(message, retry_after=error.retry_after)

    def _token_refused(
        self,
        answer: Answer,
        account: ServiceAccount,
        subject: str | None,
        sent: tuple[str, ...],
    ) -> FetchError:
        error, description = token_error(answer.body)
        tail = detail(answer, account.token_uri, error, description, hide=sent)
        where = self.config.auth.where if self.config.auth else "auth"
        lowered = description.lower()
        if error == "unauthorized_client" and subject:
            said = (
                "ドメイン全体の委任が許可されていません。Google 管理コンソールの「セキュリティ"
                " > API の制御 > ドメイン全体の委任」で、サービス アカウント "
                f"{account.client_email} のクライアント ID にスコープ {SCOPE} を許可してください"
            )
        elif subject and ("email" in lowered or "user" in lowered):
            said = f"subject の「{subject}」は Google Workspace のユーザーとして見つかりません"
        elif "signature" in lowered or "not found" in lowered or error == "invalid_client":
            said = (
                f"サービス アカウントの鍵（{where}）が使えません（削除・無効にされた鍵か、サービ"
                "ス アカウントが削除されています）。Google Cloud コンソールで新しい鍵を作ってくだ"
                "さい"
            )
        elif "iat" in lowered or "exp" in lowered or "timeframe" in lowered:
            said = (
                "PC の時計がずれているため、Google がトークンを出しません。時計を合わせてください"
            )
        else:
            said = f"Google がアクセス トークンを出しません。{where} の鍵を確かめてください"
        return FetchError(f"{said} {tail}")

    def first_url(self, start: datetime, end: datetime) -> str:
        query = urlencode(
            {
                "timeMin": start.isoformat(timespec="seconds"),
                "timeMax": end.isoformat(timespec="seconds"),
                "singleEvents": "true",
                "orderBy": "startTime",
                "maxResults": str(PAGE_SIZE),
                "timeZone": self.tz.key,
                "fields": FIELDS,
            }
        )
        self._first = f"{address(self.config.options)}?{query}"
        return self._first

    def next_url(self, document: Any, url: str) -> str | None:
        token = document.get("nextPageToken") if isinstance(document, dict) else None
        if not isinstance(token, str) or not token:
            return None
        return f"{self._first}&{urlencode({'pageToken': token})}"

    def entries(self, document: Any) -> list[Any]:
        if not isinstance(document, dict):
            raise ParseError("not a Google Calendar event list")
        items = document.get("items", [])
        if not isinstance(items, list):
            raise ParseError('not a Google Calendar event list ("items" is not a list)')
        return items

    def entry(self, raw: Mapping[str, Any]) -> Entry | None:
        kind = text_of(raw.get("eventType"))
        if kind in ("workingLocation", "birthday"):  # where someone works today: not an event
            return None
        start, end = raw.get("start"), raw.get("end")
        all_day = isinstance(start, dict) and "date" in start and "dateTime" not in start
        return Entry(
            title=text_of(raw.get("summary")),
            start=self._when(start),
            end=self._when(end if end is not None else start),
            all_day=all_day,
            location=text_of(raw.get("location")) or None,
            description=plain(raw.get("description")),
            uid=text_of(raw.get("iCalUID")) or text_of(raw.get("id")) or None,
            classes=(text_of(raw.get("visibility")),),
            cancelled=text_of(raw.get("status")) == "cancelled",
            out_of_office=kind == "outOfOffice",
        )

    def _when(self, value: object) -> date | datetime:
        """An EventDateTime: `date` for all-day events, else an RFC 3339 `dateTime`."""
        if not isinstance(value, dict):
            raise ValueError("no start or end")
        if isinstance(value.get("dateTime"), str):
            moment = datetime.fromisoformat(value["dateTime"])
            if moment.tzinfo is None:
                return moment.replace(tzinfo=self.tz)
            return moment.astimezone(self.tz)
        if isinstance(value.get("date"), str):
            return date.fromisoformat(value["date"])
        raise ValueError("no start or end")

    def refused(self, answer: Answer, url: str) -> FetchError:
        code, message, reasons = error_of(answer)
        busy = self.busy(answer, "Google Calendar API")
        if busy is None and answer.status == 403 and set(reasons) & set(RATE_LIMITED):
            from signage.fetch import retry_after

            busy = FetchError(
                "Google Calendar API の利用の上限に達しました。しばらく待ってから取り直します"
                f" {detail(answer, url, *reasons)}",
                retry_after=retry_after(answer.headers.get("retry-after"), self.clock.now()),
            )
        if busy is not None:
            return busy
        tail = detail(answer, url, ",".join(reasons) or code, message, hide=self.secrets)
        email = self.email or "サービス アカウント"
        if "accessNotConfigured" in reasons or code == "SERVICE_DISABLED":
            said = (
                "Google Cloud のプロジェクトで Google Calendar API が有効になっていません。"
                "コンソールの「API とサービス」で有効にしてください"
            )
        elif answer.status in (403, 404):
            subject = self.option("subject")
            who = f"「{subject}」" if subject else f"サービス アカウント {email}"
            said = (
                f"予定表「{self.calendar}」が見つからないか、{who} に共有されていません。Google"
                f" カレンダーの「設定と共有 > 特定のユーザーまたはグループと共有する」で {email} "
                "を「予定の表示（すべての予定の詳細）」で追加し、calendar にカレンダー ID を書い"
                "てください"
            )
            if subject:
                said = (
                    f"予定表「{self.calendar}」が見つからないか、{who} が読めません。calendar "
                    "のカレンダー ID と、その人に共有されているかを確かめてください"
                )
        elif answer.status == 401:
            said = (
                "Google Calendar API がアクセス トークンを受け付けません（取り直しても同じでした）"
            )
        else:
            said = "Google Calendar API から予定を受け取れません"
        return FetchError(f"{said} {tail}")


API = Key(
    "api_url",
    "text",
    help=(
        "Google Calendar API の URL",
        "Google Calendar API URL",
    ),
    doc=(
        "Google Calendar API の URL。ふつうは書きません。https のみ。",
        "The Google Calendar API URL; rarely needed. https only.",
    ),
    shown_type="文字列 text",
    default=f"`{API_URL}`",
    example=f'`"{API_URL}"`',
    strip=True,
    pattern=HTTPS_URL,
    bad_pattern="api_not_https",
)
SUBJECT = Key(
    "subject",
    "text",
    help=(
        "ドメイン全体の委任で代わりに読む利用者",
        "User impersonated (domain-wide delegation)",
    ),
    doc=(
        (
            "ドメイン全体の委任を使うとき、サービス アカウントが代わりに読む利用者のアドレス。"
            "共有で読むときは書きません。"
        ),
        "With domain-wide delegation: the user the service account acts for; not with sharing.",
    ),
    shown_type="文字列 text",
    default="なし / none",
    example='`"signage@city.example.jp"`',
    strip=True,
)
KIND = Kind(
    "google",
    ("Google Workspace の予定表", "a Google Workspace calendar"),
    GoogleSource,
    roles=("events", "visits", "staff_out", "closures"),
    keys=(CALENDAR, API, SUBJECT, OUT_OF_OFFICE, PRIVATE),
    auth_types=AUTH_TYPES,
    needs_auth=True,
    address=address,
    vet=vet,
)
