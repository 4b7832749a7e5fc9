"""The TMDB API paths this package reads, and URLs made safe to show or store.

One place for both, so the client, the cache, the loader and the tests build the same paths, and
every URL that reaches a message, a log or a sidecar is redacted the same way.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "CREDENTIAL_PARAMS",
    "MAX_TMDB_ID",
    "SEASON_APPEND",
    "details_path",
    "redact_url",
    "request_params",
    "season_credits_path",
    "season_path",
    "superseded_paths",
]

#: TMDB ids are far below this; a larger number is a paste of something else.
MAX_TMDB_ID = 2**31 - 1
#: Query parameters that can carry a credential (matched in any case); never shown or stored.
CREDENTIAL_PARAMS = frozenset({"api_key", "access_token", "session_id", "guest_session_id"})


def details_path(series_id: int) -> str:
    """API path of a series' details: ``tv/{series_id}``."""
    return f"tv/{int(series_id)}"


def season_credits_path(series_id: int, season_number: int) -> str:
    """API path of a season's aggregate credits alone.

    No longer requested (see :func:`season_path`); cache entries stored under it by earlier
    versions still serve a season's cast and crew (see :func:`superseded_paths`).
    """
    return f"tv/{int(series_id)}/season/{int(season_number)}/aggregate_credits"


#: What a season request appends: its aggregate credits, in the same response.
SEASON_APPEND = "aggregate_credits"


def season_path(series_id: int, season_number: int) -> str:
    """API path of a season's details, requested with its aggregate credits appended.

    ``tv/{series_id}/season/{season_number}``: one request gives the episodes (with their crew
    and guest stars) and, under ``aggregate_credits``, the season's aggregate credits. The
    append is a query parameter (:func:`request_params`), so the path, and the cache entry
    mirroring it (``tv/1399/season/1.en-US.json``), carry none; the entry's sidecar records
    the URL asked, append included.
    """
    return f"tv/{int(series_id)}/season/{int(season_number)}"


_SEASON_PATH = re.compile(r"tv/(\d+)/season/(\d+)")


def request_params(api_path: str) -> dict[str, str]:
    """Query parameters ``api_path`` is always requested with, besides ``language``."""
    if _SEASON_PATH.fullmatch(api_path.strip("/")):
        return {"append_to_response": SEASON_APPEND}
    return {}


def superseded_paths(api_path: str) -> list[str]:
    """Paths of earlier versions whose cache entries still serve ``api_path``'s tables, best first.

    A season's aggregate-credits entry serves its cast and crew (its episodes are then absent),
    so a cache filled before episodes were loaded forces no re-fetch.
    """
    match = _SEASON_PATH.fullmatch(api_path.strip("/"))
    if match is None:
        return []
    return [season_credits_path(int(match[1]), int(match[2]))]


def redact_url(url: str) -> str:
    """Return ``url`` without user info, fragment or credential-carrying query parameters.

    Parameter names are matched in any case (``API_KEY`` too); the host is kept as written
    (an IPv6 address keeps its brackets).
    """
    parts = urlsplit(str(url))
    netloc = parts.netloc.rpartition("@")[2]
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in CREDENTIAL_PARAMS
        ]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
