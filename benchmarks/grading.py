"""Benchmark: what grading costs, against plain execution, all measured in one run.

    .venv/bin/python benchmarks/grading.py [--copies N] [--kernels K] [--recorded R] [--skip-unsafe]
                                           [--postgresql] [--assignment NAME]

It builds N copies of a correct and N of a typical wrong submission (the samples alice and bob of
the assignment, backprop by default, each with the release's helper module beside the notebooks,
as students have it) in a temporary course, then measures on the same notebooks:
  (a) serial plain execution with nbclient, one plain kernel per notebook (no grading);
  (b) `nbgrader autograde` with this course's configuration: sandboxed grading, one by one;
  (b') the same without the sandbox (SandboxedGrading.unsafe), for the sandbox's own cost;
  (c) `backprop-course autograde` with 1 and with 2 jobs (sandbox on);
  (d) starting and stopping K kernels: plain, sandboxed and started, sandboxed and forked from the
      kernel template;
  (e) recording R students (2R notebooks) in one writer: nbgrader's own Autograde per student
      (the old path) against the bulk writer (the new), on SQLite, and with --postgresql on a
      PostgreSQL server started for the run (tests/support/postgres.py).
It prints each time, its ratio to (a), and the peak memory of the whole process tree (this
process, nbgrader, workers and kernels), sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from sqlalchemy.exc import SAWarning

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.demo import release
from backprop_course.course.paths import CourseDir, copy_course
from backprop_course.nbgrader_glue.apps import nbgrader_batch
from backprop_course.sandbox.kernel_session import KernelSession
from backprop_course.sandbox.sandbox import SandboxUnavailableError, require_sandbox

REPO = CourseDir(Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO.root))
from tests.support.backprop import ASSIGNMENT  # noqa: E402
from tests.support.postgres import postgres_problem, running_postgres, use_new_database  # noqa: E402
from tests.support.sampling import Sampler, tree_rss  # noqa: E402


def submit(course, sample: str, student: str) -> list[Path]:
    """The sample student's answers as student's submission, with the release's other files."""
    answers = answers_from_source((course.sample_answers / f"{sample}.py").read_text())
    notebooks = write_submission(course.release, answers, course.submission(student))
    for extra in course.release.glob("*.py"):
        shutil.copy(extra, course.submission(student) / extra.name)
    return notebooks


def build_batch(course, copies: int) -> list[Path]:
    """N copies each of alice's and bob's submissions; the notebooks' paths."""
    return [path for sample in ("alice", "bob") for copy in range(copies)
            for path in submit(course, sample, f"{sample}{copy:03d}")]


def execute_serially(notebooks: list[Path]) -> None:
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute(stderr=subprocess.DEVNULL)


def nbgrader_autograde(course, *flags: str) -> None:
    shutil.rmtree(course.autograded, ignore_errors=True)
    course.gradebook.unlink()
    release(course, [course.assignment])
    failed = nbgrader_batch("autograde", course.assignment, "--force", *flags, course=course)
    assert not failed, failed


def our_autograde(course, jobs: int) -> None:
    from backprop_course.commands.autograde import autograde

    shutil.rmtree(course.autograded, ignore_errors=True)
    course.gradebook.unlink()
    release(course, [course.assignment])
    lines = autograde(course, course.assignment, jobs=jobs, show=lambda text: None, progress=False)
    assert all(line.scores for line in lines.values())


def start_and_stop(sandboxed: bool, forked: bool, count: int) -> None:
    for _ in range(count):
        with KernelSession(sandboxed=sandboxed, forked=forked):
            pass


def recording_rates(course, students: int, label: str) -> None:
    """(e): both paths on the course's gradebook, each on students of its own."""
    from recording import bulk_rate, context_of, graded_models, nbgrader_rate

    # nbgrader's own add_submission trips SQLAlchemy 2's autoflush warnings on every student.
    warnings.filterwarnings("ignore", category=SAWarning)
    release(course, [course.assignment])
    for sample in ("alice", "bob"):
        submit(course, sample, f"model-{sample}")
    coursedir, context = context_of(course)
    models = graded_models(course, context, ["model-alice", "model-bob"])
    old = nbgrader_rate(course, coursedir, context, models, min(students, 20))
    new = bulk_rate(course, coursedir, context, models, students)
    print(f"(e) recording on {label}: nbgrader's Autograde per student {old}")
    print(f"(e) recording on {label}: bulk writer                      {new}")
    print(f"    the bulk writer records {new.per_second / old.per_second:.0f} times as many notebooks a second")


