"""nbgrader configuration of the backprop course: the course directory is this folder."""

from pathlib import Path

from backprop_course.contract import COURSE_ID, SOLUTION_DIRECTORY

c = get_config()  # noqa: F821 - nbgrader provides get_config when it loads this file

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.solution_directory = SOLUTION_DIRECTORY
c.CourseDirectory.db_url = "sqlite:///" + str(Path(__file__).resolve().parent / "gradebook.db")

# A cell that runs longer than this is stopped and the rest of the notebook still runs.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120
