"""The course's hub as its users use it in a browser: the hub's login page, each user's JupyterLab
through the hub's proxy, nbgrader's assignment list (Fetch, Validate, Submit, Fetch Feedback), and
the skips where the hub cannot run here."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from backprop_course.commands.serving import wait_until
from backprop_course.commands.student_lab import LabNotebook

from . import REPO_ROOT

LOGIN_SECONDS = 120  # the login, then the user's server started by the hub, then JupyterLab
STEP_SECONDS = 60  # an nbgrader action of the assignment list (each runs an nbgrader app)
NBGRADER_MENU = "//li[contains(@class, 'lm-MenuBar-item')][.//*[normalize-space(text())='Nbgrader']]"
PROXY = "configurable-http-proxy"
PROXY_FOLDER = REPO_ROOT / ".hub" / "node_modules" / ".bin"  # where `make hub-proxy` puts it


def find_proxy() -> Path | None:
    found = shutil.which(PROXY, path=os.pathsep.join([str(PROXY_FOLDER), os.environ.get("PATH", "")]))
    return Path(found) if found else None


@dataclass(frozen=True)
class HubLab:
    """A user's JupyterLab through the hub, in the shape LabNotebook takes."""

    url: str  # the hub's (its proxy's) address
    user: str

    def page(self, path: str) -> str:
        return f"{self.url}/user/{self.user}/lab/tree/{path}"

    def files(self, path: str) -> str:
        return f"{self.url}/user/{self.user}/files/{path}"


def log_in(driver, url: str, user: str, password: str) -> HubLab:
    """Log in on the hub's login page; wait for the user's JupyterLab, which the hub starts."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{url}/hub/login")
    driver.find_element(By.ID, "username_input").send_keys(user)
    driver.find_element(By.ID, "password_input").send_keys(password, Keys.ENTER)
    wait_until(lambda: f"/user/{user}/lab" in driver.current_url and driver.execute_script(
        "return !!(window.jupyterapp && window.jupyterapp.shell)"), LOGIN_SECONDS,
        f"{user}'s JupyterLab did not open after the login")
    return HubLab(url, user)


class AssignmentList:
    """nbgrader's assignment list in JupyterLab (Nbgrader > Assignment List), clicked as a student does."""

    def __init__(self, driver, lab: HubLab):
        from selenium.webdriver.common.by import By

        self.driver = driver
        wait_until(lambda: driver.find_elements(By.XPATH, NBGRADER_MENU), STEP_SECONDS,
                   "JupyterLab showed no Nbgrader menu")
        LabNotebook(driver, lab, "").menu("Nbgrader", "Assignment List")
        wait_until(lambda: self._buttons("released_assignments_list", "Fetch")
                   or self._buttons("fetched_assignments_list", "Submit"), STEP_SECONDS,
                   "the assignment list showed no assignment")

    def _buttons(self, list_id: str, label: str):
        from selenium.webdriver.common.by import By

        return [button for button in self.driver.find_elements(
            By.XPATH, f"//*[@id='{list_id}']//button[normalize-space(.)='{label}']") if button.is_displayed()]

    def _click(self, list_id: str, label: str, then_list: str, then_label: str) -> None:
        before = len(self._buttons(then_list, then_label))
        self._buttons(list_id, label)[0].click()
        wait_until(lambda: len(self._buttons(then_list, then_label)) > before, STEP_SECONDS,
                   f"{label} in the assignment list did not finish")

    def fetch(self) -> None:
        self._click("released_assignments_list", "Fetch", "fetched_assignments_list", "Submit")

    def validate(self, notebook: str) -> str:
        """Validate one fetched notebook; what nbgrader's dialog says (the dialog closed)."""
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, "#fetched_assignments_list a.assignment-notebooks-link").click()
        row = wait_until(lambda: [row for row in self.driver.find_elements(
            By.XPATH, f"//*[@id='fetched_assignments_list']//div[contains(@class, 'nested_list_item')]"
                      f"[.//a[normalize-space(.)='{notebook}']]") if row.is_displayed()], STEP_SECONDS,
            f"the assignment list showed no {notebook}")[0]
        row.find_element(By.XPATH, ".//button[normalize-space(.)='Validate']").click()
        dialog = wait_until(lambda: self.driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog"), STEP_SECONDS * 3,
                            f"validating {notebook} showed no dialog")[0]
        said = dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-content").text
        dialog.find_element(By.CSS_SELECTOR, ".jp-Dialog-button.jp-mod-accept").click()
        return said

    def submit(self) -> None:
        self._click("fetched_assignments_list", "Submit", "submitted_assignments_list", "Fetch Feedback")

    def fetch_feedback(self, arrived) -> None:
        """Click Fetch Feedback; wait until arrived() says the feedback is there."""
        self._buttons("submitted_assignments_list", "Fetch Feedback")[0].click()
        wait_until(arrived, STEP_SECONDS, "Fetch Feedback brought no feedback")
