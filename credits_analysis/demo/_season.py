"""One season's credits, accumulated by person, then rendered in TMDB's shape and order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from credits_analysis.demo._people import Person, Registry

__all__ = ["Season"]


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

    def payload(self, season_id: int, registry: Registry) -> dict[str, Any]:
        """The season's ``aggregate_credits`` payload.

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
        return {"cast": cast, "crew": crew, "id": season_id}
