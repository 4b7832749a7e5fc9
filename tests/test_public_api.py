"""The package face: every documented name is importable from ``credits_analysis``."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import credits_analysis as ca
from credits_analysis import errors, load


def test_every_error_and_warning_is_importable_from_the_package() -> None:
    for name in errors.__all__:
        assert getattr(ca, name) is getattr(errors, name), name
        assert name in ca.__all__


def test_loading_names_are_public() -> None:
    assert ca.iter_series is load.iter_series and ca.load_series is load.load_series
    assert ca.SeriesOutcome is load.SeriesOutcome and ca.SeriesCredits is load.SeriesCredits


def test_version_comes_from_the_installed_distribution() -> None:
    assert ca.__version__ == importlib.metadata.version("credits-analysis")


def test_partial_is_declared_on_every_error_of_the_package() -> None:
    assert ca.NotFoundError("gone").partial is None
    assert "partial" in ca.CreditsAnalysisError.__doc__


def test_the_corpus_names_the_readme_uses_need_only_the_package_import() -> None:
    # In a fresh interpreter: here, other tests have imported the submodules already.
    script = (
        "import credits_analysis as ca\n"
        "names = [n for n in ca.corpus.__all__ if not hasattr(ca.corpus, n)]\n"
        "assert not names, names\n"
        "assert callable(ca.corpus.metrics.churn_by_group) and callable(ca.corpus.open)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
