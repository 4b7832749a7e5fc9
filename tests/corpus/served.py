"""Small generated series on the fake TMDB, the rows their payloads should give, and a corpus
built from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from credits_analysis import corpus
from credits_analysis.config import Settings
from credits_analysis.corpus import BuildResult
from tests.fake_tmdb import FAST_RETRY, FakeTMDB, fake_settings

#: Small series: a build of hundreds stays fast.
SMALL = dict(
    seasons=2,
    episodes_per_season=3,
    specials=False,
    regulars=3,
    guests_per_episode=1.0,
    recurring_per_episode=0.3,
)


def settings(cache_dir: Path, **overrides: object) -> Settings:
    """Settings for the fake TMDB, with a generous timeout: on a loaded machine a timed-out
    request would be retried and counted."""
    return fake_settings(cache_dir=cache_dir, **{"timeout": 60.0, **overrides})


def build(
    fake: FakeTMDB, root: Path, ids: Iterable[int], cache_dir: Path, **kwargs: object
) -> BuildResult:
    """``corpus.build`` of ``ids`` from ``fake``, quickly retried, without a progress bar."""
    return corpus.build(
        root,
        ids,
        settings=kwargs.pop("settings", None) or settings(cache_dir),
        transport=fake.transport(),
        retry=FAST_RETRY,
        progress=False,
        **kwargs,
    )


def refresh(fake: FakeTMDB, root: Path, cache_dir: Path, **kwargs: object) -> BuildResult:
    """``corpus.refresh`` of ``root`` from ``fake``, quickly retried, without a progress bar."""
    return corpus.refresh(
        root,
        settings=settings(cache_dir),
        transport=fake.transport(),
        retry=FAST_RETRY,
        progress=False,
        **kwargs,
    )


@dataclass
class Served:
    """What the fake serves for some series: details and season payloads by series."""

    details: dict[int, dict[str, Any]] = field(default_factory=dict)
    seasons: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)

    def cast_rows(self, ids: Iterable[int], skip: Iterable[tuple[int, int]] = ()) -> int:
        """Person-role rows: one per role of each cast member of each season."""
        return self._rows(ids, "cast", "roles", set(skip))

    def crew_rows(self, ids: Iterable[int], skip: Iterable[tuple[int, int]] = ()) -> int:
        return self._rows(ids, "crew", "jobs", set(skip))

    def _rows(self, ids: Iterable[int], section: str, items: str, skip: set) -> int:
        return sum(
            len(person[items])
            for s in ids
            for n, payload in self.seasons[s].items()
            if (s, n) not in skip
            # Generated seasons are season details with the aggregate credits appended.
            for person in payload["aggregate_credits"][section]
        )


def serve(
    fake: FakeTMDB, ids: Iterable[int], served: Served | None = None, **kwargs: Any
) -> Served:
    """Serve a small generated series for each id; return (or extend) what is served."""
    served = served or Served()
    for series_id in ids:
        details, seasons = fake.add_generated(series_id, **{**SMALL, **kwargs})
        served.details[series_id] = details
        served.seasons[series_id] = seasons
    return served
