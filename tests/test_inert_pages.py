"""Student content is inert on every page we render: the sanitizer's policy, the notebook made inert,
and the pages of feedback and formgrader as nbgrader_config.py renders them, read as HTML (the
browser tests, test_page_attacks.py, open them)."""

from __future__ import annotations

import base64
import json
import re

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from backprop_course.pages.content_policy import NONCE_KEY
from backprop_course.pages.feedback_summary import summarize
from backprop_course.pages.inert_notebook import MakeStudentContentInert
from backprop_course.pages.page_templates import RESOURCES_KEY
from backprop_course.pages.safe_html import USER_CONTENT, sanitize
from backprop_course.pages.safe_markdown import markdown_html

from .support.backprop import CONTRACT
from .support.page_attack_corpus import (
    ALL_VECTORS,
    FORGED_VECTORS,
    forged_cells,
    markdown_payloads,
    other_cells,
    outputs_cell,
    widget_state,
)
from .support.pages import body_of, feedback_exporter, feedback_resources, formgrade_exporter, formgrade_resources

# Elements that run, load, navigate or re-base a page: none may come from student content.
ACTIVE_ELEMENTS = ("script", "iframe", "frame", "object", "embed", "form", "base", "meta", "link", "style", "svg",
                   "applet", "portal", "input", "button", "textarea", "select")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "srcset", "poster", "background")


def active_parts(soup) -> list[str]:
    """What in soup could run or load something: elements, event handlers, script URLs, images
    that are not data: URLs."""
    found = [f"<{element.name}>" for element in soup.find_all(ACTIVE_ELEMENTS)]
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{element.name} {name}>")
            if name.lower() in URL_ATTRIBUTES and re.search(r"^\s*(javascript|vbscript|data:text)", text, re.I):
                found.append(f"<{element.name} {name}={text[:30]}>")
            if element.name == "img" and name == "src" and not text.startswith("data:image/"):
                found.append(f"<img src={text[:30]}>")
    return found


