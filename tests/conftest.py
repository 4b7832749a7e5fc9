"""Shared fixtures: every test runs with no way out to the internet and a private environment."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_tmdb import TOKEN, FakeTMDB


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a host other than this machine."""


def _is_local(host: Any) -> bool:
    if host in (None, "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any connection (or name lookup) outside 127.0.0.1 / ::1 raise.

    The error is a RuntimeError, which httpx does not turn into a retryable ConnectError, so a
    test that leaks a request fails at once and says where it tried to go.
    """
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise NetworkBlockedError(f"tests must not reach the network: connect to {address!r}")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host.decode() if isinstance(host, bytes) else host):
            raise NetworkBlockedError(f"tests must not reach the network: lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def _private_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No token, no base URL, no offline switch from the caller; the cache in ``tmp_path``.

    Returns the cache directory. A test that needs a token sets ``TMDB_API_TOKEN`` itself.
    """
    for name in list(os.environ):
        if name.startswith(("TMDB_", "CREDITS_ANALYSIS_")):
            monkeypatch.delenv(name)
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(cache_dir))
    return cache_dir


@pytest.fixture
def cache_dir(_private_environment: Path) -> Path:
    """The test's cache directory (``CREDITS_ANALYSIS_CACHE_DIR``)."""
    return _private_environment


@pytest.fixture
def fake_tmdb() -> FakeTMDB:
    """A fresh fake TMDB (see tests/fake_tmdb.py); use ``.transport()`` for in-process tests."""
    return FakeTMDB()


@pytest.fixture
def fake_tmdb_url(fake_tmdb: FakeTMDB) -> Iterator[str]:
    """``fake_tmdb`` served on 127.0.0.1; the base URL to give as ``TMDB_API_BASE_URL``."""
    with fake_tmdb.serve() as base_url:
        yield base_url


@pytest.fixture
def online(fake_tmdb_url: str, fake_tmdb: FakeTMDB, monkeypatch: pytest.MonkeyPatch) -> FakeTMDB:
    """The environment pointed at ``fake_tmdb`` on 127.0.0.1, with its token and no retries."""
    monkeypatch.setenv("TMDB_API_TOKEN", TOKEN)
    monkeypatch.setenv("TMDB_API_BASE_URL", fake_tmdb_url)
    monkeypatch.setenv("CREDITS_ANALYSIS_TIMEOUT", "5")
    monkeypatch.setenv("CREDITS_ANALYSIS_MAX_RETRIES", "0")
    return fake_tmdb
