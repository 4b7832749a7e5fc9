"""Static PNG and SVG images of plotly figures, drawn by kaleido in an installed Chromium.

Kaleido renders with a headless Chromium or Chrome. This module uses the one given by
``BROWSER_PATH`` (the variable kaleido's browser finder reads too), else the first found on
``PATH``; it never downloads one (kaleido could, with ``kaleido_get_chrome``). The page it
renders in loads plotly.js from the installed plotly package and no MathJax, so nothing is
fetched from the network.

:func:`report_figures` names the figures of an executed report notebook after their cells,
:func:`write_images` writes any named figures.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import kaleido
import nbformat
import plotly.graph_objects as go
from kaleido.errors import (
    BrowserClosedError,
    BrowserFailedError,
    ChromeNotFoundError,
    JavascriptError,
    KaleidoError,
)

from credits_analysis._files import write_all_atomically
from credits_analysis._text import slugify
from credits_analysis.errors import ConfigError, CreditsAnalysisError
from credits_analysis.report import (
    DEFAULT_FIGURE_HEIGHT,
    NOTEBOOK_ONLY_TAG,
    PLOTLY_MIMETYPE,
    figure_title,
)

__all__ = [
    "BROWSER_NAMES",
    "IMAGE_FORMATS",
    "BrowserNotFoundError",
    "ImageError",
    "check_output",
    "find_browser",
    "report_figures",
    "slugify",
    "write_images",
]

#: The formats written by default: a bitmap for the web, a vector file for print and editing.
IMAGE_FORMATS = ("png", "svg")
#: Executables looked for on ``PATH``, in this order, when ``BROWSER_PATH`` is not set.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Figures that leave their size to the page get the report's width and plotly's notebook height.
_DEFAULT_WIDTH = 1000
# Seconds for the browser to start, and for each image to render once it has.
_START_TIMEOUT = 60.0
_IMAGE_TIMEOUT = 60.0
_SUPPORTED_FORMATS = ("png", "svg", "jpg", "jpeg", "webp", "pdf")


class BrowserNotFoundError(ConfigError):
    """No Chromium or Chrome to draw images with (nothing is downloaded)."""


class ImageError(CreditsAnalysisError):
    """The browser did not start, or did not draw a figure (in time); nothing was written."""


def find_browser(environ: Mapping[str, str] | None = None) -> Path:
    """Return the Chromium or Chrome executable that images are drawn with.

    Parameters
    ----------
    environ
        The environment to read ``BROWSER_PATH`` and ``PATH`` from; the process's by default.

    Raises
    ------
    BrowserNotFoundError
        If ``BROWSER_PATH`` is set but is not an executable file, or it is unset and none of
        :data:`BROWSER_NAMES` is on ``PATH``.
    """
    environ = os.environ if environ is None else environ
    given = environ.get("BROWSER_PATH")
    if given:
        path = Path(given)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise BrowserNotFoundError(
            f"BROWSER_PATH is {given}, which is not an executable file: point it at Chromium or "
            "Chrome, or unset it to use the one on PATH"
        )
    search = environ.get("PATH", os.defpath)
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=search)
        if found:
            return Path(found)
    raise BrowserNotFoundError(
        "static images need Chromium or Chrome, and none was found on PATH: install one "
        "(Debian/Ubuntu: apt-get install chromium) or set BROWSER_PATH to its executable"
    )


def check_output(out_dir: Path | str) -> Path:
    """Check that images can be written to ``out_dir``, before any work; return the browser.

    Raises
    ------
    BrowserNotFoundError
        As :func:`find_browser`.
    ConfigError
        If ``out_dir`` is a file.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"{out_dir} is a file: give a folder for the images")
    return find_browser()


