"""Instructor verb `update-assignment NAME`: a changed assignment (its contract, lessons or
reference) applied mid-term, after students have submitted, and everyone graded again.

nbgrader's generate_assignment refuses to add or remove cells once an assignment has submissions,
and deletes the release when it does. The steps, as a pipeline:
1. build the assignment from its folder, only what changed (build.py: source, release and
   solutions, samples, the catalog page);
2. bring the gradebook's notebooks and cells to the new release's, every submission and manual
   grade kept (nbgrader_glue/assignment_cells.py);
3. nbgrader's own generate_assignment into the course's gradebook (points, sources, checksums);
4. grade every submission again (autograde.py; manual grades are kept, as nbgrader keeps them);
then each student whose score changed is shown, from what to what.
"""

from __future__ import annotations

from dataclasses import dataclass

from nbgrader.converters import GenerateAssignment

from ..course.paths import CourseDir
from ..nbgrader_glue.apps import convert, converter_for
from ..nbgrader_glue.assignment_cells import AssignmentNotReleasedError, CellChanges, CellsInUseError, match_cells
from ..nbgrader_glue.gradebook import NotebookScore, notebook_scores
from .autograde import autograde, summary
from .build import Show, build
from .generate import throwaway_gradebook


class UpdateError(RuntimeError):
    """The assignment could not be updated; the message says why (nothing was graded)."""


@dataclass(frozen=True)
class ScoreChange:
    """A student's total score (and its maximum) before and after the update."""

    student: str
    before: tuple[float, float]
    after: tuple[float, float]

    def __str__(self) -> str:
        (score, most), (new, new_most) = self.before, self.after
        return f"{self.student}: {score:g}/{most:g} -> {new:g}/{new_most:g}"


@dataclass(frozen=True)
class Updated:
    """Each student whose score changed, and whether every submission was graded in full."""

    changes: list[ScoreChange]
    graded_in_full: bool = True


def update_assignment(course: CourseDir, assignment: str, jobs: int | None = None, show: Show = print,
                      progress: bool = False) -> Updated:
    """Apply the assignment's folder as it is now to its release and gradebook, grade every
    submission again (see the module's docstring)."""
    if assignment not in course.assignment_names:
        raise UpdateError(f"the course has no assignment folder assignments/{assignment}/")
    outcome = build(course, [assignment], catalog=True, show=show)
    if not outcome.ok:
        raise UpdateError("the build failed (above); the gradebook and the release are unchanged")
    before = _totals(notebook_scores(course.db_url, assignment))
    one = course.of(assignment)
    course_id = converter_for(GenerateAssignment, one, assignment).coursedir.course_id
    with throwaway_gradebook() as release_db:
        convert(GenerateAssignment, one, assignment, **{"CourseDirectory.db_url": release_db})
        try:
            changes = match_cells(course.db_url, course_id, assignment, release_db)
        except (AssignmentNotReleasedError, CellsInUseError) as error:
            raise UpdateError(f"{error}; the gradebook is unchanged") from None
    _show_changes(changes, show)
    convert(GenerateAssignment, one, assignment)
    show(f"released {one.release.relative_to(course.root)} into the gradebook {course.gradebook_name}")
    code = 0
    if before:
        text, code = summary(autograde(course, assignment, jobs=jobs, show=show, progress=progress))
        show(text)
    after = _totals(notebook_scores(course.db_url, assignment))
    changed = [ScoreChange(student, before.get(student, (0.0, 0.0)), total) for student, total in sorted(after.items())
               if before.get(student) != total]
    for change in changed:
        show(str(change))
    show(f"{len(changed)} of {len(after)} students' scores changed")
    return Updated(changed, code == 0)


def _totals(scores: dict[str, dict[str, NotebookScore]]) -> dict[str, tuple[float, float]]:
    return {student: (sum(found.score for found in notebooks.values()),
                      sum(found.max_score for found in notebooks.values()))
            for student, notebooks in scores.items()}


def _show_changes(changes: CellChanges, show: Show) -> None:
    for name in changes.added:
        show(f"gradebook: added {name}")
    for name in changes.removed:
        show(f"gradebook: removed {name} (with every submission's grades of it)")
