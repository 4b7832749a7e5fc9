"""Find series on TMDB: ``/search/tv`` by name and ``/discover/tv`` by filters.

Both give one row per series with the columns of :func:`credits_analysis.tidy.series_results`,
in TMDB's order. TMDB serves 20 results a page and refuses pages past 500 (HTTP 400, TMDB code
22), so one query reaches at most 10,000 results: a larger ``limit`` is refused before any
request, with a message saying to split the date range (discover) or narrow the query (search).

Every page is cached for a day (:data:`SEARCH_TTL`) in the response cache, so a notebook re-run
does not repeat its searches. Cache paths are readable and cannot leave the cache folder::

    search/tv/{query-slug}[_y{year}]-{hash}_p{page}.{language}.json
    discover/tv/{filters-slug}-{hash}_p{page}.{language}.json
    genre/tv/list.{language}.json        # TMDB's TV genres, when discover is given genre names

The slug is the query (or the filters) folded to ASCII, lowercased, with every run of other
characters a hyphen, cut to 40 characters; the hash is the first 10 hex digits of the SHA-256
of the exact parameters sent, so two queries that fold alike (``"Élite"``, ``"elite!"``) never
share an entry. Only ``[a-z0-9_-]`` appear below ``search/tv/`` or ``discover/tv/``, and the
token is never a parameter. Offline or without a token, cached pages are used whatever their
age (with a :class:`~credits_analysis.errors.StaleDataWarning` when older than a day); a page
not cached is an :class:`~credits_analysis.errors.OfflineMissError` saying a token is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import re
import unicodedata
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

import httpx
import pandas as pd

from credits_analysis import tidy
from credits_analysis._sync import run_sync
from credits_analysis._text import name_key, slugify
from credits_analysis.cache import RawCache
from credits_analysis.config import Settings
from credits_analysis.errors import (
    ConfigError,
    InvalidQueryError,
    OfflineMissError,
    PayloadError,
    StaleDataWarning,
)
from credits_analysis.tmdb import AsyncTMDBClient, RetryPolicy

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "PAGE_SIZE",
    "SEARCH_TTL",
    "SORT_KEYS",
    "checked_query",
    "discover_series",
    "name_key",
    "search_series",
    "slug",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Results TMDB serves per page of search and discover.
PAGE_SIZE = 20
#: The last page TMDB serves; past it, HTTP 400 with TMDB code 22.
MAX_PAGE = 500
#: The most results one query can reach.
MAX_RESULTS = PAGE_SIZE * MAX_PAGE
#: How long a cached search or discover page is used without asking TMDB again.
SEARCH_TTL = timedelta(days=1)
#: Longer than any series title on TMDB; a longer query is a paste gone wrong.
MAX_QUERY_LENGTH = 200
#: What ``sort_by`` can order discover results by, each with ``.asc`` or ``.desc``.
SORT_KEYS = (
    "first_air_date",
    "name",
    "original_name",
    "popularity",
    "vote_average",
    "vote_count",
)
_SLUG_LENGTH = 40
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}")
_FIRST_YEAR, _LAST_YEAR = 1900, 2100


def search_series(
    query: str,
    *,
    first_air_date_year: int | str | None = None,
    language: str | None = None,
    limit: int = 20,
    offline: bool | None = None,
    refresh: bool = False,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> pd.DataFrame:
    """Series whose name matches ``query``, in TMDB's order (``GET /search/tv``).

    Parameters
    ----------
    query
        Words of the name, in any language TMDB knows it by; 1 to 200 characters, no control
        characters.
    first_air_date_year
        Only series first aired that year (1900-2100).
    language
        TMDB ``language`` of the names and overviews; default ``settings.language``.
    limit
        At most this many rows (1 to 10,000); pages are requested as needed.
    offline, refresh
        Never touch the network; ask TMDB even when a page cached less than a day ago exists.
    settings
        Default :meth:`Settings.from_env`.
    transport, retry
        Passed to :class:`~credits_analysis.tmdb.AsyncTMDBClient`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`credits_analysis.tidy.series_results`: ``series_id, name,
        original_name, first_air_date, origin_country, original_language, popularity,
        vote_count, overview``.

    Raises
    ------
    InvalidQueryError
        A bad query, year or limit; raised before any request.
    OfflineMissError
        Offline or without a token, and the search is not cached.
    TMDBError
        TMDB failed (see :meth:`~credits_analysis.tmdb.AsyncTMDBClient.get`).
    """
    text = checked_query(query)
    params: dict[str, str | int] = {"query": text, "include_adult": "false"}
    label = slug(text)
    year = _year(first_air_date_year)
    if year is not None:
        params["first_air_date_year"] = year
        label += f"_y{year}"
    limit = _limit(limit, "narrow the query or give first_air_date_year")
    session = _Session(
        settings,
        language=language,
        offline=offline,
        refresh=refresh,
        transport=transport,
        retry=retry,
    )
    results = session.run(lambda: _results(session, "search/tv", params, label, limit))
    return tidy.series_results(results).head(limit).reset_index(drop=True)


def discover_series(
    *,
    networks: int | Iterable[int] | None = None,
    first_air_date_from: str | date | None = None,
    first_air_date_to: str | date | None = None,
    origin_country: str | None = None,
    original_language: str | None = None,
    genres: int | Iterable[int] | None = None,
    sort_by: str = "popularity.desc",
    limit: int = 100,
    language: str | None = None,
    offline: bool | None = None,
    refresh: bool = False,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> pd.DataFrame:
    """Series matching every filter given, in ``sort_by`` order (``GET /discover/tv``).

    Parameters
    ----------
    networks
        TMDB network ids (``themoviedb.org/network/49`` is HBO); several match any of them.
    first_air_date_from, first_air_date_to
        First aired on or after / on or before these days (``YYYY-MM-DD`` or a date).
    origin_country
        ISO 3166-1 code, e.g. ``GB``.
    original_language
        ISO 639-1 code, e.g. ``ko``.
    genres
        TMDB TV genre ids (18 is Drama, 80 Crime) or names (``"Drama"``, any case and accents:
        looked up in TMDB's TV genre list, one request cached for a day); several must all
        apply.
    sort_by
        One of :data:`SORT_KEYS` with ``.asc`` or ``.desc``.
    limit
        At most this many rows (1 to 10,000: TMDB serves no page past 500; for more, split the
        date range into several calls).
    language, offline, refresh, settings, transport, retry
        As for :func:`search_series`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`search_series`.

    Raises
    ------
    InvalidQueryError
        A filter that is not what TMDB takes, or ``limit`` past 10,000; before any request.
    OfflineMissError, TMDBError
        As for :func:`search_series`.
    """
    params: dict[str, str | int] = {"sort_by": _sort_by(sort_by), "include_adult": "false"}
    if networks is not None:
        params["with_networks"] = "|".join(str(i) for i in _ids(networks, "network"))
    wanted_genres = None if genres is None else _genres(genres)
    start = _day(first_air_date_from, "first_air_date_from")
    end = _day(first_air_date_to, "first_air_date_to")
    if start is not None and end is not None and start > end:
        raise InvalidQueryError(f"first_air_date_from ({start}) is after first_air_date_to ({end})")
    if start is not None:
        params["first_air_date.gte"] = start.isoformat()
    if end is not None:
        params["first_air_date.lte"] = end.isoformat()
    if origin_country is not None:
        params["with_origin_country"] = _code(origin_country, _COUNTRY, "origin_country").upper()
    if original_language is not None:
        params["with_original_language"] = _code(
            original_language, _LANGUAGE, "original_language"
        ).lower()
    limit = _limit(
        limit, "split the date range (first_air_date_from/first_air_date_to) into several calls"
    )
    session = _Session(
        settings,
        language=language,
        offline=offline,
        refresh=refresh,
        transport=transport,
        retry=retry,
    )

    async def work() -> list[Any]:
        if wanted_genres is not None:
            ids = await _genre_ids(session, wanted_genres)
            params["with_genres"] = ",".join(str(i) for i in ids)
        label = slug(" ".join(f"{k} {v}" for k, v in params.items() if k != "include_adult"))
        return await _results(session, "discover/tv", params, label, limit)

    return tidy.series_results(session.run(work)).head(limit).reset_index(drop=True)


def checked_query(query: object) -> str:
    """``query`` without surrounding spaces, or an :class:`InvalidQueryError` saying what is wrong.

    Refused: anything but a string, nothing but spaces, more than :data:`MAX_QUERY_LENGTH`
    characters, control characters (a newline or escape pasted with a name).
    """
    if not isinstance(query, str):
        raise InvalidQueryError(f"a series name must be text, not {type(query).__name__}")
    text = query.strip(" ")
    if not text:
        raise InvalidQueryError("the series name is empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQueryError(
            f"the series name is {len(text):,} characters long; at most {MAX_QUERY_LENGTH} are "
            "accepted (no title is longer)"
        )
    control = next((c for c in text if unicodedata.category(c) in ("Cc", "Cs")), None)
    if control is not None:
        raise InvalidQueryError(
            f"the series name contains a control character ({control!r}); type it on one line"
        )
    return text


class _Session:
    """One call's requests: each answered from the cache while fresh, else by TMDB, then cached."""

    def __init__(
        self,
        settings: Settings | None,
        *,
        language: str | None,
        offline: bool | None,
        refresh: bool,
        transport: httpx.AsyncBaseTransport | None,
        retry: RetryPolicy | None,
    ) -> None:
        self.settings = (settings or Settings.from_env()).with_overrides(
            language=language, offline=offline
        )
        self.refresh = refresh
        self.transport = transport
        self.retry = retry
        self.cache = RawCache(self.settings.cache_dir)
        self.blocked = self.settings.fetch_blocked()
        if refresh and self.blocked is not None:
            raise ConfigError(f"refresh=True needs to ask TMDB, but {self.blocked}")
        self.stale: list[str] = []
        self._client: AsyncTMDBClient | None = None
        self._stack: contextlib.AsyncExitStack | None = None
        self._opening: asyncio.Lock | None = None

    def run(self, work: Callable[[], Awaitable[T]]) -> T:
        """``work()`` run to completion with the client it may open closed at the end."""

        async def within() -> T:
            async with contextlib.AsyncExitStack() as stack:
                self._stack, self._opening = stack, asyncio.Lock()
                return await work()

        result = run_sync(within())
        # Warned here, in the caller's thread, so a notebook shows it with its cell.
        if self.stale:
            warnings.warn(
                f"using {len(self.stale)} search response(s) cached more than "
                f"{SEARCH_TTL.days} day ago ({', '.join(self.stale)}), since {self.blocked}",
                StaleDataWarning,
                stacklevel=3,
            )
        return result

    async def get(
        self,
        endpoint: str,
        path: str,
        params: Mapping[str, str | int],
        check: Callable[[Any, str], dict[str, Any]],
    ) -> dict[str, Any]:
        """``endpoint?params``, cached as ``path``; ``check(payload, where)`` vets the payload."""
        language = self.settings.language
        entry = None if self.refresh else self.cache.read(path, language)
        if entry is not None and (entry.is_fresh(SEARCH_TTL) or self.blocked is not None):
            if not entry.is_fresh(SEARCH_TTL):
                self.stale.append(path)
            return check(entry.payload(), str(entry.path))
        if self.blocked is not None:
            raise OfflineMissError(
                f"{self.blocked}, and this search ({path}, {language}) is not in the cache "
                f"({self.settings.cache_dir}): searching TMDB needs TMDB_API_TOKEN set to your "
                "API Read Access Token (themoviedb.org > Settings > API), with offline mode off.",
                missing=[path],
            )
        client = await self._connected()
        response = await client.get(endpoint, language=language, params=params)
        payload = check(response.payload, response.url)
        self.cache.keep(response, api_path=path)
        return payload

    async def _connected(self) -> AsyncTMDBClient:
        """The client, opened by the first request that needs it (pages run concurrently)."""
        assert self._stack is not None and self._opening is not None, "only within run()"
        async with self._opening:
            if self._client is None:
                self._client = await self._stack.enter_async_context(
                    AsyncTMDBClient(self.settings, transport=self.transport, retry=self.retry)
                )
        return self._client


async def _results(
    session: _Session, endpoint: str, params: Mapping[str, str | int], label: str, limit: int
) -> list[Any]:
    """The ``results`` of as many pages of ``endpoint?params`` as ``limit`` needs, in order."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    key = f"{endpoint}/{label}-{digest[:10]}"

    async def page(number: int) -> dict[str, Any]:
        return await session.get(
            endpoint, f"{key}_p{number}", {**params, "page": number}, _checked_page
        )

    first = await page(1)
    wanted = min(math.ceil(limit / PAGE_SIZE), first["total_pages"], MAX_PAGE)
    # Pages may fail independently; every one is awaited before the first error is raised,
    # so none is left running when the client closes.
    rest = await asyncio.gather(*(page(n) for n in range(2, wanted + 1)), return_exceptions=True)
    error = next((r for r in rest if isinstance(r, BaseException)), None)
    if error is not None:
        raise error
    return [item for answer in (first, *rest) for item in answer["results"]]


async def _genre_ids(session: _Session, genres: list[int | str]) -> list[int]:
    """Genre ids, names among them looked up in TMDB's TV genre list (one request, cached)."""
    names = [g for g in genres if isinstance(g, str)]
    if not names:
        return [g for g in genres if isinstance(g, int)]
    listed = await session.get("genre/tv/list", "genre/tv/list", {}, _checked_genres)
    by_name = {name_key(g["name"]): g["id"] for g in listed["genres"]}
    unknown = [n for n in names if name_key(n) not in by_name]
    if unknown:
        raise InvalidQueryError(
            f"no TV genre is named {', '.join(map(repr, unknown))} on TMDB; its TV genres are "
            f"{', '.join(g['name'] for g in listed['genres'])}"
        )
    return [g if isinstance(g, int) else by_name[name_key(g)] for g in genres]


def _checked_page(payload: Any, where: str) -> dict[str, Any]:
    ok = (
        isinstance(payload, dict)
        and isinstance(payload.get("results"), list)
        and isinstance(payload.get("total_pages"), int)
    )
    if not ok:
        raise PayloadError(
            f"{where} is not a page of results (a JSON object with a 'results' list and an "
            "integer 'total_pages')"
        )
    return payload


def slug(text: str) -> str:
    """``text`` folded to ASCII, lowercased, other characters as hyphens, at most 40 long."""
    return slugify(text)[:_SLUG_LENGTH].strip("-") or "q"


def _limit(limit: object, advice: str) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InvalidQueryError(
            f"limit must be a whole number from 1 to {MAX_RESULTS:,}, not {limit!r}"
        )
    if limit > MAX_RESULTS:
        raise InvalidQueryError(
            f"limit {limit:,} is past what TMDB serves for one query ({MAX_RESULTS:,} results: "
            f"{MAX_PAGE} pages of {PAGE_SIZE}); {advice}"
        )
    return limit


def _year(value: int | str | None) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{4}", text):
        raise InvalidQueryError(f"a year is four digits, e.g. 2011; got {value!r}")
    year = int(text)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise InvalidQueryError(f"year {year} is outside {_FIRST_YEAR}-{_LAST_YEAR}")
    return year


def _ids(values: int | str | Iterable[int | str], what: str) -> list[int]:
    items = [values] if isinstance(values, int | str) else list(values)
    ids: list[int] = []
    for item in items:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdecimal() or int(text) <= 0:
            raise InvalidQueryError(
                f"a {what} is given by its TMDB id, a positive whole number "
                f"(themoviedb.org/{what}/49); got {item!r}"
            )
        ids.append(int(text))
    if not ids:
        raise InvalidQueryError(f"no {what} id given")
    return ids


def _genres(values: int | str | Iterable[int | str]) -> list[int | str]:
    """Genre ids (digits become ids) and names, checked; names are looked up later."""
    items = [values] if isinstance(values, int | str) else list(values)
    checked: list[int | str] = []
    for item in items:
        text = item.strip() if isinstance(item, str) else None
        if text is not None and text and not text.isdecimal():
            checked.append(checked_query(text))
        else:
            checked.extend(_ids([item], "genre"))
    if not checked:
        raise InvalidQueryError("no genre given")
    return checked


def _checked_genres(payload: Any, where: str) -> dict[str, Any]:
    genres = payload.get("genres") if isinstance(payload, dict) else None
    ok = isinstance(genres, list) and all(
        isinstance(g, dict) and isinstance(g.get("id"), int) and isinstance(g.get("name"), str)
        for g in genres
    )
    if not ok:
        raise PayloadError(f"{where} is not TMDB's genre list (a 'genres' list of ids and names)")
    return payload


def _day(value: str | date | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidQueryError(f"{name} must be a day as YYYY-MM-DD, got {value!r}") from None


def _code(value: str, pattern: re.Pattern[str], name: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
        raise InvalidQueryError(f"{name} must be a code like 'GB' or 'en', got {value!r}")
    return value.strip()


def _sort_by(value: str) -> str:
    key, _, direction = str(value).rpartition(".")
    if key not in SORT_KEYS or direction not in ("asc", "desc"):
        raise InvalidQueryError(
            f"sort_by must be one of {', '.join(SORT_KEYS)} followed by .asc or .desc "
            f"(e.g. popularity.desc), got {value!r}"
        )
    return f"{key}.{direction}"
