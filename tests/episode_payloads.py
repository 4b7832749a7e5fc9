"""Hand-made season-details payloads (TMDB's shapes) for the episode tests."""

from __future__ import annotations

from typing import Any

SERIES = 77


def person(person_id: int, name: str, gender: int) -> dict[str, Any]:
    """A person's keys of a TMDB credit, in TMDB's order."""
    return {
        "adult": False,
        "gender": gender,
        "id": person_id,
        "known_for_department": "Acting",
        "name": name,
        "original_name": name,
        "popularity": 1.0,
        "profile_path": None,
    }


def crew(person_id: int, name: str, gender: int, job: str, department: str) -> dict[str, Any]:
    """One crew credit of an episode."""
    return {
        "job": job,
        "department": department,
        "credit_id": f"c{person_id}{job}",
        **person(person_id, name, gender),
    }


def guest(person_id: int, name: str, gender: int, character: str, order: int) -> dict[str, Any]:
    """One guest star of an episode."""
    return {
        "character": character,
        "credit_id": f"g{person_id}",
        "order": order,
        **person(person_id, name, gender),
    }


def episode(number: int, air_date: str | None, crew_: list[Any], guests: list[Any]) -> dict:
    """One item of ``episodes[]``."""
    return {
        "air_date": air_date,
        "episode_number": number,
        "episode_type": "standard",
        "id": 1000 + number,
        "name": f"Part {number}",
        "overview": "",
        "production_code": "",
        "runtime": 50,
        "season_number": 1,
        "show_id": SERIES,
        "still_path": None,
        "vote_average": 0.0,
        "vote_count": 0,
        "crew": crew_,
        "guest_stars": guests,
    }


ANN = (1, "Ann Director", 1)
CAL = (2, "Cal Director", 2)
WIL = (3, "Wil Writer", 0)
GIA = (4, "Gia Guest", 1)
REG = (5, "Reg Regular", 2)


def season(number: int = 1) -> dict[str, Any]:
    """Three episodes across a new year.

    Episode 1 (2023-12-24): directed by Ann (a woman), written by Wil, Gia guest-stars.
    Episode 2 (2023-12-31): co-directed by Ann and Cal (a man), written by Wil.
    Episode 3 (2024-01-07): directed by Cal; Gia is back.
    Reg is the regular, on all three in the aggregate credits only. The aggregate credits say
    Ann directed 2 episodes and Cal 3 (one more than the episodes list: the estimate differs).
    """
    episodes = [
        episode(
            1,
            "2023-12-24",
            [crew(*ANN, "Director", "Directing"), crew(*WIL, "Writer", "Writing")],
            [guest(*GIA, "Nurse", 500)],
        ),
        episode(
            2,
            "2023-12-31",
            [
                crew(*ANN, "Director", "Directing"),
                crew(*CAL, "Director", "Directing"),
                crew(*WIL, "Writer", "Writing"),
            ],
            [],
        ),
        episode(
            3, "2024-01-07", [crew(*CAL, "Director", "Directing")], [guest(*GIA, "Nurse", 500)]
        ),
    ]
    for item in episodes:
        item["season_number"] = number

    def aggregate_crew(who: tuple[int, str, int], job: str, department: str, n: int) -> dict:
        return {
            **person(*who),
            "jobs": [{"credit_id": f"c{who[0]}{job}", "job": job, "episode_count": n}],
            "department": department,
            "total_episode_count": n,
        }

    def aggregate_cast(who: tuple[int, str, int], character: str, n: int, order: int) -> dict:
        return {
            **person(*who),
            "roles": [{"credit_id": f"g{who[0]}", "character": character, "episode_count": n}],
            "total_episode_count": n,
            "order": order,
        }

    return {
        "_id": "x",
        "air_date": "2023-12-24",
        "episodes": episodes,
        "name": f"Season {number}",
        "overview": "",
        "id": 500 + number,
        "poster_path": None,
        "season_number": number,
        "vote_average": 0.0,
        "aggregate_credits": {
            "cast": [aggregate_cast(REG, "Lead", 3, 0), aggregate_cast(GIA, "Nurse", 2, 500)],
            "crew": [
                aggregate_crew(ANN, "Director", "Directing", 2),
                aggregate_crew(CAL, "Director", "Directing", 3),
                aggregate_crew(WIL, "Writer", "Writing", 2),
            ],
        },
    }


def details(numbers: tuple[int, ...] = (1,)) -> dict[str, Any]:
    """Series details listing ``numbers``."""
    return {
        "id": SERIES,
        "name": "Hand Made",
        "status": "Ended",
        "in_production": False,
        "seasons": [
            {
                "air_date": "2023-12-24",
                "episode_count": 3,
                "id": 500 + n,
                "name": f"Season {n}",
                "season_number": n,
            }
            for n in numbers
        ],
    }
