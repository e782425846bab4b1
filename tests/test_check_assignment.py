"""`backprop-course check-assignment`: a small assignment written here, with the traps of issue 28
put in one at a time (a reference or a given helper that changes its arguments, a recogniser that
reads plain data as the reference's tuples, a reference gradient that is not its loss's, two
mistakes that cannot be told apart), each named by the check; the fixed version passes, and so do the shipped
assignments. The table is checked against the contract, the grader's log against a recogniser
that raises, and the build and the command once each through the command line."""

from __future__ import annotations

import logging
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from backprop_course.authoring.assignment_check import check_assignment
from backprop_course.authoring.assignment_check.run import NO_MUTANT
from backprop_course.authoring.assignment_check.subject import Subject
from backprop_course.cli import main
from backprop_course.course.paths import CourseDir
from backprop_course.course.plain import same_structure, to_plain
from backprop_course.course.recognisers import close

from .support.assignments import ASSIGNMENTS, course_of

NAME = "traps"
CONTRACT = '''
name = "traps"
helper_module = "traps_checks"

[tolerances]
rel_tolerance = 1e-7
fd_step = 1e-5
cases_per_function = 4

[[notebooks]]
name = "optim"
given = ["decay"]

[[notebooks.functions]]
name = "momentum_step"
signature = "(w, dw, config)"
points = 2
public_example = 'np.ones(2), np.ones(2), {"learning_rate": 0.1, "momentum": 0.9, "velocity": np.ones(2)}'
checks = [
    { name = "shape", points = 1, kind = "structure", title = "shapes" },
    { name = "values", kind = "values", title = "values" },
]

[[notebooks.functions]]
name = "quadratic_grad"
signature = "(w, A)"
points = 1
public_example = "np.ones(2), np.array([[1.0, 2.0], [0.0, 1.0]])"
gradient_of = { loss = "0.5 * w @ A @ w", wrt = "w" }
checks = [{ name = "values", kind = "values", title = "values" }]

[[mistakes]]
id = "momentum-sign-flipped"
hint = "The step adds the gradient."

[[mistakes]]
id = "velocity-not-decayed"
hint = "The old velocity is not multiplied by the momentum."

[[mistakes]]
id = "velocity-not-stored"
hint = "The config you return still holds the old velocity."

[[mistakes]]
id = "grad-not-symmetrised"
hint = "The gradient of w.A.w / 2 is (A + A.T) w / 2."
'''
REFERENCE = '''
import numpy as np


def decay(velocity, momentum):
    """The velocity, decayed (a given helper)."""
    return momentum * velocity


def momentum_step(w, dw, config):
    """SGD with momentum: the new weights and the config with the new velocity."""
    ### BEGIN SOLUTION
    config = dict(config)
    velocity = decay(config["velocity"], config["momentum"]) - config["learning_rate"] * dw
    config["velocity"] = velocity
    return w + velocity, config
    ### END SOLUTION


def quadratic_grad(w, A):
    """The gradient of w.A.w / 2 with respect to w."""
    ### BEGIN SOLUTION
    return 0.5 * (A + A.T) @ w
    ### END SOLUTION
'''
CASES = '''
import numpy as np


def _step(rng, case):
    size = int(rng.integers(2, 6))
    config = {"learning_rate": float(rng.uniform(0.01, 0.5)), "momentum": float(rng.uniform(0.5, 0.95)),
              "velocity": rng.normal(size=size)}
    return rng.normal(size=size), rng.normal(size=size), config


def _quadratic(rng, case):
    size = int(rng.integers(2, 6))
    return rng.normal(size=size), rng.normal(size=(size, size))


CASES = {"momentum_step": _step, "quadratic_grad": _quadratic}
'''
MISTAKES = '''
from backprop_course.course.recognisers import Recogniser, close, mutant


def _sign_flipped(w, dw, config):
    velocity = config["momentum"] * config["velocity"] + config["learning_rate"] * dw
    config["velocity"] = velocity  # in place, as many students write it
    return w + velocity, config


def _not_decayed(w, dw, config):
    velocity = config["velocity"] - config["learning_rate"] * dw
    config["velocity"] = velocity
    return w + velocity, config


def _velocity_not_stored(cases, expected, actual):
    """The new weights right, the config returned as it came in."""
    return all(close(got, [wanted[0], config]) for (_, _, config), wanted, got in zip(cases, expected, actual))


def _stale_config(args, expected):
    return [(expected[0], args[2])]


RECOGNISERS = {
    "momentum-sign-flipped": (("momentum_step", mutant(_sign_flipped)),),
    "velocity-not-decayed": (("momentum_step", mutant(_not_decayed)),),
    "velocity-not-stored": (("momentum_step", Recogniser(_velocity_not_stored, _stale_config)),),
    "grad-not-symmetrised": (("quadratic_grad", mutant(lambda w, A: A @ w)),),
}
'''
LESSON = '''
# %% [markdown] id="intro"
# # Traps

# %% given=true
import numpy as np

# %% [markdown] exercise="momentum_step"
# ## Momentum

# %% exercise="momentum_step"
config_check = {"learning_rate": 0.1, "momentum": 0.9, "velocity": np.array([1.0, -2.0])}
w_check, dw_check = np.array([0.5, 1.0]), np.array([2.0, -1.0])
expected = known(momentum_step, w_check, dw_check, config_check)
check_result(momentum_step(w_check, dw_check, config_check), expected)
print("momentum_step: visible checks passed")

# %% [markdown] exercise="quadratic_grad"
# ## The gradient of a quadratic form

# %% exercise="quadratic_grad"
A_check = np.array([[1.0, 2.0], [0.0, 3.0]])
w_check = np.array([1.0, -1.0])
check_result(quadratic_grad(w_check, A_check), known(quadratic_grad, w_check, A_check))
print("quadratic_grad: visible checks passed")
'''
# Each trap: the file it is put into, and (what the fixed file says, what the trap makes of it).
TRAPS = {
    "changes-arguments": ("reference.py", ("    config = dict(config)\n", "")),
    "recogniser-raises": ("mistakes.py", ("close(got, [wanted[0], config])", "close(got, wanted[:1] + (config,))")),
    "helper-changes-arguments": ("reference.py", ("    return momentum * velocity\n",
                                                  "    velocity *= momentum\n    return velocity\n")),
    "wrong-gradient": ("reference.py", ("return 0.5 * (A + A.T) @ w", "return A @ w")),
    "twin-mistakes": ("mistakes.py", ('    "grad-not-symmetrised"',
                                      '    "velocity-twice": (("momentum_step", mutant(_not_decayed)),),\n'
                                      '    "grad-not-symmetrised"')),
}
TWIN = '[[mistakes]]\nid = "velocity-twice"\nhint = "The same mistake again."\n'


