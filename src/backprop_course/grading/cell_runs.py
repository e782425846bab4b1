"""Step 1 of grading a notebook (notebook_grading.py): its own code cells, run in order in the
student's kernel within the time, output and sandbox caps; a cell that runs too long or stops its
kernel gets a note, and the kernel starts afresh with the cells before it run again (a notebook
graded with nbgrader's semantics: interrupted first, as nbclient does).
"""

from __future__ import annotations

import logging
import time

from nbformat import NotebookNode

from ..course.cells import is_graded_test
from ..course.mistake_ids import DISK_LIMIT, KERNEL_DIED, MEMORY_LIMIT, OUTPUT_LIMIT, PROCESS_LIMIT, TIME_LIMIT
from ..sandbox.caps import MIB, Limits
from ..sandbox.cgroups import Counters
from ..sandbox.kernel_session import KernelSession, OutputBudget, Run
from .notes import LIMIT_MESSAGES, note_limit

# How often a notebook's kernel may be started afresh after it died or ran too long.
MAX_RESTARTS = 3
# Ways a cell can stop its kernel: the kernel is started afresh after each (but not after a time
# limit of a notebook graded with nbgrader's semantics: see run_cells).
STOPPED = (TIME_LIMIT, KERNEL_DIED, MEMORY_LIMIT)
# /tmp counts as full when less than this is left of it.
DISK_SLACK = 1 * MIB


class NotebookAbandonedError(RuntimeError):
    """A cell past nbgrader's time limit that the interrupt did not end: nbgrader's Execute gives
    up on such a notebook (nbclient's "Timeout waiting for IOPub output"), and so does grading."""


