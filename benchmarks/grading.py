"""Benchmark: what grading costs, against plain execution, all measured in one run.

    .venv/bin/python benchmarks/grading.py [--copies N] [--kernels K] [--skip-unsafe]

It builds N copies of a correct and N of a typical wrong submission (the samples alice and bob)
in a temporary course, then measures on the same notebooks:
  (a) serial plain execution with nbclient, one plain kernel per notebook (no grading);
  (b) `nbgrader autograde` with this course's configuration: sandboxed grading, one by one;
  (b') the same without the sandbox (SandboxedGrading.unsafe), for the sandbox's own cost;
  (c) `backprop-course autograde` with 1 and with 2 jobs (sandbox on);
  (d) starting and stopping K kernels, plain and sandboxed.
It prints each time, its ratio to (a), and the peak memory of the whole process tree (this
process, nbgrader, workers and kernels), sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.demo import release
from backprop_course.course.contract import ASSIGNMENT, NOTEBOOKS
from backprop_course.course.paths import copy_course
from backprop_course.grader.kernel_session import KernelSession
from backprop_course.grader.sandbox import SandboxUnavailableError, require_sandbox
from backprop_course.nbgrader_glue.apps import nbgrader_batch


def build_batch(course, copies: int) -> list[Path]:
    """N copies each of alice's and bob's submissions; the notebooks' paths."""
    notebooks = []
    for sample in ("alice", "bob"):
        answers = answers_from_source((course.samples / "answers" / f"{sample}.py").read_text())
        for copy in range(copies):
            notebooks += write_submission(course.release, answers, course.submission(f"{sample}{copy:03d}"))
    return notebooks


def execute_serially(notebooks: list[Path]) -> None:
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()


def nbgrader_autograde(course, *flags: str) -> None:
    shutil.rmtree(course.autograded, ignore_errors=True)
    course.gradebook.unlink()
    release(course)
    failed = nbgrader_batch("autograde", ASSIGNMENT, "--force", *flags, course=course)
    assert not failed, failed


def our_autograde(course, jobs: int) -> None:
    from backprop_course.commands.autograde import autograde

    shutil.rmtree(course.autograded, ignore_errors=True)
    course.gradebook.unlink()
    release(course)
    lines = autograde(course, ASSIGNMENT, jobs=jobs, show=lambda text: None, progress=False)
    assert all(line.scores for line in lines.values())


def start_and_stop(sandboxed: bool, count: int) -> None:
    for _ in range(count):
        with KernelSession(sandboxed=sandboxed):
            pass


class PeakMemory:
    """The largest total RSS of this process and all its descendants while the block runs."""

    def __enter__(self):
        self.peak, self._running = 0, True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        me = psutil.Process()
        while self._running:
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()


def timed(label: str, work, results: list) -> float:
    with PeakMemory() as memory:
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
    results.append((label, seconds, memory.peak))
    print(f"{label:<58} {seconds:8.2f} s   peak {memory.peak / 2**20:6.0f} MiB", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of each sample submission")
    parser.add_argument("--kernels", type=int, default=10, help="kernels started for (d)")
    parser.add_argument("--skip-unsafe", action="store_true", help="leave out (b'), grading without the sandbox")
    args = parser.parse_args(argv)
    try:
        require_sandbox()
    except SandboxUnavailableError as error:
        print(f"no sandbox on this machine, nothing to measure: {error}")
        return 1
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    results: list = []
    with tempfile.TemporaryDirectory(prefix="backprop-benchmark-") as scratch:
        course = copy_course(Path(scratch) / "course")
        release(course)
        notebooks = build_batch(course, args.copies)
        submissions = len(notebooks) // len(NOTEBOOKS)
        print(f"{submissions} submissions of {ASSIGNMENT}, {len(notebooks)} notebooks, {os.cpu_count()} cores\n")
        plain = timed("(a) nbclient, serial plain execution", lambda: execute_serially(notebooks), results)
        timed("(b) nbgrader autograde, sandboxed", lambda: nbgrader_autograde(course), results)
        if not args.skip_unsafe:
            timed("(b') nbgrader autograde, no sandbox", lambda: nbgrader_autograde(
                course, "--SandboxedGrading.unsafe=True"), results)
        timed("(c) backprop-course autograde --jobs 1", lambda: our_autograde(course, 1), results)
        timed("(c) backprop-course autograde --jobs 2", lambda: our_autograde(course, 2), results)
        plain_kernels = timed(f"(d) {args.kernels} plain kernels started and stopped",
                              lambda: start_and_stop(False, args.kernels), results)
        sandboxed_kernels = timed(f"(d) {args.kernels} sandboxed kernels started and stopped",
                                  lambda: start_and_stop(True, args.kernels), results)
    print("\nratio to (a), serial plain execution:")
    for label, seconds, _ in results[1:-2]:
        print(f"  {label:<56} {seconds / plain:6.2f}")
    by_label = {label: seconds for label, seconds, _ in results}
    if "(b') nbgrader autograde, no sandbox" in by_label:
        sandboxed, unsandboxed = by_label["(b) nbgrader autograde, sandboxed"], by_label[
            "(b') nbgrader autograde, no sandbox"]
        print(f"sandbox cost per notebook: {(sandboxed - unsandboxed) / len(notebooks):+.2f} s "
              f"({sandboxed / len(notebooks):.2f} s sandboxed, {unsandboxed / len(notebooks):.2f} s not; "
              f"ratio {sandboxed / unsandboxed:.2f})")
    print(f"per kernel start and stop: plain {plain_kernels / args.kernels:.2f} s, "
          f"sandboxed {sandboxed_kernels / args.kernels:.2f} s (ratio {sandboxed_kernels / plain_kernels:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
