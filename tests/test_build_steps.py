"""The build writes only what changed: an edited lesson rebuilds its own notebook (nbgrader runs that
solution alone), the files are what a full build writes, and a step that fails stops the
assignment's later steps until it is fixed."""

from __future__ import annotations

import pytest

from backprop_course.authoring.build import build_source
from backprop_course.cli import main
from backprop_course.commands.generate import generate, out_of_date
from backprop_course.commands.steps import run_steps
from backprop_course.course.author_errors import AuthorError
from backprop_course.course.paths import CourseDir

from .support import REPO_COURSE, course_copy
from .support.starter import NAME, edit, starter_course
from .test_generated_files import normalised

PARAGRAPH = "One matrix product does all the"


def test_the_committed_release_and_solutions_are_up_to_date():
    for name in REPO_COURSE.assignment_names:
        assert out_of_date(REPO_COURSE.of(name)) == [], f"run `make notebooks`: release/{name} or solutions/{name}"


def test_an_edited_lesson_puts_only_its_own_notebook_out_of_date(tmp_path):
    course = course_copy(tmp_path / "course")
    lesson = course.lessons / "single_neuron.py"
    lesson.write_text(lesson.read_text().replace(PARAGRAPH, "A single matrix product does all the"))
    assert build_source(course) == [course.source / "single_neuron.ipynb"]
    assert build_source(course) == []
    assert out_of_date(course) == ["single_neuron"]
    # A hint is in the helper module beside every notebook: the whole assignment is out of date.
    contract = course.assignment_folder / "assignment.toml"
    contract.write_text(contract.read_text().replace('hint = "', 'hint = "Look again. ', 1))
    assert course.source / course.contract.helper_file in build_source(course)
    assert out_of_date(course) is None


@pytest.mark.slow
def test_a_rebuild_runs_what_changed_stops_at_a_failing_solution_and_writes_what_a_full_build_writes(tmp_path,
                                                                                                     capsys):
    course = starter_course(tmp_path / "course")

    def build() -> tuple[int, list[str]]:
        code = main(["--course-dir", str(course.root), "build"])
        return code, capsys.readouterr().out.splitlines()

    code, lines = build()
    assert code == 0 and f"wrote release/{NAME}/part1.ipynb" in lines and "wrote docs/mistakes.md" in lines
    assert build() == (0, [f"{NAME}: up to date"])

    line = edit(course, "lessons/part1.py", 'print("squared_norm: visible checks passed")\n',
                'print("squared_norm: visible checks passed")\n\n# %% id="demo"\nundefined_name + 1\n') + 2
    failure = (f"{NAME}: generate failed: assignments/{NAME}/lessons/part1.py:{line}: the cell 'demo' raised "
               f"NameError: name 'undefined_name' is not defined when nbgrader ran the solution "
               f"(solutions/{NAME}/part1.ipynb); fix that cell, or the reference, then build again")
    assert build() == (1, [f"wrote source/{NAME}/part1.ipynb", failure])
    assert build() == (1, [failure]), "the failure is not forgotten on the next build"

    edit(course, "lessons/part1.py", "undefined_name + 1\n", "print('demo')\n")
    code, lines = build()
    assert code == 0 and lines == [f"wrote source/{NAME}/part1.ipynb", f"wrote release/{NAME}/part1.ipynb",
                                   f"wrote solutions/{NAME}/part1.ipynb", f"wrote samples/solution/{NAME}/part1.ipynb"]
    built = {folder: (course.root / folder / NAME / "part1.ipynb") for folder in ("release", "solutions")}
    incremental = (built["release"].read_bytes(), normalised(built["solutions"]))
    generate(course)  # every notebook, as before this build only regenerated what changed
    assert incremental == (built["release"].read_bytes(), normalised(built["solutions"]))


def _pipeline(tmp_path, trap: bool):
    """Three toy steps of one course: a check that only reads (and finds a trap, with trap), a
    step that writes into out/ meanwhile, and a last step."""
    course = CourseDir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("before")

    def check(course):
        if trap:
            error = AuthorError("1 problem", "assignments/x/reference.py")
            error.details = ("assignments/x/reference.py: f: a trap",)
            raise error
        return []

    def write(course):
        (out / "kept.txt").write_text("after")
        (out / "new.txt").write_text("new")
        return [out / "kept.txt", out / "new.txt"]

    steps = [("check", check), ("write", write), ("last", lambda course: [out / "last"])]
    return list(run_steps(course, steps, {"check": lambda course: (out,)})), out


def test_a_check_beside_the_next_step_that_finds_a_trap_undoes_that_step_and_stops(tmp_path):
    done, out = _pipeline(tmp_path, trap=True)
    assert [name for name, _ in done] == ["check"]
    assert str(done[0][1]) == "assignments/x/reference.py: 1 problem"
    assert done[0][1].details == ("assignments/x/reference.py: f: a trap",)
    assert sorted(path.name for path in out.iterdir()) == ["kept.txt"] and (out / "kept.txt").read_text() == "before"


def test_a_check_beside_the_next_step_that_passes_keeps_its_writes_in_order(tmp_path):
    done, out = _pipeline(tmp_path, trap=False)
    assert done == [("check", []), ("write", [out / "kept.txt", out / "new.txt"]), ("last", [out / "last"])]
    assert (out / "kept.txt").read_text() == "after" and (out / "new.txt").is_file()


def test_a_step_beside_the_next_that_breaks_is_an_error_of_the_build(tmp_path):
    def broken(course):
        raise KeyError("a bug")

    steps = [("check", broken), ("write", lambda course: [])]
    with pytest.raises(RuntimeError, match="(?s)check failed: .*KeyError: 'a bug'"):
        list(run_steps(CourseDir(tmp_path), steps, {"check": lambda course: ()}))
