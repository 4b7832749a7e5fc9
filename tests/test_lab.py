"""``credits-analysis lab``: JupyterLab on git-ignored working copies of the notebooks.

The copy step is tested on its own. The last test starts the real command on a temporary git
copy of this checkout, runs the explorer notebook through the Jupyter server's kernel API as a
user would (every cell, then a save with its outputs through the contents API), and checks that
the committed notebooks are byte-identical and ``git status`` is clean afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nbformat
import pytest
import websocket

from credits_analysis._resources import checkout_root, notebooks_dir
from credits_analysis.cli import main
from credits_analysis.lab import LAB_FOLDER, default_lab_dir, sync_working_copies
from credits_analysis.report import EXPLORER_NOTEBOOK, PLOTLY_MIMETYPE


def notebook_bytes(title: str) -> bytes:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {title}")])
    return nbformat.writes(notebook).encode()


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "a.ipynb").write_bytes(notebook_bytes("A"))
    (folder / "b.ipynb").write_bytes(notebook_bytes("B"))
    (folder / "notes.txt").write_text("not a notebook")
    return folder


def test_missing_copies_are_made_from_the_templates(templates: Path, tmp_path: Path) -> None:
    work = tmp_path / "work" / "lab"

    copied = sync_working_copies(work, templates)

    assert copied == [work / "a.ipynb", work / "b.ipynb"]
    assert sorted(p.name for p in work.iterdir()) == ["a.ipynb", "b.ipynb"]  # no temporary left
    for copy in copied:
        assert copy.read_bytes() == (templates / copy.name).read_bytes()


def test_a_copy_the_user_edited_is_never_replaced(templates: Path, tmp_path: Path) -> None:
    work = tmp_path / "lab"
    sync_working_copies(work, templates)
    edited = notebook_bytes("my own analysis")
    (work / "a.ipynb").write_bytes(edited)
    (templates / "a.ipynb").write_bytes(notebook_bytes("A, improved upstream"))

    assert sync_working_copies(work, templates) == []
    assert (work / "a.ipynb").read_bytes() == edited


def test_a_template_added_later_is_copied_alone(templates: Path, tmp_path: Path) -> None:
    work = tmp_path / "lab"
    sync_working_copies(work, templates)
    (work / "b.ipynb").unlink()  # deleting a copy is how a user starts again from the template
    (work / "a.ipynb").write_bytes(edited := notebook_bytes("edited"))
    (templates / "c.ipynb").write_bytes(notebook_bytes("C"))

    assert sync_working_copies(work, templates) == [work / "b.ipynb", work / "c.ipynb"]
    assert (work / "a.ipynb").read_bytes() == edited
    assert (work / "c.ipynb").read_bytes() == (templates / "c.ipynb").read_bytes()


def test_a_dangling_link_in_the_way_counts_as_the_users(templates: Path, tmp_path: Path) -> None:
    work = tmp_path / "lab"
    work.mkdir()
    (work / "a.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")

    assert sync_working_copies(work, templates) == [work / "b.ipynb"]
    assert (work / "a.ipynb").is_symlink() and not (tmp_path / "elsewhere.ipynb").exists()


def test_the_default_templates_are_the_bundled_notebooks(tmp_path: Path) -> None:
    copied = sync_working_copies(tmp_path / "lab")

    assert [p.name for p in copied] == sorted(p.name for p in notebooks_dir().glob("*.ipynb"))


def test_bad_folders_are_refused_in_a_sentence(templates: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"is a file: give a folder"):
        sync_working_copies(tmp_path / "file", templates)
    with pytest.raises(ValueError, match=r"no notebooks to copy in"):
        sync_working_copies(tmp_path / "lab", tmp_path / "empty")


def test_the_command_fails_in_one_line_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")

    assert main(["lab", "--dir", str(tmp_path / "file"), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path / 'file'} is a file: give a folder for the lab's notebooks\n"


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_a_port_out_of_range_is_an_argument_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["lab", "--port", port])
    assert exited.value.code == 2
    assert "--port" in capsys.readouterr().err


@pytest.mark.skipif(checkout_root() is None, reason="needs a source checkout")
def test_the_working_folder_is_git_ignored_in_the_checkout() -> None:
    root = checkout_root()
    assert default_lab_dir() == root / LAB_FOLDER
    ignored = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "--no-index", "-q", f"{LAB_FOLDER}/x.ipynb"],
        check=False,
    )
    assert ignored.returncode == 0


# --- the lab itself, on a temporary copy of the checkout -------------------------------------


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` without the user's configuration; return its output."""
    command = ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@invalid"]
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        [*command, *args], check=True, capture_output=True, text=True, env=env, timeout=60
    ).stdout


def copy_of_checkout(root: Path, to: Path) -> Path:
    """A new git repository holding this checkout's files as they are on disk now, committed."""
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = root / name
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)
    git(to, "init", "-q")
    git(to, "add", "-A")
    git(to, "commit", "-q", "-m", "copy")
    return to


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.ipynb")}


@dataclass
class Lab:
    base: str
    token: str
    process: subprocess.Popen[str]
    lines: list[str]

    def api(self, method: str, route: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"token {self.token}"}
        return httpx.request(method, f"{self.base}/{route}", headers=headers, timeout=30, **kwargs)


