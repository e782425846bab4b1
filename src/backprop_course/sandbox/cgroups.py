"""A control group of its own for each sandbox: its processes, memory (its tmpfs included) and
CPU are counted and capped per sandbox, never pooled with another's or taken from the host.

Works with cgroup v2 (one hierarchy) and with v1 (one hierarchy per controller, as on hosts
that still mount them); where neither is writable (not root, a container without delegation),
`support()` says why and the sandbox falls back on per-process limits. A group is named after
the process that made it, so that `sweep` can remove the groups of runs that were killed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .caps import Limits
from .scratch import owner_alive, owner_tag

PARENT = "backprop-course"
CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000
_serial = itertools.count()


@dataclass(frozen=True)
class Hierarchy:
    """Where this host's control groups for sandboxes live: one folder per hierarchy."""

    version: int
    parents: dict[str, Path]  # controller -> the parent folder of the sandboxes' groups

    def describe(self) -> str:
        return f"control groups v{self.version} ({', '.join(sorted(self.parents))})"


@dataclass(frozen=True)
class Counters:
    """What a group's counters say so far (they only grow, but for shmem_bytes)."""

    memory_hits: int = 0  # times the memory cap was reached (v1: failcnt; v2: max events)
    oom_kills: int = 0
    process_hits: int = 0  # forks refused at the process cap
    shmem_bytes: int = 0  # tmpfs pages in use (the sandbox's /tmp)


def _mounts() -> list[tuple[str, str, set[str]]]:
    found = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mounts").read_text().splitlines():
            _, point, kind, options, *_ = line.split()
            found.append((kind, point, set(options.split(","))))
    return found


