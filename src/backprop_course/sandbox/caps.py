"""What one sandboxed notebook may use: every cap with its default, in one place.

Each cap holds per sandbox, never pooled with another sandbox or taken from the host: a uid of
its own (from UID_RANGE) and, where the host allows it, a control group of its own count the
processes, memory and CPU; /tmp is a tmpfs of its own size.

CAPS is the one table of the caps as instructors set them: `c.SandboxedGrading.<trait>` in
nbgrader_config.py, or `--SandboxedGrading.<trait>=...` on the command line. SandboxedGrading
(nbgrader_glue/preprocessors.py) makes its traits from it, their defaults DEFAULT's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MIB = 1024**2
GIB = 1024**3


@dataclass(frozen=True)
class NbgraderTimeouts:
    """What nbgrader's Execute (nbclient) does with a cell that runs past its time, as a course
    configures it (nbgrader_glue/preprocessors.py's nbgrader_timeouts reads it through Execute)."""

    cell_seconds: float = 30.0  # Execute.timeout; infinity: no limit
    # then the kernel is interrupted, and the cell has this long to end (iopub_timeout; 0 where
    # interrupt_on_timeout is off)
    interrupt_seconds: float = 4.0
    # a cell that the interrupt did not end fails the whole notebook (raise_on_iopub_timeout);
    # otherwise the next cell is sent to the busy kernel
    gives_up: bool = True


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
    # a notebook graded with nbgrader's semantics (no contract): how nbgrader's own Execute treats
    # a cell that runs too long, as the course configures it (not caps of ours)
    nbgrader: NbgraderTimeouts = NbgraderTimeouts()

    @property
    def cpu_seconds(self) -> int:
        """CPU time per process: a backstop for where no control group shares the CPU out."""
        return int(self.cpus * 2 * self.notebook_seconds + self.cell_seconds)


DEFAULT = Limits()


@dataclass(frozen=True)
class Cap:
    """One cap as instructors set it: SandboxedGrading's trait, the Limits field it sets (whose
    default is DEFAULT's), the trait's type and its help."""

    trait: str
    field: str
    type: type
    help: str


# The trait names are instructors' configuration: a name never changes.
CAPS = (
    Cap("cell_timeout", "cell_seconds", float, "Seconds one cell may run."),
    Cap("notebook_timeout", "notebook_seconds", float, "Seconds all the cells of a notebook may run."),
    Cap("call_timeout", "call_seconds", float, "Seconds one call of a graded function may run."),
    Cap("output_limit", "output_bytes", int, "Output bytes kept per notebook; the rest is cut."),
    Cap("memory_limit", "memory_bytes", int, "Bytes of memory for all of a sandbox's processes, its /tmp included."),
    Cap("disk_limit", "disk_bytes", int,
        "Bytes of a sandbox's /tmp, its only writable folder (a tmpfs, so host memory)."),
    Cap("process_limit", "processes", int, "Processes and threads a sandbox may run at once."),
    Cap("cpu_limit", "cpus", float, "CPU cores' worth of time a sandbox gets."),
    Cap("open_files_limit", "open_files", int, "Files each process of a sandbox may have open."),
    Cap("first_uid", "first_uid", int, "As root, each sandbox runs as a uid of its own from first_uid on."),
    Cap("uid_count", "uid_count", int, "How many uids (sandboxes at once on this host) from first_uid."),
)


def default_of(cap: Cap) -> Any:
    return getattr(DEFAULT, cap.field)


# The field of Limits that no trait of ours sets (see Limits).
NBGRADER_FIELD = "nbgrader"


def limits_from(traits: Any, nbgrader: NbgraderTimeouts = DEFAULT.nbgrader) -> Limits:
    """The Limits that an object with CAPS' traits (SandboxedGrading) stands for, with nbgrader's
    own time limits."""
    caps = {cap.field: getattr(traits, cap.trait) for cap in CAPS}
    return Limits(**caps, nbgrader=nbgrader)


def describe(limits: Limits) -> str:
    """The caps in one line, for the first line of a run's log."""
    return (f"{limits.cell_seconds:g} s per cell, {limits.notebook_seconds:g} s per notebook, "
            f"{limits.call_seconds:g} s per call, {limits.output_bytes / 1e6:g} MB of output, "
            f"{limits.memory_bytes / MIB:g} MiB of memory (its /tmp included), "
            f"{limits.disk_bytes / MIB:g} MiB of /tmp, "
            f"{limits.processes} processes, {limits.cpus:g} CPU, {limits.open_files} open files per process")
