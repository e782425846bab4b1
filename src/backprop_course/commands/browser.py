"""Headless Chromium through selenium (Debian's chromium and chromium-driver), for the docs'
screenshots and the browser tests; offline on request: nothing beyond this machine answers."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

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
)
WINDOW = (1280, 1000)
# Offline: no host name resolves but the loopback ones, and every request not to the loopback
# goes to a proxy that nobody listens on (Chromium never sends loopback requests to a proxy).
OFFLINE_RESOLVER = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"


class BrowserUnavailableError(RuntimeError):
    """No headless Chromium can be started here; the message says why."""


def closed_port() -> int:
    """A loopback port that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline_flags() -> tuple[str, ...]:
    return (OFFLINE_RESOLVER, f"--proxy-server=http://127.0.0.1:{closed_port()}")


def headless_chromium(offline: bool = False, window: tuple[int, int] = WINDOW, log_requests: bool = False):
    """A selenium WebDriver on the system's Chromium, or BrowserUnavailableError; with log_requests,
    its 'performance' log holds every request a page makes (DevTools' Network events)."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        raise BrowserUnavailableError("selenium is not installed (pip install -e .[dev])") from error
    chromium = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    chromedriver = CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")
    if not chromium or not chromedriver:
        raise BrowserUnavailableError("no browser: install the Debian packages chromium and chromium-driver "
                                      "(make browser)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in (*CHROMIUM_FLAGS, f"--window-size={window[0]},{window[1]}", *(offline_flags() if offline else ())):
        options.add_argument(flag)
    if log_requests:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(executable_path=str(chromedriver)), options=options)
    except WebDriverException as error:
        raise BrowserUnavailableError(f"headless Chromium did not start: {error.msg}") from error


def requests_made(driver) -> list[tuple[str, str]]:
    """(method, URL) of each request the pages of driver made since the last call (log_requests)."""
    made = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            request = message["params"]["request"]
            made.append((request["method"], request["url"]))
    return made


def url_fails(driver, url: str, seconds: float = 20.0) -> bool:
    """Whether fetching url from the page now open in driver fails (True when offline works)."""
    driver.set_script_timeout(seconds)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {mode: 'no-cors', cache: 'no-store'}).then(() => done(false), () => done(true));",
        url,
    )
