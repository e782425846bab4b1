"""The hub's configuration, called from the jupyterhub_config.py that prepare_hub writes: PAM
logins of the hub's users only, each user's server started as that Unix user (CourseSpawner), the
hub, its proxy and every server on loopback, the hub's state in the layout."""

from __future__ import annotations

from pathlib import Path

from .users import USERS

SPAWN_SECONDS = 120  # a server's start on a loaded machine


def configure(c, root: str, venv_bin: str, port: int, hub_port: int, proxy_api_port: int, proxy: str) -> None:
    state = Path(root) / "state"
    c.JupyterHub.ip = "127.0.0.1"
    c.JupyterHub.port = port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = hub_port
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True  # the users' servers stop with the hub
    c.ConfigurableHTTPProxy.command = [proxy]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    # the host's passwords (PAM's `login` service), for these users only
    c.JupyterHub.authenticator_class = "pam"
    c.Authenticator.allowed_users = set(USERS)
    c.JupyterHub.spawner_class = "backprop_course.commands.hub.spawner.CourseSpawner"
    c.CourseSpawner.hub_root = root
    c.CourseSpawner.venv_bin = venv_bin
    c.Spawner.cmd = [str(Path(venv_bin) / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.start_timeout = SPAWN_SECONDS
    c.Spawner.http_timeout = SPAWN_SECONDS
