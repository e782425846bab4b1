"""Student ids enter a course only when they are ids (course/student_ids.py), at each door:

- `nbgrader collect` (and formgrader's collect button): CheckedCollect skips exchange folders
  whose student id is refused, or whose name nbgrader cannot read, with one log line each;
- `nbgrader autograde` (`--create` included): drop_refused_submissions, called before the first
  student is touched, leaves out submitted/<id>/ folders whose id is refused;
- every other way into the gradebook (`nbgrader db student add` and `import`, formgrader's
  students page, the bulk writer): a gradebook row of a refused id is never inserted.
"""

from __future__ import annotations

import datetime
import os
import re

from nbgrader.api import InvalidEntry, Student
from nbgrader.exchange.default.collect import ExchangeCollect
from sqlalchemy import event

from ..course.student_ids import admitted, is_student_id, refusal

# The student of an exchange folder whose name (<student>+<assignment>+<timestamp>) nbgrader cannot read.
UNREADABLE = None


class CheckedCollect(ExchangeCollect):
    """nbgrader's collect, taking only the exchange folders of valid student ids."""

    def _path_to_record(self, path):
        try:
            return super()._path_to_record(path)
        except Exception:  # nbgrader stops the whole collect on one folder it cannot read
            return {"username": UNREADABLE, "filename": os.path.basename(path), "timestamp": datetime.datetime.min}

    def init_src(self):
        super().init_src()
        self.src_records = [
            record for record in self.src_records
            if admitted(record["username"], f"exchange folder {os.path.join(self.inbound_path, record['filename'])}",
                        self.log.error)
        ]


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
