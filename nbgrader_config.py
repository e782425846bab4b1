"""nbgrader configuration of the backprop course: the course directory is this folder."""

from pathlib import Path

c = get_config()  # noqa: F821 - nbgrader provides get_config when it loads this file

# Deleted graded cells come back; grading runs in the sandbox and writes each check's score;
# before the first student, grading refuses in one line without a sandbox, else logs what each
# sandbox gets; feedback hides the tests. See backprop_course/nbgrader_glue/preprocessors.py.
try:
    from backprop_course.course.contract import COURSE_ID
    from backprop_course.course.paths import SOLUTION_DIRECTORY
    from backprop_course.nbgrader_glue.preprocessors import use_course_grading

    use_course_grading(c)
except Exception as error:
    # nbgrader would carry on with its defaults, which run student code outside the sandbox.
    raise SystemExit(f"nbgrader_config.py: the backprop course's grading cannot be set up "
                     f"({type(error).__name__}: {error}); nothing was run") from None

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.solution_directory = SOLUTION_DIRECTORY
c.CourseDirectory.db_url = "sqlite:///" + str(Path(__file__).resolve().parent / "gradebook.db")

# Student code runs only in a sandboxed kernel (bubblewrap): grading refuses to run without one.
# Each sandbox's caps are traits of SandboxedGrading: the table CAPS in
# backprop_course/sandbox/caps.py names each trait, the cap it sets and its help, and Limits
# there holds the defaults. For example (not the defaults):
#   c.SandboxedGrading.cell_timeout = 60              # seconds per cell
#   c.SandboxedGrading.memory_limit = 1024**3         # bytes, all its processes and its /tmp together
# Only for submissions you trust, grading without the sandbox:
#   c.SandboxedGrading.unsafe = True
