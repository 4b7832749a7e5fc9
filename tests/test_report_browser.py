"""Reports opened in headless Chromium with every request that is not ``file:`` blocked.

Two reports are built once for the module: the comparison of the bundled demo series, and an
explorer of a real TMDB sample (Game of Thrones, season 1) whose series and one person carry
HTML in their names, which must be shown as text and never run. Charts are drawn as they come
near the viewport, so the checks of every chart scroll through the page first; others check
that the text comes first, that boxes keep their height, what happens before printing and
without ``DecompressionStream``, and that phone (390 px) and tablet (768 px) widths keep every
text inside its chart. The last test opens the executed explorer in JupyterLab, untrusted,
where the charts must be drawn too.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nbformat
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, sync_playwright

from credits_analysis import samples
from credits_analysis.cache import RawCache
from credits_analysis.demo import DEMO_SERIES
from credits_analysis.demo.corpus import demo_corpus
from credits_analysis.endpoints import details_path, season_credits_path
from credits_analysis.report import PLOTLY_MIMETYPE, Report, build_corpus_report, build_report

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Both would run if inserted as HTML: an image that fails to load, an SVG that loads.
PERSON = "<img src=x onerror=alert(1)><svg onload=alert(2)>"
SERIES = "Thrones <script>alert(3)</script>"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebook,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless Chromium is missing: install Debian's `chromium` package "
        "(apt-get install chromium), as .ci/run does",
    ),
]


def hostile_cache(root: Path) -> None:
    """The real season 1 of Game of Thrones, with HTML in the series name and a person's name.

    The person is made the most popular one, so they appear in every view of the report.
    """
    details = samples.load("tv-1399")
    details["name"] = SERIES
    credits = samples.load("tv-1399-season-1-aggregate_credits")
    credits["cast"][0].update(name=PERSON, popularity=1000.0)
    store = RawCache(root)
    for path, payload in ((details_path(1399), details), (season_credits_path(1399, 1), credits)):
        store.write(path, "en-US", json.dumps(payload).encode(), url=f"https://example.test/{path}")


@pytest.fixture(scope="module")
def hostile_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No token, and a cache holding the hostile sample, for every kernel of the module."""
    cache = tmp_path_factory.mktemp("cache")
    hostile_cache(cache)
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("TMDB_", "CREDITS_ANALYSIS_")):
                patch.delenv(name)
        patch.setenv("CREDITS_ANALYSIS_CACHE_DIR", str(cache))
        yield


