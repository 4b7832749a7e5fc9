"""The corpus report on a generated corpus of 5,000 series: build time and page weight.

Printed with ``make bench``: the build against the kernel-and-imports floor of an empty corpus
(the same notebook on 10 series), and the page's bytes against what it must hold (plotly.js as
embedded, plus the figures' JSON and the tables). Scaled down to 500 series in the default run.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from credits_analysis.report import build_corpus_report
from tests.benchmarks.test_bench_corpus import full_size, generate_corpus

# What the page holds of each figure: its JSON in a script element (see report.export_html).
FIGURE_JSON = re.compile(r"<script[^>]*application/json[^>]*>(.*?)</script>", re.S)
PACKED = re.compile(r"<script[^>]*plotly-js-gzip[^>]*>(.*?)</script>", re.S)
TABLES = re.compile(r"<table.*?</table>", re.S)


@pytest.mark.benchmark
@pytest.mark.notebook
def test_corpus_report_builds_from_aggregates_and_weighs_what_it_shows(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    series = 5_000 if full_size(request) else 500
    timings: dict[int, float] = {}
    pages: dict[int, str] = {}
    for count in (10, series):
        root = tmp_path / f"corpus-{count}"
        rows = generate_corpus(root, count)
        start = time.perf_counter()
        built = build_corpus_report(root, tmp_path / f"corpus-{count}.html")
        timings[count] = time.perf_counter() - start
        pages[count] = built.path.read_text(encoding="utf-8")
        assert built.figures > 0
    page = pages[series]
    figures = sum(len(m.encode()) for m in FIGURE_JSON.findall(page))
    tables = sum(len(m.encode()) for m in TABLES.findall(page))
    packed = sum(len(m.encode()) for m in PACKED.findall(page))
    shown = packed + figures + tables
    size = len(page.encode())
    print(
        f"\ncorpus report, {series:,} series ({rows:,} cast rows in the last corpus):"
        f"\n  build {timings[series]:.1f} s; floor (10 series) {timings[10]:.1f} s"
        f"\n  page {size:,} B = {size / shown:.2f}x (plotly.js {packed:,} + figures {figures:,}"
        f" + tables {tables:,})"
    )
    # Sanity bounds only (3x margins); the figures above are the measurement.
    assert timings[series] < 180
    assert size < 1.5 * shown
