"""One error tree. Every message is meant to be read by a person who can act on it.

SignageError
├── ConfigError        the config file is unreadable or invalid (carries every issue)
└── SourceError        a source could not be refreshed; its last good data stays
    ├── FetchError     network, HTTP status, size limit
    └── ParseError     the content is not what the source kind expects
"""

from __future__ import annotations


class SignageError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(SignageError):
    def __init__(self, message: str, issues: list[object] | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


class SourceError(SignageError):
    pass


class FetchError(SourceError):
    def __init__(
        self, message: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds the server asked us to wait (429, 503)
        self.status = status  # the HTTP status that refused it (404 …), when one did


class ParseError(SourceError):
    pass
