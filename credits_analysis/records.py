"""What loading gives: :class:`SeriesCredits` for a series, :class:`SeriesOutcome` in a stream.

Plain records, built by :mod:`credits_analysis.load`; importable without it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["SeriesCredits", "SeriesOutcome"]


@dataclass(eq=False, repr=False)
class SeriesCredits:
    """Every loaded season of a series, as tidy tables, with the raw payloads they came from.

    Attributes
    ----------
    series_id : int
        The TMDB series id.
    name : str | None
        The series name from its details.
    language : str
        The language the details were served in: the one asked for, unless bundled data in
        another language stood in (the demo series exist in ``en-US`` only).
    details : dict | None
        The raw ``/tv/{series_id}`` payload; None only in the ``.partial`` of an error raised
        because the details failed.
    seasons : pandas.DataFrame
        One row per loaded season (see :func:`credits_analysis.tidy.seasons`), with the
        ``language`` it was served in, the ``fetched_at`` (NaT when unknown) and the ``source``
        (``network``, ``cache``, ``bundled`` for the real samples shipped with the package, or
        ``synthetic`` for the generated demo series) of that season's credits.
    cast, crew : pandas.DataFrame
        The loaded seasons' :func:`~credits_analysis.tidy.cast_roles` and
        :func:`~credits_analysis.tidy.crew_jobs`, concatenated; empty with every column when no
        season loaded.
    payloads : dict[int, dict]
        Season number to its raw aggregate-credits payload.
    failures : dict[int, Exception]
        Season number to the error that kept it out (empty when everything loaded).
    is_synthetic : bool
        True for generated data (the bundled demo series), never for TMDB's.
    """

    series_id: int
    name: str | None
    language: str
    details: dict[str, Any] | None
    seasons: pd.DataFrame
    cast: pd.DataFrame
    crew: pd.DataFrame
    payloads: dict[int, dict[str, Any]] = field(default_factory=dict)
    failures: dict[int, Exception] = field(default_factory=dict)
    is_synthetic: bool = False

    def __repr__(self) -> str:
        sources = self.seasons["source"].value_counts(dropna=False).to_dict()
        failed = {n: type(exc).__name__ for n, exc in self.failures.items()}
        return (
            f"SeriesCredits(series_id={self.series_id}, name={self.name!r}, "
            f"language={self.language!r}, seasons={list(self.payloads)}, "
            f"cast={len(self.cast)} rows, crew={len(self.crew)} rows, sources={sources}, "
            f"failures={failed}, is_synthetic={self.is_synthetic})"
        )


@dataclass(frozen=True, repr=False)
class SeriesOutcome:
    """What loading one series of :func:`iter_series` gave.

    Attributes
    ----------
    series_id : int
        The TMDB series id.
    credits : SeriesCredits | None
        What :func:`load_series` would have returned; None when the series failed as a whole.
    error : Exception | None
        What :func:`load_series` would have raised (with its ``.partial``); None on success.
    warnings : tuple[warnings.WarningMessage, ...]
        What :func:`load_series` would have warned: partial loads, stale or bundled data
        standing in, data quality.
    requests : int
        API paths asked of TMDB for this series (0 when everything came from the cache or the
        bundled data; each path counted once, however many attempts it took).
    """

    series_id: int
    credits: SeriesCredits | None
    error: Exception | None
    warnings: tuple[warnings.WarningMessage, ...]
    requests: int

    def __repr__(self) -> str:
        error = None if self.error is None else type(self.error).__name__
        kinds = [w.category.__name__ for w in self.warnings]
        return (
            f"SeriesOutcome(series_id={self.series_id}, loaded={self.credits is not None}, "
            f"error={error}, warnings={kinds}, requests={self.requests})"
        )
