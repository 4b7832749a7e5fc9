"""Cast and crew frames for the analysis and chart tests.

Hand-made frames go through the real parsers (payload -> :mod:`credits_analysis.tidy`), so they
have exactly the contract's columns and dtypes; the demo series is the bundled generator's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from credits_analysis import SeriesCredits, demo, load_series, tidy
from credits_analysis.schema import GENDER_CODES

DEMO_ID = 9000001
_GENDER_CODE = {label: code for code, label in GENDER_CODES.items()}


@dataclass(frozen=True)
class Credit:
    """One role (cast) or job (crew) of a person in a season."""

    person: int
    episodes: int
    role: str | None = "Role"  # the character (cast) or the job (crew)
    gender: str = "male"
    department: str = "Directing"  # crew only
    popularity: float = 1.0
    name: str | None = None


def cast_frame(seasons: Mapping[int, Sequence[Credit]], *, series_id: int = 1) -> pd.DataFrame:
    """A tidy cast frame with the given credits, season by season."""
    payloads = {
        season: {"id": 1, "cast": _people(credits, season, crew=False), "crew": []}
        for season, credits in seasons.items()
    }
    return tidy.cast_roles_by_season(payloads, series_id=series_id)


def crew_frame(seasons: Mapping[int, Sequence[Credit]], *, series_id: int = 1) -> pd.DataFrame:
    """A tidy crew frame: one TMDB crew entry per person and department, as the API has it."""
    payloads = {
        season: {"id": 1, "cast": [], "crew": _people(credits, season, crew=True)}
        for season, credits in seasons.items()
    }
    return tidy.crew_jobs_by_season(payloads, series_id=series_id)


@cache
def _demo() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    details, payloads = demo.generate_series(DEMO_ID, **demo.DEMO_SERIES[DEMO_ID])
    cast = tidy.cast_roles_by_season(payloads, series_id=DEMO_ID)
    crew = tidy.crew_jobs_by_season(payloads, series_id=DEMO_ID)
    return tidy.seasons(details), cast, crew


def demo_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Seasons, cast and crew of the bundled 8-season demo series (copies: safe to modify)."""
    return tuple(frame.copy() for frame in _demo())  # type: ignore[return-value]


def load_demo_series(cache_dir: Path) -> list[SeriesCredits]:
    """Both bundled demo series as ``load_series(..., offline=True)`` gives them.

    For module-scoped fixtures, which run before conftest's per-test environment: no token,
    and ``cache_dir`` (empty) as the cache.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("TMDB_", "CREDITS_ANALYSIS_")):
                patch.delenv(name)
        patch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(cache_dir))
        return [load_series(series_id, offline=True) for series_id in demo.DEMO_SERIES]


def _people(credits: Sequence[Credit], season: int, *, crew: bool) -> list[dict[str, Any]]:
    entries: dict[tuple[int, str | None], dict[str, Any]] = {}
    for index, credit in enumerate(credits):
        key = (credit.person, credit.department if crew else None)
        entry = entries.setdefault(
            key,
            {
                "adult": False,
                "gender": _GENDER_CODE[credit.gender],
                "id": credit.person,
                "known_for_department": "Acting",
                "name": credit.name or f"Person {credit.person}",
                "original_name": credit.name or f"Person {credit.person}",
                "popularity": credit.popularity,
                "profile_path": None,
                "jobs" if crew else "roles": [],
                "total_episode_count": 0,
                **({"department": credit.department} if crew else {"order": index}),
            },
        )
        entry["jobs" if crew else "roles"].append(
            {
                "credit_id": f"s{season}-p{credit.person}-{index}",
                "job" if crew else "character": credit.role,
                "episode_count": credit.episodes,
            }
        )
        entry["total_episode_count"] += credit.episodes
    return list(entries.values())
