"""Reports: notebook execution in a kernel of this interpreter, and the offline HTML export.

The export is tested on notebooks built here with the outputs papermill would return (plotly's
own ``plotly_mimetype`` bundles), so most tests need no kernel; the tests marked ``notebook``
execute small throwaway notebooks, and one builds the demo report through the CLI.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from plotly.offline import get_plotlyjs

from credits_analysis import cli, demo, report, samples
from credits_analysis.cache import RawCache
from credits_analysis.config import Settings
from credits_analysis.endpoints import details_path, season_credits_path
from credits_analysis.errors import ConfigError, PartialLoadWarning
from credits_analysis.load import load_series
from credits_analysis.report import (
    HEADER_MIMETYPE,
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
    kernel_environment,
    notebook_header,
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


PACKED_PLOTLY = re.compile(r'<script[^>]* id="plotly-js-gzip"[^>]*>([A-Za-z0-9+/=]*)</script>')
FIGURE_JSON = re.compile(r'<script[^>]* id="(figure-\d+)-json"[^>]*>(.*?)</script>')


def box_height(page: str, box: str) -> str:
    """The inline height of the chart box ``box``."""
    (tag,) = re.findall(rf'<div[^>]* id="{box}"[^>]*>', page)
    (height,) = re.findall(r'style="height:(\d+px)"', tag)
    return height


def embedded_plotly_js(page: str) -> list[str]:
    """Every copy of plotly.js the page embeds, unpacked as the browser does."""
    return [
        gzip.decompress(base64.b64decode(packed)).decode("utf-8")
        for packed in PACKED_PLOTLY.findall(page)
    ]


def without_plotly_js(page: str) -> str:
    assert len(PACKED_PLOTLY.findall(page)) <= 1
    return PACKED_PLOTLY.sub("", page)


def figures_in(page: str) -> dict[str, dict]:
    """Each chart box's id and the figure its JSON script holds."""
    return {box: json.loads(text) for box, text in FIGURE_JSON.findall(page)}


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
def test_plotly_js_is_embedded_once_compressed_and_every_figure_gets_a_box(figures: int) -> None:
    page, count = export_html(executed(figures), header=HEADER)

    assert count == figures
    assert embedded_plotly_js(page) == [PLOTLY_JS]
    assert PLOTLY_JS not in page  # only the packed copy
    # The packed copy is the last thing in the page: the text above it shows first.
    assert PACKED_PLOTLY.search(page).start() > page.index("<table><td>1</td></table>")
    rest = without_plotly_js(page)
    shown = figures_in(rest)
    assert list(shown) == [f"figure-{i}" for i in range(1, figures + 1)]
    assert [f["layout"]["title"]["text"] for f in shown.values()] == [
        f"figure {i}" for i in range(figures)
    ]
    for box in shown:
        # Each box has its height before anything is drawn, and is sized by report.js.
        assert box_height(rest, box) == "525px"
        assert f'CreditsReport.size("{box}")' in rest
    assert rest.count("CreditsReport.begin()") == 1
    assert PLOTLY_MIMETYPE not in rest


def test_a_page_with_figures_weighs_less_than_half_of_plain_plotly_js() -> None:
    page, _ = export_html(executed(6), header=HEADER)

    assert len(page) < 0.5 * len(PLOTLY_JS)


def test_a_figure_keeps_its_own_height_in_its_box() -> None:
    figure = go.Figure(go.Bar(x=["S1"], y=[1]), layout={"title": "tall", "height": 710})
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(figure.to_dict())
    notebook = new_notebook(
        cells=[new_code_cell("x", outputs=[new_output("display_data", data=bundle)])]
    )

    page, _ = export_html(notebook, header=HEADER)

    assert box_height(page, "figure-1") == "710px"


def test_a_notebook_without_figures_carries_no_plotly_js() -> None:
    page, count = export_html(executed(0), header=HEADER)

    assert count == 0
    assert embedded_plotly_js(page) == []
    assert "CreditsReport" not in page
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

    rest = without_plotly_js(page)
    assert HOSTILE not in rest
    (figure,) = figures_in(rest).values()
    assert figure["layout"]["title"]["text"] == HOSTILE  # intact once parsed
    assert "&lt;script&gt;alert(1)" in rest  # the box's placeholder names it as text


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
    assert summary.failed == (42,)
    assert header.synthetic.startswith(f"Synthetic data: {series.name} is a generated series")
    assert header.language == "en-US"


