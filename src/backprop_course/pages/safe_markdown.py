"""Markdown and TeX as the pages show them: nbconvert's Markdown renderer with each formula written
as MathML when the page is made (latex2mathml), and the result put through the HTML policy of
safe_html.py. A page needs no script to show formulas, and the browser draws MathML itself."""

from __future__ import annotations

import html
from functools import lru_cache

from jinja2 import pass_context
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from .safe_html import sanitize

# A formula latex2mathml cannot read is shown as its TeX source in this element.
TEX_ERROR_CLASS = "tex"


@lru_cache(maxsize=4096)
def mathml(tex: str, display: bool) -> str:
    """A formula as MathML (not yet sanitized: latex2mathml copies \\text{...} as it is), or its
    TeX source as code when latex2mathml cannot read it."""
    try:
        return latex_to_mathml(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors for TeX it does not know
        delimiter = "$$" if display else "$"
        return f'<code class="{TEX_ERROR_CLASS}">{html.escape(delimiter + tex + delimiter)}</code>'


class MathMLRenderer(IPythonRenderer):
    """nbconvert's renderer, writing formulas as MathML instead of leaving TeX for MathJax."""

    def block_math(self, body: str) -> str:
        return mathml(body, display=True)

    def inline_math(self, body: str) -> str:
        return mathml(body, display=False)

    def latex_environment(self, name: str, body: str) -> str:
        return mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    def block_mermaidjs(self, code: str) -> str:
        return super().block_code(code)  # a diagram drawn by script: shown as its source


def markdown_html(source: str, attachments: dict | None = None) -> str:
    """Markdown (with $...$, $$...$$ and \\begin{...} formulas) as sanitized HTML; images
    named attachment:<name> come from attachments (a cell's, nbformat's layout)."""
    renderer = MathMLRenderer(escape=False, attachments=_image_attachments(attachments or {}))
    try:
        rendered = MarkdownWithMath(renderer=renderer).render(source)
    except Exception:  # a missing attachment, or Markdown the renderer cannot take: the text as is
        rendered = f"<pre>{html.escape(source)}</pre>"
    return sanitize(rendered)


def _image_attachments(attachments: dict) -> dict:
    """Of a cell's attachments, the images, so that an attachment becomes an image or nothing."""
    images = {}
    for name, bundle in attachments.items():
        if isinstance(bundle, dict):
            kept = {mime: data for mime, data in bundle.items() if mime.startswith("image/") and isinstance(data, str)}
            if kept:
                images[name] = kept
    return images


@pass_context
def markdown2html(context, source: str) -> str:
    """The markdown2html filter of our pages' templates, in the place of nbconvert's."""
    cell = context.get("cell") or {}
    return markdown_html(source or "", cell.get("attachments") or {})


def latex_html(latex: str) -> str:
    """A text/latex output ($...$, $$...$$ or an environment) as sanitized HTML with MathML."""
    return markdown_html(latex)
