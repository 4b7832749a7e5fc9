"""The corpus report: built from a corpus through the corpus notebook, from Python and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from credits_analysis.cli import main
from credits_analysis.demo.corpus import demo_corpus
from credits_analysis.errors import ConfigError
from credits_analysis.report import PLOTLY_MIMETYPE, build_corpus_report

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_corpus(tmp_path_factory.mktemp("corpus") / "demo", size=40)


def test_the_corpus_report_frames_its_charts_with_the_corpus_header(
    corpus: Path, tmp_path: Path
) -> None:
    built = build_corpus_report(corpus, tmp_path / "corpus.html")
    assert built.header.title == "Corpus: representation and churn across 40 series"
    (summary,) = built.header.series
    assert summary.name == "40 series" and summary.seasons.startswith("first aired 19")
    assert "Synthetic data" in built.header.synthetic
    figures = [
        output
        for cell in built.notebook.cells
        for output in cell.get("outputs", [])
        if PLOTLY_MIMETYPE in output.get("data", {})
    ]
    assert built.figures == len(figures) == 10
    page = built.path.read_text(encoding="utf-8")
    assert "This product uses the TMDB API" in page and "(TMDB id" not in page
    # Synthetic series are not on TMDB: no link to a page that does not exist.
    assert "themoviedb.org/tv/" not in page
    assert str(corpus) not in page


def test_report_takes_a_corpus_from_the_command_line(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "corpus.html"
    assert main(["report", "--corpus", str(corpus), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.stat().st_size > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--out", "x.html"], "give one to four SERIES, or --corpus DIR"),
        (["report", "1399", "--corpus", "c", "--out", "x.html"], "(not both)"),
        (["report", "--corpus", "{tmp}", "--out", "x.html"], "is not a corpus"),
    ],
)
def test_report_arguments_for_a_corpus_are_checked_first(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_folder_that_is_no_corpus_is_refused_before_any_kernel(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a corpus"):
        build_corpus_report(tmp_path, tmp_path / "x.html")


def test_a_report_can_count_its_cells_on_stderr(
    corpus: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    build_corpus_report(corpus, tmp_path / "quiet.html")
    assert "Executing" not in capfd.readouterr().err
    build_corpus_report(corpus, tmp_path / "counted.html", progress=True)
    err = capfd.readouterr().err
    assert "Executing" in err and "cell/s" in err
