"""Reading a file a user named, within a bound, whatever it turns out to be.

A size taken from ``stat`` says nothing about a FIFO, a character device or standard input: ``/dev/zero``
has size 0 and never ends, and ``yes | planner plan -`` floods. So a file is opened without blocking,
refused when it is a folder, a device or a socket, and read up to one byte past the limit: past it is "too
large", before anything is parsed. A pipe (``planner plan <(...)``, standard input) is read the same way; a
named pipe is read from the descriptor already open, once a writer has come: opening it a second time to wait
would let a quick writer meet the first descriptor, write and leave, and the second open then waits for a writer
that never comes again (the bytes stay unread in the pipe).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class InputFileError(ValueError):
    """A file that cannot be taken in; the message says why in words (without the file's name)."""


def _size_words(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit // 1024} KiB"


def read_stream(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; InputFileError when there are more."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(1 << 16, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise InputFileError(f"is larger than {_size_words(limit)}")
    return b"".join(chunks)


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file or pipe at ``path``, at most ``limit`` of them."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise InputFileError("is a folder, not a file") from None
    except OSError as exc:
        raise InputFileError(f"cannot be read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise InputFileError("is a folder, not a file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise InputFileError("is a device or socket, not a file")
        if stat.S_ISREG(mode) and os.fstat(descriptor).st_size > limit:
            raise InputFileError(f"is larger than {_size_words(limit)}")
        if stat.S_ISFIFO(mode):
            _wait_for_writer(descriptor)
            os.set_blocking(descriptor, True)  # a writer has come: reads now wait for bytes or its hang-up
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return read_stream(handle, limit)
    except OSError as exc:
        raise InputFileError(f"cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)


def _wait_for_writer(descriptor: int) -> None:
    """Until a writer has opened the named pipe: bytes to read, or a writer that came and went. Before any writer
    a non-blocking read would take the empty pipe for its end; poll does not (Linux reports the hang-up only
    after a writer has been there)."""
    import select  # named pipes only: not on every platform

    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    poller.poll()