def _writable(path: Path) -> bool:
    try:
        path.mkdir(exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


@cache
def hierarchy() -> Hierarchy | str:
    """This host's hierarchy for sandbox groups, or why there is none."""
    mounts = _mounts()
    for kind, point, _ in mounts:
        if kind == "cgroup2" and Path(point, "cgroup.controllers").is_file():
            available = set(Path(point, "cgroup.controllers").read_text().split())
            wanted = [name for name in CONTROLLERS if name in available]
            if not wanted:
                continue  # a hybrid host's empty unified hierarchy: v1 below has the controllers
            parent = Path(point, PARENT)
            enable = " ".join(f"+{name}" for name in wanted)
            try:  # the controllers are handed down: to our parent group, then to the sandboxes' groups
                Path(point, "cgroup.subtree_control").write_text(enable)
                parent.mkdir(exist_ok=True)
                Path(parent, "cgroup.subtree_control").write_text(enable)
            except OSError as error:
                return f"cgroup v2 is not writable here ({error.strerror})"
            return Hierarchy(2, dict.fromkeys(wanted, parent))
    parents = {}
    for kind, point, options in mounts:
        for name in CONTROLLERS:
            if kind == "cgroup" and name in options and name not in parents and _writable(Path(point, PARENT)):
                parents[name] = Path(point, PARENT)
    if "memory" in parents and "pids" in parents:
        return Hierarchy(1, parents)
    return "no writable cgroup hierarchy with the memory and pids controllers (not root, or not delegated)"


def support() -> str:
    """One phrase for the log: which control groups the sandboxes get, or why none."""
    found = hierarchy()
    return found.describe() if isinstance(found, Hierarchy) else f"no control groups: {found}"


class ControlGroup:
    """One sandbox's group (one folder per hierarchy), with its caps set."""

    def __init__(self, found: Hierarchy, limits: Limits):
        self.version = found.version
        name = f"{owner_tag()}-{next(_serial)}"
        self.folders = {controller: parent / name for controller, parent in found.parents.items()}
        for folder in set(self.folders.values()):
            folder.mkdir()
        try:
            self._set_caps(limits)
        except OSError:
            self.remove()
            raise

    def _set_caps(self, limits: Limits) -> None:
        memory, pids, cpu = (self.folders.get(name) for name in CONTROLLERS)
        quota = max(1000, int(limits.cpus * CPU_PERIOD_US))
        if self.version == 2:
            _write(memory / "memory.max", limits.memory_bytes)
            _write(memory / "memory.swap.max", 0, optional=True)
            _write(pids / "pids.max", limits.processes)
            if cpu is not None:
                _write(cpu / "cpu.max", f"{quota} {CPU_PERIOD_US}")
            return
        _write(memory / "memory.limit_in_bytes", limits.memory_bytes)
        _write(memory / "memory.memsw.limit_in_bytes", limits.memory_bytes, optional=True)
        _write(pids / "pids.max", limits.processes)
        if cpu is not None:
            _write(cpu / "cpu.cfs_period_us", CPU_PERIOD_US)
            _write(cpu / "cpu.cfs_quota_us", quota)

    @property
    def procs_files(self) -> list[str]:
        """The files a process writes its pid to, to join the group (in every hierarchy)."""
        return [str(folder / "cgroup.procs") for folder in set(self.folders.values())]

    def join(self) -> None:
        """Put the calling process in the group (used between fork and exec of the sandbox)."""
        pid = str(os.getpid()).encode()
        for path in self.procs_files:
            handle = os.open(path, os.O_WRONLY)
            try:
                os.write(handle, pid)
            finally:
                os.close(handle)

    def counters(self) -> Counters:
        memory, pids = self.folders["memory"], self.folders["pids"]
        stat = _keyed(memory / "memory.stat")
        if self.version == 2:
            events = _keyed(memory / "memory.events")
            hits, kills = events.get("max", 0), events.get("oom_kill", 0)
        else:
            hits = _number(memory / "memory.failcnt")
            kills = _keyed(memory / "memory.oom_control").get("oom_kill", 0)
        return Counters(hits, kills, _keyed(pids / "pids.events").get("max", 0), stat.get("shmem", 0))

    def pids(self) -> list[int]:
        found = set()
        for path in self.procs_files:
            with contextlib.suppress(OSError):
                found |= {int(pid) for pid in Path(path).read_text().split()}
        return sorted(found)

    def kill_all(self, timeout: float = 5.0) -> bool:
        """SIGKILL every process in the group; whether it is empty now."""
        deadline = time.monotonic() + timeout
        while (left := self.pids()) and time.monotonic() < deadline:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)
        return not self.pids()

    def remove(self) -> None:
        """Kill what is left in the group and remove its folders."""
        self.kill_all()
        for folder in set(self.folders.values()):
            _rmdir(folder)


def create(limits: Limits) -> ControlGroup | None:
    """A new group with limits' caps, or None where this host has no usable hierarchy."""
    found = hierarchy()
    return ControlGroup(found, limits) if isinstance(found, Hierarchy) else None


def sweep() -> list[Path]:
    """Remove the groups of processes that are gone (killed before they could remove them)."""
    found = hierarchy()
    if not isinstance(found, Hierarchy):
        return []
    removed = []
    for parent in set(found.parents.values()):
        for folder in parent.iterdir():
            if folder.is_dir() and not owner_alive(folder.name.rsplit("-", 1)[0]):
                with contextlib.suppress(OSError):
                    for pid in (int(pid) for pid in (folder / "cgroup.procs").read_text().split()):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                if _rmdir(folder):
                    removed.append(folder)
    return removed


def _rmdir(folder: Path, attempts: int = 100) -> bool:
    for _ in range(attempts):
        try:
            folder.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:  # still busy: its last processes are being reaped
            time.sleep(0.01)
    return False


def _write(path: Path, value, optional: bool = False) -> None:
    try:
        path.write_text(str(value))
    except FileNotFoundError:
        if not optional:
            raise


def _number(path: Path) -> int:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().split()[0])
    return 0


def _keyed(path: Path) -> dict[str, int]:
    found = {}
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if value.strip().lstrip("-").isdigit():
                found[key] = int(value)
    return found
