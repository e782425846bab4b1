"""`backprop-course check-assignment NAME`: an assignment's silent traps, found before a student
does (run.py runs the checks, one module each; subject.py holds what they share)."""

from .run import AssignmentTrapError, CheckReport, check_assignment, checked

__all__ = ["AssignmentTrapError", "CheckReport", "check_assignment", "checked"]
