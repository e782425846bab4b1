"""`backprop-course check-assignment` on functions graded through scenarios: the two small folders
of tests/support/object_assignments (a Value's methods, a pair with a cache of the student's
design) pass, each mutant played through the grading path and through its check cell; the traps
put in one at a time are named (a mistake whose code is the reference's, two mistakes that cannot
be told apart, a recogniser that reads the read table as a tuple, a scenario that reads an
object, a reference that changes its inputs). A mistake that makes the student's code raise is
named by its error (raises) when graded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backprop_course.authoring.assignment_check import check_assignment
from backprop_course.authoring.assignment_check.answerable import answerable_notes
from backprop_course.authoring.assignment_check.check_cells import NO_CODE
from backprop_course.authoring.assignment_check.subject import Subject
from backprop_course.commands.new_assignment import write_starter
from backprop_course.course.paths import ASSIGNMENTS_DIRECTORY, CourseDir

from .support import REPO_COURSE
from .support.grading import verdicts_of
from .support.objects import FOLDERS

ENGINE_TRAPS = {
    # The mistake's code does what the reference does: no check can catch it.
    "mutant-is-the-reference": ("mistakes.py", (
        "            self.grad = other.data * out.grad\n            other.grad = self.data * out.grad\n",
        "            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n")),
    # A second mistake played with the same code as no-visited-set.
    "twin-mistakes": ("mistakes.py", (
        '    "no-visited-set": (("Value.backward", played({"Value": _NoVisitedSet})),),\n',
        '    "no-visited-set": (("Value.backward", played({"Value": _NoVisitedSet})),),\n'
        '    "visits-twice": (("Value.backward", played({"Value": _NoVisitedSet})),),\n')),
    # A property that reads the read table as the tuple of the steps' reads, not a table by label.
    "recogniser-reads-a-tuple": ("mistakes.py", (
        '    "backward-not-seeded": (("Value.backward", scaled_by(0.0)),),\n',
        '    "backward-not-seeded": (("Value.backward", lambda cases, expected, actual: all(\n'
        '        read[4] == 0 for read in actual)),),\n')),
    # The scenario reads a node itself, not a number of it.
    "reads-an-object": ("assignment.toml", (
        '    { read = ["a.grad", "b.grad", "c.grad", "d.grad", "e.grad"] },',
        '    { read = ["a.grad", "b.grad", "c.grad", "d.grad", "e.grad", "e"] },')),
}
LAYERS_TRAPS = {
    # The reference's forward pass reshapes the caller's x (and so, its backward pass's x too).
    "reference-changes-inputs": ("reference.py", (
        "    out = np.reshape(x, (x.shape[0], -1)) @ w + b\n",
        "    x.shape = (x.shape[0], -1)\n    out = x @ w + b\n")),
}
TWIN = '\n[[mistakes]]\nid = "visits-twice"\nhint = "The same mistake again."\n'


def folder_course(root: Path, name: str, trap: str = "") -> CourseDir:
    """A course at root holding a copy of the object folder name, with one trap put in."""
    folder = root / ASSIGNMENTS_DIRECTORY / name
    shutil.copytree(FOLDERS / name, folder)
    if trap:
        filename, (fixed, trapped) = {**ENGINE_TRAPS, **LAYERS_TRAPS}[trap]
        text = (folder / filename).read_text()
        assert fixed in text
        (folder / filename).write_text(text.replace(fixed, trapped))
    if trap == "twin-mistakes":
        with (folder / "assignment.toml").open("a") as toml:
            toml.write(TWIN)
    return CourseDir(root, assignment=name)


def problem_lines(tmp_path: Path, name: str, trap: str) -> tuple[object, list[str]]:
    report = check_assignment(folder_course(tmp_path, name, trap))
    assert not report.ok
    return report, [problem.line() for problem in report.problems]


@pytest.mark.parametrize("name", ["engine", "layers"])
def test_the_object_folders_pass_with_every_mutant_caught_and_named_before_submission(tmp_path, name):
    course = folder_course(tmp_path, name)
    report = check_assignment(course)
    assert report.ok, "\n".join(report.lines())
    mutated = {mistake_id for mistake_id, _ in Subject(course, course.contract).mutants}
    for row in report.rows:
        assert row.mistake in mutated and row.hidden == "yes" and row.confused == "-", row
        # A property (every gradient 0) predicts a read table, but there is no class to put in a notebook.
        assert row.before == (NO_CODE if row.mistake == "backward-not-seeded" else "named"), row


def test_a_mistake_whose_code_is_the_references_is_named(tmp_path):
    report, lines = problem_lines(tmp_path, "engine", "mutant-is-the-reference")
    assert any(line.startswith("assignments/engine/cases.py: the cases of Value.__mul__: grad-assigned's mutant "
                               "passes every check on the hidden cases of students") for line in lines), lines
    assert next(row for row in report.rows if row.mistake == "grad-assigned").hidden == "no"


def test_played_mistakes_that_cannot_be_told_apart_are_named(tmp_path):
    report, lines = problem_lines(tmp_path, "engine", "twin-mistakes")
    assert any("no-visited-set and visits-twice give the same results on the hidden cases of students" in line
               for line in lines), lines
    assert {row.mistake: row.confused for row in report.rows}["visits-twice"] == "no-visited-set"


def test_a_recogniser_that_reads_the_read_table_as_a_tuple_is_named(tmp_path):
    _, lines = problem_lines(tmp_path, "engine", "recogniser-reads-a-tuple")
    assert any(line.startswith("assignments/engine/mistakes.py: the recogniser of backward-not-seeded for "
                               "Value.backward: raised KeyError: 4 on the reference's results")
               for line in lines), lines


def test_a_scenario_that_reads_an_object_is_named(tmp_path):
    _, lines = problem_lines(tmp_path, "engine", "reads-an-object")
    assert any(line.startswith("assignments/engine/assignment.toml: the scenario of Value.backward: reads e as a "
                               "Value, which is not plain data, on its hidden case 0 of student ''")
               for line in lines), lines


def test_a_reference_that_changes_a_scenarios_inputs_is_named_by_the_inputs_name(tmp_path):
    _, lines = problem_lines(tmp_path, "layers", "reference-changes-inputs")
    for function in ("affine_forward", "affine_backward"):
        assert any(line.startswith(f"assignments/layers/reference.py: {function}: the reference changes its "
                                   f"arguments (x) on its hidden case 0 of student ''") for line in lines), lines


# ----- a mistake named by the error it raises ----------------------------------------------------------

RAISES = '''
from backprop_course.course.recognisers import raises
RECOGNISERS["value-attribute"] = (("Value.__mul__", raises(r"AttributeError: .* has no attribute 'value'")),)
'''
RAISES_ENTRY = '\n[[mistakes]]\nid = "value-attribute"\nhint = "A Value keeps its number in .data."\n'
VALUE = (FOLDERS / "engine" / "reference.py").read_text()


@pytest.fixture(scope="module")
def raising_course(tmp_path_factory):
    course = folder_course(tmp_path_factory.mktemp("raises"), "engine")
    with (course.assignment_folder / "mistakes.py").open("a") as mistakes:
        mistakes.write(RAISES)
    with (course.assignment_folder / "assignment.toml").open("a") as toml:
        toml.write(RAISES_ENTRY)
    return course


def test_an_error_that_a_raises_recogniser_matches_names_its_mistake(raising_course):
    contract = raising_course.contract
    code = VALUE.replace("out = Value(self.data * other.data, (self, other))",
                         "out = Value(self.data * other.value, (self, other))")
    verdicts = verdicts_of("Value.__mul__", code, contract=contract)
    assert [(verdict.points, verdict.failure.mistake) for verdict in verdicts] == [(0.0, "value-attribute")] * 2
    assert "has no attribute 'value'" in verdicts[0].failure.detail
    other = VALUE.replace("out = Value(self.data * other.data, (self, other))", "out = Value(self.data * other)")
    assert {verdict.failure.mistake for verdict in verdicts_of("Value.__mul__", other, contract=contract)} == {
        "raised-error"}


def test_check_assignment_lists_an_error_mistake_without_a_mutant(raising_course):
    report = check_assignment(raising_course)
    assert report.ok, "\n".join(report.lines())
    row = next(row for row in report.rows if row.mistake == "value-attribute")
    assert (row.hidden, row.before) == ("no mutant (property)", "-"), row


def test_checks_that_code_can_pass_without_the_work_are_noted(tmp_path):
    """A scenario that reads what the student's code gives less what it gives again expects 0 on
    every case, which code in the student's kernel can report (tests/test_object_attacks.py); a
    given helper may compute a graded function's result. A check that depends on its case, as all
    of autograd's do (their compositions played on stand-ins), is not noted."""
    course = REPO_COURSE.of("autograd")
    assert answerable_notes(Subject(course, course.contract), list(course.contract.functions)) == []
    constant = folder_course(tmp_path / "constant", "layers")
    toml = tmp_path / "constant" / ASSIGNMENTS_DIRECTORY / "layers" / "assignment.toml"
    read_out = '    { read = ["out"] },\n]\n\n[[notebooks.functions]]\nname = "affine_backward"'
    assert read_out in toml.read_text()
    toml.write_text(toml.read_text().replace(read_out, read_out.replace(
        '{ read = ["out"] }', '{ let = "zero", op = "-", args = ["$out", "$out"] },\n    { read = ["zero"] }')))
    notes = answerable_notes(Subject(constant, constant.contract), ["affine_forward", "affine_backward"])
    assert [note.split(":")[0] for note in notes] == ["affine_forward"], notes
    assert "its check values expect the same value on every hidden case" in notes[0]
    given = CourseDir(tmp_path / "given", assignment="tiny")
    write_starter(given, "tiny")
    folder = tmp_path / "given" / ASSIGNMENTS_DIRECTORY / "tiny"
    reference = folder / "reference.py"
    reference.write_text(reference.read_text() + '\n\ndef total_of_squares(x):\n    return float(np.dot(x, x))\n')
    contract_text = (folder / "assignment.toml").read_text()
    (folder / "assignment.toml").write_text(contract_text.replace("given = []", 'given = ["total_of_squares"]'))
    notes = answerable_notes(Subject(given, given.contract), ["squared_norm"])
    assert [note.split(":")[0] for note in notes] == ["squared_norm"], notes
    assert "the given helper total_of_squares passes its check values" in notes[0]
