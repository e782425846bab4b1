"""Authoring: writes an assignment's source notebooks from its lessons, contract, reference and checks.

A lesson (assignments/<assignment>/lessons/<notebook>.py in the course directory) is a jupytext percent-format file an
author edits as text and opens in JupyterLab as a notebook. Its markers say where the build
puts what comes from the assignment's folder: the given code, each exercise's answer, known values and
graded cells. See lesson.py for the markers and build.py for the steps.
"""
