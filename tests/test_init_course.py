"""The package goes into an existing course: a course made by `nbgrader quickstart`, the wheel
installed in a fresh venv (no repository around it), `backprop-course init` run twice (the second
changes nothing), then the quickstart's own ps1 and our backprop released and graded in the same
course by `nbgrader autograde`: ps1 exactly as plain nbgrader grades it, backprop as the sample
students must score."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.commands.init_course import BEGIN
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .support import REPO_COURSE, REPO_ROOT
from .support.wheel_venv import wheel_venv

pytestmark = pytest.mark.slow

ASSIGNMENT = "backprop"
PS1 = "ps1"


def hashes(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def run(venv, program: str, *arguments: str, cwd: Path) -> str:
    done = subprocess.run([venv.bin(program), *arguments], cwd=cwd, env=venv.env(cwd.parent), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"{program} {' '.join(arguments)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def submit_ps1(course: Path) -> None:
    """`solver` hands in the quickstart's source (its solutions), `blank` the release as it is."""
    for student, origin in (("solver", course / "source" / PS1), ("blank", course / "release" / PS1)):
        target = course / "submitted" / student / PS1
        shutil.copytree(origin, target)
        (target / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC\n")


def ps1_scores(venv, course: Path) -> dict:
    run(venv, "nbgrader", "generate_assignment", PS1, cwd=course)
    submit_ps1(course)
    run(venv, "nbgrader", "autograde", PS1, cwd=course)
    return notebook_scores(f"sqlite:///{course / 'gradebook.db'}", PS1)


@pytest.fixture(scope="module")
def venv():
    found = wheel_venv()
    if isinstance(found, str):
        pytest.skip(found)
    return found


def test_init_adds_our_assignments_to_a_quickstart_course_and_both_kinds_grade_right(venv):
    work = Path(tempfile.mkdtemp(prefix="backprop-init-"))
    try:
        run(venv, "nbgrader", "quickstart", "course", cwd=work)
        course, plain = work / "course", work / "plain"
        shutil.copytree(course, plain)  # the same course, graded by plain nbgrader
        before, config_before = hashes(course), (course / "nbgrader_config.py").read_text()

        said = run(venv, "backprop-course", "init", cwd=course)
        assert "added assignments/backprop/" in said and "added source/classification/" in said
        after = hashes(course)
        unchanged = 2 * len(REPO_COURSE.assignment_names) + 1  # assignments/ and source/ of each, the config
        assert run(venv, "backprop-course", "init", cwd=course).count("unchanged") == unchanged
        assert hashes(course) == after, "a second init changed the course"

        # the rest of the course as it was; the config only appended to, once
        assert {name: digest for name, digest in after.items() if name in before} == {
            **before, "nbgrader_config.py": after["nbgrader_config.py"]}
        config = (course / "nbgrader_config.py").read_text()
        assert config.startswith(config_before) and config.count(BEGIN) == 1
        # the assignments came from the installed wheel, exactly the repository's
        for folder in ("assignments", "source"):
            for name in REPO_COURSE.assignment_names:
                assert hashes(course / folder / name) == hashes(REPO_ROOT / folder / name), (folder, name)
        where = run(venv, "python", "-c", "from backprop_course.course.shipped import shipped_root; "
                                          "print(shipped_root())", cwd=course)
        assert where.strip().startswith(str(venv.root)), where

        # ps1: our grading in the sandbox gives what plain nbgrader gives
        ours, theirs = ps1_scores(venv, course), ps1_scores(venv, plain)
        assert ours == theirs and theirs["blank"] != theirs["solver"]
        assert all(score.auto_score == 0 for score in theirs["blank"].values())

        # backprop: released in this course (its header included) and graded by its contract
        run(venv, "nbgrader", "generate_assignment", ASSIGNMENT, cwd=course)
        release = course / "release" / ASSIGNMENT
        for student in ("alice", "bob"):
            answers = answers_from_source((REPO_COURSE.of(ASSIGNMENT).sample_answers / f"{student}.py").read_text())
            write_submission(release, answers, course / "submitted" / student / ASSIGNMENT)
        graded = run(venv, "nbgrader", "autograde", ASSIGNMENT, cwd=course)
        assert "isolation: " in graded  # the host's line, before the first student
        scores = notebook_scores(f"sqlite:///{course / 'gradebook.db'}", ASSIGNMENT)
        expected = expected_scores(REPO_COURSE.of(ASSIGNMENT))
        for student in ("alice", "bob"):
            assert {name: score.auto_score for name, score in scores[student].items()} == pytest.approx(
                expected[student]), student
    finally:
        shutil.rmtree(work, ignore_errors=True)
