"""The ids the grader itself gives: the generic failures (before the catalog names the mistake
more precisely) and the limits (the student's code was stopped, not judged). The catalog holds
their hints; the code that runs in the student's kernel (portable/kernel_side.py) spells the
first three out, as it can import nothing."""

NOT_IMPLEMENTED = "not-implemented"
RAISED_ERROR = "raised-error"
WRONG_SHAPE = "wrong-shape"
NOT_FINITE = "not-finite"
WRONG_VALUE = "wrong-value"
GENERIC = (NOT_IMPLEMENTED, RAISED_ERROR, WRONG_SHAPE, NOT_FINITE, WRONG_VALUE)

TIME_LIMIT = "time-limit"
OUTPUT_LIMIT = "output-limit"
KERNEL_DIED = "kernel-died"
MEMORY_LIMIT = "memory-limit"
PROCESS_LIMIT = "process-limit"
DISK_LIMIT = "disk-limit"
LIMITS = (TIME_LIMIT, OUTPUT_LIMIT, KERNEL_DIED, MEMORY_LIMIT, PROCESS_LIMIT, DISK_LIMIT)
