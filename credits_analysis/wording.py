"""Seasons, years and failures in words, for people: shared by describe, the notebooks and the CLI.

Plain string functions over season numbers and exceptions; the module itself imports nothing
but :mod:`credits_analysis.errors` (no pandas, no plotly), so anything can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from credits_analysis.errors import (
    AuthError,
    NetworkError,
    NotFoundError,
    OfflineMissError,
    PayloadError,
    RateLimitedError,
    ServerError,
    TMDBError,
)

__all__ = [
    "SPECIALS_LABEL",
    "SPECIALS_SEASON",
    "failure_reason",
    "failures_by_reason",
    "season_label",
    "season_ranges",
    "seasons_phrase",
    "year_span",
]

#: Season number TMDB gives the Specials.
SPECIALS_SEASON = 0
#: What season 0 is called wherever a reader sees it (tables, axes, sentences).
SPECIALS_LABEL = "Specials"

# Most specific first: BadResponseError is both a TMDBError and a PayloadError.
_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (OfflineMissError, "not in the local cache, and nothing could be fetched (offline mode or "
     "no TMDB token)"),
    (NotFoundError, "not found on TMDB"),
    (AuthError, "TMDB rejected the token"),
    (RateLimitedError, "TMDB kept refusing requests (rate limit)"),
    (ServerError, "TMDB kept failing (server errors)"),
    (NetworkError, "TMDB could not be reached"),
    (PayloadError, "their data is malformed"),
    (TMDBError, "TMDB refused the request"),
)  # fmt: skip


def season_label(season_number: int) -> str:
    """Short label of a season: ``"Specials"`` for 0, else ``"S1"``, ``"S2"``, ...

    The prefix keeps plotly from reading the labels as numbers, so an axis stays categorical.
    """
    return SPECIALS_LABEL if season_number == SPECIALS_SEASON else f"S{season_number}"


def season_ranges(numbers: Iterable[int]) -> str:
    """``[0, 1, 2, 3, 5]`` -> ``"Specials, 1-3, 5"`` (with an en dash); ``"none"`` when empty."""
    numbers = sorted(set(numbers))
    parts = [SPECIALS_LABEL] if SPECIALS_SEASON in numbers else []
    parts += _runs([n for n in numbers if n != SPECIALS_SEASON])
    return ", ".join(parts) if parts else "none"


def seasons_phrase(numbers: Iterable[int], *, capital: bool = False) -> str:
    """``[2, 3, 4, 6]`` -> ``"seasons 2-4 and 6"``; ``[0, 5]`` -> ``"Specials and season 5"``."""
    numbers = sorted(set(numbers))
    runs = _runs([n for n in numbers if n != SPECIALS_SEASON])
    parts = [SPECIALS_LABEL] if SPECIALS_SEASON in numbers else []
    if runs:
        plural = len(runs) > 1 or "\u2013" in runs[0]
        listed = runs[0] if len(runs) == 1 else f"{', '.join(runs[:-1])} and {runs[-1]}"
        parts.append(f"{'seasons' if plural else 'season'} {listed}")
    phrase = " and ".join(parts)
    return phrase[:1].upper() + phrase[1:] if capital else phrase


def year_span(first: int, last: int) -> str:
    """``2016`` for one year, ``2010-2016`` for several."""
    return str(first) if first == last else f"{first}-{last}"


def failures_by_reason(failures: Mapping[int, Exception]) -> dict[str, list[int]]:
    """Failed season numbers grouped by :func:`failure_reason`, in season order."""
    grouped: dict[str, list[int]] = {}
    for number, error in sorted(failures.items()):
        grouped.setdefault(failure_reason(error), []).append(number)
    return grouped


def failure_reason(error: Exception) -> str:
    """Why a season failed, in words that complete "could not be loaded: ..."."""
    return next((text for kind, text in _REASONS if isinstance(error, kind)), "an unexpected error")


def _runs(numbers: Sequence[int]) -> list[str]:
    """``[1, 2, 3, 5]`` (sorted) -> ``["1-3", "5"]`` (en dashes)."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return [f"{run[0]}" if len(run) == 1 else f"{run[0]}\u2013{run[-1]}" for run in runs]
