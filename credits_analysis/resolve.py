"""Which series a user means: a TMDB id, a slug, a themoviedb.org address, or a name.

Read locally, with no request:

- an id: ``1399`` (or any integer, numpy's included). A title made of digits alone (``24``) is
  read as an id too: find its id with :func:`~credits_analysis.search.search_series`;
- a slug, as in TMDB's addresses: ``1399-game-of-thrones`` (digits, a hyphen, no spaces);
- an address: ``https://www.themoviedb.org/tv/1399-game-of-thrones`` and anything below it
  (``/season/2``), with or without ``https://`` and ``www.``. Addresses of a movie, a person or
  anything else on themoviedb.org, and addresses of other sites, are refused.

Any other text is a name. With a token (and offline mode off) it is searched on TMDB (one
page, cached for a day): an exact match, ignoring case and accents (``"elite"`` is
``"Élite"``), of the name or original name is used when there is one; else the only result,
if there is one. Offline or without a token, names resolve only among the bundled series (the
synthetic demo series and the recorded samples) and the series whose details are in the cache,
and only exactly; a name's trailing parenthesis may be left out (``"St. Brigid's"``).
"""

from __future__ import annotations

import logging
import operator
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pandas as pd

from credits_analysis import samples, tidy
from credits_analysis._resources import data_dir
from credits_analysis.cache import RawCache
from credits_analysis.config import Settings
from credits_analysis.endpoints import MAX_TMDB_ID
from credits_analysis.errors import (
    AmbiguousSeriesError,
    InvalidQueryError,
    OfflineMissError,
    PayloadError,
    SeriesNotFoundError,
)
from credits_analysis.search import checked_query, name_key, search_series, slug
from credits_analysis.sources import RECORDED_SAMPLES
from credits_analysis.tmdb import RetryPolicy

__all__ = [
    "ResolvedSeries",
    "name_key",
    "parse_reference",
    "reference_example",
    "resolve_series",
]

logger = logging.getLogger(__name__)

#: Candidates an ambiguity error lists.
MAX_CANDIDATES = 10
# Results a name is looked for among: one page.
_SEARCHED = 20
_INTEGER = re.compile(r"[+-]?\d+")
_SLUG = re.compile(r"(\d+)-\S*")
# Starts with a host name followed by a path: "themoviedb.org/tv/1399", "imdb.com/title/...".
_HOST_AND_PATH = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/")
_TMDB_HOST = "themoviedb.org"
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)$")
# The API path of a series' details (its seasons and searches have longer paths).
_DETAILS_PATH = re.compile(r"tv/\d+")


@dataclass(frozen=True)
class ResolvedSeries:
    """The series a reference points to.

    Attributes
    ----------
    series_id : int
        The TMDB id.
    given : str
        The reference as given.
    how : str
        ``id``, ``slug``, ``address`` (read locally), ``name`` (an exact match), or ``only
        result`` (the one series a search found).
    name : str | None
        The series' name, when it was looked up (not for ids, slugs and addresses).
    year : int | None
        Year first aired, when known.
    countries : str | None
        Origin countries (``"US"``, ``"US, GB"``), when known.
    """

    series_id: int
    given: str
    how: str
    name: str | None = None
    year: int | None = None
    countries: str | None = None

    def label(self) -> str:
        """``The Wire (2002, US)``: the name with what is known of year and countries."""
        known = ", ".join(str(x) for x in (self.year, self.countries) if x is not None)
        return f"{self.name} ({known})" if known else f"{self.name}"

    def message(self) -> str:
        """One line saying what a name resolved to.

        ``"the wire" -> The Wire (2002, US), TMDB id 1438``.
        """
        return f'"{self.given}" -> {self.label()}, TMDB id {self.series_id}'


