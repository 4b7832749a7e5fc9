"""JupyterLab on working copies of the bundled notebooks, so the committed ones stay clean.

The notebooks in :func:`~credits_analysis._resources.notebooks_dir` are the templates that
reports run; JupyterLab autosaves whatever a user runs, outputs included. So the lab is served
from a working folder (``lab/`` at the root of a checkout, git-ignored), which is also its root
folder: the templates are not reachable from the lab at all. Missing copies are made from the
templates each time the lab starts; existing copies, edited or not, are never replaced.

The ``credits-analysis lab`` subcommand (``make lab``) makes the copies, starts JupyterLab from
this interpreter on 127.0.0.1, prints the URL once the server answers, and stops the server and
its kernels on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from credits_analysis._resources import checkout_root, notebooks_dir
from credits_analysis.config import Settings
from credits_analysis.errors import ConfigError

__all__ = [
    "DEFAULT_PORT",
    "LAB_FOLDER",
    "add_lab_command",
    "default_lab_dir",
    "sync_working_copies",
]

#: The working folder's name, at the root of a checkout (listed in its ``.gitignore``).
LAB_FOLDER = "lab"
#: The port tried first, JupyterLab's own default; a free one is taken if it is in use.
DEFAULT_PORT = 8888
# Seconds JupyterLab may take to answer once started, and to stop once asked.
_START_TIMEOUT = 90.0
_STOP_TIMEOUT = 15.0


def default_lab_dir() -> Path:
    """Return the working folder: ``lab/`` in the checkout's root, else in the current folder."""
    root = checkout_root()
    return (root if root is not None else Path.cwd()) / LAB_FOLDER


def sync_working_copies(work_dir: Path, templates: Path | None = None) -> list[Path]:
    """Copy every template notebook that ``work_dir`` does not hold yet; touch nothing else.

    A copy that exists is the user's, edited or not, and is never replaced; delete it to start
    again from the template. A template added later is copied in on the next call.

    Parameters
    ----------
    work_dir
        The working folder, created if needed.
    templates
        The folder of template notebooks; the bundled notebooks by default.

    Returns
    -------
    list[pathlib.Path]
        The copies made by this call, in name order (empty when all were there).

    Raises
    ------
    ConfigError
        If ``work_dir`` is a file, or ``templates`` holds no notebook.
    """
    templates = notebooks_dir() if templates is None else templates
    sources = sorted(templates.glob("*.ipynb"))
    if not sources:
        raise ConfigError(f"no notebooks to copy in {templates}")
    if work_dir.exists() and not work_dir.is_dir():
        raise ConfigError(f"{work_dir} is a file: give a folder for the lab's notebooks")
    work_dir.mkdir(parents=True, exist_ok=True)
    return [work_dir / s.name for s in sources if _copy_if_missing(s, work_dir / s.name)]


def _copy_if_missing(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless ``target`` exists; return whether it was copied.

    The copy is written aside and hard-linked into place: linking fails if ``target`` appeared
    meanwhile (a user saving at that moment), where a rename would replace it, and a killed
    process never leaves a truncated notebook that would then count as the user's copy.
    """
    if os.path.lexists(target):
        return False
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(source, temporary)
        os.link(temporary, target)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True


def add_lab_command(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``lab`` subcommand."""
    command = subparsers.add_parser(
        "lab",
        help="open the notebooks in JupyterLab, on working copies that git ignores",
        description="Copy the bundled notebooks that are missing from DIR (never replacing a "
        "copy you edited), start JupyterLab on DIR from this environment on 127.0.0.1, and "
        "print its URL. The committed notebooks stay as they are, whatever is run or saved in "
        "the lab. Ctrl-C stops JupyterLab and its kernels.",
    )
    command.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"working folder (default: {default_lab_dir()})",
    )
    command.add_argument(
        "--port",
        type=_port,
        default=None,
        help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}, or a free one if it is taken)",
    )
    command.add_argument(
        "--no-browser", action="store_true", help="do not open a browser tab, only print the URL"
    )
    command.set_defaults(handler=_lab)


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {text}")
    return value


def _lab(args: argparse.Namespace, settings: Settings) -> int:
    if importlib.util.find_spec("jupyterlab") is None:
        raise ConfigError(
            "JupyterLab is not installed in this environment: `make setup` installs it in a "
            "checkout, `pip install jupyterlab` anywhere else"
        )
    work_dir = (args.dir if args.dir is not None else default_lab_dir()).absolute()
    for copy in sync_working_copies(work_dir):
        print(f"{copy}: copied from the bundled notebook")
    port = args.port if args.port is not None else _free_port(DEFAULT_PORT)
    token = secrets.token_hex(24)
    with _interrupted_by_termination():
        server = subprocess.Popen(
            _server_command(work_dir, port, open_browser=not args.no_browser),
            # In the environment rather than the command line, where `ps` would show it.
            env={**os.environ, "JUPYTER_TOKEN": token},
            # Its own process group: the kernels it starts are stopped with it, and Ctrl-C
            # reaches this process only, which shuts the server down without JupyterLab's y/n
            # prompt.
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            if not _wait_until_up(server, base, token):
                status = server.poll()
                raise ConfigError(
                    f"JupyterLab did not start on port {port} (its log is above)"
                    if status is not None
                    else f"JupyterLab did not answer on port {port} within {_START_TIMEOUT:g} s"
                )
            print(f"JupyterLab on {work_dir}: {base}/lab?token={token}", flush=True)
            print("Ctrl-C stops it.", flush=True)
            return server.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            _stop(server)


@contextlib.contextmanager
def _interrupted_by_termination() -> Iterator[None]:
    """Treat SIGTERM and SIGHUP (a closed terminal) as Ctrl-C while the server runs.

    Their default action ends this process at once, leaving the server, which runs in its own
    session, and its kernels behind.
    """
    caught = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s]

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, interrupt) for number in caught}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _server_command(work_dir: Path, port: int, *, open_browser: bool) -> list[str]:
    """JupyterLab serving ``work_dir`` only, on exactly ``port``, making no outside request."""
    return [
        sys.executable, "-m", "jupyterlab",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={work_dir}",
        f"--ServerApp.open_browser={open_browser}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        # JupyterLab refuses root unless told; containers often run as root, and this server
        # answers on the loopback only, to a random token.
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]  # fmt: skip


def _free_port(preferred: int) -> int:
    """``preferred`` if nothing listens on it, else a port the system reports free."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(server: subprocess.Popen[bytes], base: str, token: str) -> bool:
    """Whether the server answered its status URL before it exited or the timeout passed."""
    deadline = time.monotonic() + _START_TIMEOUT
    while server.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            answer = httpx.get(
                f"{base}/api/status", headers={"Authorization": f"token {token}"}, timeout=5
            )
            if answer.status_code == 200:
                return True
        time.sleep(0.3)
    return False


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (it shuts its kernels down); kill its process group if it hangs."""
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=_STOP_TIMEOUT)
    # Kernels can outlive the server's own exit; they share its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=_STOP_TIMEOUT)
