"""Per-assignment corpora of submissions written as students write them, one module per
assignment, named after it (tests/corpora/<assignment>.py): the battery of
tests/test_assignment_battery.py picks a module up by the assignment's name.

A corpus module exposes CORPUS and MORE_MISTAKES, lists of (expected mistake id, graded function,
the answer cell's code), and CORRECT_VARIANTS, a list of (graded function, code) that must get
full points; optionally CHECK_EXCEPTIONS, {(corpus name, mistake id): (what the released check
cell shows instead, why)} for the entries its check cell cannot name.
"""
