"""Notebooks to self-contained, offline HTML reports.

A report is one of the bundled notebooks (:func:`credits_analysis._resources.notebooks_dir`)
executed with papermill in a fresh kernel of this very interpreter, then exported by nbconvert
through the ``credits_report`` template, which drops every CDN reference of JupyterLab's
template (require.js, MathJax, mermaid, widgets), hides the code, and frames the notebook with a
header, a synthetic-data banner where it applies, and the TMDB notice.

Figures: the notebooks display plotly figures with the ``plotly_mimetype`` renderer, which
JupyterLab and VS Code draw themselves, even in an untrusted notebook; nbconvert cannot represent
that mimetype and would silently drop it. The export therefore turns each such output into a
box of its final height holding the figure's JSON (escaped), and embeds plotly.js once, gzipped
and base64-encoded at the end of the page (a third of its size, unpacked by the browser's
``DecompressionStream``). ``report.js`` in the template draws the charts: the text shows first,
then the charts on screen, then each as it comes near the viewport, and all before printing;
narrow screens get titles wrapped, legends below and small multiples in fewer columns.

Header: the notebooks send the header's facts (:mod:`credits_analysis.report_header`) from the
very load their figures use, so the two cannot disagree. Settings: the kernel gets the caller's
:class:`~credits_analysis.config.Settings` as environment variables of its own process, the
token included, so that nothing secret or local is ever a notebook parameter.

This product uses the TMDB API but is not endorsed or certified by TMDB.
"""

from __future__ import annotations

import base64
import copy
import gzip
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import papermill
import zmq
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from plotly.offline import get_plotlyjs
from traitlets import default

from credits_analysis._bundled import DEMO_LANGUAGE, DEMO_SERIES_IDS
from credits_analysis._files import write_atomically
from credits_analysis._resources import notebooks_dir
from credits_analysis.config import ENVIRONMENT_VARIABLES, Settings
from credits_analysis.errors import ConfigError, CreditsAnalysisError
from credits_analysis.load import SeriesCredits, load_series
from credits_analysis.report_header import (
    HEADER_MIMETYPE,
    TMDB_ATTRIBUTION,
    ReportHeader,
    SeriesSummary,
)

__all__ = [
    "COMPARISON_NOTEBOOK",
    "CORPUS_NOTEBOOK",
    "DEFAULT_CELL_TIMEOUT",
    "DEFAULT_FIGURE_HEIGHT",
    "EXPLORER_NOTEBOOK",
    "HEADER_MIMETYPE",
    "MAX_COMPARED",
    "NOTEBOOK_ONLY_TAG",
    "PLOTLY_MIMETYPE",
    "TMDB_ATTRIBUTION",
    "NotebookExecutionError",
    "Report",
    "ReportHeader",
    "SeriesSummary",
    "build_corpus_report",
    "build_demo_reports",
    "build_report",
    "execute_notebook",
    "export_html",
    "figure_title",
    "kernel_environment",
    "notebook_header",
]

#: The notebook of a one-series report, in :func:`~credits_analysis._resources.notebooks_dir`.
EXPLORER_NOTEBOOK = "series_explorer.ipynb"
#: The notebook of a several-series report.
COMPARISON_NOTEBOOK = "series_comparison.ipynb"
#: The notebook of a corpus report.
CORPUS_NOTEBOOK = "corpus_explorer.ipynb"
#: Seconds one cell may run before the build fails; the notebooks never fetch, so this is ample.
DEFAULT_CELL_TIMEOUT = 300.0
#: The most series the comparison notebook lays out side by side.
MAX_COMPARED = 4
#: The output mimetype plotly's ``plotly_mimetype`` renderer writes and JupyterLab draws.
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
#: Cells with this tag (how to run the notebook, the notice the header already shows) are left
#: out of reports.
NOTEBOOK_ONLY_TAG = "notebook-only"

_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_TEMPLATE_NAME = "credits_report"
_SCRIPT = _TEMPLATES_DIR / _TEMPLATE_NAME / "report.js"
_KERNEL_NAME = "python3"
#: plotly's own notebook renderer uses this height for figures that do not set one.
DEFAULT_FIGURE_HEIGHT = 525
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_TAG = re.compile(r"<[^>]*>")
_HTML_SUFFIXES = (".html", ".htm")