def write_assignment(root: Path, trap: str = "") -> CourseDir:
    """The traps assignment in a course at root, fixed, or with one of TRAPS put in."""
    files = {"assignment.toml": CONTRACT, "reference.py": REFERENCE, "cases.py": CASES, "mistakes.py": MISTAKES,
             "lessons/optim.py": LESSON}
    if trap:
        filename, (fixed, trapped) = TRAPS[trap]
        assert fixed in files[filename]
        files[filename] = files[filename].replace(fixed, trapped)
    if trap == "twin-mistakes":
        files["assignment.toml"] += TWIN
    folder = root / "assignments" / NAME
    for filename, text in files.items():
        (folder / filename).parent.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return CourseDir(root, assignment=NAME)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    course = write_assignment(tmp_path_factory.mktemp("fixed"))
    return course, check_assignment(course)


def trapped(tmp_path: Path, trap: str):
    report = check_assignment(write_assignment(tmp_path, trap))
    assert not report.ok
    return report, [problem.line() for problem in report.problems]


def assert_table_follows_the_contract(course: CourseDir, report) -> None:
    """A row per catalog mistake, in order, with the functions its recognisers and checks name."""
    contract = course.contract
    assert [row.mistake for row in report.rows] == [mistake.id for mistake in contract.own_mistakes]
    for row, mistake in zip(report.rows, contract.own_mistakes):
        charged = [name for name, charged in contract.inputs_mistakes().items() if charged == mistake.id]
        assert set(row.functions) == {name for name, _ in mistake.recognisers} | set(charged)
    table = report.table()
    assert len(table) == 1 + len(contract.own_mistakes)
    assert all(line.startswith(row.mistake) for line, row in zip(table[1:], report.rows))


def test_the_fixed_assignment_passes(fixed):
    course, report = fixed
    assert report.ok, "\n".join(report.lines())
    assert_table_follows_the_contract(course, report)
    for row in report.rows:
        assert row.hidden == "yes" and row.before == "named" and row.confused == "-", row
    assert any(note.startswith("finite differences: quadratic_grad against centred differences on")
               for note in report.notes), report.notes


def test_a_reference_that_changes_its_arguments_is_named_and_nothing_else(tmp_path):
    """Trap 1: the mutants still get their own ids (the grader and the recognisers run on copies);
    the one problem is the reference's, with its file, function and argument."""
    report, lines = trapped(tmp_path, "changes-arguments")
    assert lines == [f"assignments/{NAME}/reference.py: momentum_step: the reference changes its arguments (config) "
                     "on its hidden case 0 of student ''; work on a copy (x = x.copy(), d = dict(d)) and return "
                     "what changes"], lines
    assert all(row.hidden == "yes" for row in report.rows), report.rows


