"""The Content-Security-Policy of each page we make, the second wall behind the sanitizer: where
student content gets through the sanitizer, the browser still runs none of it and fetches nothing.

- Feedback pages and the instructor report run no script at all and load nothing but their own
  inline styles and data: images.
- Formgrader's grading page runs formgrader's own scripts only, each marked with a nonce made
  afresh for every page view (the page is rendered for each request), and may talk to its own
  server (formgrader's API). Two inline click handlers of nbgrader's navigation bar are allowed
  by their hashes.

Each policy is put in a <meta http-equiv> element at the top of the page's head, before any
student content, so that it holds for a feedback page opened from a file as much as for one
served by Jupyter.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from markupsafe import Markup
from nbconvert.preprocessors import Preprocessor

# Where the templates find the nonce of the page being rendered.
NONCE_KEY = "page_nonce"
# nbgrader's formgrade navigation bar shows and hides the student's name with these handlers.
FORMGRADER_HANDLERS = ("toggle_name(true);", "toggle_name(false);")

NO_SCRIPT = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
             "base-uri 'none'; form-action 'none'")


def script_hash(source: str) -> str:
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def formgrader_policy(nonce: str) -> str:
    handlers = " ".join(script_hash(handler) for handler in FORMGRADER_HANDLERS)
    return (f"default-src 'none'; script-src 'nonce-{nonce}' 'unsafe-hashes' {handlers}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'")


def policy_meta(policy: str) -> Markup:
    """The <meta> element that puts policy in force for the rest of the page."""
    return Markup('<meta http-equiv="Content-Security-Policy" content="{}">').format(policy)


def no_script_meta() -> Markup:
    return policy_meta(NO_SCRIPT)


def formgrader_meta(nonce: str) -> Markup:
    return policy_meta(formgrader_policy(nonce))


SCRIPT_TAG = re.compile(r"<script(?=[\s>])", re.IGNORECASE)


def with_nonce(trusted_html: str, nonce: str) -> Markup:
    """trusted_html (markup of our templates or nbgrader's, never student content) with the nonce
    on each of its script elements."""
    return Markup(SCRIPT_TAG.sub(lambda match: f'{match.group(0)} nonce="{nonce}"', str(trusted_html)))


class FreshNonce(Preprocessor):
    """A new random nonce for the page about to be rendered, in resources[NONCE_KEY]."""

    def preprocess(self, nb, resources):
        resources[NONCE_KEY] = secrets.token_urlsafe(18)
        return nb, resources
