"""backprop-course: an nbgrader assignment that teaches backpropagation, and its grader."""

from .deferred_imports import defer_slow_imports

defer_slow_imports()
