"""Reports: notebook execution in a kernel of this interpreter, and the offline HTML export.

The export is tested on notebooks built here with the outputs papermill would return (plotly's
own ``plotly_mimetype`` bundles), so most tests need no kernel; the tests marked ``notebook``
execute small throwaway notebooks, and one builds the demo report through the CLI.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from plotly.offline import get_plotlyjs

from credits_analysis import cli, demo, report
from credits_analysis.cache import RawCache
from credits_analysis.endpoints import details_path, season_credits_path
from credits_analysis.errors import ConfigError, PartialLoadWarning
from credits_analysis.load import load_series
from credits_analysis.report import (
    MAX_COMPARED,
    NOTEBOOK_ONLY_TAG,
    PLOTLY_MIMETYPE,
    TMDB_ATTRIBUTION,
    NotebookExecutionError,
    ReportHeader,
    SeriesSummary,
    build_report,
    execute_notebook,
    export_html,
)

PLOTLY_JS = get_plotlyjs()
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
HEADER = ReportHeader(
    title="Example: cast and crew season by season",
    series=(
        SeriesSummary(
            series_id=42,
            name=f"Example {HOSTILE}",
            seasons="1\u20133",
            source="TMDB API (local cache)",
            fetched="2025-01-01 00:00 UTC",
        ),
    ),
    language="en-US",
    built="2025-01-02 00:00 UTC with credits-analysis 0.1.0",
    synthetic="",
)


def figure_output(title: str) -> nbformat.NotebookNode:
    """What the kernel sends for a figure under the notebooks' ``plotly_mimetype`` renderer."""
    figure = go.Figure(go.Bar(x=["S1", "S2"], y=[3, 4], name=title), layout={"title": title})
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(figure.to_dict())
    return new_output("display_data", data=bundle)


def executed(figures: int) -> nbformat.NotebookNode:
    """An executed notebook: a heading, ``figures`` figure cells and a table cell."""
    cells = [new_markdown_cell("# Heading")]
    cells += [
        new_code_cell(f"charts.figure_number({i})", outputs=[figure_output(f"figure {i}")])
        for i in range(figures)
    ]
    table = new_output("execute_result", data={"text/html": "<table><td>1</td></table>"})
    cells.append(new_code_cell("overview_table()", outputs=[table], execution_count=3))
    return new_notebook(cells=cells)


def without_plotly_js(page: str) -> str:
    assert page.count(PLOTLY_JS) <= 1
    return page.replace(PLOTLY_JS, "")


