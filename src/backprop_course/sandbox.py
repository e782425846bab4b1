"""The sandbox for student code: an IPython kernel inside bubblewrap.

No network, a read-only view of the system and of Python only (never the course directory or
this package's source), a private /tmp, its own PID namespace (nothing it starts outlives it),
and limits on memory and processes. The kernel talks to the grader over Unix sockets in a
private folder, since a kernel without a network has no loopback shared with the grader.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jupyter_client.manager import KernelManager

NOBODY = 65534
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


class SandboxUnavailableError(RuntimeError):
    """bubblewrap is missing or cannot make its namespaces on this machine."""


@dataclass(frozen=True)
class SandboxLimits:
    """What one sandboxed kernel may use."""

    memory_bytes: int = 2 * 1024**3
    processes: int = 64


def bwrap() -> str:
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailableError(
            "bubblewrap (bwrap) is not installed: `apt-get install bubblewrap` (Debian/Ubuntu) or your "
            "system's package; or, only if you trust every submission, grade without a sandbox with "
            "`--SandboxedGrading.unsafe=True`"
        )
    return found


@cache
def sandbox_problem() -> str | None:
    """Why no sandbox can start on this machine, or None when one can (checked once)."""
    try:
        command = bwrap()
    except SandboxUnavailableError as error:
        return str(error)
    probe = subprocess.run(
        [command, "--ro-bind", "/", "/", *namespaces(), "--", "/bin/true"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return f"bubblewrap cannot make its namespaces on this machine: {probe.stderr.strip()}"
    return None


def require_sandbox() -> None:
    """Raise SandboxUnavailableError, saying why and what to do, unless a sandbox can start."""
    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailableError(problem)


def namespaces() -> list[str]:
    return ROOT_NAMESPACES if os.geteuid() == 0 else ["--unshare-all"]


def python_dirs() -> list[str]:
    """The folders the kernel's Python needs: its installation and the environment's packages."""
    dirs = {sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent)}
    return sorted(path for path in dirs if os.path.isdir(path))


MATPLOTLIB_DIR = "/tmp/matplotlib"


@cache
def matplotlib_font_list() -> Path | None:
    """matplotlib's font list, built once per grading process in a private folder, or None.

    A fresh sandbox has an empty /tmp, where matplotlib would scan the system's fonts again on
    every import (about 0.35 s per notebook); a copy made outside, read-only inside, spares that.
    """
    folder = Path(tempfile.mkdtemp(prefix="backprop-matplotlib-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    built = subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True,
                           env={**os.environ, "MPLCONFIGDIR": str(folder)}, timeout=120)
    found = sorted(folder.glob("fontlist-*.json"))
    return found[0] if built.returncode == 0 and found else None


def sandbox_command(kernel_cmd: list[str], socket_dir: Path, limits: SandboxLimits) -> list[str]:
    """kernel_cmd wrapped in prlimit and bwrap (and, for root, run as nobody)."""
    visible = [path for path in [*SYSTEM_DIRS, *python_dirs()] if os.path.exists(path)]
    # bwrap would make the folders above a bound path (/root, /work) readable by root only.
    parents = sorted(
        {str(parent) for path in visible for parent in Path(path).parents if str(parent) not in ("/", "/tmp")}
    )
    binds: list[str] = []
    for parent in parents:
        binds += ["--perms", "0755", "--dir", parent]
    for path in visible:
        binds += ["--ro-bind", path, path]
    # As root, bwrap builds the sandbox with root's rights (it can read a Python under /root) and
    # the kernel then drops to nobody inside it: RLIMIT_NPROC does not hold for root.
    as_root = os.geteuid() == 0
    as_nobody = (
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all"]
        if as_root
        else []
    )
    limit = ["prlimit", f"--as={limits.memory_bytes}", f"--nproc={limits.processes}", "--"]
    sandbox = [
        bwrap(),
        *namespaces(),
        "--die-with-parent",
        "--new-session",
        "--proc", "/proc",
        "--dev", "/dev",
        "--perms", "1777", "--tmpfs", "/tmp",  # first: it would hide what is bound below /tmp
        *_font_list_binds(),
        *binds,
        "--bind", str(socket_dir), str(socket_dir),
        "--chdir", "/tmp",
        "--clearenv",
        "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "HOME", "/tmp",
        "--setenv", "MPLCONFIGDIR", MATPLOTLIB_DIR,
        "--",
    ]  # fmt: skip
    return [*sandbox, *as_nobody, *limit, *kernel_cmd]


def _font_list_binds() -> list[str]:
    """A writable matplotlib folder in the sandbox's /tmp, with the prepared font list in it."""
    font_list = matplotlib_font_list()
    if font_list is None:
        return []
    return ["--perms", "1777", "--dir", MATPLOTLIB_DIR,
            "--ro-bind", str(font_list), f"{MATPLOTLIB_DIR}/{font_list.name}"]


# Every namespace but the user one, which root does not need and which would hide nobody's uid.
ROOT_NAMESPACES = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]


class SandboxedKernelManager(KernelManager):
    """A kernel manager whose kernels run in the sandbox, over IPC sockets in a private folder."""

    limits = SandboxLimits()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.socket_dir = Path(tempfile.mkdtemp(prefix="backprop-sandbox-"))
        if os.geteuid() == 0:
            os.chown(self.socket_dir, NOBODY, NOBODY)
        self.transport = "ipc"
        self.ip = str(self.socket_dir / "kernel")
        self.connection_file = str(self.socket_dir / "connection.json")

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if os.geteuid() == 0:
            os.chown(self.connection_file, NOBODY, NOBODY)

    def format_kernel_cmd(self, extra_arguments=None):
        return sandbox_command(super().format_kernel_cmd(extra_arguments), self.socket_dir, self.limits)

    def cleanup_resources(self, restart: bool = False) -> None:
        super().cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