def with_header_facts(notebook: nbformat.NotebookNode, header: ReportHeader) -> None:
    """Add the output the notebooks' ``display_header`` cell sends."""
    facts = new_output("display_data", data={HEADER_MIMETYPE: header.to_json()})
    notebook.cells.insert(1, new_code_cell("display_header([series])", outputs=[facts]))


def test_the_header_is_read_from_the_notebook_and_left_out_of_the_page() -> None:
    notebook = executed(1)
    sent = dataclasses.replace(
        HEADER, series=(dataclasses.replace(HEADER.series[0], failed=(4, 5)),)
    )
    with_header_facts(notebook, sent)
    # As it comes back from the kernel: plain JSON, lists for tuples.
    notebook = nbformat.reads(nbformat.writes(notebook), as_version=4)

    header = notebook_header(notebook)
    page, _ = export_html(notebook, header=header, show_code=True)

    assert header == sent
    assert HEADER_MIMETYPE not in page
    assert "TMDB id 42" in page


def test_a_notebook_that_sends_no_header_is_refused() -> None:
    with pytest.raises(ValueError, match="sent no report header"):
        notebook_header(executed(1))


def test_malformed_header_facts_are_refused() -> None:
    notebook = executed(1)
    facts = new_output("display_data", data={HEADER_MIMETYPE: {"title": "only a title"}})
    notebook.cells[1].outputs.append(facts)

    with pytest.raises(ValueError, match="malformed"):
        notebook_header(notebook)


# -- settings for the kernel ----------------------------------------------------------------

FAKE_TOKEN = "fake-report-token-0123456789abcdef0123456789abcdef-xyz"


def test_the_kernel_environment_carries_exactly_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This process's own settings variables must not leak through, nor unrelated ones be lost.
    monkeypatch.setenv("CREDITS_ANALYSIS_RATE_LIMIT", "3")
    monkeypatch.setenv("TMDB_API_TOKEN", "another-token-that-must-not-be-used")
    monkeypatch.setenv("CREDITS_ANALYSIS_UNRELATED_PROBE", "kept")
    settings = Settings(
        token=FAKE_TOKEN,
        base_url="http://127.0.0.1:9/tmdb",
        language="fr-FR",
        cache_dir=tmp_path / "elsewhere",
        offline=True,
        requests_per_second=2.5,
        max_connections=3,
        timeout=7.25,
        max_retries=1,
        ttl_ongoing=timedelta(hours=5, minutes=30),
        ttl_ended=timedelta(days=3.5),
    )

    environment = kernel_environment(settings)

    assert Settings.from_env(environment) == settings
    assert environment["CREDITS_ANALYSIS_UNRELATED_PROBE"] == "kept"
    assert environment["PATH"] == os.environ["PATH"]


def test_a_kernel_environment_without_token_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMDB_API_TOKEN", "a-token-the-settings-do-not-have")

    environment = kernel_environment(Settings(token=None))

    assert "TMDB_API_TOKEN" not in environment
    assert Settings.from_env(environment).token is None


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
    assert embedded_plotly_js(page) == [PLOTLY_JS]
    assert external_urls(page) == []
    rest = without_plotly_js(page)
    figures = rest.count('class="plotly-graph-div ca-chart"')
    assert figures >= 10
    assert len(figures_in(rest)) == figures
    assert "<h1>St. Brigid's (synthetic demo): cast and crew season by season</h1>" in rest
    assert 'id="synthetic-banner"' in rest and TMDB_ATTRIBUTION in rest
    assert "load_series(" not in rest  # code hidden
    # The kernel wrote nothing to stderr: no warning, no traceback in the report.
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in rest
    assert "jp-OutputArea-error" not in rest


# -- one load, the caller's settings ---------------------------------------------------------


