"""The build writes only what changed: an edited lesson rebuilds its own notebook (nbgrader runs that
solution alone), the files are what a full build writes, and a step that fails stops the
assignment's later steps until it is fixed."""

from __future__ import annotations

import pytest

from backprop_course.authoring.build import build_source
from backprop_course.cli import main
from backprop_course.commands.generate import generate, out_of_date

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
