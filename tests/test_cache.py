"""The raw response cache: layout, sidecar, atomic writes, patterns, TTL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
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


NEW_BODY = b'{"cast": [1], "crew": [], "id": 3624}'


def replace_failing_on_call(
    monkeypatch: pytest.MonkeyPatch, call: int, error: BaseException
) -> None:
    """Make the ``call``-th os.replace raise ``error`` (the process dying at that rename)."""
    real, calls = os.replace, []

    def replace(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == call:
            raise error
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("call", [1, 2])
def test_overwrite_killed_at_either_rename_keeps_the_old_entry(
    store: RawCache, monkeypatch: pytest.MonkeyPatch, call: int
) -> None:
    store.write(SEASON, "en-US", BODY, url=URL, fetched_at=WHEN)
    replace_failing_on_call(monkeypatch, call, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        store.write(SEASON, "en-US", NEW_BODY, url=URL)
    monkeypatch.undo()
    entry = store.read(SEASON, "en-US")
    assert entry is not None and entry.payload() == json.loads(BODY)
    assert entry.fetched_at == WHEN
    assert list(store.leftovers()) == []
    # The next write completes over the half-done one, and the entry is the new one.
    store.write(SEASON, "en-US", NEW_BODY, url=URL)
    entry = store.read(SEASON, "en-US")
    assert entry is not None and entry.payload() == json.loads(NEW_BODY)


def test_interrupted_overwrite_after_an_interrupted_one_keeps_the_oldest_entry(
    store: RawCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(SEASON, "en-US", BODY, url=URL, fetched_at=WHEN)
    for body in (NEW_BODY, b'{"cast": [2], "crew": [], "id": 3624}'):
        replace_failing_on_call(monkeypatch, 2, KeyboardInterrupt())
        with pytest.raises(KeyboardInterrupt):
            store.write(SEASON, "en-US", body, url=URL)
        monkeypatch.undo()
        entry = store.read(SEASON, "en-US")
        assert entry is not None and (entry.fetched_at, entry.path.read_bytes()) == (WHEN, BODY)


@pytest.mark.parametrize("failing", ["payload", "sidecar"])
def test_full_disk_while_writing_either_file_keeps_the_old_entry(
    store: RawCache, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)
    real_open = Path.open

    def full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        is_sidecar = ".meta.json." in self.name
        if "x" in mode and is_sidecar == (failing == "sidecar"):
            raise OSError(28, "No space left on device")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    with pytest.raises(OSError, match=r"(?i)no space"):
        store.write(SEASON, "en-US", NEW_BODY, url=URL)
    monkeypatch.undo()
    entry = store.read(SEASON, "en-US")
    assert entry is not None and entry.path.read_bytes() == BODY
    assert [p.name for p in store.root.rglob("*.tmp")] == []


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


# --- planted, skewed, linked and unreadable entries ---


@pytest.mark.parametrize("status", [500, 404, 302, 199])
def test_entry_recorded_with_a_status_other_than_2xx_is_not_served(
    store: RawCache, status: int
) -> None:
    entry = store.write(SEASON, "en-US", BODY, url=URL)
    sidecar = entry.path.with_name("aggregate_credits.en-US.meta.json")
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_bytes()), "status": status}))
    assert store.read(SEASON, "en-US") is None
    assert list(store.entries()) == []
    assert sorted(store.leftovers()) == sorted([entry.path, sidecar])


def test_entry_fetched_in_the_future_is_never_fresh(store: RawCache) -> None:
    future = datetime.now(UTC) + timedelta(days=3650)
    entry = store.write(SEASON, "en-US", BODY, url=URL, fetched_at=future)
    read = store.read(SEASON, "en-US")
    assert read == entry  # served (as stale data, when nothing better can be had) ...
    assert not read.is_fresh(MAX_CACHE_AGE)  # ... but never as fresh
    assert not read.is_fresh(timedelta(hours=1), now=future - timedelta(seconds=1))
    assert read.is_fresh(timedelta(hours=1), now=future)


def test_symbolic_link_inside_the_cache_never_takes_a_write_out_of_it(
    tmp_path: Path, store: RawCache
) -> None:
    outside = tmp_path / "outside"
    (outside / "1399").mkdir(parents=True)
    victim = outside / "1399.en-US.json"
    victim.write_bytes(b"precious")
    store.root.mkdir()
    (store.root / "tv").symlink_to(outside, target_is_directory=True)
    for api_path in (details_path(1399), SEASON, details_path(7)):
        with pytest.raises(PermissionError, match="symbolic link"):
            store.write(api_path, "en-US", BODY, url=URL)
    assert victim.read_bytes() == b"precious"
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == [
        "1399",
        "1399.en-US.json",
    ]


def test_cache_root_may_itself_be_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "disk").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "disk", target_is_directory=True)
    store = RawCache(tmp_path / "link")
    store.write(SEASON, "en-US", BODY, url=URL)
    assert (tmp_path / "disk" / f"{SEASON}.en-US.json").read_bytes() == BODY
    assert store.read(SEASON, "en-US") is not None


def test_unreadable_entry_is_neither_served_nor_a_leftover(
    store: RawCache, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    kept = store.write(details_path(1), "en-US", b"{}", url=URL)
    locked = store.write(SEASON, "en-US", BODY, url=URL).path
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        # Root reads any file whatever its mode, so a chmod cannot stand in for this.
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert store.read(SEASON, "en-US") is None
    assert "cannot read cache entry" in caplog.text and "Permission denied" in caplog.text
    assert [e.api_path for e in store.entries()] == [kept.api_path]
    assert list(store.leftovers()) == []
    assert sorted(store.unreadable()) == sorted([locked, locked.with_name(SIDECAR)])
    assert store.clear() == 1
    assert locked.exists()  # not ours to delete


def test_one_walk_reads_each_payload_once_and_sorts_every_file(
    store: RawCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write(details_path(1), "en-US", b"{}", url=URL)
    tampered = store.write(details_path(2), "en-US", b"{}", url=URL).path
    tampered.write_bytes(b"[]")
    locked = store.write(SEASON, "en-US", BODY, url=URL).path
    real_read = Path.read_bytes
    reads: list[Path] = []

    def read_bytes(self: Path) -> bytes:
        reads.append(self)
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    found = store.leftovers_and_unreadable()
    payloads = [p for p in reads if not p.name.endswith(".meta.json")]
    assert sorted(payloads) == sorted([store.path_for(details_path(1), "en-US"), tampered, locked])
    assert found == (list(store.leftovers()), list(store.unreadable()))
    assert found == (
        [tampered, tampered.with_name("2.en-US.meta.json")],
        [locked, locked.with_name(SIDECAR)],
    )


SIDECAR = "aggregate_credits.en-US.meta.json"


# --- concurrent writers ---


def test_threads_overwriting_one_entry_never_leave_a_mix(store: RawCache) -> None:
    bodies = [json.dumps({"cast": [], "crew": [], "id": n}).encode() for n in range(8)]
    seen: list[int | None] = []
    done = threading.Event()

    def writer(body: bytes) -> None:
        for _ in range(25):
            store.write(SEASON, "en-US", body, url=URL)

    def reader() -> None:
        while not done.is_set():
            entry = store.read(SEASON, "en-US")
            seen.append(None if entry is None else entry.payload()["id"])

    store.write(SEASON, "en-US", bodies[0], url=URL)
    threads = [threading.Thread(target=writer, args=(body,)) for body in bodies]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    watcher.join(60)
    entry = store.read(SEASON, "en-US")
    assert entry is not None and entry.path.read_bytes() in bodies
    assert list(store.leftovers()) == []
    assert seen and set(seen) <= set(range(8))  # a reader never saw a torn entry or a miss


def test_deeply_nested_stored_body_is_a_payload_error(store: RawCache) -> None:
    entry = store.write(SEASON, "en-US", b"[" * 100_000 + b"]" * 100_000, url=URL)
    with pytest.raises(PayloadError, match="nested too deeply"):
        entry.payload()


def test_only_successful_responses_are_written(store: RawCache) -> None:
    with pytest.raises(ValueError, match="not HTTP 500"):
        store.write(SEASON, "en-US", BODY, url=URL, status=500)
    assert not store.root.exists()


def test_lock_held_too_long_ends_the_wait(
    store: RawCache, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store.write(SEASON, "en-US", BODY, url=URL)
    monkeypatch.setattr(cache_module, "_LOCK_TIMEOUT", 0.2)
    stuck = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(store.root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert stuck.stdout is not None and stuck.stdout.readline() == "locked\n"
        with pytest.raises(TimeoutError, match="held the lock of the cache"):
            store.write(SEASON, "en-US", NEW_BODY, url=URL)
        assert store.read(SEASON, "en-US") is None  # a miss, not a hang or a crash
        assert "reading" in caplog.text and "as missing" in caplog.text
    finally:
        stuck.kill()
        stuck.wait()
        assert stuck.stdout is not None
        stuck.stdout.close()
    entry = store.read(SEASON, "en-US")  # the system dropped the dead process's lock
    assert entry is not None and entry.path.read_bytes() == BODY


# Takes the cache's write lock as another process would, and keeps it until killed.
_HOLD_LOCK = """
import fcntl, os, sys, time
handle = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(600)
"""
