"""The pages students and graders read, as nbconvert templates of ours on top of nbgrader's, with
student content inert on every one of them.

- Feedback (templates/backprop_feedback): nbgrader's feedback page, opening with a table of every
  check (feedback_summary.py), running no script at all.
- Grading by hand (templates/backprop_formgrade): formgrader's page, running formgrader's own
  scripts only.

On both, the notebook is made inert first (inert_notebook.py), Markdown and formulas become
sanitized HTML with MathML (safe_markdown.py), and a Content-Security-Policy heads the page
(content_policy.py). nbgrader_config.py selects the two templates and these filters and
preprocessors. Each template names its main file after itself, so that it can extend nbgrader's
template of the same role as 'index.html.j2'.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from nbconvert.filters.highlight import Highlight2HTML
from nbgrader.server_extensions.formgrader import handlers as formgrader_handlers

from .content_policy import FreshNonce, formgrader_meta, no_script_meta
from .inert_notebook import MakeStudentContentInert
from .safe_markdown import markdown2html

TEMPLATES = Path(__file__).parent / "templates"
FEEDBACK_TEMPLATE = "backprop_feedback"
FORMGRADE_TEMPLATE = "backprop_formgrade"
# Where the feedback template finds what the preprocessors computed for it.
RESOURCES_KEY = "backprop_feedback"


def template_file(template: str) -> str:
    return f"{template}.html.j2"


def template_basedirs() -> list[str]:
    """Ours first, then nbgrader's, whose feedback and formgrade templates ours extend."""
    return [str(TEMPLATES), str(formgrader_handlers.template_path)]


def head_without_script(header_html: str) -> Markup:
    """A page's header (nbgrader's markup) with the no-script policy first in its head."""
    header_html = str(header_html)
    if "<head>" not in header_html:
        raise ValueError("the page's header has no <head> to put the Content-Security-Policy in")
    return Markup(header_html.replace("<head>", f"<head>\n{no_script_meta()}", 1))


@lru_cache(maxsize=64)
def _highlighter(lexer: str | None) -> Highlight2HTML:
    return Highlight2HTML(pygments_lexer=lexer)


@pass_context
def highlight_code(context, source: str, language: str | None = None, metadata=None) -> str:
    """nbconvert's code highlighting, with the lexer of the notebook's language as the inert
    notebook holds it (nbconvert reads it from the notebook as the student sent it)."""
    info = context.get("nb", {}).get("metadata", {}).get("language_info", {})
    return _highlighter(info.get("pygments_lexer", info.get("name")))(source, language, metadata)


def page_filters() -> dict:
    """The Jinja filters of our pages: nbconvert's markdown2html and code highlighting replaced by
    safe ones."""
    return {
        "markdown2html": markdown2html,
        "highlight_code": highlight_code,
        "head_without_script": head_without_script,
        "formgrader_policy": formgrader_meta,
    }


def page_preprocessors() -> list:
    """What runs on a notebook before any of our pages is rendered from it."""
    return [MakeStudentContentInert, FreshNonce]
