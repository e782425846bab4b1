"""The student's side in a real JupyterLab, driven through its UI: a notebook open in `jupyter lab`
(jupyter_servers.py starts it), whose answers are typed, whose cells are run, read and saved
(docs' screenshot, tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..course.cells import answer_id, visible_check_id
from .jupyter_servers import START_SECONDS, LabServer
from .serving import LabError, wait_until

RUN_SECONDS = 120  # one cell, or all of them after a restart
STEP_SECONDS = 20  # a menu, a dialog, a save, the editor taking what was typed


# The notebook's panel in the page (arguments[0] is its path), and a cell of it by grade id (arguments[1]).
PANEL = ("const panel = Array.from(window.jupyterapp.shell.widgets('main'))"
         ".find(widget => widget.context && widget.context.path === arguments[0]);")
CELL = PANEL + ("const cell = panel.content.widgets.find("
                "cell => (cell.model.getMetadata('nbgrader') || {}).grade_id === arguments[1]);")
# Ready: the notebook is loaded and its kernel idle. Then a listener counts the execute requests
# the page sends and the replies it gets, and the kernel's statuses, so a run can be waited for.
READY = PANEL + """
const kernel = panel && panel.context.isReady && panel.sessionContext.session && panel.sessionContext.session.kernel;
if (!kernel || kernel.status !== 'idle' || !panel.content.widgets.length) return false;
if (!panel.studentRuns) {
    const runs = panel.studentRuns = {sent: 0, replied: 0, statuses: []};
    kernel.anyMessage.connect((_, message) => {
        const type = message.msg.header.msg_type;
        if (message.direction === 'send' && type === 'execute_request') runs.sent += 1;
        if (message.direction === 'recv' && type === 'execute_reply') runs.replied += 1;
    });
    kernel.statusChanged.connect((_, status) => runs.statuses.push(status));
}
return true;
"""
# What a cell's output area shows; null while its outputs are not laid out yet.
SHOWN_OUTPUT = """
const area = cell.node.querySelector('.jp-OutputArea');
if (area && area.innerText.trim()) return {text: area.innerText};
return cell.model.outputs.length ? null : {text: ''};
"""
RUNS = PANEL + """
const runs = panel.studentRuns;
return {sent: runs.sent, replied: runs.replied, statuses: runs.statuses.slice(),
        idle: panel.sessionContext.session.kernel.status === 'idle'};
