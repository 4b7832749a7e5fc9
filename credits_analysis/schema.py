"""The column contract, declared once.

Each table is a mapping of column name to pandas dtype. The same declaration builds empty frames,
casts parsed columns, and is what the tests and docstrings check against, so a column can never
silently change type (an empty season has every column with its dtype too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import pandas as pd

__all__ = [
    "CAST_COLUMNS",
    "CREW_COLUMNS",
    "EPISODE_COLUMNS",
    "EPISODE_CREDIT_COLUMNS",
    "EPISODE_CREDIT_KINDS",
    "EPISODE_TYPES",
    "GENDER_CATEGORIES",
    "GENDER_CODES",
    "GENDER_DTYPE",
    "INT64_MAX",
    "MAX_SEASONS",
    "SEARCH_COLUMNS",
    "SEASON_COLUMNS",
    "VALUE_RULES",
    "ValueRule",
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
        "series_name": STRING,
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

#: One row per episode of a season-details payload (``episodes[]``), in TMDB's order.
EPISODE_COLUMNS: Mapping[str, object] = MappingProxyType(
    {
        "series_id": "int64",
        "season_number": "int64",
        "episode_number": "Int64",
        "episode_id": "Int64",
        "name": STRING,
        "air_date": "datetime64[us]",
        "runtime": "Int64",
        "episode_type": STRING,
    }
)

#: The ``episode_type`` values TMDB documents; others are kept, with a DataQualityWarning.
EPISODE_TYPES: tuple[str, ...] = ("standard", "finale", "mid_season")
#: ``kind`` of an episode credit: a guest star (``guest_stars[]``) or crew (``crew[]``).
EPISODE_CREDIT_KINDS: tuple[str, ...] = ("guest", "crew")

#: One row per person-episode credit: a guest star's part or a crew member's job on one episode.
#: Regular cast are not listed per episode: TMDB credits them on the whole season (``cast``).
EPISODE_CREDIT_COLUMNS: Mapping[str, object] = MappingProxyType(
    {
        "series_id": "int64",
        "season_number": "int64",
        "episode_number": "Int64",
        "person_id": "int64",
        "credit_id": STRING,
        "name": STRING,
        "gender": GENDER_DTYPE,
        "kind": pd.CategoricalDtype(list(EPISODE_CREDIT_KINDS)),
        "character": STRING,
        "order": "Int64",
        "department": STRING,
        "job": STRING,
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


#: Largest whole number an int64 column holds; a larger JSON integer is refused, not wrapped.
INT64_MAX = 2**63 - 1
#: Most seasons a series' details may list: more is taken for a broken or hostile payload
#: (the longest-running series on TMDB list well under 100), since each is one request.
MAX_SEASONS = 200


@dataclass(frozen=True)
class ValueRule:
    """What a JSON value must be to enter a column: the coercion policy of one column.

    Attributes
    ----------
    kind
        ``integer``: a JSON integer (``true``/``false`` are not), within ``minimum``..INT64_MAX;
        ``number``: a JSON integer or a finite JSON number, at least ``minimum``;
        ``text``: a JSON string; ``flag``: ``true`` or ``false``.
    minimum
        Smallest value allowed for ``integer`` and ``number``.
    required
        Null (or a missing key) is refused; otherwise it gives <NA>.
    """

    kind: Literal["integer", "number", "text", "flag"]
    minimum: int = 0
    required: bool = False


_COUNT = ValueRule("integer")
_TEXT = ValueRule("text")
#: The rule of every column filled from a payload value: one declaration, applied by
#: :mod:`credits_analysis.tidy` to every payload (see its module docstring for the policy).
VALUE_RULES: Mapping[str, ValueRule] = MappingProxyType(
    {
        "season_number": ValueRule("integer", required=True),
        "season_id": _COUNT,
        "person_id": ValueRule("integer", required=True),
        "credit_id": ValueRule("text", required=True),
        "name": _TEXT,
        "original_name": _TEXT,
        "character": _TEXT,
        "department": _TEXT,
        "job": _TEXT,
        "air_date": _TEXT,  # YYYY-MM-DD; text that is no such date gives NaT
        "episode_count": _COUNT,
        "total_episode_count": _COUNT,
        "order": _COUNT,
        "known_for_department": _TEXT,
        "popularity": ValueRule("number"),
        "profile_path": _TEXT,
        "adult": ValueRule("flag"),
        "episode_number": _COUNT,
        "episode_id": _COUNT,
        "runtime": _COUNT,  # minutes
        "episode_type": _TEXT,
    }
)


def empty_frame(columns: Mapping[str, object]) -> pd.DataFrame:
    """Return a frame with no rows and every column of ``columns`` with its dtype."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})
