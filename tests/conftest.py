"""Shared fixtures: a private copy of the course directory, graded once through real nbgrader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backprop_course.commands.demo import run_demo
from backprop_course.course.paths import CourseDir

from .support import course_copy
from .support.browser import headless_chromium
from .support.host import sharing_host

SOLUTION_STUDENT = "solution_student"


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
    """A course copy after `backprop-course demo`, with the solutions submitted as one more student.

    The solutions notebooks go in as samples/solution_student/, so the same real autograde batch
    grades them beside the shipped samples.
    """
    graded = course_copy(tmp_path_factory.mktemp("graded") / "course")
    for assignment in graded.assignment_names:
        solution_sample = graded.samples / SOLUTION_STUDENT / assignment
        shutil.copytree(graded.of(assignment).solutions, solution_sample)
        (solution_sample / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC\n")
    assert run_demo(graded) == 0
    return graded


@pytest.fixture
def browser():
    """Chromium with no network beyond this machine, as on a campus without internet (skips the
    test where none can start)."""
    driver = headless_chromium(offline=True)
    yield driver
    driver.quit()
