"""What HTML from a student may hold on a page that a person opens: one allowlist, applied with nh3
(the Python binding of the Rust sanitizer ammonia), formulas' MathML included.

The policy keeps text, tables, lists, headings, code, images and formulas, and nothing that runs
or fetches: no script, style sheet, frame, form, object, meta, base or event handler; links only
to http(s), mailto or a place on the same page; images only from data: URLs of image types (an
SVG shown through <img> runs no script); style attributes only with properties and values that
can neither fetch nor move an element out of its cell, and MathML lengths and colours bounded
(safe_style.py). Ids and in-page links get a prefix of their own, as
GitHub's renderer gives them, so that student content cannot take the name of an element of the
page around it (a score box of formgrader, a row of the summary table); class names are limited
to those that only style (code highlighting, pandas tables, alert boxes).
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

import nh3
from pygments.token import STANDARD_TYPES

from .safe_style import safe_mathml_attribute, safe_style

# Prefixed to every id and anchor name of student content, and to its links within the page.
USER_CONTENT = "user-content-"

HTML_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "u", "ul", "var", "wbr",
})
# MathML Core's presentation elements (what latex2mathml writes), without annotation-xml, whose
# HTML content is where namespace-confusion attacks hide.
MATHML_TAGS = frozenset({
    "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded",
    "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup",
    "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
})
MATHML_ATTRIBUTES = frozenset({
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "depth", "display",
    "displaystyle", "fence", "form", "frame", "height", "largeop", "linebreak", "linethickness",
    "lspace", "mathbackground", "mathcolor", "mathsize", "mathvariant", "maxsize", "minsize",
    "movablelimits", "notation", "rowalign", "rowlines", "rowspacing", "rspace", "scriptlevel",
    "separator", "stretchy", "symmetric", "width",
})
# Removed together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object", "embed",
                                  "title", "textarea", "select", "option", "svg"})
STYLE_PROPERTIES = frozenset({
    "background-color", "border", "border-bottom", "border-collapse", "border-color", "border-left",
    "border-right", "border-style", "border-top", "border-width", "color", "font-style", "font-weight",
    "padding", "padding-bottom", "padding-left", "padding-right", "padding-top", "text-align",
    "text-decoration", "vertical-align", "white-space",
})
# Classes that only style: Pygments' token classes, highlighted code, pandas' tables, Bootstrap's
# alert boxes; none of the page's layout (btn, nav, row, col-*, navbar, modal, ...).
PYGMENTS_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
STYLING_CLASS = re.compile(r"highlight|hl-[a-z0-9]+|dataframe|anchor-link|alert|alert-(?:info|success|warning|danger)")
# How many times a page's HTML is sanitized, at most, before it is the same when parsed again.
STABLE_AFTER = 4
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*", re.IGNORECASE)
LINK = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
NUMBER = re.compile(r"\d{1,5}(?:\.\d+)?%?")


def _attributes() -> dict[str, set[str]]:
    common = {"class", "id", "title", "lang", "dir", "style"}
    attributes = {
        "*": common,
        "a": {"href", "name"},
        "img": {"src", "alt", "width", "height"},
        "td": {"colspan", "rowspan", "align"},
        "th": {"colspan", "rowspan", "align", "scope"},
        "col": {"span"},
        "ol": {"start", "type"},
        "details": {"open"},
    }
    for tag in MATHML_TAGS:
        attributes[tag] = set(MATHML_ATTRIBUTES)
    return attributes


def keep_attribute(tag: str, name: str, value: str) -> str | None:
    """The value an attribute keeps on the page, or None to drop it (nh3's attribute_filter)."""
    if name in ("id", "name"):
        cleaned = re.sub(r"[^A-Za-z0-9_.:-]", "-", value).removeprefix(USER_CONTENT)
        return USER_CONTENT + cleaned if cleaned else None
    if name == "class":
        kept = [token for token in value.split() if token in PYGMENTS_CLASSES or STYLING_CLASS.fullmatch(token)]
        return " ".join(kept) if kept else None
    if tag == "a" and name == "href":
        if value.startswith("#"):
            return "#" + USER_CONTENT + value[1:].removeprefix(USER_CONTENT)
        return value if LINK.match(value) else None
    if tag == "img" and name == "src":
        return value if DATA_IMAGE.fullmatch(value) else None
    if tag == "img" and name in ("width", "height"):
        return value if NUMBER.fullmatch(value.strip()) else None
    if name == "style":
        return safe_style(value, STYLE_PROPERTIES)
    if tag in MATHML_TAGS:
        return safe_mathml_attribute(name, value)
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(HTML_TAGS | MATHML_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=_attributes(),
        attribute_filter=keep_attribute,
        url_schemes={"http", "https", "mailto", "data"},
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )


def sanitize(html: str) -> str:
    """html with only what the policy allows (see the module's docstring), cleaned again until
    parsing it once more changes nothing (what mutation attacks count on); HTML that does not
    settle is shown as text."""
    cleaned = _cleaner().clean(html)
    for _ in range(STABLE_AFTER):
        again = _cleaner().clean(cleaned)
        if again == cleaned:
            return cleaned
        cleaned = again
    return f"<pre>{escape(html)}</pre>"
