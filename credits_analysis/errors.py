"""Exception and warning types.

Every error says what went wrong and what to do next. None of them ever holds a credential:
URLs are stored without query strings that could carry one, and the token is never formatted
into a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credits_analysis.records import SeriesCredits
from typing import Any

__all__ = [
    "AmbiguousSeriesError",
    "AuthError",
    "BadResponseError",
    "ClientRequestError",
    "ConfigError",
    "CorpusChangedError",
    "CreditsAnalysisError",
    "DataQualityWarning",
    "InvalidQueryError",
    "NetworkError",
    "NotFoundError",
    "OfflineMissError",
    "PartialLoadWarning",
    "PayloadError",
    "RateLimitedError",
    "SeriesNotFoundError",
    "ServerError",
    "StaleDataWarning",
    "TMDBError",
]


class CreditsAnalysisError(Exception):
    """Base class of every error raised by credits_analysis.

    Attributes
    ----------
    partial : SeriesCredits | None
        Set on the error :func:`~credits_analysis.load_series` raises (and a
        :class:`~credits_analysis.SeriesOutcome` holds) when a series failed as a whole: what
        did load, the details if they did, and the failures. None on any other error.
    """

    partial: SeriesCredits | None = None


class ConfigError(CreditsAnalysisError, ValueError):
    """A setting is invalid (for example a v3 API key where the Read Access Token belongs)."""


class PayloadError(CreditsAnalysisError, ValueError):
    """A payload is not shaped like the TMDB response it claims to be."""


class TMDBError(CreditsAnalysisError):
    """A request to TMDB failed.

    Attributes
    ----------
    url : str | None
        The request URL without credentials.
    status : int | None
        The HTTP status, when a response arrived.
    tmdb_code : int | None
        TMDB's own ``status_code`` from the error body, when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        tmdb_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.tmdb_code = tmdb_code


class AuthError(TMDBError):
    """HTTP 401: the token is missing, wrong, expired or not allowed."""


class NotFoundError(TMDBError):
    """HTTP 404: no such series or season."""


class RateLimitedError(TMDBError):
    """HTTP 429 persisted after every retry."""


class ServerError(TMDBError):
    """HTTP 5xx persisted after every retry."""


class ClientRequestError(TMDBError):
    """HTTP 400/422 or another 4xx: the request itself is wrong; retrying cannot help."""


class NetworkError(TMDBError):
    """Timeouts or connection failures persisted after every retry."""


class BadResponseError(TMDBError, PayloadError):
    """A 2xx response whose body is not the JSON expected (HTML, truncated, not an object)."""


class OfflineMissError(CreditsAnalysisError):
    """Data was needed that neither the cache nor the bundled data holds, and no fetch was allowed.

    Attributes
    ----------
    missing : list[str]
        The API paths (``tv/1399/season/3/aggregate_credits``, ...) that were not found.
    """

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = list(missing)


class CorpusChangedError(CreditsAnalysisError):
    """A build or refresh replaced files an open corpus connection reads: open it again."""


class InvalidQueryError(CreditsAnalysisError, ValueError):
    """A series reference, search query or discover filter refused before any request."""


class SeriesNotFoundError(CreditsAnalysisError, LookupError):
    """A name matched no series (on TMDB, or offline among the bundled and cached ones)."""


class AmbiguousSeriesError(CreditsAnalysisError, LookupError):
    """A name matched several series and none exactly, or several exactly.

    Attributes
    ----------
    query : str
        The name as given.
    candidates : pandas.DataFrame
        Up to ten of them, in TMDB's order, with the columns of
        :data:`credits_analysis.schema.SEARCH_COLUMNS`.
    total : int
        How many series matched among those looked at (one page of search results).
    more : bool
        Whether the search found a full page, so that more series may match.
    """

    def __init__(
        self, message: str, *, query: str, candidates: Any, total: int, more: bool = False
    ) -> None:
        super().__init__(message)
        self.query = query
        self.candidates = candidates
        self.total = total
        self.more = more


class PartialLoadWarning(UserWarning):
    """Some seasons failed to load; the others were returned (see ``SeriesCredits.failures``)."""


class DataQualityWarning(UserWarning):
    """A payload value was outside what TMDB documents and was mapped as documented."""


class StaleDataWarning(UserWarning):
    """A cache entry older than its time-to-live was used (offline, no token, or TMDB failing)."""
