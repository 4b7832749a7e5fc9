"""Small generated series on the fake TMDB, and the rows their payloads should give."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fake_tmdb import FakeTMDB

#: Small series: a build of hundreds stays fast.
SMALL = dict(
    seasons=2,
    episodes_per_season=3,
    specials=False,
    regulars=3,
    guests_per_episode=1.0,
    recurring_per_episode=0.3,
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
