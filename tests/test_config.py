"""Settings: defaults, environment variables, arguments, validation, the token."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from credits_analysis._resources import checkout_root
from credits_analysis.config import DEFAULT_BASE_URL, MAX_CACHE_AGE, Settings
from credits_analysis.errors import ConfigError

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ0ZXN0In0.c2lnbmF0dXJl"
V3_KEY = "0123456789abcdef0123456789ABCDEF"


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDITS_ANALYSIS_CACHE_DIR")
    settings = Settings.from_env()
    # Every wait is bounded: TMDB's largest answers are a few MB and take seconds at most.
    assert (settings.max_response_mb, settings.request_deadline) == (32.0, 60.0)
    assert settings.max_retry_time == 300.0
    assert settings.token is None
    assert settings.base_url == DEFAULT_BASE_URL == "https://api.themoviedb.org/3"
    assert (settings.language, settings.offline) == ("en-US", False)
    assert (settings.requests_per_second, settings.max_connections) == (20.0, 8)
    root = checkout_root()
    assert root is not None  # the tests run from a checkout
    assert settings.cache_dir == root / "data" / "cache"


@pytest.mark.parametrize(
    ("variable", "value", "name", "expected"),
    [
        ("TMDB_API_TOKEN", f"  {JWT}\n", "token", JWT),
        ("TMDB_API_BASE_URL", "http://127.0.0.1:8080/3/", "base_url", "http://127.0.0.1:8080/3"),
        ("CREDITS_ANALYSIS_LANGUAGE", "fr-FR", "language", "fr-FR"),
        ("CREDITS_ANALYSIS_CACHE_DIR", "/srv/tmdb", "cache_dir", Path("/srv/tmdb")),
        ("CREDITS_ANALYSIS_OFFLINE", "yes", "offline", True),
        ("CREDITS_ANALYSIS_OFFLINE", "0", "offline", False),
        ("CREDITS_ANALYSIS_OFFLINE", " On ", "offline", True),
        ("CREDITS_ANALYSIS_RATE_LIMIT", "4.5", "requests_per_second", 4.5),
        ("CREDITS_ANALYSIS_MAX_CONNECTIONS", "3", "max_connections", 3),
        ("CREDITS_ANALYSIS_TIMEOUT", "2.5", "timeout", 2.5),
        ("CREDITS_ANALYSIS_MAX_RETRIES", "0", "max_retries", 0),
        ("CREDITS_ANALYSIS_TTL_ONGOING_HOURS", "1.5", "ttl_ongoing", timedelta(minutes=90)),
        ("CREDITS_ANALYSIS_TTL_ENDED_DAYS", "60", "ttl_ended", timedelta(days=60)),
        ("CREDITS_ANALYSIS_MAX_RESPONSE_MB", "4.5", "max_response_mb", 4.5),
        ("CREDITS_ANALYSIS_REQUEST_DEADLINE", "90", "request_deadline", 90.0),
        ("CREDITS_ANALYSIS_MAX_RETRY_TIME", "600", "max_retry_time", 600.0),
    ],
)
def test_each_environment_variable(variable: str, value: str, name: str, expected: Any) -> None:
    assert getattr(Settings.from_env({variable: value}), name) == expected


def test_blank_token_counts_as_none() -> None:
    assert Settings.from_env({"TMDB_API_TOKEN": "   "}).token is None


def test_arguments_override_the_environment_and_none_does_not() -> None:
    env = {"CREDITS_ANALYSIS_LANGUAGE": "de-DE", "CREDITS_ANALYSIS_OFFLINE": "1"}
    settings = Settings.from_env(env, language="it-IT", offline=None)
    assert (settings.language, settings.offline) == ("it-IT", True)
    assert Settings.from_env(env, offline=False).offline is False
    copy = settings.with_overrides(language=None, max_connections=2)
    assert (copy.language, copy.max_connections) == ("it-IT", 2)
    assert settings.max_connections == 8  # the original is unchanged


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDITS_ANALYSIS_MAX_RETRIES", "7")
    assert Settings.from_env().max_retries == 7


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CREDITS_ANALYSIS_RATE_LIMIT", "fast"),
        ("CREDITS_ANALYSIS_MAX_RESPONSE_MB", "lots"),
        ("CREDITS_ANALYSIS_MAX_CONNECTIONS", "1.5"),
        ("CREDITS_ANALYSIS_OFFLINE", "maybe"),
        ("CREDITS_ANALYSIS_TTL_ENDED_DAYS", "a month"),
        ("CREDITS_ANALYSIS_TTL_ENDED_DAYS", "inf"),
        ("CREDITS_ANALYSIS_TTL_ONGOING_HOURS", "nan"),
    ],
)
def test_unparseable_variable_is_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})


@pytest.mark.parametrize(
    ("variable", "value", "needle"),
    [
        ("CREDITS_ANALYSIS_RATE_LIMIT", "nan", "requests_per_second"),
        ("CREDITS_ANALYSIS_RATE_LIMIT", "inf", "requests_per_second"),
        ("CREDITS_ANALYSIS_TIMEOUT", "nan", "timeout"),
        ("CREDITS_ANALYSIS_TIMEOUT", "inf", "timeout"),
        ("CREDITS_ANALYSIS_CACHE_DIR", "", "cache_dir"),
        ("CREDITS_ANALYSIS_CACHE_DIR", "  ", "cache_dir"),
        ("CREDITS_ANALYSIS_MAX_RESPONSE_MB", "0", "max_response_mb"),
        ("CREDITS_ANALYSIS_MAX_RESPONSE_MB", "inf", "max_response_mb"),
        ("CREDITS_ANALYSIS_REQUEST_DEADLINE", "nan", "request_deadline"),
        ("CREDITS_ANALYSIS_REQUEST_DEADLINE", "-1", "request_deadline"),
        ("CREDITS_ANALYSIS_MAX_RETRY_TIME", "inf", "max_retry_time"),
        ("CREDITS_ANALYSIS_MAX_RETRY_TIME", "0", "max_retry_time"),
    ],
)
def test_values_that_parse_but_mean_nothing_are_refused(
    variable: str, value: str, needle: str
) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings.from_env({variable: value})


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"base_url": "api.themoviedb.org/3"}, "http"),
        ({"base_url": "https://"}, "http"),
        ({"base_url": "http://127.0.0.1:port/3"}, "not a valid URL"),
        ({"base_url": "http://[::1/3"}, "not a valid URL"),
        ({"requests_per_second": 0}, "requests_per_second"),
        ({"max_connections": 0}, "max_connections"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"ttl_ended": MAX_CACHE_AGE + timedelta(days=1)}, "ttl_ended"),
        ({"ttl_ongoing": timedelta(hours=-1)}, "ttl_ongoing"),
        ({"language": "../../etc"}, "language"),
        ({"language": "en_US"}, "language"),
        ({"language": ""}, "language"),
    ],
)
def test_invalid_values_are_refused(overrides: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings(**overrides)


@pytest.mark.parametrize("language", ["en", "en-US", "pt-BR", "zh-CN", "es-419"])
def test_languages_tmdb_takes_are_accepted(language: str) -> None:
    assert Settings(language=language).language == language


def test_cache_dir_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings(cache_dir="~/tmdb").cache_dir == tmp_path / "tmdb"


def test_authorization_is_a_bearer_header() -> None:
    assert Settings(token=JWT).authorization() == f"Bearer {JWT}"


def test_no_token_says_which_variable_to_set() -> None:
    with pytest.raises(ConfigError, match="set TMDB_API_TOKEN to your API Read Access Token"):
        Settings().authorization()


@pytest.mark.parametrize("key", [V3_KEY, V3_KEY.lower()])
def test_v3_key_is_recognised_and_not_echoed(key: str) -> None:
    with pytest.raises(ConfigError, match=r"v3 API key.*API Read Access Token") as caught:
        Settings(token=key).authorization()
    assert key not in str(caught.value)


@pytest.mark.parametrize(
    "base_url",
    ["https://me:s3cret-pw@proxy.example/3", "https://s3cret-pw@proxy.example/3"],
)
def test_base_url_with_user_info_is_refused_without_echoing_it(base_url: str) -> None:
    with pytest.raises(ConfigError, match="user name or password") as caught:
        Settings(base_url=base_url)
    assert "s3cret-pw" not in str(caught.value)


def exception_texts(error: BaseException) -> list[str]:
    """str, repr and args of ``error`` and of every exception in its cause/context chain."""
    texts: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen), *map(repr, seen.args)]
        seen = seen.__cause__ or seen.__context__
    return texts


@pytest.mark.parametrize(
    "token",
    [
        JWT[:20] + "é" + JWT[20:],
        JWT[:20] + " " + JWT[20:],
        JWT + "\u200b",
        JWT[:9] + "\x7f" + JWT[9:],
    ],
    ids=["accent", "space", "zero-width-space", "control"],
)
def test_token_with_characters_no_token_has_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(ConfigError, match="copy the API Read Access Token again") as caught:
        Settings(token=token).authorization()
    fragment = JWT[:20]
    assert all(fragment not in text for text in exception_texts(caught.value))


def test_repr_never_shows_the_token() -> None:
    settings = Settings(token=JWT)
    assert JWT not in repr(settings) and JWT not in str(settings)
    assert "token=<set>" in repr(settings)
    assert "token=None" in repr(Settings())
