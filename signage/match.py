"""The `match` filter of a source: shared by the sources (which filter while parsing) and the
agenda, without either importing the other."""

from __future__ import annotations


def matches(pattern: str | None, *texts: str | None) -> bool:
    """True when there is no pattern or any text contains it (case-insensitive)."""
    if not pattern:
        return True
    needle = pattern.casefold()
    return any(needle in text.casefold() for text in texts if text)
