"""What a student's style attributes and MathML presentation attributes may say: colours, small
borders and paddings, alignment and font style, and formula lengths of a few em. Each value is
checked, not only each property's name, so that nothing a student writes can grow, move or
paint far past its own text (the pages also clip each cell to its box)."""

from __future__ import annotations

import re

# How far a formula's lengths and sizes, and a padding, may reach, in em (16 px to the em).
MAX_FORMULA_EM = 4.0
MAX_PADDING_EM = 2.0
MAX_BORDER_PX = 4.0

COLOUR = re.compile(r"[a-z]{3,20}|#[0-9a-f]{3,8}|rgba?\(\s*[0-9.%\s,/]{1,40}\)", re.IGNORECASE)
LENGTH = re.compile(r"(-?\d{1,4}(?:\.\d{1,4})?)(em|ex|px|pt|cm|mm|%)?", re.IGNORECASE)
EM_PER_UNIT = {"em": 1.0, "ex": 0.5, "px": 1 / 16, "pt": 1 / 12, "cm": 2.36, "mm": 0.236, "%": 0.01, None: 1.0}
# MathML's named spaces (latex2mathml writes some of them for \! and friends).
NAMED_SPACE = re.compile(r"(?:negative)?(?:very){0,2}(?:thin|thick|medium)mathspace", re.IGNORECASE)
BORDER_STYLES = frozenset({"none", "solid", "dashed", "dotted", "double"})
KEYWORDS = {
    "text-align": {"left", "right", "center", "justify", "start", "end"},
    "vertical-align": {"top", "middle", "bottom", "baseline", "sub", "super", "text-top", "text-bottom"},
    "white-space": {"normal", "nowrap", "pre", "pre-wrap", "pre-line"},
    "font-style": {"normal", "italic", "oblique"},
    "font-weight": {"normal", "bold", "bolder", "lighter", *(f"{weight}00" for weight in range(1, 10))},
    "border-collapse": {"collapse", "separate"},
    "border-style": BORDER_STYLES,
    "text-decoration": {"none", "underline", "overline", "line-through"},
}
MATHML_LENGTHS = frozenset({"width", "height", "depth", "lspace", "rspace", "mathsize", "minsize", "maxsize",
                            "linethickness", "columnspacing", "rowspacing"})
MATHML_COLOURS = frozenset({"mathcolor", "mathbackground"})


def em(value: str) -> float | None:
    """A length in em, or None when value is no plain length."""
    match = LENGTH.fullmatch(value.strip())
    if not match:
        return None
    unit = match.group(2).lower() if match.group(2) else None
    return float(match.group(1)) * EM_PER_UNIT[unit]


def _border_width(token: str) -> bool:
    if token in ("thin", "medium", "thick"):
        return True
    size = em(token)
    return size is not None and 0 <= size * 16 <= MAX_BORDER_PX


def _value_ok(prop: str, value: str) -> bool:
    tokens = value.lower().split()
    if not tokens:
        return False
    if prop in ("color", "background-color", "border-color"):
        return len(tokens) == 1 and bool(COLOUR.fullmatch(value.strip()))
    if prop in KEYWORDS:
        return all(token in KEYWORDS[prop] for token in tokens)
    if prop == "border-width":
        return len(tokens) <= 4 and all(_border_width(token) for token in tokens)
    if prop.startswith("border"):  # border, border-top, ...: width, style and colour, each checked
        return len(tokens) <= 3 and all(
            _border_width(token) or token in BORDER_STYLES or COLOUR.fullmatch(token) for token in tokens)
    if prop.startswith("padding"):
        sizes = [em(token) for token in tokens]
        return len(tokens) <= 4 and all(size is not None and 0 <= size <= MAX_PADDING_EM for size in sizes)
    return False


def safe_style(style: str, allowed: frozenset[str]) -> str | None:
    """Of a style attribute, the declarations of allowed properties whose values are checked."""
    kept = []
    for declaration in style.split(";"):
        prop, colon, value = declaration.partition(":")
        prop = prop.strip().lower()
        if colon and prop in allowed and _value_ok(prop, value) and "\\" not in value:
            kept.append(f"{prop}: {value.strip()}")
    return "; ".join(kept) if kept else None


def safe_mathml_attribute(name: str, value: str) -> str | None:
    """A MathML presentation attribute's value, or None to drop it: lengths of at most
    MAX_FORMULA_EM either way, colours by name or number."""
    if name in MATHML_LENGTHS:
        if NAMED_SPACE.fullmatch(value.strip()):
            return value
        size = em(value)
        return value if size is not None and abs(size) <= MAX_FORMULA_EM else None
    if name in MATHML_COLOURS:
        return value if COLOUR.fullmatch(value.strip()) else None
    return value
