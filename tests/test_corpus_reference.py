"""The published figures beside the corpus's are those of their cited sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from credits_analysis.corpus.reference import published_figures

# The project's working notes on the publications, beside the repository (as CI lays it out).
NOTES = Path(__file__).resolve().parents[2] / "shared" / "industry-figures.md"


@pytest.fixture(scope="module")
def notes() -> str:
    if not NOTES.is_file():
        pytest.skip(f"{NOTES} (the notes the figures were checked against) is not here")
    return NOTES.read_text(encoding="utf-8")


def _figures(what: str) -> dict[str, float]:
    table = published_figures()
    rows = table[table["what"] == what]
    return dict(zip(rows["season"], rows["women_percent"], strict=True))


def test_dga_shares_match_the_notes(notes: str) -> None:
    dga = notes.split("## DGA", 1)[1].split("\n## ", 1)[0]
    published = {
        season: float(share)
        for season, share in re.findall(r"^\| (\d{4}-\d{2}) \| (\d+)% ", dga, flags=re.MULTILINE)
    }
    assert published == _figures("directing (episodes)")


def test_boxed_in_shares_match_the_notes(notes: str) -> None:
    found = re.search(
        r"women were (\d+)% of creators \((\d+)% in 2022-23, (\d+)% in 2021-22\), (\d+)% of\s+"
        r"directors, (\d+)% of\s+writers",
        notes,
    )
    assert found is not None
    creators, creators_2223, creators_2122, directors, writers = map(float, found.groups())
    assert _figures("creators (people)") == {
        "2023-24": creators,
        "2022-23": creators_2223,
        "2021-22": creators_2122,
    }
    assert _figures("directing (people)") == {"2023-24": directors}
    assert _figures("writing (people)") == {"2023-24": writers}


def test_ucla_shares_match_the_notes(notes: str) -> None:
    found = re.search(
        r"([\d.]+)% \(broadcast\), ([\d.]+)% \(cable\) and ([\d.]+)% \(digital\)", notes
    )
    assert found is not None
    for platform, share in zip(("broadcast", "cable", "digital"), found.groups(), strict=True):
        assert _figures(f"creators (people), {platform}") == {"2020-21": float(share)}


def test_every_figure_says_where_it_comes_from_and_how_it_counts() -> None:
    table = published_figures()
    assert table["source"].str.len().min() > 5
    assert (table["how_counted"].str.len() > 40).all()
    assert table["women_percent"].between(0, 100).all()
