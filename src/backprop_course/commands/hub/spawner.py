"""JupyterHub's LocalProcessSpawner (each server runs as its Unix user), with the user's home,
folder, environment and umask taken from the hub's layout: this module runs in the hub's process."""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

from ..jupyter_servers import LAB_OPTIONS
from .layout import HubLayout


class CourseSpawner(LocalProcessSpawner):
    hub_root = Unicode(help="The hub's layout root (HubLayout.root).").tag(config=True)
    venv_bin = Unicode(help="The bin folder of the environment the servers run from.").tag(config=True)

    @property
    def layout(self) -> HubLayout:
        return HubLayout(Path(self.hub_root), Path(self.venv_bin))

    def user_env(self, env: dict) -> dict:
        env = super().user_env(env)
        env.update(self.layout.env(self.user.name))
        return env

    def get_args(self) -> list[str]:
        return [*super().get_args(), *LAB_OPTIONS]

    def make_preexec_fn(self, name: str):
        as_user, home, umask = super().make_preexec_fn(name), self.layout.home(name), self.layout.umask(name)

        def preexec() -> None:
            as_user()
            os.umask(umask)
            os.chdir(home)

        return preexec

    async def start(self):
        self.notebook_dir = str(self.layout.notebook_dir(self.user.name))
        return await super().start()