class NotebookExecutionError(CreditsAnalysisError):
    """A notebook cell raised, timed out or lost its kernel; no report was written.

    Attributes
    ----------
    notebook : str
        The notebook's file name.
    cell : str
        The failing cell, as a reader finds it: ``cell 7 (id "gender-split")``.
    ename, evalue : str
        The exception's type name and message inside the kernel.
    traceback : str
        The kernel's traceback, without terminal colours.
    """

    def __init__(
        self, *, notebook: str, cell: str, ename: str, evalue: str, traceback: str = ""
    ) -> None:
        super().__init__(f"{notebook}: {cell} failed with {ename}: {evalue}")
        self.notebook = notebook
        self.cell = cell
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback


@dataclass(frozen=True)
class Report:
    """A report that was written.

    Attributes
    ----------
    path : pathlib.Path
        The HTML file.
    series : tuple[SeriesCredits, ...]
        The series as loaded before the notebook ran (``.failures`` says which seasons did not
        load): what fetching found, for the caller's messages and exit status.
    header : ReportHeader
        The page's header, from the notebook's own load: what the report shows.
    figures : int
        The plotly figures in it.
    notebook : nbformat.NotebookNode
        The executed notebook it was exported from (outputs as the kernel sent them), for
        saving as ``.ipynb`` or opening in JupyterLab.
    """

    path: Path
    series: tuple[SeriesCredits, ...]
    header: ReportHeader
    figures: int
    notebook: nbformat.NotebookNode = field(repr=False)


def build_report(
    series_ids: int | Sequence[int],
    out: Path | str,
    *,
    seasons: Sequence[int] | None = None,
    language: str | None = None,
    include_specials: bool = False,
    show_code: bool = False,
    offline: bool | None = None,
    settings: Settings | None = None,
    cell_timeout: float = DEFAULT_CELL_TIMEOUT,
    progress: bool = False,
) -> Report:
    """Write the HTML report of one series (explorer) or several (comparison) to ``out``.

    The series are loaded here first (cache, TMDB, bundled data, as
    :func:`~credits_analysis.load_series` does), so a bad id or a missing token fails before any
    kernel starts and a fetch shows its progress here. The notebook then loads them with the
    same settings (from the cache, now), and the page's header and figures both come from that
    one load in the kernel. The file is written atomically once everything succeeded: a failure
    never leaves a partial report, nor touches an existing file at ``out``.

    Parameters
    ----------
    series_ids
        One TMDB series id, or several for a side-by-side comparison.
    out
        The HTML file to write (``.html`` or ``.htm``); its folder is created if needed.
    seasons
        Season numbers to include (in each series); None for all.
    language, include_specials, offline
        As for :func:`~credits_analysis.load_series`; ``language`` and ``offline`` override
        ``settings``.
    settings
        Token, cache folder, base URL, limits...; default
        :meth:`~credits_analysis.config.Settings.from_env`. The kernel runs with exactly these
        (passed in its environment: the token is never a notebook parameter nor an output).
    show_code
        Keep the code cells in the report (hidden by default).
    cell_timeout
        Seconds any one cell may run.
    progress
        Count the notebook's cells on stderr as they run.

    Returns
    -------
    Report
        Where it was written, the series as loaded, its header, the number of figures.

    Raises
    ------
    ConfigError
        Before anything is loaded: the same id twice, more than :data:`MAX_COMPARED` ids, or an
        ``out`` that is a folder (existing, or written with a trailing slash), does not end in
        ``.html``/``.htm``, or lies below a file.
    NotebookExecutionError
        If a notebook cell fails; the message names the cell.
    CreditsAnalysisError
        Any error of :func:`~credits_analysis.load_series` (not found, offline miss, ...).
    """
    ids = _checked_ids(series_ids)
    out = _checked_out(out, ids)
    settings = (settings or Settings.from_env()).with_overrides(language=language, offline=offline)
    options: dict[str, Any] = {
        "seasons": sorted(seasons) if seasons is not None else None,
        "include_specials": include_specials,
        "offline": settings.offline,
    }
    loaded = tuple(load_series(i, settings=settings, **options) for i in ids)
    # The notebook gets the language the load resolved to (bundled data keeps its own).
    options["language"] = loaded[0].language
    if len(ids) == 1:
        notebook, parameters = EXPLORER_NOTEBOOK, {"series_id": ids[0], **options}
    else:
        notebook, parameters = COMPARISON_NOTEBOOK, {"series_ids": ids, **options}
    return _run_and_write(
        notebook,
        parameters,
        out,
        loaded,
        settings=settings,
        show_code=show_code,
        cell_timeout=cell_timeout,
        progress=progress,
    )


