"""`jupyter lab` and `jupyter server` of this environment, as a student or an instructor runs them:
on a folder, a free loopback port and a token of their own, stopped on leaving (student_lab.py
drives the lab's page; the tests drive formgrader's)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..nbgrader_glue.apps import BIN_DIR
from .browser import closed_port
from .serving import served

START_SECONDS = 90  # the server, then the page and the notebook's kernel
# The user's own settings stay out: JupyterLab gets settings of its own, without news or update
# checks (they ask the internet) and without notifications over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True,
    },
}

# No news or update checks (they ask the internet); window.jupyterapp, through which the page's
# state is read (never changed).
LAB_OPTIONS = ("--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.expose_app_in_browser=True")


@dataclass(frozen=True)
class LabServer:
    """A running `jupyter lab`: its address, its token, the folder it serves and its log."""

    process: subprocess.Popen
    url: str
    token: str
    folder: Path
    log: Path

    def page(self, path: str) -> str:
        """The address that opens path (relative to the folder) in JupyterLab, logged in by the token."""
        return f"{self.url}/lab/tree/{path}?token={self.token}"


@contextmanager
def jupyter_app(app: str, folder: Path, log: Path, options: list[str] = (), env: dict[str, str] | None = None,
                start_seconds: float = START_SECONDS) -> Iterator[tuple[subprocess.Popen, str, str]]:
    """`jupyter <app>` (server, lab) of this environment serving folder on a free loopback port with
    a token of its own: (process, address, token) once it answers; stopped on leaving."""
    port, token = closed_port(), secrets.token_hex(16)
    env = dict(os.environ, **(env or {}), PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [
        str(BIN_DIR / "jupyter"), app, "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.root_dir={folder}", f"--IdentityProvider.token={token}", *options,
    ]  # fmt: skip
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    with served(process, f"jupyter {app}", f"{url}/api/status?token={token}", log, start_seconds):
        yield process, url, token


def write_lab_settings(settings: Path) -> Path:
    """LAB_SETTINGS written in settings, a JupyterLab user-settings folder; settings."""
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    return settings


@contextmanager
def jupyter_lab(folder: Path, state: Path) -> Iterator[LabServer]:
    """`jupyter lab` serving folder as a student runs it, with its settings, workspaces, runtime
    files and log in state; stopped on leaving."""
    settings = write_lab_settings(state / "settings")
    options = [f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={state / 'workspaces'}",
               *LAB_OPTIONS]
    log = state / "jupyter-lab.log"
    with jupyter_app("lab", folder, log, options, {"JUPYTER_RUNTIME_DIR": str(state / "runtime")}) as running:
        process, url, token = running
        yield LabServer(process, url, token, folder, log)
