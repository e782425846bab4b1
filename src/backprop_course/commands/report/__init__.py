"""Instructor verb `report`: score distributions, frequent mistakes, who made which mistake and
fixed it later, unnamed mistakes grouped by behaviour, and limit hits of a graded assignment.

collect.py reads the data (groups.py and prevalence.py the findings), page.py writes the page
(charts.py, groups_html.py) and the CSV files.
"""

from .collect import (  # noqa: F401 - the verb's names, for the CLI and the tests
    TOTAL,
    AssignmentReport,
    ReportError,
    StudentResult,
    collect_report,
    graded_function_of,
    known_mistakes,
    mistakes_in_notebook,
)
from .page import prevalence_path, render_html, report_path, summary_lines, write_report  # noqa: F401
