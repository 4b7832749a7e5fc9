"""Text that is safe to print on a terminal, whatever a server or a payload put in it.

A series name or an error message from a server can carry escape sequences that set the window
title (OSC 0), write the clipboard (OSC 52), clear the screen or move the cursor, and bidi
overrides that make a line read differently from what it holds. :func:`printable` removes them.
"""

from __future__ import annotations

import re
import sys

__all__ = ["MESSAGE_LIMIT", "printable", "say"]

#: Characters of one printed message at most: enough for any message of the package (an offline
#: miss lists its paths), far below a 5 MB error page echoed by a server.
MESSAGE_LIMIT = 2000

# Whole escape sequences first, so that their printable parameters ("]52;c;..." after ESC) do
# not survive as text: CSI (ESC [ or 0x9B ... final byte), OSC/DCS/SOS/PM/APC strings (up to BEL
# or the string terminator, or the end of the text), then any other ESC and its next character.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b.?",
    re.DOTALL,
)
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional marks, embeddings,
# overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A lone surrogate (valid in JSON, not in UTF-8) would make print() itself raise.
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: object, *, limit: int = MESSAGE_LIMIT) -> str:
    """``str(text)`` without escape sequences or control characters, cut to ``limit`` characters.

    Tabs and newlines are kept; lone surrogates become U+FFFD. A cut text ends with the number
    of characters left out.
    """
    clean = _SURROGATE.sub("\ufffd", _CONTROL.sub("", _SEQUENCE.sub("", str(text))))
    if len(clean) <= limit:
        return clean
    return f"{clean[:limit]}... ({len(clean) - limit} more characters)"


def say(text: object, *, err: bool = False, limit: int | None = MESSAGE_LIMIT) -> None:
    """Print :func:`printable` ``text`` to stdout (or stderr); ``limit=None`` cuts nothing.

    Every line a command prints goes through here: series names and server messages can hold
    escape sequences.
    """
    print(
        printable(text, limit=sys.maxsize if limit is None else limit),
        file=sys.stderr if err else sys.stdout,
    )
