"""The bundled notebooks: committed clean, parameterised for papermill, and runnable offline.

Each notebook is executed in a kernel of this interpreter on the bundled synthetic demo (its
defaults) and on the real TMDB samples bundled with the package (Game of Thrones and Breaking
Bad, season 1 of each).
"""

from __future__ import annotations

import ast
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import papermill
import pytest

from credits_analysis import demo
from credits_analysis._resources import notebooks_dir
from credits_analysis.cache import RawCache
from credits_analysis.charts import GENDER_COLORS
from credits_analysis.demo import DEMO_SERIES
from credits_analysis.endpoints import details_path, season_credits_path
from credits_analysis.report import (
    COMPARISON_NOTEBOOK,
    CORPUS_NOTEBOOK,
    EXPLORER_NOTEBOOK,
    PLOTLY_MIMETYPE,
    TMDB_ATTRIBUTION,
    execute_notebook,
)

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
SERIES_NOTEBOOKS = [p for p in NOTEBOOKS if p.name != CORPUS_NOTEBOOK]
# Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
# Parameters every notebook takes, whatever else it has (the series id(s), a `top`, ...).
COMMON = {"seasons", "language", "include_specials", "offline"}


def parameters_cell(path: Path) -> nbformat.NotebookNode:
    tagged = [
        c
        for c in nbformat.read(path, as_version=4).cells
        if "parameters" in c.metadata.get("tags", [])
    ]
    assert len(tagged) == 1, f"{path.name} must have exactly one cell tagged 'parameters'"
    return tagged[0]


def defaults(path: Path) -> dict[str, object]:
    """The parameters cell as {name: default}; every statement is an annotated literal."""
    values = {}
    for statement in ast.parse(parameters_cell(path).source).body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "typing":
            continue
        assert isinstance(statement, ast.AnnAssign), ast.unparse(statement)
        assert isinstance(statement.target, ast.Name) and statement.value is not None
        values[statement.target.id] = ast.literal_eval(statement.value)
    return values


def test_both_report_notebooks_are_bundled() -> None:
    assert {p.name for p in NOTEBOOKS} == {EXPLORER_NOTEBOOK, COMPARISON_NOTEBOOK, CORPUS_NOTEBOOK}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)

    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name} cell {cell.id} was executed"
        assert set(cell.metadata) <= {"tags"}, f"{path.name} cell {cell.id}: {cell.metadata}"
    assert "papermill" not in notebook.metadata and "widgets" not in notebook.metadata
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    # Reports show the notice in their header; the notebook itself must show it too.
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert any(TMDB_ATTRIBUTION in text for text in markdown)


