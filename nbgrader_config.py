"""nbgrader configuration of the backprop course: the course directory is this folder."""

from pathlib import Path

from backprop_course.contract import COURSE_ID, SOLUTION_DIRECTORY

c = get_config()  # noqa: F821 - nbgrader provides get_config when it loads this file

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.solution_directory = SOLUTION_DIRECTORY
c.CourseDirectory.db_url = "sqlite:///" + str(Path(__file__).resolve().parent / "gradebook.db")

# Student code runs only in a sandboxed kernel (bubblewrap): grading refuses to run without one.
# Its limits default to the contract's (backprop_course/contract.py), for example:
#   c.SandboxedGrading.cell_timeout = 120        # seconds per cell
#   c.SandboxedGrading.notebook_timeout = 600    # seconds for all the cells of a notebook
#   c.SandboxedGrading.output_limit = 1000000    # output bytes kept per notebook
# Only for submissions you trust, grading without the sandbox:
#   c.SandboxedGrading.unsafe = True

# Deleted graded cells come back; grading runs in the sandbox and writes each check's score;
# feedback hides the tests. See backprop_course/preprocessors.py.
from backprop_course.preprocessors import (  # noqa: E402
    autograde_preprocessors,
    feedback_preprocessors,
    sanitize_preprocessors,
)

c.Autograde.sanitize_preprocessors = sanitize_preprocessors()
c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.GenerateFeedback.preprocessors = feedback_preprocessors()

# The pages students and graders read (backprop_course/pages.py): feedback opens with a table of
# every check and carries MathJax, and formgrader's grading page takes MathJax from this Jupyter
# server, so formulas render without the internet. Formgrader's exporter has no parent to scope
# its settings by; GenerateFeedback's settings below take precedence over them for feedback.
from backprop_course.pages import (  # noqa: E402
    FEEDBACK_TEMPLATE,
    FORMGRADE_TEMPLATE,
    template_basedirs,
    template_file,
)

c.HTMLExporter.template_name = FORMGRADE_TEMPLATE
c.HTMLExporter.template_file = template_file(FORMGRADE_TEMPLATE)
c.HTMLExporter.extra_template_basedirs = template_basedirs()
c.GenerateFeedback.HTMLExporter.template_name = FEEDBACK_TEMPLATE
c.GenerateFeedback.HTMLExporter.template_file = template_file(FEEDBACK_TEMPLATE)
