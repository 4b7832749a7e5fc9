"""The built wheel carries the bundled data, so the accessors work outside a source checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("credits_analysis-*.whl"))


def test_wheel_contains_samples_demo_and_notebooks(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for sample in (ROOT / "data" / "samples").glob("*.json"):
        assert f"credits_analysis/_data/samples/{sample.name}" in names
    assert any(n.startswith("credits_analysis/_data/demo/") for n in names)
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"credits_analysis/_notebooks/{notebook.name}" in names
    for template in (ROOT / "credits_analysis" / "templates").rglob("*"):
        if template.is_file():
            assert template.relative_to(ROOT).as_posix() in names


def test_samples_load_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import credits_analysis.samples as s, credits_analysis._resources as r;"
        "print(r.data_dir()); print(len(s.load('tv-1399-season-1-aggregate_credits')['cast']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    data_dir, cast = done.stdout.split()
    assert data_dir == str(site / "credits_analysis" / "_data")
    recorded = json.loads(
        (ROOT / "data/samples/tv-1399-season-1-aggregate_credits.json").read_text()
    )
    assert int(cast) == len(recorded["cast"])
