"""A pipeline of an assignment's build steps, run in order until one fails, where a step that
only reads may run in a forked process beside the step after it.

Such a pair takes the time of the longer of the two, not their sum: the reading step runs on the
other core while the next one waits (generate, for nbgrader's kernel). The outcome is the one
the steps would have in order: when the reading step fails, what the next one wrote is put back
as it was, and only the reading step's failure is reported.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..course.author_errors import AuthorError
from ..course.paths import CourseDir

Step = Callable[[CourseDir], list[Path]]
# A step's name, and the files it wrote or the fault that stopped it.
Done = tuple[str, "list[Path] | AuthorError"]


def run_steps(course: CourseDir, steps: Sequence[tuple[str, Step]],
              beside_next: dict[str, Callable[[CourseDir], tuple[Path, ...]]], debug: bool = False) -> Iterator[Done]:
    """Each step's outcome in order, until the first fault. beside_next: the steps that may run
    beside the next one, each with the folders the next one writes. With debug, a fault is
    raised (with its traceback) and every step runs here, one after the other."""
    index = 0
    while index < len(steps):
        name, step = steps[index]
        if name in beside_next and index + 1 < len(steps) and not debug:
            pair = list(_side_by_side(course, steps[index], steps[index + 1], beside_next[name](course)))
            index += 2
        else:
            pair = [(name, _run(step, course, debug))]
            index += 1
        for done in pair:
            yield done
            if isinstance(done[1], AuthorError):
                return


def _run(step: Step, course: CourseDir, debug: bool = False) -> list[Path] | AuthorError:
    try:
        return step(course)
    except AuthorError as error:
        if debug:
            raise
        return error


def _side_by_side(course: CourseDir, reading: tuple[str, Step], after: tuple[str, Step],
                  writes: tuple[Path, ...]) -> list[Done]:
    """reading's step in a forked process while after's step runs here; after's writes to the
    folders writes are undone when reading fails."""
    kept = _contents(writes)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_in_fork, args=(reading[1], course, send), daemon=True)
    process.start()
    send.close()
    try:
        done = _run(after[1], course)
        try:
            found = receive.recv()
        except EOFError:
            found = f"its process ended with exit code {process.join() or process.exitcode} and no answer"
    finally:
        if process.exitcode is None:
            process.terminate()
        process.join()
        receive.close()
    if isinstance(found, str):  # not a fault of the assignment: one of the step's own
        raise RuntimeError(f"{reading[0]} failed: {found}")
    if isinstance(found, _Fault):
        _put_back(writes, kept)
        return [(reading[0], found.error())]
    return [(reading[0], found), (after[0], done)]


class _Fault:
    """An AuthorError as it crosses from the forked process (an exception's own pickling would
    call its class with the wrong arguments)."""

    def __init__(self, error: AuthorError):
        self.line, self.details = str(error), tuple(error.details)

    def error(self) -> AuthorError:
        error = AuthorError(self.line)
        error.details = self.details
        return error


def _in_fork(step: Step, course: CourseDir, send) -> None:
    """In the forked process: step's outcome sent back (a _Fault for an author's fault, the
    traceback's text for any other exception)."""
    try:
        found = _run(step, course)
        send.send(_Fault(found) if isinstance(found, AuthorError) else found)
    except BaseException:
        send.send(traceback.format_exc())


def _contents(folders: tuple[Path, ...]) -> dict[Path, bytes]:
    return {path: path.read_bytes() for folder in folders if folder.is_dir()
            for path in folder.rglob("*") if path.is_file()}


def _put_back(folders: tuple[Path, ...], kept: dict[Path, bytes]) -> None:
    """The files under folders as kept has them: new files removed, changed ones written back."""
    for path in [path for folder in folders if folder.is_dir() for path in folder.rglob("*") if path.is_file()]:
        if path not in kept:
            path.unlink()
    for path, data in kept.items():
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
