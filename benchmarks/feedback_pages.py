"""Benchmark: what a feedback page weighs and what writing it costs, against plain nbgrader, in one run.

    .venv/bin/python benchmarks/feedback_pages.py [--copies N] [--rounds R]

It grades N copies each of the samples alice, bob and carol plus one attacker of the page-attack
corpus (tests/support/page_attack_corpus.py) once, with `backprop-course autograde`, then runs
`nbgrader generate_feedback --force` R times on the same autograded notebooks and gradebook:
  (a) plain nbgrader: a copy of the graded course whose nbgrader_config.py only names the course
      (nbgrader's own feedback steps and template: MathJax from a CDN, student content as it is);
  (b) this course's configuration: the summary table, the notebook made inert and sanitized,
      formulas as MathML, no script.
It prints the median time per student, the mean and largest page, and the ratios of (b) to (a).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backprop_course.authoring.samples import answers_from_source, write_submission
from backprop_course.commands.autograde import autograde
from backprop_course.commands.demo import release
from backprop_course.course.paths import CourseDir, copy_course
from backprop_course.nbgrader_glue.apps import BIN_DIR

REPO = CourseDir(Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO.root))
from tests.support.backprop import ASSIGNMENT  # noqa: E402
from tests.support.page_attack_corpus import write_page_attacker  # noqa: E402

SAMPLES = ("alice", "bob", "carol")
PLAIN_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
"""


def graded_course(folder: Path, copies: int) -> tuple[CourseDir, int]:
    """A course in folder with copies of each sample and one attacker graded; how many students."""
    course = copy_course(folder / "course", REPO)
    release(course, [ASSIGNMENT])
    for copy in range(copies):
        for sample in SAMPLES:
            answers = answers_from_source((course.sample_answers / f"{sample}.py").read_text())
            write_submission(course.release, answers, course.submission(f"{sample}{copy:03d}"))
    write_page_attacker(course, "mallory")
    autograde(course, ASSIGNMENT, jobs=2, show=lambda line: None, progress=False)
    return course, copies * len(SAMPLES) + 1


def plain_copy(course: CourseDir, folder: Path) -> CourseDir:
    """The graded course, configured as a course without this package would be."""
    root = Path(shutil.copytree(course.root, folder / "plain"))
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    (root / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(root), db_url=db_url))
    return CourseDir(root, db_url=db_url)


def feedback_seconds(course: CourseDir) -> float:
    shutil.rmtree(course.feedback, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([str(BIN_DIR / "nbgrader"), "generate_feedback", ASSIGNMENT, "--force"], cwd=course.root,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def page_sizes(course: CourseDir) -> list[int]:
    return [page.stat().st_size for page in course.feedback.glob(f"*/{ASSIGNMENT}/*.html")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feedback-bench-") as scratch:
        ours, students = graded_course(Path(scratch), options.copies)
        plain = plain_copy(ours, Path(scratch))
        times: dict[str, list[float]] = {"plain": [], "ours": []}
        for _ in range(options.rounds):  # alternating, so that both see the same machine
            times["plain"].append(feedback_seconds(plain))
            times["ours"].append(feedback_seconds(ours))
        sizes = {"plain": page_sizes(plain), "ours": page_sizes(ours)}
    print(f"nbgrader generate_feedback, {students} students ({2 * students} pages), median of {options.rounds}:")
    rows = {"plain": "(a) plain nbgrader", "ours": "(b) this course"}
    for key, title in rows.items():
        per_student = statistics.median(times[key]) / students
        print(f"  {title:20} {1000 * per_student:7.1f} ms per student   pages: mean "
              f"{statistics.mean(sizes[key]) / 1024:7.1f} KiB, largest {max(sizes[key]) / 1024:7.1f} KiB")
    time_ratio = statistics.median(times["ours"]) / statistics.median(times["plain"])
    size_ratio = statistics.mean(sizes["ours"]) / statistics.mean(sizes["plain"])
    print(f"  ratio (b)/(a): time {time_ratio:.2f}, page size {size_ratio:.2f}")


if __name__ == "__main__":
    main()
