"""The hub's process: `jupyterhub` (as root, so that it can start each user's server as that user)
with the layout's configuration, until it answers; stopped, with every user's server, on leaving."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from ..serving import served
from .layout import HubLayout

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

    # jupyterhub stops the users' servers and its proxy on SIGTERM
    with served(process, "jupyterhub", f"{url}/hub/api/", layout.log, START_SECONDS, STOP_SECONDS):
        yield url
