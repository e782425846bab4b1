"""Where things live in a course directory (nbgrader's, the current directory by default)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from .contract import ASSIGNMENT, SOLUTION_DIRECTORY

# What a course directory holds before anything is graded: no gradebook, no outputs.
COURSE_FILES = ("nbgrader_config.py", "lessons", "source", "release", "solutions", "samples")


@dataclass(frozen=True)
class CourseDir:
    """An nbgrader course directory: its folders, its gradebook's URL, and the command line's
    `--Class.trait=value` options, which every nbgrader app run on it gets too."""

    root: Path = field(default_factory=Path.cwd)
    db_url: str = ""  # nbgrader's default when empty: gradebook.db in root
    options: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())
        if not self.db_url:
            object.__setattr__(self, "db_url", f"sqlite:///{self.root / 'gradebook.db'}")

    @property
    def gradebook_name(self) -> str:
        """The gradebook's URL with any password hidden, for messages."""
        return make_url(self.db_url).render_as_string(hide_password=True)

    @property
    def lessons(self) -> Path:
        """The lesson sources the notebooks are built from (backprop-course build-source)."""
        return self.root / "lessons"

    @property
    def source(self) -> Path:
        return self.root / "source" / ASSIGNMENT

    @property
    def release(self) -> Path:
        return self.root / "release" / ASSIGNMENT

    @property
    def solutions(self) -> Path:
        return self.root / SOLUTION_DIRECTORY / ASSIGNMENT

    @property
    def samples(self) -> Path:
        return self.root / "samples"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def grades_csv(self) -> Path:
        return self.root / "grades.csv"

    def submission(self, student_id: str, assignment: str = ASSIGNMENT) -> Path:
        return self.submitted / student_id / assignment


def copy_course(target: Path, source: CourseDir) -> CourseDir:
    """A fresh copy of a course's files in target (for tests and benchmarks): nothing graded yet."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        if (source.root / name).is_dir():
            shutil.copytree(source.root / name, target / name)
        else:
            shutil.copy2(source.root / name, target / name)
    return CourseDir(target)