def build_corpus_report(
    corpus_dir: Path | str,
    out: Path | str,
    *,
    settings: Settings | None = None,
    show_code: bool = False,
    cell_timeout: float = DEFAULT_CELL_TIMEOUT,
    progress: bool = False,
) -> Report:
    """Write the HTML report of the corpus at ``corpus_dir`` (the corpus explorer) to ``out``.

    The figures are aggregated in DuckDB in the kernel: the page holds no row per person. The
    write is atomic, as for :func:`build_report`.

    Parameters
    ----------
    corpus_dir
        A corpus folder (see :func:`credits_analysis.corpus.build`).
    out, settings, show_code, cell_timeout, progress
        As for :func:`build_report`.

    Returns
    -------
    Report
        Where it was written, the header (from the kernel's own view of the corpus), the
        number of figures; ``series`` is empty.

    Raises
    ------
    ConfigError
        Before any kernel starts: ``corpus_dir`` is not a corpus, or ``out`` is not a place
        for an HTML file.
    NotebookExecutionError
        If a notebook cell fails; the message names the cell.
    """
    from credits_analysis.corpus.meta import meta_path

    root = Path(corpus_dir).expanduser().absolute()
    out = _checked_out(out, [])
    if not meta_path(root).is_file():
        raise ConfigError(
            f"{corpus_dir} is not a corpus (no corpus.json): build one with "
            "`credits-analysis corpus build DIR ...`"
        )
    return _run_and_write(
        CORPUS_NOTEBOOK,
        {"corpus_dir": str(root)},
        out,
        (),
        settings=settings,
        show_code=show_code,
        cell_timeout=cell_timeout,
        progress=progress,
    )


def _run_and_write(
    notebook: str,
    parameters: Mapping[str, Any],
    out: Path,
    series: tuple[SeriesCredits, ...],
    *,
    settings: Settings | None,
    show_code: bool,
    cell_timeout: float,
    progress: bool,
) -> Report:
    """Run one of the package's notebooks and write its page to ``out`` atomically."""
    executed = execute_notebook(
        notebooks_dir() / notebook,
        parameters,
        settings=settings,
        cell_timeout=cell_timeout,
        progress=progress,
    )
    header = notebook_header(executed)
    page, figures = export_html(executed, header=header, show_code=show_code)
    write_atomically(out, page.encode("utf-8"))
    return Report(path=out, series=series, header=header, figures=figures, notebook=executed)


def build_demo_reports(out_dir: Path | str) -> list[Report]:
    """Write the reports of the bundled demo series to ``out_dir``, offline.

    The explorer of the first (the eight-season drama), and a comparison of them all.

    Returns
    -------
    list[Report]
        The explorer, then the comparison.
    """
    out_dir = Path(out_dir)
    ids = list(DEMO_SERIES_IDS)
    explorer = out_dir / f"demo-explorer-{ids[0]}.html"
    comparison = out_dir / f"demo-comparison-{'-'.join(map(str, ids))}.html"
    return [
        build_report(ids[0], explorer, language=DEMO_LANGUAGE, offline=True),
        build_report(ids, comparison, language=DEMO_LANGUAGE, offline=True),
    ]


