"""The ids the grader itself gives, with their hints: the generic failures (before an
assignment's catalog names the mistake more precisely), the result's type where the contract
states it (not-float: only in the catalog of an assignment with a function that returns floats,
its contract's `dtype = "float64"`), and the limits (the student's code was stopped, not judged).
Every assignment's catalog begins with the first (and the second, where it applies) and ends with
the last; the code that runs in the student's kernel (in_kernel/kernel_side.py) spells the first
three out, as it can import nothing."""

NOT_IMPLEMENTED = "not-implemented"
RAISED_ERROR = "raised-error"
WRONG_SHAPE = "wrong-shape"
NOT_FINITE = "not-finite"
WRONG_VALUE = "wrong-value"
GENERIC = (NOT_IMPLEMENTED, RAISED_ERROR, WRONG_SHAPE, NOT_FINITE, WRONG_VALUE)
NOT_FLOAT = "not-float"

TIME_LIMIT = "time-limit"
OUTPUT_LIMIT = "output-limit"
KERNEL_DIED = "kernel-died"
MEMORY_LIMIT = "memory-limit"
PROCESS_LIMIT = "process-limit"
DISK_LIMIT = "disk-limit"
LIMIT_IDS = (TIME_LIMIT, OUTPUT_LIMIT, KERNEL_DIED, MEMORY_LIMIT, PROCESS_LIMIT, DISK_LIMIT)

GENERIC_HINTS = {
    NOT_IMPLEMENTED: "The function still raises NotImplementedError or is missing: write its body.",
    RAISED_ERROR: "The function raised an exception when called on valid inputs.",
    WRONG_SHAPE: "The result has the wrong shape or type; check it against the docstring.",
    NOT_FINITE: "The result holds NaN or infinity where the correct result is finite.",
    WRONG_VALUE: "The values are wrong, in a way that matches none of the common mistakes.",
}
DTYPE_HINTS = {
    NOT_FLOAT: "The result holds integers where floats are expected: convert it with .astype(np.float64), "
               "or compute it from floats (1.0, not 1).",
}
LIMIT_HINTS = {
    TIME_LIMIT: "The notebook or one of its calls ran past its time limit.",
    OUTPUT_LIMIT: "The notebook printed more than the output limit; the rest was cut.",
    KERNEL_DIED: "The notebook's kernel exited or was killed while it ran.",
    MEMORY_LIMIT: "The notebook's processes and its files in /tmp used more memory than the sandbox has.",
    PROCESS_LIMIT: "The notebook started more processes or threads than the sandbox allows.",
    DISK_LIMIT: "The notebook filled the sandbox's /tmp, its only writable folder.",
}
