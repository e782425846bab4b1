"""How long an author waits after a one-function change: edit the reference's solution of one
function (or a lesson's check of one notebook), rebuild, and regrade the sample students.

In a copy of the course, with the samples of the assignment released, submitted and graded once
(the setup), each round alternates the edit between two equivalent forms (so each round has a
change and every score stays), then runs, as an author types them:
  (a) `backprop-course build --all` (every notebook's release and solution generated, as every
      build did before it built only what changed) and `backprop-course update-assignment`;
  (b) `backprop-course build` (only what changed) and `backprop-course update-assignment`.
It prints the seconds of each step, median over the rounds, and the ratio of (b) to (a).

    .venv/bin/python benchmarks/author_loop.py [--assignment backprop] [--rounds 3] [--edit reference|lesson]
"""

from __future__ import annotations

import argparse
import os
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
    ("backprop", "reference"): ("reference.py", "return float(np.mean((y_hat - y) ** 2))",
                                "return float(np.mean(np.square(y_hat - y)))"),
    ("backprop", "lesson"): ("lessons/single_neuron.py", 'print("mse_loss: visible checks passed")',
                             'print("mse_loss: the visible checks passed")'),
    ("classification", "reference"): ("reference.py", "return float(-np.mean(np.log(P[np.arange(y.shape[0]), y])))",
                                      "return float(-np.log(P[np.arange(y.shape[0]), y]).mean())"),
    ("classification", "lesson"): ("lessons/softmax_classifier.py", 'print("softmax: visible checks passed")',
                                   'print("softmax: the visible checks passed")'),
}


def command(course: CourseDir, *args: str) -> float:
    """Run a command in the course; its wall-clock seconds."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    started = time.perf_counter()
    done = subprocess.run(list(args), cwd=course.root, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backprop-author-loop-") as scratch:
        course = copy_course(Path(scratch) / "course", CourseDir(ROOT))
        setup(course, args.assignment)
        tool = str(BIN / "backprop-course")
        variants = {"(a) every notebook": ["--all"], "(b) what changed": []}
        times: dict[str, dict[str, list[float]]] = {name: {"build": [], "regrade": []} for name in variants}
        for _ in range(args.rounds):
            for name, extra in variants.items():
                flip(course, args.assignment, args.edit)
                times[name]["build"].append(command(course, tool, "build", "--assignment", args.assignment, *extra))
                times[name]["regrade"].append(command(course, tool, "update-assignment", args.assignment,
                                                      "--no-progress"))
    print(f"{args.assignment}: a one-function change of the {args.edit}, median of {args.rounds} rounds "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'':22} {'build':>8} {'regrade':>8} {'loop':>8} {'ratio':>6}")
    loops = {}
    for name, steps in times.items():
        build, regrade = statistics.median(steps["build"]), statistics.median(steps["regrade"])
        loops[name] = build + regrade
        ratio = loops[name] / loops["(a) every notebook"]
        print(f"{name:22} {build:7.1f}s {regrade:7.1f}s {loops[name]:7.1f}s {ratio:6.2f}")


if __name__ == "__main__":
    main()
