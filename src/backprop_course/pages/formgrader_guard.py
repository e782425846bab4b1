"""A Jupyter server extension that puts formgrader behind the course's page policy (enabled by
the package's jupyter_server_config.d entry where the package is installed from a wheel, and
installed by the course's nbgrader_config.py in any server that loads it, as formgrader does):

- every response under /formgrader/ carries a Content-Security-Policy header and `nosniff`: the
  grading page's policy, nbgrader's own pages' policy, or, for anything that is not one of those
  pages (a file a student handed in, served from their autograded folder), a sandbox in which it
  runs no script and has no origin of its own;
- nbgrader's own pages are rendered from its templates with autoescaping, their script elements
  given the nonce of the page view where the template is loaded (never in rendered markup);
- the browser's reports of what a policy blocked are written to the server's log (the
  instructor's), one line each.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from jupyter_server.utils import url_path_join
from nbgrader.server_extensions.formgrader import handlers as formgrader_handlers
from tornado import web

from .content_policy import (
    REQUEST_NONCE,
    SELF,
    SUBMITTED_FILE,
    PageNonce,
    as_header,
    grading_page_policy,
    management_page_policy,
    new_nonce,
    page_nonce,
)

REPORT_PATH = "backprop-course/csp-report"
LOG_SETTING = "backprop_course_log"  # the server's log, where violation reports go
GUARDED_SETTING = "backprop_course_guarded"
MANAGEMENT_PAGE = "management"
SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*"([^"]*)\"""", re.IGNORECASE)
# What a violation report may hold, and how many lines the log takes per minute.
REPORT_BYTES = 16 * 1024
REPORTS_PER_MINUTE = 60
HOST = re.compile(r"[A-Za-z0-9.:\[\]-]{1,255}")


class NonceLoader(FileSystemLoader):
    """nbgrader's formgrader templates, each of their script elements given the page view's nonce."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return SCRIPT_TAG.sub('<script nonce="{{ csp_nonce() }}"', source), filename, uptodate


@cache
def template_handlers() -> tuple[str, ...]:
    """The inline event handlers written in nbgrader's formgrader templates (the policy allows
    exactly these by their hash)."""
    found = set()
    for template in Path(formgrader_handlers.template_path).glob("*.tpl"):
        found.update(INLINE_HANDLER.findall(template.read_text(encoding="utf-8")))
    return tuple(sorted(found))


def guarded_environment() -> Environment:
    environment = Environment(loader=NonceLoader([formgrader_handlers.template_path]), autoescape=True)
    environment.globals["csp_nonce"] = lambda: page_nonce(MANAGEMENT_PAGE)
    environment.guarded = True
    return environment


class ViolationReports(web.RequestHandler):
    """Where browsers report what a formgrader page's policy blocked: a line in the log each."""

    logged: list[float] = []

    def check_xsrf_cookie(self):
        return  # a browser's report carries no XSRF token

    def post(self):
        self.set_status(204)
        body = self.request.body[:REPORT_BYTES]
        now = time.monotonic()
        recent = [moment for moment in type(self).logged if now - moment < 60]
        type(self).logged = recent
        if len(recent) >= REPORTS_PER_MINUTE:
            return
        recent.append(now)
        try:
            report = json.loads(body).get("csp-report", {})
        except (ValueError, AttributeError):
            report = {}
        if not isinstance(report, dict):
            report = {}
        fields = {name: ascii(str(report.get(name, "")))[:300]
                  for name in ("document-uri", "effective-directive", "blocked-uri", "script-sample")}
        log = self.application.settings.get(LOG_SETTING) or logging.getLogger("tornado.application")
        log.warning(
            "content policy violation on a formgrader page (student content blocked): page %s, directive %s, "
            "blocked %s, sample %s", *fields.values())


def guard_transform(settings: dict, base_url: str, report_uri: str) -> type:
    """The output transform that gives each response under base_url/formgrader/ its policy."""
    prefix = url_path_join(base_url, "formgrader") + "/"
    bare = prefix.rstrip("/")

    class FormgraderPolicy(web.OutputTransform):
        def __init__(self, request):
            self.request = request
            self.guarded = request.path == bare or request.path.startswith(prefix)
            self.nonce = PageNonce(new_nonce()) if self.guarded else None
            REQUEST_NONCE.set(self.nonce)  # the handler's task starts from this context
            if self.guarded and not getattr(settings.get("nbgrader_jinja2_env"), "guarded", False):
                settings["nbgrader_jinja2_env"] = guarded_environment()

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            if self.guarded:
                headers.add("Content-Security-Policy", as_header(self.policy(), report_uri))
                headers["X-Content-Type-Options"] = "nosniff"
            return status_code, headers, chunk

        def policy(self) -> str:
            if not self.nonce.used:
                return SUBMITTED_FILE
            host = self.request.host if HOST.fullmatch(self.request.host or "") else None
            connect = f"{self.request.protocol}://{host}{prefix}api/" if host else SELF
            if self.nonce.page == MANAGEMENT_PAGE:
                return management_page_policy(self.nonce.value, template_handlers(), connect)
            return grading_page_policy(self.nonce.value, connect)

    return FormgraderPolicy


def install_guard(web_app, log) -> None:
    """Put web_app's formgrader behind the policy (once per server)."""
    if web_app.settings.get(GUARDED_SETTING):
        return
    web_app.settings[GUARDED_SETTING] = True
    base_url = web_app.settings.get("base_url", "/")
    report_uri = url_path_join(base_url, REPORT_PATH)
    web_app.settings[LOG_SETTING] = log
    web_app.add_transform(guard_transform(web_app.settings, base_url, report_uri))
    web_app.add_handlers(".*$", [(report_uri, ViolationReports)])
    log.info("backprop-course: formgrader's pages carry the course's content policy; violations are logged here")


def guard_running_server() -> None:
    """When a Jupyter server in this process loads the course's configuration (formgrader does, in
    the server, with nbgrader_config.py), guard it, whether or not the extension is enabled."""
    serverapp = sys.modules.get("jupyter_server.serverapp")
    if serverapp is None or not serverapp.ServerApp.initialized():
        return
    app = serverapp.ServerApp.instance()
    if getattr(app, "web_app", None) is not None:
        install_guard(app.web_app, app.log)


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp):
    install_guard(serverapp.web_app, serverapp.log)
