"""The README's first command on a machine without bubblewrap: as root it installs it and the demo
passes; otherwise it says in one line why it cannot grade and what to install, and runs nothing.

Both run `make demo` in a fresh copy of the repository's files (what a clone holds)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backprop_course.grader.sandbox import sandbox_problem
from backprop_course.nbgrader_glue.apps import BIN_DIR

from .support import repository_copy

pytestmark = pytest.mark.slow

NOBODY = 65534


def path_without_bwrap(folder: Path) -> str:
    """A PATH with every program of this one's folders but bwrap (linked into folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for program in os.listdir(directory):
            link = folder / program
            if program != "bwrap" and not link.exists():
                link.symlink_to(Path(directory) / program)
    return str(folder)


def test_without_bubblewrap_a_user_who_is_not_root_gets_one_line_and_nothing_runs():
    copy = repository_copy()
    as_user = []
    try:
        if os.geteuid() == 0:  # the test runs as root: make runs as nobody
            for path in [copy, *copy.rglob("*")]:
                os.chown(path, NOBODY, NOBODY)
            as_user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        env = {"PATH": path_without_bwrap(copy / ".bin-without-bwrap"), "HOME": str(copy)}
        done = subprocess.run([*as_user, "make", "demo"], cwd=copy, env=env, capture_output=True, text=True,
                              timeout=300)
        set_up = (copy / ".venv").exists()
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    printed = done.stdout + done.stderr
    assert done.returncode != 0
    ours = [line for line in printed.splitlines() if "bubblewrap" in line]
    assert len(ours) == 1 and "apt-get install bubblewrap" in ours[0], printed
    assert "Traceback" not in printed
    assert not set_up, "a later step ran"


def test_the_demo_command_itself_refuses_in_one_line_before_any_step(tmp_path):
    env = {"PATH": path_without_bwrap(tmp_path / "bin"), "HOME": str(tmp_path)}
    done = subprocess.run([str(BIN_DIR / "backprop-course"), "--course-dir", str(tmp_path), "demo"],
                          env=env, capture_output=True, text=True, timeout=120)
    printed = done.stdout + done.stderr
    assert done.returncode == 2
    assert printed.strip().count("\n") == 0 and "apt-get install bubblewrap" in printed, printed
    assert "[1/5]" not in printed


def apt_can_install_bubblewrap() -> str | None:
    """Why this test cannot take bubblewrap away and let `make demo` put it back, or None."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        return "needs root and apt-get"
    if sandbox_problem() is not None:
        return f"bubblewrap does not work here to begin with: {sandbox_problem()}"
    fetched = subprocess.run(["apt-get", "install", "--reinstall", "--download-only", "-y", "-qq", "bubblewrap"],
                             capture_output=True, text=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if fetched.returncode != 0:
        return f"apt-get cannot fetch bubblewrap here: {fetched.stderr.strip()[-200:]}"
    return None


def test_as_root_without_bubblewrap_make_demo_installs_it_and_passes():
    reason = apt_can_install_bubblewrap()
    if reason is not None:
        pytest.skip(reason)
    copy = repository_copy()
    try:
        subprocess.run(["dpkg", "--remove", "bubblewrap"], check=True, capture_output=True)
        assert shutil.which("bwrap") is None
        done = subprocess.run(["make", "demo"], cwd=copy, capture_output=True, text=True, timeout=1200,
                              env={key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"})
        printed = done.stdout + done.stderr
        assert done.returncode == 0, printed[-3000:]
        assert "installing bubblewrap with apt-get" in printed
        assert shutil.which("bwrap") is not None
        assert "alice    15/15          12/12       27/27" in printed
    finally:
        if shutil.which("bwrap") is None:  # leave the machine as it was
            subprocess.run(["apt-get", "install", "-y", "-qq", "bubblewrap"], capture_output=True,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        shutil.rmtree(copy, ignore_errors=True)
