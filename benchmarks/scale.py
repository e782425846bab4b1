"""Scale benchmark: a class of synthetic students graded on a Dask cluster into a PostgreSQL
gradebook, and what the figures say about many machines.

    .venv/bin/python benchmarks/scale.py [--students 1000] [--workers CORES+1]

It builds a course whose gradebook is a database on a PostgreSQL server started for the run
(tests/support/postgres.py, with fsync on), and STUDENTS submissions: most correct (the sample
alice), some with typical mistakes (bob), some that meet a limit (printing too much, asking for
too much memory, or looping past a short cell limit). Their learning-rate plots train 150 epochs
rather than the samples' 1500 (1,000 students take about 14 minutes on two cores). It
grades them with `backprop-course autograde` on a Dask LocalCluster of WORKERS worker processes,
and reports:
  - notebooks a second, graded (by the workers) and recorded (by the one writer, per second of
    its own busy time), and the writer's CPU per notebook (everything this process did);
  - the peak memory of the writer and of each worker (with its kernels);
  - a model, fitted to these figures, of the wall time for 10,000 notebooks on N machines like
    this one, and which part is then the limit.
It is not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.autograde import autograde
from backprop_course.commands.demo import release
from backprop_course.course.paths import CourseDir, copy_course
from backprop_course.nbgrader_glue.course_config import open_course
from backprop_course.recording import bulk_writer, recorder

REPO = CourseDir(Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO.root))
from tests.support.backprop import ASSIGNMENT, NOTEBOOKS, SINGLE_NEURON  # noqa: E402
from tests.support.postgres import postgres_problem, running_postgres, use_new_database  # noqa: E402
from tests.support.sampling import Sampler, trees_rss  # noqa: E402

CHEAP_PLOT = """
for lr in [0.1, 3.0, 300.0]:
    _, losses = train_mlp(X_xor, y_xor, [2, 4, 1], lr, 150, seed=0)
    plt.plot(losses, label=f"lr = {lr}")
plt.legend()
plt.show()
"""
# What a limit-hitting student adds at the end of its first notebook, in turn.
LIMIT_CELLS = ("print('y' * 2_000_000)", "block = bytearray(4 * 1024**3)", "while True:\n    pass")
CELL_SECONDS = 1  # the cell limit of this run, short so that the looping students cost little
MACHINES = (1, 4, 16, 64)
TARGET = 10_000


def build(course: CourseDir, students: int) -> dict[str, int]:
    """The submissions: 1 in 10 meets a limit, 2 in 10 make mistakes, the rest are right."""
    answers = {}
    for sample in ("alice", "bob"):
        answers[sample] = answers_from_source((course.sample_answers / f"{sample}.py").read_text())
        answers[sample]["learning_rate_plot"] = CHEAP_PLOT.strip("\n")
    kinds = {"correct": 0, "mistaken": 0, "limit": 0}
    for number in range(students):
        student = f"s{number:05d}"
        kind = "limit" if number % 10 == 9 else "mistaken" if number % 10 in (3, 6) else "correct"
        kinds[kind] += 1
        write_submission(course.release, answers["bob" if kind == "mistaken" else "alice"], course.submission(student))
        for extra in course.release.glob("*.py"):
            (course.submission(student) / extra.name).write_bytes(extra.read_bytes())
        if kind == "limit":
            import nbformat
            from nbformat.v4 import new_code_cell

            path = course.submission(student) / SINGLE_NEURON.filename
            nb = nbformat.read(path, as_version=4)
            nb.cells.append(new_code_cell(LIMIT_CELLS[(number // 10) % len(LIMIT_CELLS)]))
            nbformat.write(nb, path)
    return kinds


class Busy:
    """Wall-clock and CPU seconds this process spends in the writer's recording steps."""

    def __init__(self):
        self.seconds = self.cpu = 0.0
        self.notebooks = 0

    def timed(self, method, notebooks):
        """method, adding its wall and CPU seconds to these, and notebooks(its arguments) to the count."""

        def timed_method(*args):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return method(*args)
            finally:
                self.seconds += time.perf_counter() - start
                self.cpu += time.process_time() - cpu
                self.notebooks += notebooks(*args)

        return timed_method

    @contextlib.contextmanager
    def wrapping(self):
        write, by_nbgrader = bulk_writer.BulkWriter.write, recorder.Recorder._by_nbgrader
        bulk_writer.BulkWriter.write = self.timed(write, lambda _, batch: sum(len(r.notebooks) for r in batch))
        recorder.Recorder._by_nbgrader = self.timed(by_nbgrader, lambda _, student: len(NOTEBOOKS))
        try:
            yield self
        finally:
            bulk_writer.BulkWriter.write, recorder.Recorder._by_nbgrader = write, by_nbgrader


