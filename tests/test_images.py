"""Static images of charts: naming, browser discovery, and PNG/SVG files drawn by Chromium.

The drawing tests need a Chromium (Debian's ``chromium`` package, as the browser tests) and are
skipped without one; naming, discovery and every refusal are tested without a browser.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import plotly.graph_objects as go
import pytest

from credits_analysis import charts, load_series
from credits_analysis import report as report_module
from credits_analysis.cli import main
from credits_analysis.errors import ConfigError
from credits_analysis.images import (
    BrowserNotFoundError,
    ImageError,
    check_output,
    find_browser,
    report_figures,
    slugify,
    write_images,
)
from credits_analysis.report import NOTEBOOK_ONLY_TAG, PLOTLY_MIMETYPE, Report

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is missing: install Debian's `chromium` package "
    "(apt-get install chromium), as .ci/run does",
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, which always comes first."""
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def svg_text(data: bytes) -> str:
    """Every text node of an SVG (which must parse), joined by spaces."""
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return " ".join(" ".join(root.itertext()).split())


def figure_output(title: str | None = None) -> nbformat.NotebookNode:
    layout = {"title": {"text": title}} if title is not None else {}
    return nbformat.v4.new_output(
        "display_data", data={PLOTLY_MIMETYPE: {"data": [{"type": "bar"}], "layout": layout}}
    )


