"""The crew of each season: standing heads of department, rotating teams, minor credits."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from credits_analysis.demo._names import Theme
from credits_analysis.demo._people import Person, Registry, Tier
from credits_analysis.demo._season import Season

__all__ = ["CrewPlan"]

# (department, job, people) credited on every episode; each stays on with probability 0.9.
_STANDING: tuple[tuple[str, str, int], ...] = (
    ("Production", "Executive Producer", 2),
    ("Production", "Producer", 2),
    ("Production", "Co-Producer", 1),
    ("Production", "Line Producer", 1),
    ("Production", "Casting", 1),
    ("Sound", "Original Music Composer", 1),
    ("Art", "Production Design", 1),
    ("Art", "Set Decoration", 1),
    ("Costume & Make-Up", "Costume Design", 1),
)
_STANDING_KEEP = 0.9
# Minor credits on a few episodes, new people every season: where "not set" piles up.
_MINOR: tuple[tuple[str, str], ...] = (
    ("Art", "Art Direction"),
    ("Crew", "Stunt Coordinator"),
    ("Crew", "Script Supervisor"),
    ("Visual Effects", "Visual Effects Supervisor"),
    ("Sound", "Sound Re-Recording Mixer"),
    ("Costume & Make-Up", "Makeup Department Head"),
    ("Production", "Casting Associate"),
    ("Camera", "Camera Operator"),
    ("Sound", "Supervising Sound Editor"),
)
# A second job in the same crew entry: a mid-season promotion or a shared credit.
_SECOND_JOB: Mapping[str, str] = {
    "Producer": "Co-Executive Producer",
    "Casting": "Casting Director",
    "Production Design": "Art Direction",
    "Director of Photography": "Camera Operator",
    "Editor": "Additional Editor",
}
_SECOND_JOB_SHARE = 0.1
_PRODUCING_WRITER = 0.15  # a new writer who also carries a producer title
_ACTOR_DIRECTS = 0.6  # from season 3 on, a regular directs an episode
_GUEST_DIRECTS = 0.2  # a new director's slot that goes to a guest director of other series


def _rotation(
    rng: random.Random, previous: Sequence[Person], size: int, keep: float, mint: _Mint
) -> list[Person]:
    """This season's team of ``size``: each of last season's stays with probability ``keep``."""
    team = [p for p in previous if rng.random() < keep][:size]
    team += [mint.person() for _ in range(size - len(team))]
    rng.shuffle(team)
    return team


def _blocks(rng: random.Random, team: Sequence[Person], episodes: int) -> Counter[Person]:
    """Episodes per person when the team takes consecutive blocks of 1-3 episodes in turn."""
    counts: Counter[Person] = Counter()
    position = turn = 0
    while position < episodes:
        block = min(episodes - position, rng.choice((1, 2, 2, 3)))
        counts[team[turn % len(team)]] += block
        position += block
        turn += 1
    return counts


@dataclass(frozen=True)
class _Mint:
    registry: Registry
    department: str
    tier: Tier = "crew"
    guests: Sequence[Person] = ()

    def person(self) -> Person:
        rng = self.registry.rng
        if self.guests and rng.random() < _GUEST_DIRECTS:
            return rng.choice(self.guests)
        return self.registry.person(self.tier, self.department)


@dataclass
class CrewPlan:
    """Who is on the crew, season after season."""

    registry: Registry
    theme: Theme
    guest_directors: Sequence[Person] = ()
    showrunner: Person = field(init=False)
    standing: dict[tuple[str, str], list[Person]] = field(default_factory=dict)
    teams: dict[str, list[Person]] = field(default_factory=dict)
    producing_writers: set[int] = field(default_factory=set)
    advisor: Person | None = None

    def __post_init__(self) -> None:
        self.showrunner = self.registry.person("crew", "Writing")

    def staff(self, season: Season, regulars: Sequence[Person]) -> None:
        """Credit the crew of ``season``; ``regulars`` is its regular cast (one may direct)."""
        rng, episodes = self.registry.rng, season.episodes
        season.add_job(self.showrunner, "Production", "Executive Producer", episodes)
        for department, job, size in _STANDING:
            previous = self.standing.get((department, job), ())
            team = _rotation(rng, previous, size, _STANDING_KEEP, _Mint(self.registry, department))
            self.standing[(department, job)] = team
            for person in team:
                self._credit(season, person, department, job, episodes)
        # Teams that share out the episodes; directors and writers rotate most.
        for department, job, size, keep in (
            ("Directing", "Director", max(1, min(round(episodes / 2.5), 4 + episodes // 10)), 0.5),
            ("Writing", "Writer", max(2, min(round(episodes / 2), 6 + episodes // 10)), 0.6),
            ("Camera", "Director of Photography", 2 + episodes // 25, 0.6),
            ("Editing", "Editor", 3 + episodes // 20, 0.7),
        ):
            guests = self.guest_directors if department == "Directing" else ()
            mint = _Mint(self.registry, department, guests=guests)
            team = _rotation(rng, self.teams.get(job, ()), size, keep, mint)
            self.teams[job] = team
            for person, count in _blocks(rng, team, episodes).items():
                self._credit(season, person, department, job, count)
        self._writers_room(season)
        if season.number >= 3 and regulars and rng.random() < _ACTOR_DIRECTS:
            season.add_job(rng.choice(regulars), "Directing", "Director", 1)
        for _ in range(5 + episodes):
            department, job = rng.choice(_MINOR)
            person = self.registry.person("minor crew", department)
            season.add_job(person, department, job, rng.randint(1, max(1, episodes // 3)))
        if self.advisor is None or rng.random() < 0.3:
            self.advisor = self.registry.person("crew", "Crew")
        season.add_job(self.advisor, "Crew", self.theme.advisor_job, max(1, episodes // 2))

    def _credit(
        self, season: Season, person: Person, department: str, job: str, episodes: int
    ) -> None:
        second = _SECOND_JOB.get(job)
        if second is not None and episodes > 1 and self.registry.rng.random() < _SECOND_JOB_SHARE:
            split = self.registry.rng.randint(1, episodes - 1)
            season.add_job(person, department, job, split)
            season.add_job(person, department, second, episodes - split)
        else:
            season.add_job(person, department, job, episodes)

    def _writers_room(self, season: Season) -> None:
        rng = self.registry.rng
        # The showrunner writes the premiere and the finale, with story credits besides.
        season.add_job(self.showrunner, "Writing", "Writer", min(2, season.episodes))
        if rng.random() < 0.5:
            season.add_job(self.showrunner, "Writing", "Story", rng.randint(1, 2))
        for writer in self.teams["Writer"]:
            if writer.id in self.producing_writers or rng.random() < _PRODUCING_WRITER:
                # Senior writers carry producer titles: one person in two departments.
                self.producing_writers.add(writer.id)
                season.add_job(writer, "Production", "Co-Executive Producer", season.episodes)

    def specials(self, season: Season) -> None:
        """The crew of behind-the-scenes specials: the showrunner and one director."""
        season.add_job(self.showrunner, "Production", "Executive Producer", season.episodes)
        director = self.registry.person("crew", "Directing")
        season.add_job(director, "Directing", "Director", season.episodes)
