"""Synthetic multi-season series in TMDB's payload shapes, for the offline demo and scale tests.

No public recording of several seasons' aggregate credits of one series exists, so the bundled
demo is *generated*, with its structure calibrated on the real samples in ``data/samples/`` and
labelled as synthetic wherever it appears (the series name and the ``credits_analysis_synthetic``
key of the details payload, which :func:`credits_analysis.load_series` turns into
``SeriesCredits.is_synthetic``).

The entry point::

    generate_series(series_id, *, seasons=8, episodes_per_season=10, seed=0, name=None,
                    specials=True, announced_season=False, regulars=9,
                    guests_per_episode=6.0, recurring_per_episode=1.2, theme="hospital",
                    first_air_year=2016)
        -> (details, {season_number: aggregate_credits})

``details`` is a ``/tv/{series_id}`` payload and each value is a
``/tv/{series_id}/season/{n}/aggregate_credits`` payload whose ``id`` is the season id. The
function is pure and deterministic for its arguments, and fast (:data:`SCALE_PRESET`, 40 seasons of
200 episodes and about 60,000 cast roles, takes about a second).

What the generated seasons show (the realism the charts rely on):

- regular cast credited on every episode of their seasons, some leaving and some joining between
  seasons (often promoted from the recurring cast); recurring cast over a few seasons; a churning
  guest cast on 1-2 episodes;
- one crew entry per person and department, several jobs for some, directors, writers, directors
  of photography and editors rotating, producers on every episode;
- gender "not set" concentrated among guests and minor crew; a few people with several roles; an
  empty character now and then; people in both cast and crew;
- popularity as a heavy-tailed person-level score, the same in every season;
- a Specials season 0 and, optionally, an announced season with no credits yet.

Person ids are ``series_id * 1_000_000 + k`` and season ids ``series_id * 1_000 + n``, so two
generated series never share a person; profile paths look like TMDB's but start with
``/synthetic`` so that no image URL built from them can show a real person.

:func:`calibration_table` puts the structural figures of the real samples beside the generator's
(see ``data/demo/README.md``). :func:`write_demo_data` (re)builds ``data/demo/``::

    python -m credits_analysis.demo --write data/demo
    python -m credits_analysis.demo --calibration
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from credits_analysis import samples, tidy
from credits_analysis.cache import CacheEntry, RawCache, details_path, season_credits_path

__all__ = [
    "DEMO_FETCHED_AT",
    "DEMO_SERIES",
    "REAL_SEASON_SAMPLES",
    "REAL_WHOLE_RUN_SAMPLES",
    "SCALE_PRESET",
    "SYNTHETIC_KEY",
    "TOLERANCES",
    "calibration_figures",
    "calibration_table",
    "generate_series",
    "large_credits_payload",
    "whole_run_credits",
    "write_demo_data",
]

#: Key of the details payload that marks generated data.
SYNTHETIC_KEY = "credits_analysis_synthetic"

#: The bundled demo series: id -> keyword arguments of :func:`generate_series`.
DEMO_SERIES: Mapping[int, Mapping[str, Any]] = {
    9000001: {
        "name": "St. Brigid's (synthetic demo)",
        "seasons": 8,
        "episodes_per_season": (10, 10, 12, 12, 10, 10, 10, 8),
        "announced_season": True,
        "theme": "hospital",
        "first_air_year": 2015,
    },
    9000002: {
        "name": "The Quiet Coast (synthetic limited series)",
        "seasons": 3,
        "episodes_per_season": 6,
        "specials": False,
        "regulars": 7,
        "guests_per_episode": 5.0,
        "theme": "coastal",
        "first_air_year": 2021,
    },
}

#: A long-running soap for scale tests: about 60,000 cast roles over 40 seasons. Never bundled.
SCALE_PRESET: Mapping[str, Any] = {
    "name": "Harbour Lights (synthetic soap)",
    "seasons": 40,
    "episodes_per_season": 200,
    "regulars": 28,
    "guests_per_episode": 6.5,
    "recurring_per_episode": 0.6,
    "theme": "hospital",
    "first_air_year": 1985,
}

#: ``fetched_at`` of the bundled files, fixed so that rebuilding them gives identical bytes.
DEMO_FETCHED_AT = datetime(2025, 1, 1, tzinfo=UTC)

_TMDB_URL = "https://api.themoviedb.org/3/{path}?language={language}"
_PERSON_ID_SPAN = 1_000_000
_SEASON_ID_SPAN = 1_000
_MAX_SERIES_ID = (2**53 - 1) // _PERSON_ID_SPAN - 1  # ids stay exact in JSON readers using doubles


# --------------------------------------------------------------------------------------------
# Names. Each culture: female given names, male given names, family names, whether the family
# name comes first, and an optional native-script spelling of each Latin name (used as
# original_name for some people, as TMDB does for e.g. Korean or Japanese actors).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Culture:
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    weight: float
    family_first: bool = False
    native: Mapping[str, str] = field(default_factory=dict)
    native_joiner: str = ""


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


_CULTURES: tuple[_Culture, ...] = (
    _Culture(
        female=_words(
            "Emma, Olivia, Grace, Hannah, Sarah, Rachel, Megan, Laura, Emily, Jessica, Claire,"
            " Rebecca, Abigail, Natalie, Victoria, Katherine, Lauren, Amber, Diane, Joanne, Maya,"
            " Chloe, Evelyn, Harriet, Imogen, Beth, Nicole, Tamsin, Shannon, Danielle"
        ),
        male=_words(
            "James, Daniel, Michael, Thomas, Oliver, William, Matthew, Andrew, Christopher, David,"
            " Joseph, Samuel, Benjamin, Ryan, Nathan, Jack, Harry, Edward, Luke, Adam, Marcus,"
            " Gareth, Simon, Paul, Richard, Stephen, Tyler, Jamal, Darnell, Trevor"
        ),
        family=_words(
            "Smith, Johnson, Williams, Brown, Taylor, Davies, Evans, Wilson, Thomas, Roberts,"
            " Walker, Wright, Robinson, Thompson, White, Hughes, Edwards, Green, Hall, Wood,"
            " Harris, Clarke, Jackson, Turner, Hill, Moore, Cooper, Ward, Morris, King, Baker,"
            " Carter, Mitchell, Bennett, Foster, Hayes, Washington, Brooks, Coleman, Pryce"
        ),
        weight=0.42,
    ),
    _Culture(
        female=_words("Siobhán, Aoife, Niamh, Caoimhe, Róisín, Sinéad, Orla, Gráinne, Bríd"),
        male=_words("Seán, Ciarán, Pádraig, Oisín, Eoin, Cathal, Darragh, Tadhg, Colm"),
        family=_words(
            "Murphy, Kelly, O'Connor, Byrne, Gallagher, Ó Súilleabháin, Mac Giolla, Ó Briain,"
            " Doherty, Keane, Quinn"
        ),
        weight=0.08,
    ),
    _Culture(
        female=_words("Léa, Chloé, Inès, Zoé, Anaïs, Hélène, Maëlle, Céline, Noémie"),
        male=_words("Théo, Jérôme, Benoît, Loïc, François, Raphaël, Gaëtan, Stéphane, Cédric"),
        family=_words(
            "Lefèvre, Moreau, Girard, Bérenger, Fontaine, Mercier, Dubois, Rousseau, Gauthier,"
            " Lemaître, Bouchard"
        ),
        weight=0.07,
    ),
    _Culture(
        female=_words("Lucía, Sofía, María José, Inés, Begoña, Pilar, Ximena, Valentina"),
        male=_words("José, Andrés, Martín, Tomás, Ángel, Íñigo, Jesús, Rubén, Joaquín"),
        family=_words(
            "Núñez, Ibáñez, García, Martínez, López, Sánchez, Muñoz, Peña, Fernández, Rodríguez,"
            " Gómez, Castañeda"
        ),
        weight=0.07,
    ),
    _Culture(
        female=_words("Jördis, Lena, Anja, Käthe, Ursula, Mareike"),
        male=_words("Jürgen, Jörg, Björn, Matthias, Lukas, Günther, Till"),
        family=_words("Müller, Schröder, Weiß, Köhler, Bäcker, Schäfer, Hoffmann, Krüger"),
        weight=0.04,
    ),
    _Culture(
        female=_words("Małgorzata, Agnieszka, Żaneta, Katarzyna, Zofia"),
        male=_words("Łukasz, Wojciech, Paweł, Michał, Grzegorz"),
        family=_words("Nowak, Kowalczyk, Wójcik, Mazur, Krawczyk, Zając, Woźniak"),
        weight=0.03,
    ),
    _Culture(
        female=_words("Åsa, Sigrún, Ingrid, Solveig, Liv, Þórunn"),
        male=_words("Bjørn, Søren, Ørjan, Håkon, Lars, Magnús"),
        family=_words("Løvås, Sørensen, Ångström, Håkansson, Lindqvist, Berg"),
        weight=0.03,
    ),
    _Culture(
        female=_words("Ayşe, Özge, Çağla, Elif, Zeynep"),
        male=_words("Emre, Barış, Oğuz, Çağatay, Mehmet"),  # noqa: RUF001 (dotless i is Turkish)
        family=_words("Yılmaz, Öztürk, Şahin, Çelik, Doğan, Aydın"),  # noqa: RUF001
        weight=0.03,
    ),
    _Culture(
        female=_words("Chiamaka, Ngozi, Adaeze, Folake, Funmilayo, Yetunde"),
        male=_words("Chukwuemeka, Oluwaseun, Babatunde, Adebayo, Ikenna, Tunde"),
        family=_words("Okafor, Adeyemi, Okonkwo, Balogun, Eze, Nwosu, Adebisi"),
        weight=0.05,
    ),
    _Culture(
        female=_words("Priya, Ananya, Kavya, Deepika, Meera, Lakshmi"),
        male=_words("Arjun, Rohan, Vikram, Rahul, Siddharth, Karthik"),
        family=_words("Sharma, Patel, Iyer, Reddy, Nair, Chatterjee, Banerjee"),
        weight=0.05,
    ),
    _Culture(
        female=_words("Yasmin, Leila, Nour, Samira, Rania"),
        male=_words("Karim, Omar, Youssef, Tarek, Rami"),
        family=_words("Haddad, Mansour, Khalil, Nasser, El-Amin, Saleh"),
        weight=0.03,
    ),
    _Culture(
        female=_words("Thảo, Linh, Ngọc, Hương"),
        male=_words("Minh, Dũng, Quang, Huy"),
        family=_words("Nguyễn, Trần, Lê, Phạm, Võ"),
        weight=0.02,
        family_first=True,
    ),
    _Culture(
        female=_words("Yui, Haruka, Aoi, Misaki"),
        male=_words("Haruto, Ren, Kenji, Takeshi"),
        family=_words("Tanaka, Suzuki, Takahashi, Watanabe, Nakamura"),
        weight=0.03,
        native={
            "Yui": "結衣", "Haruka": "遥", "Aoi": "葵", "Misaki": "美咲", "Haruto": "陽翔",
            "Ren": "蓮", "Kenji": "健二", "Takeshi": "武", "Tanaka": "田中", "Suzuki": "鈴木",
            "Takahashi": "高橋", "Watanabe": "渡辺", "Nakamura": "中村",
        },
    ),
    _Culture(
        female=_words("Ji-eun, Seo-yeon, Min-ji, Ha-eun"),
        male=_words("Min-jun, Ji-ho, Seung-woo, Dong-hyun"),
        family=_words("Kim, Lee, Park, Choi, Jung"),
        weight=0.03,
        family_first=True,
        native={
            "Ji-eun": "지은", "Seo-yeon": "서연", "Min-ji": "민지", "Ha-eun": "하은",
            "Min-jun": "민준", "Ji-ho": "지호", "Seung-woo": "승우", "Dong-hyun": "동현",
            "Kim": "김", "Lee": "이", "Park": "박", "Choi": "최", "Jung": "정",
        },
    ),
    _Culture(
        female=_words("Eleni, Katerina, Sofia"),
        male=_words("Giorgos, Nikos, Dimitris"),
        family=_words("Papadopoulos, Nikolaidis, Georgiou"),
        weight=0.02,
        native={
            "Eleni": "Ελένη", "Katerina": "Κατερίνα", "Sofia": "Σοφία", "Giorgos": "Γιώργος",
            "Nikos": "Νίκος", "Dimitris": "Δημήτρης", "Papadopoulos": "Παπαδόπουλος",
            "Nikolaidis": "Νικολαΐδης", "Georgiou": "Γεωργίου",
        },
        native_joiner=" ",
    ),
)
_CULTURE_WEIGHTS = tuple(itertools.accumulate(c.weight for c in _CULTURES))  # cumulative
_NEUTRAL_GIVEN = _words("Alex, Sam, Robin, Jordan, Charlie, Sasha, Eden, Noa, Ari, Rowan, Quinn")

# Gender codes 0 (not set), 1 (female), 2 (male), 3 (non-binary), by tier. Calibrated on the
# real samples: nobody top-billed is "not set"; about a quarter of the other cast is; minor crew
# far more often than the heads of department.
_GENDER_WEIGHTS: Mapping[str, tuple[float, float, float, float]] = {
    "regular": (0.0, 0.40, 0.58, 0.02),
    "recurring": (0.10, 0.36, 0.53, 0.01),
    "guest": (0.31, 0.25, 0.43, 0.01),
    "crew": (0.10, 0.30, 0.59, 0.01),
    "minor crew": (0.55, 0.15, 0.30, 0.0),
}
# Median and spread (of the log) of popularity by tier: a log-normal, heavy right tail.
_POPULARITY: Mapping[str, tuple[float, float]] = {
    "regular": (7.0, 0.9),
    "recurring": (2.2, 0.9),
    "guest": (0.8, 1.0),
    "crew": (1.0, 0.9),
    "minor crew": (0.4, 0.8),
}
# Probability that TMDB has no profile picture, by tier.
_NO_PROFILE: Mapping[str, float] = {
    "regular": 0.0,
    "recurring": 0.08,
    "guest": 0.24,
    "crew": 0.55,
    "minor crew": 0.8,
}
_OTHER_DEPARTMENTS = ("Production", "Writing", "Directing", "Crew", "Camera")


@dataclass(frozen=True)
class _Theme:
    network_name: str
    genres: tuple[tuple[int, str], ...]
    titles: tuple[str, ...]  # prefixes of regular and recurring characters' names
    guests: tuple[str, ...]  # guest characters; "{family}" and "{given}" are filled in
    advisor_job: str
    overview: str


_THEMES: Mapping[str, _Theme] = {
    "hospital": _Theme(
        network_name="Synthetic Broadcasting",
        genres=((18, "Drama"),),
        titles=("Dr.", "Dr.", "Dr.", "Nurse", "Nurse", "", "", "Sister", "Mr."),
        guests=(
            "Patient", "Paramedic", "Mrs. {family}", "Mr. {family}", "Anxious Father",
            "Young Mother", "Porter", "Radiologist", "Security Guard", "Receptionist",
            "Social Worker", "Police Officer", "Reporter", "Pharmacist", "Dr. {family}",
            "{given} {family}", "{given}", "Anaesthetist", "Student Nurse", "Coroner",
            "Patient's Wife", "Patient's Son", "Surgeon", "Locum", "Ambulance Driver",
        ),
        advisor_job="Technical Advisor",
        overview="Doctors and nurses of a city hospital, season after season. Synthetic data.",
    ),
    "coastal": _Theme(
        network_name="Synthetic Broadcasting",
        genres=((80, "Crime"), (18, "Drama")),
        titles=("DI", "DS", "DC", "", "", "", "Father"),
        guests=(
            "Fisherman", "Harbour Master", "Mrs. {family}", "Mr. {family}", "Barman",
            "Coastguard", "Journalist", "Pathologist", "Ferry Captain", "Suspect",
            "{given} {family}", "{given}", "Witness", "Uniformed Officer", "Landlady",
            "Solicitor", "Lifeboat Volunteer", "Birdwatcher", "Hotel Guest",
        ),
        advisor_job="Police Advisor",
        overview="A detective returns to the coast she grew up on. Synthetic data.",
    ),
}
_SECOND_ROLES = ("{character} (voice)", "Narrator", "{character} (uncredited)", "Self")
_FEMALE_WORDS = {"Mrs.", "Mother", "Wife", "Sister", "Landlady", "Ms."}
_MALE_WORDS = {"Mr.", "Father", "Son", "Himself"}
_EMPTY_CHARACTER = 0.01
_SECOND_ROLE = 0.015
_GUEST_TWICE = 0.12
_GUEST_RETURNS = 0.02


@dataclass(slots=True)
class _Person:
    id: int
    name: str
    original_name: str
    gender: int
    known_for_department: str
    popularity: float
    profile_path: str | None

    def fields(self) -> dict[str, Any]:
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


class _Registry:
    """Mints people and credit ids for one series; every random draw goes through ``rng``."""

    def __init__(self, series_id: int, rng: random.Random) -> None:
        self.rng = rng
        self._base = series_id * _PERSON_ID_SPAN
        self._count = 0
        self._credit_ids: dict[tuple[Any, ...], str] = {}
        self._names: set[str] = set()

    def person(self, tier: str, department: str = "Acting") -> _Person:
        rng = self.rng
        self._count += 1
        if self._count >= _PERSON_ID_SPAN:
            raise ValueError(f"more than {_PERSON_ID_SPAN - 1} people in one generated series")
        gender = rng.choices((0, 1, 2, 3), weights=_GENDER_WEIGHTS[tier])[0]
        name, original_name = self._fresh_name(gender)
        if rng.random() < 0.03:
            department = rng.choice([d for d in _OTHER_DEPARTMENTS if d != department])
        median, spread = _POPULARITY[tier]
        profile = None if rng.random() < _NO_PROFILE[tier] else _profile_path(rng)
        return _Person(
            id=self._base + self._count,
            name=name,
            original_name=original_name,
            gender=gender,
            known_for_department=department,
            popularity=round(rng.lognormvariate(0.0, spread) * median, 4),
            profile_path=profile,
        )

    def _fresh_name(self, gender: int) -> tuple[str, str]:
        """A name nobody else in the series has: homonyms would merge people in name charts."""
        for _ in range(3):
            name, original_name = _name(self.rng, gender)
            if name not in self._names:
                break
        while name in self._names:  # a long soap exhausts the pools: add a middle initial
            first, rest = name.split(" ", 1)
            name = original_name = f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {rest}"
        self._names.add(name)
        return name, original_name

    def credit_id(self, *key: Any) -> str:
        """TMDB keeps a role's (or job's) credit id across seasons: so do we."""
        if key not in self._credit_ids:
            self._credit_ids[key] = f"{self.rng.getrandbits(96):024x}"
        return self._credit_ids[key]


def _name(rng: random.Random, gender: int) -> tuple[str, str]:
    """A person's ``name`` and ``original_name`` (native script for some people)."""
    culture = rng.choices(_CULTURES, cum_weights=_CULTURE_WEIGHTS)[0]
    given = _given(rng, gender, culture)
    family = rng.choice(culture.family)
    parts = (family, given) if culture.family_first else (given, family)
    name = " ".join(parts)
    if culture.native and given in culture.native and rng.random() < 0.5:
        if culture.native_joiner:
            return name, culture.native_joiner.join(culture.native[p] for p in parts)
        # Japanese and Korean write the family name first, without a space.
        return name, culture.native[family] + culture.native[given]
    return name, name


