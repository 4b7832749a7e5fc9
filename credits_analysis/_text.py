"""Text folded for comparing names and for file names: plain string functions, no imports
from the package, so search, analysis and images share them."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold_name", "name_key", "slugify"]

# Letters that carry no combining accent in Unicode's decomposition, spelled as a reader
# searching in plain ASCII would type them.
_ASCII_LETTERS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)


def name_key(name: str) -> str:
    """``name`` for comparison: accents dropped (NFKD), case folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def fold_name(text: str) -> str:
    """``text`` as a name search compares it: case-folded, accents removed, spaces collapsed.

    ``fold_name("Loïc  LEFÈVRE") == "loic lefevre"``; letters Unicode does not decompose are
    spelled as in plain ASCII (ø o, ł l, æ ae, œ oe, ß ss, ...).
    """
    return name_key(text).translate(_ASCII_LETTERS)


def slugify(text: str) -> str:
    """``text`` as a file name: ASCII lower case, words joined by ``-`` (empty if no word).

    >>> slugify("Gender split: Crew (Directing & Writing)")
    'gender-split-crew-directing-writing'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
