"""`backprop-course autograde`: concurrent grading gives what serial `nbgrader autograde` gives,
on a mixed batch; it runs on a Dask cluster with a PostgreSQL gradebook; an interrupted run
leaves no kernel and no half-recorded submission, and the next run grades cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.commands.autograde import autograde
from backprop_course.commands.demo import feedback, release
from backprop_course.commands.report.groups import class_groupings
from backprop_course.commands.report.prevalence import latest_findings
from backprop_course.nbgrader_glue.apps import BIN_DIR, nbgrader_batch
from backprop_course.nbgrader_glue.course_config import open_course
from backprop_course.nbgrader_glue.findings_table import read_findings
from backprop_course.nbgrader_glue.gradebook import cell_scores, notebook_scores

from .support import course_copy
from .support.backprop import ASSIGNMENT, CONTRACT, NOTEBOOKS, SINGLE_NEURON
from .support.batches import CAP_CONFIG, EXTRA_CELLS, SAMPLES, mixed_batch
from .support.postgres import postgres_url, use_new_database  # noqa: F401
from .support.released import release_by_copy
from .support.sandbox import needs_sandbox, sandboxed_kernels

pytestmark = [pytest.mark.slow, needs_sandbox]

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def twins(request, tmp_path_factory):
    """The same batch graded by serial `nbgrader autograde` and by `autograde --jobs 2`, each on a
    gradebook of its own (SQLite, or a PostgreSQL database)."""
    serial = course_copy(tmp_path_factory.mktemp("serial") / "course")
    parallel = course_copy(tmp_path_factory.mktemp("parallel") / "course")
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_url")
        for course, name in ((serial, "twins_serial"), (parallel, "twins_parallel")):
            use_new_database(course.root, server, name)
    serial, parallel = (open_course(course.root).of(ASSIGNMENT) for course in (serial, parallel))
    students = mixed_batch(serial)
    with open(parallel.root / "nbgrader_config.py", "a") as config:
        config.write(CAP_CONFIG)
    release_by_copy(parallel)  # nbgrader's own release where the gradebook is PostgreSQL
    shutil.copytree(serial.submitted, parallel.submitted)  # the very same files
    failed = nbgrader_batch("autograde", ASSIGNMENT, "--force", course=serial)
    lines = autograde(parallel, ASSIGNMENT, jobs=2, show=lambda text: None, progress=False)
    for course in (serial, parallel):
        feedback(course)
    return serial, parallel, students, failed, lines


def stored_findings(course) -> list[tuple]:
    return sorted((row.student, row.notebook, row.submitted, json.dumps(row.finding.record(), sort_keys=True))
                  for row in read_findings(course.db_url, ASSIGNMENT))


def test_concurrent_grading_gives_the_same_scores_cell_by_cell(twins):
    serial, parallel, students, _, _ = twins
    for student in students:
        ours = cell_scores(parallel.db_url, ASSIGNMENT, student)
        assert ours == cell_scores(serial.db_url, ASSIGNMENT, student), student
    # and the same findings beside them (nbgrader's SaveFindings, the bulk writer)
    assert stored_findings(parallel) == stored_findings(serial) != []
    scores = notebook_scores(parallel.db_url, ASSIGNMENT)
    expected = expected_scores(parallel)
    for student in SAMPLES:
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected[student]
    for student in (*EXTRA_CELLS, "deleter", "reorderer"):  # alice's answers, graded in full
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected["alice"], student


def test_concurrent_grading_gives_the_same_notebooks_and_feedback(twins):
    serial, parallel, students, _, _ = twins
    for student in students:
        for notebook in NOTEBOOKS:
            for folder in ("autograded", "feedback"):
                suffix = "ipynb" if folder == "autograded" else "html"
                path = f"{folder}/{student}/{ASSIGNMENT}/{notebook.name}.{suffix}"
                if (serial.root / path).exists() or (parallel.root / path).exists():
                    assert (parallel.root / path).read_text() == (serial.root / path).read_text(), path


def test_the_broken_submission_is_named_and_the_rest_graded(twins):
    _, parallel, students, failed, lines = twins
    assert failed == ["garbled"]
    assert any("single_neuron" in problem for problem in lines["garbled"].problems)
    assert lines["garbled"].scores["multilayer"][0] == 10  # bob's answers: that notebook still counts
    assert any("time-limit" in problem for problem in lines["looper"].problems)
    assert any("kernel-died" in problem for problem in lines["crasher"].problems)
    assert any("output-limit" in problem for problem in lines["printer"].problems)
    assert set(lines) == set(students)
    regraded = [student for student, line in lines.items() if any("graded a notebook again" in problem
                                                                     for problem in line.problems)]
    assert regraded == []  # nbgrader took every notebook's grading from the workers


def released_on_postgresql(tmp_path, server_url: str, name: str, monkeypatch):
    """A copy of the course whose gradebook is the new database NAME on the server, released;
    (the database's URL, the course)."""
    monkeypatch.setenv("PATH", f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}")  # nbgrader runs alembic
    course = course_copy(tmp_path / "course")
    db_url = use_new_database(course.root, server_url, name)
    release(course)
    return db_url, course


def test_on_a_dask_cluster_with_a_postgresql_gradebook(tmp_path, postgres_url, monkeypatch):  # noqa: F811
    from distributed import LocalCluster

    db_url, course = released_on_postgresql(tmp_path, postgres_url, "dask_batch", monkeypatch)
    for student in SAMPLES:
        answers = answers_from_source((course.sample_answers / f"{student}.py").read_text())
        write_submission(course.release, answers, course.submission(student))
    # and dave, who writes alice's answers but a root mean square for the loss: no catalog mistake
    answers = answers_from_source((course.sample_answers / "alice.py").read_text())
    answers["answer_mse_loss"] = "def mse_loss(y_hat, y):\n    return np.sqrt(np.mean((y_hat - y) ** 2))"
    write_submission(course.release, answers, course.submission("dave"))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        lines = autograde(course, ASSIGNMENT, scheduler=cluster.scheduler_address, show=lambda text: None,
                          progress=False)
    assert not course.gradebook.exists(), "the SQLite gradebook was not used"
    scores = notebook_scores(db_url, ASSIGNMENT)
    expected = expected_scores(course)
    for student in SAMPLES:
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected[student]
        assert {name: score for name, (score, _) in lines[student].scores.items()} == expected[student]
    rows = read_findings(db_url, ASSIGNMENT)  # the findings, in the PostgreSQL gradebook
    made = {(row.student, mistake) for row in rows for mistake in row.finding.mistakes}
    assert ("bob", "sgd-mutates-input") in made and not any(student == "alice" for student, _ in made)
    (dave,) = [row.finding for row in rows if row.student == "dave" and row.finding.mistakes]
    assert dave.function == "mse_loss" and dave.behaviour is not None
    groupings = class_groupings(CONTRACT, latest_findings(rows))
    assert [group.students for group in groupings["mse_loss"].groups] == [("dave",)]


def test_a_dask_worker_killed_mid_run_loses_no_notebook_and_doubles_no_row(tmp_path, postgres_url,  # noqa: F811
                                                                          monkeypatch):
    import psutil
    from distributed import LocalCluster
    from nbgrader.api import Gradebook

    db_url, course = released_on_postgresql(tmp_path, postgres_url, "dask_killed_worker", monkeypatch)
    students = [f"student{number:02d}" for number in range(8)]
    answers = answers_from_source((course.sample_answers / "alice.py").read_text())
    for student in students:
        write_submission(course.release, answers, course.submission(student))
    killed = []

    def kill_a_worker(cluster):
        time.sleep(12)  # several notebooks graded, others on the workers
        workers = [nanny.process.pid for nanny in cluster.workers.values() if nanny.process is not None]
        if workers:
            psutil.Process(workers[0]).kill()
            killed.append(workers[0])

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        killer = threading.Thread(target=kill_a_worker, args=(cluster,))
        killer.start()
        lines = autograde(course, ASSIGNMENT, scheduler=cluster.scheduler_address, show=lambda text: None,
                          progress=False)
        killer.join()
    assert killed, "no worker was killed"
    expected = expected_scores(course)["alice"]
    scores = notebook_scores(db_url, ASSIGNMENT)
    assert sorted(scores) == students
    for student in students:
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == expected, student
        assert lines[student].recorded_in_full and not lines[student].host_failed
    with Gradebook(db_url) as gradebook:  # exactly one submission, with one row per cell, each
        assignment = gradebook.find_assignment(ASSIGNMENT)
        cells = sum(len(notebook.grade_cells) for notebook in assignment.notebooks)
        assert len(assignment.submissions) == len(students)
        for submission in assignment.submissions:
            assert sum(len(notebook.grades) for notebook in submission.notebooks) == cells


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_an_interrupted_run_leaves_no_kernel_and_no_half_submission(tmp_path, stop):
    course = course_copy(tmp_path / "course")
    slow = "\nimport time\ntime.sleep(4)\n"
    students = mixed_batch(course)
    for student in SAMPLES:  # slower notebooks, so that the stop comes mid-run
        path = course.submission(student) / SINGLE_NEURON.filename
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(3, new_code_cell(slow))
        nbformat.write(notebook, path)
    command = [str(BIN_DIR / "backprop-course"), "--course-dir", str(course.root), "autograde", ASSIGNMENT, "-j", "2",
               "--no-progress"]
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ['PATH']}", PYTHONUNBUFFERED="1")
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                           start_new_session=True)
    first_line = run.stdout.readline()  # the first student recorded: the run is well under way
    time.sleep(1.0)
    if stop == "sigterm":
        run.send_signal(signal.SIGTERM)
    else:  # a terminal's Ctrl-C reaches the whole process group
        os.killpg(run.pid, signal.SIGINT)
    rest, _ = run.communicate(timeout=120)
    assert run.returncode == 130, first_line + rest
    time.sleep(1.0)
    assert sandboxed_kernels() == ""
    graded = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)
    assert len(graded) < len(students), "the run was stopped before the end"
    for student, notebooks in graded.items():  # every submission in the gradebook is whole
        assert set(notebooks) == {nb.name for nb in NOTEBOOKS}, student
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert f"graded {len(students)} submissions; not in full: garbled" in again.stdout, again.stdout + again.stderr
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)
    assert {nb.name: scores["alice"][nb.name].auto_score for nb in NOTEBOOKS} == expected_scores(course)["alice"]
    assert sandboxed_kernels() == ""


def test_the_command_refuses_without_a_sandbox(tmp_path):
    course = course_copy(tmp_path / "course")
    env = dict(os.environ, PATH=str(BIN_DIR))  # no bwrap on this PATH
    done = subprocess.run([sys.executable, "-m", "backprop_course.cli", "--course-dir", str(course.root),
                           "autograde", ASSIGNMENT], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert "refusing to grade without a sandbox" in done.stdout
    assert "apt-get install bubblewrap" in done.stdout


def test_nbgrader_autograde_refuses_without_a_sandbox(course):
    release_by_copy(course)
    answers = answers_from_source((course.sample_answers / "alice.py").read_text())
    write_submission(course.release, answers, course.submission("alice"))
    done = subprocess.run([str(BIN_DIR / "nbgrader"), "autograde", ASSIGNMENT], cwd=course.root,
                          capture_output=True, text=True, env=dict(os.environ, PATH=str(BIN_DIR)))
    log = done.stdout + done.stderr
    assert done.returncode != 0
    assert "apt-get install bubblewrap" in log
    assert "SandboxedGrading.unsafe=True" in log
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT).get("alice", {})
    assert all(score.auto_score == 0 for score in scores.values())
    assert not (course.autograded / "alice" / ASSIGNMENT).exists()
