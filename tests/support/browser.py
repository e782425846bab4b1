"""Headless Chromium for the browser tests, or a pytest skip that says why none could start."""

from __future__ import annotations

import pytest

from backprop_course.commands.browser import BrowserUnavailableError
from backprop_course.commands.browser import headless_chromium as start_chromium

# MathJax as a CDN serves it, which a browser started offline must fail to reach.
CDN_MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js"


def headless_chromium(offline: bool = False, log_requests: bool = False):
    """A selenium WebDriver on the system's Chromium (offline: nothing beyond this machine
    answers; log_requests: its requests are logged); skips the calling test when there is none."""
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[dev])")
    try:
        return start_chromium(offline=offline, log_requests=log_requests)
    except BrowserUnavailableError as error:
        pytest.skip(str(error))
