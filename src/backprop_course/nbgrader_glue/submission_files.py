"""The files beside a notebook that nbgrader's own kernel would find in its working folder (data
files, images, modules), read here for a sandbox that sees no course folder."""

from __future__ import annotations

from pathlib import Path

# What is never copied: notebooks (each is graded on its own) and hidden folders such as
# .ipynb_checkpoints.
SKIPPED_SUFFIXES = (".ipynb",)
# At most this much is copied into one kernel (its /tmp is capped, and the files travel to
# the workers with each notebook).
MAX_BYTES = 64 * 1024 * 1024


class TooManyFilesError(RuntimeError):
    """The files beside a notebook are more than a sandbox takes."""


def files_beside(*folders: Path) -> dict[str, bytes]:
    """{relative path: contents} of the files under folders, a later folder's file taking the place
    of an earlier one's (as nbgrader puts the source's files over the submission's)."""
    found: dict[str, bytes] = {}
    for folder in folders:
        if folder is None or not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).rglob("*")):
            relative = path.relative_to(folder)
            if (not path.is_file() or path.is_symlink() or path.suffix in SKIPPED_SUFFIXES
                    or any(part.startswith(".") for part in relative.parts)):
                continue
            found[relative.as_posix()] = path.read_bytes()
    total = sum(map(len, found.values()))
    if total > MAX_BYTES:
        raise TooManyFilesError(f"the files beside the notebook take {total} bytes, more than {MAX_BYTES}")
    return found
