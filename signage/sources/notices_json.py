"""Board notices from a JSON file or URL.

Format: {"notices": [{"title", "body", "priority", "posted", "expires", "link"}]}
or a bare list of such objects. Only `title` is required; times are ISO 8601
(without an offset they are taken in the school's zone).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from signage.agenda import matches
from signage.errors import ParseError
from signage.model import PRIORITIES, Item, Notice
from signage.sources.base import Parsed, Source


class JsonSource(Source):
    def parse(self, raw: bytes, now: datetime) -> Parsed:
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParseError(f"not valid JSON: {exc}") from None
        entries = document.get("notices") if isinstance(document, dict) else document
        if not isinstance(entries, list):
            raise ParseError('expected a list of notices, or {"notices": [...]}')
        items: list[Item] = []
        warnings: list[str] = []
        for index, entry in enumerate(entries, start=1):
            try:
                notice = self._notice(entry)
            except (TypeError, ValueError) as exc:
                warnings.append(f"notice #{index} skipped: {exc}")
                continue
            if matches(self.config.match, notice.title, notice.body):
                items.append(notice)
        return Parsed(tuple(items), tuple(warnings))

    def _notice(self, entry: Any) -> Notice:
        if not isinstance(entry, dict):
            raise TypeError("not an object")
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError("no title")
        priority = str(entry.get("priority") or "normal").lower()
        if priority not in PRIORITIES:
            raise ValueError(f"unknown priority {priority!r}")
        link = entry.get("link")
        return Notice(
            source=self.id,
            title=title.strip(),
            body=str(entry.get("body") or "").strip(),
            priority=priority,  # type: ignore[arg-type]
            posted=self._time(entry.get("posted"), "posted"),
            expires=self._time(entry.get("expires"), "expires"),
            link=str(link) if link else None,
        )

    def _time(self, value: Any, name: str) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{name}: not an ISO 8601 time: {value!r}") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.tz)
        return parsed