def test_a_given_helper_that_changes_its_arguments_is_named(tmp_path):
    """The reference that calls it changes its arguments too, through it."""
    _, lines = trapped(tmp_path, "helper-changes-arguments")
    assert sorted(line.split(": ", 2)[1] for line in lines) == ["given helper decay", "momentum_step"], lines
    helper = next(line for line in lines if ": given helper decay: " in line)
    assert "changes its arguments (velocity), called by momentum_step on its hidden case 0 of student ''" in helper


def test_a_recogniser_that_raises_on_plain_data_is_named(tmp_path):
    """Trap 2: the recogniser adds a tuple to the plain result (a list)."""
    report, lines = trapped(tmp_path, "recogniser-raises")
    raised = [line for line in lines if "raised" in line]
    assert len(raised) == 1, lines
    assert raised[0].startswith(f"assignments/{NAME}/mistakes.py: the recogniser of velocity-not-stored for "
                                "momentum_step: raised TypeError: ")
    assert "hidden case 0 of student ''" in raised[0] and "tuples arrive as lists" in raised[0]
    row = next(row for row in report.rows if row.mistake == "velocity-not-stored")
    assert row.hidden.startswith("named "), row  # what grading names it instead


def test_a_reference_gradient_that_is_not_its_loss_gradient_is_named(tmp_path):
    report, lines = trapped(tmp_path, "wrong-gradient")
    assert any(line.startswith(f"assignments/{NAME}/reference.py: quadratic_grad: its gradient of w differs from "
                               "centred differences of 0.5 * w @ A @ w") for line in lines), lines
    # Its one mutant is now the reference: the hidden cases cannot catch it.
    assert next(row for row in report.rows if row.mistake == "grad-not-symmetrised").hidden == "no"


def test_mistakes_that_cannot_be_told_apart_are_named(tmp_path):
    report, lines = trapped(tmp_path, "twin-mistakes")
    assert any("velocity-not-decayed and velocity-twice give the same results on the hidden cases of students"
               in line for line in lines), lines
    rows = {row.mistake: row for row in report.rows}
    assert rows["velocity-twice"].confused == "velocity-not-decayed"
    assert rows["velocity-not-decayed"].confused == "velocity-twice"
    assert_table_follows_the_contract(CourseDir(tmp_path, assignment=NAME), report)


@pytest.mark.slow  # seconds per assignment: each mutant through the judge
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_shipped_assignments_pass(assignment):
    course = course_of(assignment)
    report = check_assignment(course)
    assert report.ok, "\n".join(report.lines())
    assert_table_follows_the_contract(course, report)
    mutated = {mistake_id for mistake_id, _ in Subject(course, course.contract).mutants}
    for row in report.rows:
        assert row.hidden == ("yes" if row.mistake in mutated else NO_MUTANT), row


def test_grading_logs_a_recogniser_that_raises(tmp_path, caplog):
    """At grading time the recogniser's error is logged with the assignment, function, mistake id
    and exception, and the grader goes on to the next recogniser."""
    contract = write_assignment(tmp_path, "recogniser-raises").contract
    cases = contract.hidden_cases("momentum_step")
    expected = [to_plain(contract.reference_function("momentum_step")(*case)) for case in contract.hidden_cases(
        "momentum_step")]
    stale = [[result[0], to_plain(case[2])] for result, case in zip(expected, cases)]
    with caplog.at_level(logging.DEBUG, logger="backprop_course.course.contract"):
        assert contract.diagnose("momentum_step", cases, expected, stale) is None
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1, caplog.records
    assert re.fullmatch(r"assignment traps, function momentum_step: the recogniser of mistake velocity-not-stored "
                        r"raised TypeError: .*", errors[0]), errors


def test_plain_data_helpers_read_tuples_as_lists():
    result = (np.ones(2), {"lr": 0.5})
    plain = to_plain(result)
    assert isinstance(plain, list) and same_structure(plain, result)
    assert close(plain, result) and close(result, plain) and close([1.0, 2.0], (1.0, 2.0 + 1e-12))
    assert not close(plain, (np.ones(2), {"lr": 0.6}))
    assert not same_structure([np.ones(2)], (np.ones(3),))


def test_the_command_and_the_build_stop_on_a_trap(tmp_path, capsys):
    write_assignment(tmp_path, "changes-arguments")
    assert main(["--course-dir", str(tmp_path), "check-assignment", NAME]) == 1
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].split() == ["mistake", "function", "caught", "by", "hidden", "cases", "caught", "before",
                                "submission", "confused", "with"]
    assert f"{NAME}: 1 problem" in shown and shown[-1].startswith(f"assignments/{NAME}/reference.py: momentum_step: ")
    assert main(["--course-dir", str(tmp_path), "build-source", "--assignment", NAME]) == 1
    shown = capsys.readouterr().out.splitlines()
    assert shown[-2].startswith(f"{NAME}: check-assignment failed: 1 problem ") and shown[-1].startswith(
        f"assignments/{NAME}/reference.py: momentum_step: the reference changes its arguments")