def report_figures(notebook: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """The plotly figures a report shows, in order, named after their cells.

    A figure is named after its cell's id (``episode-heatmap``), else its title, slugified;
    a name already taken gets ``-2``, ``-3``... Cells left out of reports
    (:data:`~credits_analysis.report.NOTEBOOK_ONLY_TAG`) are left out here too.

    Parameters
    ----------
    notebook
        An executed report notebook, such as :attr:`credits_analysis.report.Report.notebook`.

    Returns
    -------
    dict[str, dict]
        File name stem to figure, as the plotly mimetype output holds it (``data``,
        ``layout``, ``config``).
    """
    figures: dict[str, dict[str, Any]] = {}
    for cell in notebook.cells:
        if NOTEBOOK_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if figure is None:
                continue
            stem = slugify(cell.get("id", "")) or slugify(figure_title(figure)) or "figure"
            name, number = stem, 1
            while name in figures:
                number += 1
                name = f"{stem}-{number}"
            figures[name] = figure
    return figures


def write_images(
    figures: Mapping[str, go.Figure | Mapping[str, Any]],
    out_dir: Path | str,
    formats: Sequence[str] = IMAGE_FORMATS,
    *,
    browser: Path | None = None,
) -> list[Path]:
    """Write every figure to ``out_dir`` as ``<name>.<format>`` for each of ``formats``.

    All images are drawn first, in one browser, then written together: a failure leaves the
    folder as it was. Existing files of the same names are replaced.

    Parameters
    ----------
    figures
        File name stem (see :func:`slugify`) to plotly figure or figure dict.
    out_dir
        The folder to write to, created if needed.
    formats
        Any of ``png``, ``svg``, ``jpg``, ``webp``, ``pdf``.
    browser
        The Chromium or Chrome executable, as :func:`check_output` returns it; found here (and
        ``out_dir`` checked) by default.

    Returns
    -------
    list[pathlib.Path]
        The files written, figure by figure, in the order of ``formats``.

    Raises
    ------
    BrowserNotFoundError
        If no browser was given or found (checked before anything is drawn).
    ConfigError
        If a format is not supported, a name is not a plain file name, or ``out_dir`` is a
        file.
    ImageError
        If the browser does not start, or a figure is not drawn (in time).
    """
    out_dir = Path(out_dir)
    unknown = sorted(set(formats) - set(_SUPPORTED_FORMATS))
    if unknown or not formats:
        raise ConfigError(
            f"image formats are {', '.join(_SUPPORTED_FORMATS)}; not {', '.join(unknown) or 'none'}"
        )
    bad_names = [name for name in figures if not name or slugify(name) != name]
    if bad_names:
        raise ConfigError(f"figure names must be slugs (see images.slugify), not {bad_names}")
    browser = check_output(out_dir) if browser is None else browser
    jobs = [
        (out_dir / f"{name}.{fmt}", _as_dict(figure), fmt)
        for name, figure in figures.items()
        for fmt in formats
    ]
    rendered = asyncio.run(_render(jobs, browser))
    write_all_atomically(dict(zip((path for path, _, _ in jobs), rendered, strict=True)))
    return [path for path, _, _ in jobs]


async def _render(jobs: list[tuple[Path, dict[str, Any], str]], browser: Path) -> list[bytes]:
    """Draw each (path, figure, format) job in one headless browser; bytes in job order."""
    limit = _START_TIMEOUT + _IMAGE_TIMEOUT * len(jobs)
    try:
        # Bounds the browser's start too, which kaleido's own per-image timeout does not.
        async with asyncio.timeout(limit):
            async with kaleido.Kaleido(
                path=str(browser), mathjax=False, timeout=_IMAGE_TIMEOUT, n=1
            ) as renderer:
                images = []
                for path, figure, fmt in jobs:
                    try:
                        opts = _size(figure) | {"format": fmt}
                        images.append(await renderer.calc_fig(figure, opts=opts))
                    except (JavascriptError, KaleidoError) as exc:
                        raise ImageError(f"{path.name} could not be drawn: {_reason(exc)}") from exc
                return images
    except TimeoutError as exc:
        raise ImageError(
            f"{browser} did not draw the images in time ({_START_TIMEOUT:g} s to start, "
            f"{_IMAGE_TIMEOUT:g} s an image)"
        ) from exc
    except (BrowserFailedError, BrowserClosedError, ChromeNotFoundError) as exc:
        raise ImageError(f"{browser} could not draw images: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """The first argument of ``exc`` (choreographer adds advice to download a browser after)."""
    return " ".join(str(exc.args[0] if exc.args else type(exc).__name__).split())


def _as_dict(figure: go.Figure | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(figure, go.Figure):
        return figure.to_plotly_json()
    return {"data": figure.get("data", []), "layout": figure.get("layout", {})}


def _size(figure: Mapping[str, Any]) -> dict[str, int]:
    layout = figure.get("layout", {})
    return {
        "width": layout.get("width") or _DEFAULT_WIDTH,
        "height": layout.get("height") or DEFAULT_FIGURE_HEIGHT,
    }
