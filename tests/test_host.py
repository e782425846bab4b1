"""What the sandbox says about the host before grading: each kind of host (root, unprivileged user
namespaces, AppArmor's restriction, no namespaces, no bubblewrap) gets one line with its isolation
and what to do. Hosts this machine is not are given as facts (Probes); this machine, as root and
as a user who is not root, is probed for real."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from backprop_course.sandbox import cgroups
from backprop_course.sandbox.caps import DEFAULT
from backprop_course.sandbox.host import Isolation, Probes, SandboxUnavailableError, assess, read_probes, this_host
from backprop_course.sandbox.sandbox import describe

from .support.sandbox import path_without_bwrap

SRC = Path(__file__).resolve().parents[1] / "src"
NOBODY = 65534
BWRAP = "/usr/bin/bwrap"
NO_GROUPS = "no writable cgroup hierarchy with the memory and pids controllers (not root, or not delegated)"
ROOT = Probes(root=True, bwrap=BWRAP, bwrap_error=None, max_user_namespaces=15000)
USER = Probes(root=False, bwrap=BWRAP, bwrap_error=None, max_user_namespaces=15000, control_groups=NO_GROUPS,
              processes_per_sandbox=True)
REFUSED = "bwrap: setting up uid map: Permission denied"


def one_line(text: str) -> str:
    assert "\n" not in text
    return text


def test_root_with_control_groups_holds_every_guarantee():
    verdict = assess(ROOT)
    assert verdict.kind == "root" and verdict.isolation == Isolation(own_uid=True, control_group=True)
    assert verdict.problem is None and verdict.not_guaranteed == ()
    assert one_line(verdict.line).startswith("isolation: own uid, control group (root")
    assert "not guaranteed" not in verdict.line


def test_root_without_control_groups_says_memory_and_cpu_are_not_per_sandbox_and_what_to_do():
    verdict = assess(replace(ROOT, control_groups="cgroup v2 is not writable here (Read-only file system)"))
    assert verdict.isolation == Isolation(own_uid=True, control_group=False)
    assert len(verdict.not_guaranteed) == 1 and "memory and CPU per sandbox" in verdict.not_guaranteed[0]
    assert "Read-only file system" in verdict.line and "fix: for a control group per sandbox" in one_line(verdict.line)


def test_not_root_with_namespaces_counting_processes_loses_only_the_control_group():
    verdict = assess(USER)
    assert verdict.kind == "user-namespaces" and verdict.isolation == Isolation(own_uid=False, control_group=False)
    assert one_line(verdict.line).startswith("isolation: shared uid, no control group (not root")
    assert "its process cap is its own" in verdict.line
    assert [lack.split(" (")[0] for lack in verdict.not_guaranteed] == ["memory and CPU per sandbox"]
    assert "run the grading as root" in verdict.line


def test_not_root_where_the_kernel_counts_processes_per_uid_says_the_process_cap_is_shared():
    verdict = assess(replace(USER, processes_per_sandbox=False))
    assert verdict.isolation is not None  # it grades, and says what it cannot hold
    assert "a process cap per sandbox" in verdict.not_guaranteed[0] and "fork bomb" in verdict.not_guaranteed[0]
    assert "its process cap is its own" not in one_line(verdict.line)


def test_apparmor_restriction_names_the_profile_to_install():
    verdict = assess(replace(USER, bwrap_error=REFUSED, apparmor_restricts_userns=True))
    assert verdict.kind == "apparmor" and verdict.isolation is None
    assert verdict.problem == verdict.line
    line = one_line(verdict.line)
    assert "kernel.apparmor_restrict_unprivileged_userns=1" in line and REFUSED in line
    assert f"grants `userns` to {BWRAP}" in line and "docs/security.md#" in line
    assert "unsafe=True" in line


def test_apparmor_profile_the_line_points_to_is_in_the_docs():
    line = assess(replace(USER, bwrap_error=REFUSED, apparmor_restricts_userns=True)).line
    anchor = line.split("docs/security.md#")[1]
    text = (SRC.parent / "docs" / "security.md").read_text()
    heading = anchor.split(")")[0].replace("-", " ")
    assert any(line.lstrip("# ").lower() == heading for line in text.splitlines() if line.startswith("#"))
    assert f"profile bwrap {BWRAP} flags=(unconfined)" in text and "userns," in text


@pytest.mark.parametrize(("facts", "setting"), [
    ({"max_user_namespaces": 0}, "user.max_user_namespaces=0"),
    ({"userns_clone": 0}, "kernel.unprivileged_userns_clone=0"),
])
def test_namespaces_switched_off_name_the_setting(facts, setting):
    verdict = assess(replace(USER, bwrap_error=REFUSED, **facts))
    assert verdict.kind == "no-namespaces" and verdict.isolation is None
    assert setting in one_line(verdict.line) and "sysctl -w" in verdict.line and "Dask workers" in verdict.line


@pytest.mark.parametrize("root", [True, False])
def test_a_container_or_pod_points_to_a_grading_pool(root):
    verdict = assess(replace(ROOT if root else USER, bwrap_error="bwrap: Creating new namespace failed: "
                                                                 "Operation not permitted"))
    assert verdict.kind == "no-namespaces" and verdict.problem is not None
    assert "Operation not permitted" in one_line(verdict.line)
    assert "Dask workers" in verdict.line and "--scheduler" in verdict.line


def test_without_bubblewrap_the_line_says_what_to_install():
    verdict = assess(replace(USER, bwrap=None))
    assert verdict.kind == "no-bubblewrap" and "apt-get install bubblewrap" in one_line(verdict.problem)


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed here")
def test_this_host_as_it_is():
    probes = read_probes()
    verdict = assess(probes)
    assert verdict == this_host()
    assert probes.root == (os.geteuid() == 0)
    if verdict.isolation is not None:
        assert verdict.isolation.own_uid == probes.root
        assert verdict.isolation.control_group == isinstance(cgroups.hierarchy(), cgroups.Hierarchy)
        assert describe(DEFAULT).startswith(f"isolation: {verdict.isolation.describe()} (")


def kernel_counts_processes_per_namespace() -> bool:
    """Linux counts RLIMIT_NPROC per user namespace from 5.14 on (ucounts)."""
    major, minor = (int(part) for part in platform.release().split(".")[:2])
    return (major, minor) >= (5, 14)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv to probe as another user")
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed here")
def test_this_host_as_a_user_who_is_not_root():
    """The probes run as nobody, with the system's Python (host.py needs nothing else)."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from dataclasses import asdict; "
            "from backprop_course.sandbox.host import read_probes, assess; p = read_probes(); "
            "print(json.dumps({'probes': asdict(p), 'kind': assess(p).kind, 'line': assess(p).line}))")
    python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    done = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python, "-c", code,
                           str(SRC)], capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    probes = found["probes"]
    assert probes["root"] is False
    if found["kind"] == "user-namespaces":
        assert probes["processes_per_sandbox"] == kernel_counts_processes_per_namespace()
        assert found["line"].startswith("isolation: shared uid, ")
    else:
        assert found["kind"] in ("apparmor", "no-namespaces") and probes["bwrap_error"] is not None