def execute_notebook(
    notebook: Path | str,
    parameters: Mapping[str, Any],
    *,
    settings: Settings | None = None,
    cell_timeout: float = DEFAULT_CELL_TIMEOUT,
    progress: bool = False,
) -> nbformat.NotebookNode:
    """Run ``notebook`` with ``parameters`` injected after its ``parameters`` cell.

    With ``progress``, a bar on stderr counts the cells as they run (papermill's own).

    The kernel is ipykernel in this interpreter (whatever ``python3`` kernelspec the user has
    installed elsewhere), so it imports the same ``credits_analysis``; nothing is written to
    disk. With ``settings``, the kernel's environment carries them instead of this process's
    ``TMDB_*`` and ``CREDITS_ANALYSIS_*`` variables, so :meth:`Settings.from_env` in the kernel
    returns them, token included, without the token being a parameter.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, outputs included.

    Raises
    ------
    NotebookExecutionError
        If a cell raises, runs longer than ``cell_timeout`` seconds, or the kernel dies.
    """
    notebook = Path(notebook)
    # The source of the cell being run, to name it when the error itself does not.
    running = [""]

    def track(cell: nbformat.NotebookNode, cell_index: int) -> None:
        running[0] = cell.source

    try:
        return papermill.execute_notebook(
            str(notebook),
            None,
            parameters=dict(parameters),
            kernel_name=_KERNEL_NAME,
            kernel_manager_class=type(
                "_KernelManager",
                (_InterpreterKernelManager,),
                {"environment": None if settings is None else kernel_environment(settings)},
            ),
            execution_timeout=cell_timeout,
            # The kernel's own log (e.g. "KeyboardInterrupt caught in kernel" as it is shut
            # down) is not the notebook's business; cell errors arrive as outputs regardless.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            on_cell_start=track,
            progress_bar=progress,
            log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        raise NotebookExecutionError(
            notebook=notebook.name,
            cell=_describe_cell(notebook, exc.source),
            ename=exc.ename,
            evalue=exc.evalue,
            traceback=_ANSI_ESCAPE.sub("", "\n".join(exc.traceback)),
        ) from exc
    except (CellTimeoutError, DeadKernelError) as exc:
        timeout = isinstance(exc, CellTimeoutError)
        raise NotebookExecutionError(
            notebook=notebook.name,
            cell=_describe_cell(notebook, running[0]),
            ename=type(exc).__name__,
            evalue=f"no result after {cell_timeout:g} s" if timeout else "the kernel died",
            traceback=str(exc),
        ) from exc


def export_html(
    executed: nbformat.NotebookNode, *, header: ReportHeader, show_code: bool = False
) -> tuple[str, int]:
    """Return the standalone HTML page of an executed notebook, and its number of figures.

    The page loads nothing from any host: plotly.js is embedded once, gzipped and base64-encoded
    (only when the notebook has figures), and no MathJax, require.js or other CDN script is
    referenced. Cells tagged :data:`NOTEBOOK_ONLY_TAG` are left out, and so are the header
    facts output (``header`` is what the page shows; see :func:`notebook_header`) and whatever
    the kernel wrote to stderr: warnings are for whoever runs the notebook (they can name local
    files), and the notebooks say what a reader needs to know in their own outputs.
    """
    notebook = copy.deepcopy(executed)
    _drop_outputs_not_for_readers(notebook)
    figures = _figures_to_html(notebook)
    notebook.metadata["title"] = header.title
    exporter = HTMLExporter(
        template_name=_TEMPLATE_NAME,
        extra_template_basedirs=[str(_TEMPLATES_DIR)],
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={NOTEBOOK_ONLY_TAG}), enabled=True
    )
    report = {
        **asdict(header),
        "script": _SCRIPT.read_text(encoding="utf-8") if figures else "",
        "plotly_js_gzip": _packed_plotly_js() if figures else "",
    }
    body, _ = exporter.from_notebook_node(notebook, resources={"credits_report": report})
    return body, figures


def notebook_header(executed: nbformat.NotebookNode) -> ReportHeader:
    """The header the notebook's kernel sent (its last :data:`HEADER_MIMETYPE` output).

    Raises
    ------
    ValueError
        If the notebook sent none (it does not call
        :func:`~credits_analysis.report_header.display_header`), or a malformed one.
    """
    facts = [
        output["data"][HEADER_MIMETYPE]
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if HEADER_MIMETYPE in output.get("data", {})
    ]
    if not facts:
        raise ValueError(
            "the notebook sent no report header: it must call "
            "credits_analysis.report_header.display_header(...) after loading its series"
        )
    return ReportHeader.from_json(facts[-1])


def kernel_environment(settings: Settings) -> dict[str, str]:
    """This process's environment with ``settings`` instead of its own settings variables.

    :meth:`Settings.from_env` reads ``settings`` back from it (the token as well, when set).
    """
    ours = set(ENVIRONMENT_VARIABLES.values())
    return {k: v for k, v in os.environ.items() if k not in ours} | settings.to_env()


class _InterpreterKernelManager(AsyncKernelManager):
    """Start ipykernel with this interpreter, over encrypted sockets where pyzmq allows.

    A user-level ``python3`` kernelspec (``ipykernel install --user``) may point at another
    Python without this package; with no kernel folders to search, only ipykernel's native spec
    remains, and it runs ``sys.executable``.
    """

    #: The kernel's environment; None: this process's own.
    environment: dict[str, str] | None = None

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        if self.environment is not None:
            kw["env"] = self.environment
        await super().start_kernel(**kw)

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return KernelSpecManager(kernel_dirs=[])

    @default("transport_encryption")
    def _transport_encryption_default(self) -> str:
        return "auto" if zmq.has("curve") else "disabled"