def write_settings_probe(folder: Path) -> Path:
    """A notebook that shows the settings its kernel reads, the token only as a digest."""
    cell = new_code_cell(
        "import hashlib\n"
        "from credits_analysis.config import Settings\n"
        "settings = Settings.from_env()\n"
        "print(repr(settings))\n"
        "print(hashlib.sha256(settings.token.encode()).hexdigest())"
    )
    cell.id = "settings"
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "settings.ipynb"
    nbformat.write(new_notebook(cells=[cell], metadata={"kernelspec": kernel}), path)
    return path


@pytest.mark.notebook
def test_the_kernel_reads_the_callers_settings_and_the_token_is_no_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_API_TOKEN", "the-environments-token-not-the-callers")
    monkeypatch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(tmp_path / "not-this-one"))
    settings = Settings(
        token=FAKE_TOKEN,
        cache_dir=tmp_path / "report-cache",
        language="de-DE",
        offline=True,
        requests_per_second=4.0,
        max_retries=2,
        ttl_ended=timedelta(days=9),
    )

    notebook = execute_notebook(write_settings_probe(tmp_path), {}, settings=settings)

    (output,) = notebook.cells[-1].outputs
    shown_settings, digest = output["text"].strip().splitlines()
    assert shown_settings == repr(settings)
    assert digest == hashlib.sha256(FAKE_TOKEN.encode()).hexdigest()
    assert FAKE_TOKEN not in nbformat.writes(notebook)


@pytest.fixture
def season_one_only(tmp_path: Path) -> Path:
    """A cache folder holding Game of Thrones' details and season 1, nothing else."""
    cache = tmp_path / "report-cache"
    store = RawCache(cache)
    for path, sample in (
        (details_path(1399), "tv-1399"),
        (season_credits_path(1399, 1), "tv-1399-season-1-aggregate_credits"),
    ):
        body = json.dumps(samples.load(sample)).encode()
        store.write(path, "en-US", body, url=f"https://example.test/{path}")
    return cache


@pytest.mark.notebook
def test_the_header_comes_from_the_load_the_figures_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, season_one_only: Path
) -> None:
    # The report's settings, not the environment's, say where the cache is: the environment's
    # folder is empty, so a kernel that ignored them would fail to load anything.
    monkeypatch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("TMDB_API_TOKEN", FAKE_TOKEN)
    settings = Settings.from_env(cache_dir=season_one_only)
    host_load = report.load_series

    def load_then_cache_changes(*args: object, **kwargs: object) -> object:
        """Season 2 reaches the cache between the host's load and the kernel's."""
        loaded = host_load(*args, **kwargs)
        body = json.dumps(samples.load("tv-1399-season-1-aggregate_credits")).encode()
        RawCache(season_one_only).write(
            season_credits_path(1399, 2), "en-US", body, url="https://example.test/s2"
        )
        return loaded

    monkeypatch.setattr(report, "load_series", load_then_cache_changes)

    with pytest.warns(PartialLoadWarning):
        built = build_report(
            1399, tmp_path / "got.html", seasons=[1, 2], offline=True, settings=settings
        )

    assert sorted(built.series[0].payloads) == [1]  # what the host saw
    (summary,) = built.header.series
    assert summary.seasons == "1\u20132" and summary.failed == ()
    page = built.path.read_text()
    assert "<dt>Seasons</dt><dd>1\u20132</dd>" in page
    heatmap = figures_in(without_plotly_js(page))["figure-1"]
    assert sorted(set(heatmap["data"][0]["x"])) == ["S1", "S2"]
    assert summary.source == "TMDB API (local cache)"
    for text in (page, nbformat.writes(built.notebook)):
        assert FAKE_TOKEN not in text
        assert str(season_one_only) not in text


def test_every_setting_reaches_the_kernel_including_the_limits() -> None:
    # The response size, request deadline and retry time once missed the kernel's variables.
    settings = Settings(
        token=FAKE_TOKEN, max_response_mb=1.5, request_deadline=5.0, max_retry_time=30.0
    )
    assert Settings.from_env(kernel_environment(settings)) == settings
