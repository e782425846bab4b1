"""Author's verbs `build-source`, `generate`, `build-samples` and `build`: an assignment's generated
files brought up to date from its folder, as a pipeline of steps.

Each step needs the one before it: source/ from the lessons, contract and reference; then
check-assignment's checks of the assignment (they write nothing, but a trap stops the build); release/
and solutions/ from source/; the sample submissions from release/. A command runs the steps up
to its own, and each step writes only what changed (build.py, generate.py and samples.py say
how), so an edit of one lesson rebuilds that notebook alone. A step that fails stops that
assignment's later steps (nothing is reported written from a stale step before it) and the
other assignments go on.

check-assignment only reads, and generate mostly waits for nbgrader's kernel: so the checks run in
a forked process beside generate (steps.py says how), and generate's writes are undone when they
find a trap, as if it had not run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..authoring.assignment_check import checked
from ..authoring.build import build_source
from ..authoring.catalog_page import write_catalog_page
from ..authoring.samples import build_samples
from ..course.author_errors import AuthorError
from ..course.paths import CourseDir
from .generate import generate_all, generate_changed
from .steps import run_steps

Show = Callable[[str], None]

# (name, step): each writes its part of one assignment and returns the files whose text changed.
STEPS: tuple[tuple[str, Callable[[CourseDir], list[Path]]], ...] = (
    ("build-source", build_source),
    ("check-assignment", checked),
    ("generate", generate_changed),
    ("build-samples", build_samples),
)
# The steps that only read, run beside the next step: {step: what the next step writes, undone
# when this one fails}.
BESIDE_NEXT: dict[str, Callable[[CourseDir], tuple[Path, ...]]] = {
    "check-assignment": lambda course: (course.release, course.solutions),
}


@dataclass
class Outcome:
    """What a build did: the files it wrote, and one line per assignment it could not build."""

    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def build(course: CourseDir, assignments: list[str], until: str = STEPS[-1][0], catalog: bool = False,
          regenerate: bool = False, show: Show = print, debug: bool = False) -> Outcome:
    """Run the steps up to until for each assignment (then docs/mistakes.md, with catalog and no
    failure), showing each file written and each assignment that fails. With regenerate, every
    notebook's release and solution is generated, changed or not; with debug, a failure is raised."""
    outcome = Outcome()
    steps = [(name, generate_all if regenerate and step is generate_changed else step)
             for name, step in STEPS[: [name for name, _ in STEPS].index(until) + 1]]
    for assignment in assignments:
        before = (len(outcome.written), len(outcome.failures))
        _build_one(course, assignment, steps, outcome, show, debug)
        if (len(outcome.written), len(outcome.failures)) == before:
            show(f"{assignment}: up to date")
    if catalog and outcome.ok:
        outcome.written += write_catalog(course, show)
    return outcome


def _build_one(course: CourseDir, assignment: str, steps, outcome: Outcome, show: Show, debug: bool) -> None:
    """The steps for one assignment, until one fails."""
    for name, done in run_steps(course.of(assignment), steps, BESIDE_NEXT, debug):
        if isinstance(done, AuthorError):
            outcome.failures.append(relative(f"{assignment}: {name} failed: {done}", course))
            show(outcome.failures[-1])
            for line in done.details:
                show(relative(line, course))
            return
        for path in done:
            show(f"wrote {path.relative_to(course.root)}")
        outcome.written += done


def write_catalog(course: CourseDir, show: Show = print) -> list[Path]:
    """docs/mistakes.md from every assignment's catalog, if its text changed."""
    written = write_catalog_page(course)
    for path in written:
        show(f"wrote {path.relative_to(course.root)}")
    return written


def relative(message: str, course: CourseDir) -> str:
    """message with the course's paths written relative to the course directory."""
    return message.replace(f"{course.root}/", "")
