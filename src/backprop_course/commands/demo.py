"""Instructor verb `demo`: the whole nbgrader pipeline on the shipped sample submissions, for
every contract-graded assignment of the course."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..authoring.samples import sample_students
from ..course.paths import CourseDir
from ..nbgrader_glue.apps import export, nbgrader, nbgrader_batch
from ..nbgrader_glue.gradebook import notebook_scores, score_table
from ..sandbox.sandbox import sandbox_problem


def release(course: CourseDir, assignments: list[str] | None = None) -> None:
    """nbgrader generate_assignment of the given assignments (by default, every one of the course's)."""
    for assignment in course.assignment_names if assignments is None else assignments:
        nbgrader("generate_assignment", assignment, "--force", course=course)


def collect_samples(course: CourseDir) -> None:
    """Copy samples/<student>/<assignment>/ to submitted/, as `nbgrader collect` would."""
    for assignment in course.assignment_names:
        for student in sample_students(course.of(assignment)):
            target = course.submission(student, assignment)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(course.samples / student / assignment, target)


def autograde_step(course: CourseDir) -> None:
    """nbgrader autograde of every assignment with a submission in submitted/."""
    for assignment in _handed_in(course.submitted, course.assignment_names):
        _report_failed("autograde", nbgrader_batch("autograde", assignment, "--force", course=course))


def feedback(course: CourseDir) -> None:
    """nbgrader generate_feedback of every assignment with an autograded submission."""
    for assignment in _handed_in(course.autograded, course.assignment_names):
        _report_failed("feedback", nbgrader_batch("generate_feedback", assignment, "--force", course=course))


def _handed_in(folder: Path, assignments: list[str]) -> list[str]:
    """The assignments some student has a folder of under folder (<student>/<assignment>/): nbgrader
    stops with an error on an assignment that has none."""
    return [assignment for assignment in assignments if any(path.is_dir() for path in folder.glob(f"*/{assignment}"))]


def _report_failed(step: str, students: list[str]) -> None:
    for student in students:
        print(f"      {step}: nbgrader could not process the submission of {student} (see nbgrader's log)")


PIPELINE = [
    ("release the assignment (nbgrader generate_assignment)", release),
    ("collect the sample submissions into submitted/", collect_samples),
    ("autograde (nbgrader autograde)", autograde_step),
    ("write feedback (nbgrader generate_feedback)", feedback),
    ("export grades (nbgrader export)", export),
]


def run_demo(course: CourseDir) -> int:
    problem = sandbox_problem()
    if problem is not None:  # before any step: nothing is run on nothing
        print(f"backprop-course demo: cannot grade without a sandbox: {problem}")
        return 2
    for number, (title, step) in enumerate(PIPELINE, start=1):
        print(f"[{number}/{len(PIPELINE)}] {title}", flush=True)
        step(course)
    for assignment in course.assignment_names:
        print()
        print(assignment)
        print(score_table(notebook_scores(course.db_url, assignment), course.of(assignment).contract))
    print()
    print(f"grades: {course.grades_csv.relative_to(course.root)}; "
          f"feedback: {course.feedback.relative_to(course.root)}/<student>/<assignment>/")
    return 0