"""


class LabNotebook:
    """A notebook open in JupyterLab in a selenium driver, its cells named by their nbgrader grade ids.

    Everything the student does goes through the UI (clicks, keys, menus, dialogs); the page's
    own notebook model is only read, to know when the kernel is done and what a cell holds.
    """

    def __init__(self, driver, server: LabServer, path: str):
        self.driver = driver
        self.server = server
        self.path = path

    @classmethod
    def open(cls, driver, server: LabServer, path: str) -> LabNotebook:
        """Open path in JupyterLab and wait for its kernel."""
        notebook = cls(driver, server, path)
        driver.get(server.page(path))
        wait_until(lambda: driver.execute_script("return !!window.jupyterapp"), START_SECONDS,
                   f"JupyterLab did not load at {server.url}")
        wait_until(lambda: driver.execute_script(READY, path), START_SECONDS,
                   f"{path} did not open with an idle kernel")
        return notebook

    def _script(self, script: str, *args):
        return self.driver.execute_script(script, self.path, *args)

    def cell(self, grade_id: str):
        """The cell's element, scrolled to the middle of the window."""
        element = self._script(CELL + "return cell ? cell.node : null;", grade_id)
        if element is None:
            raise LabError(f"{self.path} has no cell {grade_id}")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        return element

    def source(self, grade_id: str) -> str:
        """What the cell holds now, in the page's notebook model."""
        return self._script(CELL + "return cell.model.sharedModel.getSource();", grade_id)

    def output(self, grade_id: str) -> str:
        """The text the cell's output area shows, scrolled into view (out of view, a cell is not laid
        out and its outputs show no text)."""
        self.cell(grade_id)
        return wait_until(lambda: self._script(CELL + SHOWN_OUTPUT, grade_id), STEP_SECONDS,
                          f"the outputs of {grade_id} were not shown")["text"]

    def _keys(self, *keys: str, held: str | None = None) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        actions = ActionChains(self.driver)
        if held:
            actions.key_down(held)
        actions.send_keys(*keys)
        if held:
            actions.key_up(held)
        actions.perform()

    def replace_last_line(self, grade_id: str, text: str) -> None:
        """Type text over the last line of a cell in its editor, keeping the line's indentation, as
        a student replaces `raise NotImplementedError()`: click into the editor, Ctrl+End, Shift+Home."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        before = self.source(grade_id).split("\n")
        indent = before[-1][: len(before[-1]) - len(before[-1].lstrip())]
        wanted = "\n".join([*before[:-1], indent + text])
        self.cell(grade_id).find_element(By.CSS_SELECTOR, ".jp-InputArea-editor .cm-content").click()
        self._keys(Keys.END, held=Keys.CONTROL)
        self._keys(Keys.HOME, held=Keys.SHIFT)
        self._keys(text)
        wait_until(lambda: self.source(grade_id) == wanted, STEP_SECONDS,
                   f"the editor of {grade_id} did not take the typed line {text!r}")

    def run(self, grade_id: str) -> str:
        """Select the cell, press Shift+Enter and wait for the kernel's reply; what the cell shows."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        sent = self._script(RUNS)["sent"]
        self.cell(grade_id).find_element(By.CSS_SELECTOR, ".jp-InputArea .jp-InputPrompt").click()
        self._keys(Keys.ENTER, held=Keys.SHIFT)
        self._wait_for_runs(lambda runs: runs["sent"] > sent, f"{grade_id} did not run")
        return self.output(grade_id)

    def _wait_for_runs(self, started: Callable[[dict], bool], what: str) -> None:
        def done() -> bool:
            runs = self._script(RUNS)
            return started(runs) and runs["replied"] >= runs["sent"] and runs["idle"]

        wait_until(done, RUN_SECONDS, what)

    def menu(self, menu: str, item: str) -> None:
        """Click a menu of the menu bar, then its item whose label starts with item."""
        from selenium.webdriver.common.by import By

        self.driver.find_element(
            By.XPATH, f"//li[contains(@class, 'lm-MenuBar-item')][.//*[normalize-space(text())='{menu}']]").click()
        entry = wait_until(lambda: self.driver.find_elements(
            By.XPATH, f"//ul[contains(@class, 'lm-Menu-content')]/li[contains(@class, 'lm-Menu-item')]"
                      f"[.//*[contains(@class, 'lm-Menu-itemLabel')][starts-with(normalize-space(.), '{item}')]]"),
            STEP_SECONDS, f"the {menu} menu showed no {item!r}")
        entry[0].click()

    def restart_and_run_all(self) -> None:
        """Kernel > Restart Kernel and Run All Cells, confirmed in its dialog; wait until the kernel is done."""
        from selenium.webdriver.common.by import By

        before = self._script(RUNS)
        restarts, sent = before["statuses"].count("restarting"), before["sent"]
        self.menu("Kernel", "Restart Kernel and Run All Cells")
        wait_until(lambda: self.driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-Dialog-button.jp-mod-accept"),
                   STEP_SECONDS, "no dialog asked to restart the kernel")[0].click()
        self._wait_for_runs(lambda runs: runs["statuses"].count("restarting") > restarts and runs["sent"] > sent,
                            "the kernel did not restart and run the cells")

    def save(self) -> None:
        """File > Save Notebook; wait until the file is written."""
        before = self._script(PANEL + "return panel.context.contentsModel.last_modified;")
        self.menu("File", "Save Notebook")
        wait_until(lambda: self._script(PANEL + "return !panel.context.model.dirty && "
                                                "panel.context.contentsModel.last_modified !== arguments[1];", before),
                   STEP_SECONDS, f"{self.path} was not saved")

    def answer(self, function: str, line: str) -> str:
        """Type line over the last line of function's answer cell (its `raise NotImplementedError()`
        in the release), run the answer and then its visible checks: what the checks' cell shows."""
        self.replace_last_line(answer_id(function), line)
        self.run(answer_id(function))
        return self.run(visible_check_id(function))

    def hide_file_browser(self) -> None:
        """Click the left sidebar's open tab (the file browser), which folds the sidebar away."""
        from selenium.webdriver.common.by import By

        tabs = self.driver.find_elements(By.CSS_SELECTOR, ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if tabs:
            tabs[0].click()
            wait_until(lambda: not self.driver.find_elements(
                By.CSS_SELECTOR, ".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current"),
                STEP_SECONDS, "the left sidebar did not fold away")

    def screenshot(self, top: str, path: Path) -> Path:
        """A screenshot of the window, scrolled so that the cell top starts at its top."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", self.cell(top))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.driver.save_screenshot(str(path)):
            raise LabError(f"the browser wrote no screenshot to {path}")
        return path
