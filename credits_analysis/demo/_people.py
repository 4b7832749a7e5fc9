"""Synthetic people: ids, names, gender, popularity and pictures drawn by tier."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from credits_analysis.demo._names import person_name

__all__ = ["CREW_FEMALE_SHARE_RANGE", "PERSON_ID_SPAN", "Person", "Registry", "Tier"]

#: Person ids of series ``s`` are ``s * PERSON_ID_SPAN + k``: two series never share a person.
PERSON_ID_SPAN = 1_000_000

Tier = Literal["regular", "recurring", "guest", "crew", "minor crew"]

# Weights of TMDB gender codes 0 (not set), 1 (female), 2 (male), 3 (non-binary) by tier, as
# in the real samples: nobody top-billed is "not set", about a quarter of the other cast is,
# and minor crew far more often than heads of department.
_GENDER_WEIGHTS: Mapping[Tier, tuple[float, float, float, float]] = {
    "regular": (0.0, 0.40, 0.58, 0.02),
    "recurring": (0.10, 0.36, 0.53, 0.01),
    "guest": (0.31, 0.25, 0.43, 0.01),
    "crew": (0.10, 0.30, 0.59, 0.01),
    "minor crew": (0.55, 0.15, 0.30, 0.0),
}
_GENDER_CUMULATIVE = {t: tuple(itertools.accumulate(w)) for t, w in _GENDER_WEIGHTS.items()}
#: Bounds of a series' own share of women among its heads of crew (see :class:`Registry`).
CREW_FEMALE_SHARE_RANGE = (0.0, 0.85)
# Median and log-spread of popularity by tier: log-normal, so a heavy right tail.
_POPULARITY: Mapping[Tier, tuple[float, float]] = {
    "regular": (7.0, 0.9),
    "recurring": (2.2, 0.9),
    "guest": (0.8, 1.0),
    "crew": (1.0, 0.9),
    "minor crew": (0.4, 0.8),
}
# Probability that the person has no profile picture, by tier.
_NO_PROFILE: Mapping[Tier, float] = {
    "regular": 0.0,
    "recurring": 0.08,
    "guest": 0.24,
    "crew": 0.6,
    "minor crew": 0.85,
}
# known_for_department is the person's overall department, now and then not their job here.
_OTHER_DEPARTMENT = 0.03
_DEPARTMENTS = ("Acting", "Production", "Writing", "Directing", "Crew", "Camera")
_PATH_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True, slots=True)
class Person:
    """The person-level fields TMDB repeats in every credit of a person."""

    id: int
    name: str
    original_name: str
    gender: int
    known_for_department: str
    popularity: float
    profile_path: str | None

    def fields(self) -> dict[str, Any]:
        """The person's keys of a cast or crew item, in TMDB's order."""
        return {
            "adult": False,
            "gender": self.gender,
            "id": self.id,
            "known_for_department": self.known_for_department,
            "name": self.name,
            "original_name": self.original_name,
            "popularity": self.popularity,
            "profile_path": self.profile_path,
        }


class Registry:
    """Mints the people and credit ids of one series; every random draw goes through ``rng``.

    ``crew_female_share`` sets the share of women among the ``crew`` tier (directors, writers,
    heads of department) in place of the calibrated default, keeping its "not set" and
    non-binary shares: a corpus of generated series can then trend over the years.
    """

    def __init__(
        self, series_id: int, rng: random.Random, *, crew_female_share: float | None = None
    ) -> None:
        self.rng = rng
        self._cumulative = dict(_GENDER_CUMULATIVE)
        if crew_female_share is not None:
            low, high = CREW_FEMALE_SHARE_RANGE
            if not low <= crew_female_share <= high:
                raise ValueError(
                    f"crew_female_share must be between {low} and {high}, got {crew_female_share}"
                )
            not_set, _, _, non_binary = _GENDER_WEIGHTS["crew"]
            male = 1.0 - not_set - non_binary - crew_female_share
            weights = (not_set, crew_female_share, male, non_binary)
            self._cumulative["crew"] = tuple(itertools.accumulate(weights))
        self._base = series_id * PERSON_ID_SPAN
        self._count = 0
        self._credit_ids: dict[tuple[Any, ...], str] = {}
        self._names: set[str] = set()

    def person(self, tier: Tier, department: str = "Acting") -> Person:
        """A new person of ``tier`` working in ``department``."""
        rng = self.rng
        self._count += 1
        if self._count >= PERSON_ID_SPAN:
            raise ValueError(f"more than {PERSON_ID_SPAN - 1} people in one generated series")
        gender = rng.choices((0, 1, 2, 3), cum_weights=self._cumulative[tier])[0]
        name, original_name = self._fresh_name(gender)
        if rng.random() < _OTHER_DEPARTMENT:
            department = rng.choice([d for d in _DEPARTMENTS if d != department])
        median, spread = _POPULARITY[tier]
        no_picture = rng.random() < _NO_PROFILE[tier]
        return Person(
            id=self._base + self._count,
            name=name,
            original_name=original_name,
            gender=gender,
            known_for_department=department,
            popularity=round(rng.lognormvariate(0.0, spread) * median, 4),
            # TMDB's shape, but never a real picture: "/synthetic..." exists on no image server.
            profile_path=None if no_picture else f"/synthetic{self._token(18)}.jpg",
        )

    def reserve_names(self, people: Iterable[Person]) -> None:
        """Never give a new person the name of one of ``people`` (from another registry)."""
        self._names.update(person.name for person in people)

    def credit_id(self, *key: Any) -> str:
        """The credit id of ``key``; TMDB keeps a role's or job's id in every season."""
        if key not in self._credit_ids:
            self._credit_ids[key] = f"{self.rng.getrandbits(96):024x}"
        return self._credit_ids[key]

    def _fresh_name(self, gender: int) -> tuple[str, str]:
        # Homonyms would merge two people in charts labelled by name: draw until unused.
        for _ in range(2):
            name, original_name = person_name(self.rng, gender)
            if name not in self._names:
                break
        while name in self._names:  # a long soap exhausts the pools: add a middle initial
            first, rest = name.split(" ", 1)
            name = original_name = f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {rest}"
        self._names.add(name)
        return name, original_name

    def _token(self, length: int) -> str:
        return "".join(self.rng.choices(_PATH_ALPHABET, k=length))