class CellRuns:
    """The cells of one notebook run in its kernel session, and what they met (the limits noted
    in events, in order). A subclass gives prepare_kernel: what a fresh kernel gets first."""

    def __init__(self, nb: NotebookNode, session: KernelSession, limits: Limits, label: str,
                 log: logging.Logger, nbgrader_semantics: bool):
        self.nb = nb
        self.session = session
        self.limits = limits
        self.label = label
        self.log = log
        self.nbgrader_semantics = nbgrader_semantics
        self.budget = OutputBudget(limits.output_bytes)
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.replay: list[str] = []  # cells that ran without killing the kernel, to run again
        self.restarts = 0
        self.out_of_time = False
        # Cells run again after a restart share one more notebook's time, whatever the restarts.
        self.replay_deadline: float | None = None
        self.events: list[str] = []  # limit ids met, in order, for the instructor's log
        # A notebook without a contract has nbgrader's cell limit, and a cell past it is interrupted first.
        self.cell_seconds = limits.nbgrader.cell_seconds if nbgrader_semantics else limits.cell_seconds
        self.interrupt_grace = limits.nbgrader.interrupt_seconds if nbgrader_semantics else None

    def prepare_kernel(self) -> None:
        raise NotImplementedError

    def run_cells(self) -> None:
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = [], None
            if is_graded_test(cell) and not self.nbgrader_semantics:
                continue  # judged outside the kernel, after every cell ran
            left = self.deadline - time.monotonic()
            if left <= 0:
                note_limit(cell, TIME_LIMIT, self.message("not-run", self.limits.notebook_seconds))
                if not self.out_of_time:
                    self.out_of_time = True
                    self.note(TIME_LIMIT, f"cell {index} and those after it not run: notebook time used up")
                continue
            seconds = min(self.cell_seconds, left)
            before = self.session.counters()
            run = self.session.run(cell.source, timeout=seconds, budget=self.budget,
                                   interrupt_grace=self.interrupt_grace)
            cell.outputs, cell.execution_count = run.outputs, run.execution_count
            if run.output_cut and OUTPUT_LIMIT not in self.events:  # noted once, where the cut begins
                limit = self.limits.output_bytes
                note_limit(cell, OUTPUT_LIMIT, self.message(OUTPUT_LIMIT))
                self.note(OUTPUT_LIMIT, f"cell {index} passed the output limit of {limit} bytes")
            caps = self.caps_hit(before, run)
            stopped = run.status
            if stopped == KERNEL_DIED and MEMORY_LIMIT in caps:
                stopped = MEMORY_LIMIT  # the kernel was stopped for the sandbox's memory
            for cap in caps:
                if cap != stopped and cap not in self.events:  # a cap the cell survived: noted once
                    note_limit(cell, cap, self.message(cap))
                    self.note(cap, f"cell {index}: {self.message(cap)}")
            if stopped in STOPPED:
                cell.execution_count = None  # whether the kernel announced it before it stopped is chance
                message = self.message(stopped, seconds)
                if stopped == MEMORY_LIMIT:
                    message += "; the kernel was stopped"
                note_limit(cell, stopped, message)
                self.note(stopped, f"cell {index}: {message}")
                if stopped == TIME_LIMIT and run.interrupted:
                    self.after_interrupt(index, run, seconds)
                else:
                    self.start_afresh()
            else:
                self.replay.append(cell.source)

    def after_interrupt(self, index: int, run: Run, seconds: float) -> None:
        """The kernel stays; a cell that nbgrader's interrupt did not end makes nbgrader give up on the
        notebook (unless told to go on: the next cell then waits behind it in the busy kernel)."""
        if run.ended_by_interrupt or not self.limits.nbgrader.gives_up or seconds < self.cell_seconds:
            return  # seconds < cell_seconds: the notebook's own time stopped it, not nbgrader's limit
        raise NotebookAbandonedError(
            f"{self.label}: cell {index} ran past nbgrader's time limit of {seconds:g} s and did not end within "
            f"{self.interrupt_grace:g} s of the interrupt: nbgrader gives up on such a notebook, and so does "
            "grading (no score is recorded; grade it by hand, or again once the cell ends)")

    def message(self, limit: str, seconds: float = 0.0) -> str:
        return LIMIT_MESSAGES[limit].format(seconds=seconds, memory=self.limits.memory_bytes / MIB,
                                            processes=self.limits.processes, disk=self.limits.disk_bytes / MIB,
                                            limit=self.limits.output_bytes)

    def caps_hit(self, before: Counters, run: Run) -> list[str]:
        """The sandbox caps that code reached while it ran, by the sandbox's counters (and by the
        errors it raised, where there are no counters)."""
        after = self.session.counters()
        errors = [f"{output.ename}: {output.evalue}" for output in run.outputs if output.output_type == "error"]
        hit = []
        if (after.oom_kills > before.oom_kills or after.memory_hits > before.memory_hits
                or any(error.startswith("MemoryError") for error in errors)):
            hit.append(MEMORY_LIMIT)
        if after.process_hits > before.process_hits:
            hit.append(PROCESS_LIMIT)
        if (after.shmem_bytes >= self.limits.disk_bytes - DISK_SLACK
                or any("[Errno 28]" in error for error in errors)):
            hit.append(DISK_LIMIT)
        return hit

    def note(self, mistake: str, message: str) -> None:
        self.events.append(mistake)
        self.log.warning("%s: [%s] %s", self.label, mistake, message)

    def start_afresh(self) -> bool:
        """A new kernel with the cells that ran so far run again; False when no more restarts."""
        if self.restarts >= MAX_RESTARTS:
            self.session.close()
            return False
        self.restarts += 1
        self.session.restart()
        self.prepare_kernel()
        if self.replay_deadline is None:
            self.replay_deadline = time.monotonic() + self.limits.notebook_seconds
        for source in self.replay:
            left = self.replay_deadline - time.monotonic()
            run = self.session.run(source, timeout=max(0.0, min(self.cell_seconds, left)))
            if run.status in STOPPED:  # it behaves differently the second time
                self.session.restart()
                self.prepare_kernel()
                break
        return True
