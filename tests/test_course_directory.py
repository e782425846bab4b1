"""Every command acts on the course directory it is run in, as nbgrader's apps do: a copy of the
course is graded and reported from its own folder, without --course-dir, leaving the original
untouched; the gradebook is the one the configuration or the command line names (PostgreSQL
with a plain postgresql:// URL included); and the package works installed from its wheel, not editable."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from backprop_course.authoring.samples import expected_scores
from backprop_course.commands.report import report_path
from backprop_course.nbgrader_glue.apps import BIN_DIR
from backprop_course.nbgrader_glue.course_config import open_course
from backprop_course.nbgrader_glue.gradebook import notebook_scores

from .support import REPO_COURSE, REPO_ROOT, course_copy
from .support.backprop import ASSIGNMENT, NOTEBOOKS
from .support.postgres import create_database, postgres_url  # noqa: F401
from .support.sandbox import needs_sandbox
from .support.wheel_venv import wheel_venv

pytestmark = [pytest.mark.slow, needs_sandbox]
SKIPPED = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under root but version control, environments and caches."""
    found = {}
    for path in sorted(root.rglob("*")):
        parts = set(path.relative_to(root).parts)
        if path.is_file() and not parts & SKIPPED and not any(part.endswith(".egg-info") for part in parts):
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def command(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ if env is None else env, PATH=f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([str(BIN_DIR / "backprop-course"), *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=900)


def auto_scores(db_url: str) -> dict[str, dict[str, float]]:
    return {student: {name: found.auto_score for name, found in notebooks.items()}
            for student, notebooks in notebook_scores(db_url, ASSIGNMENT).items()}


def test_a_copy_is_graded_and_reported_from_its_own_folder_and_the_original_is_untouched(tmp_path):
    before = tree_digest(REPO_ROOT)
    course = course_copy(tmp_path / "course")
    demo = command("demo", cwd=course.root)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    graded = command("autograde", ASSIGNMENT, "-j", "2", "--no-progress", cwd=course.root)
    assert "graded 3 submissions" in graded.stdout, graded.stdout + graded.stderr
    report = command("report", ASSIGNMENT, cwd=course.root)
    assert report.returncode == 0, report.stdout + report.stderr
    assert report_path(course, ASSIGNMENT).is_file() and course.gradebook.is_file()
    assert auto_scores(course.db_url) == expected_scores(course)
    assert tree_digest(REPO_ROOT) == before, "the original course was changed"


def test_demo_autograde_and_report_on_postgresql_with_a_plain_url(tmp_path, postgres_url):  # noqa: F811
    db_url = create_database(postgres_url, "course_directory")
    assert db_url.startswith("postgresql://")  # the form nbgrader's docs and our docs/instructors.md show
    course = course_copy(tmp_path / "course")
    option = f"--CourseDirectory.db_url={db_url}"
    demo = command("demo", option, cwd=course.root)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    graded = command("autograde", ASSIGNMENT, "--db-url", db_url, "-j", "2", "--no-progress", cwd=course.root)
    assert "graded 3 submissions" in graded.stdout, graded.stdout + graded.stderr
    report = command("report", ASSIGNMENT, option, cwd=course.root)
    assert report.returncode == 0, report.stdout + report.stderr
    assert not course.gradebook.exists(), "a SQLite gradebook was used"
    assert open_course(course.root, [option]).db_url == db_url
    assert auto_scores(db_url) == expected_scores(course)
    html = report_path(course, ASSIGNMENT).read_text()
    for student in ("alice", "bob", "carol"):
        assert student in html
    assert "27" in html  # alice's total, read from PostgreSQL


def test_class_trait_options_reach_the_grading(tmp_path):
    course = course_copy(tmp_path / "course")
    generated = command("generate", cwd=course.root)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    done = command("autograde", ASSIGNMENT, "--SandboxedGrading.cell_timeout=33", "--no-progress", cwd=course.root)
    assert "33 s per cell" in done.stdout.splitlines()[0], done.stdout + done.stderr
    wrong = command("autograde", ASSIGNMENT, "--not-an-option", cwd=course.root)
    assert wrong.returncode == 2 and "unrecognized arguments: --not-an-option" in wrong.stderr


def test_installed_without_editable_mode_it_works_from_any_course_directory(tmp_path):
    venv = wheel_venv()  # the wheel, installed in a venv of its own as an instructor installs it
    if isinstance(venv, str):
        pytest.skip(venv)
    env = venv.env(tmp_path)
    where = subprocess.run([venv.bin("python"), "-c", "import backprop_course; print(backprop_course.__file__)"],
                           env=env, capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.startswith(str(venv.root)), where.stdout + where.stderr
    course = course_copy(tmp_path / "course")
    for args in (["build-source"], ["demo"], ["report", ASSIGNMENT]):
        done = subprocess.run([venv.bin("backprop-course"), *args], cwd=course.root, env=env, capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    assert auto_scores(course.db_url) == expected_scores(course)
    for notebook in NOTEBOOKS:  # the lessons of the copy build the committed source notebooks
        assert (course.source / notebook.filename).read_text() == (REPO_COURSE.source / notebook.filename).read_text()
    feedback = (course.feedback / "bob" / ASSIGNMENT / "single_neuron.html").read_text()
    assert 'class="table table-condensed summary-table"' in feedback  # the installed package's template
