"""What this host lets the sandbox do, found once before grading starts: one line that says how
far sandboxes are kept apart here (a uid of their own or the grader's, a control group or none),
which guarantee the host cannot give, and what to do about it.

`read_probes()` reads the facts from the host; `assess()` turns any Probes into the verdict, so
tests can give it the facts of hosts they are not (Ubuntu 24.04 with AppArmor, a pod, ...).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import cgroups

# Every namespace but the user one, which root does not need and which would hide the uids.
ROOT_NAMESPACES = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
USER_NAMESPACES = ["--unshare-all"]
MAX_USER_NAMESPACES = Path("/proc/sys/user/max_user_namespaces")
USERNS_CLONE = Path("/proc/sys/kernel/unprivileged_userns_clone")  # Debian's older kernels
APPARMOR_USERNS = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")  # Ubuntu 23.10 and later
# Where docs/security.md gives the AppArmor profile that lets bubblewrap make user namespaces.
APPARMOR_DOC = "docs/security.md#hosts-and-what-they-allow"
# The process probe: idle threads of the grader's uid, and a cap that the sandbox's own few
# processes stay under while the uid's count (those threads included) is past it.
PROBE_THREADS = 8
PROBE_PROCESS_CAP = 4
INSTALL_BWRAP = ("bubblewrap (bwrap) is not installed: `apt-get install bubblewrap` (Debian/Ubuntu) or your "
                 "system's package; or, only if you trust every submission, grade without a sandbox with "
                 "`--SandboxedGrading.unsafe=True`")


class SandboxUnavailableError(RuntimeError):
    """bubblewrap is missing or cannot make its namespaces on this machine."""


def as_root() -> bool:
    return os.geteuid() == 0


def namespaces(root: bool | None = None) -> list[str]:
    return ROOT_NAMESPACES if (as_root() if root is None else root) else USER_NAMESPACES


def bwrap() -> str:
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailableError(INSTALL_BWRAP)
    return found


@dataclass(frozen=True)
class Probes:
    """The facts about a host that decide what its sandboxes get."""

    root: bool
    bwrap: str | None  # bubblewrap's path; None where it is not installed
    bwrap_error: str | None  # what bubblewrap said when it could not make its namespaces; None when it could
    max_user_namespaces: int | None = None  # None where the file cannot be read
    userns_clone: int | None = None
    apparmor_restricts_userns: bool = False
    control_groups: str | None = None  # why sandboxes get no control group here; None when they get one
    # Not root: whether the kernel counts a sandbox's processes in its own user namespace (Linux
    # 5.14 on), so that its process cap is its own; None where not probed.
    processes_per_sandbox: bool | None = None


@dataclass(frozen=True)
class Isolation:
    """How far one sandbox is kept from the others: what is recorded beside each grade."""

    own_uid: bool
    control_group: bool

    def describe(self) -> str:
        return (f"{'own uid' if self.own_uid else 'shared uid'}, "
                f"{'control group' if self.control_group else 'no control group'}")


NO_SANDBOX = "no sandbox (unsafe)"  # recorded for a grade made with SandboxedGrading.unsafe


@dataclass(frozen=True)
class Verdict:
    """What a host allows: its kind, the isolation each sandbox gets (None: no sandbox can start),
    and the one line that says so and what to do."""

    kind: str  # root, user-namespaces, apparmor, no-namespaces, no-bubblewrap
    isolation: Isolation | None
    line: str
    not_guaranteed: tuple[str, ...] = ()

    @property
    def problem(self) -> str | None:
        """Why no sandbox can start here (the line), or None when one can."""
        return None if self.isolation is not None else self.line


GRADE_AS_ROOT = ("for a uid and a control group per sandbox, run the grading as root (or on Dask workers that run "
                 "as root)")
UNSAFE = "; or, only if you trust every submission, `--SandboxedGrading.unsafe=True`"


def assess(probes: Probes) -> Verdict:
    """The verdict on a host with these facts (see Verdict)."""
    if probes.bwrap is None:
        return Verdict("no-bubblewrap", None, INSTALL_BWRAP)
    if probes.bwrap_error is not None:
        return _cannot_sandbox(probes)
    isolation = Isolation(own_uid=probes.root, control_group=probes.control_groups is None)
    if probes.root:
        kind, how = "root", "root: each sandbox runs as a uid of its own"
        fix = ("for a control group per sandbox, grade where root can write cgroup v2 (a VM, or a container "
               "whose control group is delegated)")
    else:
        kind, how = "user-namespaces", "not root: each sandbox runs as the grader's uid in a user namespace of its own"
        if probes.processes_per_sandbox:
            how += ", which counts its processes, so its process cap is its own"
        fix = GRADE_AS_ROOT
    how += ", with a control group of its own" if isolation.control_group else ""
    lacking = []
    if not probes.root and not probes.processes_per_sandbox:
        lacking.append("a process cap per sandbox (the kernel counts processes per uid here, so the cap is shared "
                       "by every sandbox and the grader: a neighbour's fork bomb can take the others' processes)")
    if not isolation.control_group:
        lacking.append(f"memory and CPU per sandbox (no control group: {probes.control_groups}; memory is capped "
                       f"per process, and a neighbour's busy processes can slow the others, whose time limits "
                       f"are wall-clock)")
    line = f"isolation: {isolation.describe()} ({how})"
    if lacking:
        line += f"; not guaranteed here: {'; '.join(lacking)}; fix: {fix}"
    return Verdict(kind, isolation, line, tuple(lacking))


def _cannot_sandbox(probes: Probes) -> Verdict:
    said = f" (bubblewrap says: {probes.bwrap_error})" if probes.bwrap_error else ""
    if not probes.root and probes.apparmor_restricts_userns:
        return Verdict("apparmor", None,
                       f"no sandbox: AppArmor forbids unprivileged user namespaces "
                       f"(kernel.apparmor_restrict_unprivileged_userns=1, as on Ubuntu 24.04){said}; fix: install "
                       f"an AppArmor profile that grants `userns` to {probes.bwrap} (its text is in "
                       f"{APPARMOR_DOC}) and reload AppArmor, or run the grading as root{UNSAFE}")
    if not probes.root and (probes.max_user_namespaces == 0 or probes.userns_clone == 0):
        setting, enable = (("user.max_user_namespaces=0", "user.max_user_namespaces=10000")
                           if probes.max_user_namespaces == 0 else
                           ("kernel.unprivileged_userns_clone=0", "kernel.unprivileged_userns_clone=1"))
        return Verdict("no-namespaces", None,
                       f"no sandbox: user namespaces are off here ({setting}){said}; fix: on a host you own, "
                       f"`sysctl -w {enable}` or run the grading as root; in a container or pod, grade on Dask "
                       f"workers where bubblewrap works (--scheduler){UNSAFE}")
    return Verdict("no-namespaces", None,
                   f"no sandbox: bubblewrap cannot make its namespaces here, as in most containers and "
                   f"Kubernetes pods{said}; fix: grade on Dask workers that run where bubblewrap works "
                   f"(--scheduler, see docs/instructors.md), or on a VM as root{UNSAFE}")


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _bwrap_error(command: str, root: bool) -> str | None:
    probe = subprocess.run([command, "--ro-bind", "/", "/", *namespaces(root), "--", "/bin/true"],
                           capture_output=True, text=True)
    return None if probe.returncode == 0 else (probe.stderr.strip() or f"exit status {probe.returncode}")


def processes_counted_per_sandbox(command: str) -> bool:
    """Whether a sandbox's process cap counts only its own processes, though it shares the uid:
    while this process holds PROBE_THREADS idle threads, a sandbox capped at PROBE_PROCESS_CAP
    processes tries to fork; a kernel that counts per uid refuses it, one that counts per user
    namespace lets it."""
    release = threading.Event()
    threads = [threading.Thread(target=release.wait, daemon=True) for _ in range(PROBE_THREADS)]
    for thread in threads:
        thread.start()
    try:
        done = subprocess.run(
            [command, "--ro-bind", "/", "/", *USER_NAMESPACES, "--die-with-parent", "--",
             "prlimit", f"--nproc={PROBE_PROCESS_CAP}", "--", "/bin/sh", "-c", "/bin/true && echo forked"],
            capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        release.set()
    return done.returncode == 0 and done.stdout.strip() == "forked"


def read_probes() -> Probes:
    """This host's facts (runs bubblewrap once or twice)."""
    root, command = as_root(), shutil.which("bwrap")
    error = _bwrap_error(command, root) if command else None
    groups = cgroups.hierarchy()
    return Probes(
        root=root,
        bwrap=command,
        bwrap_error=error,
        max_user_namespaces=_read_int(MAX_USER_NAMESPACES),
        userns_clone=_read_int(USERNS_CLONE),
        apparmor_restricts_userns=_read_int(APPARMOR_USERNS) == 1,
        control_groups=None if isinstance(groups, cgroups.Hierarchy) else groups,
        processes_per_sandbox=(processes_counted_per_sandbox(command)
                               if command and error is None and not root else None),
    )


@cache
def this_host() -> Verdict:
    """The verdict on this host (probed once per process)."""
    return assess(read_probes())


def sandbox_problem() -> str | None:
    """Why no sandbox can start on this machine, or None when one can (checked once)."""
    return this_host().problem


def require_sandbox() -> None:
    """Raise SandboxUnavailableError, saying why and what to do, unless a sandbox can start."""
    problem = sandbox_problem()
    if problem is not None:
        raise SandboxUnavailableError(problem)