def parse_reference(reference: object) -> tuple[int, str] | None:
    """The series id of an id, slug or address, and which of the three it was; None for a name.

    Raises
    ------
    InvalidQueryError
        An id that is not a positive number, an address of something other than a TV series
        on themoviedb.org, or a name refused by :func:`credits_analysis.search.checked_query`.
    """
    if not isinstance(reference, str):
        if isinstance(reference, bool):
            raise InvalidQueryError(
                f"a series is an id, a slug, an address or a name, not {reference!r}"
            )
        try:
            return _series_id(operator.index(reference), reference), "id"  # type: ignore[arg-type]
        except TypeError:
            raise InvalidQueryError(
                f"a series is an id, a slug, an address or a name, not a {type(reference).__name__}"
            ) from None
    text = checked_query(reference)
    if _INTEGER.fullmatch(text):
        return _series_id(int(text), text), "id"
    slugged = _SLUG.fullmatch(text)
    if slugged:
        return _series_id(int(slugged[1]), text), "slug"
    if "://" in text or text.startswith("/") or _HOST_AND_PATH.match(text):
        return _address_id(text), "address"
    return None


def resolve_series(
    reference: int | str,
    *,
    language: str | None = None,
    offline: bool | None = None,
    settings: Settings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> ResolvedSeries:
    """The series ``reference`` points to (see the module docstring for the forms it takes).

    Parameters
    ----------
    reference
        ``1399``, ``"1399-game-of-thrones"``, ``"https://www.themoviedb.org/tv/1399"`` or a
        name, ``"Game of Thrones"``.
    language
        Of the search (names are matched in it and in the original language).
    offline
        Never touch the network; default ``settings.offline``.
    settings, transport, retry
        As for :func:`credits_analysis.search.search_series`.

    Returns
    -------
    ResolvedSeries
        Its ``.series_id``; ``.message()`` says what a name resolved to.

    Raises
    ------
    InvalidQueryError
        A reference that cannot be read (see :func:`parse_reference`); no request is made.
    AmbiguousSeriesError
        Several series match and no single one exactly; ``.candidates`` lists up to ten.
    SeriesNotFoundError
        No series matches on TMDB.
    OfflineMissError
        Offline or without a token, no bundled or cached series has that name.
    TMDBError
        The search failed.
    """
    parsed = parse_reference(reference)
    if parsed is not None:
        return ResolvedSeries(parsed[0], str(reference), parsed[1])
    query = checked_query(reference)
    settings = (settings or Settings.from_env()).with_overrides(language=language, offline=offline)
    blocked = settings.fetch_blocked()
    if blocked:
        resolved = _offline(query, settings, blocked)
    else:
        found = search_series(
            query, limit=_SEARCHED, settings=settings, transport=transport, retry=retry
        )
        resolved = _pick(query, found)
    logger.info("%s", resolved.message())
    return resolved


def known_series(settings: Settings) -> pd.DataFrame:
    """The series whose details are at hand without a request, as a search-results table.

    The bundled demo series, the recorded samples that :func:`credits_analysis.load_series`
    serves, and every series whose details are in the cache (any language, any age), in that
    order; a series appears once.
    """
    details: list[Any] = [
        samples.load(name)
        for path, name in RECORDED_SAMPLES.items()
        if _DETAILS_PATH.fullmatch(path)
    ]
    for store in (RawCache(data_dir() / "demo", read_only=True), RawCache(settings.cache_dir)):
        # Only the details are read: seasons, the biggest entries, are not checksummed for nothing.
        for entry in store.entries(_DETAILS_PATH):
            try:
                details.append(entry.payload())
            except PayloadError:
                continue  # a damaged entry: loading it would fail the same way
    usable = [d for d in details if isinstance(d, dict) and isinstance(d.get("name"), str)]
    return tidy.series_results(usable)


def _offline(query: str, settings: Settings, blocked: str) -> ResolvedSeries:
    known = known_series(settings)
    named = _named(query, known, drop_parenthesis=True)
    if named is not None:
        return named
    raise OfflineMissError(
        f'{blocked}, and no bundled or cached series is named "{query}" (offline, names resolve '
        f"among: {_listing(known, 5)}). Searching TMDB by name needs TMDB_API_TOKEN set to your "
        "API Read Access Token with offline mode off; or give the series' id or address "
        "(themoviedb.org/tv/1399-game-of-thrones).",
        missing=["search/tv"],
    )


def _pick(query: str, found: pd.DataFrame) -> ResolvedSeries:
    """The one series of the search results ``found`` that ``query`` means."""
    named = _named(query, found)
    if named is not None:
        return named
    if len(found) == 1:
        return _resolved(query, found.iloc[0], "only result")
    if found.empty:
        raise SeriesNotFoundError(
            f'TMDB has no series named "{query}": check the spelling, try fewer words, or '
            "`credits-analysis search` part of the name"
        )
    raise _ambiguous(query, found, more=len(found) == _SEARCHED)


def _named(
    query: str, series: pd.DataFrame, *, drop_parenthesis: bool = False
) -> ResolvedSeries | None:
    """The one series of a search-results table named ``query`` (or originally so); None if
    none is. ``drop_parenthesis``: "Shōgun (2024)" is also named "Shōgun".

    Raises
    ------
    AmbiguousSeriesError
        Several are.
    """
    key = name_key(query)
    exact = series[
        [
            key in (name_key(n), name_key(o))
            or (drop_parenthesis and key == name_key(_TRAILING_PARENTHESIS.sub("", n)))
            for n, o in zip(
                series["name"].fillna(""), series["original_name"].fillna(""), strict=True
            )
        ]
    ]
    if len(exact) > 1:
        raise _ambiguous(query, exact)
    return _resolved(query, exact.iloc[0], "name") if len(exact) == 1 else None


def reference_example(row: pd.Series) -> str:
    """How to name a series of a search-results table unambiguously: ``1399-game-of-thrones``."""
    return f"{row['series_id']}-{slug(str(row['name']))}"


def _resolved(query: str, row: pd.Series, how: str) -> ResolvedSeries:
    first = row["first_air_date"]
    return ResolvedSeries(
        series_id=int(row["series_id"]),
        given=query,
        how=how,
        name=row["name"] if not pd.isna(row["name"]) else None,
        year=None if pd.isna(first) else first.year,
        countries=None if pd.isna(row["origin_country"]) else row["origin_country"],
    )


def _ambiguous(query: str, candidates: pd.DataFrame, *, more: bool = False) -> AmbiguousSeriesError:
    """The error listing ``candidates``; ``more``: the search may have found more than these."""
    shown = candidates.head(MAX_CANDIDATES).reset_index(drop=True)
    first = shown.iloc[0]
    example = reference_example(first)
    return AmbiguousSeriesError(
        f'"{query}" matches {len(candidates)}{" or more" if more else ""} series: '
        f"{_listing(shown, MAX_CANDIDATES)}. Give the TMDB id or slug of the one you mean, e.g. "
        f"{first['series_id']} or {example}",
        query=query,
        candidates=shown,
        total=len(candidates),
        more=more,
    )


def _listing(frame: pd.DataFrame, most: int) -> str:
    """``1438 The Wire (2002, US); ...``: ``most`` rows of a search-results table."""
    rows = [
        f"{row['series_id']} {_resolved('', row, '').label()}"
        for _, row in frame.head(most).iterrows()
    ]
    return "; ".join(rows) + ("; ..." if len(frame) > most else "")


def _series_id(value: int, given: object) -> int:
    if not 0 < value <= MAX_TMDB_ID:
        raise InvalidQueryError(
            f"a TMDB series id is a positive number (at most {MAX_TMDB_ID}), not {given}"
        )
    return value


def _address_id(text: str) -> int:
    """The series id of a themoviedb.org address; anything else is refused."""
    url = urlsplit(text if "://" in text or text.startswith("/") else f"https://{text}")
    host = (url.hostname or _TMDB_HOST).lower()
    if host != _TMDB_HOST and not host.endswith(f".{_TMDB_HOST}"):
        raise InvalidQueryError(
            f"{text} is not a themoviedb.org address; a series address looks like "
            "https://www.themoviedb.org/tv/1399-game-of-thrones"
        )
    segments = [s for s in url.path.split("/") if s]
    kind = segments[0] if segments else ""
    if kind == "tv" and len(segments) > 1:
        number = _SLUG.fullmatch(segments[1]) or re.fullmatch(r"(\d+)", segments[1])
        if number:
            return _series_id(int(number[1]), text)
    what = f"a {kind}" if kind and kind != "tv" else "no series"
    raise InvalidQueryError(
        f"{text} is the address of {what}, not of a TV series; a series address looks like "
        "https://www.themoviedb.org/tv/1399-game-of-thrones"
    )
