"""Text on its way to a terminal: names and titles never carry control or escape sequences through.

A patient's name, a document title or a passage is data, and a terminal would obey an escape sequence
inside it (``\\x1b]0;...`` retitles the window, ``\\x1b[2J`` clears the screen, a carriage return
overwrites the line, a bidirectional override reorders what the reader sees, and C1 controls such as
U+009B act as escapes on many terminals). Every character of that kind is shown as a visible escape
(``\\x1b``, ``\\u202e``) instead; line breaks and tabs are kept. Unpaired surrogates (an undecodable file
name or argument) are shown the same way, so printing them can never fail either.

JSON output keeps its meaning: the same characters become JSON's own ``\\uXXXX`` escapes there.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0 controls but tab and line feed, DEL, C1 controls, bidirectional marks and overrides, lone surrogates."""

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw that a terminal would act on or cannot encode."""


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with every control, escape, bidirectional-override or surrogate character made visible."""
    return _UNSAFE.sub(_visible, text)


def json_for_terminal(text: str) -> str:
    """Serialized JSON with the characters above written as ``\\uXXXX`` escapes (the same JSON value)."""
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class TerminalWriter:
    """A text stream that makes everything written through it safe for a terminal (see :func:`for_terminal`).

    The command line puts one in front of standard output and standard error while a command runs, so no
    command can forget to. The few sequences the planner writes on purpose (bold search matches) go through
    :meth:`write_markup`.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(for_terminal(text))

    def write_markup(self, text: str) -> int:
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
