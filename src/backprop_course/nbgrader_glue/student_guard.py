"""Student ids enter a course only when they are ids (course/student_ids.py), at each door:

- `nbgrader collect` (and formgrader's collect button): CheckedCollect skips exchange folders
  whose student id is refused, or whose name nbgrader cannot read, and, on a hub whose students
  are Unix users (`owners_are_students`), folders that another user handed in under the id, with
  one log line each;
- `nbgrader autograde` (`--create` included): drop_refused_submissions, called before the first
  student is touched, leaves out submitted/<id>/ folders whose id is refused;
- every other way into the gradebook (`nbgrader db student add` and `import`, formgrader's
  students page, the bulk writer): a gradebook row of a refused id is never inserted.
"""

from __future__ import annotations

import datetime
import os
import pwd
import re

from nbgrader.api import InvalidEntry, Student
from nbgrader.exchange.default.collect import ExchangeCollect
from sqlalchemy import event
from traitlets import Bool

from ..course.student_ids import admitted, is_student_id, refusal

# The student of an exchange folder whose name (<student>+<assignment>+<timestamp>) nbgrader cannot read.
UNREADABLE = None
# The student of an exchange folder that another Unix user handed in (owners_are_students).
NOT_THEIRS = object()


class CheckedCollect(ExchangeCollect):
    """nbgrader's collect, taking only the exchange folders of valid student ids."""

    owners_are_students = Bool(False, help=(
        "Each student is the Unix user named by their student id (a hub with JupyterHub's "
        "LocalProcessSpawner, The Littlest JupyterHub): take an exchange folder only when that user owns "
        "it, so that no student hands in under another's id (`nbgrader submit --student`).")).tag(config=True)

    def _path_to_record(self, path):
        try:
            record = super()._path_to_record(path)
        except Exception:  # nbgrader stops the whole collect on one folder it cannot read
            return {"username": UNREADABLE, "filename": os.path.basename(path), "timestamp": datetime.datetime.min}
        if self.owners_are_students and not self._handed_in_by(record["username"], path):
            return {**record, "username": NOT_THEIRS}  # grouped apart from the student's own, then left out
        return record

    def init_src(self):
        super().init_src()
        self.src_records = [
            record for record in self.src_records
            if record["username"] is not NOT_THEIRS and admitted(
                record["username"], f"exchange folder {os.path.join(self.inbound_path, record['filename'])}",
                self.log.error)
        ]

    def _handed_in_by(self, student: str, folder: str) -> bool:
        uid = os.lstat(folder).st_uid
        try:
            owner = pwd.getpwuid(uid).pw_name
        except KeyError:
            owner = f"uid {uid}"
        if owner != student:
            self.log.error("exchange folder %s: handed in as %s by the user %s; skipped "
                           "(CheckedCollect.owners_are_students)", folder, student, owner)
        return owner == student


def drop_refused_submissions(converter, log) -> None:
    """Take the submissions of refused student ids out of an nbgrader converter's list of what
    it is about to convert (its `assignments`, made by init_notebooks)."""
    found = getattr(converter, "assignments", None)
    if not found:
        return
    pattern = re.compile(converter._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True))
    for folder in list(found):
        match = pattern.match(folder)
        student = match.group("student_id") if match else os.path.basename(folder)
        if not admitted(student, f"folder {folder}", log.error):
            del found[folder]


def _refuse_invalid_student(mapper, connection, student: Student) -> None:
    if not is_student_id(student.id):
        raise InvalidEntry(refusal(student.id, "gradebook"))


def guard_gradebook() -> None:
    """From now on in this process, no student row of a refused id is inserted in any gradebook."""
    if not event.contains(Student, "before_insert", _refuse_invalid_student):
        event.listen(Student, "before_insert", _refuse_invalid_student)
