"""Series ids from a file: one id per line, or a TMDB daily export (``.json.gz``).

A daily export (``tv_series_ids_MM_DD_YYYY.json.gz`` from files.tmdb.org) is gzipped JSON
lines such as ``{"id":5,"original_name":"La Job","popularity":6.301}``. A plain file has one
id per line; blank lines and ``#`` comments are skipped. Either way duplicates are dropped
(first occurrence kept) and anything else is an error naming the line.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from credits_analysis.errors import ConfigError

__all__ = ["read_ids", "unique_ids"]

_GZIP_MAGIC = b"\x1f\x8b"


def read_ids(path: Path | str, *, min_popularity: float | None = None) -> list[int]:
    """The series ids listed in ``path``, in file order, without duplicates.

    Parameters
    ----------
    path
        A plain text file of ids, or a TMDB daily export (gzipped JSON lines, detected by
        content, not by name).
    min_popularity
        Keep only export entries with at least this ``popularity`` (exports only: a plain
        list has no popularity).

    Returns
    -------
    list[int]
        Positive ids.

    Raises
    ------
    ConfigError
        The file cannot be read, is truncated or corrupt, or a line is not a positive id
        (the message gives the line number); ``min_popularity`` with a plain list.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            gzipped = handle.read(2) == _GZIP_MAGIC
    except OSError as exc:
        raise ConfigError(f"cannot read the ids file {path}: {exc.strerror or exc}") from None
    if gzipped:
        return unique_ids(_export_ids(path, min_popularity))
    if min_popularity is not None:
        raise ConfigError(
            f"--min-popularity needs a TMDB daily export (.json.gz); {path} is a plain id list"
        )
    return unique_ids(_plain_ids(path))


def unique_ids(ids: Iterable[int]) -> list[int]:
    """``ids`` without repeats, in first-seen order; each must be a positive int.

    Raises
    ------
    ConfigError
        For an id that is not a positive whole number.
    """
    seen: dict[int, None] = {}
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"a TMDB series id is a positive whole number, not {value!r}")
        seen[value] = None
    return list(seen)


def _plain_ids(path: Path) -> Iterator[int]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the ids file {path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or int(text) <= 0:
            raise ConfigError(
                f"{path}, line {number}: {text!r} is not a TMDB series id (a positive number)"
            )
        yield int(text)


def _export_ids(path: Path, min_popularity: float | None) -> Iterator[int]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    entry = _export_entry(line, path, number)
                    if min_popularity is None or entry[1] >= min_popularity:
                        yield entry[0]
    except (EOFError, gzip.BadGzipFile, zlib.error, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path} is truncated or corrupt ({exc}); download the export again"
        ) from None


def _export_entry(line: str, path: Path, number: int) -> tuple[int, float]:
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}, line {number}: not a JSON object ({exc.msg})") from None
    series_id = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(series_id, bool) or not isinstance(series_id, int) or series_id <= 0:
        raise ConfigError(f"{path}, line {number}: no positive 'id' in {line.strip()[:80]!r}")
    popularity = entry.get("popularity", 0.0)
    if isinstance(popularity, bool) or not isinstance(popularity, int | float):
        popularity = 0.0
    return series_id, popularity if math.isfinite(popularity) else 0.0
