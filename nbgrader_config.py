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
# Each sandbox's caps default to backprop_course/sandbox/caps.py's, for example:
#   c.SandboxedGrading.cell_timeout = 120             # seconds per cell
#   c.SandboxedGrading.notebook_timeout = 600         # seconds for all the cells of a notebook
#   c.SandboxedGrading.call_timeout = 10              # seconds per call of a graded function
#   c.SandboxedGrading.output_limit = 1000000         # output bytes kept per notebook
#   c.SandboxedGrading.memory_limit = 2 * 1024**3     # bytes, all its processes and its /tmp together
#   c.SandboxedGrading.disk_limit = 512 * 1024**2     # bytes of its /tmp (a tmpfs: host memory)
#   c.SandboxedGrading.process_limit = 64             # processes and threads
#   c.SandboxedGrading.cpu_limit = 1.0                # CPU cores
#   c.SandboxedGrading.open_files_limit = 1024        # open files per process
#   c.SandboxedGrading.first_uid = 60100              # as root, sandboxes run as uids 60100, 60101, ...
#   c.SandboxedGrading.uid_count = 100                # ... up to this many at once on one host
# Only for submissions you trust, grading without the sandbox:
#   c.SandboxedGrading.unsafe = True
