"""A long wait asked for by the server: said on stderr and on the progress bar, ended by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from tests.fake_tmdb import FakeTMDB, Fault
from tests.test_cli import subprocess_env

SERIES = 5252


class StderrReader:
    """Collects a process's stderr in a thread: progress bars redraw with \\r, not lines."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stderr is not None
        self._process = process
        self._stream = process.stderr
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while chunk := os.read(self._stream.fileno(), 65536):
            self._chunks.append(chunk)

    def text(self) -> str:
        return b"".join(self._chunks).decode(errors="replace")

    def wait_for(self, *needles: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._process.poll() is None:
            if all(needle in self.text() for needle in needles):
                return True
            time.sleep(0.02)
        return False

    def finish(self) -> str:
        """All of stderr, once the process is gone."""
        self._thread.join(10)
        self._stream.close()
        return self.text()


def test_long_wait_is_said_on_stderr_and_the_bar_and_ctrl_c_ends_it_at_once(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=3, specials=False)
    fake_tmdb.inject(f"tv/{SERIES}/season/2", Fault(429, headers={"Retry-After": "100"}))
    process = subprocess.Popen(
        [sys.executable, "-m", "credits_analysis.cli", "fetch", str(SERIES)],
        env=subprocess_env(fake_tmdb_url, CREDITS_ANALYSIS_MAX_RETRIES="3"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stderr = StderrReader(process)
    try:
        said = stderr.wait_for(
            "WARNING credits_analysis.tmdb:",
            "answered HTTP 429",
            "waiting 100 s, as the server asked (until ",
            "(Ctrl-C stops)",
            "waiting 100 s to retry (HTTP 429)",  # the progress bar's postfix
            timeout=60,
        )
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=20)
        took = time.monotonic() - interrupted
    finally:
        process.kill()
        process.wait()
    text = stderr.finish()
    assert said, text
    assert status == 130, text
    assert took < 10  # not the 100 s asked for
    assert "interrupted" in text
