"""Where bundled files live, in a source checkout and in an installed wheel alike."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = _PACKAGE_DIR.parent


@cache
def data_dir() -> Path:
    """Return the folder holding ``samples/`` and ``demo/``.

    A wheel carries them as ``credits_analysis/_data``; a source checkout (editable install)
    keeps them in the top-level ``data/`` folder.
    """
    packaged = _PACKAGE_DIR / "_data"
    return packaged if packaged.is_dir() else _CHECKOUT_ROOT / "data"


@cache
def notebooks_dir() -> Path:
    """Return the folder holding the report notebooks."""
    packaged = _PACKAGE_DIR / "_notebooks"
    return packaged if packaged.is_dir() else _CHECKOUT_ROOT / "notebooks"


def checkout_root() -> Path | None:
    """Return the source checkout's root when running from one, else None."""
    return _CHECKOUT_ROOT if (_CHECKOUT_ROOT / "pyproject.toml").is_file() else None
