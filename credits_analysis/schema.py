"""The column contract, declared once.

Each table is a mapping of column name to pandas dtype. The same declaration builds empty frames,
casts parsed columns, and is what the tests and docstrings check against, so a column can never
silently change type (an empty season has every column with its dtype too).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

__all__ = [
    "CAST_COLUMNS",
    "CREW_COLUMNS",
    "GENDER_CATEGORIES",
    "GENDER_CODES",
    "GENDER_DTYPE",
    "SEARCH_COLUMNS",
    "SEASON_COLUMNS",
    "empty_frame",
]

#: TMDB gender codes and the labels used in every table and chart.
GENDER_CODES: Mapping[int, str] = MappingProxyType(
    {0: "not set", 1: "female", 2: "male", 3: "non-binary"}
)
#: Category order used everywhere (tables, legends, stacking).
GENDER_CATEGORIES: tuple[str, ...] = ("female", "male", "non-binary", "not set")
GENDER_DTYPE = pd.CategoricalDtype(list(GENDER_CATEGORIES), ordered=False)

STRING = pd.StringDtype()

_KEY_COLUMNS = {
    "series_id": "int64",
    "season_number": "Int64",  # <NA> for a whole-run /tv/{id}/aggregate_credits payload
    "person_id": "int64",
    "credit_id": STRING,
    "name": STRING,
    "original_name": STRING,
}
_PERSON_COLUMNS = {
    "gender": GENDER_DTYPE,
    "known_for_department": STRING,
    "popularity": "float64",
    "profile_path": STRING,
    "adult": "boolean",
}

#: One row per (series_id, season_number, person_id, credit_id).
CAST_COLUMNS: Mapping[str, object] = MappingProxyType(
    {
        **_KEY_COLUMNS,
        "character": STRING,
        "episode_count": "Int64",
        "total_episode_count": "Int64",
        "order": "Int64",
        **_PERSON_COLUMNS,
    }
)

#: One row per (series_id, season_number, person_id, department, credit_id).
CREW_COLUMNS: Mapping[str, object] = MappingProxyType(
    {
        **_KEY_COLUMNS,
        "department": STRING,
        "job": STRING,
        "episode_count": "Int64",
        "total_episode_count": "Int64",
        **_PERSON_COLUMNS,
    }
)

#: One row per season listed by ``/tv/{id}``.
SEASON_COLUMNS: Mapping[str, object] = MappingProxyType(
    {
        "series_id": "int64",
        "season_number": "int64",
        "season_id": "Int64",
        "name": STRING,
        "air_date": "datetime64[us]",
        "episode_count": "Int64",
        "language": STRING,
        "fetched_at": "datetime64[us, UTC]",
        "source": STRING,
    }
)

#: One row per series found by ``/search/tv`` or ``/discover/tv``, in TMDB's order.
#: ``origin_country`` holds TMDB's list of ISO 3166-1 codes joined with ", " (``"US, GB"``;
#: <NA> when empty) so the column stays a plain string in CSV and Parquet alike.
SEARCH_COLUMNS: Mapping[str, object] = MappingProxyType(
    {
        "series_id": "int64",
        "name": STRING,
        "original_name": STRING,
        "first_air_date": "datetime64[us]",
        "origin_country": STRING,
        "original_language": STRING,
        "popularity": "float64",
        "vote_count": "Int64",
        "overview": STRING,
    }
)


def empty_frame(columns: Mapping[str, object]) -> pd.DataFrame:
    """Return a frame with no rows and every column of ``columns`` with its dtype."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})
