"""Reading a local file the config names, safely: a feed file, a notice in a shared folder, a
secret. Only a regular file is read (never a device such as /dev/zero, a FIFO that would block
for ever, or a folder); bytes are counted as they are read, since `st_size` lies (0 for the
files of /proc, and a file may grow while it is read); with `follow_links=False` a symbolic
link is refused (a link planted in a shared folder must not publish /etc/passwd).

Portable: O_NONBLOCK and O_NOFOLLOW are used where the platform has them (POSIX); Windows has
no FIFOs in its file system, and a link there is refused by looking before opening.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["NotRegular", "TooLarge", "read_regular"]

_CHUNK = 64 * 1024
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class NotRegular(OSError):
    """The path is not a regular file (a link, a device, a FIFO, a socket, a folder).
    `what` says which, in words for a log."""

    def __init__(self, path: str | Path, what: str) -> None:
        super().__init__(f"{path} is {what}, not a plain file")
        self.what = what


class TooLarge(OSError):
    """More than the limit came. `size`: the file's stated size, or the bytes counted (at most
    limit + 1) when it stated less."""

    def __init__(self, path: str | Path, limit: int, size: int) -> None:
        super().__init__(f"{path}: over the {limit} byte limit")
        self.limit = limit
        self.size = size


def describe(mode: int) -> str:
    """What a file that is not regular is, from its st_mode."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_regular(path: str | Path, limit: int, *, follow_links: bool = True) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    Raises NotRegular (not a regular file; a link when `follow_links` is False), TooLarge
    (more than `limit` bytes came), or the OSError of opening or reading it. Never blocks on
    a FIFO: the type is looked at before opening, and the file is opened non-blocking and
    looked at again (it may have been swapped in between; a file an editor saved anew since
    is fine: it is a regular file all the same)."""
    before = os.stat(path, follow_symlinks=follow_links)
    if not stat.S_ISREG(before.st_mode):
        raise NotRegular(path, describe(before.st_mode))
    flags = os.O_RDONLY | _BINARY | _NONBLOCK | (0 if follow_links else _NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        if not follow_links and _NOFOLLOW and os.path.islink(path):  # swapped for a link (ELOOP)
            raise NotRegular(path, "a symbolic link") from None
        raise exc
    with os.fdopen(descriptor, "rb", buffering=0) as stream:
        opened = os.fstat(stream.fileno())
        mode = opened.st_mode
        if not stat.S_ISREG(mode):  # swapped since it was looked at
            raise NotRegular(path, describe(mode))
        chunks: list[bytes] = []
        total = 0
        while True:
            piece = stream.read(min(_CHUNK, limit + 1 - total))
            if not piece:
                break
            total += len(piece)
            if total > limit:
                raise TooLarge(path, limit, max(total, opened.st_size))
            chunks.append(piece)
    return b"".join(chunks)
