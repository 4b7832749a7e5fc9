"""The TMDB API paths this package reads, and URLs made safe to show or store.

One place for both, so the client, the cache, the loader and the tests build the same paths, and
every URL that reaches a message, a log or a sidecar is redacted the same way.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["CREDENTIAL_PARAMS", "details_path", "redact_url", "season_credits_path"]

#: Query parameters that can carry a credential (matched in any case); never shown or stored.
CREDENTIAL_PARAMS = frozenset({"api_key", "access_token", "session_id", "guest_session_id"})


def details_path(series_id: int) -> str:
    """API path of a series' details: ``tv/{series_id}``."""
    return f"tv/{int(series_id)}"


def season_credits_path(series_id: int, season_number: int) -> str:
    """API path of a season's aggregate credits."""
    return f"tv/{int(series_id)}/season/{int(season_number)}/aggregate_credits"


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
