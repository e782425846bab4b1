"""A shell script run as root where what it installs or removes is gone when it ends (mount namespace + overlays)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

# Where dpkg and apt-get write (programs, their database, lists and caches); root's home, where pip,
# IPython and Jupyter write, is added. Each becomes an overlay whose changes go to a temporary folder.
OVERLAID = ("/usr", "/var")
# Exit status of the script when the throwaway root itself could not be set up.
UNAVAILABLE = 77


def why_not() -> str | None:
    """Why no throwaway root can be made here, or None."""
    if os.geteuid() != 0:
        return "needs root"
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return "needs unshare and mount (util-linux)"
    return None


def overlaid_folders() -> list[str]:
    """The folders made into overlays: OVERLAID and root's home."""
    return [*OVERLAID, str(Path.home().resolve())]


def mounts_below(folder: str) -> list[str]:
    """Mount points strictly inside folder (an overlay on folder would hide them)."""
    points = [line.split()[4] for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    return [point for point in points if point.startswith(folder.rstrip("/") + "/")]


def run(script: str, cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """Run script with sh in a private mount namespace where the overlaid folders take every write
    (into a temporary folder removed afterwards) and /etc is read-only; the host sees none of it.

    The script's exit status is UNAVAILABLE, with a line saying why, when the namespace cannot be
    set up."""
    with tempfile.TemporaryDirectory(prefix="throwaway-root-") as changes:
        inside = [folder for folder in overlaid_folders() if Path(changes).resolve().is_relative_to(folder)]
        if inside:
            return _unavailable(f"the temporary folder {changes} is inside {inside[0]}, which is overlaid")
        setup = []
        for index, folder in enumerate(overlaid_folders()):
            if mounts_below(folder):
                return _unavailable(f"{folder} has mounts inside it: {', '.join(mounts_below(folder))}")
            upper, work = Path(changes, str(index), "upper"), Path(changes, str(index), "work")
            upper.mkdir(parents=True)
            work.mkdir()
            options = f"lowerdir={folder},upperdir={upper},workdir={work}"
            setup.append(f"mount -t overlay overlay -o {shlex.quote(options)} {shlex.quote(folder)}"
                         f" || {{ echo 'cannot put an overlay on {folder}'; exit {UNAVAILABLE}; }}")
        setup.append(f"mount --bind /etc /etc && mount -o remount,bind,ro /etc"
                     f" || {{ echo 'cannot make /etc read-only'; exit {UNAVAILABLE}; }}")
        whole = "\n".join([*setup, script])
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", whole], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=timeout)


def _unavailable(why: str) -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess(args=[], returncode=UNAVAILABLE, stdout=why + "\n", stderr="")
