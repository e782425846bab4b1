"""The README's first command on a machine without bubblewrap: as root it installs it and the demo
passes; otherwise it says in one line why it cannot grade and what to install, and runs nothing.

Both run `make demo` in a fresh copy of the repository's files (what a clone holds); as root, in a
throwaway root, so that the host's bubblewrap is never removed or installed."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from backprop_course.nbgrader_glue.apps import BIN_DIR
from backprop_course.sandbox.sandbox import sandbox_problem

from .support import repository_copy, throwaway_root
from .support.sandbox import path_without_bwrap

pytestmark = pytest.mark.slow

NOBODY = 65534


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


# Run as root in a throwaway root (support/throwaway_root.py): bubblewrap is removed there with
# dpkg, and `make demo` is left to put it back; the host keeps its own bubblewrap throughout.
WITHOUT_BUBBLEWRAP_MAKE_DEMO = f"""
export DEBIAN_FRONTEND=noninteractive
apt-get install --reinstall --download-only -y -qq bubblewrap >/dev/null 2>&1 \\
    || {{ echo 'apt-get cannot fetch bubblewrap here'; exit {throwaway_root.UNAVAILABLE}; }}
dpkg --remove bubblewrap >/dev/null || exit 1
if command -v bwrap; then echo 'bwrap is still there after dpkg --remove'; exit 1; fi
make demo
made=$?
echo "bwrap after make demo: $(command -v bwrap || echo none)"
exit $made
"""


def test_as_root_without_bubblewrap_make_demo_installs_it_and_passes():
    reason = throwaway_root.why_not() or (
        f"bubblewrap does not work here to begin with: {sandbox_problem()}" if sandbox_problem() else None)
    if reason is not None:
        pytest.skip(reason)
    host_bwrap, host_package = shutil.which("bwrap"), package_status("bubblewrap")
    copy = repository_copy()
    try:
        done = throwaway_root.run(WITHOUT_BUBBLEWRAP_MAKE_DEMO, cwd=copy, timeout=1200,
                                  env={key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"})
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    printed = done.stdout + done.stderr
    if done.returncode == throwaway_root.UNAVAILABLE:
        pytest.skip(printed.strip().splitlines()[-1])
    assert done.returncode == 0, printed[-3000:]
    assert "installing bubblewrap with apt-get" in printed
    assert "bwrap after make demo: /usr/bin/bwrap" in printed
    assert "alice    15/15          12/12       27/27" in printed
    assert host_bwrap is not None and shutil.which("bwrap") == host_bwrap, "the host's bwrap was touched"
    assert package_status("bubblewrap") == host_package == "install ok installed", "the host's dpkg was touched"


def package_status(package: str) -> str:
    """dpkg's status of package on this host, e.g. `install ok installed`."""
    return subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True).stdout