def worker_check(shown: list[str]):
    """_check_worker_hosts on a Dask cluster of one worker process, started from this process's
    environment as it is now."""
    from distributed import LocalCluster

    from backprop_course.commands.autograde import _check_worker_hosts
    from backprop_course.grading.workers import DaskWorkers

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        workers = DaskWorkers(cluster.scheduler_address, print, None)
        try:
            _check_worker_hosts(workers, DEFAULT, shown.append)
        finally:
            workers.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed here")
def test_on_a_dask_cluster_the_workers_hosts_are_asked_and_a_worker_that_cannot_sandbox_refuses(tmp_path,
                                                                                                monkeypatch):
    """The instructor's own host need not sandbox (a pod): the workers' do. A worker whose PATH has
    no bwrap stands for a worker host that cannot."""
    shown: list[str] = []
    worker_check(shown)
    assert len(shown) == 1 and shown[0].startswith(f"sandbox: {this_host().line}; caps: ")
    assert "(on 1 Dask worker(s): tcp://" in shown[0]
    monkeypatch.setenv("PATH", path_without_bwrap(tmp_path / "bin"))
    with pytest.raises(SandboxUnavailableError) as refused:
        worker_check([])
    assert str(refused.value).startswith("worker tcp://") and "apt-get install bubblewrap" in str(refused.value)
