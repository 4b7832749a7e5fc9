"""What loading gives: :class:`SeriesCredits` for a series, :class:`SeriesOutcome` in a stream.

Plain records, built by :mod:`credits_analysis.load`; importable without it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from credits_analysis.schema import EPISODE_COLUMNS, EPISODE_CREDIT_COLUMNS, empty_frame
from credits_analysis.wording import seasons_phrase

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
        Season number to its raw payload: the season's details with its aggregate credits
        appended (``aggregate_credits``), or the aggregate credits alone where they came from
        a cache entry of an earlier version or a recorded sample.
    failures : dict[int, Exception]
        Season number to the error that kept it out (empty when everything loaded).
    is_synthetic : bool
        True for generated data (the bundled demo series), never for TMDB's.
    episodes, episode_credits : pandas.DataFrame
        One row per episode, and one per person-episode credit (guest stars and crew), of the
        loaded seasons that came with their episodes (see
        :func:`credits_analysis.episode_tidy.episode_tables`). Regular cast are not there:
        TMDB credits them on every episode of their seasons (they are in ``cast``).
    without_episodes : list[int]
        Loaded seasons whose episodes are absent: their credits came without them (a cache
        entry of the aggregate credits alone, stored by an earlier version, or a recorded
        sample). :attr:`episodes_note` says it in words.
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
    episodes: pd.DataFrame = field(default_factory=lambda: empty_frame(EPISODE_COLUMNS))
    episode_credits: pd.DataFrame = field(
        default_factory=lambda: empty_frame(EPISODE_CREDIT_COLUMNS)
    )
    without_episodes: list[int] = field(default_factory=list)

    @property
    def episodes_note(self) -> str | None:
        """A sentence saying which loaded seasons have no episode data, and why; None if none."""
        if not self.without_episodes:
            return None
        which = seasons_phrase(self.without_episodes, capital=True)
        its = "its" if len(self.without_episodes) == 1 else "their"
        return (
            f"{which} came without {its} episodes: {its} credits were cached before episodes "
            "were loaded, or are a recorded sample of the aggregate credits alone; a refresh "
            "from TMDB brings the episodes."
        )

    def __repr__(self) -> str:
        sources = self.seasons["source"].value_counts(dropna=False).to_dict()
        failed = {n: type(exc).__name__ for n, exc in self.failures.items()}
        return (
            f"SeriesCredits(series_id={self.series_id}, name={self.name!r}, "
            f"language={self.language!r}, seasons={list(self.payloads)}, "
            f"cast={len(self.cast)} rows, crew={len(self.crew)} rows, "
            f"episodes={len(self.episodes)} rows, sources={sources}, "
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
        Requests sent to TMDB for this series, each attempt counted, retries too (0 when
        everything came from the cache or the bundled data).
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
