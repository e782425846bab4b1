"""backprop-course: an nbgrader assignment that teaches backpropagation, and its grader."""
