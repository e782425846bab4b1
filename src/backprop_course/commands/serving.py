"""A server process of the browser tools (JupyterLab, Jupyter server, JupyterHub): waited for
until it answers, stopped on leaving; and the polling both the tools and the tests wait with."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STOP_SECONDS = 15


class LabError(RuntimeError):
    """JupyterLab did not do what the student asked within its time; the message says what."""


def wait_until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    """condition()'s first true value, polled; LabError saying `what` did not happen in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise LabError(f"{what} within {seconds} s")


@contextmanager
def served(process: subprocess.Popen, name: str, address: str, log: Path, start_seconds: float,
           stop_seconds: float = STOP_SECONDS) -> Iterator[None]:
    """Once the server process answers at address (LabError with the end of its log where it exits
    first); stopped on leaving (SIGTERM, then SIGKILL after stop_seconds)."""

    def answers() -> bool:
        if process.poll() is not None:
            raise LabError(f"{name} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(address, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, start_seconds, f"{name} did not answer")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
