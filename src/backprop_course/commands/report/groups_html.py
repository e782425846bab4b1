"""The report's section on unnamed mistakes: per function, its groups largest first (groups of
one apart, in a table). Everything a student wrote or chose (code, ids) is escaped: shown as
text on a page that runs no script."""

from __future__ import annotations

import html

from ...grading.grouping import Grouping
from .groups import GroupView

STUDENTS_LISTED = 20


def _students(students: tuple[str, ...]) -> str:
    shown = ", ".join(html.escape(student) for student in students[:STUDENTS_LISTED])
    more = len(students) - STUDENTS_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _nearest(view: GroupView) -> str:
    if view.nearest is None:
        return "no catalog mistake predicts results of this structure"
    mistake, distance = view.nearest
    return f"{html.escape(mistake)} (its results differ by a relative error of up to {distance:.2g})"


def _case_table(view: GroupView) -> str:
    if view.case is None:
        return ""
    head = "<tr><th>part</th><th>reference</th><th>this group</th></tr>"
    body = "".join(f"<tr><td>{html.escape(part)}</td><td>{html.escape(ours)}</td><td>{html.escape(theirs)}</td></tr>"
                   for part, ours, theirs in view.rows)
    return (f"<p>On common case {view.case}:</p>"
            f'<table class="case"><thead>{head}</thead><tbody>{body}</tbody></table>')


def _answers(view: GroupView) -> str:
    return "".join(f"<p>{html.escape(answer.student)}'s answer:</p><pre><code>{html.escape(answer.code)}</code></pre>"
                   for answer in view.answers)


def _group(function: str, view: GroupView) -> str:
    group = view.group
    behaviours = (f"; {len(group.variants)} behaviours, alike up to a factor per case"
                  if len(group.variants) > 1 else "")
    looks = f"<p>Looks like {html.escape(view.looks_like)}.</p>" if view.looks_like else ""
    return (f'<div class="group" id="{html.escape(f"group-{function}-{group.number}")}">'
            f"<h4>Group {group.number} ({html.escape(group.key)}): {group.size} students{behaviours}</h4>"
            f"{looks}<p>Nearest catalog mistake: {_nearest(view)}.</p>{_case_table(view)}"
            f"<p>Students: {_students(group.students)}</p>{_answers(view)}</div>")


def _singles(views: list[GroupView]) -> str:
    if not views:
        return ""
    rows = "".join(f"<tr><td>{view.group.number}</td><td>{_students(view.group.students)}</td>"
                   f"<td>{html.escape(view.looks_like) or '-'}</td><td>{_nearest(view)}</td></tr>" for view in views)
    return ("<p>Groups of one:</p><table class=\"singles\"><thead><tr><th>group</th><th>student</th>"
            f"<th>looks like</th><th>nearest catalog mistake</th></tr></thead><tbody>{rows}</tbody></table>")


def function_section(assignment: str, grouping: Grouping, views: tuple[GroupView, ...]) -> str:
    function = grouping.function
    unnamed = sum(group.size for group in grouping.groups) + len(grouping.like_reference)
    like = (f"; {len(grouping.like_reference)} give the reference's results on the common cases: "
            f"{_students(grouping.like_reference)}" if grouping.like_reference else "")
    shared = [view for view in views if view.group.size > 1]
    command = f"backprop-course propose-mistake {assignment} {function} GROUP"
    return (f'<section id="{html.escape(f"unnamed-{function}")}"><h3>{html.escape(function)}</h3>'
            f"<p>{unnamed} students failed with no catalog name: {len(shared)} groups of several students, "
            f"{len(grouping.single)} alone{like}. <code>{html.escape(command)}</code> drafts a catalog entry "
            f"from a group.</p>{''.join(_group(function, view) for view in shared)}"
            f"{_singles([view for view in views if view.group.size == 1])}</section>")


def unnamed_section(assignment: str, sections: dict[str, tuple[Grouping, tuple[GroupView, ...]]]) -> str:
    if not sections:
        return '<p id="unnamed">Every failed check was named by the catalog (or no behaviour was recorded).</p>'
    return '<div id="unnamed">' + "".join(function_section(assignment, grouping, views)
                                          for grouping, views in sections.values()) + "</div>"
