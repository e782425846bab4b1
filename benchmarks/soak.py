"""Soak benchmark: does a long `backprop-course autograde` run leave anything growing behind?

    .venv/bin/python benchmarks/soak.py [--notebooks 500] [--jobs 2] [--every 100]

It builds a course with NOTEBOOKS / 2 submissions (copies of the samples alice, bob and carol), then
runs `backprop-course autograde --jobs J` on it with TMPDIR pointed at a private folder, and each
time another EVERY notebooks are recorded (read from the command's one line per student) it
records the writer's RSS and open file descriptors, the entries in the temporary folder and the
number of processes (the run's own, and the host's). It prints the table, then the growth per 100
notebooks after the first EVERY (the warm-up): the goal is a flat line.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.demo import release
from backprop_course.course.paths import CourseDir, copy_course
from backprop_course.nbgrader_glue.apps import BIN_DIR

SAMPLES = ("alice", "bob", "carol")
REPO = CourseDir(Path(__file__).resolve().parents[1])


@dataclass
class Sample:
    notebooks: int
    seconds: float
    rss_mib: float
    open_fds: int
    tmp_entries: int
    run_processes: int
    host_processes: int


def build(course, students: int) -> None:
    release(course, [course.assignment])
    answers = {name: answers_from_source((course.sample_answers / f"{name}.py").read_text()) for name in SAMPLES}
    for number in range(students):
        sample = SAMPLES[number % len(SAMPLES)]
        write_submission(course.release, answers[sample], course.submission(f"{sample}{number:04d}"))


def entries(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*"))


def measure(writer: psutil.Process, tmpdir: Path, notebooks: int, start: float) -> Sample:
    tree = [writer, *writer.children(recursive=True)]
    return Sample(notebooks, time.perf_counter() - start, writer.memory_info().rss / 2**20, writer.num_fds(),
                  entries(tmpdir), len(tree), len(psutil.pids()))


def soak(notebook_count: int, jobs: int, every: int) -> list[Sample]:
    per_student = len(REPO.contract.notebooks)
    with tempfile.TemporaryDirectory(prefix="backprop-soak-") as work:
        course = copy_course(Path(work) / "course", REPO)
        build(course, notebook_count // per_student)
        tmpdir = Path(work) / "tmp"
        tmpdir.mkdir()
        env = dict(os.environ, TMPDIR=str(tmpdir), PYTHONUNBUFFERED="1",
                   PATH=f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}")
        command = [str(BIN_DIR / "backprop-course"), "--course-dir", str(course.root), "autograde", REPO.assignment,
                   "--jobs", str(jobs), "--no-progress"]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        writer = psutil.Process(process.pid)
        samples, recorded = [measure(writer, tmpdir, 0, start)], 0
        print(_row(samples[0]), flush=True)
        for line in process.stdout:
            if any(line.startswith(f"{sample}0") for sample in SAMPLES):  # one line per student recorded
                recorded += per_student
                if recorded % every == 0:
                    samples.append(measure(writer, tmpdir, recorded, start))
                    print(_row(samples[-1]), flush=True)
        process.wait()
        after = Sample(recorded, time.perf_counter() - start, 0.0, 0, entries(tmpdir), 0, len(psutil.pids()))
        print(f"after the run (exit {process.returncode}): {after.tmp_entries} entries in the temporary folder, "
              f"{after.host_processes} processes on the host")
    return samples


def _row(sample: Sample) -> str:
    return (f"{sample.notebooks:>9} {sample.seconds:>8.0f} {sample.rss_mib:>10.1f} {sample.open_fds:>8} "
            f"{sample.tmp_entries:>11} {sample.run_processes:>13} {sample.host_processes:>14}")


def growth_per_100(samples: list[Sample], field: str) -> float:
    """Least-squares slope of field against notebooks, per 100 notebooks, after the warm-up."""
    points = [(sample.notebooks, getattr(sample, field)) for sample in samples[1:]]
    if len(points) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return 100 * slope


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()
    print(f"{'notebooks':>9} {'seconds':>8} {'writer MiB':>10} {'open fds':>8} {'tmp entries':>11} "
          f"{'run processes':>13} {'host processes':>14}")
    samples = soak(args.notebooks, args.jobs, args.every)
    print("growth per 100 notebooks after the warm-up:")
    for field, unit in (("rss_mib", "MiB"), ("open_fds", "fds"), ("tmp_entries", "entries"),
                        ("run_processes", "processes"), ("host_processes", "processes")):
        print(f"  {field:<15} {growth_per_100(samples, field):+8.2f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