class Peaks(Sampler):
    """The peak RSS of this process and of each worker process with its children, sampled."""

    # Sampling takes its CPU from the cores the workers grade on (at 0.2 s, with a pass over the
    # whole process table per worker, a fifth of this process's CPU).
    interval = 0.5

    def __init__(self, cluster):
        self.cluster, self.writer, self.workers = cluster, 0, {}
        self.me = psutil.Process()

    def sample(self):
        with contextlib.suppress(psutil.Error):
            self.writer = max(self.writer, self.me.memory_info().rss)
        pids = {}
        for name, nanny in list(self.cluster.workers.items()):
            with contextlib.suppress(AttributeError):
                pids[name] = nanny.process.pid
        found = trees_rss(list(pids.values()))
        for name, pid in pids.items():
            if pid in found:
                self.workers[name] = max(self.workers.get(name, 0), found[pid])


def model(grading_rate_per_machine: float, recording_rate: float) -> list[str]:
    """Wall time for TARGET notebooks on N machines: the workers of all machines grade in
    parallel, the one writer records what they grade, so the slower of the two sets the pace."""
    lines = [f"model for {TARGET:,} notebooks (each machine as this one; one writer):"]
    for machines in MACHINES:
        grading = TARGET / (machines * grading_rate_per_machine)
        recording = TARGET / recording_rate
        limit = "grading (the workers)" if grading >= recording else "recording (the one writer)"
        lines.append(f"  {machines:>3} machine(s): {max(grading, recording) / 60:7.1f} min  "
                     f"(grading {grading / 60:.1f} min, recording {recording / 60:.1f} min; the limit: {limit})")
    crossover = recording_rate / grading_rate_per_machine
    lines.append(f"  the writer becomes the limit past about {crossover:.0f} machines")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    # One more worker than cores: while a worker waits for its sandbox and kernel to start, the
    # others' kernels use the core (measured: 1.95 against 1.61 notebooks/s on 2 cores).
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    began = time.perf_counter()
    problem = postgres_problem()
    if problem is not None:
        print(f"no PostgreSQL server can run here: {problem}")
        return 1
    from distributed import LocalCluster

    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    with tempfile.TemporaryDirectory(prefix="pg-") as base, running_postgres(Path(base), durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="backprop-scale-") as scratch:
        course = copy_course(Path(scratch) / "course", REPO)
        use_new_database(course.root, server, "scale")
        with open(course.root / "nbgrader_config.py", "a") as config:
            config.write(f"c.SandboxedGrading.cell_timeout = {CELL_SECONDS}\n")
        course = open_course(course.root)
        release(course, [ASSIGNMENT])
        kinds = build(course, args.students)
        notebooks = args.students * len(NOTEBOOKS)
        print(f"{args.students} submissions ({kinds}), {notebooks} notebooks, {args.workers} Dask worker "
              f"processes, PostgreSQL gradebook, {os.cpu_count()} cores", flush=True)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Peaks(cluster) as peaks, Busy().wrapping() as busy:
            start, cpu = time.perf_counter(), time.process_time()
            lines = autograde(course, ASSIGNMENT, scheduler=cluster.scheduler_address, show=lambda text: None,
                              progress=False)
            wall, writer_cpu = time.perf_counter() - start, time.process_time() - cpu
    recorded = sum(1 for line in lines.values() if line.recorded_in_full)
    grading_rate = notebooks / wall  # the workers kept the writer waiting, not the other way round
    recording_rate = busy.notebooks / busy.seconds
    print(f"\nwall {wall:.0f} s of grading; {recorded} of {args.students} students recorded in full; the whole "
          f"benchmark (building the class, starting the servers, grading, stopping) took "
          f"{(time.perf_counter() - began) / 60:.1f} min")
    print(f"grading:   {grading_rate:6.2f} notebooks/s on this machine ({args.workers} workers)")
    print(f"recording: {recording_rate:6.1f} notebooks/s of the writer's busy time "
          f"({busy.notebooks} notebooks in {busy.seconds:.1f} s; {1000 * busy.cpu / busy.notebooks:.1f} ms CPU each)")
    print(f"the writer's CPU, everything it did (the Dask scheduler's thread included): {writer_cpu:.1f} s, "
          f"{1000 * writer_cpu / notebooks:.1f} ms per notebook")
    print(f"peak memory: writer {peaks.writer / 2**20:.0f} MiB; workers with their kernels "
          + ", ".join(f"{rss / 2**20:.0f} MiB" for rss in peaks.workers.values()))
    print()
    print("\n".join(model(grading_rate, recording_rate)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
