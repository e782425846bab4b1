"""Whether a sandbox can start here, and which sandboxed kernels are running."""

from __future__ import annotations

import subprocess

import pytest

from backprop_course.sandbox.sandbox import SOCKETS_INSIDE, sandbox_problem

needs_sandbox = pytest.mark.skipif(sandbox_problem() is not None, reason=str(sandbox_problem()))


def sandboxed_kernels() -> str:
    """The command lines of every sandboxed kernel running on this host (each names its
    connection file by its path inside the sandbox)."""
    found = subprocess.run(["pgrep", "-af", f"{SOCKETS_INSIDE}/kernel.json"], capture_output=True, text=True)
    return found.stdout.strip()
