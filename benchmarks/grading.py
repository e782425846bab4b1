"""Benchmark: what grading costs, against plain execution, all measured in one run.

    .venv/bin/python benchmarks/grading.py [--copies N] [--kernels K]

It builds N copies of a correct and N of a typical wrong submission (the samples alice and bob)
in a temporary course, then measures:
  (a) serial plain execution of the same submitted notebooks with nbclient, one kernel each;
  (b) `nbgrader autograde` with this course's configuration (hidden tests, diagnosis);
  (c) starting and stopping K kernels, plain and sandboxed (bubblewrap), one after another.
It prints the times, the ratios to (a) and the peak memory of the child processes.
The parallel `backprop-course autograde --jobs N` of issue 6 does not exist yet.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from backprop_course.contract import ASSIGNMENT, NOTEBOOKS
from backprop_course.demo import autograde, release
from backprop_course.paths import copy_course
from backprop_course.samples import answers_from_source, write_submission
from backprop_course.sandbox import SandboxedKernelManager, SandboxUnavailableError, bwrap


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


async def start_and_stop(manager_class, count: int) -> None:
    for _ in range(count):
        manager = manager_class(kernel_name="python3")
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def timed(label: str, work) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.2f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of each sample submission")
    parser.add_argument("--kernels", type=int, default=10, help="kernels started for (c)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="backprop-benchmark-") as scratch:
        course = copy_course(Path(scratch) / "course")
        notebooks = build_batch(course, args.copies)
        submissions = len(notebooks) // len(NOTEBOOKS)
        print(f"{submissions} submissions of {ASSIGNMENT}, {len(notebooks)} notebooks\n")
        release(course)
        plain = timed("(a) nbclient, serial plain execution", lambda: execute_serially(notebooks))
        graded = timed("(b) nbgrader autograde (this course's configuration)", lambda: autograde(course))
        kernels = timed(f"(c) {args.kernels} plain kernels started and stopped",
                        lambda: asyncio.run(start_and_stop(AsyncKernelManager, args.kernels)))
        try:
            bwrap()
            sandboxed = timed(f"(c) {args.kernels} sandboxed kernels started and stopped",
                              lambda: asyncio.run(start_and_stop(SandboxedKernelManager, args.kernels)))
        except SandboxUnavailableError as error:
            sandboxed = None
            print(f"(c) sandboxed kernels: skipped, {error}")
    print()
    print(f"autograde / plain execution:          {graded / plain:6.2f}")
    print(f"per submission: plain {plain / submissions:.2f} s, autograde {graded / submissions:.2f} s")
    print(f"per kernel start and stop: plain {kernels / args.kernels:.2f} s", end="")
    if sandboxed is not None:
        print(f", sandboxed {sandboxed / args.kernels:.2f} s (ratio {sandboxed / kernels:.2f})")
    else:
        print()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a child process: {peak:.0f} MiB; of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
