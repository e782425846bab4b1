"""Students graded at the same time cannot touch each other or the host: each hog of
isolation_corpus.py is graded by `backprop-course autograde --jobs 2` (and on a Dask cluster of
2 worker processes), with ten honest students queued right after it, and every honest student
gets the scores and feedback of a solo run; the host's shared memory grows at most by the
sandboxes' /tmp caps."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from backprop_course.authoring.samples import answers_from_source, expected_scores, write_submission
from backprop_course.commands.autograde import autograde
from backprop_course.commands.demo import feedback
from backprop_course.course.paths import CourseDir
from backprop_course.nbgrader_glue.gradebook import notebook_scores
from backprop_course.sandbox import cgroups
from backprop_course.sandbox.caps import DEFAULT
from backprop_course.sandbox.scratch import owner_alive

from .support import course_copy
from .support.backprop import ASSIGNMENT, LIMIT_IDS, NOTEBOOKS, SINGLE_NEURON
from .support.host import host_alone
from .support.isolation_corpus import HOGS
from .support.released import release_by_copy
from .support.sampling import Sampler
from .support.sandbox import needs_sandbox, sandboxed_kernels

pytestmark = [
    pytest.mark.slow,
    needs_sandbox,
    pytest.mark.skipif(os.geteuid() != 0, reason="a uid of its own per sandbox needs root"),
    pytest.mark.skipif(not isinstance(cgroups.hierarchy(), cgroups.Hierarchy),
                       reason=f"caps per sandbox need control groups: {cgroups.support()}"),
]

JOBS = 2
HONEST_PER_HOG = 10
CELL_SECONDS = 40
HOLD_SECONDS = 30  # most of a cell's time limit
CONFIG = f"\nc.SandboxedGrading.cell_timeout = {CELL_SECONDS}\nc.SandboxedGrading.call_timeout = 2\n"


def honest_students() -> list[str]:
    return [f"{group:02d}-h{number:02d}" for group in range(len(HOGS)) for number in range(HONEST_PER_HOG)]


def hog_student(group: int) -> str:
    return f"{group:02d}-a-{HOGS[group].name}"  # queued just before its group's honest students


def prepared(course: CourseDir, students: list[str], hogs: bool) -> None:
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write(CONFIG)
    release_by_copy(course)
    alice = answers_from_source((course.sample_answers / "alice.py").read_text())
    for student in students:
        write_submission(course.release, alice, course.submission(student))
    if not hogs:
        return
    for group, hog in enumerate(HOGS):
        student = hog_student(group)
        write_submission(course.release, alice, course.submission(student))
        path = course.submission(student) / SINGLE_NEURON.filename
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.append(new_code_cell(hog.cell(HOLD_SECONDS)))
        nbformat.write(notebook, path)


class SharedMemory(Sampler):
    """The host's Shmem (/proc/meminfo), sampled while a batch runs: its growth at the peak."""

    interval = 0.05

    def __init__(self):
        self.baseline = self.read()
        self.peak = self.baseline

    @staticmethod
    def read() -> int:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("Shmem:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no Shmem in /proc/meminfo")

    def sample(self):
        self.peak = max(self.peak, self.read())

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def graded_files(course: CourseDir, student: str) -> dict[str, str]:
    found = {}
    for notebook in NOTEBOOKS:
        for path in (course.autograded / student / ASSIGNMENT / f"{notebook.name}.ipynb",
                     course.feedback / student / ASSIGNMENT / f"{notebook.name}.html"):
            found[f"{path.parent.parent.parent.name}/{path.name}"] = path.read_text()
    return found


@pytest.fixture(scope="module")
def solo(tmp_path_factory) -> dict[str, str]:
    """An honest student's autograded notebooks and feedback, graded alone on one worker."""
    course = course_copy(tmp_path_factory.mktemp("solo") / "course")
    prepared(course, ["solo"], hogs=False)
    autograde(course, ASSIGNMENT, jobs=1, show=lambda text: None, progress=False)
    feedback(course)
    return graded_files(course, "solo")


@pytest.fixture(scope="module", params=["local-workers", "dask"])
def batch(request, tmp_path_factory):
    course = course_copy(tmp_path_factory.mktemp(request.param) / "course")
    prepared(course, honest_students(), hogs=True)
    shown: list[str] = []
    with host_alone(), SharedMemory() as shared:  # the host's shared memory: no other worker's tests meanwhile
        if request.param == "dask":
            from distributed import LocalCluster

            with LocalCluster(n_workers=JOBS, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                lines = autograde(course, ASSIGNMENT, scheduler=cluster.scheduler_address, show=shown.append,
                                  progress=False)
        else:
            lines = autograde(course, ASSIGNMENT, jobs=JOBS, show=shown.append, progress=False)
    feedback(course)
    return {"course": course, "lines": lines, "shown": shown, "shared": shared}


def limits_noted(course: CourseDir, student: str) -> set[str]:
    notebook = nbformat.read(course.autograded / student / ASSIGNMENT / SINGLE_NEURON.filename, as_version=4)
    return {output.ename for cell in notebook.cells for output in cell.get("outputs", [])
            if output.output_type == "error" and output.ename in LIMIT_IDS}


def test_every_honest_student_gets_full_marks_and_the_feedback_of_a_solo_run(batch, solo):
    course, lines = batch["course"], batch["lines"]
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)
    full = expected_scores(course)["alice"]
    for student in honest_students():
        assert {nb.name: scores[student][nb.name].auto_score for nb in NOTEBOOKS} == full, student
        assert lines[student].problems == [], student
        files = graded_files(course, student)
        assert files.keys() == solo.keys()
        for name, text in files.items():
            assert text == solo[name], f"{student}: {name} differs from the solo run"


@pytest.mark.parametrize("group", range(len(HOGS)), ids=[hog.name for hog in HOGS])
def test_each_hog_earns_at_most_its_functions_and_is_named(batch, group):
    course, lines = batch["course"], batch["lines"]
    student, hog = hog_student(group), HOGS[group]
    scores = notebook_scores(f"sqlite:///{course.gradebook}", ASSIGNMENT)[student]
    full = expected_scores(course)["alice"]
    for notebook in NOTEBOOKS:
        assert scores[notebook.name].auto_score <= full[notebook.name]
    assert hog.limit in limits_noted(course, student), hog.what
    assert any(f"[{hog.limit}]" in problem or hog.limit in problem for problem in lines[student].problems), (
        lines[student].problems)


def test_only_the_sandbox_s_own_tmp_was_writable(batch):
    course = batch["course"]
    notebook = nbformat.read(course.autograded / hog_student(1) / ASSIGNMENT / SINGLE_NEURON.filename, as_version=4)
    printed = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "writable places: ['/tmp']" in printed


def test_the_host_s_shared_memory_grows_at_most_by_the_sandboxes_tmp_caps(batch):
    assert batch["shared"].growth <= JOBS * DEFAULT.disk_bytes, batch["shared"].growth


def test_no_student_was_left_ungraded_and_no_kernel_is_left(batch):
    assert [line.student for line in batch["lines"].values() if line.host_failed] == []
    assert batch["shown"][0].startswith("sandbox: isolation: own uid, control group (root")
    assert sandboxed_kernels() == ""


def test_no_control_group_of_a_finished_process_is_left(batch):
    parents = set(cgroups.hierarchy().parents.values())
    left = [folder for parent in parents for folder in parent.iterdir()
            if folder.is_dir() and not owner_alive(folder.name.rsplit("-", 1)[0])]
    assert left == []