def _drop_outputs_not_for_readers(notebook: nbformat.NotebookNode) -> None:
    for cell in notebook.cells:
        if "outputs" in cell:
            cell.outputs = [
                output
                for output in cell.outputs
                if not (output.output_type == "stream" and output.get("name") == "stderr")
                and HEADER_MIMETYPE not in output.get("data", {})
            ]


def _figures_to_html(notebook: nbformat.NotebookNode) -> int:
    """Replace every plotly mimetype output by its chart box, in place; return how many.

    The box has the figure's height from the start (no layout jump when it is drawn) and says
    which chart it will hold; the figure's JSON follows it with ``<``, ``>`` and ``&`` escaped,
    so no name in the data can end the script. ``report.js`` sizes and draws it.
    """
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if figure is None:
                continue
            count += 1
            output["data"] = {"text/html": _chart_box(figure, f"figure-{count}")}
    return count


def figure_title(figure: Mapping[str, Any]) -> str:
    """The title text of a plotly figure's JSON, its markup tags turned into spaces."""
    title = figure.get("layout", {}).get("title", {})
    text = title.get("text", "") if isinstance(title, Mapping) else str(title)
    return _TAG.sub(" ", text or "")


def _chart_box(figure: Mapping[str, Any], box_id: str) -> str:
    layout = figure.get("layout", {})
    title = html.escape(" ".join(figure_title(figure).split()) or "Chart")
    height = int(layout.get("height") or DEFAULT_FIGURE_HEIGHT)
    payload = json.dumps(
        {key: figure[key] for key in ("data", "layout", "config") if key in figure},
        separators=(",", ":"),
        allow_nan=False,
    )
    for character, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        payload = payload.replace(character, escape)
    return (
        f'<div class="plotly-graph-div ca-chart" id="{box_id}" data-title="{title}" '
        f'style="height:{height}px"><p class="ca-figure-wait">{title} (drawing the chart)</p>'
        f'</div>\n<script type="application/json" id="{box_id}-json">{payload}</script>\n'
        f'<script>CreditsReport.size("{box_id}")</script>'
    )


@cache
def _packed_plotly_js() -> str:
    """plotly.js gzipped and base64-encoded: 1.96 MB of page instead of 4.8 MB."""
    packed = gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")


def _describe_cell(notebook: Path, source: str) -> str:
    """Name the cell of ``notebook`` whose source is ``source``, as a reader would find it."""
    cells = nbformat.read(notebook, as_version=4).cells
    for number, cell in enumerate(cells, start=1):
        if cell.source == source:
            return f'cell {number} (id "{cell.get("id", "?")}")'
    # The one cell that is not in the file: the parameters papermill injected.
    return "the injected-parameters cell" if source else "a cell"


def _checked_ids(series_ids: int | Sequence[int]) -> list[int]:
    ids = [series_ids] if isinstance(series_ids, int) else [int(i) for i in series_ids]
    if not ids:
        raise ConfigError(
            f"give the id of the series to report on, or 2 to {MAX_COMPARED} ids to compare"
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ConfigError(
            f"series {', '.join(map(str, repeated))} given more than once: give each id once"
        )
    if len(ids) > MAX_COMPARED:
        raise ConfigError(
            f"{len(ids)} series given: a comparison shows at most {MAX_COMPARED} side by side; "
            "write several reports to cover more"
        )
    return ids


def _checked_out(out: Path | str, ids: Sequence[int]) -> Path:
    """``out`` as a path, if a report can be written there; checked before any work is done."""
    suggestion = f"report-{'-'.join(map(str, ids)) or 'corpus'}.html"
    path = Path(out)
    if str(out).endswith(tuple(filter(None, (os.sep, os.altsep)))) or path.is_dir():
        raise ConfigError(
            f"{out} is a folder: give the report's file name, e.g. {path / suggestion}"
        )
    if path.suffix.lower() not in _HTML_SUFFIXES:
        # A name without a suffix may be a folder whose trailing slash Path() dropped.
        folder = "" if path.suffix else f", or {path / suggestion} to write into a folder"
        raise ConfigError(
            f"a report is an HTML file: give a name ending in .html, such as "
            f"{path.with_suffix('.html')}{folder}; not {out}"
        )
    # Its folder is created when written; a file in the way would fail only then.
    for folder in path.absolute().parents:
        if folder.exists():
            if not folder.is_dir():
                raise ConfigError(f"cannot write {out}: {folder} is a file, not a folder")
            break
    return path
