"""The hub's folders under one root, who owns them, and each user's environment: the hub's own
state (root's), the exchange (nbgrader's permissions: anyone writes, students only their own
files), the course (the instructor's, the graders' group, no student), a home per user (theirs alone),
and the nbgrader configuration each role's servers and commands read."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ...course.contract import COURSE_ID
from .users import GRADERS, GRADERS_GROUP, INSTRUCTOR, STUDENTS, USERS

COURSE_ID_LINE = f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
# What the graders write, their group reads and writes (the course folder is setgid), so that the TA
# grades in formgrader what the instructor's commands wrote.
GRADER_UMASK, STUDENT_UMASK = 0o007, 0o022
# The hub's course: shared by the graders' group (nbgrader's switch for it), and collect takes only
# what the student's own Unix user handed in.
COURSE_CONFIG = (COURSE_ID_LINE + "c.CourseDirectory.groupshared = True\n"
                 "c.CheckedCollect.owners_are_students = True\n")
# What students' servers leave out, as nbgrader's docs advise for a hub: the instructor's extensions.
STUDENT_HIDDEN = {
    "server": ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"),
    "lab": ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"),
}


@dataclass(frozen=True)
class HubLayout:
    """The folders of one hub, under root; venv_bin is the Python environment every user's
    server and commands run from (jupyterhub, JupyterLab, nbgrader and this package)."""

    root: Path
    venv_bin: Path

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def config_file(self) -> Path:
        return self.state / "jupyterhub_config.py"

    @property
    def log(self) -> Path:
        return self.state / "jupyterhub.log"

    def home(self, user: str) -> Path:
        return self.root / "home" / user

    def nbgrader_config_dir(self, user: str) -> Path:
        return self.root / "config" / ("graders" if user in GRADERS else "students")

    def notebook_dir(self, user: str) -> Path:
        """What the user's JupyterLab serves: a grader's holds the course (formgrader needs it
        inside), a student's is their home."""
        return self.root if user in GRADERS else self.home(user)

    def env(self, user: str) -> dict[str, str]:
        """The environment of the user's server and of the commands run as the user."""
        return {"PATH": f"{self.venv_bin}:/usr/bin:/bin", "HOME": str(self.home(user)), "USER": user,
                "LOGNAME": user, "LANG": "C.UTF-8",
                # a shell in JupyterLab's terminals (the account's own, nologin, keeps it off ssh)
                "SHELL": "/bin/bash", "JUPYTER_CONFIG_PATH": str(self.nbgrader_config_dir(user))}

    def umask(self, user: str) -> int:
        return GRADER_UMASK if user in GRADERS else STUDENT_UMASK

    def run_as(self, user: str, *command: str, cwd: Path | None = None,
               timeout: float = 900) -> subprocess.CompletedProcess:
        """command run as the Unix user (their uid, group and groups, their environment)."""
        account = pwd.getpwnam(user)
        return subprocess.run(command, cwd=cwd or self.home(user), env=self.env(user), user=account.pw_uid,
                              group=account.pw_gid, extra_groups=_groups(user), umask=self.umask(user),
                              capture_output=True, text=True, timeout=timeout)


def _groups(user: str) -> list[int]:
    return os.getgrouplist(user, pwd.getpwnam(user).pw_gid)


def make_folders(layout: HubLayout) -> None:
    """Every folder of the layout with its owner and mode; the configuration files of each role."""
    _folder(layout.root, "root", "root", 0o755)
    _folder(layout.state, "root", "root", 0o700)
    _folder(layout.exchange, "root", "root", 0o1777)  # sticky: nobody renames the course's folder in it
    _folder(layout.course, INSTRUCTOR, GRADERS_GROUP, 0o2770)
    _folder(layout.root / "home", "root", "root", 0o755)
    for user in USERS:
        _folder(layout.home(user), user, user, 0o700)
    exchange = COURSE_ID_LINE + f"c.Exchange.root = {str(layout.exchange)!r}\n"
    for user, nbgrader_config, hidden in (
        (STUDENTS[0], exchange, STUDENT_HIDDEN),
        (INSTRUCTOR, exchange + f"c.CourseDirectory.root = {str(layout.course)!r}\n", {}),
    ):
        folder = layout.nbgrader_config_dir(user)
        for path in (folder.parent, folder, folder / "labconfig"):
            _folder(path, "root", "root", 0o755)
        (folder / "nbgrader_config.py").write_text(nbgrader_config)
        (folder / "jupyter_server_config.json").write_text(json.dumps(
            {"ServerApp": {"jpserver_extensions": {name: False for name in hidden.get("server", ())}}}))
        (folder / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {name: True for name in hidden.get("lab", ())}}))


def _folder(path: Path, user: str, group: str, mode: int) -> None:
    path.mkdir(exist_ok=True)
    shutil.chown(path, user, group)
    path.chmod(mode)
    if stat.S_IMODE(path.stat().st_mode) != mode:
        raise OSError(f"{path}: could not set mode {mode:o}")
