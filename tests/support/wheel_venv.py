"""The package as an instructor installs it, without the repository: a wheel built from the
repository's files, installed with its dependencies (from this machine's package index, as pip is
set up here) in a fresh venv of the system's Python, in a folder every user can read (so that a
user who is not root can grade with it). Built once per test run (its workers share it), about a
minute."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import repository_copy
from .run_shared import built_once

SYSTEM_PYTHON = Path("/usr/bin/python3")
UNAVAILABLE = "unavailable.txt"  # why no venv can be made here, where none can


@dataclass(frozen=True)
class WheelVenv:
    root: Path  # the venv
    wheel: Path

    def bin(self, program: str) -> str:
        return str(self.root / "bin" / program)

    def env(self, home: Path) -> dict[str, str]:
        return clean_env(self.root, home)


def clean_env(venv: Path, home: Path) -> dict[str, str]:
    """Nothing of the test's environment (its PYTHONPATH would put the checkout's package first):
    the venv first on PATH (nbgrader finds alembic and the kernel's Python by name), home as HOME,
    and pip's settings."""
    pip = {name: value for name, value in os.environ.items() if name.startswith("PIP_")}
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **pip}


def _run(command: list[str], venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=clean_env(venv, venv.parent))


@cache
def wheel_venv() -> WheelVenv | str:
    """The venv with the wheel installed, or why it cannot be made here (for a skip); built once
    per test run, shared by its workers."""
    folder = built_once("wheel-venv", _build)
    if (folder / UNAVAILABLE).exists():
        return (folder / UNAVAILABLE).read_text()
    return WheelVenv(folder / "venv", sorted((folder / "dist").glob("backprop_course-*.whl"))[0])


def _build(folder: Path) -> None:
    """The wheel in folder/dist, installed in the venv folder/venv; or folder/UNAVAILABLE saying why not."""
    if not SYSTEM_PYTHON.exists():
        (folder / UNAVAILABLE).write_text(f"no system Python at {SYSTEM_PYTHON}")
        return
    venv = folder / "venv"
    made = _run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], venv)
    if made.returncode != 0:
        (folder / UNAVAILABLE).write_text(
            f"{SYSTEM_PYTHON} cannot make a venv: {made.stderr.strip().splitlines()[-1:]}")
        return
    clone = repository_copy()
    try:
        built = _run([str(venv / "bin" / "pip"), "wheel", "--no-deps", "-w", str(folder / "dist"), str(clone)], venv)
    finally:
        shutil.rmtree(clone, ignore_errors=True)
    wheels = sorted((folder / "dist").glob("backprop_course-*.whl"))
    if built.returncode != 0 or not wheels:
        raise AssertionError(f"the wheel does not build: {built.stdout[-2000:]}{built.stderr[-2000:]}")
    # with the hub extra (jupyterhub), for tests/test_hub.py's users' servers
    installed = _run([str(venv / "bin" / "pip"), "install", f"{wheels[0]}[hub]"], venv)
    if installed.returncode != 0:
        (folder / UNAVAILABLE).write_text(
            f"pip cannot install the wheel's dependencies here: {installed.stderr.strip().splitlines()[-1:]}")
