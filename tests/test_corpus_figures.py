"""Corpus figures drawn from the hand-made corpus: what they show, their counts and escaping."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from credits_analysis.config import MAX_CACHE_AGE
from credits_analysis.corpus import SeriesTally, figures, metrics, tables
from tests.hand_corpus import connect


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect()
    yield connection
    connection.close()


def test_share_by_year_draws_both_shares_and_the_not_set_coverage(con) -> None:
    table = metrics.representation(con, "directing", min_series=2)
    fig = figures.share_by_year(table, title="Directing")
    known, everyone, not_set = fig.data
    assert list(known.x) == [2019, 2020, 2021]
    assert known.y[0] == pytest.approx(16 / 28) and everyone.y[2] == 0.0
    assert list(not_set.y)[2] == 1.0
    # 2020 and 2021 have one series each: open markers, and the title says which years.
    assert list(known.marker.symbol) == ["circle", "circle-open", "circle-open"]
    assert "2020, 2021" in fig.layout.title.text
    # The counts behind the share are in the hover: 16 women of 28 known, 2 series.
    assert list(known.customdata[0]) == [16, 28, 0, 2]


def test_share_heatmap_blanks_small_groups_and_escapes_names(con) -> None:
    con.execute(
        "CREATE OR REPLACE VIEW series AS SELECT series_id, name, type, first_air_date, "
        "list_transform(networks, lambda n: CASE WHEN n = 'HBO' THEN '<b>HBO</b>' ELSE n END) "
        "AS networks, origin_country, genres FROM series_frame"
    )
    table = metrics.representation(con, "directing", by=["network", "year"], min_series=2)
    fig = figures.share_heatmap(table, key="network", title="Directing")
    (heatmap,) = fig.data
    assert list(heatmap.y) == ["&lt;b&gt;HBO&lt;/b&gt;", "Netflix"]
    assert list(heatmap.x) == ["2019", "2020", "2021"]
    # HBO 2019 has two series (Alpha, Beta): 16 of 28; every other cell has one series: blank.
    assert heatmap.z[0][0] == pytest.approx(16 / 28)
    assert sum(value == value for row in heatmap.z for value in row) == 1
    assert list(heatmap.customdata[0][0]) == ["16/28", 2]


def test_churn_box_counts_series_per_group(con) -> None:
    fig = figures.churn_box(metrics.churn_by_series(con), by="genre")
    (box,) = fig.data
    assert box.name == "Drama (n=1)"
    assert list(box.x) == pytest.approx([1 / 3])
    assert box.boxpoints == "all"


def test_reader_tables_keep_denominators_and_escape_names(con) -> None:
    directing = metrics.representation(con, "directing", min_series=2)
    shares = tables.shares_table(directing).to_html()
    assert "Known gender" in shares and "few series" in shares
    first = int(directing["year"].min())
    assert first >= 1000 and f">{first}<" in shares and f">{first:,}<" not in shares
    con.execute(
        "CREATE OR REPLACE VIEW series AS SELECT series_id, '<script>x</script>' AS name, type, "
        "first_air_date, networks, origin_country, genres FROM series_frame"
    )
    churn = tables.churn_extremes(metrics.churn_by_series(con), n=3).to_html()
    assert "<script>" not in churn and "&lt;script&gt;x&lt;/script&gt;" in churn
    assert 'href="https://www.themoviedb.org/tv/1"' in churn
    unlinked = tables.churn_extremes(metrics.churn_by_series(con), link=False).to_html()
    assert "href" not in unlinked


def test_churn_table_shows_percentages_and_flags_small_groups(con) -> None:
    churn = metrics.churn_by_group(con, by=["network"], min_series=2)
    html = tables.churn_table(churn).to_html()
    # HBO: 3 regulars, 1 not back: 33% pooled and at every quartile of its one pair.
    assert "Not back, %" in html and ">HBO<" in html and ">33<" in html
    assert "few series" in html
    con.execute(
        "CREATE OR REPLACE VIEW series AS SELECT series_id, name, type, first_air_date, "
        "['<b>x</b>'] AS networks, origin_country, genres FROM series_frame"
    )
    hostile = tables.churn_table(metrics.churn_by_group(con, by=["network"])).to_html()
    assert "<b>x</b>" not in hostile and "&lt;b&gt;x&lt;/b&gt;" in hostile


def test_coverage_note_names_the_years_over_the_threshold(con) -> None:
    shares = metrics.representation(con, "directing")
    note = tables.coverage_note(shares, role="directing", threshold=0.5)
    # People-years: 2019 has 4 (none not set), 2021 has 1 (not set); 2020 has none.
    assert note.sentences[0].startswith("1 of the 5 people-years of directing (20%)")
    assert note.caveats == (
        "In 2021, more than 50% of the people credited for directing have no gender on TMDB: "
        "shares for those years describe only part of the people credited.",
    )
    assert tables.coverage_note(shares, role="directing", threshold=1.0).caveats == ()


def test_share_heatmap_by_period(con) -> None:
    table = metrics.representation(con, "directing", by=["network", "period"], min_series=1)
    # HBO: Alpha S1 and Beta in 2019 (2015-2019), Alpha S2 in 2020 (2020-2024, no director).
    hbo = table[(table["network"] == "HBO") & (table["measure"] == "episodes")]
    assert hbo["period"].tolist() == [2015, 2020]
    assert hbo["total"].tolist() == [28, 0]
    fig = figures.share_heatmap(table, key="network", title="Directing", across="period")
    assert list(fig.data[0].x) == ["2015-2019", "2020-2024"]


def test_each_year_axis_says_whose_year_it_is(con) -> None:
    def axis(fig) -> str:
        return fig.layout.xaxis2.title.text

    directing = metrics.representation(con, "directing", min_series=1)
    assert axis(figures.share_by_year(directing, title="D")) == "year the season first aired"
    creators = metrics.creator_share(con, min_series=1)
    made = figures.share_by_year(creators, title="Creators", measure="creators")
    assert axis(made) == "year the series first aired"
    by_episode = metrics.episode_directing(con, min_series=1)
    aired = figures.share_by_year(by_episode, title="D", measure="episode credits")
    assert axis(aired) == "year the episode aired"


def test_figures_without_data_say_so_instead_of_empty_axes(con) -> None:
    nobody = metrics.representation(con, "directing").assign(total=0)
    empty = figures.share_by_year(nobody, title="Directing")
    assert empty.layout.title.text == "Directing: nothing credited in any dated year"
    assert not empty.data and empty.layout.xaxis.visible is False
    no_years = metrics.representation(con, "directing").iloc[:0]
    assert not figures.share_by_year(no_years, title="Directing").data
    churn = figures.churn_box(metrics.churn_by_series(con).iloc[:0], by="type")
    assert not churn.data and "no series has a season and a next season" in churn.layout.title.text


def test_tables_without_rows_are_a_sentence(con) -> None:
    no_years = metrics.representation(con, "directing").iloc[:0]
    assert str(tables.shares_table(no_years)) == "No year in this corpus to count episodes by."
    no_churn = metrics.churn_by_series(con).iloc[:0]
    assert "so there is no churn to show" in str(tables.churn_extremes(no_churn))
    assert "so there is no churn to show" in str(
        tables.churn_table(metrics.churn_by_group(con).iloc[:0])
    )
    people = metrics.people_across_series(con)
    assert str(tables.people_table(people.iloc[:0])) == "No one is credited in this corpus."
    assert str(tables.people_table(people.assign(series=1))) == (
        "No one is credited in more than one series of this corpus."
    )
    across = people[people["series"] > 1]
    assert not across.empty and people["series"].min() == 1
    shown = tables.people_table(people).data
    assert shown["Name"].tolist() == across["name"].tolist()
    nobody = metrics.representation(con, "all cast").assign(total=0)
    note = tables.coverage_note(nobody, role="the cast", threshold=0.25)
    assert str(note) == "No credits for the cast have a year in this corpus."


def test_churn_extremes_of_few_series_name_each_end_once() -> None:
    churn = pd.DataFrame(
        {
            "series_id": [1, 2, 3],
            "name": ["High", "Middle", "Low"],
            "type": "Scripted",
            "genre": "Drama",
            "season_pairs": 1,
            "regulars": 4,
            "returning": [1, 2, 4],
            "churn": [0.75, 0.5, 0.0],
        }
    )
    shown = tables.churn_extremes(churn, n=5, link=False).data
    assert shown[["Churn", "Series"]].values.tolist() == [
        ["highest", "High"],
        ["highest", "Middle"],
        ["lowest", "Low"],
    ]
    ends = tables.churn_extremes(churn, n=1, link=False).data
    assert ends[["Churn", "Series"]].values.tolist() == [["highest", "High"], ["lowest", "Low"]]


def test_corpus_note_says_what_the_figures_leave_out(tmp_path) -> None:
    def status(**counts: int) -> SeriesTally:
        base = dict(done=0, partial=0, failed=0, expiring=0, expired=0)
        return SeriesTally(path=tmp_path / "my corpus", oldest_fetch=None, **{**base, **counts})

    assert str(tables.corpus_note(status(done=3))) == ""
    assert str(tables.corpus_note(status())).startswith("This corpus holds no series yet")
    failed = tables.corpus_note(status(done=2, failed=1))
    assert failed.sentences == (
        "1 series could not be fetched and count nowhere below (the failures view says why).",
    )
    hidden = tables.corpus_note(status(done=3, expired=3))
    assert hidden.sentences == () and hidden.caveats[0].startswith(
        f"3 series were fetched more than {MAX_CACHE_AGE.days} days ago and are hidden"
    )
    assert f"corpus refresh '{tmp_path / 'my corpus'}'" in hidden.caveats[0]
