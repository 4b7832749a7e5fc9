"""``credits-analysis corpus ...`` end to end against the fake TMDB on 127.0.0.1."""

from __future__ import annotations

import io
import json
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
    assert main(["corpus", "refresh", str(built), "--no-progress"]) == 0
    assert "0 series loaded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ids", "0"], "a TMDB series id is a positive number"),
        (["--ids", "1", "--rate", "100"], "between 0 and 40"),
        (["--ids", "1", "--batch-size", "0"], "a positive whole number"),
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
        (["status", "{missing}"], "is not a corpus"),
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
    names = {"dir": tmp_path / "c", "bad": bad, "missing": tmp_path / "missing"}
    assert main(["corpus", *(a.format(**names) for a in argv)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert fake_tmdb.count() == 0


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
