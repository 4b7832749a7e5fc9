"""Real TMDB payloads bundled with the package (see ``data/samples/README.md`` for provenance).

This product uses the TMDB API but is not endorsed or certified by TMDB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credits_analysis._resources import data_dir

__all__ = ["load", "names", "path"]


def names() -> list[str]:
    """Return the names of the bundled sample payloads, sorted."""
    return sorted(p.stem for p in (data_dir() / "samples").glob("*.json"))


def path(name: str) -> Path:
    """Return the file of sample ``name`` (without ``.json``).

    Raises
    ------
    KeyError
        If no such sample is bundled; the message lists the ones that are.
    """
    file = data_dir() / "samples" / f"{name}.json"
    if not file.is_file():
        raise KeyError(f"no bundled sample {name!r}; available: {', '.join(names())}")
    return file


def load(name: str) -> dict[str, Any]:
    """Return the parsed JSON of sample ``name``, e.g. ``"tv-1399-season-1-aggregate_credits"``."""
    return json.loads(path(name).read_bytes())
