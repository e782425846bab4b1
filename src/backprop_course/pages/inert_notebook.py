"""A notebook made inert before it becomes a page a person opens (feedback, formgrader): every
output and cell reduced to what the page templates show safely, whatever the student's kernel
printed or the student wrote into the notebook's JSON.

- Outputs keep only text, images and sanitized HTML: text/html goes through the HTML policy
  (safe_html.py), text/markdown and text/latex become sanitized HTML with MathML
  (safe_markdown.py), an SVG stays an image (the templates show it through <img>, where it runs
  no script), and JavaScript, widgets and every other type are dropped, with a line that says so.
- Output metadata keeps only numeric image sizes (templates print them into <img>); nothing
  that points a page at a file or into a frame.
- Raw cells, which nbconvert copies into HTML pages verbatim, are sanitized; cell ids, tags,
  nbgrader's metadata and the notebook's language keep only values of the shape the templates
  expect.
- The notebook's widget state, which nbconvert writes into a script element, is dropped.

The templates' own markdown2html (safe_markdown.py) covers Markdown cells and grader comments.
"""

from __future__ import annotations

import numbers
import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

from .safe_html import sanitize
from .safe_markdown import latex_html, markdown_html

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
SHOWN_TYPES = ("text/plain", "text/html", *IMAGE_TYPES)
# The line put where an output of another type (JavaScript, a widget, ...) was.
NOT_SHOWN = "[{types} output, not shown here: pages show text, images, tables and formulas only]"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A language's name as Pygments names lexers (the page prints it into a class attribute).
LANGUAGE = re.compile(r"[A-Za-z0-9+#._-]{1,40}")
NBGRADER_FLAGS = ("grade", "solution", "locked", "task")
NBGRADER_NUMBERS = ("points", "score", "schema_version")
NBGRADER_TEXTS = ("comment", "checksum", "cell_type")
OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error")


class MakeStudentContentInert(Preprocessor):
    """Reduce a notebook to what a page may show (see the module's docstring)."""

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        inert_language_info(nb.metadata)
        for index, cell in enumerate(nb.cells):
            nb.cells[index] = inert_cell(cell, index)
        return nb, resources


def inert_cell(cell: NotebookNode, index: int) -> NotebookNode:
    if not SAFE_NAME.fullmatch(str(cell.get("id", ""))):
        cell["id"] = f"cell-{index}"
    metadata = cell.setdefault("metadata", NotebookNode())
    tags = metadata.get("tags")
    if tags is not None:
        metadata["tags"] = [tag for tag in tags if isinstance(tag, str) and SAFE_NAME.fullmatch(tag)] \
            if isinstance(tags, list) else []
    if "nbgrader" in metadata:
        nbgrader = inert_nbgrader(metadata["nbgrader"])
        if nbgrader is None:
            del metadata["nbgrader"]
        else:
            metadata["nbgrader"] = nbgrader
    if "magics_language" in metadata and not _is_language(metadata["magics_language"]):
        del metadata["magics_language"]
    if cell.get("cell_type") == "raw":
        cell["source"] = sanitize(str(cell.get("source", "")))
    if "attachments" in cell and cell.get("cell_type") != "markdown":
        del cell["attachments"]
    if cell.get("cell_type") == "code":
        cell["outputs"] = [inert_output(output) for output in cell.get("outputs", []) if isinstance(output, dict)]
    return cell


def _is_language(name) -> bool:
    return isinstance(name, str) and bool(LANGUAGE.fullmatch(name))


def inert_language_info(metadata: NotebookNode) -> None:
    """The notebook's language_info with a name and lexer of a language's shape only (nbconvert
    prints them into the class of highlighted code)."""
    info = metadata.get("language_info")
    if not isinstance(info, dict):
        metadata.pop("language_info", None)
        return
    for key in ("name", "pygments_lexer"):
        if key in info and not _is_language(info[key]):
            del info[key]


