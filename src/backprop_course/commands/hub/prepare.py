"""A hub made ready under one root: its folders, the course set up and released by the instructor
(not root) as an instructor does it (`backprop-course init`, `nbgrader generate_assignment`,
`nbgrader release_assignment`), and its jupyterhub_config.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..browser import closed_port
from ..jupyter_servers import write_lab_settings
from .layout import COURSE_CONFIG, HubLayout, make_folders
from .users import GRADERS_GROUP, INSTRUCTOR, USERS

ASSIGNMENT = "backprop"
CONFIG_TEXT = """# Written by backprop_course.commands.hub.prepare: the course's hub on this host.
from backprop_course.commands.hub.config import configure

configure(c, root={root!r}, venv_bin={venv_bin!r}, port={port}, hub_port={hub_port}, proxy_api_port={api_port},
          proxy={proxy!r})
"""


class HubError(RuntimeError):
    """The hub could not be made ready or started; the message says which step and why."""


def prepare_hub(layout: HubLayout, proxy: Path, port: int | None = None) -> int:
    """Make the layout's folders, the released course and the hub's configuration; the hub's port."""
    make_folders(layout)
    for user in USERS:
        settings = write_lab_settings(layout.home(user) / ".jupyter" / "lab" / "user-settings")
        for path in [settings.parents[1], *settings.parents[1].rglob("*")]:
            shutil.chown(path, user, user)
    config = layout.course / "nbgrader_config.py"
    config.write_text(COURSE_CONFIG)
    shutil.chown(config, INSTRUCTOR, GRADERS_GROUP)
    config.chmod(0o660)
    # groupshared leaves the gradebook as SQLite makes it (0640 here): the TA's formgrader writes to it
    for step in (("backprop-course", "init", ASSIGNMENT), ("nbgrader", "generate_assignment", ASSIGNMENT),
                 ("chmod", "g+w", "gradebook.db"), ("nbgrader", "release_assignment", ASSIGNMENT)):
        done = layout.run_as(INSTRUCTOR, *step, cwd=layout.course)
        if done.returncode != 0:
            raise HubError(f"`{' '.join(step)}` as {INSTRUCTOR} in {layout.course} failed:\n"
                           f"{(done.stdout + done.stderr)[-3000:]}")
    port = port or closed_port()
    layout.config_file.write_text(CONFIG_TEXT.format(
        root=str(layout.root), venv_bin=str(layout.venv_bin), port=port, hub_port=closed_port(),
        api_port=closed_port(), proxy=str(proxy)))
    return port
