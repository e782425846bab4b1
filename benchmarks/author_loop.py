"""How long an author waits after a one-function change: edit the reference's solution of one
function (or a lesson's check of one notebook), rebuild, and regrade the sample students.

In a copy of the course, with the samples of the assignment released, submitted and graded once
(the setup), each round alternates the edit between two equivalent forms of one notebook's
function or check (so each round has a change and every score stays), then runs:
  (a) `backprop-course build --all`, every notebook's release and solution generated (as every
      build did before it built only what changed), then `backprop-course update-assignment`;
  (b) `backprop-course update-assignment` alone: it builds what changed and regrades everyone.
With --before SRC (the src/ of an older checkout: `git worktree add /tmp/old <commit>`), also
  (c) the loop as it was there: `make notebooks`'s four commands (build-source, generate,
      build-samples, catalog), `nbgrader generate_assignment --force`, `backprop-course autograde`.
With --compare SRC (another checkout's src/), also
  (d) `update-assignment` as that checkout has it, for the same change.
It prints the seconds of each, median over the rounds, and its ratio to (a) (and to (d)). The
variants of a round run one after the other, so each sees much the same load of the machine.

    .venv/bin/python benchmarks/author_loop.py [--assignment backprop] [--rounds 3] [--edit reference|lesson]
                                               [--before /tmp/old/src] [--compare /tmp/main/src]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backprop_course.course.paths import CourseDir, copy_course

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# (file of the assignment's folder, one form, the other): equivalent, so no score moves.
EDITS = {
    ("backprop", "reference"): ("reference.py", "return 2.0 / y.shape[0] * (y_hat - y)",
                                "return (y_hat - y) * (2.0 / y.shape[0])"),
    ("backprop", "lesson"): ("lessons/single_neuron.py", 'print("mse_loss: visible checks passed")',
                             'print("mse_loss: the visible checks passed")'),
    ("classification", "reference"): ("reference.py", "return np.diag(p) - np.outer(p, p)",
                                      "return -np.outer(p, p) + np.diag(p)"),
    ("classification", "lesson"): ("lessons/softmax_classifier.py", 'print("softmax: visible checks passed")',
                                   'print("softmax: the visible checks passed")'),
}


def command(course: CourseDir, *args: str, source: str | None = None) -> float:
    """Run a command in the course (with the package of source, a src/ folder, when given); its
    wall-clock seconds (its processes' CPU seconds are added to CPU)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    if source:
        env["PYTHONPATH"] = source
    started, used = time.perf_counter(), _children_cpu()
    done = subprocess.run(list(args), cwd=course.root, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    CPU.append(_children_cpu() - used)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took


CPU: list[float] = []


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(course: CourseDir, lines: list[list[str]], source: str | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds of commands run one after the other."""
    CPU.clear()
    wall = sum(command(course, *line, source=source) for line in lines)
    return wall, sum(CPU)


def setup(course: CourseDir, assignment: str) -> None:
    """The assignment released into the course's gradebook, its samples submitted and graded."""
    command(course, str(BIN / "nbgrader"), "generate_assignment", assignment, "--force")
    for student in sorted(path.parent.name for path in course.samples.glob(f"*/{assignment}")):
        shutil.copytree(course.samples / student / assignment, course.submission(student, assignment))
    command(course, str(BIN / "backprop-course"), "autograde", assignment, "--no-progress")


def flip(course: CourseDir, assignment: str, edit: str) -> None:
    filename, one, other = EDITS[(assignment, edit)]
    path = course.of(assignment).assignment_folder / filename
    text = path.read_text()
    path.write_text(text.replace(one, other) if one in text else text.replace(other, one))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="backprop", choices=sorted({key[0] for key in EDITS}))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--edit", default="reference", choices=("reference", "lesson"))
    parser.add_argument("--before", default=None, help="the src/ folder of an older checkout, for (c)")
    parser.add_argument("--compare", default=None, help="the src/ folder of another checkout, for (d)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backprop-author-loop-") as scratch:
        course = copy_course(Path(scratch) / "course", CourseDir(ROOT))
        setup(course, args.assignment)
        tool = str(BIN / "backprop-course")
        build = [tool, "build", "--all", "--assignment", args.assignment]
        update = [tool, "update-assignment", args.assignment, "--no-progress"]
        old = [[tool, step, "--assignment", args.assignment] for step in ("build-source", "generate", "build-samples")]
        old += [[tool, "catalog"], [str(BIN / "nbgrader"), "generate_assignment", args.assignment, "--force"],
                [tool, "autograde", args.assignment, "--no-progress"]]
        variants = {"(a) build --all, update-assignment": ([build, update], None),
                    "(b) update-assignment": ([update], None)}
        if args.before:
            variants["(c) as before: make notebooks, release, autograde"] = (old, args.before)
        if args.compare:
            variants["(d) update-assignment, --compare's checkout"] = ([update], args.compare)
        loops: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(args.rounds):
            for name, (lines, source) in variants.items():
                flip(course, args.assignment, args.edit)
                loops[name].append(timed(course, lines, source))
    print(f"{args.assignment}: a one-function change of the {args.edit}, rebuilt and regraded, median of "
          f"{args.rounds} rounds (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    medians = {name: (statistics.median(wall for wall, _ in runs), statistics.median(cpu for _, cpu in runs))
               for name, runs in loops.items()}
    first = next(iter(medians.values()))[0]
    compared = medians[next(name for name in medians if name.startswith("(d)"))] if args.compare else None
    for name, (wall, cpu) in medians.items():
        to_d = f"   to (d): {wall / compared[0]:.2f} wall, {cpu / compared[1]:.2f} CPU" if compared else ""
        print(f"{name:50} {wall:6.1f} s ({cpu:5.1f} s of CPU)   ratio {wall / first:.2f}{to_d}")


if __name__ == "__main__":
    main()
