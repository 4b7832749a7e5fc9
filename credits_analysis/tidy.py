"""TMDB payloads to tidy DataFrames. Pure: no I/O, no network, no global state.

The column names and dtypes are those of :mod:`credits_analysis.schema`; an empty cast or crew
gives an empty frame that still has every column with its dtype.

Coercion policy
---------------
Values are taken as JSON types, never converted from another type; the rule of each column is
declared once, in :data:`credits_analysis.schema.VALUE_RULES`:

- ids, counts, ``order`` and season numbers are JSON integers (``true``/``false`` are not, nor
  are ``1.5`` or ``"10"``) from 0 to 2**63 - 1;
- ``popularity`` is a JSON integer or a finite number, at least 0 (``NaN``, ``Infinity`` no);
- names, characters, jobs, departments, paths and ``credit_id`` are JSON strings, ``adult`` is
  ``true`` or ``false``;
- null or a missing key gives <NA>, except for a person's ``id``, a credit's ``credit_id`` and
  a listed season's ``season_number``, which are required.

A value that breaks its rule raises :class:`~credits_analysis.errors.PayloadError` naming the
field and the value: a season's credits then fail as a whole, and
:func:`credits_analysis.load_series` keeps the other seasons. Named exceptions, repaired with a
:class:`~credits_analysis.errors.DataQualityWarning` instead:

- a gender code outside TMDB's 0-3 (or null, or not an integer) is counted as "not set";
- a lone UTF-16 surrogate (``"\\ud800"``, valid JSON but not text) in a string becomes U+FFFD;
- an empty ``character`` or ``job`` is <NA>;
- in series details, a listed season that breaks a rule, or repeats an earlier season number,
  is left out (the others can still be loaded), and a ``status`` that is not a string is
  ignored. Details listing more than :data:`~credits_analysis.schema.MAX_SEASONS` seasons are
  refused: one request per season would follow.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

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
    INT64_MAX,
    MAX_SEASONS,
    SEARCH_COLUMNS,
    SEASON_COLUMNS,
    STRING,
    VALUE_RULES,
    ValueRule,
    empty_frame,
)

__all__ = [
    "cast_roles",
    "cast_roles_by_season",
    "credits_by_season",
    "crew_jobs",
    "crew_jobs_by_season",
    "seasons",
    "series_results",
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
        person without ``id`` or ``roles``, a role without ``credit_id`` or ``episode_count``),
        or a value breaks the coercion policy (see the module docstring).
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
    failed: dict[int, PayloadError] = {}

    def alone(n: int, payload: Mapping[str, Any]) -> None:
        cast_roles(payload, series_id=series_id, season_number=n)
        crew_jobs(payload, series_id=series_id, season_number=n)

    cast, crew = _all_or_each(
        lambda parts: _cast_and_crew(parts, series_id), payloads, alone, failed.__setitem__
    )
    return cast, crew, failed


def _cast_and_crew(
    payloads: Mapping[int, Mapping[str, Any]], series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        cast_roles_by_season(payloads, series_id=series_id),
        crew_jobs_by_season(payloads, series_id=series_id),
    )


_Key = TypeVar("_Key")
_Part = TypeVar("_Part")
_Result = TypeVar("_Result")


def _all_or_each(
    convert: Callable[[Mapping[_Key, _Part]], _Result],
    parts: Mapping[_Key, _Part],
    alone: Callable[[_Key, _Part], object],
    refused: Callable[[_Key, PayloadError], None],
) -> _Result:
    """``convert(parts)``, leaving out the parts that break it.

    One conversion of all the parts is much faster than one per part (the per-call cost of
    building typed columns dominates), so only when it raises PayloadError is each part tried
    ``alone``, ``refused`` told of each that fails, and the others converted again. Warnings
    of the conversions not kept are dropped, so each is given once, by the conversion kept
    (when that is the first, its warnings are given again from the code that called this
    function's caller).
    """
    failed: dict[_Key, PayloadError] | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = convert(parts)
        except PayloadError:
            failed = {}
            for key, part in parts.items():
                try:
                    alone(key, part)
                except PayloadError as exc:
                    failed[key] = exc
    if failed is None:
        for warning in caught:
            warnings.warn(warning.message, warning.category, stacklevel=3)
        return result
    for key, exc in failed.items():
        refused(key, exc)
    return convert({key: part for key, part in parts.items() if key not in failed})


def seasons(
    details: Mapping[str, Any],
    *,
    language: str | None = None,
    fetched_at: datetime | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """One row per season listed in a ``/tv/{series_id}`` details payload.

    Season 0 (Specials) is included when TMDB lists it; numbers are taken as listed, gaps and all,
    each once.

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
        If ``details`` is not a series-details object with an ``id`` and a ``seasons`` list,
        or lists more than :data:`~credits_analysis.schema.MAX_SEASONS` seasons.

    Warns
    -----
    DataQualityWarning
        For each listed season left out (it breaks the coercion policy, or repeats a season
        number) and for a ``status`` that is not a string.
    """
    if not isinstance(details, Mapping):
        raise PayloadError(f"series details must be a JSON object, got {type(details).__name__}")
    listed = details.get("seasons")
    series_id = details.get("id")
    if not isinstance(listed, list) or not _is_id(series_id):
        raise PayloadError(
            "series details need an integer 'id' and a 'seasons' list "
            f"(keys present: {sorted(map(str, details))[:12]}); is this the /tv/{{series_id}} "
            "response?"
        )
    if len(listed) > MAX_SEASONS:
        raise PayloadError(
            f"series details list {len(listed)} seasons, more than the {MAX_SEASONS} any real "
            "series has; no season is requested for a payload this implausible"
        )
    status = details.get("status")
    if status is not None and not isinstance(status, str):
        _warn(
            f"series {series_id}: 'status' is a {type(status).__name__}, not a string; ignored",
            depth=1,
        )
    kept = _kept_seasons(listed, series_id)
    n = len(kept)
    if n == 0:
        return empty_frame(SEASON_COLUMNS)
    stamp = pd.Timestamp(fetched_at) if fetched_at is not None else pd.NaT
    if stamp is not pd.NaT and stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")

    def column(field: str, name: str | None = None) -> Any:
        return _column([s.get(field) for s in kept], name or field, f"seasons[].{field}")

    name = details.get("name")
    return pd.DataFrame(
        {
            "series_id": np.full(n, series_id, dtype="int64"),
            # A name that is not text (a broken payload) is no reason to lose the seasons.
            "series_name": _text([name if isinstance(name, str) else None] * n, "name"),
            "season_number": column("season_number"),
            "season_id": column("id", "season_id"),
            "name": column("name"),
            "air_date": pd.to_datetime(
                [s.get("air_date") or None for s in kept], errors="coerce", format="%Y-%m-%d"
            ).as_unit("us"),
            "episode_count": column("episode_count"),
            "language": pd.array([language] * n, dtype=STRING),
            "fetched_at": pd.DatetimeIndex([stamp] * n, dtype="datetime64[us, UTC]"),
            "source": pd.array([source] * n, dtype=STRING),
        }
    )


#: Fields of a listed season and the column whose rule they follow.
_SEASON_FIELDS = {
    "season_number": "season_number",
    "id": "season_id",
    "name": "name",
    "air_date": "air_date",
    "episode_count": "episode_count",
}


def _kept_seasons(listed: list[Any], series_id: int) -> list[Mapping[str, Any]]:
    """The listed seasons that follow the policy, each number once, in the order listed.

    A season left out cannot be loaded, but the others can: failing the whole details for one
    bad entry would lose every season.
    """
    kept: dict[int, Mapping[str, Any]] = {}
    for index, season in enumerate(listed):
        fault = _season_fault(season)
        if fault is None and season["season_number"] in kept:
            fault = f"repeats season {season['season_number']}; the first one listed is kept"
        if fault is not None:
            _warn(f"series {series_id}: seasons[{index}] left out: {fault}", depth=2)
            continue
        kept[season["season_number"]] = season
    return list(kept.values())


def _season_fault(season: Any) -> str | None:
    """How a listed season breaks the policy (the first field that does); None if it does not."""
    if not isinstance(season, Mapping):
        return f"is a {type(season).__name__}, not an object"
    for field, column in _SEASON_FIELDS.items():
        try:
            _check([season.get(field)], column, f"'{field}'")
        except PayloadError as exc:
            return str(exc)
    return None


def series_results(results: Sequence[Any]) -> pd.DataFrame:
    """One row per series of the ``results`` of ``/search/tv`` or ``/discover/tv`` pages.

    Parameters
    ----------
    results
        The ``results`` items of one or more pages, in order.

    Returns
    -------
    pandas.DataFrame
        Rows in the order given (a series repeated by a later page, as TMDB's ordering shifts
        between requests, is kept once, where it came first).

        =================  ==============  ===================================================
        series_id          int64           TMDB series id
        name               string          name in the requested language
        original_name      string          name in the original language
        first_air_date     datetime64[us]  NaT when TMDB has none
        origin_country     string          ISO 3166-1 codes joined with ", " ("US, GB"); <NA>
                                           when TMDB lists none
        original_language  string          ISO 639-1 code
        popularity         float64         TMDB's popularity score at fetch time
        vote_count         Int64           number of votes
        overview           string          <NA> where TMDB has ""
        =================  ==============  ===================================================

    Raises
    ------
    PayloadError
        An item is not an object with an integer ``id``, or a field has the wrong type.
    """
    items: list[Mapping[str, Any]] = []
    seen: set[int] = set()
    for index, item in enumerate(results):
        series_id = item.get("id") if isinstance(item, Mapping) else None
        if not isinstance(series_id, int) or isinstance(series_id, bool):
            raise PayloadError(
                f"results[{index}] is not a series with an integer 'id': {item!r:.80}"
            )
        if series_id not in seen:
            seen.add(series_id)
            items.append(item)
    if not items:
        return empty_frame(SEARCH_COLUMNS)

    def texts(key: str) -> Any:
        values = [item.get(key) or None for item in items]
        bad = next((v for v in values if v is not None and not isinstance(v, str)), None)
        if bad is not None:
            raise PayloadError(f"results[].{key} must be a string; found {bad!r:.80}")
        return pd.array(values, dtype=STRING)

    countries = [item.get("origin_country") or [] for item in items]
    if not all(isinstance(c, list) and all(isinstance(x, str) for x in c) for c in countries):
        raise PayloadError("results[].origin_country must be a list of country codes")
    return pd.DataFrame(
        {
            "series_id": np.array([item["id"] for item in items], dtype="int64"),
            "name": texts("name"),
            "original_name": texts("original_name"),
            "first_air_date": pd.to_datetime(
                texts("first_air_date"), errors="coerce", format="%Y-%m-%d"
            ).as_unit("us"),
            "origin_country": pd.array([", ".join(c) or None for c in countries], dtype=STRING),
            "original_language": texts("original_language"),
            "popularity": _column(
                [item.get("popularity") for item in items], "popularity", "results[].popularity"
            ),
            # A count like any other: the rule of episode counts.
            "vote_count": _column(
                [item.get("vote_count") for item in items], "episode_count", "results[].vote_count"
            ),
            "overview": texts("overview"),
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
        texts = [_no_empty(c.get(section.text_field)) for c in credits]
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
        "credit_id": _column(credit_ids, "credit_id", f"{where}.credit_id"),
        section.text_field: _column(texts, section.text_field, f"{where}.{section.text_field}"),
        "episode_count": _column(episodes, "episode_count", f"{where}.episode_count"),
    }
    per_person: dict[str, Any] = {
        "season_number": pd.array(
            [season_number for season_number, chunk in chunks for _ in chunk], dtype="Int64"
        ),
        "person_id": _column(person_ids, "person_id", f"{name}[].id"),
        "gender": _genders([p.get("gender") for p in people], name),
    }
    for field in (
        "name",
        "original_name",
        "known_for_department",
        "popularity",
        "profile_path",
        "adult",
        *section.person_fields,
    ):
        per_person[field] = _column([p.get(field) for p in people], field, f"{name}[].{field}")
    data: dict[str, Any] = {"series_id": np.full(n, series_id, dtype="int64")}
    for column, values in per_person.items():
        data[column] = values.take(take)
    data.update(per_role)
    # Every column is built with its contract dtype, so no astype pass is needed.
    return pd.DataFrame({column: data[column] for column in columns}, copy=False)


_NULL = type(None)
#: The Python types json.loads gives for each kind of value (bool is not int here: type() is
#: compared, not isinstance).
_KIND_TYPES: Mapping[str, frozenset[type]] = {
    "integer": frozenset({int}),
    "number": frozenset({int, float}),
    "text": frozenset({str}),
    "flag": frozenset({bool}),
}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _column(values: list[Any], column: str, where: str) -> Any:
    """``values`` as the array of ``column``, or a PayloadError if one breaks its rule.

    The dtype follows from the rule (an integer is int64 when required, else Int64), which is
    the one :mod:`credits_analysis.schema` declares for the column.
    """
    rule = VALUE_RULES[column]
    numbers = _check(values, column, where)
    if numbers is None:
        return _text(values, where) if rule.kind == "text" else pd.array(values, dtype="boolean")
    data, nulls = numbers
    if rule.kind == "number":
        data[nulls] = np.nan
        return data
    return data if rule.required else pd.arrays.IntegerArray(data, nulls)


def _check(values: list[Any], column: str, where: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Raise the PayloadError of the first of ``values`` that breaks the rule of ``column``.

    For an integer or number column, give back the values as its numpy dtype (a null as the
    rule's minimum) and where they are null: the range check needs them converted, and
    :func:`_column` builds the column from them. None for text and flags.
    """
    rule = VALUE_RULES[column]
    allowed = _KIND_TYPES[rule.kind] if rule.required else _KIND_TYPES[rule.kind] | {_NULL}
    types = set(map(type, values))
    if not types <= allowed:
        raise _refused(where, rule, next(v for v in values if type(v) not in allowed))
    if rule.kind in ("text", "flag"):
        return None
    dtype = "int64" if rule.kind == "integer" else "float64"
    objects = np.array(values, dtype=object)
    nulls = np.equal(objects, None) if _NULL in types else np.zeros(len(values), dtype=bool)
    objects[nulls] = rule.minimum
    try:
        data = objects.astype(dtype)
    except OverflowError:
        raise _refused(where, rule, max(objects, key=abs)) from None
    broken = data < rule.minimum
    if rule.kind == "number":
        broken |= ~np.isfinite(data)
    bad = np.flatnonzero(broken)
    if bad.size:
        raise _refused(where, rule, values[bad[0]])
    return data, nulls


def _refused(where: str, rule: ValueRule, value: Any) -> PayloadError:
    must = {
        "integer": f"a JSON integer from {rule.minimum} to {INT64_MAX}",
        "number": f"a finite JSON number of at least {rule.minimum}",
        "text": "a JSON string",
        "flag": "true or false",
    }[rule.kind]
    shown = repr(value)
    if len(shown) > 60:
        shown = f"{shown[:57]}..."
    return PayloadError(
        f"{where} must be {must}{'' if rule.required else ' or null'}; found {shown}"
    )


def _text(values: list[str | None], where: str) -> Any:
    """``values``, each a str or None, as a string column.

    Straight through pyarrow: pandas would first check and convert every value, which took
    about a tenth of a large series' conversion.
    """
    try:
        return pd.array(pa.array(values, type=pa.large_string()), dtype=STRING)
    except (UnicodeEncodeError, pa.ArrowInvalid):
        # JSON allows an unpaired "\ud800"; Python keeps it, but no file or terminal takes it.
        repaired = [v if v is None else _SURROGATE.sub("\ufffd", v) for v in values]
        changed = sum(a != b for a, b in zip(values, repaired, strict=True))
        if not changed:
            return pd.array(values, dtype=STRING)
        _warn(
            f"{changed} {where} value{'s' if changed != 1 else ''} held a lone UTF-16 surrogate "
            "(not text); replaced by U+FFFD",
            depth=4,
        )
        return pd.array(repaired, dtype=STRING)


def _no_empty(text: Any) -> Any:
    """TMDB gives "" for an unknown character or job: <NA>, like a missing one."""
    return None if isinstance(text, str) and not text else text


def _is_id(value: Any) -> bool:
    return type(value) is int and 0 <= value <= INT64_MAX


def _warn(message: str, *, depth: int) -> None:
    """A DataQualityWarning pointing at the code that called the public function.

    ``depth`` is the number of frames between ``_warn``'s caller and that code.
    """
    warnings.warn(message, DataQualityWarning, stacklevel=depth + 2)


def _genders(codes: list[Any], section: str) -> pd.Categorical:
    mapped = np.fromiter(
        (_GENDER_CATEGORY_CODE.get(c, -1) if type(c) is int else -1 for c in codes),
        dtype=np.int8,
        count=len(codes),
    )
    unknown = mapped < 0
    if unknown.any():
        seen = sorted({repr(c) for c, bad in zip(codes, unknown, strict=True) if bad})
        _warn(
            f"{int(unknown.sum())} {section} people have a gender code outside TMDB's 0-3 "
            f"({', '.join(seen)}); they are counted as 'not set'",
            depth=3,
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