class PeakMemory(Sampler):
    """The largest total RSS of this process and all its descendants while the block runs."""

    def __enter__(self):
        self.peak, self.me = 0, psutil.Process()
        return super().__enter__()

    def sample(self) -> None:
        self.peak = max(self.peak, tree_rss(self.me))


def timed(label: str, work, results: dict[str, float]) -> float:
    with PeakMemory() as memory:
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
    results[label] = seconds
    print(f"{label:<58} {seconds:8.2f} s   peak {memory.peak / 2**20:6.0f} MiB", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of each sample submission")
    parser.add_argument("--kernels", type=int, default=10, help="kernels started for (d)")
    parser.add_argument("--recorded", type=int, default=200, help="students recorded for (e)")
    parser.add_argument("--skip-unsafe", action="store_true", help="leave out (b'), grading without the sandbox")
    parser.add_argument("--postgresql", action="store_true", help="(e) on PostgreSQL too")
    parser.add_argument("--assignment", default=ASSIGNMENT, choices=REPO.assignment_names,
                        help="the contract-graded assignment whose samples are graded")
    args = parser.parse_args(argv)
    try:
        require_sandbox()
    except SandboxUnavailableError as error:
        print(f"no sandbox on this machine, nothing to measure: {error}")
        return 1
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="backprop-benchmark-") as scratch:
        course = copy_course(Path(scratch) / "course", REPO).of(args.assignment)
        release(course, [course.assignment])
        notebooks = build_batch(course, args.copies)
        submissions = len(notebooks) // len(course.contract.notebooks)
        print(f"{submissions} submissions of {course.assignment}, {len(notebooks)} notebooks, {os.cpu_count()} cores\n")
        timed("(a) nbclient, serial plain execution", lambda: execute_serially(notebooks), results)
        timed("(b) nbgrader autograde, sandboxed", lambda: nbgrader_autograde(course), results)
        if not args.skip_unsafe:
            timed("(b') nbgrader autograde, no sandbox", lambda: nbgrader_autograde(
                course, "--SandboxedGrading.unsafe=True"), results)
        timed("(c) backprop-course autograde --jobs 1", lambda: our_autograde(course, 1), results)
        timed("(c) backprop-course autograde --jobs 2", lambda: our_autograde(course, 2), results)
        kernels = {}
        for kind, sandboxed, forked in (("plain", False, False), ("sandboxed, started", True, False),
                                        ("sandboxed, forked", True, True)):
            kernels[kind] = timed(f"(d) {args.kernels} kernels, {kind}, started and stopped",
                                  lambda sandboxed=sandboxed, forked=forked: start_and_stop(sandboxed, forked,
                                                                                            args.kernels), results)
    plain = results["(a) nbclient, serial plain execution"]
    print("\nratio to (a), serial plain execution:")
    for label, seconds in results.items():
        if label.startswith(("(b", "(c")):
            print(f"  {label:<56} {seconds / plain:6.2f}")
    if "(b') nbgrader autograde, no sandbox" in results:
        sandboxed, unsandboxed = results["(b) nbgrader autograde, sandboxed"], results[
            "(b') nbgrader autograde, no sandbox"]
        print(f"sandbox cost per notebook: {(sandboxed - unsandboxed) / len(notebooks):+.2f} s "
              f"({sandboxed / len(notebooks):.2f} s sandboxed, {unsandboxed / len(notebooks):.2f} s not; "
              f"ratio {sandboxed / unsandboxed:.2f})")
    print("per kernel start and stop: " + ", ".join(f"{kind} {seconds / args.kernels:.2f} s"
                                                     for kind, seconds in kernels.items()))
    print()
    with tempfile.TemporaryDirectory(prefix="backprop-recording-") as scratch:
        recording_rates(copy_course(Path(scratch) / "course", REPO), args.recorded, "SQLite")
    if args.postgresql:
        postgres_rates(args.recorded)
    return 0


def postgres_rates(students: int) -> None:
    """(e) on a PostgreSQL server of the test suite's making, with a course whose gradebook it holds."""
    problem = postgres_problem()
    if problem is not None:
        print(f"(e) not on PostgreSQL: {problem}")
        return
    # In /tmp: short enough for the server's socket path, and reachable by the user it runs as.
    with tempfile.TemporaryDirectory(prefix="pg-") as base, running_postgres(Path(base), durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="backprop-recording-") as scratch:
        course = copy_course(Path(scratch) / "course", REPO)
        use_new_database(course.root, server, "recording")
        recording_rates(course, students, "PostgreSQL")


if __name__ == "__main__":
    sys.exit(main())
