"""The pages students and graders read, as nbconvert templates of ours on top of nbgrader's, and
the MathJax they render formulas with when no internet is at hand.

- Feedback (templates/backprop_feedback): nbgrader's feedback page, opening with a table of every
  check (feedback_summary.py) and carrying MathJax 3 in the page itself, since only the HTML file
  travels to the student (nbgrader release_feedback / fetch_feedback copy nothing else).
- Grading by hand (templates/backprop_formgrade): formgrader's page, with MathJax 2 from the
  jupyter-server-mathjax extension of the same Jupyter server (formgrader's script speaks
  MathJax 2's API).

nbgrader_config.py selects the two templates. Each names its main file after itself, so that it
can extend nbgrader's template of the same role as 'index.html.j2'.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from nbgrader.server_extensions.formgrader import handlers as formgrader_handlers

TEMPLATES = Path(__file__).parent / "templates"
FEEDBACK_TEMPLATE = "backprop_feedback"
FORMGRADE_TEMPLATE = "backprop_formgrade"
# Where the feedback template finds what the preprocessors computed for it.
RESOURCES_KEY = "backprop_feedback"

# MathJax 3.2's single-file build with every TeX extension and SVG output (its glyphs inside, so no
# font files to fetch), and its "safe" extension (no javascript: links and the like from TeX),
# as the django-static-mathjax package ships them.
MATHJAX_FILES = ("static/mathjax/es5/tex-svg-full.js", "static/mathjax/es5/ui/safe.js")


def template_file(template: str) -> str:
    return f"{template}.html.j2"


def template_basedirs() -> list[str]:
    """Ours first, then nbgrader's, whose feedback and formgrade templates ours extend."""
    return [str(TEMPLATES), str(formgrader_handlers.template_path)]


@cache
def embedded_mathjax() -> str:
    """MathJax's source, to put between <script> and </script> in a page."""
    package = files("mathjax")
    source = "\n;\n".join(package.joinpath(name).read_text(encoding="utf-8") for name in MATHJAX_FILES)
    # "</script" would end the script element early; "<\/script" means the same to JavaScript in
    # strings, regular expressions and comments, the only places the text can occur.
    source = re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
    if re.search(r"<script", source, flags=re.IGNORECASE) and "<!--" in source:
        raise ValueError("MathJax's source holds '<!--' and '<script', which HTML parses inside a script element")
    return source
