"""Hiding a secret, and any long enough piece of it, in text that came from elsewhere.

A server or proxy may echo the request back: whole, cut short, base64-encoded (a Basic
``Authorization`` header, a debug dump) or percent-encoded (a URL). Replacing only the exact
secret would let a 13-character prefix or its base64 through, so every run of text made of
pieces of at least :data:`MIN_PIECE` characters of any of those forms is replaced.
"""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

__all__ = ["MIN_PIECE", "SecretScrubber"]

#: Shorter pieces are too likely to occur in ordinary text, and too short to be of use.
MIN_PIECE = 8


class SecretScrubber:
    """Replaces pieces of ``secret`` (and of its encoded forms) in text with ``replacement``.

    Parameters
    ----------
    secret
        The secret; None or empty scrubs nothing.
    replacement
        What each run of secret pieces becomes.

    Notes
    -----
    Every piece of :data:`MIN_PIECE` or more characters is a union of :data:`MIN_PIECE`-long
    windows of one form, so looking up each window of the text in a set of the forms' windows
    finds them all in time linear in the text's length (a few ``in`` checks per character).
    """

    def __init__(self, secret: str | None, *, replacement: str = "<token>") -> None:
        self.replacement = replacement
        self._windows = {
            form[i : i + MIN_PIECE]
            for form in _forms(secret or "")
            for i in range(len(form) - MIN_PIECE + 1)
        }
        #: The longest run of secret text a single form can produce.
        self._longest = max((len(form) for form in _forms(secret or "")), default=0)

    def __call__(self, text: str) -> str:
        """``text`` with every run of secret pieces replaced."""
        if not self._windows or len(text) < MIN_PIECE:
            return text
        runs: list[list[int]] = []
        for i in range(len(text) - MIN_PIECE + 1):
            if text[i : i + MIN_PIECE] in self._windows:
                if runs and i <= runs[-1][1]:
                    runs[-1][1] = i + MIN_PIECE
                else:
                    runs.append([i, i + MIN_PIECE])
        if not runs:
            return text
        parts: list[str] = []
        end = 0
        for start, stop in runs:
            parts += [text[end:start], self.replacement]
            end = stop
        parts.append(text[end:])
        return "".join(parts)

    def snippet(self, text: str, limit: int) -> str:
        """The first ``limit`` characters of ``text`` once scrubbed, looking at little more.

        Scrubbing before cutting matters: a cut through the secret would leave a piece that is
        no longer recognisable as long enough. Only ``limit`` plus the longest form is scrubbed,
        so a megabyte of error page costs no more than a line.
        """
        return self(text[: limit + self._longest])[:limit]


def _forms(secret: str) -> set[str]:
    """The secret as sent, percent-encoded, and base64-encoded at each of the three alignments.

    Base64 turns each 3 bytes into 4 characters, so the secret's encoding depends on where it
    starts within what was encoded ("Bearer " + secret, "user:" + secret...). Encoding whole
    3-byte groups starting at byte 0, 1 and 2 gives every group the echo can contain.
    """
    if not secret:
        return set()
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    for shift in range(3):
        whole = raw[shift : shift + (len(raw) - shift) // 3 * 3]
        forms.add(base64.b64encode(whole).decode())
        forms.add(base64.urlsafe_b64encode(whole).decode())
    return {form for form in forms if len(form) >= MIN_PIECE}
