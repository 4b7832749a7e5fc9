"""sources: each payload from the first source that has it, read once and parsed once."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from credits_analysis.config import Settings
from credits_analysis.endpoints import details_path, season_path
from credits_analysis.errors import OfflineMissError
from credits_analysis.load import load_series
from credits_analysis.sources import Ledger, Payload, Sources, blocked_by_settings
from tests.fake_tmdb import FakeTMDB, fake_settings

SERIES = 4343


def test_a_warm_load_reads_each_cached_file_once_and_parses_it_once(
    fake_tmdb: FakeTMDB, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=4)
    settings = fake_settings()
    load_series(SERIES, settings=settings, transport=fake_tmdb.transport(), progress=False)
    files = sorted(p for p in cache_dir.rglob("*.json"))
    assert len(files) == 2 * 5  # details and four seasons, each a payload and a sidecar

    reads: Counter[Path] = Counter()
    parses: list[int] = []
    real_read, real_loads = Path.read_bytes, json.loads

    def read_bytes(path: Path) -> bytes:
        reads[path] += 1
        return real_read(path)

    def loads(text: Any, **kwargs: Any) -> Any:
        parses.append(len(text))
        return real_loads(text, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(json, "loads", loads)
    series = load_series(SERIES, settings=settings, transport=fake_tmdb.transport())
    assert set(series.seasons["source"]) == {"cache"} and fake_tmdb.count() == 5
    assert {p: reads[p] for p in files} == {p: 1 for p in files}
    assert sorted(parses) == sorted(p.stat().st_size for p in files)


def find(settings: Settings, path: str, series_id: int) -> Any:
    async def go() -> Any:
        async with Sources(settings) as sources:
            blocked = sources.blocked(series_id)
            ledger = Ledger()
            found = await sources.find(
                series_id,
                [path],
                ttl_of=lambda _: settings.ttl_ongoing,
                blocked=blocked,
                ledger=ledger,
            )
            return found[path], ledger

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("series_id", "path", "source", "language"),
    [
        (1399, details_path(1399), "bundled", "en-US"),  # a real sample shipped with the package
        (9000001, season_path(9000001, 1), "synthetic", "en-US"),  # generated demo data
    ],
)
def test_what_the_package_ships_says_whether_it_is_real_or_generated(
    series_id: int, path: str, source: str, language: str
) -> None:
    found, ledger = find(Settings.from_env(language="de-DE"), path, series_id)
    assert isinstance(found, Payload)
    assert (found.api_path, found.source, found.language) == (path, source, language)
    assert found.instead_of is None and ledger.requests == 0 and ledger.stale == []


def test_nothing_anywhere_without_a_token_is_an_offline_miss() -> None:
    path = details_path(SERIES)
    found, _ = find(Settings.from_env(), path, SERIES)
    assert isinstance(found, OfflineMissError) and found.missing == [path]
    blocked = blocked_by_settings(SERIES, Settings.from_env())
    assert blocked is not None and "TMDB_API_TOKEN" in blocked.reason