def attacked_notebook() -> nbformat.NotebookNode:
    """A notebook carrying every payload of the corpus, outputs included, as if autograded."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [new_markdown_cell(markdown_payloads()), outputs_cell(), *other_cells(), *forged_cells()]
    nb.metadata["widgets"] = widget_state()
    return nb


def rendered_feedback(nb) -> str:
    resources = {**feedback_resources(), RESOURCES_KEY: {"summary": summarize(nb, CONTRACT)}}
    page, _ = feedback_exporter().from_notebook_node(nb, resources=resources)
    return page


def rendered_formgrade(nb) -> tuple[str, dict]:
    return formgrade_exporter().from_notebook_node(nb, resources=formgrade_resources())


@pytest.mark.parametrize("html", [
    '<img src="x" onerror="alert(1)">', "<script>alert(1)</script>", '<svg onload="alert(1)"><circle/></svg>',
    '<a href="javascript:alert(1)">x</a>', '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>', '<meta http-equiv="refresh" content="0;url=x">',
    '<base href="https://example.org/">', '<div style="background:url(javascript:alert(1))">x</div>',
    '<object data="data:text/html,x"></object>', '<form action="https://example.org"><input></form>',
    '<details open ontoggle="alert(1)">x</details>', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', "<noscript><p title=\"</noscript><img "
    "src=x onerror=alert(1)>\">", '<img src="https://example.org/track.png">', '<link rel=stylesheet href=x>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<img srcset="x 1x" src="data:image/png;base64,AA==">',
])
def test_the_policy_leaves_nothing_that_runs_or_loads(html):
    cleaned = sanitize(html)
    assert active_parts(body_of(cleaned)) == [], cleaned


def test_the_policy_keeps_text_tables_images_links_and_formulas():
    html = ('<h2 id="results">Results</h2><p><b>bold</b> <em>it</em> <code>x = 1</code></p>'
            '<table class="dataframe"><thead><tr><th>a</th></tr></thead><tbody><tr><td style="color: red">1</td>'
            '</tr></tbody></table><img src="data:image/png;base64,iVBORw0KGgo=" width="200" alt="plot">'
            '<a href="https://numpy.org">numpy</a> <a href="#results">up</a>'
            '<math display="block"><mfrac><mi>a</mi><mi>b</mi></mfrac></math>')
    soup = body_of(sanitize(html))
    assert soup.find("table", class_="dataframe").td["style"] == "color:red"
    assert soup.img["src"].startswith("data:image/png") and soup.img["width"] == "200"
    assert soup.find("a", href="https://numpy.org") is not None
    assert soup.find("math").find("mfrac") is not None and soup.find("math")["display"] == "block"
    # ids and in-page links of student content carry a prefix of their own, consistently
    assert soup.h2["id"] == USER_CONTENT + "results"
    assert soup.find("a", string="up")["href"] == "#" + USER_CONTENT + "results"


def test_student_content_cannot_take_the_name_or_the_behaviour_of_a_page_element():
    soup = body_of(markdown_html('<input class="score tabbable" id="multilayer_discussion"> '
                                 '<span class="score tabbable navbar-fixed-top k" id="summary">x</span>'))
    assert soup.find("input") is None
    span = soup.find("span")
    assert span["id"] == USER_CONTENT + "summary" and span["class"] == ["k"]  # a Pygments token class stays


def test_formulas_become_mathml_and_tex_it_cannot_read_stays_as_text():
    soup = body_of(markdown_html("Inline $\\hat{y}_i = \\sigma(z_i)$ and\n\n$$\\frac{\\partial L}{\\partial w}$$\n\n"
                                 "and $\\notacommand{x$ here"))
    formulas = soup.find_all("math")
    assert [formula.get("display") for formula in formulas][:2] == ["inline", "block"]
    assert formulas[1].find("mfrac") is not None
    assert "$" not in " ".join(formula.get_text() for formula in formulas)


def test_the_inert_notebook_keeps_only_shown_types_and_numeric_image_sizes():
    nb = attacked_notebook()
    nb, _ = MakeStudentContentInert().preprocess(nb, {})
    outputs = nb.cells[1].outputs
    for output in outputs:
        if output.output_type in ("display_data", "execute_result"):
            assert set(output.data) <= {"text/plain", "text/html", "image/png", "image/jpeg", "image/svg+xml"}
            assert all(set(sizes) <= {"width", "height"} for sizes in output.metadata.values())
            assert "filenames" not in output.metadata and "text/html" not in output.metadata
    assert "widgets" not in nb.metadata
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", cell.id) for cell in nb.cells)
    (raw,) = [cell for cell in nb.cells if cell.cell_type == "raw"]
    assert "<script" not in raw.source and "onerror" not in raw.source and "raw-cell-html" not in raw.source


def test_no_part_of_a_feedback_page_runs_or_loads_anything_from_the_student():
    page = rendered_feedback(attacked_notebook())
    soup = body_of(page)
    head_meta = soup.head.find_all("meta")
    assert head_meta[0].get("http-equiv") == "Content-Security-Policy"
    policy = head_meta[0]["content"]
    assert "default-src 'none'" in policy and "script-src" not in policy  # no script at all
    assert soup.find_all("script") == []
    notebook_part = soup.find(id="notebook-container")
    assert active_parts(notebook_part) == []
    attributes = " ".join(str(value) for element in notebook_part.find_all(True) for value in element.attrs.values())
    assert "pwned" not in attributes


def formgrade_attacked_notebook() -> nbformat.NotebookNode:
    """attacked_notebook() without the cells nbformat's schema refuses (a cell id, an output type):
    formgrader's exporter validates the notebook and renders no page of it at all."""
    nb = attacked_notebook()
    nb.cells = [cell for cell in nb.cells if _valid_for_nbformat(cell)]
    assert len(nb.cells) == len(attacked_notebook().cells) - 2
    return nb


def _valid_for_nbformat(cell) -> bool:
    try:
        nbformat.validate(cell, ref=f"{cell.cell_type}_cell", version=4, version_minor=5)
    except nbformat.ValidationError:
        return False
    return True


def test_formgrader_shows_no_page_of_a_notebook_that_nbformat_refuses():
    with pytest.raises(nbformat.ValidationError):
        rendered_formgrade(attacked_notebook())


def test_on_a_formgrader_page_only_formgraders_own_scripts_carry_the_pages_nonce():
    page, resources = rendered_formgrade(formgrade_attacked_notebook())
    soup = body_of(page)
    nonce = resources[NONCE_KEY]
    policy = soup.head.find("meta")
    assert policy.get("http-equiv") == "Content-Security-Policy" and f"'nonce-{nonce}'" in policy["content"]
    script_policy = policy["content"].split("script-src")[1].split(";")[0]
    assert "unsafe-inline" not in script_policy and "unsafe-hashes" not in script_policy
    scripts = soup.find_all("script")
    assert scripts and all(script.get("nonce") == nonce for script in scripts)
    assert all(script.get("src", "").startswith("/formgrader/static/") or "pwned" not in script.get_text()
               for script in scripts)
    assert not any("pwned" in script.get_text() for script in scripts)
    handlers = [(name, value) for element in soup.find_all(True) for name, value in element.attrs.items()
                if name.startswith("on")]
    assert handlers == []  # formgrader's own handlers are bound by its nonce'd script
    notebook_part = soup.find(id="notebook-container")
    assert active_parts(notebook_part) == [f"<{tag}>" for tag in _formgrader_widgets(notebook_part)]