def _profile_path(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "/synthetic" + "".join(rng.choices(alphabet, k=18)) + ".jpg"


def _given(rng: random.Random, gender: int, culture: _Culture | None = None) -> str:
    """A given name that fits ``gender`` (TMDB's "not set" hides a real one: pick either)."""
    if gender == 3:
        return rng.choice(_NEUTRAL_GIVEN)
    if gender == 0:
        gender = rng.choice((1, 2))
    culture = culture or rng.choices(_CULTURES, cum_weights=_CULTURE_WEIGHTS)[0]
    return rng.choice(culture.female if gender == 1 else culture.male)


def _character(rng: random.Random, theme: _Theme, gender: int) -> str:
    """A named character whose given name and title fit the actor's gender."""
    titles = [t for t in theme.titles if _fits_gender(t, gender)]
    family = rng.choice(rng.choices(_CULTURES, cum_weights=_CULTURE_WEIGHTS)[0].family)
    return f"{rng.choice(titles)} {_given(rng, gender)} {family}".strip()


def _fits_gender(text: str, gender: int) -> bool:
    """Whether a gendered word in a character (Mrs., Father, ...) suits the actor's gender."""
    words = set(text.replace("'s", "").split())
    if words & _FEMALE_WORDS:
        return gender in (0, 1)
    if words & _MALE_WORDS:
        return gender in (0, 2)
    return True


# --------------------------------------------------------------------------------------------
# One season's credits, accumulated then rendered in TMDB's shape and order.
# --------------------------------------------------------------------------------------------


@dataclass
class _Season:
    number: int
    episodes: int
    people: dict[int, _Person] = field(default_factory=dict)
    roles: dict[int, dict[str, int]] = field(default_factory=dict)  # person -> character -> eps
    order: dict[int, int] = field(default_factory=dict)
    jobs: dict[tuple[int, str], Counter[str]] = field(default_factory=dict)

    def add_role(self, person: _Person, character: str, episodes: int, order: int) -> None:
        self.people[person.id] = person
        self.order.setdefault(person.id, order)
        roles = self.roles.setdefault(person.id, {})
        roles[character] = min(self.episodes, roles.get(character, 0) + episodes)

    def add_job(self, person: _Person, department: str, job: str, episodes: int) -> None:
        if episodes <= 0:
            return
        self.people[person.id] = person
        jobs = self.jobs.setdefault((person.id, department), Counter())
        jobs[job] = min(self.episodes, jobs[job] + episodes)

    def payload(self, season_id: int, registry: _Registry) -> dict[str, Any]:
        cast = []
        for person_id, roles in self.roles.items():
            rendered = [
                {
                    "credit_id": registry.credit_id("cast", person_id, character),
                    "character": character,
                    "episode_count": count,
                }
                for character, count in roles.items()
            ]
            cast.append(
                {
                    **self.people[person_id].fields(),
                    "roles": rendered,
                    "total_episode_count": sum(roles.values()),
                    "order": self.order[person_id],
                }
            )
        cast.sort(key=lambda p: (-p["total_episode_count"], p["order"]))
        crew = []
        for (person_id, department), jobs in self.jobs.items():
            rendered = [
                {
                    "credit_id": registry.credit_id("crew", person_id, department, job),
                    "job": job,
                    "episode_count": count,
                }
                for job, count in jobs.items()
            ]
            crew.append(
                {
                    **self.people[person_id].fields(),
                    "jobs": rendered,
                    "department": department,
                    "total_episode_count": sum(jobs.values()),
                }
            )
        crew.sort(key=lambda p: (p["department"], -p["total_episode_count"], p["name"]))
        return {"cast": cast, "crew": crew, "id": season_id}


# --------------------------------------------------------------------------------------------
# Crew: stable heads of department, rotating episode crews, a few minor credits per season.
# --------------------------------------------------------------------------------------------

# (department, job, how many people) on every episode; kept from season to season with p=0.9.
_STANDING_CREW: tuple[tuple[str, str, int], ...] = (
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
# Minor credits on a few episodes, mostly new people each season.
_MINOR_CREW: tuple[tuple[str, str], ...] = (
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
# A second job inside the same crew entry (a mid-season promotion, a shared credit).
_EXTRA_JOB: Mapping[str, str] = {
    "Producer": "Co-Executive Producer",
    "Casting": "Casting Director",
    "Production Design": "Art Direction",
    "Director of Photography": "Camera Operator",
    "Editor": "Additional Editor",
}


def _rotation(
    rng: random.Random, previous: Sequence[_Person], size: int, keep: float,
    mint: Callable[[], _Person],
) -> list[_Person]:
    """This season's team of ``size``: each of last season's stays with probability ``keep``."""
    team = [p for p in previous if rng.random() < keep][:size]
    team += [mint() for _ in range(size - len(team))]
    rng.shuffle(team)
    return team


def _assign_blocks(rng: random.Random, team: Sequence[_Person], episodes: int) -> Counter[int]:
    """Episode counts when the team takes consecutive blocks of 1-3 episodes in turn."""
    counts: Counter[int] = Counter()
    position, turn = 0, 0
    while position < episodes:
        block = min(episodes - position, rng.choice((1, 2, 2, 3)))
        counts[team[turn % len(team)].id] += block
        position += block
        turn += 1
    return counts


@dataclass
class _Crew:
    registry: _Registry
    theme: _Theme
    standing: dict[tuple[str, str], list[_Person]] = field(default_factory=dict)
    teams: dict[str, list[_Person]] = field(default_factory=dict)
    producing_writers: set[int] = field(default_factory=set)
    showrunner: _Person | None = None

    def mint(self, department: str, tier: str = "crew") -> Callable[[], _Person]:
        return lambda: self.registry.person(tier, department)

    def staff(self, season: _Season, cast_regulars: Sequence[_Person]) -> None:
        rng, episodes = self.registry.rng, season.episodes
        if self.showrunner is None:
            self.showrunner = self.registry.person("crew", "Writing")
        season.add_job(self.showrunner, "Production", "Executive Producer", episodes)
        for department, job, size in _STANDING_CREW:
            team = _rotation(
                rng, self.standing.get((department, job), ()), size, 0.9, self.mint(department)
            )
            self.standing[(department, job)] = team
            for person in team:
                self._credit(season, person, department, job, episodes)
        by_id: dict[int, _Person] = {}
        for department, job, size, keep in (
            ("Directing", "Director", max(1, min(round(episodes / 2.5), 4 + episodes // 10)), 0.5),
            ("Writing", "Writer", max(2, min(round(episodes / 2), 6 + episodes // 10)), 0.6),
            ("Camera", "Director of Photography", 2 + episodes // 25, 0.6),
            ("Editing", "Editor", 3 + episodes // 20, 0.7),
        ):
            team = _rotation(rng, self.teams.get(job, ()), size, keep, self.mint(department))
            self.teams[job] = team
            by_id.update((p.id, p) for p in team)
            for person_id, count in _assign_blocks(rng, team, episodes).items():
                self._credit(season, by_id[person_id], department, job, count)
        self._writers_room(season, self.teams["Writer"])
        if season.number >= 3 and cast_regulars and rng.random() < 0.6:
            # A regular actor directs an episode: a person in both cast and crew.
            season.add_job(rng.choice(cast_regulars), "Directing", "Director", 1)
        for _ in range(3 + round(episodes * 0.15)):
            department, job = rng.choice(_MINOR_CREW)
            person = self.registry.person("minor crew", department)
            season.add_job(person, department, job, rng.randint(1, max(1, episodes // 3)))
        advisor = self.standing.setdefault(("Crew", self.theme.advisor_job), [])
        if not advisor or rng.random() < 0.3:
            advisor[:] = [self.registry.person("crew", "Crew")]
        season.add_job(advisor[0], "Crew", self.theme.advisor_job, max(1, episodes // 2))

    def _credit(
        self, season: _Season, person: _Person, department: str, job: str, episodes: int
    ) -> None:
        extra = _EXTRA_JOB.get(job)
        if extra is not None and episodes > 1 and self.registry.rng.random() < 0.1:
            split = self.registry.rng.randint(1, episodes - 1)
            season.add_job(person, department, job, split)
            season.add_job(person, department, extra, episodes - split)
        else:
            season.add_job(person, department, job, episodes)

    def _writers_room(self, season: _Season, writers: Sequence[_Person]) -> None:
        rng = self.registry.rng
        assert self.showrunner is not None
        # The showrunner writes the premiere and the finale, and has story credits besides.
        season.add_job(self.showrunner, "Writing", "Writer", min(2, season.episodes))
        if rng.random() < 0.5:
            season.add_job(self.showrunner, "Writing", "Story", rng.randint(1, 2))
        for writer in writers:
            if writer.id in self.producing_writers or rng.random() < 0.15:
                # Senior writers carry producer titles (one person, two departments).
                self.producing_writers.add(writer.id)
                season.add_job(writer, "Production", "Co-Executive Producer", season.episodes)


# --------------------------------------------------------------------------------------------
# The series.
# --------------------------------------------------------------------------------------------


@dataclass
class _Member:
    person: _Person
    character: str
    order: int
    seasons_left: int = 0


def generate_series(
    series_id: int,
    *,
    seasons: int = 8,
    episodes_per_season: int | Sequence[int] = 10,
    seed: int = 0,
    name: str | None = None,
    specials: bool = True,
    announced_season: bool = False,
    regulars: int = 9,
    guests_per_episode: float = 6.0,
    recurring_per_episode: float = 1.2,
    theme: str = "hospital",
    first_air_year: int = 2016,
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """Generate a synthetic series: its details and every season's aggregate credits.

    Parameters
    ----------
    series_id
        The id written into the payloads; person and season ids are derived from it.
    seasons
        Number of aired regular seasons (1, 2, ...).
    episodes_per_season
        Episodes of every season, or one number per season.
    seed
        Seed of the generator; the output is a pure function of all the arguments.
    name
        Series name; the default says it is synthetic. Give a name that says so too.
    specials
        Include a Specials season 0 (behind-the-scenes episodes, cast credited as "Self").
    announced_season
        Add one more season with no episodes and empty credits, as TMDB lists an announced
        season; the series is then "Returning Series" and in production.
    regulars
        Size of the regular cast (credited on every episode of their seasons).
    guests_per_episode
        Mean number of guest actors per episode (each on 1 or 2 episodes).
    recurring_per_episode
        Recurring cast per season, per episode of the season (on 3 or more episodes).
    theme
        ``"hospital"`` or ``"coastal"``: the vocabulary of characters and genres.
    first_air_year
        Year of season 1; each later season airs a year after the previous one.

    Returns
    -------
    tuple[dict, dict[int, dict]]
        The ``/tv/{series_id}`` payload, carrying ``"credits_analysis_synthetic": true``, and
        ``{season_number: /tv/{series_id}/season/{n}/aggregate_credits payload}`` for every
        season the details list (Specials and the announced season included). Both are plain
        JSON-compatible objects in TMDB's exact shape and key order.

    Raises
    ------
    ValueError
        For a bad argument (no season, a season without episodes, an unknown theme, ...).
    """
    per_season = _episode_counts(seasons, episodes_per_season)
    if not 0 < series_id <= _MAX_SERIES_ID:
        raise ValueError(f"series_id must be between 1 and {_MAX_SERIES_ID}, got {series_id}")
    if theme not in _THEMES:
        raise ValueError(f"theme must be one of {sorted(_THEMES)}, got {theme!r}")
    if regulars < 1 or guests_per_episode < 0 or recurring_per_episode < 0:
        raise ValueError("regulars must be >= 1 and the per-episode rates >= 0")
    rng = random.Random(f"credits_analysis.demo:{series_id}:{seed}")
    registry = _Registry(series_id, rng)
    style = _THEMES[theme]
    credits = _Cast(registry, style, regulars, guests_per_episode, recurring_per_episode)
    crew = _Crew(registry, style)
    built: dict[int, _Season] = {}
    for number, episodes in enumerate(per_season, start=1):
        season = _Season(number, episodes)
        credits.season(season)
        crew.staff(season, [m.person for m in credits.regulars])
        built[number] = season
    if specials:
        built[0] = credits.specials(_Season(0, max(2, seasons // 2)), crew)
    season_ids = {n: series_id * _SEASON_ID_SPAN + n for n in range(seasons + 2)}
    payloads = {n: built[n].payload(season_ids[n], registry) for n in sorted(built)}
    if announced_season:
        payloads[seasons + 1] = {"cast": [], "crew": [], "id": season_ids[seasons + 1]}
    details = _details(
        series_id,
        name=name or f"Synthetic Series {series_id} (synthetic demo)",
        style=style,
        built=built,
        season_ids=season_ids,
        announced_season=announced_season,
        first_air_year=first_air_year,
        showrunner=crew.showrunner,
        registry=registry,
    )
    return details, payloads


def _episode_counts(seasons: int, episodes_per_season: int | Sequence[int]) -> list[int]:
    if seasons < 1:
        raise ValueError(f"seasons must be >= 1, got {seasons}")
    if isinstance(episodes_per_season, int):
        counts = [episodes_per_season] * seasons
    else:
        counts = [int(e) for e in episodes_per_season]
        if len(counts) != seasons:
            raise ValueError(
                f"episodes_per_season has {len(counts)} numbers for {seasons} seasons"
            )
    if min(counts) < 1:
        raise ValueError(f"every season needs at least one episode, got {counts}")
    return counts


@dataclass
class _Cast:
    registry: _Registry
    theme: _Theme
    size: int
    guests_per_episode: float
    recurring_per_episode: float
    regulars: list[_Member] = field(default_factory=list)
    recurring: list[_Member] = field(default_factory=list)
    past_guests: list[_Person] = field(default_factory=list)
    next_order: int = 0
    next_minor_order: int = 500  # TMDB bills non-regular cast from about 500 upwards

    def __post_init__(self) -> None:
        self._guest_parts = {
            gender: tuple(t for t in self.theme.guests if _fits_gender(t, gender))
            for gender in (0, 1, 2, 3)
        }

    def _billing(self) -> int:
        order = self.next_order
        self.next_order += 1 if self.registry.rng.random() < 0.8 else 2  # not dense, as TMDB's
        return order

    def _minor_billing(self) -> int:
        order = self.next_minor_order
        self.next_minor_order += self.registry.rng.randint(1, 4)
        return order

    def season(self, season: _Season) -> None:
        rng, episodes = self.registry.rng, season.episodes
        self._turn_over(season.number)
        for member in self.regulars:
            self._role(season, member.person, member.character, episodes, member.order)
        target = round(self.recurring_per_episode * episodes)
        self.recurring = [m for m in self.recurring if m.seasons_left > 0][:target]
        while len(self.recurring) < target:
            person = self.registry.person("recurring")
            tenure = rng.choices((1, 2, 3, 4), weights=(50, 30, 15, 5))[0]
            character = _character(rng, self.theme, person.gender)
            self.recurring.append(_Member(person, character, self._minor_billing(), tenure))
        for member in self.recurring:
            member.seasons_left -= 1
            low = min(3, episodes)
            count = low + int((episodes - 1 - low) * rng.random() ** 2) if episodes > low else low
            self._role(season, member.person, member.character, count, member.order)
        self._guests(season)

    def _turn_over(self, number: int) -> None:
        rng = self.registry.rng
        if number > 1:
            # The two leads stay; anyone else leaves with probability 0.15.
            stay = [m for m in self.regulars[2:] if rng.random() > 0.15]
            self.regulars = self.regulars[:2] + stay
        wanted = self.size if number == 1 else self.size + rng.choice((-1, 0, 0, 1))
        while len(self.regulars) < wanted:
            promoted = [m for m in self.recurring if m.person.id not in self._regular_ids()]
            if promoted and rng.random() < 0.5:
                member = rng.choice(promoted)
                self.recurring.remove(member)
                member.order = self._billing()
            else:
                person = self.registry.person("regular")
                character = _character(rng, self.theme, person.gender)
                member = _Member(person, character, self._billing())
            self.regulars.append(member)

    def _regular_ids(self) -> set[int]:
        return {m.person.id for m in self.regulars}

    def _guests(self, season: _Season) -> None:
        rng, episodes = self.registry.rng, season.episodes
        counts: Counter[str] = Counter()
        for _ in range(episodes):
            mean = self.guests_per_episode
            for _ in range(max(0, round(rng.gauss(mean, mean * 0.35)))):
                if self.past_guests and rng.random() < _GUEST_RETURNS:
                    person = rng.choice(self.past_guests)
                else:
                    person = self.registry.person("guest")
                    self.past_guests.append(person)
                template = rng.choice(self._guest_parts[person.gender])
                character = template.format(
                    family=rng.choice(_CULTURES[0].family), given=_given(rng, person.gender)
                )
                counts[character] += 1
                if counts[character] > 1 and "{" not in template:
                    character = f"{character} #{counts[character]}"
                if rng.random() < _EMPTY_CHARACTER:
                    character = ""
                twice = episodes > 1 and rng.random() < _GUEST_TWICE
                self._role(season, person, character, 2 if twice else 1, self._minor_billing())

    def _role(
        self, season: _Season, person: _Person, character: str, episodes: int, order: int
    ) -> None:
        season.add_role(person, character, episodes, order)
        rng = self.registry.rng
        if rng.random() < _SECOND_ROLE:
            template = rng.choice(_SECOND_ROLES)
            second = template.format(character=character or "Patient")
            season.add_role(person, second, rng.randint(1, min(2, season.episodes)), order)

    def specials(self, season: _Season, crew: _Crew) -> _Season:
        """Behind-the-scenes specials: regulars as "Self", a narrator, a small crew."""
        rng, episodes = self.registry.rng, season.episodes
        for member in self.regulars[: max(3, len(self.regulars) // 2)]:
            season.add_role(member.person, "Self", rng.randint(1, episodes), member.order)
        narrator = self.registry.person("recurring")
        season.add_role(narrator, "Narrator", episodes, self._minor_billing())
        if crew.showrunner is not None:
            season.add_role(crew.showrunner, "Self", 1, self._minor_billing())
            season.add_job(crew.showrunner, "Production", "Executive Producer", episodes)
        director = self.registry.person("crew", "Directing")
        season.add_job(director, "Directing", "Director", episodes)
        return season


def _details(
    series_id: int,
    *,
    name: str,
    style: _Theme,
    built: Mapping[int, _Season],
    season_ids: Mapping[int, int],
    announced_season: bool,
    first_air_year: int,
    showrunner: _Person | None,
    registry: _Registry,
) -> dict[str, Any]:
    aired = sorted(n for n in built if n > 0)
    premieres = {n: _premiere(first_air_year + n - 1) for n in aired}
    if 0 in built:
        premieres[0] = premieres[1] + timedelta(days=120)
    finales = {n: premieres[n] + timedelta(weeks=built[n].episodes - 1) for n in premieres}
    last = aired[-1]
    listed = [
        {
            "air_date": premieres[n].isoformat(),
            "episode_count": built[n].episodes,
            "id": season_ids[n],
            "name": "Specials" if n == 0 else f"Season {n}",
            "overview": "",
            "poster_path": None,
            "season_number": n,
            "vote_average": 0.0 if n == 0 else round(6.5 + registry.rng.random() * 2, 1),
        }
        for n in sorted(built)
    ]
    if announced_season:
        listed.append(
            {
                "air_date": None,
                "episode_count": 0,
                "id": season_ids[last + 1],
                "name": f"Season {last + 1}",
                "overview": "",
                "poster_path": None,
                "season_number": last + 1,
                "vote_average": 0.0,
            }
        )
    created_by = []
    if showrunner is not None:
        created_by.append(
            {
                "id": showrunner.id,
                "credit_id": registry.credit_id("created_by", showrunner.id),
                "name": showrunner.name,
                "original_name": showrunner.original_name,
                "gender": showrunner.gender,
                "profile_path": showrunner.profile_path,
            }
        )
    final = built[last]
    return {
        "adult": False,
        "backdrop_path": None,
        "created_by": created_by,
        "episode_run_time": [],
        "first_air_date": premieres[aired[0]].isoformat(),
        "genres": [{"id": gid, "name": gname} for gid, gname in style.genres],
        "homepage": "",
        "id": series_id,
        "in_production": announced_season,
        "languages": ["en"],
        "last_air_date": finales[last].isoformat(),
        "last_episode_to_air": {
            "id": season_ids[last] * 100 + final.episodes,
            "name": f"Episode {final.episodes}",
            "overview": "",
            "vote_average": 0.0,
            "vote_count": 0,
            "air_date": finales[last].isoformat(),
            "episode_number": final.episodes,
            "episode_type": "finale",
            "production_code": "",
            "runtime": 45,
            "season_number": last,
            "show_id": series_id,
            "still_path": None,
        },
        "name": name,
        "next_episode_to_air": None,
        "networks": [],
        "number_of_episodes": sum(built[n].episodes for n in aired),
        "number_of_seasons": len(aired) + int(announced_season),
        "origin_country": ["GB"],
        "original_language": "en",
        "original_name": name,
        "overview": style.overview,
        "popularity": round(registry.rng.lognormvariate(0.0, 0.5) * 20, 4),
        "poster_path": None,
        "production_companies": [],
        "production_countries": [],
        "seasons": listed,
        "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
        "status": "Returning Series" if announced_season else "Ended",
        "tagline": "",
        "type": "Scripted",
        "vote_average": round(6.5 + registry.rng.random() * 2, 3),
        "vote_count": registry.rng.randint(20, 2000),
        SYNTHETIC_KEY: True,
    }


def _premiere(year: int) -> date:
    """A Sunday in mid-September of ``year``."""
    start = date(year, 9, 10)
    return start + timedelta(days=(6 - start.weekday()) % 7)


# --------------------------------------------------------------------------------------------
# Whole-run payloads and a large single payload for benchmarks.
# --------------------------------------------------------------------------------------------


def whole_run_credits(season_payloads: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge season aggregate credits into one whole-run payload, as ``/tv/{id}/aggregate_credits``.

    A person's roles (and jobs per department) are merged by ``credit_id`` with their episode
    counts summed over the seasons; people are sorted as TMDB sorts them. The result has no
    ``id`` of a season: its ``id`` is left out, as the series id is not in season payloads.

    Returns
    -------
    dict
        ``{"cast": [...], "crew": [...]}`` in aggregate-credits shape.
    """
    cast: dict[int, dict[str, Any]] = {}
    crew: dict[tuple[int, str], dict[str, Any]] = {}
    for payload in season_payloads:
        for person in payload["cast"]:
            _merge(cast, person["id"], person, "roles")
        for person in payload["crew"]:
            _merge(crew, (person["id"], person["department"]), person, "jobs")
    merged_cast = sorted(cast.values(), key=lambda p: (-p["total_episode_count"], p["order"]))
    merged_crew = sorted(
        crew.values(), key=lambda p: (p["department"], -p["total_episode_count"], p["name"])
    )
    return {"cast": merged_cast, "crew": merged_crew}


def _merge(
    into: dict[Any, dict[str, Any]], key: Any, person: Mapping[str, Any], nested: str
) -> None:
    entry = into.get(key)
    if entry is None:
        entry = into[key] = {**person, nested: [dict(c) for c in person[nested]]}
        return
    credits = {c["credit_id"]: c for c in entry[nested]}
    for credit in person[nested]:
        if credit["credit_id"] in credits:
            credits[credit["credit_id"]]["episode_count"] += credit["episode_count"]
        else:
            entry[nested].append(dict(credit))
    entry["total_episode_count"] += person["total_episode_count"]
    if "order" in entry:
        entry["order"] = min(entry["order"], person["order"])


def large_credits_payload(n_roles: int = 50_000, *, seed: int = 0) -> dict[str, Any]:
    """One aggregate-credits payload with at least ``n_roles`` cast roles (for benchmarks).

    The whole-run credits of a :data:`SCALE_PRESET` soap, with as many seasons as needed, cut
    after the first people whose roles reach ``n_roles`` (so it may exceed it by a few roles).
    Crew is the whole run's crew.

    Returns
    -------
    dict
        ``{"cast": [...], "crew": [...], "id": 9_999_001}`` in aggregate-credits shape.
    """
    if n_roles < 1:
        raise ValueError(f"n_roles must be >= 1, got {n_roles}")
    seasons = -(-n_roles // 1_200) + 1  # a SCALE_PRESET season adds about 1,400 roles
    while True:
        preset = {**SCALE_PRESET, "seasons": seasons}
        _, payloads = generate_series(9_999, seed=seed, specials=False, **preset)
        merged = whole_run_credits(payloads.values())
        if sum(len(p["roles"]) for p in merged["cast"]) >= n_roles:
            break
        seasons *= 2
    kept, count = [], 0
    for person in merged["cast"]:
        if count >= n_roles:
            break
        kept.append(person)
        count += len(person["roles"])
    return {"cast": kept, "crew": merged["crew"], "id": 9_999_001}


# --------------------------------------------------------------------------------------------
# Calibration against the real samples.
# --------------------------------------------------------------------------------------------

#: Real single-season payloads the season figures are measured on (Breaking Bad, Game of
#: Thrones and Halo, season 1 each). The reference page's example is left out: 9 people of an
#: unnamed season are an excerpt, not a season.
REAL_SEASON_SAMPLES: tuple[str, ...] = (
    "tv-1396-season-1-aggregate_credits",
    "tv-1399-season-1-aggregate_credits",
    "tv-52814-season-1-with-appends",
)
#: Real whole-run payloads (Game of Thrones, Lupin) the whole-run figures are measured on.
REAL_WHOLE_RUN_SAMPLES: tuple[str, ...] = (
    "tv-1399-aggregate_credits",
    "tv-96677-aggregate_credits",
)

#: Largest accepted gap between a generated figure and the pooled real one. The samples
#: themselves disagree (see the min and max columns of :func:`calibration_table`), so the
#: tolerances are about as wide as their spread, not tighter than the data can tell.
TOLERANCES: Mapping[str, float] = {
    "guest_share": 0.08,
    "regular_share": 0.05,
    "not_set_top_billed": 0.02,
    "not_set_other_cast": 0.08,
    "not_set_crew": 0.15,
    "roles_per_cast_person": 0.02,
    "crew_entries_per_person": 0.05,
    "jobs_per_crew_entry": 0.06,
    "no_profile_cast": 0.08,
    "no_profile_crew": 0.15,
    "empty_character": 0.02,
    "cast_people_per_episode": 1.5,
    "crew_entries_per_episode": 1.5,
    "cast_and_crew_per_season": 1.5,
    "run_guest_share": 0.08,
    "run_roles_per_person": 0.03,
}


def calibration_figures(cast: pd.DataFrame, crew: pd.DataFrame) -> pd.Series:
    """Structural figures of season credits, pooled over every season in the frames.

    A season's length is taken as its longest cast role (TMDB credits regulars on every
    episode), so the figures need nothing but the tidy frames.

    Parameters
    ----------
    cast, crew
        Tidy frames of :func:`credits_analysis.tidy.cast_roles` and
        :func:`credits_analysis.tidy.crew_jobs`, one or more seasons (of one or more series).

    Returns
    -------
    pandas.Series
        float64, indexed by figure:

        ========================  ===========================================================
        guest_share               share of cast roles credited on 1-2 episodes
        regular_share             share of cast people credited on every episode
        not_set_top_billed        gender "not set" share among cast people with order < 20
        not_set_other_cast        the same among the other cast people
        not_set_crew              the same among crew people
        roles_per_cast_person     cast roles per cast person
        crew_entries_per_person   crew entries (person and department) per crew person
        jobs_per_crew_entry       jobs per crew entry
        no_profile_cast           share of cast people with no ``profile_path``
        no_profile_crew           the same for crew people
        empty_character           share of cast roles with no character
        cast_people_per_episode   cast people per episode of the seasons
        crew_entries_per_episode  crew entries per episode of the seasons
        cast_and_crew_per_season  people in both cast and crew, per season
        ========================  ===========================================================
    """
    key = ["series_id", "season_number"]
    people = cast.drop_duplicates([*key, "person_id"])
    longest = cast.groupby(key, dropna=False)["episode_count"].transform("max")
    regulars = cast.loc[cast["episode_count"] == longest, [*key, "person_id"]].drop_duplicates()
    episodes = float(cast.groupby(key, dropna=False)["episode_count"].max().sum())
    n_seasons = len(cast.groupby(key, dropna=False))
    crew_people = crew.drop_duplicates([*key, "person_id"])
    entries = crew.drop_duplicates([*key, "person_id", "department"])
    top = people["order"].lt(20).fillna(False).to_numpy(dtype=bool)
    not_set = people["gender"].eq("not set").to_numpy(dtype=bool)
    ids = [*key, "person_id"]
    both = people[ids].merge(crew_people[ids], on=ids)
    figures = {
        "guest_share": cast["episode_count"].le(2).mean(),
        "regular_share": len(regulars) / len(people),
        "not_set_top_billed": not_set[top].mean() if top.any() else float("nan"),
        "not_set_other_cast": not_set[~top].mean() if (~top).any() else float("nan"),
        "not_set_crew": crew_people["gender"].eq("not set").mean(),
        "roles_per_cast_person": len(cast) / len(people),
        "crew_entries_per_person": len(entries) / len(crew_people),
        "jobs_per_crew_entry": len(crew) / len(entries),
        "no_profile_cast": people["profile_path"].isna().mean(),
        "no_profile_crew": crew_people["profile_path"].isna().mean(),
        "empty_character": cast["character"].isna().mean(),
        "cast_people_per_episode": len(people) / episodes,
        "crew_entries_per_episode": len(entries) / episodes,
        "cast_and_crew_per_season": len(both) / n_seasons,
    }
    return pd.Series(figures, dtype="float64", name="figure")


def _whole_run_figures(cast: pd.DataFrame) -> pd.Series:
    people = cast.drop_duplicates(["series_id", "person_id"])
    figures = {
        "run_guest_share": people["total_episode_count"].le(2).mean(),
        "run_roles_per_person": len(cast) / len(people),
    }
    return pd.Series(figures, dtype="float64", name="figure")


def _tidy_seasons(
    payloads: Iterable[tuple[int, int | None, Mapping[str, Any]]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    casts, crews = [], []
    for series_id, season_number, payload in payloads:
        casts.append(tidy.cast_roles(payload, series_id=series_id, season_number=season_number))
        crews.append(tidy.crew_jobs(payload, series_id=series_id, season_number=season_number))
    return pd.concat(casts, ignore_index=True), pd.concat(crews, ignore_index=True)


def _figures(
    seasons: Sequence[tuple[int, int | None, Mapping[str, Any]]],
    whole_runs: Sequence[tuple[int, int | None, Mapping[str, Any]]],
) -> pd.Series:
    cast, crew = _tidy_seasons(seasons)
    run_cast, _ = _tidy_seasons(whole_runs)
    return pd.concat([calibration_figures(cast, crew), _whole_run_figures(run_cast)])


def calibration_table(
    season_payloads: Mapping[int, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """The figures of the real samples beside a generated series' figures.

    Parameters
    ----------
    season_payloads
        ``{season_number: aggregate credits}`` of a generated series, as the second item
        :func:`generate_series` returns; default: the bundled demo series 9000001. Season
        figures use its regular seasons with credits; whole-run figures merge every season,
        Specials included, with :func:`whole_run_credits`.

    Returns
    -------
    pandas.DataFrame
        One row per figure of :func:`calibration_figures` plus ``run_guest_share`` (share of
        the whole run's cast people on 1-2 episodes) and ``run_roles_per_person``:

        ==========  =======  =========================================================
        real        float64  pooled over :data:`REAL_SEASON_SAMPLES` (or whole runs)
        real_min    float64  the smallest figure of a single real payload
        real_max    float64  the largest
        generated   float64  the generated series' figure
        tolerance   float64  :data:`TOLERANCES`
        within      bool     ``abs(generated - real) <= tolerance``
        ==========  =======  =========================================================
    """
    if season_payloads is None:
        _, season_payloads = generate_series(9000001, **DEMO_SERIES[9000001])
    real_seasons = [(i, 1, samples.load(name)) for i, name in enumerate(REAL_SEASON_SAMPLES)]
    real_runs = [(i, None, samples.load(name)) for i, name in enumerate(REAL_WHOLE_RUN_SAMPLES)]
    singles = pd.concat(
        [_figures([s], [r]) for s, r in zip(real_seasons, real_runs, strict=False)]
        + [calibration_figures(*_tidy_seasons([s])) for s in real_seasons[len(real_runs):]]
        + [_whole_run_figures(_tidy_seasons([r])[0]) for r in real_runs[len(real_seasons):]],
        axis=1,
    )
    generated_seasons = [
        (0, number, payload)
        for number, payload in season_payloads.items()
        if number > 0 and payload["cast"]
    ]
    run = whole_run_credits(season_payloads.values())
    table = pd.DataFrame(
        {
            "real": _figures(real_seasons, real_runs),
            "real_min": singles.min(axis=1),
            "real_max": singles.max(axis=1),
            "generated": _figures(generated_seasons, [(0, None, run)]),
            "tolerance": pd.Series(TOLERANCES, dtype="float64"),
        }
    )
    table["within"] = (table["generated"] - table["real"]).abs() <= table["tolerance"]
    return table


def _markdown(table: pd.DataFrame) -> str:
    lines = [
        "| figure | real (pooled) | real min-max | generated | tolerance | within |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for figure, row in table.iterrows():
        lines.append(
            f"| {figure} | {row['real']:.3f} | {row['real_min']:.3f}-{row['real_max']:.3f} | "
            f"{row['generated']:.3f} | ±{row['tolerance']:g} | {'yes' if row['within'] else 'NO'} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The bundled demo data.
# --------------------------------------------------------------------------------------------


def write_demo_data(root: Path | str, *, language: str = "en-US") -> list[CacheEntry]:
    """(Re)build the bundled demo store in ``root``: every :data:`DEMO_SERIES` series.

    The files are written with :meth:`credits_analysis.cache.RawCache.write`, so they are stored
    exactly like cache entries, with ``fetched_at`` fixed at :data:`DEMO_FETCHED_AT` and the URL
    TMDB would have been asked: rebuilding gives identical bytes. Entries already in ``root``
    are removed first (other files, such as a README, are left alone).

    Returns
    -------
    list[CacheEntry]
        The entries written, details first, then seasons in order, series by series.
    """
    store = RawCache(root)
    store.clear()
    written = []
    for series_id, preset in DEMO_SERIES.items():
        details, payloads = generate_series(series_id, **preset)
        written.append(_store(store, details_path(series_id), details, language))
        for number, payload in payloads.items():
            written.append(
                _store(store, season_credits_path(series_id, number), payload, language)
            )
    return written


def _store(store: RawCache, api_path: str, payload: Any, language: str) -> CacheEntry:
    # Compact UTF-8, as TMDB sends its bodies.
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    url = _TMDB_URL.format(path=api_path, language=language)
    return store.write(api_path, language, body, url=url, fetched_at=DEMO_FETCHED_AT)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m credits_analysis.demo``: rebuild the bundled data or print the calibration."""
    parser = argparse.ArgumentParser(
        prog="python -m credits_analysis.demo", description=main.__doc__
    )
    parser.add_argument("--write", metavar="DIR", type=Path, help="rebuild the demo store in DIR")
    parser.add_argument(
        "--calibration", action="store_true", help="print the calibration table (Markdown)"
    )
    args = parser.parse_args(argv)
    if args.write is None and not args.calibration:
        parser.error("give --write DIR and/or --calibration")
    if args.write is not None:
        entries = write_demo_data(args.write)
        size = RawCache(args.write).size_bytes()
        print(f"wrote {len(entries)} entries to {args.write} ({size / 1e6:.2f} MB in total)")
    if args.calibration:
        print(_markdown(calibration_table()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
