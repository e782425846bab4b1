"""The Content-Security-Policy of each page a person opens, the second wall behind the sanitizer:
where student content gets through the sanitizer, the browser still runs none of it and fetches
nothing.

- Feedback pages and the instructor report run no script at all and load nothing but their own
  inline styles and data: images (NO_SCRIPT, in a <meta> element at the top of the page's head,
  so that it holds for a page opened from a file as much as for one served by Jupyter).
- Formgrader's grading page runs the scripts and style elements that our template authors,
  each marked with the nonce of the page view (page_nonce), and nothing else: no inline event
  handler, no student style sheet, images only from data: URLs (grading_page_policy, in a
  <meta> element and, when Jupyter serves it, as a header too: formgrader_guard.py).
- nbgrader's own formgrader pages (manage assignments, students, gradebook) run the scripts of
  nbgrader's templates, each given the nonce where the template is loaded, never in rendered
  markup (management_page_policy).
- Files a student handed in, served by formgrader, are sandboxed documents (SUBMITTED_FILE).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

from markupsafe import Markup
from nbconvert.preprocessors import Preprocessor

# Where the templates find the nonce of the page being rendered.
NONCE_KEY = "page_nonce"

NO_SCRIPT = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
             "base-uri 'none'; form-action 'none'")
# A handed-in file (HTML, SVG, anything) opened from formgrader: a document of a unique origin that
# runs no script, whatever its type says.
SUBMITTED_FILE = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
SELF = "'self'"


def script_hash(source: str) -> str:
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def _closing(connect: str) -> str:
    return f"connect-src {connect}; base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'"


def as_header(policy: str, report_uri: str) -> str:
    """policy with what only a header can carry: who may frame the page (Jupyter's own rule,
    for JupyterLab's formgrader panel) and where the browser reports a violation."""
    return f"{policy}; frame-ancestors 'self'; report-uri {report_uri}"


def grading_page_policy(nonce: str, connect: str = SELF) -> str:
    """Formgrader's grading page: our template's scripts and style elements only."""
    return (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src-elem 'self' 'nonce-{nonce}'; "
            "style-src-attr 'unsafe-inline'; img-src data:; font-src 'self' data:; " + _closing(connect))


def management_page_policy(nonce: str, handlers: tuple[str, ...] = (), connect: str = SELF) -> str:
    """nbgrader's own formgrader pages: their templates' scripts (nonce) and inline handlers
    (handlers: their exact source, allowed by hash), their style sheets and inline styles."""
    hashes = "".join(f" {script_hash(handler)}" for handler in handlers)
    allow_handlers = f" 'unsafe-hashes'{hashes}" if handlers else ""
    return (f"default-src 'none'; script-src 'nonce-{nonce}'{allow_handlers}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; " + _closing(connect))


def policy_meta(policy: str) -> Markup:
    """The <meta> element that puts policy in force for the rest of the page."""
    return Markup('<meta http-equiv="Content-Security-Policy" content="{}">').format(policy)


def no_script_meta() -> Markup:
    return policy_meta(NO_SCRIPT)


def formgrader_meta(nonce: str) -> Markup:
    return policy_meta(grading_page_policy(nonce))


@dataclass
class PageNonce:
    """The nonce of the page a request is answered with, and which page used it, if any."""

    value: str
    page: str | None = None

    @property
    def used(self) -> bool:
        return self.page is not None


# Set by formgrader_guard.py for each request to formgrader, before its handler runs.
REQUEST_NONCE: ContextVar[PageNonce | None] = ContextVar("backprop_course_request_nonce", default=None)


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


GRADING_PAGE = "grading"


def page_nonce(page: str = GRADING_PAGE) -> str:
    """The nonce of the page being rendered: the request's when Jupyter serves it (so that the
    header and the page agree, and the header knows which page it heads), else a new one."""
    current = REQUEST_NONCE.get()
    if current is None:
        return new_nonce()
    current.page = page
    return current.value


class FreshNonce(Preprocessor):
    """The nonce of the page about to be rendered, in resources[NONCE_KEY]."""

    def preprocess(self, nb, resources):
        resources[NONCE_KEY] = page_nonce()
        return nb, resources