def inert_nbgrader(nbgrader) -> NotebookNode | None:
    """nbgrader's cell metadata with values of the expected types only, or None when its grade_id
    is not one nbgrader could have made (nbgrader allows letters, digits, _ and -)."""
    if not isinstance(nbgrader, dict):
        return None
    grade_id = nbgrader.get("grade_id")
    if grade_id is not None and not (isinstance(grade_id, str) and SAFE_NAME.fullmatch(grade_id)):
        return None
    kept = NotebookNode()
    if grade_id is not None:
        kept["grade_id"] = grade_id
    for key in NBGRADER_FLAGS:
        if key in nbgrader:
            kept[key] = nbgrader[key] is True
    for key in NBGRADER_NUMBERS:
        value = nbgrader.get(key)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            kept[key] = value
    for key in NBGRADER_TEXTS:
        if isinstance(nbgrader.get(key), str):
            kept[key] = nbgrader[key]
    return kept


def inert_output(output: dict) -> NotebookNode:
    kind = output.get("output_type")
    if kind not in OUTPUT_TYPES:
        return NotebookNode(output_type="stream", name="stdout", text=NOT_SHOWN.format(types=str(kind)[:40]))
    if kind == "stream":
        return NotebookNode(output_type="stream", name="stderr" if output.get("name") == "stderr" else "stdout",
                            text=_text(output.get("text", "")))
    if kind == "error":
        traceback = output.get("traceback", [])
        return NotebookNode(output_type="error", ename=_text(output.get("ename", "")),
                            evalue=_text(output.get("evalue", "")),
                            traceback=[_text(line) for line in traceback] if isinstance(traceback, list) else [])
    inert = NotebookNode(output_type=kind, data=inert_data(output.get("data", {})),
                         metadata=inert_metadata(output.get("metadata", {})))
    if kind == "execute_result":
        count = output.get("execution_count")
        inert["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
    return inert


def inert_data(data) -> NotebookNode:
    """A mime bundle reduced to the shown types, rich text turned into sanitized HTML."""
    if not isinstance(data, dict):
        data = {}
    bundle = {mime: _text(value) for mime, value in data.items() if isinstance(mime, str)}
    kept = NotebookNode()
    if "text/html" in bundle:
        kept["text/html"] = sanitize(bundle["text/html"])
    elif "text/markdown" in bundle:
        kept["text/html"] = markdown_html(bundle["text/markdown"])
    elif "text/latex" in bundle:
        kept["text/html"] = latex_html(bundle["text/latex"])
    for mime in IMAGE_TYPES:
        if mime in bundle:
            kept[mime] = bundle[mime]
    if "text/plain" in bundle:
        kept["text/plain"] = bundle["text/plain"]
    dropped = sorted(mime for mime in bundle if mime not in (*SHOWN_TYPES, "text/markdown", "text/latex"))
    if dropped and not kept.keys() - {"text/plain"}:
        note = NOT_SHOWN.format(types=", ".join(dropped))
        kept["text/plain"] = f"{kept['text/plain']}\n{note}" if "text/plain" in kept else note
    return kept


def inert_metadata(metadata) -> NotebookNode:
    """Of an output's metadata, numeric image sizes only."""
    kept = NotebookNode()
    if not isinstance(metadata, dict):
        return kept
    for mime in IMAGE_TYPES:
        sizes = metadata.get(mime)
        if isinstance(sizes, dict):
            numeric = {key: sizes[key] for key in ("width", "height")
                       if isinstance(sizes.get(key), numbers.Real) and not isinstance(sizes.get(key), bool)}
            if numeric:
                kept[mime] = NotebookNode(numeric)
    return kept


def _text(value) -> str:
    """Text as nbformat holds it (a string, or a list of lines)."""
    if isinstance(value, list):
        return "".join(str(line) for line in value)
    return value if isinstance(value, str) else str(value)
