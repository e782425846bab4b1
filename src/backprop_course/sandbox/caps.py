"""What one sandboxed notebook may use: every cap with its default, in one place.

Each cap holds per sandbox, never pooled with another sandbox or taken from the host: a uid of
its own (from UID_RANGE) and, where the host allows it, a control group of its own count the
processes, memory and CPU; /tmp is a tmpfs of its own size. `SandboxedGrading.*` in
nbgrader_config.py (or on the command line) changes any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024**2
GIB = 1024**3


@dataclass(frozen=True)
class Limits:
    """The caps of one notebook's grading (see the module's docstring)."""

    cell_seconds: float = 120.0  # wall-clock time of one cell
    notebook_seconds: float = 600.0  # wall-clock time of all the notebook's cells
    call_seconds: float = 10.0  # one call of a graded function by the grader
    output_bytes: int = 1_000_000  # output kept per notebook; the rest is cut
    memory_bytes: int = 2 * GIB  # all of the sandbox's processes together, its /tmp included
    disk_bytes: int = 512 * MIB  # the sandbox's only writable filesystem, its /tmp (host memory)
    processes: int = 64  # processes and threads together
    cpus: float = 1.0  # CPU cores' worth of time, shared out per sandbox
    open_files: int = 1024  # per process
    first_uid: int = 60100  # the sandboxes' uids are first_uid, first_uid + 1, ...
    uid_count: int = 100  # how many sandboxes may run at once on one host

    @property
    def cpu_seconds(self) -> int:
        """CPU time per process: a backstop for where no control group shares the CPU out."""
        return int(self.cpus * 2 * self.notebook_seconds + self.cell_seconds)


DEFAULT = Limits()


def describe(limits: Limits) -> str:
    """The caps in one line, for the first line of a run's log."""
    return (f"{limits.cell_seconds:g} s per cell, {limits.notebook_seconds:g} s per notebook, "
            f"{limits.call_seconds:g} s per call, {limits.output_bytes / 1e6:g} MB of output, "
            f"{limits.memory_bytes / MIB:g} MiB of memory (its /tmp included), "
            f"{limits.disk_bytes / MIB:g} MiB of /tmp, "
            f"{limits.processes} processes, {limits.cpus:g} CPU, {limits.open_files} open files per process")