@pytest.fixture(scope="module")
def reports(
    tmp_path_factory: pytest.TempPathFactory, hostile_environment: None
) -> dict[str, Report]:
    out = tmp_path_factory.mktemp("reports")
    corpus = demo_corpus(out / "corpus", size=80)
    return {
        "demo-comparison": build_report(list(DEMO_SERIES), out / "comparison.html", offline=True),
        "hostile-explorer": build_report(1399, out / "hostile.html", seasons=[1], offline=True),
        "demo-corpus": build_corpus_report(corpus, out / "corpus.html"),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A page opened on a report, with everything it tried to do."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def open_report(
    browser: Browser,
    path: Path,
    *,
    width: int = 1280,
    scroll: bool = True,
    init_script: str | None = None,
) -> Iterator[Visit]:
    """Open ``path``; with ``scroll``, scroll through it and wait for every chart to be drawn."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    visit = Visit(page)
    if init_script:
        page.add_init_script(init_script)

    def route(route: Route) -> None:
        url = route.request.url
        visit.requests.append(url)
        if url.startswith("file:"):
            route.continue_()
        else:
            visit.blocked.append(url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            visit.console_errors.append(message.text)

    def dialog(dialog: Dialog) -> None:
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    page.on("dialog", dialog)
    page.goto(path.resolve().as_uri(), wait_until="load")
    if scroll:
        scroll_through(page)
    try:
        yield visit
    finally:
        page.close()


ALL_DRAWN = (
    "() => [...document.querySelectorAll('.plotly-graph-div')]"
    ".every(div => div.querySelector('svg.main-svg'))"
)
# A reader scrolling down a screen at a time, each step given two frames to react. Bounded:
# a frame that never comes (a renderer that stops painting, seen once in CI) waits 250 ms, and
# at most 400 steps are taken, so a stalled page fails on ALL_DRAWN's timeout instead of
# hanging until pytest-timeout.
SCROLL_DOWN = """async () => {
    const frame = () => Promise.race([
        new Promise(done => requestAnimationFrame(done)),
        new Promise(done => setTimeout(done, 250)),
    ]);
    const step = Math.max(window.innerHeight / 2, 100);
    for (let y = 0, n = 0; y < document.documentElement.scrollHeight && n < 400; y += step, n++) {
        window.scrollTo(0, y);
        await frame();
        await frame();
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
}"""


def scroll_through(page: Page) -> None:
    """Once plotly.js is unpacked, scroll to the end; wait until every chart is drawn."""
    page.wait_for_function("() => window.Plotly !== undefined", timeout=30_000)
    page.evaluate(SCROLL_DOWN)
    page.wait_for_function(ALL_DRAWN, timeout=30_000)


@pytest.fixture(scope="module", params=["demo-comparison", "hostile-explorer", "demo-corpus"])
def visit(
    request: pytest.FixtureRequest, browser: Browser, reports: dict[str, Report]
) -> Iterator[tuple[Report, Visit]]:
    report = reports[request.param]
    with open_report(browser, report.path) as opened:
        yield report, opened


def test_every_chart_renders(visit: tuple[Report, Visit]) -> None:
    report, opened = visit
    charts = opened.page.eval_on_selector_all(
        ".plotly-graph-div",
        """divs => divs.map(div => ({
            plotted: div.classList.contains('js-plotly-plot'),
            svg: div.querySelector('svg.main-svg') !== null,
            height: div.getBoundingClientRect().height,
        }))""",
    )

    assert len(charts) == report.figures > 0
    assert all(c["plotted"] and c["svg"] and c["height"] > 0 for c in charts), charts


def test_nothing_but_the_file_itself_is_requested(visit: tuple[Report, Visit]) -> None:
    report, opened = visit

    assert opened.blocked == []
    assert opened.requests == [report.path.resolve().as_uri()]


def test_no_console_errors(visit: tuple[Report, Visit]) -> None:
    _, opened = visit

    assert opened.console_errors == []


def test_html_in_names_is_shown_as_text_and_never_run(
    browser: Browser, reports: dict[str, Report]
) -> None:
    with open_report(browser, reports["hostile-explorer"].path) as opened:
        page = opened.page
        assert opened.dialogs == []
        assert page.evaluate("document.querySelectorAll('img, [onerror], [onload]').length") == 0
        assert SERIES in page.inner_text("h1")
        assert SERIES in page.inner_text('[id="cell-id=load"]')  # the note on what loaded
        cells = page.eval_on_selector_all("td", "cells => cells.map(c => c.textContent)")
        assert PERSON in cells
        chart_text = page.eval_on_selector_all("svg text", "texts => texts.map(t => t.textContent)")
        assert PERSON in chart_text


# What the page looks like when its HTML is parsed, before any script has drawn a chart.
RECORD_PARSED = """document.addEventListener("DOMContentLoaded", () => {
    window.parsed = {
        plotly: typeof window.Plotly,
        heading: document.querySelector("h1") && document.querySelector("h1").textContent,
        heights: [...document.querySelectorAll(".plotly-graph-div")]
            .map(div => div.getBoundingClientRect().height),
    };
});"""


def test_text_shows_before_plotly_and_chart_boxes_never_change_height(
    browser: Browser, reports: dict[str, Report]
) -> None:
    built = reports["demo-comparison"]
    with open_report(browser, built.path, init_script=RECORD_PARSED) as opened:
        parsed = opened.page.evaluate("window.parsed")
        drawn = opened.page.eval_on_selector_all(
            ".plotly-graph-div", "divs => divs.map(div => div.getBoundingClientRect().height)"
        )

    assert parsed["plotly"] == "undefined"
    assert parsed["heading"] == built.header.title
    assert len(drawn) == built.figures
    assert drawn == pytest.approx(parsed["heights"], abs=0.5)


def test_charts_far_below_are_drawn_when_they_come_near(
    browser: Browser, reports: dict[str, Report]
) -> None:
    with open_report(browser, reports["demo-comparison"].path, scroll=False) as opened:
        page = opened.page
        page.wait_for_function("() => window.Plotly !== undefined", timeout=30_000)
        page.wait_for_timeout(500)  # ample for drawing the first screen, were it to draw all
        last = "[...document.querySelectorAll('.plotly-graph-div')].at(-1)"
        drawn = f"() => {last}.querySelector('svg.main-svg') !== null"
        assert page.evaluate(drawn) is False
        page.evaluate(f"{last}.scrollIntoView()")
        page.wait_for_function(drawn, timeout=10_000)


def test_every_chart_is_drawn_before_printing(browser: Browser, reports: dict[str, Report]) -> None:
    with open_report(browser, reports["demo-comparison"].path, scroll=False) as opened:
        page = opened.page
        page.wait_for_function("() => window.Plotly !== undefined", timeout=30_000)
        # Printing lays the page out right after the event: the charts must be there by then.
        drawn = page.evaluate(
            "() => { window.dispatchEvent(new Event('beforeprint'));"
            " return (" + ALL_DRAWN + ")(); }"
        )
        assert drawn is True


def test_without_decompression_stream_the_page_says_so(
    browser: Browser, reports: dict[str, Report]
) -> None:
    with open_report(
        browser,
        reports["demo-comparison"].path,
        scroll=False,
        init_script="delete window.DecompressionStream;",
    ) as opened:
        page = opened.page
        page.wait_for_selector("#charts-notice:not([hidden])", timeout=10_000)
        notice = page.inner_text("#charts-notice")
        boxes = page.eval_on_selector_all(".plotly-graph-div", "ds => ds.map(d => d.innerText)")

        assert "lacks DecompressionStream" in notice and "text and tables are complete" in notice
        assert boxes and all("cannot be drawn in this browser" in text for text in boxes)
        assert opened.console_errors == []


# Every chart's texts inside its own SVG, subplot titles apart, legends below the plots, and
# no page wider than the screen.
LAYOUT_PROBLEMS = """() => {
    const problems = [];
    const outside = (r, box) => r.left < box.left - 1 || r.right > box.right + 1
        || r.top < box.top - 1 || r.bottom > box.bottom + 1;
    const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
        && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    for (const div of document.querySelectorAll(".plotly-graph-div")) {
        const svg = div.querySelector("svg.main-svg").getBoundingClientRect();
        const texts = div.querySelectorAll(
            ".gtitle, .g-gtitle text, .legend text, .annotation-text, .g-xtitle text,"
            + " .g-ytitle text, .colorbar text, .xtick text, .ytick text");
        for (const text of texts) {
            const r = text.getBoundingClientRect();
            if (r.width > 0 && outside(r, svg)) {
                problems.push(`${div.id}: "${text.textContent}" is cut at the chart's edge`);
            }
        }
        const titles = [...div.querySelectorAll(".annotation")].map(a => a.getBoundingClientRect());
        titles.forEach((a, i) => titles.slice(i + 1).forEach(b => {
            if (overlap(a, b)) problems.push(`${div.id}: two subplot titles overlap`);
        }));
        const legend = div.querySelector(".legend");
        const plots = [...div.querySelectorAll(".nsewdrag")].map(d => d.getBoundingClientRect());
        if (legend && plots.length) {
            const top = legend.getBoundingClientRect().top;
            if (top < Math.max(...plots.map(p => p.bottom)) - 1) {
                problems.push(`${div.id}: the legend is not below the plot`);
            }
        }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    return problems;
}"""


@pytest.mark.parametrize("width", [390, 768])
@pytest.mark.parametrize("name", ["demo-comparison", "hostile-explorer", "demo-corpus"])
def test_narrow_screens_keep_every_text_inside_its_chart(
    browser: Browser, reports: dict[str, Report], name: str, width: int
) -> None:
    with open_report(browser, reports[name].path, width=width) as opened:
        problems = opened.page.evaluate(LAYOUT_PROBLEMS)
        charts = opened.page.eval_on_selector_all(
            ".plotly-graph-div", "ds => ds.map(d => d.getBoundingClientRect().width)"
        )

    assert problems == []
    assert charts and max(charts) <= width


@dataclass(frozen=True)
class JupyterLab:
    base: str
    token: str
    root: Path

    def url(self, route: str) -> str:
        return f"{self.base}/{route}?token={self.token}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """A JupyterLab server on 127.0.0.1 with fresh Jupyter folders: no notebook is trusted.

    Announcements, update checks and the PyPI extension manager are off, so the server makes
    no request either.
    """
    home = tmp_path_factory.mktemp("jupyter")
    root = home / "notebooks"
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    root.mkdir()
    settings.mkdir(parents=True)
    # Draw every cell, not only those scrolled into view.
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = free_port(), "report-test"
    env = {
        **os.environ,
        **{f"JUPYTER_{d}_DIR": str(home / d.lower()) for d in ("DATA", "CONFIG", "RUNTIME")},
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={home / 'settings'}",
         "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so kernels it started go with it
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/status?token={token}").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.5)
        yield JupyterLab(base, token, root)
    finally:
        stop_jupyter(server, base, token)


def stop_jupyter(server: subprocess.Popen[bytes], base: str, token: str) -> None:
    """Shut the server and its kernels down; kill the whole process group if that hangs.

    A kernel busy starting up can ignore SIGTERM for longer than a test should wait.
    """
    with contextlib.suppress(httpx.HTTPError):
        httpx.post(f"{base}/api/shutdown?token={token}", timeout=5)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # kernels outliving a clean server exit


def test_jupyterlab_draws_the_charts_of_an_untrusted_notebook(
    browser: Browser, jupyterlab: JupyterLab, reports: dict[str, Report]
) -> None:
    executed = reports["hostile-explorer"].notebook
    nbformat.write(executed, jupyterlab.root / "explorer.ipynb")
    figures = sum(
        PLOTLY_MIMETYPE in output.get("data", {})
        for cell in executed.cells if cell.cell_type == "code" for output in cell.outputs
    )  # fmt: skip
    contents = httpx.get(jupyterlab.url("api/contents/explorer.ipynb")).json()["content"]
    code = [c for c in contents["cells"] if c["cell_type"] == "code"]
    assert [c["metadata"].get("trusted") for c in code] == [False] * len(code)

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    dialogs: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(jupyterlab.base) else route.abort()
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(jupyterlab.url("lab/tree/explorer.ipynb"))
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= {figures}",
            timeout=60_000,
        )
        heights = page.eval_on_selector_all(
            ".js-plotly-plot", "divs => divs.map(d => d.getBoundingClientRect().height)"
        )
        assert len(heights) == figures > 0 and min(heights) > 0
        assert dialogs == []
        assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    finally:
        page.close()
