"""``generate_series``: a synthetic series' details and season credits, in TMDB's shapes."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from credits_analysis._bundled import DEMO_SERIES_IDS, SYNTHETIC_KEY
from credits_analysis.demo._cast import CastPlan
from credits_analysis.demo._crew import CrewPlan
from credits_analysis.demo._names import THEMES, Theme
from credits_analysis.demo._people import PERSON_ID_SPAN, Person, Registry
from credits_analysis.demo._season import Season

__all__ = [
    "DEMO_SERIES",
    "SCALE_PRESET",
    "SYNTHETIC_KEY",
    "generate_series",
    "large_credits_payload",
    "whole_run_credits",
]

_DRAMA, _LIMITED = DEMO_SERIES_IDS

#: The bundled demo series: id -> keyword arguments of :func:`generate_series`.
DEMO_SERIES: Mapping[int, Mapping[str, Any]] = {
    _DRAMA: {
        "name": "St. Brigid's (synthetic demo)",
        "seasons": 8,
        "episodes_per_season": (10, 10, 12, 12, 10, 10, 10, 8),
        "announced_season": True,
        "theme": "hospital",
        "first_air_year": 2015,
    },
    _LIMITED: {
        "name": "The Quiet Coast (synthetic limited series)",
        "seasons": 3,
        "episodes_per_season": 6,
        "specials": False,
        "regulars": 7,
        "guests_per_episode": 6.0,
        "theme": "coastal",
        "first_air_year": 2021,
    },
}

#: A long-running soap for scale tests (about 58,000 cast roles and 12,000 crew jobs over
#: 40 seasons of 200 episodes): ``generate_series(series_id, **SCALE_PRESET)``. Never bundled.
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

_SEASON_ID_SPAN = 1_000
_MAX_SERIES_ID = (2**53 - 1) // PERSON_ID_SPAN - 1  # person ids stay exact as JSON doubles
_WRITER_CAMEO = 0.3  # per season, a writer plays a one-episode part


def generate_series(
    series_id: int,
    *,
    seasons: int = 8,
    episodes_per_season: int | Sequence[int] = 10,
    seed: int = 0,
    name: str | None = None,
    specials: bool = True,
    announced_season: bool = False,
    regulars: int = 10,
    guests_per_episode: float = 6.5,
    recurring_per_episode: float = 1.6,
    theme: str = "hospital",
    first_air_year: int = 2016,
    networks: Sequence[tuple[int, str]] = (),
    origin_country: Sequence[str] = ("GB",),
    series_type: str = "Scripted",
    crew_female_share: float | None = None,
    guest_directors: Sequence[Person] = (),
) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    """Generate a synthetic series: its details and every season's aggregate credits.

    Parameters
    ----------
    series_id
        The id written into the payloads. Person ids are ``series_id * 1_000_000 + k`` and
        season ids ``series_id * 1_000 + season_number``, so two series share no person but
        their ``guest_directors``.
    seasons
        Number of aired regular seasons, numbered from 1.
    episodes_per_season
        Episodes of every season, or one number per season.
    seed
        Seed of the generator; the output is a pure function of all the arguments.
    name
        Series name; the default says it is synthetic, and so should any name given.
    specials
        Include a Specials season 0 (behind-the-scenes episodes, cast credited as "Self").
    announced_season
        List one more season with no episodes and empty credits, as TMDB lists an announced
        season; the series is then a "Returning Series" in production.
    regulars
        Size of the regular cast, credited on every episode of their seasons.
    guests_per_episode
        Mean number of guest parts per episode (each on 1 or 2 episodes of the season).
    recurring_per_episode
        Recurring cast (on 3 or more episodes) per season, per episode of the season.
    theme
        ``"hospital"`` or ``"coastal"``: the genres and the vocabulary of characters.
    first_air_year
        Year of season 1; each later season airs a year after the previous one.
    networks
        ``(id, name)`` of the networks the details list (TMDB's ``networks[]``).
    origin_country
        ISO 3166-1 codes of the details' ``origin_country``.
    series_type
        TMDB's series ``type`` (``Scripted``, ``Miniseries``, ...).
    crew_female_share
        Share of women among directors, writers and heads of department; None keeps the
        calibrated default (about 30%, with 10% "not set").
    guest_directors
        Directors who also work on other series: each new director's slot goes to one of
        them with probability 0.2. None of the series' own people takes their names.

    Returns
    -------
    tuple[dict, dict[int, dict]]
        The ``/tv/{series_id}`` payload, which carries ``"credits_analysis_synthetic": true``,
        and ``{season_number: /tv/{series_id}/season/{n}?append_to_response=aggregate_credits
        payload}`` for every season the details list (Specials and the announced season, with
        no episodes, included), in TMDB's shapes and key order, JSON-compatible. Episodes air
        weekly from their season's premiere and list their directors, writers and guest stars
        as the aggregate credits count them (see :meth:`Season.episode_list`).

    Raises
    ------
    ValueError
        For an impossible argument (no season, a season without episodes, an unknown theme...).
    """
    per_season = _episode_counts(seasons, episodes_per_season)
    if not 0 < series_id <= _MAX_SERIES_ID:
        raise ValueError(f"series_id must be between 1 and {_MAX_SERIES_ID}, got {series_id}")
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {sorted(THEMES)}, got {theme!r}")
    if regulars < 1 or guests_per_episode < 0 or recurring_per_episode < 0:
        raise ValueError("regulars must be >= 1 and the per-episode rates >= 0")
    rng = random.Random(f"credits_analysis.demo:{series_id}:{seed}")
    registry = Registry(series_id, rng, crew_female_share=crew_female_share)
    registry.reserve_names(guest_directors)
    style = THEMES[theme]
    cast = CastPlan(registry, style, regulars, guests_per_episode, recurring_per_episode)
    crew = CrewPlan(registry, style, guest_directors)
    built: dict[int, Season] = {}
    for number, episodes in enumerate(per_season, start=1):
        season = built[number] = Season(number, episodes)
        cast.cast(season)
        crew.staff(season, cast.regular_people())
        if rng.random() < _WRITER_CAMEO:
            cast.cameo(season, rng.choice(crew.teams["Writer"]))
    if specials:
        season = built[0] = Season(0, max(2, seasons // 2))
        cast.specials(season, crew.showrunner)
        crew.specials(season)
    season_ids = {n: series_id * _SEASON_ID_SPAN + n for n in range(seasons + 2)}
    credits = {n: built[n].payload(registry) for n in sorted(built)}
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
    payloads = {}
    for item in details["seasons"]:
        n = item["season_number"]
        season = built.get(n)
        premiere = date.fromisoformat(item["air_date"]) if item["air_date"] else None
        payloads[n] = _season_details(
            item,
            []
            if season is None
            else season.episode_list(item["id"], registry, series_id=series_id, premiere=premiere),
            credits.get(n, {"cast": [], "crew": []}),
        )
    details["networks"] = [
        {
            "id": network_id,
            "logo_path": None,
            "name": network,
            "origin_country": next(iter(origin_country), ""),
        }
        for network_id, network in networks
    ]
    details["origin_country"] = list(origin_country)
    details["type"] = series_type
    return details, payloads


def _season_details(
    item: Mapping[str, Any], episodes: list[dict[str, Any]], credits: Mapping[str, Any]
) -> dict[str, Any]:
    """``/tv/{id}/season/{n}?append_to_response=aggregate_credits`` in TMDB's key order."""
    return {
        "_id": f"{item['id']:024x}",
        "air_date": item["air_date"],
        "episodes": episodes,
        "name": item["name"],
        "overview": "",
        "id": item["id"],
        "poster_path": None,
        "season_number": item["season_number"],
        "vote_average": item["vote_average"],
        "aggregate_credits": credits,
    }


def _episode_counts(seasons: int, episodes_per_season: int | Sequence[int]) -> list[int]:
    if seasons < 1:
        raise ValueError(f"seasons must be >= 1, got {seasons}")
    if isinstance(episodes_per_season, int):
        counts = [episodes_per_season] * seasons
    else:
        counts = [int(e) for e in episodes_per_season]
        if len(counts) != seasons:
            raise ValueError(f"episodes_per_season has {len(counts)} numbers for {seasons} seasons")
    if min(counts) < 1:
        raise ValueError(f"every season needs at least one episode, got {counts}")
    return counts


def _details(
    series_id: int,
    *,
    name: str,
    style: Theme,
    built: Mapping[int, Season],
    season_ids: Mapping[int, int],
    announced_season: bool,
    first_air_year: int,
    showrunner: Person,
    registry: Registry,
) -> dict[str, Any]:
    rng = registry.rng
    aired = sorted(n for n in built if n > 0)
    last = aired[-1]
    premieres = {n: _premiere(first_air_year + n - 1) for n in aired}
    if 0 in built:
        premieres[0] = premieres[1] + timedelta(days=120)
    finale = premieres[last] + timedelta(weeks=built[last].episodes - 1)
    listed = [
        _season_item(
            n,
            season_id=season_ids[n],
            air_date=premieres[n].isoformat(),
            episode_count=built[n].episodes,
            vote_average=0.0 if n == 0 else round(6.5 + rng.random() * 2, 1),
        )
        for n in sorted(built)
    ]
    if announced_season:
        listed.append(
            _season_item(
                last + 1,
                season_id=season_ids[last + 1],
                air_date=None,
                episode_count=0,
                vote_average=0.0,
            )
        )
    return {
        "adult": False,
        "backdrop_path": None,
        "created_by": [
            {
                "id": showrunner.id,
                "credit_id": registry.credit_id("created_by", showrunner.id),
                "name": showrunner.name,
                "original_name": showrunner.original_name,
                "gender": showrunner.gender,
                "profile_path": showrunner.profile_path,
            }
        ],
        "episode_run_time": [],
        "first_air_date": premieres[aired[0]].isoformat(),
        "genres": [{"id": genre_id, "name": genre} for genre_id, genre in style.genres],
        "homepage": "",
        "id": series_id,
        "in_production": announced_season,
        "languages": ["en"],
        "last_air_date": finale.isoformat(),
        "last_episode_to_air": {
            "id": season_ids[last] * 1_000 + built[last].episodes,
            "name": f"Episode {built[last].episodes}",
            "overview": "",
            "vote_average": 0.0,
            "vote_count": 0,
            "air_date": finale.isoformat(),
            "episode_number": built[last].episodes,
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
        "popularity": round(rng.lognormvariate(0.0, 0.5) * 20, 4),
        "poster_path": None,
        "production_companies": [],
        "production_countries": [],
        "seasons": listed,
        "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
        "status": "Returning Series" if announced_season else "Ended",
        "tagline": "",
        "type": "Scripted",
        "vote_average": round(6.5 + rng.random() * 2, 3),
        "vote_count": rng.randint(20, 2000),
        SYNTHETIC_KEY: True,
    }


def _season_item(
    number: int, *, season_id: int, air_date: str | None, episode_count: int, vote_average: float
) -> dict[str, Any]:
    return {
        "air_date": air_date,
        "episode_count": episode_count,
        "id": season_id,
        "name": "Specials" if number == 0 else f"Season {number}",
        "overview": "",
        "poster_path": None,
        "season_number": number,
        "vote_average": vote_average,
    }


def _premiere(year: int) -> date:
    """The first Sunday from 10 September of ``year``."""
    start = date(year, 9, 10)
    return start + timedelta(days=(6 - start.weekday()) % 7)


def whole_run_credits(season_payloads: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge season aggregate credits into one, as ``/tv/{id}/aggregate_credits`` gives them.

    ``season_payloads`` are aggregate credits, or season details carrying them appended.

    A person's roles (and jobs, per department) are merged by ``credit_id``, episode counts
    summed over the seasons; people are sorted as in a season payload. Like TMDB's whole-run
    payload, the result has no ``id``.

    Returns
    -------
    dict
        ``{"cast": [...], "crew": [...]}`` in aggregate-credits shape.
    """
    cast: dict[int, dict[str, Any]] = {}
    crew: dict[tuple[int, str], dict[str, Any]] = {}
    for season in season_payloads:
        payload = season.get("aggregate_credits", season)  # season details carry it appended
        for person in payload["cast"]:
            _merge(cast, person["id"], person, "roles")
        for person in payload["crew"]:
            _merge(crew, (person["id"], person["department"]), person, "jobs")
    return {
        "cast": sorted(cast.values(), key=lambda p: (-p["total_episode_count"], p["order"])),
        "crew": sorted(
            crew.values(), key=lambda p: (p["department"], -p["total_episode_count"], p["name"])
        ),
    }


def _merge(
    into: dict[Any, dict[str, Any]], key: Any, person: Mapping[str, Any], nested: str
) -> None:
    entry = into.get(key)
    if entry is None:
        into[key] = {**person, nested: [dict(c) for c in person[nested]]}
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
    """One aggregate-credits payload with ``n_roles`` cast roles or a few more, for benchmarks.

    The whole-run credits (:func:`whole_run_credits`) of a :data:`SCALE_PRESET` soap with as
    many seasons as it takes, its cast cut after the first people whose roles reach
    ``n_roles``; the crew is the whole run's. 50,000 roles take a few seconds to build.

    Returns
    -------
    dict
        ``{"cast": [...], "crew": [...]}`` in aggregate-credits shape.
    """
    if n_roles < 1:
        raise ValueError(f"n_roles must be >= 1, got {n_roles}")
    seasons = -(-n_roles // 1_050)  # a SCALE_PRESET season adds about 1,130 distinct roles
    while True:
        preset = {**SCALE_PRESET, "seasons": seasons, "specials": False, "seed": seed}
        _, payloads = generate_series(9_999, **preset)
        merged = whole_run_credits(payloads.values())
        total = sum(len(p["roles"]) for p in merged["cast"])
        if total >= n_roles:
            break
        seasons = -(-seasons * n_roles // total) + 1
    kept, count = [], 0
    for person in merged["cast"]:
        if count >= n_roles:
            break
        kept.append(person)
        count += len(person["roles"])
    return {"cast": kept, "crew": merged["crew"]}
