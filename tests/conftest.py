"""Shared fixtures: a private copy of the course directory, graded once through real nbgrader."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from backprop_course.commands.demo import run_demo
from backprop_course.course.paths import CourseDir

from .support import REPO_COURSE, course_copy
from .support.browser import headless_chromium
from .support.host import sharing_host
from .support.run_shared import built_once, run_folder
from .support.schedule import CostRecorder, costliest_first

SOLUTION_STUDENT = "solution_student"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--record-costs", action="store_true",
                     help="write each module's seconds in this run to tests/support/scope_costs.json")


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    if config.pluginmanager.hasplugin("xdist") and config.option.testrunuid is None:
        config.option.testrunuid = uuid.uuid4().hex  # names the folder the workers share (run_shared.py)
    if config.option.record_costs:
        config.pluginmanager.register(CostRecorder())


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", None):
        shutil.rmtree(run_folder(config.option.testrunuid), ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    costliest_first(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Each test, with its fixtures' setup and teardown, shares the host with the other workers'
    tests, and waits while a host-measuring section runs (support/host.py)."""
    with sharing_host():
        return (yield)


@pytest.fixture
def course(tmp_path: Path) -> CourseDir:
    return course_copy(tmp_path / "course")


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> CourseDir:
    """A course copy after `backprop-course demo`, with the solutions submitted as one more student:
    graded once per test run (support/run_shared.py), each worker given a copy of its own.

    The solutions notebooks go in as samples/solution_student/, so the same real autograde batch
    grades them beside the shipped samples.
    """
    built = built_once("graded", _graded)
    copied = shutil.copytree(built / "course", tmp_path_factory.mktemp("graded") / "course")
    return CourseDir(Path(copied), assignment=REPO_COURSE.assignment)


def _graded(folder: Path) -> None:
    graded = course_copy(folder / "course")
    for assignment in graded.assignment_names:
        solution_sample = graded.samples / SOLUTION_STUDENT / assignment
        shutil.copytree(graded.of(assignment).solutions, solution_sample)
        (solution_sample / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC\n")
    assert run_demo(graded) == 0


@pytest.fixture
def browser():
    """Chromium with no network beyond this machine, as on a campus without internet (skips the
    test where none can start)."""
    driver = headless_chromium(offline=True)
    yield driver
    driver.quit()
