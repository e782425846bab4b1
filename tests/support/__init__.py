"""What the tests share: the repository's own course, corpora of submissions, batches and servers."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from backprop_course.course.paths import CourseDir, copy_course

REPO_ROOT = Path(__file__).resolve().parents[2]
# The repository's course, its folders (source, release, ...) those of backprop, the assignment the
# tests that act on one assignment use (the default, the course's first by name, is autograd).
REPO_COURSE = CourseDir(REPO_ROOT, assignment="backprop")


def course_copy(target: Path) -> CourseDir:
    """A fresh copy of the repository's course in target: nothing graded yet."""
    return copy_course(target, REPO_COURSE)


def repository_copy() -> Path:
    """What a clone of the repository holds (its files that git tracks, and the new ones it does not
    ignore), as they are now, in a new folder anyone can read; for its caller to remove."""
    target = Path(tempfile.mkdtemp(prefix="backprop-clone-"))
    target.chmod(0o755)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=True)
    for name in sorted(set(filter(None, listed.stdout.split("\0")))):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target
