"""Season-details payloads to the episode tables. Pure: no I/O, no network, no global state.

A season is requested as ``/tv/{id}/season/{n}?append_to_response=aggregate_credits``: the
payload lists every episode (``episodes[]``, each with its ``crew[]`` and ``guest_stars[]``)
and carries the season's aggregate credits appended. :func:`aggregate_part` gives the
aggregate credits to :mod:`credits_analysis.tidy` (cast and crew), :func:`episode_tables` the
episodes and the person-episode credits.

Values follow the one coercion policy of :mod:`credits_analysis.tidy` (the rules of
:data:`credits_analysis.schema.VALUE_RULES`): a value that breaks its rule leaves that season's
episodes out, with a :class:`~credits_analysis.errors.DataQualityWarning`, while its cast and
crew stay. Regular cast are not in the episode tables: TMDB credits them on the whole season
(they are in ``cast``), and lists per episode only its crew and its guest stars.

Repaired or kept, each with a DataQualityWarning naming the season and episode:

- an episode with a null (or unreadable) ``air_date`` is kept, its date NaT;
- an episode number listed twice: both episodes are kept, as listed;
- an episode with no crew is kept (its director and writer are then unknown);
- a guest star who is also in the season's regular cast (credited on every episode in the
  aggregate credits) is kept as a guest credit;
- an ``episode_type`` other than ``standard``, ``finale`` or ``mid_season`` is kept as given;
- a season-details payload whose appended ``aggregate_credits`` is missing or null keeps its
  episodes; its cast and crew are then empty;
- ``episodes`` missing or not a list: the season has no episodes in the tables.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from credits_analysis import tidy
from credits_analysis.errors import DataQualityWarning, PayloadError
from credits_analysis.schema import (
    EPISODE_COLUMNS,
    EPISODE_CREDIT_COLUMNS,
    EPISODE_TYPES,
    empty_frame,
)
from credits_analysis.tidy import _all_or_each, _column, _genders, _no_empty

__all__ = ["aggregate_part", "episode_tables", "is_season_details"]


def is_season_details(payload: Any) -> bool:
    """Whether ``payload`` is shaped as a season's details (it has an ``episodes`` key)."""
    return isinstance(payload, Mapping) and "episodes" in payload


def aggregate_part(payload: Any, *, series_id: int, season_number: int) -> Any:
    """The aggregate credits a season payload holds, for :func:`credits_analysis.tidy` to parse.

    A season-details payload gives its appended ``aggregate_credits``; one where that is
    missing or null gives empty credits, with a :class:`DataQualityWarning` (its episodes are
    kept). Any other payload is given back as it is (the aggregate-credits endpoint's own
    payload, or something :mod:`credits_analysis.tidy` then refuses).
    """
    if not is_season_details(payload) or "cast" in payload or "crew" in payload:
        return payload
    appended = payload.get("aggregate_credits")
    if appended is None:
        state = "null" if "aggregate_credits" in payload else "missing"
        _warn(
            f"series {series_id} season {season_number}: the appended 'aggregate_credits' is "
            f"{state}; its episodes are kept, its cast and crew tables are empty"
        )
        return {"cast": [], "crew": []}
    return payload


