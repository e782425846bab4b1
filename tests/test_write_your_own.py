"""docs/authoring.md's "Write your own assignment": its commands, run as printed in a copy of the course,
start a third assignment that builds and grades beside the shipped ones."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from backprop_course.authoring.samples import write_submission
from backprop_course.commands.new_assignment import NewAssignmentError, new_assignment
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .support import REPO_COURSE, REPO_ROOT, course_copy
from .support.sandbox import needs_sandbox

BIN_DIR = Path(sys.executable).parent
GUIDE = REPO_ROOT / "docs" / "authoring.md"
SECTION = "## Write your own assignment"
MISTAKEN = "def squared_norm(x):\n    return float(np.linalg.norm(x))"


def guide_commands() -> list[str]:
    """The lines of the first bash block of the guide's section."""
    section = GUIDE.read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, f"{GUIDE.name}'s {SECTION!r} has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


@pytest.mark.slow
@needs_sandbox
def test_the_guide_starts_an_assignment_that_builds_and_grades(tmp_path):
    course = course_copy(tmp_path / "course")
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}")
    for line in guide_commands():
        done = subprocess.run(["bash", "-c", line], cwd=course.root, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    tiny = course.of("tiny")
    assert course.assignment_names == sorted([*REPO_COURSE.assignment_names, "tiny"])
    assert course.assignment == REPO_COURSE.assignment
    assert notebook_scores(course.db_url, "tiny")["solution"]["part1"].auto_score == 2.0
    check = next(cell for cell in nbformat.read(tiny.release / "part1.ipynb", as_version=4).cells
                 if cell.id == "check_squared_norm")
    assert '("norm-not-squared", ' in check.source  # the released check names the starter's mistake
    assert "`norm-not-squared`" in (course.docs / "mistakes.md").read_text()

    write_submission(tiny.release, {"answer_squared_norm": MISTAKEN}, course.submission("mistaken", "tiny"))
    for app in ("autograde", "generate_feedback"):
        done = subprocess.run([str(BIN_DIR / "nbgrader"), app, "tiny", "--force"], cwd=course.root, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    scores = notebook_scores(course.db_url, "tiny")
    assert scores["mistaken"]["part1"].auto_score == 1.0  # a float, of the wrong value
    page = (course.feedback / "mistaken" / "tiny" / "part1.html").read_text()
    assert "[norm-not-squared]" in page and "without the square root" in page


def test_a_new_assignment_needs_a_fresh_valid_name(tmp_path):
    course = course_copy(tmp_path / "course")
    for name, message in [("Tiny", "lowercase"), ("2nd", "starting with a letter"), ("a-b", "lowercase"),
                          (REPO_COURSE.assignment, "already has")]:
        with pytest.raises(NewAssignmentError, match=message):
            new_assignment(course, name)
    assert course.assignment_names == REPO_COURSE.assignment_names  # nothing was written
