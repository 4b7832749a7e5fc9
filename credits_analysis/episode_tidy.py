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
from typing import Any

import numpy as np
import pandas as pd

from credits_analysis.errors import DataQualityWarning, PayloadError
from credits_analysis.schema import (
    EPISODE_COLUMNS,
    EPISODE_CREDIT_COLUMNS,
    EPISODE_TYPES,
    empty_frame,
)
from credits_analysis.tidy import _column, _genders

__all__ = ["aggregate_part", "episode_tables", "is_season_details"]

_NO_CREDITS: Mapping[str, Any] = {"cast": [], "crew": []}


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
        return _NO_CREDITS
    return payload


def episode_tables(
    seasons: Mapping[int, Mapping[str, Any]], *, series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The episodes and person-episode credits of season-details payloads.

    Parameters
    ----------
    seasons
        ``{season_number: season-details payload}`` (``/tv/{series_id}/season/{n}``), in the
        order the rows should come.
    series_id
        The series they belong to.

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
        its crew):

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
            _warn(
                f"series {series_id} season {number}: its episodes are left out: {exc}; its "
                "cast and crew are kept"
            )
    return _episodes_frame(parsed, series_id), _credits_frame(parsed, series_id)


class _Season:
    """One season's episodes and credits as plain lists, checked against the policy."""

    def __init__(self, season_number: int) -> None:
        self.number = season_number
        self.episodes: list[Mapping[str, Any]] = []
        self.credits: list[tuple[int | None, str, Mapping[str, Any]]] = []  # (episode, kind, c)
        self.columns: dict[str, Any] = {}
        self.credit_columns: dict[str, Any] = {}

    @classmethod
    def parse(cls, payload: Any, *, series_id: int, season_number: int) -> _Season:
        season = cls(season_number)
        place = f"series {series_id} season {season_number}"
        listed = payload.get("episodes") if isinstance(payload, Mapping) else None
        if not isinstance(listed, list):
            raise PayloadError(
                f"'episodes' is {'missing' if listed is None else type(listed).__name__}, "
                "not a list"
            )
        for index, episode in enumerate(listed):
            if not isinstance(episode, Mapping):
                raise PayloadError(f"episodes[{index}] is a {type(episode).__name__}")
            season.episodes.append(episode)
            for kind, key in (("guest", "guest_stars"), ("crew", "crew")):
                people = episode.get(key) or []
                if not isinstance(people, list) or not all(isinstance(p, Mapping) for p in people):
                    raise PayloadError(f"episodes[{index}].{key} must be a list of objects")
                season.credits.extend((episode.get("episode_number"), kind, p) for p in people)
        season._check(place, _regulars(payload, len(listed)))
        season._convert()
        for index in np.flatnonzero(pd.isna(season.columns["air_date"])):
            episode = season.episodes[index]
            _warn(
                f"{place} episode {episode.get('episode_number')} has no air date "
                f"({episode.get('air_date')!r:.40}); it is kept, its air_date NaT"
            )
        return season

    def _check(self, place: str, regulars: set[int]) -> None:
        """Warn about what is kept as it is: see the module docstring."""
        seen: dict[Any, int] = {}
        for index, episode in enumerate(self.episodes):
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
                    f"{where} has episode_type {kind!r:.40}, not one of "
                    f"{', '.join(EPISODE_TYPES)}; kept as given"
                )
            for guest in episode.get("guest_stars") or []:
                if guest.get("id") in regulars:
                    _warn(
                        f"{where}: guest star {guest.get('name')!r} (person {guest.get('id')}) is "
                        "also in the season's regular cast; kept as a guest credit"
                    )

    def _convert(self) -> None:
        """Every column of this season, each checked against its rule (raises PayloadError)."""
        where = f"season {self.number} episodes[]"
        episodes = self.episodes
        self.columns = {
            "episode_number": _column(
                [e.get("episode_number") for e in episodes],
                "episode_number",
                f"{where}.episode_number",
            ),
            "episode_id": _column([e.get("id") for e in episodes], "episode_id", f"{where}.id"),
            "name": _column([e.get("name") for e in episodes], "name", f"{where}.name"),
            "air_date": pd.to_datetime(
                _column(
                    [e.get("air_date") or None for e in episodes], "air_date", f"{where}.air_date"
                ),
                errors="coerce",
                format="%Y-%m-%d",
            ).as_unit("us"),
            "runtime": _column([e.get("runtime") for e in episodes], "runtime", f"{where}.runtime"),
            "episode_type": _column(
                [e.get("episode_type") or None for e in episodes],
                "episode_type",
                f"{where}.episode_type",
            ),
        }
        credits = self.credits
        people = [c for _, _, c in credits]
        guest = [kind == "guest" for _, kind, _ in credits]

        def field(key: str, only: bool | None = None) -> Any:
            values = [
                c.get(key) if only is None or g == only else None
                for c, g in zip(people, guest, strict=True)
            ]
            if key in ("character", "job"):  # "" is unknown, as in the cast and crew tables
                values = [None if v == "" else v for v in values]
            return _column(values, key, f"{where}.credits[].{key}")

        self.credit_columns = {
            "episode_number": _column(
                [n for n, _, _ in credits], "episode_number", f"{where}.episode_number"
            ),
            "person_id": _column([c.get("id") for c in people], "person_id", f"{where}[].id"),
            "credit_id": field("credit_id"),
            "name": field("name"),
            "gender": [c.get("gender") for c in people],
            "kind": np.where(guest, 0, 1).astype(np.int8),
            "character": field("character", only=True),
            "order": field("order", only=True),
            "department": field("department", only=False),
            "job": field("job", only=False),
        }


