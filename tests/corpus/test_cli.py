"""``credits-analysis corpus ...`` end to end against the fake TMDB on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from credits_analysis import corpus
from credits_analysis.cli import main
from tests.corpus.served import Served, serve
from tests.fake_tmdb import TOKEN, FakeTMDB, Fault

IDS = [3001, 3002, 3003, 3004]


@pytest.fixture
def served(fake_tmdb: FakeTMDB, fake_tmdb_url: str, monkeypatch: pytest.MonkeyPatch) -> Served:
    monkeypatch.setenv("TMDB_API_TOKEN", TOKEN)
    monkeypatch.setenv("TMDB_API_BASE_URL", fake_tmdb_url)
    monkeypatch.setenv("CREDITS_ANALYSIS_TIMEOUT", "60")
    return serve(fake_tmdb, IDS)


@pytest.fixture
def built(served: Served, tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    assert main(["corpus", "build", str(root), "--ids", *map(str, IDS), "--no-progress"]) == 0
    return root


def test_build_exits_3_when_a_series_failed_and_says_where_to_look(
    served: Served, fake_tmdb: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_tmdb.inject("tv/3002", Fault(404))
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("# four\n3001\n3002\n\n3003\n3004\n3001\n")
    root = tmp_path / "corpus"
    assert main(["corpus", "build", str(root), "--ids-file", str(ids_file), "--no-progress"]) == 3
    out, err = capsys.readouterr()
    assert "3 series loaded (0 with failed seasons), 1 failed, 0 already in the corpus" in out
    assert "SELECT * FROM failures" in err and TOKEN not in out + err
    # Run again: nothing to do, nothing requested, and the earlier failure is not repeated.
    fake_tmdb.requests.clear()
    assert main(["corpus", "build", str(root), "--ids-file", str(ids_file), "--no-progress"]) == 0
    assert "0 series loaded" in capsys.readouterr().out and fake_tmdb.count() == 0


def test_sql_prints_tables_csv_json_and_writes_parquet(
    built: Path, served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = 'SELECT series_id, count(*) AS roles FROM "cast" GROUP BY ALL ORDER BY 1'
    expected = [(s, served.cast_rows([s])) for s in IDS]
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["series_id,roles", *(f"{s},{n}" for s, n in expected)]
    assert main(["corpus", "sql", str(built), query, "--format", "json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["series_id"], r["roles"]) for r in records] == expected
    assert main(["corpus", "sql", str(built), query]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["series_id", "roles"] and len(table) == 1 + len(IDS)
    out = tmp_path / "roles.parquet"
    assert main(["corpus", "sql", str(built), query, "--format", "parquet", "--out", str(out)]) == 0
    assert [tuple(r.values()) for r in pq.read_table(out).to_pylist()] == expected


def test_sql_csv_quotes_text_a_spreadsheet_would_evaluate(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "SELECT '=1+2' AS name, -1 AS number"
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    # The formula gets a leading quote; the negative number is left alone.
    assert capsys.readouterr().out.splitlines() == ["name,number", "'=1+2,-1"]
    # In an ENUM too, which Arrow hands over as a dictionary rather than text.
    query = "SELECT '=1+1'::ENUM('=1+1', 'b') AS e"
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["e", "'=1+1"]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO series (series_id) VALUES (1)",
        "CREATE TABLE mine AS SELECT 1",
        "COPY series TO '{out}'",
        "COPY (SELECT 1) TO '{out}'",
        "DELETE FROM failures",
        "DROP VIEW crew",
        "SELECT 1; CREATE TABLE mine (a INT)",
        "ATTACH '{out}' AS other",
        "EXPLAIN ANALYZE COPY series TO '{out}'",
    ],
)
def test_sql_that_writes_is_refused_and_writes_nothing(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], statement: str
) -> None:
    out = tmp_path / "out.csv"
    before = sorted(p.name for p in built.rglob("*"))
    assert main(["corpus", "sql", str(built), statement.format(out=out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the corpus is read-only") and "Traceback" not in err
    assert not out.exists() and sorted(p.name for p in built.rglob("*")) == before


def test_the_python_connection_refuses_writes_too(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with corpus.open(built) as connection:
        for statement in [
            "INSERT INTO series (series_id) VALUES (1)",
            "CREATE TABLE mine AS SELECT 1",
            f"COPY series TO '{out}'",
            "SELECT * FROM read_csv('/etc/hostname')",
        ]:
            with pytest.raises(duckdb.Error):
                connection.sql(statement)
        assert connection.sql("SELECT count(*) FROM series").fetchall() == [(len(IDS),)]
    assert not out.exists()


def test_invalid_sql_gives_duckdbs_message_and_exit_2(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "sql", str(built), "SELEC * FROM cast"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Parser Error: syntax error") and "Traceback" not in err
    assert main(["corpus", "sql", str(built), "SELECT nope FROM series"]) == 2
    assert 'Referenced column "nope" not found' in capsys.readouterr().err


def test_status_prints_counts_and_refresh_runs(
    built: Path, served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "status", str(built)]) == 0
    out = capsys.readouterr().out
    assert "series: 4 done (0 with failed seasons), 0 failed, 0 past their time-to-live" in out
    assert ["cast", f"{served.cast_rows(IDS):,}", "rows"] in [
        line.split() for line in out.splitlines()
    ]
    assert re.search(r"^on disk: [1-9]\d*\.\d kB$", out, re.MULTILINE)  # a small corpus
    assert main(["corpus", "refresh", str(built), "--no-progress"]) == 0
    assert "0 series loaded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ids", "0"], "a TMDB series id is a whole number from 1 to 2147483647, not 0"),
        (["--ids", "99999999999999999999"], "from 1 to 2147483647, not 99999999999999999999"),
        (["--ids", "1", "--rate", "100"], "between 0 and 40"),
        (["--ids", "1", "--rate", "fast"], "between 0 and 40 requests/s (TMDB's limit), not fast"),
        (["--ids", "1", "--batch-size", "0"], "a positive whole number"),
        (["--ids", "1", "--batch-size", "x"], "--batch-size: a positive whole number, not x"),
        (["--ids", "1", "--ids-file", "x"], "not allowed with argument"),
    ],
)
def test_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["corpus", "build", str(tmp_path / "c"), *argv])
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "{dir}", "--ids-file", "{bad}"], "line 2: 'x' is not a TMDB series id"),
        (["build", "{dir}", "--ids", "1", "--min-popularity", "3"], "goes with --ids-file"),
        (["build", "{dir}", "--discover", "planet=mars"], "key=value words"),
        (["sql", "{dir}", "SELECT 1", "--format", "parquet"], "needs --out"),
        (
            ["sql", "{dir}", "SELECT 1", "--format", "csv", "--out", "{dir}.parquet"],
            "make them agree",
        ),
        (["status", "{missing}"], "is not a corpus"),
        (["refresh", "{missing}", "--no-progress"], "is not a corpus"),
        (["refresh", "{empty}", "--no-progress"], "is not a corpus"),
        (["build", "{dir}", "--ids-file", "{blank}"], "lists no series id"),
    ],
)
def test_bad_input_is_one_line_exit_2_without_a_request(
    served: Served,
    fake_tmdb: FakeTMDB,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1\nx\n")
    blank = tmp_path / "blank.txt"
    blank.write_text("# to do\n")
    names = {
        "dir": tmp_path / "c",
        "bad": bad,
        "blank": blank,
        "missing": tmp_path / "missing",
        "empty": tmp_path / "empty",
    }
    names["empty"].mkdir()
    before = sorted(tmp_path.rglob("*"))
    assert main(["corpus", *(a.format(**names) for a in argv)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert fake_tmdb.count() == 0
    assert sorted(tmp_path.rglob("*")) == before  # nothing made, not even a corpus folder


def test_discover_builds_the_series_tmdb_discovers(
    served: Served, fake_tmdb: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "corpus"
    # The fake's catalogue has two series from GB.
    argv = ["corpus", "build", str(root), "--discover", "country=GB", "--limit", "3"]
    assert main([*argv, "--no-progress"]) == 0
    assert fake_tmdb.count("discover/tv") >= 1
    with corpus.open(root) as connection:
        assert connection.sql("SELECT count(*) FROM series").fetchall() == [(2,)]
    assert "2 series loaded" in capsys.readouterr().out


def test_progress_bar_shows_series_and_requests_per_second(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    corpus.build(tmp_path / "corpus", IDS, progress=True)
    shown = err.getvalue()
    assert "4/4" in shown and "requests/s" in shown and "series" in shown


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("", "give one SQL query: this has none"),
        ("   ", "give one SQL query: this has none"),
        ("-- a comment", "give one SQL query: this has none"),
        ("SELECT 1; SELECT 2", "give one SQL query: this has 2 statements"),
    ],
)
def test_sql_runs_exactly_one_query(
    built: Path, capsys: pytest.CaptureFixture[str], sql: str, message: str
) -> None:
    assert main(["corpus", "sql", str(built), sql]) == 2
    out, err = capsys.readouterr()
    assert err == f"error: {message}\n" and out == ""


def test_sql_writes_intervals_as_text_in_every_format(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "SELECT INTERVAL 3 DAY + INTERVAL 2 MONTH AS span, 1 AS n"
    assert main(["corpus", "sql", str(built), query, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"span": "2 months 3 days", "n": 1}
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["span,n", "2 months 3 days,1"]
    out = tmp_path / "span.parquet"
    assert main(["corpus", "sql", str(built), query, "--format", "parquet", "--out", str(out)]) == 0
    assert pq.read_table(out).to_pylist() == [{"span": "2 months 3 days", "n": 1}]
    # From the corpus itself: the span of fetch times is an interval too.
    span = "SELECT max(fetched_at) - min(fetched_at) AS span FROM series"
    assert main(["corpus", "sql", str(built), span, "--format", "json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out)["span"], str)


def test_sql_a_value_no_format_can_hold_is_exit_2_with_a_way_out(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "sql", str(built), "SELECT 'infinity'::DATE AS d"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write this result as table (")
    assert "CAST the column concerned to VARCHAR" in err and len(err.splitlines()) == 1


def test_sql_never_writes_into_the_corpus(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = next((built / "cast").rglob("part-*.parquet"))
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    for out in (target, built / "result.csv", built / "new" / "result.parquet"):
        argv = ["corpus", "sql", str(built), "SELECT 1 AS x"]  # the format from the suffix
        assert main([*argv, "--out", str(out)]) == 2
        assert "is inside the corpus folder" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in built.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("damage", ["truncated", "another table"])
def test_a_damaged_data_file_is_named_not_a_crash(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    target = next((built / "crew").rglob("part-*.parquet"))
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[:100])
    else:
        pq.write_table(pq.read_table(next((built / "series").rglob("part-*.parquet"))), target)
    query = "SELECT count(DISTINCT person_id) FROM crew"
    for argv in (["sql", str(built), query], ["status", str(built)]):
        assert main(["corpus", *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {target} is damaged (") and len(err.splitlines()) == 1


def test_a_damaged_manifest_is_named_not_a_crash(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = next((built / "_manifest").glob("part-*.parquet"))
    manifest.write_bytes(b"PAR1 not really")
    for argv in (["sql", str(built), "SELECT 1"], ["status", str(built)], ["refresh", str(built)]):
        assert main(["corpus", *argv, *(["--no-progress"] if argv[0] == "refresh" else [])]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {manifest} is damaged (") and len(err.splitlines()) == 1
        assert "cannot say which series it holds" in err


def test_discover_without_a_filter_is_refused_before_any_request(
    served: Served, fake_tmdb: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "corpus"
    assert main(["corpus", "build", str(root), "--discover", " ", "--no-progress"]) == 2
    assert "--discover needs at least one key=value word" in capsys.readouterr().err
    assert fake_tmdb.count() == 0 and not root.exists()


def test_status_lines_up_every_table(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "status", str(built)]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.endswith(" rows")]
    assert "episode_credits" in {row.split()[0] for row in rows}
    assert len({len(row) for row in rows}) == 1  # names padded alike, counts right-aligned


def test_sql_keeps_whole_numbers_whole_beside_nulls(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # failures.season_number is NULL when a whole series failed: 3, not 3.0, for the others.
    query = "SELECT * FROM (VALUES (1, NULL::BIGINT), (2, 3)) AS t(series_id, season_number)"
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["series_id,season_number", "1,", "2,3"]
    assert main(["corpus", "sql", str(built), query, "--format", "json"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        '{"series_id":1,"season_number":null}',
        '{"series_id":2,"season_number":3}',
    ]
    assert main(["corpus", "sql", str(built), query]) == 0
    assert [line.split() for line in capsys.readouterr().out.splitlines()] == [
        ["series_id", "season_number"],
        ["1", "<NA>"],
        ["2", "3"],
    ]


@pytest.fixture(params=["UTC", "Europe/Paris"])
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The machine's time zone, which DuckDB gives zoned times in."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_sql_writes_lists_dates_and_times_readably_in_every_format(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], zone: str
) -> None:
    query = (
        "SELECT ['Crime', 'Drama, \"noir\"'] AS genres, NULL::VARCHAR[] AS none, "
        "MAP(['k'], [2]) AS pairs, DATE '2012-09-16' AS aired, "
        "TIMESTAMPTZ '2026-12-01 01:42:05.461006+00' AS fetched, "
        "TIMESTAMP '2026-12-01 01:42:05' AS naive"
    )
    assert main(["corpus", "sql", str(built), query, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "genres": ["Crime", 'Drama, "noir"'],
        "none": None,
        "pairs": [["k", 2]],
        "aired": "2012-09-16",
        "fetched": "2026-12-01T01:42:05.461006Z",  # in UTC, whatever the machine's zone
        "naive": "2026-12-01T01:42:05.000000",
    }
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    header, row = csv.reader(io.StringIO(capsys.readouterr().out))
    assert dict(zip(header, row, strict=True)) == {
        "genres": '["Crime","Drama, \\"noir\\""]',
        "none": "",
        "pairs": '{"k":2}',
        "aired": "2012-09-16",
        "fetched": "2026-12-01 01:42:05.461006+00:00",
        "naive": "2026-12-01 01:42:05",
    }
    assert main(["corpus", "sql", str(built), query]) == 0
    printed = capsys.readouterr().out
    assert '["Crime","Drama, \\"noir\\""]' in printed and "01:42:05.461006+00:00" in printed


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("r.parquet", lambda p: pq.read_table(p).column("n").to_pylist()),
        ("R.JSON", lambda p: [json.loads(line)["n"] for line in p.read_text().splitlines()]),
        ("r.jsonl", lambda p: [json.loads(line)["n"] for line in p.read_text().splitlines()]),
        ("r.csv", lambda p: [int(n) for n in p.read_text().split()[1:]]),
    ],
)
def test_sql_out_takes_the_format_from_the_suffix(
    built: Path, tmp_path: Path, name: str, read: Callable[[Path], list[int]]
) -> None:
    out = tmp_path / name
    query = "SELECT * FROM range(3) AS t(n)"
    assert main(["corpus", "sql", str(built), query, "--out", str(out)]) == 0
    assert read(out) == [0, 1, 2]


@pytest.mark.parametrize("name", ["r.tsv", "result", "r.csv.gz"])
def test_sql_out_with_a_suffix_that_names_no_format_needs_format(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    out = tmp_path / name
    assert main(["corpus", "sql", str(built), "SELECT 1 AS n", "--out", str(out)]) == 2
    assert "say which with --format" in capsys.readouterr().err and not out.exists()
    assert (
        main(["corpus", "sql", str(built), "SELECT 1 AS n", "--out", str(out), "--format", "csv"])
        == 0
    )
    assert out.read_text().split() == ["n", "1"]


def test_sql_table_in_a_file_holds_every_row(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.txt"
    query = "SELECT * FROM range(1500) AS t(n)"
    assert main(["corpus", "sql", str(built), query, "--format", "table", "--out", str(out)]) == 0
    assert [int(n) for n in out.read_text().split()[1:]] == list(range(1500))


def test_sql_columns_of_one_name_or_one_name_in_two_cases_keep_their_own_values(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "SELECT 7 AS ID, [1, 2] AS id, INTERVAL 3 DAY AS a, '=1+1' AS a"
    assert main(["corpus", "sql", str(built), query, "--format", "csv"]) == 0
    assert list(csv.reader(io.StringIO(capsys.readouterr().out))) == [
        ["ID", "id", "a", "a"],
        ["7", "[1,2]", "3 days", "'=1+1"],
    ]
    assert main(["corpus", "sql", str(built), query]) == 0
    assert capsys.readouterr().out.split() == [
        "ID",
        "id",
        "a",
        "a",
        "7",
        "[1,2]",
        "3",
        "days",
        "=1+1",
    ]
    assert (
        main(["corpus", "sql", str(built), "SELECT 7 AS ID, [1, 2] AS id", "--format", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == {"ID": 7, "id": [1, 2]}
    assert main(["corpus", "sql", str(built), query, "--format", "json"]) == 2
    assert "more than one column named 'a': name them apart with AS" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"waiting": "12"}, "waiting is not a list of series ids"),
        ({"waiting": [True]}, "waiting is not a list of series ids"),
        ({"changes_checked": "2026-11-30"}, "has no time zone"),
    ],
)
def test_a_hand_edited_corpus_record_is_named_damaged(
    built: Path, capsys: pytest.CaptureFixture[str], record: dict, message: str
) -> None:
    path = built / "corpus.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **record}))
    assert main(["corpus", "status", str(built)]) == 2
    err = capsys.readouterr().err
    assert "corpus.json is damaged" in err and message in err


def test_a_folder_inside_a_corpus_names_the_corpus(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "sql", str(built / "cast"), "SELECT 1"]) == 2
    assert f"is not a corpus (no corpus.json); the corpus is {built}" in capsys.readouterr().err


def test_sql_on_an_unquoted_cast_says_to_quote_it(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["corpus", "sql", str(built), "SELECT count(*) FROM cast"]) == 2
    assert 'the view is "cast", in double quotes' in capsys.readouterr().err
    assert main(["corpus", "sql", str(built), "SELECT count(*) FROM crew WHERE"]) == 2
    assert "double quotes" not in capsys.readouterr().err
