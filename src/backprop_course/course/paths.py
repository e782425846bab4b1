"""Where things live in a course directory (nbgrader's, the current directory by default)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from .contract import Contract
from .loading import ContractFiles, is_assignment_folder, load_contract, read_contract_files

SOLUTION_DIRECTORY = "solutions"
# Where a course keeps its contract-graded assignments, a folder each (loading.py reads them).
ASSIGNMENTS_DIRECTORY = "assignments"
# What a course directory holds before anything is graded: no gradebook, no outputs.
COURSE_FILES = ("nbgrader_config.py", ASSIGNMENTS_DIRECTORY, "source", "release", "solutions", "samples")


def assignment_folders(root: Path) -> dict[str, Path]:
    """The course's contract-graded assignments: {name: folder}, by name."""
    base = Path(root) / ASSIGNMENTS_DIRECTORY
    folders = sorted(base.iterdir()) if base.is_dir() else []
    return {folder.name: folder for folder in folders if is_assignment_folder(folder)}


def contract_files(root: Path, assignment: str) -> ContractFiles | None:
    """The files of assignment's folder in the course at root; None when it has none (then the
    assignment is graded with nbgrader's own semantics)."""
    folder = assignment_folders(root).get(assignment)
    return read_contract_files(folder) if folder is not None else None


def contract_of(root: Path, assignment: str) -> Contract | None:
    files = contract_files(root, assignment)
    return load_contract(files) if files is not None else None


@dataclass(frozen=True)
class CourseDir:
    """An nbgrader course directory: its folders, its gradebook's URL, and the command line's
    `--Class.trait=value` options, which every nbgrader app run on it gets too."""

    root: Path = field(default_factory=Path.cwd)
    db_url: str = ""  # nbgrader's default when empty: gradebook.db in root
    options: tuple[str, ...] = ()
    # The assignment that source, release, ... are of; when empty, the course's first by name.
    assignment: str = ""

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())
        if not self.assignment:
            object.__setattr__(self, "assignment", next(iter(assignment_folders(self.root)), ""))
        if not self.db_url:
            object.__setattr__(self, "db_url", f"sqlite:///{self.root / 'gradebook.db'}")

    @property
    def gradebook_name(self) -> str:
        """The gradebook's URL with any password hidden, for messages."""
        return make_url(self.db_url).render_as_string(hide_password=True)

    def of(self, assignment: str) -> CourseDir:
        """The same course, its folders those of another assignment."""
        return CourseDir(self.root, self.db_url, self.options, assignment)

    @property
    def assignment_names(self) -> list[str]:
        """The course's contract-graded assignments, by name."""
        return list(assignment_folders(self.root))

    @property
    def assignment_folder(self) -> Path:
        """The assignment's folder: its contract, reference, cases, mistakes and lessons."""
        return self.root / ASSIGNMENTS_DIRECTORY / self.assignment

    @property
    def contract(self) -> Contract:
        """The assignment, read from its folder."""
        return load_contract(read_contract_files(self.assignment_folder))

    @property
    def lessons(self) -> Path:
        """The lesson sources the notebooks are built from (backprop-course build-source)."""
        return self.assignment_folder / "lessons"

    @property
    def source(self) -> Path:
        return self.root / "source" / self.assignment

    @property
    def release(self) -> Path:
        return self.root / "release" / self.assignment

    @property
    def solutions(self) -> Path:
        return self.root / SOLUTION_DIRECTORY / self.assignment

    @property
    def samples(self) -> Path:
        """The sample submissions, samples/<student>/<assignment>/, as nbgrader's submitted/ has them."""
        return self.root / "samples"

    @property
    def sample_answers(self) -> Path:
        """The sample students' answers to the assignment (<student>.py) and their expected scores."""
        return self.assignment_folder / "samples"

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

    def submission(self, student_id: str, assignment: str = "") -> Path:
        return self.submitted / student_id / (assignment or self.assignment)


def copy_course(target: Path, source: CourseDir) -> CourseDir:
    """A fresh copy of a course's files in target (for tests and benchmarks): nothing graded yet,
    its folders (source, release, ...) those of the same assignment."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        if (source.root / name).is_dir():
            shutil.copytree(source.root / name, target / name)
        else:
            shutil.copy2(source.root / name, target / name)
    return CourseDir(target, assignment=source.assignment)