def _regulars(payload: Mapping[str, Any], episodes: int) -> set[int]:
    """People of the appended aggregate cast credited on every one of the season's episodes."""
    appended = payload.get("aggregate_credits")
    cast = appended.get("cast") if isinstance(appended, Mapping) else None
    if not isinstance(cast, list) or episodes == 0:
        return set()
    return {
        person.get("id")
        for person in cast
        if isinstance(person, Mapping)
        and any(
            isinstance(role, Mapping) and role.get("episode_count") == episodes
            for role in person.get("roles") or []
        )
    }


def _episodes_frame(seasons: Sequence[_Season], series_id: int) -> pd.DataFrame:
    n = sum(len(s.episodes) for s in seasons)
    if n == 0:
        return empty_frame(EPISODE_COLUMNS)
    data: dict[str, Any] = {
        "series_id": np.full(n, series_id, dtype="int64"),
        "season_number": np.repeat(
            np.array([s.number for s in seasons], dtype="int64"), [len(s.episodes) for s in seasons]
        ),
    }
    for column in EPISODE_COLUMNS:
        if column in data:
            continue
        parts = [s.columns[column] for s in seasons if s.episodes]
        data[column] = _concat(parts)
    return pd.DataFrame({column: data[column] for column in EPISODE_COLUMNS})


def _credits_frame(seasons: Sequence[_Season], series_id: int) -> pd.DataFrame:
    kept = [s for s in seasons if s.credits]
    n = sum(len(s.credits) for s in kept)
    if n == 0:
        return empty_frame(EPISODE_CREDIT_COLUMNS)
    data: dict[str, Any] = {
        "series_id": np.full(n, series_id, dtype="int64"),
        "season_number": np.repeat(
            np.array([s.number for s in kept], dtype="int64"), [len(s.credits) for s in kept]
        ),
        "gender": _genders([g for s in kept for g in s.credit_columns["gender"]], "episode credit"),
        "kind": pd.Categorical.from_codes(
            np.concatenate([s.credit_columns["kind"] for s in kept]),
            dtype=EPISODE_CREDIT_COLUMNS["kind"],
        ),
    }
    for column in EPISODE_CREDIT_COLUMNS:
        if column not in data:
            data[column] = _concat([s.credit_columns[column] for s in kept])
    return pd.DataFrame({column: data[column] for column in EPISODE_CREDIT_COLUMNS})


def _concat(parts: list[Any]) -> Any:
    """One array of same-typed per-season arrays."""
    if len(parts) == 1:
        return parts[0]
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    if isinstance(parts[0], pd.DatetimeIndex):
        return parts[0].append(parts[1:])
    return type(parts[0])._concat_same_type(parts)


def _warn(message: str) -> None:
    # Given while loading: the loader re-emits them where the user called it.
    warnings.warn(message, DataQualityWarning, stacklevel=3)
