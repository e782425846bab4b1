"""Files named in the README, docs/, Makefile, nbgrader_config.py and the package's docstrings and comments exist."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from .support import REPO_ROOT

PACKAGE = REPO_ROOT / "src" / "backprop_course"
EXTENSIONS = "py|md|ipynb|toml|json|png|txt|cfg|csv|db|html"
# A path with at least one folder (`sandbox/caps.py`, `tests/support/postgres.py`) or a bare module or
# page name (`caps.py`, `mistakes.md`); `<name>`, NAME and a leading `.../` stand for any folder or name.
NAMED_PATH = re.compile(
    rf"(?<![\w/.<>-])((?:\.\.\./)?(?:[\w.<>-]+/)+[\w.<>-]+\.(?:{EXTENSIONS})|[\w<>-]+\.(?:py|md))(?![\w/])"
)
PLACEHOLDER = re.compile(r"<[^<>/]+>|\b[A-Z][A-Z_]+[A-Z]\b")
# Folders and files that the course's commands, nbgrader and kernels write while they run; a
# clone of the repository has none of them.
WRITTEN_WHEN_RUN = {"reports", "submitted", "autograded", "feedback", "gradebook.db", "grades.csv",
                    "jupyterhub_config.py"}
# Names that the README's "Write your own assignment" walkthrough makes (its assignment is `tiny`).
MADE_BY_THE_WALKTHROUGH = {"tiny_checks.py"}
# Stale names in files that another engineer is editing now (feedback_summary.py's docstring means
# grading/notes.py); each is fixed there, and then taken out of here.
NOT_FIXED_YET: set[tuple[str, str]] = set()  # (file, name) of stale names left for later, if any


def documents() -> list[Path]:
    """The files whose whole text is read: the README, docs/, the Makefile and nbgrader_config.py."""
    return [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md")), REPO_ROOT / "Makefile",
            REPO_ROOT / "nbgrader_config.py"]


def docstrings_and_comments(source: str) -> list[str]:
    """The docstrings and the comments of a module's source."""
    texts = [token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
             if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            texts.append(ast.get_docstring(node, clean=False) or "")
    return texts


def named_paths() -> dict[str, set[str]]:
    """Each file of the repository that names paths, with the paths it names."""
    found = {str(path.relative_to(REPO_ROOT)): set(NAMED_PATH.findall(path.read_text())) for path in documents()}
    for module in sorted(PACKAGE.rglob("*.py")):
        names = {name for text in docstrings_and_comments(module.read_text()) for name in NAMED_PATH.findall(text)}
        found[str(module.relative_to(REPO_ROOT))] = names
    return found


def places_to_look(named_in: Path) -> list[Path]:
    """Where a path named in a file may be relative to: the repository, src/ and the package, the
    file's own folder, each of the package's subpackages and each assignment folder."""
    return [REPO_ROOT, REPO_ROOT / "src", PACKAGE, named_in.parent,
            *sorted(folder for folder in PACKAGE.iterdir() if folder.is_dir()),
            *sorted(folder for folder in (REPO_ROOT / "assignments").iterdir() if folder.is_dir())]


def bare_name_places() -> list[Path]:
    """More places for a name without a folder: docs/ and each assignment's release (its helper module)."""
    return [REPO_ROOT / "docs", *sorted(folder for folder in (REPO_ROOT / "release").iterdir() if folder.is_dir())]


def exists(name: str, named_in: Path) -> bool:
    """Whether name (placeholders as wildcards) is a file under one of the places to look."""
    pattern = PLACEHOLDER.sub("*", name.removeprefix(".../"))
    places = places_to_look(named_in) + ([] if "/" in name else bare_name_places())
    return any(match.is_file() for place in places for match in place.glob(pattern))


def is_checked(name: str) -> bool:
    """Whether name should be in a clone: not something written while the course runs."""
    parts = set(name.removeprefix(".../").split("/"))
    return not parts & WRITTEN_WHEN_RUN and name not in MADE_BY_THE_WALKTHROUGH


def missing(named: dict[str, set[str]]) -> list[str]:
    """`file: path` for every path named in a file that exists nowhere it could mean."""
    return [f"{where}: {name}" for where, names in named.items() for name in sorted(names)
            if is_checked(name) and not exists(name, REPO_ROOT / where)]


def test_every_named_file_exists():
    named = named_paths()
    assert sum(len(names) for names in named.values()) > 100, "the search found next to nothing"
    assert missing(named) == sorted(f"{where}: {name}" for where, name in NOT_FIXED_YET)


def test_a_stale_name_left_for_later_is_still_there():
    named = named_paths()
    for where, name in NOT_FIXED_YET:
        assert name in named[where], f"{where} no longer names {name}: take it out of NOT_FIXED_YET"


@pytest.mark.parametrize("made_up", ["grader/grading.py", "backprop_course/caps.py", "tests/postgres.py",
                                     "graded_outputs.py", "assignments/<name>/samples/answers/<student>.py"])
def test_a_path_that_does_not_exist_is_found(made_up):
    named = {"nbgrader_config.py": {made_up}, "src/backprop_course/grading/judge.py": {made_up}}
    assert missing(named) == [f"nbgrader_config.py: {made_up}", f"src/backprop_course/grading/judge.py: {made_up}"]
    assert NAMED_PATH.findall(f"see `{made_up}`, or ({made_up}).") == [made_up, made_up]
