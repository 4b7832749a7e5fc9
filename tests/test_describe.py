"""Reader-facing sentences and tables: no exception names, paths or reprs, and escaped data."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pandas as pd
import pytest

from credits_analysis import describe, wording
from credits_analysis.errors import (
    NotFoundError,
    OfflineMissError,
    PartialLoadWarning,
    StaleDataWarning,
)
from credits_analysis.load import SeriesCredits, load_series

HOSTILE = "<script>alert(1)</script> *bold* [link](x)"


@pytest.fixture
def partial() -> tuple[SeriesCredits, list[warnings.WarningMessage]]:
    """Game of Thrones offline with an empty cache: only its bundled season 1 loads."""
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        series = load_series(1399, offline=True)
    return series, warned


@pytest.fixture
def drama() -> SeriesCredits:
    """The bundled demo drama: its last season is announced, with no credits."""
    return load_series(9000001, offline=True)


def test_season_ranges_compress_runs_and_name_specials() -> None:
    assert wording.season_ranges([5, 1, 2, 3, 0, 3]) == "Specials, 1\u20133, 5"
    assert wording.season_ranges([7]) == "7"
    assert wording.season_ranges([2, 4, 6]) == "2, 4, 6"
    assert wording.season_ranges([]) == "none"


def test_season_label_names_the_specials_as_the_ranges_do() -> None:
    assert [wording.season_label(n) for n in (0, 1, 12)] == ["Specials", "S1", "S12"]
    assert wording.season_ranges([0]) == wording.SPECIALS_LABEL == wording.season_label(0)


def test_failed_seasons_are_one_sentence_without_paths_or_class_names(
    partial: tuple[SeriesCredits, list[warnings.WarningMessage]], cache_dir: Path
) -> None:
    series, warned = partial
    assert sorted(series.failures) == list(range(2, 9))
    assert str(cache_dir) in str(series.failures[2])  # what the note must not repeat

    note = describe.load_note(series, warned=warned)

    cast, crew = series.cast["person_id"].nunique(), series.crew["person_id"].nunique()
    assert note.sentences == (
        f"Game of Thrones (TMDB id 1399): {cast} people in the cast and {crew} in the crew over "
        "season 1.",
        # A recorded sample of the aggregate credits alone: no episodes, said in words.
        "Season 1 came without its episodes: its credits were cached before episodes were "
        "loaded, or are a recorded sample of the aggregate credits alone; a refresh from TMDB "
        "brings the episodes.",
    )
    (caveat,) = note.caveats
    assert caveat.startswith("Seasons 2\u20138 could not be loaded: not in the local cache")
    for text in (str(note), note._repr_html_()):
        assert str(cache_dir) not in text and "/tmp" not in text
        assert "Error" not in text and "Warning" not in text and "aggregate_credits" not in text


def test_failures_are_grouped_by_reason(drama: SeriesCredits) -> None:
    failed = dataclasses.replace(
        drama,
        failures={
            2: NotFoundError("season 2 is not listed"),
            3: OfflineMissError("offline", missing=["tv/9000001/season/3/aggregate_credits"]),
            4: OfflineMissError("offline", missing=["tv/9000001/season/4/aggregate_credits"]),
            6: OfflineMissError("offline", missing=["tv/9000001/season/6/aggregate_credits"]),
        },
    )

    caveats = describe.load_note(failed).caveats

    assert caveats[0] == "Season 2 could not be loaded: not found on TMDB."
    assert caveats[1].startswith("Seasons 3\u20134 and 6 could not be loaded: not in the local")
    assert len(caveats) == 2


def test_seasons_without_credits_are_said_to_have_none_yet(drama: SeriesCredits) -> None:
    credits = {n: payload["aggregate_credits"] for n, payload in drama.payloads.items()}
    empty = [n for n, c in credits.items() if not c["cast"] + c["crew"]]
    assert empty == [9]
    assert drama.seasons.set_index("season_number").loc[9, "air_date"] is pd.NaT

    note = describe.load_note(drama)

    assert note.sentences[-1] == "Season 9 is announced but has no credits yet."
    assert "seasons 1\u20138." in note.sentences[0]
    aired = drama.seasons.assign(air_date=pd.Timestamp("2024-01-01"))
    sentences = describe.load_note(dataclasses.replace(drama, seasons=aired)).sentences
    assert sentences[-1] == "Season 9 has aired but has no credits yet."


def test_stale_data_is_a_caveat_and_other_warnings_are_shown_again(drama: SeriesCredits) -> None:
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        warnings.warn(
            "using 2 expired cache entries (/home/x/cache)", StaleDataWarning, stacklevel=1
        )
        warnings.warn("3 of 9 seasons failed", PartialLoadWarning, stacklevel=1)
        warnings.warn("something else", RuntimeWarning, stacklevel=1)

    with pytest.warns(RuntimeWarning, match="something else"):
        note = describe.load_note(drama, warned=warned)

    (caveat,) = note.caveats
    assert "could not be refreshed" in caveat and "/home/x" not in caveat


def test_names_are_escaped_in_html(drama: SeriesCredits) -> None:
    note = describe.load_note(dataclasses.replace(drama, name=HOSTILE))

    assert HOSTILE in str(note)
    assert "<script>" not in note._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note._repr_html_()


def test_seasons_table_counts_people_and_leaves_uncredited_seasons_blank(
    drama: SeriesCredits,
) -> None:
    styled = describe.seasons_table(drama)
    table = styled.data.set_index("Season")

    assert list(table.columns) == [
        "Name", "First aired", "Episodes", "Cast", "Crew", "New cast", "Cast who left",
    ]  # fmt: skip
    cast = drama.cast.groupby("season_number")["person_id"].nunique()
    assert table.loc["S3", "Cast"] == cast[3]
    assert table.loc["S9", ["Cast", "Crew", "New cast", "Cast who left"]].isna().all()
    assert pd.isna(table.loc["S1", "Cast who left"]) and table.loc["S1", "New cast"] == cast[1]
    page = styled.to_html()
    for raw in ("NaT", "&lt;NA&gt;", "<NA>", "nan", "season_number", "episode_count"):
        assert raw not in page
    assert f'<td class="data row8 col2" >{describe.MISSING}</td>' in page  # S9 first aired
    assert "2015-09-13</td>" in page and "00:00" not in page


def test_a_season_with_cast_but_no_crew_has_zero_crew(drama: SeriesCredits) -> None:
    without = dataclasses.replace(drama, crew=drama.crew[drama.crew["season_number"] != 2])

    table = describe.seasons_table(without).data.set_index("Season")

    assert table.loc["S2", "Crew"] == 0
    assert pd.isna(table.loc["S9", "Crew"])


def test_table_hides_the_index_renames_and_escapes() -> None:
    frame = pd.DataFrame(
        {"person_id": [77123], "name": [HOSTILE], "score": [3.14159], "when": [pd.NaT]},
        index=pd.Index([77123], name="person_id"),
    )

    page = describe.table(
        frame, columns={"name": "Name", "score": "Score", "when": "When"}
    ).to_html()

    assert "77123" not in page and "person_id" not in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert ">Name</th>" in page and ">3.1</td>" in page and f">{describe.MISSING}</td>" in page
