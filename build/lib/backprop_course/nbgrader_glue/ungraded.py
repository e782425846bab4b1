"""A student whose grading failed for a reason not theirs is left ungraded: no zero is recorded."""

from __future__ import annotations

import logging

from nbgrader.api import Gradebook, MissingEntry


def graded_by_hand(submission) -> bool:
    """Whether a person has graded or commented any cell of the submission."""
    notebooks = submission.notebooks
    return any(grade.manual_score is not None or grade.extra_credit for nb in notebooks for grade in nb.grades) or any(
        comment.manual_comment for nb in notebooks for comment in nb.comments)


def leave_ungraded(db_url: str, assignment: str, student: str, log: logging.Logger) -> bool:
    """Take the student's submission out of the gradebook, so that it holds no score for them and
    the next run grades them; unless a person has graded it, whose work is kept (with whatever
    autograded scores it had). Whether it was taken out."""
    with Gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return True
        if graded_by_hand(submission):
            log.warning("%s: kept in the gradebook for its hand grading; its autograded scores may be stale", student)
            return False
        gradebook.remove_submission(assignment, student)
    return True
