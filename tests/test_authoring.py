"""The lesson build: markers, known values written as literals, placeholders, and what it refuses."""

from __future__ import annotations

import functools
import shutil

import numpy as np
import pytest

from backprop_course.authoring.build import build_notebook
from backprop_course.authoring.build_time import CheckCodeError, evaluate_check
from backprop_course.authoring.known import LINE_WIDTH, literal
from backprop_course.authoring.known import known as known_of
from backprop_course.authoring.lesson import LessonError
from backprop_course.course.numerics import rel_error
from backprop_course.course.paths import CourseDir

from .support import REPO_COURSE, course_copy
from .support.backprop import CONTRACT, SINGLE_NEURON, Known, check_result, reference

# known() as the build binds it to the assignment whose lessons it builds.
known = functools.partial(known_of, CONTRACT)


@pytest.fixture
def lesson_course(tmp_path) -> CourseDir:
    """A course folder with only the assignment's folder (its contract, code and lessons), to edit."""
    shutil.copytree(REPO_COURSE.assignment_folder, tmp_path / "assignments" / REPO_COURSE.assignment)
    return CourseDir(tmp_path)


def edit_lesson(course: CourseDir, old: str, new: str) -> None:
    path = course.lessons / "single_neuron.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("value", [
    0.1, -2.5e-300, 3, np.float64(1 / 3), np.array(0.25), np.arange(5.0) / 7, np.linspace(-1, 1, 40).reshape(5, 8),
    (np.ones(3) / 3, 0.5), {"W1": np.full((2, 60), 1 / 7), "b1": np.zeros(60)}, [1.0, [2.0, 3.0]], ("id", ...),
])
def test_a_literal_evaluates_to_the_same_value_to_its_digits_and_keeps_lines_short(value):
    text = literal(value)
    again = eval(text, {"np": np})  # noqa: S307 - our own literal
    assert type(again) is type(value) or isinstance(value, np.floating)
    pairs = list(zip(_leaves(again), _leaves(value), strict=True))
    for (where, got), (_, wanted) in pairs:
        assert np.shape(got) == np.shape(wanted), where
        if wanted is Ellipsis or isinstance(wanted, str):
            assert got == wanted
        else:  # 10 significant digits: at most 5e-10 relative (rel_error halves it), far below the tolerances
            assert rel_error(got, wanted) <= 2.5e-10, where
    assert max(len(line) for line in text.splitlines()) <= LINE_WIDTH


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key in value:
            yield from _leaves(value[key], (*path, key))
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def test_known_calls_are_run_on_the_reference_and_written_as_literals():
    namespace = {"np": np, "sigmoid_prime": reference.sigmoid_prime, "check_result": check_result}
    source = "z_check = np.array([0.0, 2.0])\ncheck_result(sigmoid_prime(z_check), known(sigmoid_prime, z_check))\n"
    written = evaluate_check(source, namespace, "a check", known)
    assert "known(" not in written
    assert written.startswith('z_check = np.array([0.0, 2.0])\ncheck_result(sigmoid_prime(z_check), Known(\n'
                              '    "sigmoid_prime",\n    np.array([0.25, 0.1049935854]),\n    mistakes=[\n'
                              '        ("sigprime-returns-sigmoid", np.array([0.5, 0.880797078])),\n')
    value = eval(written.split("check_result(sigmoid_prime(z_check), ", 1)[1].rsplit(")", 1)[0],  # noqa: S307
                 {"np": np, "Known": Known})
    assert [mistake for mistake, _ in value.mistakes] == [
        "sigprime-returns-sigmoid", "sigprime-on-preactivation", "sigprime-applied-twice"]


def test_known_keeps_each_mistake_that_differs_from_the_reference_on_the_example_once():
    # On z = 0 the pre-activation mistake gives 0 * (1 - 0) = 0, which differs; all three are kept.
    assert len(known(reference.sigmoid_prime, np.zeros(1)).mistakes) == 3
    # Both loss-not-squared mutants give |y_hat - y| = y_hat - y on this example: kept once.
    found = known(reference.mse_loss, np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    assert [mistake for mistake, _ in found.mistakes].count("loss-not-squared") == 1
    # A partial prediction (params right, losses anything) is kept though it matches the expected result.
    trained = known(reference.train_mlp, np.ones((3, 2)), np.ones(3), [2, 2, 1], 0.5, 3, seed=1)
    assert ("train-wrong-loss-history" in [mistake for mistake, _ in trained.mistakes])


def test_a_known_call_that_runs_twice_or_never_is_refused():
    namespace = {"np": np, "sigmoid_prime": None}
    with pytest.raises(CheckCodeError, match="more than once"):
        evaluate_check("for z in (0.0, 1.0):\n    known(abs, z)\n", namespace, "loop", lambda f, *a: f(*a))
    with pytest.raises(CheckCodeError, match="never ran"):
        evaluate_check("if False:\n    known(abs, 1.0)\n", namespace, "dead", lambda f, *a: f(*a))


def test_a_check_that_fails_on_the_reference_stops_the_build(lesson_course):
    edit_lesson(lesson_course, 'print("mse_loss: visible checks passed")', 'assert loss_check > 1.0\nprint("")')
    with pytest.raises(CheckCodeError, match="the checks of mse_loss failed on the reference: AssertionError"):
        build_notebook(lesson_course, SINGLE_NEURON)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('# %% exercise="mse_loss"', '# %% exercize="mse_loss"', "unknown markers"),
    ('# %% [markdown] exercise="dloss_dyhat"', '# %% [markdown] exercise="sigmoid_prime"', "in this order"),
    ('# %% [markdown] id="lesson_loss_overview"', "# %% [markdown]", "needs an id"),
    ("# {{ points_table }}", "# {{ points_tabel }}", "unknown placeholders"),
    ("# %% given=true", '# %% id="imports"', "exactly one code cell marked given"),
])
def test_a_lesson_with_wrong_markers_is_refused_with_the_reason(lesson_course, old, new, message):
    edit_lesson(lesson_course, old, new)
    with pytest.raises(LessonError, match=message):
        build_notebook(lesson_course, SINGLE_NEURON)


def test_the_build_reads_the_lessons_of_the_course_it_acts_on(tmp_path):
    course = course_copy(tmp_path / "course")
    edit_lesson(course, "# # Backpropagation for one sigmoid neuron", "# # A retitled notebook")
    built = build_notebook(course, SINGLE_NEURON)
    assert built.cells[0].source.startswith("# A retitled notebook\n")
    assert "| `dloss_dyhat(y_hat, y)` | 2 |" in built.cells[0].source
    assert "{{" not in built.cells[0].source