def episode_tables(
    seasons: Mapping[int, Mapping[str, Any]],
    *,
    series_id: int,
    cast: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The episodes and person-episode credits of season-details payloads.

    Parameters
    ----------
    seasons
        ``{season_number: season-details payload}`` (``/tv/{series_id}/season/{n}``), in the
        order the rows should come.
    series_id
        The series they belong to.
    cast
        The seasons' cast (:func:`credits_analysis.tidy.cast_roles_by_season` of their
        aggregate credits), to tell guest stars who are also regulars; None parses it from
        the payloads.

    Returns
    -------
    tuple[pandas.DataFrame, pandas.DataFrame]
        The episodes, one row per episode listed, in TMDB's order:

        ==============  ==============  ================================================
        series_id       int64           TMDB series id
        season_number   int64           0 = Specials
        episode_number  Int64           as listed (a number listed twice stays twice)
        episode_id      Int64           TMDB episode id
        name            string          episode title
        air_date        datetime64[us]  NaT when TMDB has none
        runtime         Int64           minutes
        episode_type    string          ``standard``, ``finale``, ``mid_season``...
        ==============  ==============  ================================================

        and the credits, one row per person-episode credit (each episode's guest stars, then
        its crew, in TMDB's order):

        ==============  ==========  ==================================================
        series_id       int64       TMDB series id
        season_number   int64       0 = Specials
        episode_number  Int64       the episode credited
        person_id       int64       TMDB person id
        credit_id       string      id of this credit
        name            string      as TMDB returns it for the requested language
        gender          category    female, male, non-binary, not set
        kind            category    ``guest`` (``guest_stars[]``) or ``crew``
        character       string      a guest's part; <NA> for crew or where TMDB has ""
        order           Int64       a guest's billing index; <NA> for crew
        department      string      a crew member's department; <NA> for guests
        job             string      a crew member's job; <NA> for guests or ""
        ==============  ==========  ==================================================

        Regular cast are not listed: TMDB credits them on every episode of their seasons.

    Warns
    -----
    DataQualityWarning
        For each repair or oddity listed in the module docstring, naming the season and the
        episode; and for a season whose episodes are left out (a value breaking the policy).
    """
    parsed = []
    for number, payload in seasons.items():
        try:
            parsed.append(_Season.parse(payload, series_id=series_id, season_number=number))
        except PayloadError as exc:
            _left_out(series_id, number, exc)
    # One conversion for the whole series; only when a value breaks its rule is each season
    # converted alone, to name and leave out the bad ones.
    frames = _all_or_each(
        lambda parts: _frames(list(parts.values()), series_id),
        {season.number: season for season in parsed},
        lambda _, season: _frames([season], series_id),
        lambda number, exc: _left_out(series_id, number, exc),
    )
    if cast is None:
        cast = tidy.cast_roles_by_season(
            {
                n: aggregate_part(p, series_id=series_id, season_number=n)
                for n, p in seasons.items()
            },
            series_id=series_id,
        )
    _warn_regular_guests(*frames, cast, series_id)
    return frames


@dataclass
class _Season:
    """One season's episodes, guest stars and crew as listed, their shapes checked."""

    number: int
    episodes: list[Any] = field(default_factory=list)
    guests: list[Any] = field(default_factory=list)
    guest_counts: list[int] = field(default_factory=list)
    crew: list[Any] = field(default_factory=list)
    crew_counts: list[int] = field(default_factory=list)

    @classmethod
    def parse(cls, payload: Any, *, series_id: int, season_number: int) -> _Season:
        """The season's lists; raises PayloadError if they are not shaped as TMDB's.

        A credit that is not an object is found when the columns are read (:func:`_fields`).
        """
        season = cls(season_number)
        listed = payload.get("episodes") if isinstance(payload, Mapping) else None
        if not isinstance(listed, list):
            raise PayloadError(
                f"'episodes' is {'missing' if listed is None else type(listed).__name__}, "
                "not a list"
            )
        place = f"series {series_id} season {season_number}"
        seen: dict[Any, int] = {}
        for index, episode in enumerate(listed):
            if not isinstance(episode, Mapping):
                raise PayloadError(f"episodes[{index}] is a {type(episode).__name__}")
            for key, people, counts in (
                ("guest_stars", season.guests, season.guest_counts),
                ("crew", season.crew, season.crew_counts),
            ):
                found = episode.get(key) or []
                if not isinstance(found, list):
                    raise PayloadError(f"episodes[{index}].{key} must be a list")
                people.extend(found)
                counts.append(len(found))
            _check(episode, index, seen, place)
        season.episodes = listed
        return season


def _check(episode: Mapping[str, Any], index: int, seen: dict[Any, int], place: str) -> None:
    """Warn about what is kept as it is (see the module docstring); ``seen`` notes numbers."""
    number = episode.get("episode_number")
    where = f"{place} episode {number}"
    if number in seen:
        _warn(
            f"{place}: episode number {number} is listed twice (episodes[{seen[number]}] "
            f"and episodes[{index}]); both are kept"
        )
    seen.setdefault(number, index)
    if not episode.get("crew"):
        _warn(f"{where} lists no crew; its director and writer are unknown")
    kind = episode.get("episode_type")
    if kind is not None and kind not in EPISODE_TYPES:
        _warn(
            f"{where} has episode_type {kind!r:.40}, not one of {', '.join(EPISODE_TYPES)}; "
            "kept as given"
        )


def _warn_regular_guests(
    episodes: pd.DataFrame, credits: pd.DataFrame, cast: pd.DataFrame, series_id: int
) -> None:
    """Warn about each guest star credited on every episode of the season in ``cast``."""
    listed = episodes.groupby("season_number").size().rename("listed")
    regulars = cast.merge(listed, left_on="season_number", right_index=True)
    regulars = regulars.loc[
        regulars["episode_count"] == regulars["listed"], ["season_number", "person_id"]
    ]
    if regulars.empty:
        return
    guests = credits[credits["kind"] == "guest"]
    both = guests.merge(
        regulars.drop_duplicates().astype("int64"), on=["season_number", "person_id"]
    )
    for row in both.itertuples():
        _warn(
            f"series {series_id} season {row.season_number} episode {row.episode_number}: guest "
            f"star {row.name!r} (person {row.person_id}) is also in the season's regular cast; "
            "kept as a guest credit"
        )


def _frames(seasons: Sequence[_Season], series_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables of ``seasons``; raises PayloadError if a value breaks its rule."""
    episodes = [e for s in seasons for e in s.episodes]
    if not episodes:
        return empty_frame(EPISODE_COLUMNS), empty_frame(EPISODE_CREDIT_COLUMNS)
    where = "episodes[]"
    numbers, ids, names, dates, runtimes, kinds = _fields(episodes, _EPISODE_FIELDS, where)
    season_of = np.repeat(
        np.array([s.number for s in seasons], dtype="int64"), [len(s.episodes) for s in seasons]
    )
    numbers = _column(numbers, "episode_number", f"{where}.episode_number")
    dates = _column(_blank_is_null(dates), "air_date", f"{where}.air_date")
    table = pd.DataFrame(
        {
            "series_id": np.full(len(episodes), series_id, dtype="int64"),
            "season_number": season_of,
            "episode_number": numbers,
            "episode_id": _column(ids, "episode_id", f"{where}.id"),
            "name": _column(names, "name", f"{where}.name"),
            "air_date": pd.to_datetime(dates, errors="coerce", format="%Y-%m-%d").as_unit("us"),
            "runtime": _column(runtimes, "runtime", f"{where}.runtime"),
            "episode_type": _column(_blank_is_null(kinds), "episode_type", f"{where}.episode_type"),
        }
    )
    _warn_undated(table, episodes, series_id)
    return table, _credits(seasons, numbers, season_of, series_id)


def _credits(
    seasons: Sequence[_Season], numbers: Any, season_of: np.ndarray, series_id: int
) -> pd.DataFrame:
    guests = [g for s in seasons for g in s.guests]
    crew = [c for s in seasons for c in s.crew]
    n = len(guests) + len(crew)
    if n == 0:
        return empty_frame(EPISODE_CREDIT_COLUMNS)
    # Each credit's episode, as an index into the episodes, for the numbers and the row order.
    episode_index = np.arange(len(season_of))
    guest_of = np.repeat(episode_index, [c for s in seasons for c in s.guest_counts])
    crew_of = np.repeat(episode_index, [c for s in seasons for c in s.crew_counts])
    of = np.concatenate([guest_of, crew_of])
    kind = np.concatenate([np.zeros(len(guests), np.int8), np.ones(len(crew), np.int8)])
    g_where, c_where = "episodes[].guest_stars[]", "episodes[].crew[]"
    g_id, g_credit, g_name, g_gender, character, order = _fields(guests, _GUEST_FIELDS, g_where)
    c_id, c_credit, c_name, c_gender, department, job = _fields(crew, _CREW_FIELDS, c_where)
    where = f"{g_where} and {c_where}"
    data = {
        "series_id": np.full(n, series_id, dtype="int64"),
        "season_number": season_of[of],
        "episode_number": numbers.take(of),
        "person_id": _column(g_id + c_id, "person_id", f"{where}.id"),
        "credit_id": _column(g_credit + c_credit, "credit_id", f"{where}.credit_id"),
        "name": _column(g_name + c_name, "name", f"{where}.name"),
        "gender": _genders(g_gender + c_gender, "episode credit"),
        "kind": pd.Categorical.from_codes(kind, dtype=EPISODE_CREDIT_COLUMNS["kind"]),
        "character": _padded(
            _column(list(map(_no_empty, character)), "character", f"{g_where}.character"),
            after=len(crew),
        ),
        "order": _padded(_column(order, "order", f"{g_where}.order"), after=len(crew)),
        "department": _padded(
            _column(department, "department", f"{c_where}.department"), before=len(guests)
        ),
        "job": _padded(
            _column(list(map(_no_empty, job)), "job", f"{c_where}.job"), before=len(guests)
        ),
    }
    frame = pd.DataFrame(data)
    # Guests were gathered before crew: put each episode's back together, TMDB's order kept.
    return frame.take(np.lexsort((kind, of))).reset_index(drop=True)


_EPISODE_FIELDS = ("episode_number", "id", "name", "air_date", "runtime", "episode_type")
_GUEST_FIELDS = ("id", "credit_id", "name", "gender", "character", "order")
_CREW_FIELDS = ("id", "credit_id", "name", "gender", "department", "job")


def _fields(items: list[Any], keys: tuple[str, ...], where: str) -> list[Any]:
    """The values of ``keys`` in each of ``items``, one tuple per key (None where missing).

    One pass over the items, which are scattered in memory: reading all the keys of one item
    at once is much faster than one pass per key. Raises PayloadError for an item that is not
    an object.
    """
    if not items:
        return [()] * len(keys)
    try:
        rows = list(map(itemgetter(*keys), items))
    except (KeyError, TypeError):
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                kind = type(item).__name__
                raise PayloadError(f"{where} item {index} is a {kind}, not an object") from None
        rows = [tuple(item.get(k) for k in keys) for item in items]
    return list(zip(*rows, strict=True))


def _blank_is_null(values: Any) -> list[Any]:
    return [v or None for v in values]


def _padded(values: Any, *, before: int = 0, after: int = 0) -> Any:
    """The nullable array ``values`` with ``before`` and ``after`` missing values around it."""
    parts = [
        values._from_sequence([None] * before, dtype=values.dtype),
        values,
        values._from_sequence([None] * after, dtype=values.dtype),
    ]
    return type(values)._concat_same_type(parts)


def _warn_undated(table: pd.DataFrame, episodes: list[Mapping[str, Any]], series_id: int) -> None:
    for index in np.flatnonzero(table["air_date"].isna().to_numpy()):
        episode = episodes[index]
        _warn(
            f"series {series_id} season {table['season_number'].iat[index]} episode "
            f"{episode.get('episode_number')} has no air date ({episode.get('air_date')!r:.40}); "
            "it is kept, its air_date NaT"
        )


def _left_out(series_id: int, number: int, exc: PayloadError) -> None:
    _warn(
        f"series {series_id} season {number}: its episodes are left out: {exc}; its cast and "
        "crew are kept"
    )


def _warn(message: str) -> None:
    # Given while loading: the loader re-emits them where the user called it.
    warnings.warn(message, DataQualityWarning, stacklevel=3)
