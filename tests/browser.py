"""Headless Chromium for the browser tests, or a pytest skip that says why none could start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# The Debian packages `chromium` and `chromium-driver` (see the Makefile's `browser` target).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
)


def headless_chromium():
    """A selenium WebDriver on the system's Chromium; skips the calling test when there is none."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[dev])")
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    chromium = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    chromedriver = CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.skip("no browser: install the Debian packages chromium and chromium-driver (make browser)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    try:
        return webdriver.Chrome(service=Service(executable_path=str(chromedriver)), options=options)
    except WebDriverException as error:
        pytest.skip(f"headless Chromium did not start: {error.msg}")
