"""The hub's process: `jupyterhub` (as root, so that it can start each user's server as that user)
with the layout's configuration, until it answers; stopped, with every user's server, on leaving."""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from ..student_lab import wait_until
from .layout import HubLayout
from .prepare import HubError

START_SECONDS = 60
STOP_SECONDS = 30


@contextmanager
def running_hub(layout: HubLayout, port: int) -> Iterator[str]:
    """The hub started; its address (the proxy's) while it runs."""
    url = f"http://127.0.0.1:{port}"
    env = {"PATH": f"{layout.venv_bin}:/usr/bin:/bin", "HOME": str(layout.state), "LANG": "C.UTF-8"}
    with layout.log.open("w") as log:
        process = subprocess.Popen([str(layout.venv_bin / "jupyterhub"), "-f", str(layout.config_file)],
                                   cwd=layout.state, env=env, stdout=log, stderr=subprocess.STDOUT)

    def answers() -> bool:
        if process.poll() is not None:
            raise HubError(f"jupyterhub exited with {process.returncode}:\n{layout.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/hub/api/", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, START_SECONDS, "the hub did not answer")
        yield url
    finally:
        process.terminate()  # jupyterhub stops the users' servers and its proxy on SIGTERM
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