@pytest.mark.parametrize("path", SERIES_NOTEBOOKS, ids=lambda p: p.name)
def test_typed_parameters_that_papermill_reads_and_that_default_to_the_demo(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    values = defaults(path)
    with caplog.at_level(logging.WARNING, logger="papermill"):
        inferred = papermill.inspect_notebook(str(path))

    assert set(inferred) == set(values), "papermill must see every parameter"
    assert caplog.records == []
    assert all(p["inferred_type_name"] != "None" for p in inferred.values()), inferred
    assert set(values) >= COMMON
    ids = values.get("series_ids", [values.get("series_id")])
    assert set(ids) <= set(DEMO_SERIES)
    assert values["seasons"] is None and values["include_specials"] is False


def test_the_corpus_notebook_defaults_to_the_synthetic_demo_corpus(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = notebooks_dir() / CORPUS_NOTEBOOK
    values = defaults(path)
    with caplog.at_level(logging.WARNING, logger="papermill"):
        inferred = papermill.inspect_notebook(str(path))
    assert set(inferred) == set(values) >= {"corpus_dir", "min_series"}
    assert caplog.records == []
    assert values["corpus_dir"] == ""  # the demo corpus, built offline on first use


@pytest.fixture(scope="module")
def offline_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No token and an empty cache, for every kernel this module starts.

    Module-scoped (a kernel run takes seconds), so it cannot rely on the function-scoped
    environment fixture of conftest.py.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("TMDB_", "CREDITS_ANALYSIS_")):
                patch.delenv(name)
        patch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        patch.setenv("CREDITS_ANALYSIS_OFFLINE", "1")
        yield


RUNS = {
    "explorer-demo": (EXPLORER_NOTEBOOK, {}),
    "comparison-demo": (COMPARISON_NOTEBOOK, {}),
    "explorer-real-sample": (EXPLORER_NOTEBOOK, {"series_id": 1399, "seasons": [1]}),
    # Every season asked for, offline with an empty cache: only the bundled season 1 loads.
    "explorer-real-partial": (EXPLORER_NOTEBOOK, {"series_id": 1399}),
    "comparison-real-samples": (
        COMPARISON_NOTEBOOK,
        {"series_ids": [1399, 1396], "seasons": [1]},
    ),
}


@pytest.fixture(scope="module", params=list(RUNS))
def run(
    request: pytest.FixtureRequest, offline_environment: None
) -> tuple[str, nbformat.NotebookNode]:
    name, parameters = RUNS[request.param]
    return request.param, execute_notebook(notebooks_dir() / name, parameters)


def outputs(notebook: nbformat.NotebookNode) -> list[tuple[str, nbformat.NotebookNode]]:
    return [(c.id, o) for c in notebook.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.notebook
def test_runs_cleanly(run: tuple[str, nbformat.NotebookNode]) -> None:
    _, notebook = run
    problems = [
        (cell_id, output.get("name") or output.get("ename"))
        for cell_id, output in outputs(notebook)
        if output.output_type == "error"
        or (output.output_type == "stream" and output.name == "stderr")
    ]
    assert problems == [], "no errors and no warnings"


@pytest.mark.notebook
def test_every_chart_cell_shows_one_plotly_figure_for_jupyterlab(
    run: tuple[str, nbformat.NotebookNode],
) -> None:
    """The figures go out as plotly's mimetype alone: JupyterLab draws it even in an untrusted
    notebook, and the report's export turns it into HTML (tests/test_report.py)."""
    _, notebook = run
    figures = [o["data"] for _, o in outputs(notebook) if PLOTLY_MIMETYPE in o.get("data", {})]

    assert figures
    for data in figures:
        assert set(data) == {PLOTLY_MIMETYPE}
        assert data[PLOTLY_MIMETYPE]["data"], "every figure has traces"


@pytest.mark.notebook
def test_the_data_loaded_is_the_one_asked_for_and_said_in_words(
    run: tuple[str, nbformat.NotebookNode],
) -> None:
    name, notebook = run
    said = [o for cell_id, o in outputs(notebook) if cell_id == "load"]
    assert said and all("text/html" in o.get("data", {}) for o in said), "notes, not printouts"
    text = " ".join(o["data"]["text/plain"] for o in said)
    expected = {
        "explorer-demo": [
            "St. Brigid's (synthetic demo) (TMDB id 9000001): ",
            "over seasons 1\u20138.",
            "Season 9 is announced but has no credits yet.",
        ],
        "comparison-demo": [f"(TMDB id {i}): " for i in DEMO_SERIES],
        "explorer-real-sample": ["Game of Thrones (TMDB id 1399): ", "over season 1."],
        "explorer-real-partial": [
            "Game of Thrones (TMDB id 1399): ",
            "over season 1.",
            "Seasons 2\u20138 could not be loaded: not in the local cache",
        ],
        "comparison-real-samples": [
            "Game of Thrones (TMDB id 1399): ",
            "Breaking Bad (TMDB id 1396): ",
        ],
    }[name]
    for phrase in expected:
        assert phrase in text
    assert "could not be loaded" not in text or name == "explorer-real-partial"


@pytest.mark.notebook
def test_tables_are_for_reading(run: tuple[str, nbformat.NotebookNode]) -> None:
    """No index, internal column name or missing-value marker of pandas in any table."""
    _, notebook = run
    tables = [
        o["data"]["text/html"]
        for _, o in outputs(notebook)
        if "<table" in o.get("data", {}).get("text/html", "")
    ]

    assert tables
    for table in tables:
        for raw in ("NaT", "&lt;NA&gt;", ">nan<", "season_number", "person_id", "episode_count"):
            assert raw not in table
        assert '<th class="blank' not in table and "row_heading" not in table


def figures(notebook: nbformat.NotebookNode) -> list[dict[str, object]]:
    return [
        o["data"][PLOTLY_MIMETYPE]
        for _, o in outputs(notebook)
        if PLOTLY_MIMETYPE in o.get("data", {})
    ]


@pytest.mark.notebook
def test_comparison_panels_show_their_own_seasons_in_series_colours(
    run: tuple[str, nbformat.NotebookNode],
) -> None:
    name, notebook = run
    if not name.startswith("comparison"):
        pytest.skip("the explorer has one series")
    colours: dict[str, set[str]] = {}
    for figure in figures(notebook):
        shown: dict[str, set[str]] = {}
        for trace in figure["data"]:
            shown.setdefault(trace.get("xaxis", "x"), set()).update(trace["x"])
            if trace["type"] == "scatter":
                colours.setdefault(trace["name"], set()).add(trace["line"]["color"])
        for axis, labels in shown.items():
            layout = figure["layout"]["xaxis" + axis[1:]]
            assert set(layout["categoryarray"]) == labels, "no empty season columns"
            assert layout["categoryarray"] == sorted(labels, key=lambda s: int(s[1:]))
    assert len(colours) == len(RUNS[name][1].get("series_ids", DEMO_SERIES))
    assert all(len(c) == 1 for c in colours.values()), "one colour per series everywhere"
    used = {c for (c,) in colours.values()}
    assert len(used) == len(colours) and used <= OKABE_ITO
    assert not used & set(GENDER_COLORS.values()), "a series never reads as a gender"


# --- sections with no data --------------------------------------------------------------------

CREW_ONLY, NO_CREDITS, NO_CREDITS_TOO = 7_000_001, 7_000_002, 7_000_003
#: Sections of the explorer drawn from the cast, and from the crew.
EXPLORER_CAST_CELLS = (
    "episode-heatmap",
    "episode-distribution",
    "gender-cast-people",
    "gender-cast-episodes",
    "gender-shares",
    "popularity-box",
    "popular-people",
    "continuity-cast",
    "regulars",
)
EXPLORER_CREW_CELLS = ("gender-crew", "gender-crew-departments", "crew-heatmap", "continuity-crew")
EMPTY_RUNS = {
    "explorer-crew-only": (
        EXPLORER_NOTEBOOK,
        {"series_id": CREW_ONLY},
        {cell: "No cast credits in the seasons loaded" for cell in EXPLORER_CAST_CELLS},
    ),
    "explorer-no-credits": (
        EXPLORER_NOTEBOOK,
        {"series_id": NO_CREDITS},
        {
            **{cell: "No cast credits in the seasons loaded" for cell in EXPLORER_CAST_CELLS},
            **{cell: "No crew credits in the seasons loaded" for cell in EXPLORER_CREW_CELLS},
        },
    ),
    "comparison-crew-only-and-no-credits": (
        COMPARISON_NOTEBOOK,
        {"series_ids": [CREW_ONLY, NO_CREDITS]},
        {
            "gender-cast": "No series has cast credits in the seasons loaded",
            "gender-cast-episodes": "No series has cast credits in the seasons loaded",
        },
    ),
    "comparison-no-credits": (
        COMPARISON_NOTEBOOK,
        {"series_ids": [NO_CREDITS, NO_CREDITS_TOO]},
        {
            "size": "No series has credits in the seasons loaded",
            "gender-cast": "No series has cast credits in the seasons loaded",
            "gender-crew": "No series has crew credits in the seasons loaded",
            "gender-cast-episodes": "No series has cast credits in the seasons loaded",
        },
    ),
}


@pytest.fixture(scope="module")
def series_without_cast(offline_environment: None) -> None:
    """2-season series in the cache: one credited with crew only, two with no credits."""
    cache = RawCache(Path(os.environ["CREDITS_ANALYSIS_CACHE_DIR"]))
    for series_id, kept in ((CREW_ONLY, ("crew",)), (NO_CREDITS, ()), (NO_CREDITS_TOO, ())):
        details, payloads = demo.generate_series(series_id, seasons=2, specials=False)
        cache.write(details_path(series_id), "en-US", json.dumps(details).encode(), url="test")
        for number, payload in payloads.items():
            emptied = {**payload, **{k: [] for k in ("cast", "crew") if k not in kept}}
            body = json.dumps(emptied).encode()
            cache.write(season_credits_path(series_id, number), "en-US", body, url="test")


@pytest.fixture(scope="module", params=list(EMPTY_RUNS))
def empty_run(
    request: pytest.FixtureRequest, series_without_cast: None
) -> tuple[str, nbformat.NotebookNode]:
    # Module-scoped like `run`: conftest's per-test environment would hide this cache.
    path, parameters, _ = EMPTY_RUNS[request.param]
    return request.param, execute_notebook(notebooks_dir() / path, parameters)


@pytest.mark.notebook
def test_a_section_with_no_data_says_so_in_a_sentence(
    empty_run: tuple[str, nbformat.NotebookNode],
) -> None:
    name, notebook = empty_run
    said = EMPTY_RUNS[name][2]
    shown = {cell.id: cell.outputs for cell in notebook.cells if cell.cell_type == "code"}
    for cell_id, sentence in said.items():
        (output,) = shown[cell_id]
        assert sentence in output["data"]["text/plain"], cell_id
        assert "text/html" in output["data"] and PLOTLY_MIMETYPE not in output["data"]
    for cell_id, output in outputs(notebook):
        assert output.output_type != "error" and output.get("name") != "stderr", cell_id
        figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
        assert figure is None or figure["data"], f"{cell_id}: a chart with nothing drawn"
    if name == "explorer-crew-only":
        assert all(PLOTLY_MIMETYPE in shown[c][0]["data"] for c in EXPLORER_CREW_CELLS)


EPISODE_CELLS = ("episodes-setup", "episode-guests", "episode-directing")


@pytest.mark.notebook
def test_episode_section_draws_with_episodes_and_says_why_without(
    run: tuple[str, nbformat.NotebookNode],
) -> None:
    name, notebook = run
    if not name.startswith("explorer"):
        pytest.skip("the section is the explorer's")
    shown = {cell.id: cell.outputs for cell in notebook.cells if cell.cell_type == "code"}
    for cell_id in EPISODE_CELLS:
        (output,) = shown[cell_id]
        if name == "explorer-demo":
            assert output["data"][PLOTLY_MIMETYPE]["data"], cell_id
        else:  # the recorded samples hold the aggregate credits alone
            text = output["data"]["text/plain"]
            assert "Season 1 came without its episodes" in text, cell_id
            assert "Nothing to show episode by episode." in text
