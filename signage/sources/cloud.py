"""What the cloud calendars (m365, google) share: a token, the pages, the errors, the events.

A cloud calendar is read as an application with its own identity (signage.sources.oauth), over
the kiosk's own client (`[network]` applies) with signage.fetch's `call`, page after page over
the window the screen needs. The pages go to `parse` joined as the json kind joins them; the
items are masked (sensitivity, visibility) before anything keeps them, as for ics. A refused
request says in Japanese what IT has to grant (the kinds' `refused`), never the secret.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from abc import abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from signage.config.keys import Key
from signage.errors import FetchError, ParseError
from signage.match import matches
from signage.messages import screen
from signage.model import Event
from signage.privacy import is_private
from signage.sources.base import Parsed, Source, too_many
from signage.sources.json_api import PAGE_BREAK
from signage.sources.oauth import Token, TokenCache, scrubbed

if TYPE_CHECKING:
    import httpx

    from signage.clock import Clock
    from signage.config.model import SourceConfig
    from signage.fetch import Answer

MAX_PAGES = 50
DAYS_AHEAD = 120  # as far ahead as an ics calendar is read
HTTPS_URL = re.compile(r"^\s*https://[^\s/?#]+(/[^\s?#]*)?\s*$")
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.I)


@dataclass(frozen=True)
class Entry:
    """One event as a cloud calendar gave it, in our terms, before `match` and privacy."""

    title: str
    start: date | datetime
    end: date | datetime
    all_day: bool
    location: str | None
    description: str | None
    uid: str | None
    classes: tuple[str, ...]  # sensitivity / visibility, as is_private reads them
    cancelled: bool = False
    out_of_office: bool = False


class CloudSource(Source):
    """A calendar read over a web API with an OAuth 2.0 access token."""

    PUBLIC: tuple[str, ...] = ()  # the privacy values that show an event as it is

    def __init__(self, config: SourceConfig, tz: ZoneInfo, clock: Clock | None = None) -> None:
        super().__init__(config, tz, clock)
        self.tokens = TokenCache()

    def option(self, name: str, default: str = "") -> str:
        value = self.config.options.get(name)
        return value.strip() if isinstance(value, str) else default

    # What each kind says.

    @abstractmethod
    async def request_token(self, client: httpx.AsyncClient) -> Token:
        """A new access token from the kind's token endpoint."""

    @abstractmethod
    def first_url(self, start: datetime, end: datetime) -> str:
        """The first page's URL for the window [start, end)."""

    @abstractmethod
    def next_url(self, document: Any, url: str) -> str | None:
        """The next page's URL, or None on the last page."""

    @abstractmethod
    def entries(self, document: Any) -> list[Any]:
        """The events of a page."""

    @abstractmethod
    def entry(self, raw: Mapping[str, Any]) -> Entry | None:
        """One event of the API in our terms; None for what is not an event to show."""

    @abstractmethod
    def refused(self, answer: Answer, url: str) -> FetchError:
        """The error for an answer that is not 200: what to grant or fix, in Japanese."""

    def headers(self) -> dict[str, str]:
        """Headers every API request carries besides the token."""
        return {"Accept": "application/json"}

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never appear in a message (the auth's secret when readable)."""
        auth = self.config.auth
        if auth is None:
            return ()
        try:
            return (auth.secret(),)
        except FetchError:
            return ()

    # Fetch: every page of the window.

    async def fetch(self, client: httpx.AsyncClient) -> bytes | None:
        from signage.network import client_for

        client = client_for(client, self.config)
        start, end = self.window(self.clock.now())
        url: str | None = self.first_url(start, end)
        pages: list[bytes] = []
        seen: set[str] = set()
        total = 0
        while url is not None:
            if len(pages) >= MAX_PAGES:
                raise FetchError(f"{self.id}: more than {MAX_PAGES} pages of events")
            seen.add(url)
            body = await self.get_json(client, url)
            total += len(body)
            if total > self.max_bytes:
                raise FetchError(
                    f"{self.id}: the pages together are over the {self.max_bytes} byte limit "
                    "(raise max_size_mb for this source if the calendar really is this large)"
                )
            pages.append(body)
            document = await asyncio.to_thread(_load, body, len(pages))
            url = self.next_url(document, url)
            if url in seen:
                break
        return PAGE_BREAK.join(pages)

    async def get_json(self, client: httpx.AsyncClient, url: str) -> bytes:
        """One page with the token; a 401 renews the token once (revoked, or expired early)."""
        from signage.fetch import call

        for attempt in (1, 2):
            token = await self.tokens.get(lambda: self.request_token(client))
            headers = {"Authorization": f"Bearer {token}", **self.headers()}
            answer = await call(client, "GET", url, limit=self.max_bytes, headers=headers)
            if answer.status == 401 and attempt == 1:
                self.tokens.forget()
                continue
            if answer.status != 200:
                if answer.status == 401:
                    self.tokens.forget()
                error = self.refused(answer, url)
                message = scrubbed(str(error), token, *self.secrets)
                raise FetchError(message, retry_after=error.retry_after)
            return answer.body
        raise AssertionError("unreachable")

    def busy(self, answer: Answer, what: str) -> FetchError | None:
        """429 and 503 (and what the kind counts as the same): wait as the server asks."""
        from signage.fetch import retry_after

        if answer.status not in (429, 503, 504):
            return None
        return FetchError(
            f"{what} が混み合っています。しばらく待ってから取り直します (HTTP {answer.status})",
            retry_after=retry_after(answer.headers.get("retry-after"), self.clock.now()),
        )

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """From the first of last month (visit counts) to DAYS_AHEAD days ahead, as for ics."""
        today = now.astimezone(self.tz).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        end = today + timedelta(days=DAYS_AHEAD)
        return (
            datetime.combine(last_month, time.min, tzinfo=self.tz),
            datetime.combine(end, time.min, tzinfo=self.tz),
        )

    # Parse: pure, off the event loop.

    def parse(self, raw: bytes, now: datetime) -> Parsed:
        pages = raw.split(PAGE_BREAK)
        items: list[Event] = []
        warnings: list[str] = []
        for number, page in enumerate(pages, start=1):
            for index, raw_entry in enumerate(self.entries(_load(page, number)), start=1):
                try:
                    if not isinstance(raw_entry, dict):
                        raise ValueError("not an object")
                    entry = self.entry(raw_entry)
                    event = self.event(entry) if entry is not None else None
                except (ValueError, TypeError, KeyError) as exc:
                    warnings.append(f"page {number}, event #{index} skipped: {exc}")
                    continue
                if event is not None:
                    items.append(event)
        items.sort(key=self._sort_key)
        if len(items) > self.max_items:
            warnings.append(too_many(self.max_items, len(items)))
            items = self._nearest(items, now)
        return Parsed(tuple(items), tuple(warnings))

    def event(self, entry: Entry) -> Event | None:
        """The event as the screen may show it: cancelled ones and, with out_of_office, all
        but out-of-office ones left out; `match`; private ones masked or hidden."""
        if entry.cancelled:
            return None
        if self.config.options.get("out_of_office") and not entry.out_of_office:
            return None
        title, location, description = entry.title, entry.location, entry.description
        if not matches(self.config.match, title, location, description):
            return None
        if is_private(entry.classes, public=self.PUBLIC):
            if self.config.private == "hide":
                return None
            title, location, description = screen("private_event"), None, None
        end = entry.end if entry.end >= entry.start else entry.start  # type: ignore[operator]
        return Event(
            source=self.id,
            title=title or screen("untitled"),
            start=entry.start,
            end=end,
            all_day=entry.all_day,
            location=location or None,
            description=description or None,
            uid=entry.uid,
        )

    def _sort_key(self, item: Event) -> tuple[datetime, str]:
        start = item.start
        if not isinstance(start, datetime):
            start = datetime.combine(start, time.min, tzinfo=self.tz)
        return start, item.title

    def _nearest(self, items: list[Event], now: datetime) -> list[Event]:
        """The max_items events from now on, then the latest past ones; in time order."""
        future = [e for e in items if self._sort_key(e)[0] >= now]
        past = [e for e in items if self._sort_key(e)[0] < now]
        kept = future[: self.max_items]
        room = self.max_items - len(kept)
        return (past[len(past) - room :] if room else []) + kept


def error_of(answer: Answer) -> tuple[str, str, tuple[str, ...]]:
    """(code, message, reasons) of an API's error body: Graph's {"error": {"code", "message"}},
    Google's {"error": {"code", "message", "errors": [{"reason"}], "status"}}."""
    try:
        document = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "", "", ()
    error = document.get("error") if isinstance(document, dict) else None
    if not isinstance(error, dict):
        return "", "", ()
    code, message = error.get("code"), error.get("message")
    listed = error.get("errors")
    reasons = tuple(
        str(part["reason"])
        for part in (listed if isinstance(listed, list) else [])
        if isinstance(part, dict) and isinstance(part.get("reason"), str)
    )
    status = error.get("status")
    lines = message.strip().splitlines() if isinstance(message, str) else []
    return (
        code if isinstance(code, str) else (status if isinstance(status, str) else ""),
        lines[0] if lines else "",
        reasons,
    )


def detail(answer: Answer, url: str, *parts: str, hide: Iterable[str | None] = ()) -> str:
    """'(HTTP 403 ErrorAccessDenied: Access is denied.; https://…)' for the end of a message:
    what the service said, without `hide` (what was sent to it), each part cut short."""
    from signage.fetch import safe_url

    hidden = tuple(hide)
    said = ": ".join(scrubbed(part, *hidden)[:300] for part in parts if part)
    return f"(HTTP {answer.status}{' ' + said if said else ''}; {safe_url(url)})"


def plain(text: object) -> str | None:
    """A feed's text as plain text: HTML (Google's descriptions may hold some) made text."""
    if not isinstance(text, str) or not text.strip():
        return None
    if "<" in text and ">" in text:
        text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
        text = re.sub(r"\n\s*\n+", "\n", text)
    return text.strip() or None


def text_of(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def utc() -> ZoneInfo:
    return ZoneInfo("UTC")


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def iso_z(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, as both APIs take it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _load(page: bytes, number: int) -> Any:
    try:
        return json.loads(page.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"page {number}: not valid JSON: {exc}") from None
    except RecursionError:
        raise ParseError(f"page {number}: JSON nested too deeply to read") from None


CALENDAR = Key(
    "calendar",
    "text",
    help=(
        "読む予定表（m365: メールボックスのアドレス、google: カレンダー ID）",
        "The calendar read (m365: mailbox; google: calendar ID)",
    ),
    doc=(
        (
            "読む予定表。`m365` はメールボックス（ユーザー・会議"
            "室・共有メールボックス）のアドレス、`google` はカレンダー ID（カレンダーの設定の"
            "「カレンダーの統合」にある `…@group.calendar.google.com` など）。[下の説明](#クラウ"
            "ドの予定表--microsoft-365-and-google-workspace)。"
        ),
        (
            "The calendar read: for `m365` the mailbox (user, room or shared), for `google` "
            "the calendar ID."
        ),
    ),
    shown_type="文字列 text",
    default="なし / none",
    example='`"gyouji@mirai-es.example.jp"`',
    required=True,
    merged_only=True,
    strip=True,
)
OUT_OF_OFFICE = Key(
    "out_of_office",
    "boolean",
    help=(
        "true: 「外出中」の予定だけを読む（不在者に）",
        "true: out-of-office events only (staff out)",
    ),
    doc=(
        (
            "`true` にすると「外出中」の予定だけを読みます（`m365` の `showAs` が `oof`、"
            '`google` の「不在」の予定）。`role = "staff_out"` で職員の予定表から不在を出すと'
            "きに。"
        ),
        (
            "`true`: only out-of-office events (`showAs` = `oof` in Microsoft 365, Google's"
            ' out-of-office events), e.g. for `role = "staff_out"` from a colleague\'s calendar.'
        ),
    ),
    shown_type="`true` \\| `false`",
    default="`false`",
    example="`true`",
)
