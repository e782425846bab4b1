"""An author's broken assignment: each authoring command says what is wrong in one line (the file,
the line, what to do), with no traceback unless --debug, exits non-zero, and runs no later step."""

from __future__ import annotations

import pytest

from backprop_course.authoring.build import build_notebook
from backprop_course.authoring.samples import build_samples
from backprop_course.cli import main
from backprop_course.course.author_errors import AuthorError
from backprop_course.course.paths import CourseDir

from .support.starter import NAME, edit, starter_course

CHECK_LINE = 'print("squared_norm: visible checks passed")'


@pytest.fixture
def tiny(tmp_path) -> CourseDir:
    return starter_course(tmp_path)


def line_of(course: CourseDir, filename: str, text: str) -> int:
    """The line of a file of the assignment that starts with text."""
    lines = (course.assignment_folder / filename).read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(text))


# (file, old text, new text, where the fault is within new (its line offset), what the line says)
FAULTS = [
    ("reference.py", "import numpy as np\n", "import numpy as np\nimport no_such_module\n", 1,
     "importing it fails with ModuleNotFoundError: No module named 'no_such_module'; fix the file"),
    ("cases.py", "CASES = {", "CASES = {{", 0, "importing it fails with SyntaxError"),
    ("mistakes.py", "def _norm(x):", "def _norm(x)", 0, "importing it fails with SyntaxError"),
    ("assignment.toml", "points = 2\n", "points = = 2\n", 0, "not valid TOML: Invalid value (column 10); fix"),
    ("assignment.toml", 'signature = "(x)"\n', "", 0, "squared_norm: a required key is missing: 'signature'"),
    ("lessons/part1.py", "x_check = np.array([1.0, -2.0, 3.0])", "x_check = np.array([1.0, -2.0, 3.0]", 0,
     "the checks of squared_norm: SyntaxError: '(' was never closed; fix the syntax"),
    ("lessons/part1.py", CHECK_LINE, f"assert squared_norm(x_check) > 100.0\n{CHECK_LINE}", 0,
     "the checks of squared_norm failed on the reference: AssertionError; fix the check, or the reference's"),
    ("lessons/part1.py", '# %% exercise="squared_norm"\n', '# %% exercize="squared_norm"\n', 0,
     "unknown markers ['exercize']"),
]


# Each authoring command on each fault (the catalog reads no lesson).
CASES = [(command, *fault) for command in ("build-source", "generate", "build", "catalog") for fault in FAULTS
         if command != "catalog" or not fault[0].startswith("lessons/")]


@pytest.mark.parametrize(("command", "filename", "old", "new", "offset", "message"), CASES,
                         ids=[f"{case[0]}-{case[1]}:{case[5][:30]}" for case in CASES])
def test_a_fault_is_one_line_naming_file_and_line_and_no_later_step_runs(tiny, capsys, command, filename, old, new,
                                                                        offset, message):
    line = edit(tiny, filename, old, new) + offset
    if filename == "assignment.toml" and not new:  # a key removed: the line of its function's entry
        line = line_of(tiny, filename, 'name = "squared_norm"')
    code = main(["--course-dir", str(tiny.root), command, *([] if command == "catalog" else ["--assignment", NAME])])
    out, err = capsys.readouterr()
    assert code == 1
    assert len(out.splitlines()) == 1, out
    assert f"assignments/{NAME}/{filename}:{line}: " in out and message in out, out
    assert "Traceback" not in out + err
    assert not (tiny.root / "release").exists(), "no step after the failed one ran"


def test_with_debug_the_traceback_shows(tiny):
    edit(tiny, "reference.py", "import numpy as np\n", "import numpy as np\nimport no_such_module\n")
    with pytest.raises(AuthorError, match="no_such_module") as raised:
        main(["--course-dir", str(tiny.root), "--debug", "build-source"])
    assert isinstance(raised.value.__cause__, ModuleNotFoundError)
    with pytest.raises(AuthorError):  # after the command too
        main(["--course-dir", str(tiny.root), "build-source", "--debug"])


def test_a_check_that_fails_inside_the_reference_names_both_lines(tiny, capsys):
    check = edit(tiny, "lessons/part1.py", CHECK_LINE, f'squared_norm("a string")\n{CHECK_LINE}')
    assert main(["--course-dir", str(tiny.root), "build-source"]) == 1
    out = capsys.readouterr().out
    assert f"lessons/part1.py:{check}: the checks of squared_norm failed on the reference: ValueError" in out
    assert f"(raised at reference.py:{line_of(tiny, 'reference.py', '    return float(')})" in out, out


def test_blank_lines_between_cells_are_layout_not_markers(tiny):
    notebook = tiny.contract.notebooks[0]
    plain = build_notebook(tiny, notebook)
    edit(tiny, "lessons/part1.py", "\n# %% given=true\n", "\n\n\n# %% given=true\n\n")
    edit(tiny, "lessons/part1.py", "\n# %% [markdown] exercise=", "# %% [markdown] exercise=")
    assert build_notebook(tiny, notebook) == plain


def test_a_sample_that_does_not_parse_is_named_with_its_line(tiny):
    line = edit(tiny, "samples/solution.py", "def squared_norm(x):", "def squared_norm(x:")
    with pytest.raises(AuthorError) as raised:
        build_samples(tiny)
    assert str(raised.value).startswith(f"{tiny.sample_answers / 'solution.py'}:{line}: a sample student's answers: "
                                        "SyntaxError")
