"""JSON from a vendor's web API or a file: where the list is, their field names, paging.

Config: `items` (dotted path to the list; default the document when it is a list, else its key
named after the role, e.g. {"notices": [...]}), `fields`, `values` (see sources.fields) and
`next` (dotted path to the next page's URL). Pages are fetched with the source's own client and
credentials, but only from the configured server, so a next link cannot carry the token away.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from signage.config.keys import Key
from signage.errors import FetchError, ParseError
from signage.model import Item, Skip
from signage.skips import skip_of
from signage.sources.base import Parsed, Source, too_many
from signage.sources.fields import FIELDS, VALUES, Mapper, dig
from signage.sources.html_body import BODY_FORMAT
from signage.sources.kind import Kind

if TYPE_CHECKING:
    import httpx

MAX_PAGES = 50
# Joins the pages of one fetch into the bytes `parse` gets (and the disk cache keeps).
# Never inside a JSON text: it may not hold a raw control character, in strings or out.
PAGE_BREAK = b"\x00"


class JsonSource(Source):
    async def fetch(self, client: httpx.AsyncClient) -> bytes | None:
        if self.config.next_link is None or not self.config.is_remote:
            return await super().fetch(client)
        return await self._fetch_pages(client, self.config.next_link)

    async def _fetch_pages(self, client: httpx.AsyncClient, next_path: str) -> bytes:
        """Every page, following the next link. Unconditional: page 1 unchanged (304) says
        nothing about page 2."""
        import httpx

        from signage.fetch import safe_url

        url = self.config.location
        first = (await self.get(client)).body
        if first is None:
            raise FetchError(f"HTTP 304 without a request for it from {safe_url(url)}")
        pages, seen, total = [first], {url}, len(first)
        while True:
            document = await asyncio.to_thread(_load, pages[-1], len(pages))
            link = dig(document, next_path)
            if not isinstance(link, str) or not link.strip():
                break
            url = str(httpx.URL(url).join(link.strip()))
            if url in seen:  # a server that links back: we have every page already
                break
            if not _same_origin(httpx.URL(url), httpx.URL(self.config.location)):
                raise FetchError(
                    f"the next page link of {safe_url(self.config.location)} leads to another "
                    f"server ({safe_url(url)}); not followed, so the credentials stay with it"
                )
            if len(pages) >= MAX_PAGES:
                raise FetchError(f"{safe_url(self.config.location)}: more than {MAX_PAGES} pages")
            seen.add(url)
            page = (await self.get(client, url)).body
            if page is None:
                raise FetchError(f"HTTP 304 without a request for it from {safe_url(url)}")
            total += len(page)
            if total > self.max_bytes:
                raise FetchError(
                    f"{safe_url(self.config.location)}: the pages together are over the "
                    f"{self.max_bytes} byte limit (raise max_size_mb for this source if the feed "
                    "really is this large)"
                )
            pages.append(page)
        return PAGE_BREAK.join(pages)

    def parse(self, raw: bytes, now: datetime) -> Parsed:
        pages = raw.split(PAGE_BREAK)
        mapper = Mapper(self.config, self.tz)
        today = now.astimezone(self.tz).date()
        items: list[Item] = []
        warnings: list[str] = []
        skipped: list[Skip] = []
        seen = 0
        for number, page in enumerate(pages, start=1):
            entries = self._entries(_load(page, number if len(pages) > 1 else 0))
            where = f"page {number}, " if len(pages) > 1 else ""
            seen += len(entries)
            for index, entry in enumerate(entries, start=1):
                if len(items) >= self.max_items:
                    break
                try:
                    if not isinstance(entry, dict):
                        raise ValueError("not an object")
                    item = mapper.item(entry, today)
                except ValueError as exc:
                    warnings.append(f"{where}item #{index} skipped: {exc}")
                    skipped.append(skip_of(f"{where}item {index}", exc))
                    continue
                finally:
                    for note in mapper.take_notes():
                        warnings.append(f"{where}item #{index}: {note}")
                        skipped.append(skip_of(f"{where}item {index}", note, kept=True))
                if item is not None:
                    items.append(item)
            del entries  # a page's documents go before the next is read
        if len(items) >= self.max_items and seen > len(items):
            warnings.append(too_many(len(items), seen))
        return Parsed(tuple(items), tuple(warnings), tuple(skipped))

    def _entries(self, document: Any) -> list[Any]:
        path = self.config.items
        if path is not None:
            entries = dig(document, path)
            if not isinstance(entries, list):
                raise ParseError(
                    f'no list at "{path}" (set items to where the list is){_keys(document)}'
                )
            return entries
        if isinstance(document, list):
            return document
        role = self.config.role
        entries = document.get(role) if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise ParseError(
                f'expected a list, or {{"{role}": [...]}}; set items to where the list is'
                f"{_keys(document)}"
            )
        return entries


def _load(page: bytes, number: int) -> Any:
    try:
        return json.loads(page.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"page {number}: " if number else ""
        raise ParseError(f"{where}not valid JSON: {exc}") from None
    except RecursionError:
        where = f"page {number}: " if number else ""
        raise ParseError(f"{where}JSON nested too deeply to read") from None


def _keys(document: Any) -> str:
    """The top-level keys, to help write `items`."""
    if isinstance(document, dict) and document:
        return " (the document has: " + ", ".join(list(map(str, document))[:10]) + ")"
    return ""


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


DOTTED_PATH = re.compile(r"^[^.]+(\.[^.]+)*$")
ITEMS = Key(
    "items",
    "text",
    help=(
        "JSON の中の一覧の場所（data.notices）",
        "Dotted path to the list",
    ),
    doc=(
        (
            "一覧がある場所（`data.notices` のように「.」でつなぐ）。[json](#json-web-api-やファイ"
            "ル--a-web-api-or-a-file)。"
        ),
        "dotted path to the list in the document.",
    ),
    shown_type="文字列 text",
    default="下の説明 / see below",
    example='`"data.notices"`',
    pattern=DOTTED_PATH,
    bad_pattern="bad_dotted_path",
    strip=True,
)
NEXT = Key(
    "next",
    "text",
    help=(
        "次のページの URL の場所",
        "Dotted path to the next page's URL",
    ),
    doc=(
        "URL のとき、次のページの URL が入っている場所（`links.next` など）。",
        "over http(s), dotted path to the next page's URL.",
    ),
    shown_type="文字列 text",
    default="なし / none",
    example='`"links.next"`',
    pattern=DOTTED_PATH,
    bad_pattern="bad_dotted_path",
    strip=True,
)
KIND = Kind(
    "json",
    ("Web API やファイル", "a web API or a file"),
    JsonSource,
    keys=(ITEMS, FIELDS, VALUES, BODY_FORMAT, NEXT),
)
