"""nbgrader configuration of the backprop course: the course directory is this folder."""

from pathlib import Path

from backprop_course.contract import COURSE_ID, SOLUTION_DIRECTORY

c = get_config()  # noqa: F821 - nbgrader provides get_config when it loads this file

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.solution_directory = SOLUTION_DIRECTORY
c.CourseDirectory.db_url = "sqlite:///" + str(Path(__file__).resolve().parent / "gradebook.db")

# A cell that runs longer than this is stopped and the rest of the notebook still runs.
c.Execute.timeout = 120

# Deleted graded cells come back; grading kernels learn the student id (it seeds the hidden
# inputs); feedback hides the tests. See backprop_course/preprocessors.py.
from backprop_course.preprocessors import (  # noqa: E402
    autograde_preprocessors,
    feedback_preprocessors,
    sanitize_preprocessors,
)

c.Autograde.sanitize_preprocessors = sanitize_preprocessors()
c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.GenerateFeedback.preprocessors = feedback_preprocessors()
