"""What a source kind declares about itself, beside the class that fetches and parses it.

The registry (`signage.sources.KINDS`) lists one `Kind` per module; the config's spec, the
checker, `signage schema` and the README's key tables take the kinds' names, roles and keys
from it, so a new kind is its own module plus one line there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from signage.config.keys import Key
from signage.model import ITEM_ROLES

if TYPE_CHECKING:
    from signage.config.model import Auth
    from signage.sources.base import Source

# The `auth` types of a feed (a token or a user name and password in each request).
FEED_AUTH: tuple[str, ...] = ("bearer", "basic")


@dataclass(frozen=True)
class Kind:
    """`name` is the config's `kind = "…"`; `title` (ja, en) names it in docs and editors.
    `roles`: the roles it can serve (another is an error in `check`). `keys`: the keys it reads
    beyond every source's; a key several kinds read is one `Key` they all list.
    `refresh_minutes`: its interval when the config names none (None: every source's).
    `default_url`: for a kind with a well-known public service, the URL its own keys lead to
    (then `url` may be left out and only overrides it); None when they lead to none.
    `auth_types`: the `auth` types it takes; `needs_auth`: it reads nothing without one.
    `address`: for a kind that names what it reads by its own keys instead of a `url` (the
    cloud calendars), the https address it reads, made from those keys' values. `vet`: what
    is wrong with the key file its `auth` names (None: nothing), for `signage check`."""

    name: str
    title: tuple[str, str]
    source: type[Source]
    roles: tuple[str, ...] = ITEM_ROLES
    keys: tuple[Key, ...] = ()
    refresh_minutes: float | None = None
    default_url: Callable[[Mapping[str, Any]], str | None] | None = None
    auth_types: tuple[str, ...] = FEED_AUTH
    needs_auth: bool = False
    address: Callable[[Mapping[str, Any]], str] | None = None
    vet: Callable[[Auth], str | None] | None = None