class _Resources(HTMLParser):
    """Every URL-valued attribute and every ``url(...)``/``@import`` of inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        self.urls += [v or "" for k, v in attrs if k in {"src", "href", "srcset", "data", "action"}]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]*)", data)
            self.urls += re.findall(r"@import\s+['\"]?([^'\";\s]*)", data)


def external_urls(page: str) -> list[str]:
    parser = _Resources()
    parser.feed(without_plotly_js(page))
    return [url for url in parser.urls if not url.startswith(("#", "data:"))]


@pytest.mark.parametrize("figures", [1, 6])
def test_plotly_js_is_inlined_once_and_every_figure_becomes_a_plot(figures: int) -> None:
    page, count = export_html(executed(figures), header=HEADER)

    assert count == figures
    assert page.count(PLOTLY_JS) == 1
    rest = without_plotly_js(page)
    assert rest.count("Plotly.newPlot(") == figures
    assert [f"figure {i}" in rest for i in range(figures)] == [True] * figures
    assert PLOTLY_MIMETYPE not in rest


def test_a_notebook_without_figures_carries_no_plotly_js() -> None:
    page, count = export_html(executed(0), header=HEADER)

    assert count == 0
    assert PLOTLY_JS not in page
    assert "<table><td>1</td></table>" in page


def test_the_page_loads_nothing_from_anywhere() -> None:
    page, _ = export_html(executed(2), header=HEADER)

    assert external_urls(page) == []
    rest = without_plotly_js(page).lower()
    for library in ("mathjax", "require.js", "requirejs", "mermaid", "cdn"):
        assert library not in rest


def test_code_is_hidden_unless_asked_for() -> None:
    hidden, _ = export_html(executed(1), header=HEADER)
    shown, _ = export_html(executed(1), header=HEADER, show_code=True)

    assert "figure_number" not in hidden and "overview_table" not in hidden
    assert "figure_number" in shown and "overview_table" in shown
    # Outputs stay either way.
    assert "<table><td>1</td></table>" in hidden


def test_notebook_only_cells_are_left_out() -> None:
    notebook = executed(1)
    how_to = new_markdown_cell("Set the parameters in the next cell and run all cells.")
    how_to.metadata["tags"] = [NOTEBOOK_ONLY_TAG]
    notebook.cells.insert(1, how_to)

    page, _ = export_html(notebook, header=HEADER, show_code=True)

    assert "Set the parameters" not in page
    assert "Heading" in page and "figure 0" in page


def test_header_attribution_and_escaping() -> None:
    page, _ = export_html(executed(1), header=HEADER)
    body = without_plotly_js(page)

    for text in (
        HEADER.title,
        "1\u20133",
        "TMDB API (local cache)",
        "2025-01-01 00:00 UTC",
        "en-US",
        "TMDB id 42",
        TMDB_ATTRIBUTION,
    ):
        assert text in body
    assert HOSTILE not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in body
    assert f"<title>{HEADER.title}</title>" in body
    assert 'id="synthetic-banner"' not in body


def test_synthetic_banner_only_for_synthetic_data() -> None:
    banner = "Synthetic data: Example is a generated series."
    page, _ = export_html(executed(1), header=dataclasses.replace(HEADER, synthetic=banner))

    assert 'id="synthetic-banner"' in page
    assert banner in page


def test_data_in_figures_cannot_close_their_script() -> None:
    notebook = new_notebook(cells=[new_code_cell("x", outputs=[figure_output(HOSTILE)])])

    page, _ = export_html(notebook, header=HEADER)

    assert HOSTILE not in without_plotly_js(page)


def test_what_the_kernel_wrote_to_stderr_stays_out_of_the_report() -> None:
    notebook = executed(1)
    outputs = notebook.cells[1].outputs
    outputs.append(
        new_output(
            "stream",
            name="stderr",
            text="/tmp/ipykernel_1/2.py:1: PartialLoadWarning: not in the cache (/home/me/cache)",
        )
    )
    outputs.append(new_output("stream", name="stdout", text="printed for the reader"))

    page, _ = export_html(notebook, header=HEADER)

    assert "PartialLoadWarning" not in page and "/home/me" not in page
    assert "printed for the reader" in page
    assert len(notebook.cells[1].outputs) == 3  # the executed notebook keeps everything


def test_header_from_series_names_seasons_sources_and_failures() -> None:
    with pytest.warns(PartialLoadWarning):
        series = load_series(9000001, [1, 2, 3, 5, 42], offline=True)

    header = ReportHeader.from_series([series])

    (summary,) = header.series
    assert summary.name == series.name and summary.series_id == 9000001
    assert summary.seasons == "1\u20133, 5 (42 not loaded)"
    assert "bundled with credits-analysis" in summary.source
    assert summary.fetched == "2025-01-01 00:00 UTC"
    assert header.synthetic.startswith(f"Synthetic data: {series.name} is a generated series")
    assert header.language == "en-US"


# -- checks before any work ----------------------------------------------------------------


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading or starting a kernel fails the test: the arguments must be refused first."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a series was loaded or a kernel started before the checks")

    monkeypatch.setattr(report, "load_series", refuse)
    monkeypatch.setattr(report, "execute_notebook", refuse)


@pytest.mark.usefixtures("nothing_runs")
@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([9000001, 9000001], "series 9000001 given more than once"),
        ([9000001, 9000002, 9000001, 9000002], "series 9000001, 9000002 given more than once"),
        (list(range(1, MAX_COMPARED + 2)), f"{MAX_COMPARED + 1} series given"),
        ([], "give the id of the series"),
    ],
)
def test_series_ids_are_refused_before_anything_runs(
    tmp_path: Path, ids: list[int], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        build_report(ids, tmp_path / "report.html", offline=True)


@pytest.mark.usefixtures("nothing_runs")
def test_out_must_name_an_html_file_that_can_be_written(tmp_path: Path) -> None:
    root = tmp_path / "out"
    folder = root / "reports"
    folder.mkdir(parents=True)
    a_file = root / "notes.txt"
    a_file.write_text("not a folder")
    refused = {
        f"{root / 'new'}/": "is a folder: give the report's file name",
        folder: "is a folder: give the report's file name",
        root / "report": "give a name ending in .html",
        root / "report.pdf": "give a name ending in .html",
        a_file / "report.html": f"{a_file} is a file, not a folder",
    }

    for out, message in refused.items():
        with pytest.raises(ConfigError, match=re.escape(message)):
            build_report(9000001, out, offline=True)

    assert sorted(p.name for p in root.iterdir()) == ["notes.txt", "reports"]
    assert list(folder.iterdir()) == []


@pytest.mark.usefixtures("nothing_runs")
def test_cli_report_refuses_the_same_id_twice_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "report.html"

    status = cli.main(["report", "9000001", "9000001", "--out", str(out), "--offline"])

    assert status == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err == "error: series 9000001 given more than once: give each id once\n"
    assert not out.parent.exists()


@pytest.mark.usefixtures("nothing_runs")
def test_cli_report_to_a_folder_name_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse makes "--out dir/" Path("dir"): the trailing slash is gone by then, but a name
    # without .html is refused all the same, so no file named "dir" appears.
    status = cli.main(["report", "9000001", "--out", f"{tmp_path / 'out' / 'dir'}/", "--offline"])

    assert status == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("error: a report is an HTML file") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


# -- execution ------------------------------------------------------------------------------


def write_probe(folder: Path) -> Path:
    """A throwaway notebook: typed parameters, a cell that reports its interpreter, one that
    raises when asked to, and one that sleeps when asked to."""
    parameters = new_code_cell("fail: bool = False\nsleep: float = 0.0")
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        new_markdown_cell("# Probe"),
        parameters,
        new_code_cell("import sys, time\nprint(sys.executable)"),
        new_code_cell("if fail:\n    raise ValueError('the probe was asked to fail')"),
        new_code_cell("time.sleep(sleep)"),
    ]
    for cell, cell_id in zip(cells, ["intro", "parameters", "where", "boom", "nap"], strict=True):
        cell.id = cell_id
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = new_notebook(cells=cells, metadata={"kernelspec": kernel})
    path = folder / "probe.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def hostile_kernelspec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user-level ``python3`` kernelspec pointing at an interpreter that cannot work."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    "/nonexistent/python",
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "wrong",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))


@pytest.mark.notebook
@pytest.mark.usefixtures("hostile_kernelspec")
def test_the_kernel_is_this_interpreter_whatever_kernelspec_is_installed(tmp_path: Path) -> None:
    notebook = execute_notebook(write_probe(tmp_path), {"fail": False})

    where = next(c for c in notebook.cells if c.get("id") == "where")
    assert where.outputs[0]["text"].strip() == sys.executable
    assert [c.get("id") for c in notebook.cells].count("parameters") == 1


@pytest.mark.notebook
def test_a_failing_cell_is_named(tmp_path: Path) -> None:
    with pytest.raises(NotebookExecutionError) as caught:
        execute_notebook(write_probe(tmp_path), {"fail": True})

    error = caught.value
    assert error.cell == 'cell 4 (id "boom")'
    assert (error.ename, error.evalue) == ("ValueError", "the probe was asked to fail")
    assert str(error).startswith('probe.ipynb: cell 4 (id "boom") failed with ValueError')
    assert "raise ValueError" in error.traceback and "\x1b[" not in error.traceback


@pytest.mark.notebook
def test_a_cell_that_runs_too_long_fails_the_run(tmp_path: Path) -> None:
    with pytest.raises(NotebookExecutionError) as caught:
        execute_notebook(write_probe(tmp_path), {"sleep": 60.0}, cell_timeout=2)

    assert str(caught.value) == (
        'probe.ipynb: cell 5 (id "nap") failed with CellTimeoutError: no result after 2 s'
    )


@pytest.mark.notebook
def test_a_partially_loaded_series_is_reported_in_words(tmp_path: Path, cache_dir: Path) -> None:
    series_id = 4242
    details, payloads = demo.generate_series(series_id, seasons=4, episodes_per_season=6)
    store = RawCache(cache_dir)
    store.write(details_path(series_id), "en-US", json.dumps(details).encode(), url="generated")
    for number in (1, 2):
        body = json.dumps(payloads[number]).encode()
        store.write(season_credits_path(series_id, number), "en-US", body, url="generated")

    with pytest.warns(PartialLoadWarning):
        built = build_report(series_id, tmp_path / "partial.html", offline=True)

    assert sorted(built.series[0].failures) == [3, 4]
    assert str(cache_dir) in str(built.series[0].failures[3])  # what must not reach the page
    page = without_plotly_js(built.path.read_text())
    for leak in ("Warning:", "Traceback", "/tmp", str(cache_dir), "OfflineMissError"):
        assert leak not in page
    assert page.count("Seasons 3\u20134 could not be loaded: not in the local cache") == 1
    assert "<dt>Seasons</dt><dd>1\u20132 (3\u20134 not loaded)</dd>" in page
    assert built.figures >= 10


# -- the CLI ----------------------------------------------------------------------------------


@pytest.fixture
def failing_explorer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the bundled explorer notebook one whose fourth cell raises."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_probe(folder).rename(folder / report.EXPLORER_NOTEBOOK)
    text = (
        (folder / report.EXPLORER_NOTEBOOK)
        .read_text()
        .replace("fail: bool = False", "fail: bool = True")
    )
    (folder / report.EXPLORER_NOTEBOOK).write_text(text)
    monkeypatch.setattr(report, "notebooks_dir", lambda: folder)
    yield


@pytest.mark.notebook
@pytest.mark.usefixtures("failing_explorer")
def test_cli_report_failing_notebook_exits_non_zero_and_keeps_the_old_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    out.write_text("the previous report")

    status = cli.main(["report", "9000001", "--out", str(out), "--offline"])

    assert status == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(
        'error: series_explorer.ipynb: cell 4 (id "boom") failed with ValueError'
    )
    assert "Traceback" in err or "raise ValueError" in err
    assert out.read_text() == "the previous report"
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]


@pytest.mark.notebook
def test_cli_report_writes_the_demo_explorer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A token in the environment must never reach the report (the demo is bundled: no fetch).
    token = "eyJ-this-token-must-never-appear-in-a-report"
    monkeypatch.setenv("TMDB_API_TOKEN", token)
    out = tmp_path / "reports" / "demo.html"

    status = cli.main(["report", "9000001", "--out", str(out), "--offline"])

    assert status == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == str(out)
    page = out.read_text()
    assert token not in page
    assert page.count(PLOTLY_JS) == 1
    assert external_urls(page) == []
    rest = without_plotly_js(page)
    figures = rest.count('class="plotly-graph-div"')
    assert figures >= 10
    assert rest.count("Plotly.newPlot(") == figures
    assert "<h1>St. Brigid's (synthetic demo): cast and crew season by season</h1>" in rest
    assert 'id="synthetic-banner"' in rest and TMDB_ATTRIBUTION in rest
    assert "load_series(" not in rest  # code hidden
    # The kernel wrote nothing to stderr: no warning, no traceback in the report.
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in rest
    assert "jp-OutputArea-error" not in rest
