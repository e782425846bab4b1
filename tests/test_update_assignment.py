"""`backprop-course update-assignment`: a contract changed after students submitted (a check added,
a function's points raised) is applied to the gradebook and everyone is graded again; the scores
it reports are the gradebook's, and a manual grade survives."""

from __future__ import annotations

import shutil

import pytest
from nbgrader.api import Gradebook
from nbgrader.converters import GenerateAssignment

from backprop_course.authoring.build import build_source
from backprop_course.commands.autograde import autograde
from backprop_course.commands.generate import throwaway_gradebook
from backprop_course.commands.update_assignment import update_assignment
from backprop_course.course.contract import COURSE_ID
from backprop_course.nbgrader_glue.apps import convert
from backprop_course.nbgrader_glue.assignment_cells import CellsInUseError, match_cells
from backprop_course.nbgrader_glue.gradebook import cell_scores, notebook_scores

from .support.backprop import ASSIGNMENT
from .support.released import released_copy
from .support.sandbox import needs_sandbox

STUDENTS = ("alice", "bob")
MANUAL = ("learning_rate_discussion", "multilayer")
# dloss_dyhat: 2 points (shape 1, values the rest) -> 3 points, with a third check of 1 point.
FUNCTION = "dloss_dyhat"
VALUES = '    { name = "values", kind = "values", title = "values" },\n'
VALUES_AGAIN = '    { name = "values_again", points = 1, kind = "values", title = "values, on other inputs" },\n'
NEW_CELL = "test_dloss_dyhat_values_again"
SHAPE = '    { name = "shape", points = 1, kind = "structure", title = "shape and type" },\n'


def edit(path, old: str, new: str) -> None:
    """old replaced by new in FUNCTION's entry of the contract (from its name to the next table)."""
    text = path.read_text()
    start = text.index(f'name = "{FUNCTION}"')
    end = text.find("[[", start)
    entry = text[start:end]
    assert entry.count(old) == 1, old
    path.write_text(text[:start] + entry.replace(old, new) + text[end:])


@pytest.mark.slow
@needs_sandbox
def test_a_check_added_after_submission_is_applied_and_everyone_regraded_keeping_manual_grades(tmp_path):
    course = released_copy(tmp_path / "course").of(ASSIGNMENT)
    for student in STUDENTS:
        shutil.copytree(course.samples / student / ASSIGNMENT, course.submission(student))
    autograde(course, ASSIGNMENT, jobs=2, show=lambda line: None, progress=False)
    with Gradebook(course.db_url) as gradebook:
        gradebook.find_grade(*MANUAL, ASSIGNMENT, "alice").manual_score = 2.0
        gradebook.db.commit()
    before = notebook_scores(course.db_url, ASSIGNMENT)
    contract = course.assignment_folder / "assignment.toml"
    # nbgrader's own generate_assignment refuses this change now that students have submitted.
    edit(contract, "points = 2\n", "points = 3\n")
    edit(contract, VALUES, VALUES + VALUES_AGAIN)

    lines: list[str] = []
    updated = update_assignment(course, ASSIGNMENT, jobs=2, show=lines.append)
    changes = updated.changes
    assert updated.graded_in_full and "graded 2 submissions" in lines

    after = notebook_scores(course.db_url, ASSIGNMENT)
    totals = {student: (sum(found.score for found in notebooks.values()),
                        sum(found.max_score for found in notebooks.values()))
              for student, notebooks in after.items()}
    assert {change.student for change in changes} == set(STUDENTS)  # every maximum rose by 1
    for change in changes:
        assert change.after == totals[change.student]
        assert str(change) in lines
        assert f"{change.student}: {change.before[0]:g}/{change.before[1]:g}" in str(change)
    alice = after["alice"]
    assert alice["single_neuron"].auto_score == before["alice"]["single_neuron"].auto_score + 1
    assert alice["single_neuron"].max_score == before["alice"]["single_neuron"].max_score + 1
    assert alice["multilayer"].score == before["alice"]["multilayer"].score  # its manual 2 points kept
    with Gradebook(course.db_url) as gradebook:
        assert gradebook.find_grade(*MANUAL, ASSIGNMENT, "alice").manual_score == 2.0
    for student in STUDENTS:  # the new check has a grade row, graded, in every submission
        score, points = cell_scores(course.db_url, ASSIGNMENT, student)[NEW_CELL]
        assert points == 1 and score in (0, 1)
    assert f"gradebook: added single_neuron/{NEW_CELL} (GradeCell)" in lines

    # A check that submitted notebooks hold cannot be removed (nbgrader could not grade them).
    edit(contract, SHAPE, "")
    build_source(course)
    with throwaway_gradebook() as release, pytest.raises(CellsInUseError, match="test_dloss_dyhat_shape"):
        convert(GenerateAssignment, course, ASSIGNMENT, **{"CourseDirectory.db_url": release})
        match_cells(course.db_url, COURSE_ID, ASSIGNMENT, release)
    assert notebook_scores(course.db_url, ASSIGNMENT) == after, "a refused change changes no score"
