"""The raw response cache: layout, sidecar, atomic writes, patterns, TTL."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from credits_analysis import cache as cache_module
from credits_analysis.cache import RawCache
from credits_analysis.config import MAX_CACHE_AGE, Settings
from credits_analysis.endpoints import details_path, redact_url, season_credits_path
from credits_analysis.errors import PayloadError
from credits_analysis.sources import ttl_for_series

SEASON = season_credits_path(1399, 1)
URL = "https://api.themoviedb.org/3/tv/1399/season/1/aggregate_credits?language=en-US"
BODY = b'{"cast": [], "crew": [], "id": 3624}'
WHEN = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> RawCache:
    return RawCache(tmp_path / "cache")


def test_api_paths() -> None:
    assert details_path(1399) == "tv/1399"
    assert season_credits_path(1399, 0) == "tv/1399/season/0/aggregate_credits"


def test_paths_mirror_the_api_with_the_language_in_the_name(store: RawCache) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)
    store.write(details_path(1399), "fr-FR", b"{}", url=URL)
    files = sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*.json"))
    assert files == [
        "tv/1399.fr-FR.json",
        "tv/1399.fr-FR.meta.json",
        "tv/1399/season/1/aggregate_credits.en-US.json",
        "tv/1399/season/1/aggregate_credits.en-US.meta.json",
    ]


def test_write_then_read_keeps_the_body_and_its_metadata(store: RawCache) -> None:
    written = store.write(SEASON, "en-US", BODY, url=URL, status=203, fetched_at=WHEN)
    entry = store.read(SEASON, "en-US")
    assert entry == written
    assert entry is not None
    assert entry.path.read_bytes() == BODY
    assert entry.payload() == json.loads(BODY)
    assert (entry.url, entry.status, entry.fetched_at) == (URL, 203, WHEN)
    meta = json.loads(entry.path.with_name("aggregate_credits.en-US.meta.json").read_text())
    assert meta["language"] == "en-US" and meta["bytes"] == len(BODY)
    assert store.read(SEASON, "fr-FR") is None  # the language is part of the key


def test_sidecar_never_holds_credentials(store: RawCache) -> None:
    secret = "0123456789abcdef0123456789abcdef"
    url = f"https://user:{secret}@api.themoviedb.org/3/tv/1?api_key={secret}&language=en-US"
    entry = store.write(details_path(1), "en-US", b"{}", url=url)
    assert entry.url == "https://api.themoviedb.org/3/tv/1?language=en-US"
    for file in store.root.rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.themoviedb.org/3/tv/1?language=en-US", None),
        (
            "https://api.themoviedb.org/3/tv/1?api_key=k&language=de",
            "https://api.themoviedb.org/3/tv/1?language=de",
        ),
        ("http://me:pw@proxy:8080/3/tv/1", "http://proxy:8080/3/tv/1"),
        ("https://x/3?session_id=s&access_token=t&guest_session_id=g", "https://x/3"),
        ("https://x/3/tv/1#fragment", "https://x/3/tv/1"),
        ("https://x/3/tv/1?API_KEY=k&Access_Token=t&language=de", "https://x/3/tv/1?language=de"),
        ("http://[::1]:8080/3/tv/1?language=en-US", None),
        ("http://me:pw@[::1]/3/tv/1", "http://[::1]/3/tv/1"),
        ("https://x/3/tv/1?language=&page=2", None),
    ],
)
def test_redact_url(url: str, expected: str | None) -> None:
    assert redact_url(url) == (expected or url)


def test_incomplete_or_tampered_entries_read_as_absent(store: RawCache) -> None:
    entry = store.write(SEASON, "en-US", BODY, url=URL)
    sidecar = entry.path.with_name("aggregate_credits.en-US.meta.json")
    entry.path.write_bytes(BODY.replace(b"3624", b"3625"))  # same size, other bytes
    assert store.read(SEASON, "en-US") is None
    entry.path.write_bytes(BODY)
    assert store.read(SEASON, "en-US") is not None
    sidecar.write_text("{not json")
    assert store.read(SEASON, "en-US") is None
    sidecar.unlink()
    assert store.read(SEASON, "en-US") is None
    assert list(store.entries()) == []


@pytest.mark.parametrize(
    "sidecar",
    [
        [1, 2],
        "a string",
        {"bytes": len(BODY)},
        {"fetched_at": "2025-03-01T12:00:00"},
        {"fetched_at": 1740830400},
        {"url": None},
        {"status": "OK"},
    ],
    ids=["list", "string", "no-keys", "naive-time", "time-number", "url-null", "status-text"],
)
def test_malformed_sidecar_reads_as_absent(store: RawCache, sidecar: Any) -> None:
    entry = store.write(SEASON, "en-US", BODY, url=URL)
    meta_path = entry.path.with_name("aggregate_credits.en-US.meta.json")
    if isinstance(sidecar, dict) and "bytes" not in sidecar:
        sidecar = {**json.loads(meta_path.read_bytes()), **sidecar}  # one field spoiled
    meta_path.write_text(json.dumps(sidecar))
    assert store.read(SEASON, "en-US") is None
    assert list(store.entries()) == []
    assert sorted(store.leftovers()) == sorted([entry.path, meta_path])


def test_interrupted_overwrite_never_reads_as_a_mix(
    store: RawCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)
    real = cache_module.write_atomically

    def die_on_sidecar(path: Path, data: bytes, **options: Any) -> None:
        if path.name.endswith(".meta.json"):
            raise KeyboardInterrupt  # the process dies between the payload and sidecar renames
        real(path, data, **options)

    monkeypatch.setattr(cache_module, "write_atomically", die_on_sidecar)
    with pytest.raises(KeyboardInterrupt):
        store.write(SEASON, "en-US", b'{"cast": [1], "crew": [], "id": 1}', url=URL)
    assert store.read(SEASON, "en-US") is None


def test_interrupted_write_keeps_the_old_entry_and_no_temporary_file(
    store: RawCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)

    def die(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", die)
    with pytest.raises(KeyboardInterrupt):
        store.write(SEASON, "en-US", b"{}", url=URL)
    monkeypatch.undo()
    entry = store.read(SEASON, "en-US")
    assert entry is not None and entry.path.read_bytes() == BODY
    assert [p.name for p in store.root.rglob("*.tmp")] == []


def test_clear_all_sweeps_temporary_files_of_killed_writes(store: RawCache) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)
    leftover = store.path_for(SEASON, "en-US").with_name(".aggregate_credits.en-US.json.dead.tmp")
    leftover.write_bytes(b'{"cast": [')
    assert store.clear("tv/1399/*") == 1
    assert leftover.exists()
    assert store.clear() == 0
    assert not leftover.exists()


def test_clear_all_deletes_files_of_no_complete_entry_and_nothing_else(store: RawCache) -> None:
    kept = store.write(SEASON, "en-US", BODY, url=URL)
    orphan = store.write(details_path(1), "en-US", b"{}", url=URL).path
    orphan.with_name("1.en-US.meta.json").unlink()  # killed between the two renames
    widowed = store.write(details_path(2), "en-US", b"{}", url=URL).path
    widowed.unlink()  # a sidecar whose payload is gone
    tampered = store.write(details_path(3), "fr-FR", b"{}", url=URL).path
    tampered.write_bytes(b"[]")
    other = [store.root / "README.md", store.root / "tv" / "notes.json"]
    for file in other:
        file.write_text("not cache data")
    leftovers = [
        orphan,
        widowed.with_name("2.en-US.meta.json"),
        tampered,
        tampered.with_name("3.fr-FR.meta.json"),
    ]
    assert sorted(store.leftovers()) == sorted(leftovers)
    assert [e.api_path for e in store.entries()] == [SEASON]
    assert store.clear("tv/1") == 0 and orphan.exists()  # a pattern removes entries only
    assert store.clear() == 1
    assert sorted(p for p in store.root.rglob("*") if p.is_file()) == sorted(other)
    assert not kept.path.exists()


def test_read_only_store_refuses_changes(store: RawCache) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)
    frozen = RawCache(store.root, read_only=True)
    assert frozen.read(SEASON, "en-US") is not None
    with pytest.raises(PermissionError):
        frozen.write(SEASON, "en-US", BODY, url=URL)
    with pytest.raises(PermissionError):
        frozen.clear()
    assert frozen.read(SEASON, "en-US") is not None


def test_entries_and_clear_by_pattern(store: RawCache) -> None:
    for path in (
        details_path(1),
        season_credits_path(1, 1),
        season_credits_path(1, 2),
        details_path(2),
    ):
        for language in ("en-US", "fr-FR"):
            store.write(path, language, b"{}", url=URL)

    def keys(pattern: str) -> list[str]:
        return sorted(f"{e.api_path}.{e.language}" for e in store.entries(pattern))

    assert len(keys("*")) == 8
    assert keys("tv/1/season/*") == [
        f"{season_credits_path(1, n)}.{lang}" for n in (1, 2) for lang in ("en-US", "fr-FR")
    ]
    assert keys("*.fr-FR") == [
        f"{p}.fr-FR"
        for p in sorted(
            [details_path(1), season_credits_path(1, 1), season_credits_path(1, 2), details_path(2)]
        )
    ]
    assert keys("tv/2") == ["tv/2.en-US", "tv/2.fr-FR"]
    size = store.size_bytes()
    assert store.clear("tv/1/season/*") == 4
    assert store.size_bytes() < size
    assert keys("*") == ["tv/1.en-US", "tv/1.fr-FR", "tv/2.en-US", "tv/2.fr-FR"]
    assert store.clear() == 4
    assert keys("*") == [] and store.size_bytes() == 0


def test_missing_root_is_empty(tmp_path: Path) -> None:
    store = RawCache(tmp_path / "never-created")
    assert list(store.entries()) == [] and store.size_bytes() == 0
    assert store.read(SEASON, "en-US") is None


def test_non_json_body_is_stored_as_received_and_reported_on_parse(store: RawCache) -> None:
    entry = store.write(SEASON, "en-US", b"<html>", url=URL)
    with pytest.raises(PayloadError, match="not valid JSON"):
        entry.payload()


def test_freshness_is_capped_at_six_months(store: RawCache) -> None:
    entry = store.write(SEASON, "en-US", BODY, url=URL, fetched_at=WHEN)
    assert entry.age(WHEN + timedelta(hours=5)) == timedelta(hours=5)
    assert entry.is_fresh(timedelta(hours=5), now=WHEN + timedelta(hours=5))
    assert not entry.is_fresh(timedelta(hours=5), now=WHEN + timedelta(hours=5, seconds=1))
    later = WHEN + MAX_CACHE_AGE + timedelta(days=1)
    assert not entry.is_fresh(timedelta(days=3650), now=later)


@pytest.mark.parametrize(
    ("details", "ongoing"),
    [
        ({"status": "Ended", "in_production": False}, False),
        ({"status": "Canceled", "in_production": False}, False),
        ({"status": "Returning Series", "in_production": True}, True),
        ({"status": "Ended", "in_production": True}, True),
        ({"status": "In Production"}, True),
        ({"status": "Planned"}, True),
        ({}, True),  # unknown: it may still change
        ({"status": "Ended"}, True),
        ({"status": "Canceled", "in_production": None}, True),
        ({"status": "A status TMDB adds later", "in_production": False}, True),
    ],
)
def test_ttl_is_short_while_a_series_is_in_production(
    details: dict[str, Any], ongoing: bool
) -> None:
    settings = Settings(ttl_ongoing=timedelta(hours=6), ttl_ended=timedelta(days=90))
    expected = timedelta(hours=6) if ongoing else timedelta(days=90)
    assert ttl_for_series(details, settings) == expected
