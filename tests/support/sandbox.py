"""Whether a sandbox can start here, and which sandboxed kernels are running."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from backprop_course.sandbox.sandbox import SOCKETS_INSIDE, sandbox_problem

from .host import of_another_worker, other_workers

needs_sandbox = pytest.mark.skipif(sandbox_problem() is not None, reason=str(sandbox_problem()))


def sandboxed_kernels() -> str:
    """The command lines of the sandboxed kernels running on this host (each names its connection
    file by its path inside the sandbox), but for those of the other pytest workers of this run."""
    found = subprocess.run(["pgrep", "-af", f"{SOCKETS_INSIDE}/kernel.json"], capture_output=True, text=True)
    others = other_workers()
    return "\n".join(line for line in found.stdout.splitlines() if not of_another_worker(int(line.split()[0]), others))


def path_without_bwrap(folder: Path) -> str:
    """A PATH with every program of this one's folders but bwrap (linked into folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for program in os.listdir(directory):
            link = folder / program
            if program != "bwrap" and not link.exists():
                link.symlink_to(Path(directory) / program)
    return str(folder)
