"""One season's credits, accumulated by person, then rendered in TMDB's shape and order."""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from credits_analysis.demo._people import Person, Registry

__all__ = ["EPISODE_DEPARTMENTS", "GUEST_MAX_EPISODES", "Season"]

#: Crew departments listed on each episode (TMDB lists more; these are the ones analysed).
EPISODE_DEPARTMENTS = ("Directing", "Writing")
#: Cast parts on at most this many episodes of a season are listed as each episode's guest
#: stars; the regulars and the recurring cast are credited on the season.
GUEST_MAX_EPISODES = 2
_RUNTIME = 45  # minutes, as the details' last_episode_to_air says


@dataclass
class Season:
    """The credits of season ``number`` of ``episodes`` episodes, as they are being cast."""

    number: int
    episodes: int
    people: dict[int, Person] = field(default_factory=dict)
    roles: dict[int, Counter[str]] = field(default_factory=dict)  # person -> character -> eps
    order: dict[int, int] = field(default_factory=dict)
    jobs: dict[tuple[int, str], Counter[str]] = field(default_factory=dict)

    def add_role(self, person: Person, character: str, episodes: int, order: int) -> None:
        """Credit ``person`` as ``character`` on ``episodes`` more episodes (at most all)."""
        self.people[person.id] = person
        self.order.setdefault(person.id, order)
        roles = self.roles.setdefault(person.id, Counter())
        roles[character] = min(self.episodes, roles[character] + episodes)

    def add_job(self, person: Person, department: str, job: str, episodes: int) -> None:
        """Credit ``person`` with ``job`` in ``department`` on ``episodes`` more episodes."""
        self.people[person.id] = person
        jobs = self.jobs.setdefault((person.id, department), Counter())
        jobs[job] = min(self.episodes, jobs[job] + episodes)

    def payload(self, registry: Registry) -> dict[str, Any]:
        """The season's ``aggregate_credits``, as appended to its details (so with no ``id``).

        Cast is sorted as TMDB sorts it (most episodes first, then billing order), crew by
        department, then most episodes first. ``total_episode_count`` is the sum over a
        person's roles (or jobs in the department), not distinct episodes, as on TMDB.
        """
        cast = [
            {
                **self.people[person_id].fields(),
                "roles": [
                    {
                        "credit_id": registry.credit_id("cast", person_id, character),
                        "character": character,
                        "episode_count": count,
                    }
                    for character, count in roles.items()
                ],
                "total_episode_count": sum(roles.values()),
                "order": self.order[person_id],
            }
            for person_id, roles in self.roles.items()
        ]
        cast.sort(key=lambda p: (-p["total_episode_count"], p["order"]))
        crew = [
            {
                **self.people[person_id].fields(),
                "jobs": [
                    {
                        "credit_id": registry.credit_id("crew", person_id, department, job),
                        "job": job,
                        "episode_count": count,
                    }
                    for job, count in jobs.items()
                ],
                "department": department,
                "total_episode_count": sum(jobs.values()),
            }
            for (person_id, department), jobs in self.jobs.items()
        ]
        crew.sort(key=lambda p: (p["department"], -p["total_episode_count"], p["name"]))
        return {"cast": cast, "crew": crew}

    def episode_list(
        self, season_id: int, registry: Registry, *, series_id: int, premiere: date | None
    ) -> list[dict[str, Any]]:
        """The season's ``episodes[]``, airing weekly from ``premiere``, consistent with
        :meth:`payload`.

        Each director and writer (:data:`EPISODE_DEPARTMENTS`) is on as many episodes as their
        job's ``episode_count`` says, the team taking consecutive episodes in turn (so more
        credits than episodes means co-directed or co-written episodes); each guest part
        (:data:`GUEST_MAX_EPISODES` episodes or fewer) on as many consecutive episodes, placed
        by its credit id. Uses no random draw, so the aggregate credits are as they were.
        """
        n = self.episodes
        crew: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        guests: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        cursors: Counter[str] = Counter()
        for (person_id, department), jobs in self.jobs.items():
            if department not in EPISODE_DEPARTMENTS:
                continue
            for job, count in jobs.items():
                item = {
                    "job": job,
                    "department": department,
                    "credit_id": registry.credit_id("crew", person_id, department, job),
                    **self.people[person_id].fields(),
                }
                for k in range(count):
                    crew[(cursors[job] + k) % n].append(item)
                cursors[job] += count
        for person_id, roles in self.roles.items():
            if n in roles.values():
                continue  # a regular's second part is credited on the season, like the first
            for character, count in roles.items():
                if count > GUEST_MAX_EPISODES or count == n:
                    continue
                credit_id = registry.credit_id("cast", person_id, character)
                item = {
                    "character": character,
                    "credit_id": credit_id,
                    "order": self.order[person_id],
                    **self.people[person_id].fields(),
                }
                start = zlib.crc32(credit_id.encode()) % n
                for k in range(count):
                    guests[(start + k) % n].append(item)
        return [
            {
                "air_date": None
                if premiere is None
                else (premiere + timedelta(weeks=k)).isoformat(),
                "episode_number": k + 1,
                "episode_type": "finale" if k == n - 1 else "standard",
                "id": season_id * 1_000 + k + 1,
                "name": f"Episode {k + 1}",
                "overview": "",
                "production_code": "",
                "runtime": _RUNTIME,
                "season_number": self.number,
                "show_id": series_id,
                "still_path": None,
                "vote_average": 0.0,
                "vote_count": 0,
                "crew": crew[k],
                "guest_stars": sorted(guests[k], key=lambda g: g["order"]),
            }
            for k in range(n)
        ]
