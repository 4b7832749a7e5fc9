"""The cast of each season: regulars, recurring cast over a few seasons, churning guests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from credits_analysis.demo._names import Theme, character_name, fits_gender, guest_part
from credits_analysis.demo._people import Person, Registry
from credits_analysis.demo._season import Season

__all__ = ["CastPlan"]

_LEADS = 2  # the first regulars never leave
_REGULAR_LEAVES = 0.15  # per season, for the other regulars
_PROMOTED = 0.5  # a new regular is promoted from the recurring cast rather than cast anew
_RECURRING_TENURE = ((1, 2, 3, 4), (40, 30, 20, 10))  # seasons, weights
_GUEST_TWICE = 0.12  # a guest on two episodes of the season
_GUEST_RETURNS = 0.2  # a guest slot taken by an earlier season's guest, reprising the part
_EMPTY_CHARACTER = 0.01
_SECOND_ROLE = 0.015
_SECOND_ROLES = ("{character} (voice)", "Narrator", "{character} (uncredited)", "Self")
_FIRST_MINOR_ORDER = 500  # TMDB bills non-regular cast from about 500 upwards


@dataclass
class _Member:
    person: Person
    character: str
    seasons_left: int = 0


@dataclass
class CastPlan:
    """Who is in the cast, season after season.

    TMDB's ``order`` is series-level: a person keeps theirs from season to season. Regulars are
    billed from 0 (with gaps, as on TMDB), everyone else from about 500 in order of first
    appearance; a recurring actor promoted to the regular cast is billed with the regulars from
    then on.
    """

    registry: Registry
    theme: Theme
    size: int
    guests_per_episode: float
    recurring_per_episode: float
    regulars: list[_Member] = field(default_factory=list)
    recurring: list[_Member] = field(default_factory=list)
    past_guests: list[tuple[Person, str]] = field(default_factory=list)
    orders: dict[int, int] = field(default_factory=dict)
    next_order: int = 0
    next_minor_order: int = _FIRST_MINOR_ORDER

    def __post_init__(self) -> None:
        self._guest_parts = {
            gender: tuple(t for t in self.theme.guests if fits_gender(t, gender))
            for gender in (0, 1, 2, 3)
        }

    def cast(self, season: Season) -> None:
        """Credit the cast of ``season``: regulars on every episode, recurring, guests."""
        rng, episodes = self.registry.rng, season.episodes
        self._turn_over(season.number)
        for member in self.regulars:
            self._role(season, member.person, member.character, episodes)
        target = round(self.recurring_per_episode * episodes)
        self.recurring = [m for m in self.recurring if m.seasons_left > 0][:target]
        while len(self.recurring) < target:
            person = self.registry.person("recurring")
            tenure = rng.choices(*_RECURRING_TENURE)[0]
            character = character_name(rng, self.theme, person.gender)
            self.recurring.append(_Member(person, character, tenure))
        for member in self.recurring:
            member.seasons_left -= 1
            # From 3 episodes to fewer than all, most near the low end.
            low = min(3, episodes)
            count = low + int(max(0, episodes - 1 - low) * rng.random() ** 2)
            self._role(season, member.person, member.character, count)
        self._guests(season)

    def regular_people(self) -> list[Person]:
        """The current regular cast."""
        return [m.person for m in self.regulars]

    def cameo(self, season: Season, person: Person) -> None:
        """A one-episode part for ``person`` (a writer, say): someone in both cast and crew."""
        part = self.registry.rng.choice(self._guest_parts[person.gender])
        self._role(season, person, guest_part(self.registry.rng, part, person.gender), 1)

    def specials(self, season: Season, showrunner: Person) -> None:
        """Behind-the-scenes specials: the showrunner and half the final regulars as "Self",
        and a narrator."""
        rng = self.registry.rng
        for member in self.regulars[: max(3, len(self.regulars) // 2)]:
            self._role(season, member.person, "Self", rng.randint(1, season.episodes))
        self._role(season, showrunner, "Self", 1)
        narrator = self.registry.person("recurring")
        self._role(season, narrator, "Narrator", season.episodes)

    def _turn_over(self, number: int) -> None:
        rng = self.registry.rng
        if number > 1:
            stay = [m for m in self.regulars[_LEADS:] if rng.random() > _REGULAR_LEAVES]
            self.regulars = self.regulars[:_LEADS] + stay
        wanted = self.size if number == 1 else self.size + rng.choice((-1, 0, 0, 1))
        while len(self.regulars) < wanted:
            # Regulars are known people: TMDB has their gender set.
            promotable = [m for m in self.recurring if m.person.gender != 0]
            if promotable and rng.random() < _PROMOTED:
                member = rng.choice(promotable)
                self.recurring.remove(member)
            else:
                person = self.registry.person("regular")
                member = _Member(person, character_name(rng, self.theme, person.gender))
            self.orders[member.person.id] = self.next_order
            self.next_order += 1 if rng.random() < 0.8 else 2
            self.regulars.append(member)

    def _guests(self, season: Season) -> None:
        rng, episodes, mean = self.registry.rng, season.episodes, self.guests_per_episode
        numbered: Counter[str] = Counter()
        new_guests = []
        for _ in range(episodes):
            for _ in range(max(0, round(rng.gauss(mean, mean * 0.35)))):
                if self.past_guests and rng.random() < _GUEST_RETURNS:
                    person, character = rng.choice(self.past_guests)
                else:
                    person = self.registry.person("guest")
                    character = self._guest_part(person, numbered)
                    new_guests.append((person, character))
                twice = episodes > 1 and rng.random() < _GUEST_TWICE
                self._role(season, person, character, 2 if twice else 1)
        self.past_guests.extend(new_guests)

    def _guest_part(self, person: Person, numbered: Counter[str]) -> str:
        rng = self.registry.rng
        if rng.random() < _EMPTY_CHARACTER:
            return ""
        template = rng.choice(self._guest_parts[person.gender])
        if "{" in template:
            return guest_part(rng, template, person.gender)
        numbered[template] += 1  # "Paramedic", "Paramedic #2", ... as on real credits
        return template if numbered[template] == 1 else f"{template} #{numbered[template]}"

    def _role(self, season: Season, person: Person, character: str, episodes: int) -> None:
        order = self._order(person)
        season.add_role(person, character, episodes, order)
        rng = self.registry.rng
        if rng.random() < _SECOND_ROLE:
            second = rng.choice(_SECOND_ROLES).format(character=character or "Passer-by")
            season.add_role(person, second, rng.randint(1, min(2, season.episodes)), order)

    def _order(self, person: Person) -> int:
        if person.id not in self.orders:
            self.orders[person.id] = self.next_minor_order
            self.next_minor_order += self.registry.rng.randint(1, 4)
        return self.orders[person.id]
