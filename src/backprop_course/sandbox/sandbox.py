"""The sandbox for student code: an IPython kernel inside bubblewrap, with caps of its own.

No network, a read-only view of the system and of Python only (never the course directory or
this package's source), a private /tmp of capped size, its own PID namespace (nothing it starts
outlives it), and, when the grader runs as root, a uid of its own (slots.py) and a control group
of its own (cgroups.py), so that no count is shared with another sandbox or taken from the host.
The kernel talks to the grader over Unix sockets in a folder bound at a fixed place inside the
sandbox, since a kernel without a network has no loopback shared with the grader.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from jupyter_client.manager import KernelManager

from . import cgroups, scratch, slots
from .caps import Limits
from .caps import describe as describe_caps
from .host import (  # noqa: F401 - where the rest of the package finds them
    Isolation,
    SandboxUnavailableError,
    as_root,
    bwrap,
    namespaces,
    require_sandbox,
    sandbox_problem,
    this_host,
)

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")
SOCKETS_INSIDE = "/run/kernel"  # the sockets folder, as the sandbox sees it
MATPLOTLIB_DIR = "/tmp/matplotlib"
# The environment of the sandbox's processes (bwrap clears the grader's).
SANDBOX_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "MPLCONFIGDIR": MATPLOTLIB_DIR}
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # backprop_course/, where it is installed
PROCESS_MARGIN = 8  # the uid's process cap above the control group's, which then counts every hit


def describe(limits: Limits) -> str:
    """What each sandbox gets on this host, in one line (host.py: the isolation, what this host
    cannot guarantee and what to do), with the caps."""
    verdict = this_host()
    own = verdict.isolation is not None and verdict.isolation.own_uid
    uids = f"; uids {limits.first_uid}-{limits.first_uid + limits.uid_count - 1}" if own else ""
    return f"{verdict.line}{uids}; caps: {describe_caps(limits)}"


_prepared = False


def prepare_host(limits: Limits) -> list[str]:
    """Once per grading process, before its first sandbox: remove what runs that were killed left
    behind and make SIGTERM clean up as Ctrl-C does; the lines to log (what each sandbox gets
    first), or none after the first call."""
    global _prepared
    if _prepared:
        return []
    _prepared = True
    lines = [f"sandbox: {describe(limits)}"]
    folders, groups = scratch.sweep(), cgroups.sweep()
    if folders or groups:
        lines.append(f"removed what earlier runs that did not end cleanly left: {len(folders)} temporary "
                     f"folder(s) and {len(groups)} control group(s)")
    scratch.interrupt_on_sigterm()
    return lines


def python_dirs() -> list[str]:
    """The folders the kernel's Python needs: its installation and the environment's packages."""
    dirs = {sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent)}
    return sorted(path for path in dirs if os.path.isdir(path))


_font_list: list[Path | None] = []  # the one built in the current run folder, once tried


def matplotlib_font_list() -> Path | None:
    """matplotlib's font list, built once per run folder of this process, or None.

    A fresh sandbox has an empty /tmp, where matplotlib would scan the system's fonts again on
    every import (about 0.35 s per notebook); a copy made outside, read-only inside, spares that.
    It lives in the run folder, so a new one is built when that folder was removed.
    """
    if _font_list and (_font_list[0] is None or _font_list[0].exists()):
        return _font_list[0]
    folder = scratch.new_folder("matplotlib-")
    built = subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True,
                           env={**os.environ, "MPLCONFIGDIR": str(folder)}, timeout=120)
    found = sorted(folder.glob("fontlist-*.json"))
    _font_list[:] = [found[0] if built.returncode == 0 and found else None]
    return _font_list[0]


def die_with_parent() -> None:
    """In a kernel's (or bwrap's) process before it starts: be killed when the grading process
    dies, however it dies, so that no kernel outlives an interrupted run."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Sandbox:
    """One sandbox's share of the host while its kernel runs: its sockets folder, and (as root)
    its uid and its control group. close() gives them all back."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.socket_dir = scratch.new_socket_folder()
        self.slot: slots.Slot | None = None
        self.group: cgroups.ControlGroup | None = None
        try:
            if as_root():
                self.slot = slots.acquire(limits.first_uid, limits.uid_count)
                os.chown(self.socket_dir, self.slot.uid, self.slot.uid)
            self.group = cgroups.create(limits)
        except BaseException:
            self.close()
            raise

    @property
    def uid(self) -> int | None:
        return self.slot.uid if self.slot is not None else None

    def isolation(self) -> Isolation:
        """How far this sandbox is kept from the others (recorded beside its grade)."""
        return Isolation(own_uid=self.slot is not None, control_group=self.group is not None)

    def before_exec(self) -> None:
        """In the sandbox's first process, between fork and exec: join the control group, and
        be killed when the grading process dies."""
        if self.group is not None:
            self.group.join()
        die_with_parent()

    def seal(self) -> None:
        """Once the kernel has made its sockets: the sockets folder becomes read-only to it, so
        that it is no place to write to (it is on the host's disk, outside every cap)."""
        if self.slot is not None:
            os.chown(self.socket_dir, 0, 0)
            os.chmod(self.socket_dir, 0o755)

    def counters(self) -> cgroups.Counters:
        return self.group.counters() if self.group is not None else cgroups.Counters()

    def close(self) -> None:
        if self.group is not None:
            self.group.remove()
            self.group = None
        if self.slot is not None:
            slots.kill_processes_of(self.slot.uid)
            self.slot.release()
            self.slot = None
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def probe(self) -> str:
        """What the sandbox prints when its Python starts and imports the kernel (the end of it),
        to say why a kernel would not start; run only after one failed to."""
        try:
            done = subprocess.run(self.command([sys.executable, "-c", "import ipykernel.kernelapp"]),
                                  capture_output=True, text=True, timeout=60, preexec_fn=self.before_exec)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{type(error).__name__}: {error}"
        said = (done.stderr or done.stdout).strip().splitlines()
        return " / ".join(said[-3:]) if said else f"it exits with {done.returncode}"

    def rlimits(self) -> dict[str, int]:
        """The per-process limits of the sandbox's processes (prlimit's names)."""
        limits = self.limits
        # With a control group, its own process cap is the one reached (and counted) first.
        processes = limits.processes + (PROCESS_MARGIN if self.group is not None else 0)
        return {"as": limits.memory_bytes, "nproc": processes, "nofile": limits.open_files, "cpu": limits.cpu_seconds}

    def command(self, kernel_cmd: list[str]) -> list[str]:
        """kernel_cmd wrapped in bwrap and prlimit (and, for root, run as the sandbox's uid)."""
        # As root, bwrap builds the sandbox with root's rights (it can read a Python under /root)
        # and the kernel then drops to the sandbox's own uid inside it.
        identity = ([] if self.uid is None else
                    ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--inh-caps=-all"])
        caps = ["prlimit", *(f"--{name}={value}" for name, value in self.rlimits().items()), "--"]
        return [*self.bwrap_command(), *identity, *caps, *kernel_cmd]

    def bwrap_command(self, info_fd: int | None = None) -> list[str]:
        """bubblewrap's part of the command, up to and including its `--`."""
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
        return [
            bwrap(),
            *namespaces(),
            "--die-with-parent",
            "--new-session",
            *(["--info-fd", str(info_fd)] if info_fd is not None else []),
            "--proc", "/proc",
            "--dev", "/dev",
            # first: it would hide what is bound below /tmp
            "--size", str(self.limits.disk_bytes), "--perms", "1777", "--tmpfs", "/tmp",
            *_font_list_binds(),
            *binds,
            *_package_mask(visible),
            "--perms", "0755", "--dir", "/run",
            "--bind", str(self.socket_dir), SOCKETS_INSIDE,
            "--chdir", "/tmp",
            "--clearenv",
            *(part for name, value in SANDBOX_ENV.items() for part in ("--setenv", name, value)),
            "--",
        ]  # fmt: skip


def _font_list_binds() -> list[str]:
    """A writable matplotlib folder in the sandbox's /tmp, with the prepared font list in it."""
    font_list = matplotlib_font_list()
    if font_list is None:
        return []
    return ["--perms", "1777", "--dir", MATPLOTLIB_DIR,
            "--ro-bind", str(font_list), f"{MATPLOTLIB_DIR}/{font_list.name}"]


def _package_mask(visible: list[str]) -> list[str]:
    """Where this package lies inside a folder the sandbox sees (installed in the kernel's Python
    environment, not as an editable checkout): an empty read-only folder in its place, so that the
    sandbox never reads the grader's code or the assignments it ships (their references)."""
    if not any(PACKAGE_DIR.is_relative_to(path) for path in visible):
        return []
    return ["--perms", "0555", "--tmpfs", str(PACKAGE_DIR), "--remount-ro", str(PACKAGE_DIR)]


class SandboxedKernelManager(KernelManager):
    """A kernel manager whose kernel runs in a Sandbox, over IPC sockets in its sockets folder.

    The grader reaches the sockets by their path on the host; the kernel reads a copy of the
    connection file that names them by their path inside the sandbox.
    """

    sandbox: Sandbox

    def use(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.transport = "ipc"
        self.ip = str(sandbox.socket_dir / "kernel")
        self.connection_file = str(sandbox.socket_dir / "connection.json")

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        inside = json.loads(Path(self.connection_file).read_text())
        inside["ip"] = f"{SOCKETS_INSIDE}/kernel"
        kernel_file = self.sandbox.socket_dir / "kernel.json"
        kernel_file.write_text(json.dumps(inside))
        kernel_file.chmod(0o644)  # the kernel's to read, not to write (it lies on the host's disk)

    def format_kernel_cmd(self, extra_arguments=None):
        command = [f"{SOCKETS_INSIDE}/kernel.json" if part == self.connection_file else part
                   for part in super().format_kernel_cmd(extra_arguments)]
        return self.sandbox.command(command)