def _formgrader_widgets(part) -> list[str]:
    """The score boxes, buttons and comment fields formgrader itself puts beside graded cells."""
    return [element.name for element in part.find_all(["input", "button", "textarea"])
            if set(element.get("class", [])) & {"score", "extra-credit", "comment", "btn"}]


def test_each_formgrader_page_view_gets_a_nonce_of_its_own():
    nb = nbformat.v4.new_notebook()
    nb.cells = [new_markdown_cell("Hello")]
    nonces = {rendered_formgrade(nb)[1][NONCE_KEY] for _ in range(3)}
    assert len(nonces) == 3 and all(len(nonce) >= 22 for nonce in nonces)


def test_the_attacked_notebook_carries_every_vector_of_the_corpus():
    assert len(set(ALL_VECTORS)) == len(ALL_VECTORS) and not set(FORGED_VECTORS) & set(ALL_VECTORS)
    nb = attacked_notebook()
    carried = json.dumps(nb)
    encoded = re.findall(r"base64,([A-Za-z0-9+/=]+)", carried)
    attachments = [cell.get("attachments", {}) for cell in nb.cells]
    encoded += [data for bundles in attachments for bundle in bundles.values() for data in bundle.values()]
    carried += "".join(base64.b64decode(data).decode(errors="replace") for data in encoded)
    missing = [vector for vector in (*ALL_VECTORS, *FORGED_VECTORS) if vector not in carried]
    assert missing == ["cell-tags"]  # its mark is a dataset name: pwnedCellTags


@pytest.mark.parametrize(("style", "kept"), [
    ("color: red; font-weight: bold", "color:red;font-weight:bold"),
    ("padding: 4px 1em; border: 1px solid #ccc", "padding:4px 1em;border:1px solid #ccc"),
    ("padding: 2000px", None),
    ("border: 3000px solid white", None),
    ("border-width: 9px", None),
    ("color: expression(alert(1))", None),
    ("background-color: url(x)", None),
    ("position: fixed; top: 0; z-index: 9999", None),
    ("text-align: center; white-space: nowrap", "text-align:center;white-space:nowrap"),
])
def test_style_values_are_checked_not_only_their_properties(style, kept):
    span = body_of(sanitize(f'<span style="{style}">x</span>')).span
    assert span.get("style") == kept


@pytest.mark.parametrize(("attribute", "value", "kept"), [
    ("width", "0.167em", True), ("width", "negativethinmathspace", True), ("lspace", "-0.5em", True),
    ("width", "4000px", False), ("lspace", "-3000px", False), ("mathsize", "2.49em", True),
    ("mathsize", "4000px", False), ("height", "3cm", False), ("mathbackground", "white", True),
    ("mathbackground", "url(x)", False), ("mathcolor", "#a5271f", True),
])
def test_formula_lengths_and_colours_are_bounded(attribute, value, kept):
    element = body_of(sanitize(f'<math><mspace {attribute}="{value}"></mspace></math>')).find("mspace")
    assert (element.get(attribute) == value) == kept


def test_only_classes_that_style_stay_never_the_pages_layout():
    kept = body_of(sanitize('<span class="k nf s2 highlight hl-python dataframe alert alert-info '
                            'btn nav row col navbar-fixed-top modal score">x</span>')).span["class"]
    assert kept == ["k", "nf", "s2", "highlight", "hl-python", "dataframe", "alert", "alert-info"]


@pytest.mark.parametrize("vector", [
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
    '<a id="a" href="#b">x</a><p id="user-content-c">y</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
])
def test_sanitized_html_is_the_same_when_sanitized_again(vector):
    once = sanitize(vector)
    assert sanitize(once) == once and "onerror" not in once.replace("&lt;", "<").split("<pre>")[0]


def test_the_notebooks_language_reaches_no_class_of_the_page():
    nb = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3 btn"}})
    cell = nbformat.v4.new_code_cell("x = 1", metadata={"magics_language": "x onclick"})
    nb.cells = [cell]
    page, _ = formgrade_exporter().from_notebook_node(nb, resources=formgrade_resources())
    classes = {name for element in body_of(page).select("#notebook-container *") for name in element.get("class", [])}
    assert "btn" not in classes and "hl-python" in classes