def code_cell(
    cell_id: str | None, *outputs: nbformat.NotebookNode, tags: list[str] | None = None
) -> nbformat.NotebookNode:
    """A code cell with ``outputs``; None: no id, as in notebooks of format 4.4 and before."""
    cell = nbformat.v4.new_code_cell("", outputs=list(outputs))
    if cell_id is None:
        del cell["id"]
    else:
        cell["id"] = cell_id
    if tags:
        cell.metadata["tags"] = tags
    return cell


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("episode-heatmap", "episode-heatmap"),
        ("Gender split: Crew (Directing & Writing)", "gender-split-crew-directing-writing"),
        ("Loïc Lefèvre's Ærø  2", "loic-lefevre-s-r-2"),
        ("  --Top 25--  ", "top-25"),
        ("<>!?", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_report_figures_are_named_after_their_cells_in_order() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells.extend(
        [
            nbformat.v4.new_markdown_cell("# Title", id="intro"),
            code_cell("how-to", figure_output("Hidden"), tags=[NOTEBOOK_ONLY_TAG]),
            code_cell("Gender_Split", figure_output("Cast"), figure_output("Crew")),
            code_cell(
                "table",
                nbformat.v4.new_output("execute_result", data={"text/plain": "1"}),
                nbformat.v4.new_output("stream", text="printed"),
            ),
            code_cell("gender-split", figure_output("Again")),
            code_cell(None, figure_output("Popularity <b>by</b> season")),
            code_cell(None, figure_output()),
        ]
    )

    figures = report_figures(notebook)

    assert list(figures) == [
        "gender-split",
        "gender-split-2",
        "gender-split-3",
        "popularity-by-season",
        "figure",
    ]
    titles = [f["layout"].get("title", {}).get("text") for f in figures.values()]
    assert titles == ["Cast", "Crew", "Again", "Popularity <b>by</b> season", None]


# --- finding a browser ------------------------------------------------------------------------


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_browser_path_wins_over_path(tmp_path: Path) -> None:
    given = executable(tmp_path / "opt" / "my-chrome")
    executable(tmp_path / "bin" / "chromium")

    found = find_browser({"BROWSER_PATH": str(given), "PATH": str(tmp_path / "bin")})

    assert found == given


def test_the_first_known_name_on_path_is_used(tmp_path: Path) -> None:
    executable(tmp_path / "a" / "google-chrome")
    chromium = executable(tmp_path / "b" / "chromium")
    (tmp_path / "a" / "chromium").write_text("not executable")

    found = find_browser({"PATH": f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}"})

    assert found == chromium


@pytest.mark.parametrize("kind", ["missing", "folder", "not executable"])
def test_a_browser_path_that_cannot_run_is_refused_by_name(tmp_path: Path, kind: str) -> None:
    given = tmp_path / "chrome"
    if kind == "folder":
        given.mkdir()
    elif kind == "not executable":
        given.write_text("")
    executable(tmp_path / "bin" / "chromium")  # not used instead: the setting is wrong

    with pytest.raises(BrowserNotFoundError, match=rf"^BROWSER_PATH is {re.escape(str(given))},"):
        find_browser({"BROWSER_PATH": str(given), "PATH": str(tmp_path / "bin")})


def test_no_browser_anywhere_is_said_in_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="none was found on PATH: install one"):
        find_browser({"PATH": str(tmp_path)})


def test_report_images_without_a_browser_fail_in_one_line_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    out = tmp_path / "report.html"

    status = main(["report", "9000001", "--offline", "--out", str(out), "--images", str(tmp_path)])

    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err.startswith("error: static images need Chromium or Chrome")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert not out.exists()


def test_report_images_with_a_wrong_browser_path_name_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    out = tmp_path / "report.html"

    status = main(["report", "9000001", "--offline", "--out", str(out), "--images", str(tmp_path)])

    assert status == 2
    assert capsys.readouterr().err == (
        f"error: BROWSER_PATH is {tmp_path / 'chromium'}, which is not an executable file: "
        "point it at Chromium or Chrome, or unset it to use the one on PATH\n"
    )
    assert not out.exists()


def test_images_into_a_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")

    with pytest.raises(ConfigError, match="is a file: give a folder for the images"):
        check_output(tmp_path / "file")


@pytest.mark.parametrize(
    ("figures", "formats", "message"),
    [
        ({"a": {}}, ("png", "eps"), "not eps"),
        ({"a": {}}, (), "not none"),
        ({"../a": {}}, ("png",), r"slugs .* not \['../a'\]"),
        ({"": {}}, ("png",), r"slugs .* not \[''\]"),
    ],
)
def test_bad_formats_and_names_are_refused_before_drawing(
    tmp_path: Path, figures: dict[str, Any], formats: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        write_images(figures, tmp_path / "images", formats, browser=tmp_path / "never-run")
    assert not (tmp_path / "images").exists()


# --- drawing ----------------------------------------------------------------------------------


@needs_chromium
def test_figures_are_drawn_at_their_size_with_their_title(tmp_path: Path) -> None:
    sized = go.Figure(go.Bar(x=["S1", "S2"], y=[3, 5]), layout={"width": 400, "height": 300})
    sized.update_layout(title="Cast of <b>Ünïcode</b> & co")
    unsized = {"data": [{"type": "scatter", "y": [1, 2]}], "layout": {"title": {"text": "Plain"}}}
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sized.png").write_bytes(b"old")

    written = write_images({"sized": sized, "unsized": unsized}, tmp_path / "out")

    out = tmp_path / "out"
    assert written == [
        out / "sized.png",
        out / "sized.svg",
        out / "unsized.png",
        out / "unsized.svg",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert png_size((out / "sized.png").read_bytes()) == (400, 300)
    assert png_size((out / "unsized.png").read_bytes()) == (1000, 525)  # the report's width
    assert "Cast of Ünïcode & co" in svg_text((out / "sized.svg").read_bytes())
    assert "Plain" in svg_text((out / "unsized.svg").read_bytes())


@pytest.fixture(scope="module")
def demo_report_images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Report, Path]]:
    """``credits-analysis report 9000001 --images DIR``, and the report it built."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is missing: install Debian's `chromium` package")
    tmp = tmp_path_factory.mktemp("demo-images")
    built: list[Report] = []
    real_build = report_module.build_report

    def recording_build(*args: Any, **kwargs: Any) -> Report:
        built.append(real_build(*args, **kwargs))
        return built[-1]

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("TMDB_", "CREDITS_ANALYSIS_")) or name == "BROWSER_PATH":
                patch.delenv(name)
        patch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(tmp / "cache"))
        patch.setattr(report_module, "build_report", recording_build)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = main(
                ["report", "9000001", "--offline", "--out", str(tmp / "r.html"),
                 "--images", str(tmp / "images")]
            )  # fmt: skip
    assert status == 0
    assert printed.getvalue().splitlines()[-1].startswith(f"{tmp / 'images'}: ")
    yield built[0], tmp / "images"


@needs_chromium
@pytest.mark.notebook
def test_every_chart_of_the_report_is_written_as_png_and_svg(
    demo_report_images: tuple[Report, Path],
) -> None:
    report, folder = demo_report_images
    charts = {
        cell.id: output["data"][PLOTLY_MIMETYPE]
        for cell in report.notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if PLOTLY_MIMETYPE in output.get("data", {})
    }

    assert len(charts) == report.figures > 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{cell_id}.{fmt}" for cell_id in charts for fmt in ("png", "svg")
    )
    for cell_id, figure in charts.items():
        png = (folder / f"{cell_id}.png").read_bytes()
        assert png.startswith(PNG_MAGIC) and min(png_size(png)) > 0
        title = re.sub(r"<[^>]*>", " ", figure["layout"]["title"]["text"])
        assert " ".join(title.split()) in svg_text((folder / f"{cell_id}.svg").read_bytes())


@needs_chromium
def test_plotlys_own_write_image_finds_the_same_browser(tmp_path: Path) -> None:
    """``fig.write_image`` in a notebook needs nothing more: kaleido finds Chromium on PATH."""
    series = load_series(9000001, offline=True)
    figure = charts.episode_heatmap(series.cast, series_name=series.name, top=5)

    figure.write_image(tmp_path / "heatmap.svg")

    title = re.sub(r"<[^>]*>", " ", figure.layout.title.text)
    assert " ".join(title.split()) in svg_text((tmp_path / "heatmap.svg").read_bytes())


def test_a_browser_that_will_not_start_is_an_error_in_words_and_writes_nothing(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    (tmp_path / "out").mkdir()

    with pytest.raises(ImageError, match=rf"^{re.escape(str(broken))} could not draw images: "):
        write_images({"a": {"data": [], "layout": {}}}, tmp_path / "out", browser=broken)
    assert list((tmp_path / "out").iterdir()) == []
