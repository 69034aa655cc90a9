"""Rows, items, files and events a source skipped: made once, said in the configured language.

A connector raises `RowError` for a row it cannot use; `skip_of` turns any row's error into
a `Skip` (signage.model) that travels with the items through the store, the disk copy,
`agenda`, the heartbeat and the screen. The English `str()` of a RowError stays the log's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from signage.messages import MESSAGES, text
from signage.model import Skip

MASKED = "…"
# Placeholders that quote the feed: left out where the content must not go (the heartbeat).
_QUOTING = ("value", "detail")
FIRST_REASONS = 3  # how many reasons the heartbeat carries per source


class RowError(ValueError):
    """Why one record cannot be used: `str()` in English for the log; `reason` (a `skip.*`
    key of signage.messages) and `details` for the people who read `agenda` and the screen."""

    def __init__(self, english: str, reason: str, **details: str) -> None:
        super().__init__(english)
        self.reason = reason
        self.details = tuple(details.items())


def skip_of(where: str, exc: BaseException, kept: bool = False) -> Skip:
    """The record of a row left out (or `kept` not as written) for `exc`."""
    if isinstance(exc, RowError):
        return Skip(where, exc.reason, exc.details, kept)
    return Skip(where, "skip.unreadable", (("detail", str(exc)),), kept)


def reason(skip: Skip, lang: str, masked: bool = False) -> str:
    """Why, in `lang`; `masked` leaves out every quoted value (the heartbeat)."""
    details = {key: MASKED if masked and key in _QUOTING else value for key, value in skip.details}
    if skip.reason not in MESSAGES["ja"]:  # a copy written by a newer version
        return text(lang, "skip.unreadable", detail=MASKED if masked else skip.reason)
    return text(lang, skip.reason, **details)


def as_json(skips: Iterable[Skip], lang: str) -> list[dict[str, str]]:
    """[{"where", "reason"}] as `agenda --json` lists them."""
    return [{"where": skip.where, "reason": reason(skip, lang)} for skip in skips]


def left_out(skips: Iterable[Skip]) -> tuple[Skip, ...]:
    """The records of rows not shown at all (not those kept with a note)."""
    return tuple(skip for skip in skips if not skip.kept)


def kept(skips: Iterable[Skip]) -> tuple[Skip, ...]:
    """The records of rows shown, but not as written."""
    return tuple(skip for skip in skips if skip.kept)


def heartbeat(skips: Sequence[Skip], lang: str) -> dict[str, Any]:
    """The heartbeat's share: how many were skipped and the first reasons, every quoted
    value masked (the heartbeat leaves the school; a reason may quote the feed)."""
    dropped = left_out(skips)
    return {
        "skipped": len(dropped),
        "skipped_reasons": [reason(s, lang, masked=True) for s in dropped[:FIRST_REASONS]],
    }


def masked(skips: Iterable[Skip]) -> tuple[Skip, ...]:
    """`skips` without the values they quote: for sources about people, whose feed text
    may be a name (signage.privacy)."""
    return tuple(
        Skip(
            s.where,
            s.reason,
            tuple((k, MASKED if k in _QUOTING else v) for k, v in s.details),
            s.kept,
        )
        for s in skips
    )
