"""Faults in an author's files (the contract, the code, the lessons): one line that names the file,
the line where it is known, what is wrong and what to do."""

from __future__ import annotations

import traceback
from pathlib import Path


class AuthorError(ValueError):
    """A fault of an assignment's files that the build or the grader cannot get past.

    str() is one line: `path:line: message; fix` (the parts that are known). Made from a message
    alone it is that message, as its raiser wrote it. details: lines shown below it, if any.
    """

    details: tuple[str, ...] = ()

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None, fix: str = ""):
        super().__init__(message)
        self.message, self.path, self.line, self.fix = message, path, line, fix

    def __str__(self) -> str:
        where = "" if self.path is None else f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}{f'; {self.fix}' if self.fix else ''}"
        return " ".join(text.split("\n"))


def error_lines(error: BaseException, filename: str) -> list[int]:
    """The lines of filename that error passed through, outermost first: a syntax error's line, or
    the traceback's frames in that file."""
    if isinstance(error, SyntaxError) and error.filename == filename and error.lineno:
        return [error.lineno]
    return [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == filename]


def first_line(error: BaseException, filename: str) -> int | None:
    """The outermost line of filename in error's traceback (None when it never passed there)."""
    lines = error_lines(error, filename)
    return lines[0] if lines else None


def described(error: BaseException) -> str:
    """`Type: message` of an exception, on one line (a syntax error without its file and line)."""
    text = error.msg if isinstance(error, SyntaxError) else str(error)
    return f"{type(error).__name__}: {text}".rstrip(": ")
