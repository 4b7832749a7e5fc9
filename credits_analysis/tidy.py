"""TMDB payloads to tidy DataFrames. Pure: no I/O, no network, no global state.

The column names and dtypes are those of :mod:`credits_analysis.schema`; an empty cast or crew
gives an empty frame that still has every column with its dtype.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from credits_analysis.errors import DataQualityWarning, PayloadError
from credits_analysis.schema import (
    CAST_COLUMNS,
    CREW_COLUMNS,
    GENDER_CATEGORIES,
    GENDER_CODES,
    GENDER_DTYPE,
    SEASON_COLUMNS,
    STRING,
    empty_frame,
)

__all__ = [
    "cast_roles",
    "cast_roles_by_season",
    "credits_by_season",
    "crew_jobs",
    "crew_jobs_by_season",
    "seasons",
]

# Position of each TMDB gender code's label in GENDER_DTYPE's categories.
_GENDER_CATEGORY_CODE = {
    code: GENDER_CATEGORIES.index(label) for code, label in GENDER_CODES.items()
}
_NOT_SET = GENDER_CATEGORIES.index("not set")


def cast_roles(
    payload: Mapping[str, Any], *, series_id: int, season_number: int | None
) -> pd.DataFrame:
    """One row per person-role of an aggregate-credits payload's ``cast``.

    Parameters
    ----------
    payload
        The JSON object of ``/tv/{series_id}/season/{season_number}/aggregate_credits``, of the
        whole-run ``/tv/{series_id}/aggregate_credits``, or a season-details payload that carries
        it appended as ``aggregate_credits``.
    series_id
        The series the payload belongs to (the payload's own ``id`` is the *season* id).
    season_number
        The season; 0 is Specials; None for a whole-run payload.

    Returns
    -------
    pandas.DataFrame
        One row per (series_id, season_number, person_id, credit_id), in TMDB's order:

        ========================  =========  ==================================================
        series_id                 int64      TMDB series id
        season_number             Int64      0 = Specials; <NA> for a whole-run payload
        person_id                 int64      TMDB person id (``id`` in the payload)
        credit_id                 string     id of this role credit
        name                      string     as TMDB returns it for the requested language
        original_name             string     the name in its original script
        character                 string     <NA> where TMDB has "" or nothing
        episode_count             Int64      episodes credited in this role this season
        total_episode_count       Int64      TMDB's sum over the person's roles this season
        order                     Int64      billing index as TMDB gives it (not dense)
        gender                    category   female, male, non-binary, not set (codes 1,2,3,0)
        known_for_department      string     the person's overall department on TMDB
        popularity                float64    person-level score at fetch time
        profile_path              string     nullable; see ``credits_analysis.profile_url``
        adult                     boolean    person flag
        ========================  =========  ==================================================

        Optional keys missing from the payload give <NA>. A gender code outside 0-3, or null,
        is counted as "not set" and reported with a :class:`DataQualityWarning`.

    Raises
    ------
    PayloadError
        If the payload is not an aggregate-credits object (not a dict, ``cast`` not a list, a
        person without ``id`` or ``roles``, a role without ``credit_id`` or ``episode_count``).
    """
    return _explode(_CAST, [(season_number, _people(payload, "cast"))], series_id=series_id)


def crew_jobs(
    payload: Mapping[str, Any], *, series_id: int, season_number: int | None
) -> pd.DataFrame:
    """One row per person-job of an aggregate-credits payload's ``crew``.

    TMDB lists a person once per department, so the same person can give rows in several
    departments; each job has its own ``credit_id``.

    Parameters
    ----------
    payload, series_id, season_number
        As for :func:`cast_roles`.

    Returns
    -------
    pandas.DataFrame
        One row per (series_id, season_number, person_id, department, credit_id):

        ========================  =========  ==================================================
        series_id                 int64      TMDB series id
        season_number             Int64      0 = Specials; <NA> for a whole-run payload
        person_id                 int64      TMDB person id
        credit_id                 string     id of this job credit
        name                      string     as TMDB returns it for the requested language
        original_name             string     the name in its original script
        department                string     department of this crew entry
        job                       string     the job; <NA> where TMDB has "" or nothing
        episode_count             Int64      episodes credited in this job this season
        total_episode_count       Int64      TMDB's sum over the person's jobs in the department
        gender                    category   female, male, non-binary, not set (codes 1,2,3,0)
        known_for_department      string     the person's overall department on TMDB
        popularity                float64    person-level score at fetch time
        profile_path              string     nullable
        adult                     boolean    person flag
        ========================  =========  ==================================================

    Raises
    ------
    PayloadError
        As for :func:`cast_roles`, with ``crew`` and ``jobs``.
    """
    return _explode(_CREW, [(season_number, _people(payload, "crew"))], series_id=series_id)


def cast_roles_by_season(
    payloads: Mapping[int, Mapping[str, Any]], *, series_id: int
) -> pd.DataFrame:
    """:func:`cast_roles` of several seasons at once, concatenated in the order given.

    Same columns and dtypes; one conversion for the whole series is much faster than one per
    season followed by ``pandas.concat`` (the per-call cost of building typed columns dominates
    for seasons of a few hundred roles).

    Parameters
    ----------
    payloads
        ``{season_number: aggregate_credits_payload}``.
    series_id
        The series they belong to.

    Raises
    ------
    PayloadError
        As for :func:`cast_roles`; the message names the season.
    """
    return _explode(_CAST, _chunks(payloads, "cast"), series_id=series_id)


def crew_jobs_by_season(
    payloads: Mapping[int, Mapping[str, Any]], *, series_id: int
) -> pd.DataFrame:
    """:func:`crew_jobs` of several seasons at once; see :func:`cast_roles_by_season`."""
    return _explode(_CREW, _chunks(payloads, "crew"), series_id=series_id)


def credits_by_season(
    payloads: Mapping[int, Mapping[str, Any]], *, series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, PayloadError]]:
    """Cast and crew of several seasons, leaving out (and naming) those that do not parse.

    The whole series is converted in one pass (:func:`cast_roles_by_season`,
    :func:`crew_jobs_by_season`); only when that fails is each season parsed alone, to name the
    bad ones, and the good ones converted again. Warnings (unknown gender codes) of the failed
    pass are dropped, so each is given once, by the conversion kept.

    Parameters
    ----------
    payloads, series_id
        As for :func:`cast_roles_by_season`.

    Returns
    -------
    tuple
        The cast frame (columns of :func:`cast_roles`) and the crew frame (columns of
        :func:`crew_jobs`) of the seasons that parse, and ``{season_number: PayloadError}``
        for those that do not (empty when all parse).
    """
    failed: dict[int, PayloadError] | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cast, crew = _cast_and_crew(payloads, series_id)
        except PayloadError:
            failed = _unparsed(payloads, series_id)
    if failed is None:
        for warning in caught:
            warnings.warn(warning.message, warning.category, stacklevel=2)
        return cast, crew, {}
    good = {n: p for n, p in payloads.items() if n not in failed}
    return (*_cast_and_crew(good, series_id), failed)


def _cast_and_crew(
    payloads: Mapping[int, Mapping[str, Any]], series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        cast_roles_by_season(payloads, series_id=series_id),
        crew_jobs_by_season(payloads, series_id=series_id),
    )


def _unparsed(payloads: Mapping[int, Mapping[str, Any]], series_id: int) -> dict[int, PayloadError]:
    """Each season whose payload does not parse on its own, with why."""
    failed: dict[int, PayloadError] = {}
    for n, payload in payloads.items():
        try:
            cast_roles(payload, series_id=series_id, season_number=n)
            crew_jobs(payload, series_id=series_id, season_number=n)
        except PayloadError as exc:
            failed[n] = exc
    return failed


def seasons(
    details: Mapping[str, Any],
    *,
    language: str | None = None,
    fetched_at: datetime | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """One row per season listed in a ``/tv/{series_id}`` details payload.

    Season 0 (Specials) is included when TMDB lists it; numbers are taken as listed, gaps and all.

    Parameters
    ----------
    details
        The JSON object of ``/tv/{series_id}``.
    language, fetched_at, source
        Written into every row; :func:`credits_analysis.load_series` sets them per season.

    Returns
    -------
    pandas.DataFrame
        ================  ===================  ============================================
        series_id         int64                TMDB series id
        series_name       string               the series' ``name`` in its details (so a
                                               concatenation of several series reads well)
        season_number     int64                0 = Specials
        season_id         Int64                TMDB season id (the ``id`` of its credits)
        name              string               season name, e.g. "Season 1", "Specials"
        air_date          datetime64[us]       first air date; NaT if not announced
        episode_count     Int64                episodes TMDB lists for the season
        language          string               language the credits were requested in
        fetched_at        datetime64[us, UTC]  when the credits were fetched
        source            string               ``network``, ``cache``, ``bundled`` or
                                               ``synthetic`` (the generated demo series)
        ================  ===================  ============================================

    Raises
    ------
    PayloadError
        If ``details`` is not a series-details object with a ``seasons`` list.
    """
    if not isinstance(details, Mapping):
        raise PayloadError(f"series details must be a JSON object, got {type(details).__name__}")
    listed = details.get("seasons")
    series_id = details.get("id")
    if not isinstance(listed, list) or not isinstance(series_id, int):
        raise PayloadError(
            "series details need an integer 'id' and a 'seasons' list "
            f"(keys present: {sorted(details)[:12]}); is this the /tv/{{series_id}} response?"
        )
    for index, season in enumerate(listed):
        if not isinstance(season, Mapping) or not isinstance(season.get("season_number"), int):
            raise PayloadError(f"seasons[{index}] has no integer 'season_number'")
    n = len(listed)
    if n == 0:
        return empty_frame(SEASON_COLUMNS)
    stamp = pd.Timestamp(fetched_at) if fetched_at is not None else pd.NaT
    if stamp is not pd.NaT and stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return pd.DataFrame(
        {
            "series_id": np.full(n, series_id, dtype="int64"),
            "series_name": pd.array([_text(details.get("name"))] * n, dtype=STRING),
            "season_number": np.array([s["season_number"] for s in listed], dtype="int64"),
            "season_id": _typed([s.get("id") for s in listed], "Int64", "seasons[].id"),
            "name": pd.array([s.get("name") for s in listed], dtype=STRING),
            "air_date": pd.to_datetime(
                [s.get("air_date") or None for s in listed], errors="coerce", format="%Y-%m-%d"
            ).as_unit("us"),
            "episode_count": _typed(
                [s.get("episode_count") for s in listed], "Int64", "seasons[].episode_count"
            ),
            "language": pd.array([language] * n, dtype=STRING),
            "fetched_at": pd.DatetimeIndex([stamp] * n, dtype="datetime64[us, UTC]"),
            "source": pd.array([source] * n, dtype=STRING),
        }
    )


@dataclass(frozen=True)
class _Section:
    name: str
    nested: str
    text_field: str
    person_fields: tuple[str, ...]
    columns: Mapping[str, object]


_CAST = _Section("cast", "roles", "character", ("total_episode_count", "order"), CAST_COLUMNS)
_CREW = _Section("crew", "jobs", "job", ("department", "total_episode_count"), CREW_COLUMNS)

_Chunk = tuple[int | None, Sequence[Any]]


def _chunks(payloads: Mapping[int, Mapping[str, Any]], section: str) -> list[_Chunk]:
    chunks = []
    for season_number, payload in payloads.items():
        try:
            chunks.append((season_number, _people(payload, section)))
        except PayloadError as exc:
            raise PayloadError(f"season {season_number}: {exc}") from exc
    return chunks


def _people(payload: Mapping[str, Any], section: str) -> Sequence[Any]:
    if not isinstance(payload, Mapping):
        raise PayloadError(f"aggregate credits must be a JSON object, got {type(payload).__name__}")
    if section not in payload and isinstance(payload.get("aggregate_credits"), Mapping):
        payload = payload["aggregate_credits"]  # season details with append_to_response
    people = payload.get(section)
    if not isinstance(people, list):
        found = "missing" if people is None else f"a {type(people).__name__}"
        raise PayloadError(
            f"aggregate credits need a {section!r} list, but it is {found} "
            f"(keys present: {sorted(payload)[:12]})"
        )
    return people


def _explode(section: _Section, chunks: list[_Chunk], *, series_id: int) -> pd.DataFrame:
    name, nested, columns = section.name, section.nested, section.columns
    people = chunks[0][1] if len(chunks) == 1 else [p for _, chunk in chunks for p in chunk]
    # Fast path: plain comprehensions over the payload, person-level values built once per
    # person and repeated by index; a malformed payload is re-scanned only to name the fault.
    try:
        counts = np.fromiter((len(p[nested]) for p in people), dtype=np.intp, count=len(people))
        credits = [c for p in people for c in p[nested]]
        credit_ids = [c["credit_id"] for c in credits]
        texts = [c.get(section.text_field) or None for c in credits]
        episodes = [c["episode_count"] for c in credits]
        person_ids = [p["id"] for p in people]
    except (KeyError, TypeError, AttributeError):
        for season_number, chunk in chunks:
            where = name if len(chunks) == 1 else f"season {season_number} {name}"
            fault = _first_fault(chunk, where, nested)
            if fault is not None:
                raise PayloadError(fault) from None
        raise  # the scan finds every fault the fast path can hit; keep the original if not
    n = len(credits)
    if n == 0:
        return empty_frame(columns)
    take = np.repeat(np.arange(len(people)), counts)
    where = f"{name}[].{nested}[]"
    per_role = {
        "credit_id": _strings(credit_ids),
        section.text_field: _strings(texts),
        "episode_count": _typed(episodes, "Int64", f"{where}.episode_count"),
    }
    per_person = {
        "season_number": pd.array(
            [season_number for season_number, chunk in chunks for _ in chunk], dtype="Int64"
        ),
        "person_id": _typed(person_ids, "int64", f"{name}[].id"),
        "name": _strings([p.get("name") for p in people]),
        "original_name": _strings([p.get("original_name") for p in people]),
        "gender": _genders([p.get("gender") for p in people], name),
        "known_for_department": _strings([p.get("known_for_department") for p in people]),
        "popularity": _typed(
            [p.get("popularity") for p in people], "Float64", f"{name}[].popularity"
        ).to_numpy(dtype="float64", na_value=np.nan),
        "profile_path": _strings([p.get("profile_path") for p in people]),
        "adult": _typed([p.get("adult") for p in people], "boolean", f"{name}[].adult"),
    }
    for field in section.person_fields:
        values = [p.get(field) for p in people]
        per_person[field] = (
            _strings(values)
            if columns[field] is STRING
            else _typed(values, "Int64", f"{name}[].{field}")
        )
    data: dict[str, Any] = {"series_id": np.full(n, series_id, dtype="int64")}
    for column, values in per_person.items():
        data[column] = values.take(take)
    data.update(per_role)
    # Every column is built with its contract dtype, so no astype pass is needed.
    return pd.DataFrame({column: data[column] for column in columns}, copy=False)


def _strings(values: list[Any]) -> Any:
    """``values`` as a string column: straight through pyarrow when they are all str or None.

    pandas first checks and converts every value (a number becomes its text, NaN missing),
    which took about a tenth of a large series' conversion; only other values need that.
    """
    try:
        return pd.array(pa.array(values, type=pa.large_string()), dtype=STRING)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pd.array(values, dtype=STRING)


def _typed(values: list[Any], dtype: str, where: str) -> Any:
    try:
        return pd.array(values, dtype=dtype) if dtype != "int64" else np.array(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        bad = next((v for v in values if v is not None and not _fits(v, dtype)), None)
        raise PayloadError(f"{where} must be {dtype}-compatible; found {bad!r}") from exc


def _fits(value: Any, dtype: str) -> bool:
    if dtype == "boolean":
        return isinstance(value, bool)
    if dtype == "Float64":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, int) and not isinstance(value, bool)


def _genders(codes: list[Any], section: str) -> pd.Categorical:
    mapped = np.fromiter(
        (_GENDER_CATEGORY_CODE.get(c, -1) if isinstance(c, int) else -1 for c in codes),
        dtype=np.int8,
        count=len(codes),
    )
    unknown = mapped < 0
    if unknown.any():
        seen = sorted({repr(c) for c, bad in zip(codes, unknown, strict=True) if bad})
        warnings.warn(
            f"{int(unknown.sum())} {section} people have a gender code outside TMDB's 0-3 "
            f"({', '.join(seen)}); they are counted as 'not set'",
            DataQualityWarning,
            stacklevel=4,
        )
        mapped[unknown] = _NOT_SET
    return pd.Categorical.from_codes(mapped, dtype=GENDER_DTYPE)


def _first_fault(people: Sequence[Any], section: str, nested: str) -> str | None:
    """Describe the first thing in ``people`` that is not aggregate-credits shaped, if any."""
    for i, person in enumerate(people):
        if not isinstance(person, Mapping):
            return f"{section}[{i}] must be an object, got {type(person).__name__}"
        who = f"{section}[{i}] (person id {person.get('id')!r})"
        if "id" not in person:
            return f"{section}[{i}] has no 'id'"
        credits = person.get(nested)
        if not isinstance(credits, list):
            hint = (
                " (this looks like /credits, not /aggregate_credits)"
                if nested not in person
                else ""
            )
            return f"{who} needs a {nested!r} list{hint}"
        for j, credit in enumerate(credits):
            if not isinstance(credit, Mapping):
                return f"{who} {nested}[{j}] must be an object"
            for key in ("credit_id", "episode_count"):
                if key not in credit:
                    return f"{who} {nested}[{j}] has no {key!r}"
    return None


def _text(value: Any) -> str | None:
    """``value`` if it is a string, else None (a missing or malformed name is not fatal)."""
    return value if isinstance(value, str) else None
