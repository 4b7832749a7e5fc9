"""A synthetic corpus: a few hundred generated series over thirty years and six networks.

It shows what the corpus report draws without anyone's TMDB token: the series are generated
(:func:`~credits_analysis.demo.generator.generate_series`), written as cache entries, and built
into a corpus by the same path as a real one, offline. Everything in it says synthetic: series
and network names, the details' ``credits_analysis_synthetic`` flag, the report banner.

Trends are planted so the charts have something to show: the share of women among directors
and writers rises with the year a series first aired (from about 12% in 1995 to about 45% in
2024, with noise), "not set" gender piles up among guests and minor crew as in the real
samples, and a pool of guest directors works across series. None of it is a finding.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credits_analysis._bundled import DEMO_LANGUAGE
from credits_analysis.cache import RawCache
from credits_analysis.config import Settings
from credits_analysis.demo._people import CREW_FEMALE_SHARE_RANGE, Registry
from credits_analysis.demo.generator import generate_series
from credits_analysis.demo.store import write_generated

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "DEMO_CORPUS_FIRST_ID",
    "DEMO_CORPUS_NETWORKS",
    "DEMO_CORPUS_SIZE",
    "demo_corpus",
    "demo_corpus_catalogue",
    "is_demo_corpus",
    "write_demo_corpus_cache",
]

#: Ids of the synthetic corpus series: ``DEMO_CORPUS_FIRST_ID + k``; far from TMDB's own.
DEMO_CORPUS_FIRST_ID = 9_100_001
#: Series in the demo corpus.
DEMO_CORPUS_SIZE = 240
#: (network id, name, origin country, weight): invented, and named so.
DEMO_CORPUS_NETWORKS: tuple[tuple[int, str, str, float], ...] = (
    (990_001, "Northlight (synthetic)", "GB", 3.0),
    (990_002, "Harbour One (synthetic)", "GB", 2.0),
    (990_003, "Meridian Plus (synthetic)", "US", 3.0),
    (990_004, "Beacon Network (synthetic)", "US", 2.5),
    (990_005, "Kestrel TV (synthetic)", "IE", 1.0),
    (990_006, "Lanterna (synthetic)", "IT", 1.0),
)
_FIRST_YEAR, _LAST_YEAR = 1995, 2024
# Guest directors: minted under an id no series has, each series drawing a few of them.
_GUEST_POOL_ID = DEMO_CORPUS_FIRST_ID - 1
_GUEST_POOL, _GUESTS_PER_SERIES = 30, 4
# Rebuilt well before TMDB's six-month limit would hide its series (they are "fetched" when built).
_REBUILD_AFTER = timedelta(days=90)
_FOLDER = "demo-corpus"
_SEASONS = (1, 1, 2, 2, 3, 3, 4, 5, 6, 8)
_WORDS = (
    ("Harbour", "Northern", "Quiet", "Silver", "Hollow", "Western", "Broken", "Golden", "Long"),
    ("Lights", "Ward", "Coast", "Station", "Bridge", "House", "Line", "Road", "Valley", "Hours"),
)


def demo_corpus_catalogue(size: int = DEMO_CORPUS_SIZE) -> dict[int, Mapping[str, Any]]:
    """The demo corpus: series id -> keyword arguments of ``generate_series``; deterministic."""
    rng = random.Random("credits_analysis.demo.corpus")
    # Guests are drawn apart, so that the rest of the catalogue does not depend on them.
    guests = random.Random("credits_analysis.demo.corpus.guests")
    minting = Registry(_GUEST_POOL_ID, guests)
    pool = [minting.person("crew", "Directing") for _ in range(_GUEST_POOL)]
    weights = [network[3] for network in DEMO_CORPUS_NETWORKS]
    catalogue: dict[int, Mapping[str, Any]] = {}
    names: set[str] = set()
    for k in range(size):
        year = rng.randint(_FIRST_YEAR, _LAST_YEAR)
        seasons = min(rng.choice(_SEASONS), _LAST_YEAR + 1 - year)
        network_id, network, country, _ = rng.choices(DEMO_CORPUS_NETWORKS, weights)[0]
        progress = (year - _FIRST_YEAR) / (_LAST_YEAR - _FIRST_YEAR)
        low, high = CREW_FEMALE_SHARE_RANGE
        share = min(high, max(low, 0.12 + 0.33 * progress + rng.gauss(0.0, 0.06)))
        name = f"{rng.choice(_WORDS[0])} {rng.choice(_WORDS[1])}"
        while name in names:
            name = f"{name} {rng.randint(2, 9)}"
        names.add(name)
        catalogue[DEMO_CORPUS_FIRST_ID + k] = {
            "name": f"{name} (synthetic)",
            "seasons": seasons,
            "episodes_per_season": [rng.randint(6, 12) for _ in range(seasons)],
            "seed": k,
            "specials": rng.random() < 0.25,
            "regulars": rng.randint(5, 11),
            "theme": rng.choice(("hospital", "coastal")),
            "first_air_year": year,
            "networks": [(network_id, network)],
            "origin_country": [country],
            "series_type": "Miniseries" if seasons == 1 and rng.random() < 0.6 else "Scripted",
            "crew_female_share": round(share, 3),
            "guest_directors": tuple(guests.sample(pool, _GUESTS_PER_SERIES)),
        }
    return catalogue


def write_demo_corpus_cache(
    cache_dir: Path | str, *, fetched_at: datetime, size: int = DEMO_CORPUS_SIZE
) -> list[int]:
    """Write every series of the demo corpus as cache entries in ``cache_dir``.

    A corpus build from that cache, offline, then goes through the same loading path as a real
    one. ``fetched_at`` is recorded on every entry (use the build time: the corpus serves
    nothing older than six months).

    Returns
    -------
    list[int]
        The series ids written, in order.
    """
    store = RawCache(cache_dir)
    catalogue = demo_corpus_catalogue(size)
    for series_id, arguments in catalogue.items():
        details, payloads = generate_series(series_id, **arguments)
        write_generated(store, details, payloads, fetched_at=fetched_at)
    return list(catalogue)


def demo_corpus(
    path: Path | str | None = None,
    *,
    settings: Settings | None = None,
    size: int = DEMO_CORPUS_SIZE,
) -> Path:
    """The folder of the synthetic demo corpus, built there first if missing or old.

    The series are written as cache entries in a temporary folder and built into a corpus from
    there, offline, by :func:`credits_analysis.corpus.build`: the same path as a real corpus,
    with no token and no network. The build goes to a temporary sibling folder renamed into
    place when complete, so two notebooks starting at once never see half a corpus.

    Parameters
    ----------
    path
        Where the corpus goes; default ``demo-corpus`` in the cache folder of ``settings``.
    settings
        Default :meth:`Settings.from_env`; only its cache folder is used.
    size
        The first ``size`` series of the catalogue (fewer make a quicker corpus for tests).

    Returns
    -------
    pathlib.Path
        The corpus folder, for :func:`credits_analysis.corpus.open`.
    """
    from credits_analysis.corpus import build
    from credits_analysis.corpus.meta import meta_path, read_meta

    target = (
        Path(path) if path is not None else (settings or Settings.from_env()).cache_dir / _FOLDER
    )
    meta = read_meta(target)
    built = meta.last_build if meta is not None else None
    if built is not None and datetime.now(UTC) - built < _REBUILD_AFTER:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".demo-corpus-", dir=target.parent) as scratch:
        cache, fresh = Path(scratch) / "cache", Path(scratch) / "corpus"
        ids = write_demo_corpus_cache(cache, fetched_at=datetime.now(UTC), size=size)
        offline = Settings(cache_dir=cache, offline=True, language=DEMO_LANGUAGE)
        build(fresh, ids, settings=offline, progress=False)
        if target.exists():
            shutil.rmtree(target)
        try:
            os.replace(fresh, target)
        except OSError:
            if not meta_path(target).is_file():
                raise
            # Another process put a complete corpus there first: use it.
    return target


def is_demo_corpus(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the corpus open on ``con`` holds only series of the synthetic demo corpus."""
    first, last = DEMO_CORPUS_FIRST_ID, DEMO_CORPUS_FIRST_ID + DEMO_CORPUS_SIZE - 1
    row = con.execute(
        "SELECT count(*), count(*) FILTER (series_id BETWEEN ? AND ?) FROM series", [first, last]
    ).fetchone()
    assert row is not None  # an aggregate query always has a row
    total, synthetic = row
    return total > 0 and total == synthetic
