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

from credits_analysis.endpoints import MAX_TMDB_ID
from credits_analysis.errors import ConfigError

__all__ = ["ID_RANGE", "read_ids", "unique_ids"]

_GZIP_MAGIC = b"\x1f\x8b"
#: What a series id is, for messages.
ID_RANGE = f"a whole number from 1 to {MAX_TMDB_ID}"


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
        Ids from 1 to :data:`~credits_analysis.endpoints.MAX_TMDB_ID`.

    Raises
    ------
    ConfigError
        The file cannot be read, is truncated or corrupt, lists no id, or a line is not a
        series id (the message gives the line number); ``min_popularity`` with a plain list.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            gzipped = handle.read(2) == _GZIP_MAGIC
    except OSError as exc:
        raise ConfigError(f"cannot read the ids file {path}: {exc.strerror or exc}") from None
    if gzipped:
        ids = unique_ids(_export_ids(path, min_popularity))
    elif min_popularity is not None:
        raise ConfigError(
            f"--min-popularity needs a TMDB daily export (.json.gz); {path} is a plain id list"
        )
    else:
        ids = unique_ids(_plain_ids(path))
    if not ids:
        kept = "" if min_popularity is None else f" with popularity {min_popularity:g} or more"
        raise ConfigError(f"{path} lists no series id{kept}")
    return ids


def unique_ids(ids: Iterable[int]) -> list[int]:
    """``ids`` without repeats, in first-seen order; each must be a TMDB id.

    Raises
    ------
    ConfigError
        For an id that is not a whole number from 1 to
        :data:`~credits_analysis.endpoints.MAX_TMDB_ID`.
    """
    seen: dict[int, None] = {}
    for value in ids:
        if not _is_series_id(value):
            raise ConfigError(f"a TMDB series id is {ID_RANGE}, not {value!r}")
        seen[value] = None
    return list(seen)


def _is_series_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_TMDB_ID


def _plain_ids(path: Path) -> Iterator[int]:
    try:
        # utf-8-sig: a list saved by a Windows editor starts with a byte-order mark.
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the ids file {path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit() and _is_series_id(int(text))):
            raise ConfigError(
                f"{path}, line {number}: {text!r} is not a TMDB series id ({ID_RANGE})"
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
    if not _is_series_id(series_id):
        raise ConfigError(f"{path}, line {number}: no series 'id' in {line.strip()[:80]!r}")
    popularity = entry.get("popularity", 0.0)
    if isinstance(popularity, bool) or not isinstance(popularity, int | float):
        popularity = 0.0
    return series_id, popularity if math.isfinite(popularity) else 0.0
