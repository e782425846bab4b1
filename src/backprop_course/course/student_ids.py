"""What a student id may be: the names JupyterHub and nbgrader courses give students in practice
(`jdoe`, `j.doe`, `jdoe2`, `j_doe`, `jdoe@example.edu`), and nothing that a page, a URL, a path or
a shell could read as more than a name.

An id is a folder name (submitted/<id>/), a part of formgrader's URLs, a value in its pages'
scripts and in the instructor's log, so it is kept to ASCII letters, digits and `_ . @ -`,
beginning and ending with a letter, digit or `_` (no hidden folder, no `..`), at most
MAX_LENGTH characters. nbgrader itself refuses only `+` and `*` (its exchange's separators).
"""

from __future__ import annotations

import re

MAX_LENGTH = 64
STUDENT_ID = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.@-]*[A-Za-z0-9_])?")
WHAT_IT_MAY_BE = (f"a student id is 1 to {MAX_LENGTH} of the characters A-Z a-z 0-9 _ . @ -, "
                  "beginning and ending with a letter, a digit or _")


def student_id_problem(student_id: object) -> str | None:
    """Why student_id cannot be a student's id, or None when it can."""
    if not isinstance(student_id, str) or not student_id:
        return "it is empty"
    if len(student_id) > MAX_LENGTH:
        return f"it is {len(student_id)} characters long"
    if not STUDENT_ID.fullmatch(student_id):
        return "it holds other characters"
    if ".." in student_id:
        return "it holds '..'"
    return None


def is_student_id(student_id: object) -> bool:
    return student_id_problem(student_id) is None


def shown(student_id: object) -> str:
    """student_id as a log line may quote it: printable ASCII only, and short."""
    text = ascii(student_id)
    return text if len(text) <= 2 * MAX_LENGTH else text[: 2 * MAX_LENGTH] + "...'"


def admitted(student_id: object, where: str, say) -> bool:
    """Whether student_id is an id; when not, say(refusal(...)) names it and where it was found."""
    if is_student_id(student_id):
        return True
    say(refusal(student_id, where))
    return False


def refusal(student_id: object, where: str) -> str:
    """The one line that says an id was refused, where it was found, and what to do."""
    return (f"refused student id {shown(student_id)} ({where}): {student_id_problem(student_id)}; "
            f"{WHAT_IT_MAY_BE}. Nothing of it is graded or stored: rename the folder "
            f"to a valid id (or remove it) and run the command again.")