@contextlib.contextmanager
def started_lab(cwd: Path, jupyter: Path, *args: str, **env: str) -> Iterator[Lab]:
    """``credits-analysis lab --no-browser ARGS`` in ``cwd``, with its own Jupyter folders.

    Yields once it printed its URL; stops it with SIGINT (Ctrl-C) if it still runs at the end.
    """
    env = {
        **os.environ,
        **env,
        **{f"JUPYTER_{d}_DIR": str(jupyter / d.lower()) for d in ("DATA", "CONFIG", "RUNTIME")},
        "JUPYTERLAB_SETTINGS_DIR": str(jupyter / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "credits_analysis.cli", "lab", "--no-browser", *args],
        cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout])
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not (seen and seen[-1].startswith("JupyterLab on ")):
            assert time.monotonic() < deadline and process.poll() is None, f"no URL: {seen}"
            with contextlib.suppress(queue.Empty):
                seen.append(lines.get(timeout=1).rstrip("\n"))
        url = seen[-1].split(": ", 1)[1]
        base, token = url.split("/lab?token=")
        yield Lab(base, token, process, seen)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        reader.join(timeout=15)  # the pipe ends with the process
        process.stdout.close()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[Path, Lab]]:
    """The lab run from a git copy of the checkout.

    PYTHONPATH puts the copy's package first, so the command and its kernels read that copy's
    notebooks and write to that copy's ``lab/``.
    """
    root = checkout_root()
    if root is None:
        pytest.skip("needs a source checkout (git ls-files)")
    repo = copy_of_checkout(root, tmp_path / "repo")
    with started_lab(repo, tmp_path / "jupyter", PYTHONPATH=str(repo)) as server:
        yield repo, server


def run_cells(lab: Lab, path: str, cells: list[dict[str, Any]], *, timeout: float = 300) -> None:
    """Execute the code ``cells`` in order in a kernel of the lab, filling in their outputs.

    The kernel is started for the notebook as JupyterLab does (a session on ``path``), and
    spoken to over the server's websocket with the kernel messaging protocol.
    """
    session = lab.api(
        "POST",
        "api/sessions",
        json={"path": path, "type": "notebook", "kernel": {"name": "python3"}},
    ).json()
    kernel = session["kernel"]["id"]
    channel = websocket.create_connection(
        f"{lab.base.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels",
        header=[f"Authorization: token {lab.token}"],
        timeout=timeout,
    )
    try:
        for cell in cells:
            cell["outputs"], cell["execution_count"] = execute(channel, cell["source"])
    finally:
        channel.close()
        lab.api("DELETE", f"api/sessions/{session['id']}")


def execute(channel: websocket.WebSocket, code: str) -> tuple[list[dict[str, Any]], int | None]:
    """Send one execute_request; gather its outputs until the kernel is idle again."""
    msg_id = uuid.uuid4().hex
    channel.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "session": "test",
                    "username": "test",
                    "version": "5.3",
                    "date": "",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            }
        )
    )
    outputs: list[dict[str, Any]] = []
    count = None
    while True:
        message = json.loads(channel.recv())
        if message["parent_header"].get("msg_id") != msg_id or message["channel"] != "iopub":
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs, count
        if kind == "execute_input":
            count = content["execution_count"]
        elif kind == "stream":
            outputs.append(
                {"output_type": "stream", "name": content["name"], "text": content["text"]}
            )
        elif kind in ("display_data", "execute_result"):
            output = {"output_type": kind, "data": content["data"], "metadata": content["metadata"]}
            if kind == "execute_result":
                output["execution_count"] = content["execution_count"]
            outputs.append(output)
        elif kind == "error":
            raise AssertionError(f"{content['ename']}: {content['evalue']} in\n{code}")


@pytest.mark.notebook
def test_running_and_saving_in_the_lab_leaves_the_repository_clean(
    lab: tuple[Path, Lab],
) -> None:
    repo, server = lab
    committed = digests(repo / "notebooks")
    assert server.lines[:-1] == [
        f"{repo / LAB_FOLDER / name}: copied from the bundled notebook"
        for name in sorted(committed)
    ]
    listing = server.api("GET", "api/contents").json()["content"]
    assert sorted(item["name"] for item in listing) == sorted(committed), "the copies, only"

    model = server.api("GET", f"api/contents/{EXPLORER_NOTEBOOK}").json()
    notebook = model["content"]
    run_cells(server, EXPLORER_NOTEBOOK, [c for c in notebook["cells"] if c["cell_type"] == "code"])
    saved = server.api(
        "PUT",
        f"api/contents/{EXPLORER_NOTEBOOK}",
        json={"type": "notebook", "format": "json", "content": notebook},
    )
    # The committed notebooks cannot be reached from the lab, not even by a relative path.
    escape = server.api(
        "PUT",
        f"api/contents/..%2Fnotebooks%2F{EXPLORER_NOTEBOOK}",
        json={"type": "notebook", "format": "json", "content": notebook},
    )

    assert saved.status_code == 200 and escape.status_code in (400, 403, 404)
    on_disk = nbformat.read(repo / LAB_FOLDER / EXPLORER_NOTEBOOK, as_version=4)
    shown = [o for c in on_disk.cells if c.cell_type == "code" for o in c.outputs]
    assert any(PLOTLY_MIMETYPE in o.get("data", {}) for o in shown), "saved with the charts"
    assert digests(repo / "notebooks") == committed
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored=no") == ""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_the_command_stops_the_server(tmp_path: Path, signum: int) -> None:
    with started_lab(tmp_path, tmp_path / "jupyter", "--dir", str(tmp_path / "lab")) as server:
        assert server.api("GET", "api/status").status_code == 200
        kernel = server.api("POST", "api/kernels", json={"name": "python3"})
        assert kernel.status_code == 201

        server.process.send_signal(signum)

        assert server.process.wait(timeout=60) == 0
        with pytest.raises(httpx.TransportError):
            server.api("GET", "api/status")
