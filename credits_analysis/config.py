"""Settings in one validated place: arguments override environment variables override defaults.

==============================  =====================================  ===========================
setting                         environment variable                   default
==============================  =====================================  ===========================
token                           ``TMDB_API_TOKEN``                     None (bundled data only)
base_url                        ``TMDB_API_BASE_URL``                  https://api.themoviedb.org/3
language                        ``CREDITS_ANALYSIS_LANGUAGE``          en-US
cache_dir                       ``CREDITS_ANALYSIS_CACHE_DIR``         ``data/cache`` in a checkout,
                                                                       else the user cache folder
offline                         ``CREDITS_ANALYSIS_OFFLINE``           False
requests_per_second             ``CREDITS_ANALYSIS_RATE_LIMIT``        20
max_connections                 ``CREDITS_ANALYSIS_MAX_CONNECTIONS``   8
timeout (seconds)               ``CREDITS_ANALYSIS_TIMEOUT``           10
max_retries                     ``CREDITS_ANALYSIS_MAX_RETRIES``       5
ttl_ongoing (hours)             ``CREDITS_ANALYSIS_TTL_ONGOING_HOURS``  24
ttl_ended (days)                ``CREDITS_ANALYSIS_TTL_ENDED_DAYS``    30
max_response_mb                 ``CREDITS_ANALYSIS_MAX_RESPONSE_MB``   32
request_deadline (seconds)      ``CREDITS_ANALYSIS_REQUEST_DEADLINE``  60
max_retry_time (seconds)        ``CREDITS_ANALYSIS_MAX_RETRY_TIME``    300
==============================  =====================================  ===========================

``timeout`` bounds each wait for the network (connecting, each read); ``request_deadline`` bounds
one whole attempt, so a server trickling a byte at a time cannot hold a request open;
``max_retry_time`` bounds everything one API path may take (attempts and the waits between them)
from its first attempt. ``max_response_mb`` caps a response's size after decompression: TMDB's
largest aggregate credits are a few MB, so anything near the cap is a broken or hostile server.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from credits_analysis._resources import checkout_root
from credits_analysis.errors import ConfigError

__all__ = [
    "DEFAULT_BASE_URL",
    "ENVIRONMENT_VARIABLES",
    "LANGUAGE_PATTERN",
    "MAX_CACHE_AGE",
    "Settings",
]

DEFAULT_BASE_URL = "https://api.themoviedb.org/3"
#: TMDB's terms, as cited by third parties, allow caching its content for at most six months.
MAX_CACHE_AGE = timedelta(days=182)

_V3_API_KEY = re.compile(r"[0-9a-fA-F]{32}")
# What an HTTP header value can carry verbatim: printable ASCII, no spaces.
_TOKEN_CHARACTERS = re.compile(r"[!-~]+")
#: ISO 639-1 with an optional ISO 3166-1 region, as TMDB takes them: "en", "en-US", "pt-BR".
#: Checked because the language is part of cache file names.
LANGUAGE_PATTERN = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,3})?")
#: The environment variable each setting is read from (:meth:`Settings.from_env`).
ENVIRONMENT_VARIABLES: Mapping[str, str] = MappingProxyType(
    {
        "token": "TMDB_API_TOKEN",
        "base_url": "TMDB_API_BASE_URL",
        "language": "CREDITS_ANALYSIS_LANGUAGE",
        "cache_dir": "CREDITS_ANALYSIS_CACHE_DIR",
        "offline": "CREDITS_ANALYSIS_OFFLINE",
        "requests_per_second": "CREDITS_ANALYSIS_RATE_LIMIT",
        "max_connections": "CREDITS_ANALYSIS_MAX_CONNECTIONS",
        "timeout": "CREDITS_ANALYSIS_TIMEOUT",
        "max_retries": "CREDITS_ANALYSIS_MAX_RETRIES",
        "ttl_ongoing": "CREDITS_ANALYSIS_TTL_ONGOING_HOURS",
        "ttl_ended": "CREDITS_ANALYSIS_TTL_ENDED_DAYS",
        "max_response_mb": "CREDITS_ANALYSIS_MAX_RESPONSE_MB",
        "request_deadline": "CREDITS_ANALYSIS_REQUEST_DEADLINE",
        "max_retry_time": "CREDITS_ANALYSIS_MAX_RETRY_TIME",
    }
)
_TTL_UNITS = {"ttl_ongoing": timedelta(hours=1), "ttl_ended": timedelta(days=1)}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _default_cache_dir() -> Path:
    root = checkout_root()
    if root is not None:
        return root / "data" / "cache"
    return Path(platformdirs.user_cache_dir("credits-analysis"))


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the client, the cache and the loader need; see the module table for sources.

    The token is kept out of ``repr`` and never written anywhere but the Authorization header.
    """

    token: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    language: str = "en-US"
    cache_dir: Path = field(default_factory=_default_cache_dir)
    offline: bool = False
    requests_per_second: float = 20.0
    max_connections: int = 8
    timeout: float = 10.0
    max_retries: int = 5
    ttl_ongoing: timedelta = timedelta(hours=24)
    ttl_ended: timedelta = timedelta(days=30)
    max_response_mb: float = 32.0
    request_deadline: float = 60.0
    max_retry_time: float = 300.0

    def __post_init__(self) -> None:
        if not str(self.cache_dir).strip():
            # Path("") is the working directory: the cache would land wherever Python runs.
            raise ConfigError("cache_dir must not be empty")
        object.__setattr__(self, "cache_dir", Path(self.cache_dir).expanduser())
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        _check_base_url(self.base_url)
        if not LANGUAGE_PATTERN.fullmatch(self.language):
            raise ConfigError(
                f"language must look like 'en-US' or 'fr' (ISO 639-1, optional region), "
                f"got {self.language!r}"
            )
        # NaN passes every comparison, so finiteness is checked first.
        if not _positive(self.requests_per_second) or self.max_connections < 1:
            raise ConfigError(
                "requests_per_second must be a finite number > 0 and max_connections >= 1"
            )
        if not _positive(self.timeout) or self.max_retries < 0:
            raise ConfigError("timeout must be a finite number > 0 and max_retries >= 0")
        for name in ("max_response_mb", "request_deadline", "max_retry_time"):
            if not _positive(getattr(self, name)):
                raise ConfigError(f"{name} must be a finite number > 0")
        for name in ("ttl_ongoing", "ttl_ended"):
            ttl = getattr(self, name)
            if not timedelta(0) <= ttl <= MAX_CACHE_AGE:
                raise ConfigError(f"{name} must be between 0 and {MAX_CACHE_AGE.days} days")

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "token"
        )
        return f"Settings(token={'<set>' if self.token else None}, {shown})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``env`` (default ``os.environ``), then apply non-None ``overrides``.

        Raises
        ------
        ConfigError
            If an environment variable cannot be parsed; the message names it.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, variable in ENVIRONMENT_VARIABLES.items():
            parse = _PARSERS[name]
            raw = env.get(variable)
            if raw is None or (name == "token" and not raw.strip()):
                continue
            try:
                values[name] = parse(raw)
            except (ValueError, OverflowError) as exc:  # timedelta(days=inf) overflows
                # The token is never parsed, so echoing the raw value here cannot leak it.
                raise ConfigError(f"{variable}={raw!r} is not valid: {exc}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The variables :meth:`from_env` reads these settings back from (unset ones left out).

        Holds the token when it is set: give it to a child process, never print it.
        """
        env: dict[str, str] = {}
        for name, variable in ENVIRONMENT_VARIABLES.items():
            value = getattr(self, name)
            if value is None:
                continue
            if name in _TTL_UNITS:
                value = repr(value / _TTL_UNITS[name])
            elif isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, float):
                value = repr(value)
            env[variable] = str(value)
        return env

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy with the non-None ``overrides`` applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def fetch_blocked(self) -> str | None:
        """Why TMDB cannot be asked with these settings, in words; None when it can."""
        if self.offline:
            return "offline mode is on"
        if not self.token:
            return "no TMDB_API_TOKEN is set"
        return None

    def authorization(self) -> str:
        """Return the ``Authorization`` header value.

        Raises
        ------
        ConfigError
            If no token is set, the token holds characters no token has (a space, a control
            or non-ASCII character: the message never shows it), or it is a 32-hex v3 API key
            rather than the v4 Read Access Token that Bearer auth needs.
        """
        if not self.token:
            raise ConfigError(
                "no TMDB token: set TMDB_API_TOKEN to your API Read Access Token "
                "(TMDB settings > API), or pass token=..."
            )
        if not _TOKEN_CHARACTERS.fullmatch(self.token):
            # Sent as is, it would fail in httpx with an error quoting the whole header.
            raise ConfigError(
                "TMDB_API_TOKEN holds a space, a control character or a non-ASCII character, "
                "which a TMDB token never has; copy the API Read Access Token again from TMDB "
                "settings > API, without anything around it"
            )
        if _V3_API_KEY.fullmatch(self.token):
            raise ConfigError(
                "TMDB_API_TOKEN looks like a v3 API key (32 hex characters); Bearer auth needs "
                "the longer 'API Read Access Token' from the same TMDB settings page"
            )
        return f"Bearer {self.token}"


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def _check_base_url(base_url: str) -> None:
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - parsing the port is what raises for a bad one
    except ValueError as exc:
        raise ConfigError(f"base_url is not a valid URL: {exc}") from None
    if "@" in parts.netloc:
        # httpx would send it to TMDB as Basic auth; never echoed, it may hold a password.
        raise ConfigError(
            "base_url must not hold a user name or password (user:password@host); the token "
            "is the only credential sent"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base_url must start with http:// or https://, got {base_url!r}")


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


# How each variable's text becomes its setting (the reverse of Settings.to_env).
_PARSERS: Mapping[str, Any] = MappingProxyType(
    {
        "token": str.strip,
        "base_url": str.strip,
        "language": str.strip,
        "cache_dir": str,  # checked as a path, unparsed
        "offline": _parse_bool,
        "requests_per_second": float,
        "max_connections": int,
        "timeout": float,
        "max_retries": int,
        "ttl_ongoing": lambda v: timedelta(hours=float(v)),
        "ttl_ended": lambda v: timedelta(days=float(v)),
        "max_response_mb": float,
        "request_deadline": float,
        "max_retry_time": float,
    }
)
