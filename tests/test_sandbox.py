"""The sandboxed kernel, for real: bubblewrap around an IPython kernel, driven over its sockets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from backprop_course.sandbox import scratch
from backprop_course.sandbox.caps import Limits
from backprop_course.sandbox.kernel_session import KernelSession, KernelUnavailableError, OutputBudget
from backprop_course.sandbox.sandbox import SandboxUnavailableError, bwrap

from .support import REPO_ROOT
from .support.sandbox import needs_sandbox


def printed_by(run) -> str:
    """The text a run printed, its errors as `Name: message`."""
    parts = []
    for output in run.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def run_in_sandbox(code: str, forked: bool = True) -> str:
    with KernelSession(sandboxed=True, forked=forked) as session:
        return printed_by(session.run(code, timeout=60, budget=OutputBudget(10**6)))


# Every guarantee holds for a kernel forked from the template (as root) as for a started one.
START = pytest.mark.parametrize("forked", [True, False], ids=["forked", "started"])


@needs_sandbox
@START
def test_the_kernel_sees_no_course_no_network_and_a_read_only_system(tmp_path, forked):
    marker = tmp_path / "outside.txt"
    marker.write_text("course data")
    host_server = socket.create_server(("127.0.0.1", 0))  # listening on the host's loopback
    port = host_server.getsockname()[1]
    try:
        printed = run_in_sandbox(f"""
import os, socket
print("uid", os.getuid())
print("pid", os.getpid())
print("repo", os.path.exists({str(REPO_ROOT / "src")!r}), os.path.exists({str(REPO_ROOT / "nbgrader_config.py")!r}))
print("host_tmp", os.path.exists({str(marker)!r}))
print("interfaces", ",".join(name for _, name in socket.if_nameindex()))
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2)
    print("host_loopback reached")
except OSError as error:
    print("host_loopback", type(error).__name__)
try:
    open("/usr/lib/written-by-student", "w")
except OSError as error:
    print("system", error.errno)
try:
    import backprop_course
except ImportError:
    print("grader hidden")
open("/tmp/sandbox-private.txt", "w").write("x")
""", forked)
    finally:
        host_server.close()
    lines = dict(line.split(" ", 1) for line in printed.strip().splitlines())
    assert lines["uid"] != "0" or os.geteuid() != 0
    assert int(lines["pid"]) < 10, "the kernel has a PID namespace of its own"
    assert lines["repo"] == "False False"
    assert lines["host_tmp"] == "False"
    assert lines["interfaces"] == "lo", "no network but its own loopback"
    assert lines["host_loopback"] == "ConnectionRefusedError", "the host's loopback server is out of reach"
    assert lines["system"] == "30", "EROFS: the system is read-only"
    assert lines["grader"] == "hidden"
    assert not os.path.exists("/tmp/sandbox-private.txt")


@needs_sandbox
@START
def test_nothing_the_kernel_starts_outlives_it(forked):
    tag = uuid.uuid4().hex[:12]
    run_in_sandbox(f"""
import subprocess
subprocess.Popen(["/bin/sh", "-c", "exec -a sleeper-{tag} sleep 300"], start_new_session=True)
""", forked)
    left = subprocess.run(["pgrep", "-f", f"sleeper-{tag}"], capture_output=True, text=True)
    assert left.stdout.strip() == "", "a process started in the sandbox survived its kernel"


@needs_sandbox
@START
def test_memory_and_processes_are_limited(forked):
    printed = run_in_sandbox("""
try:
    block = bytearray(3 * 1024**3)
    print("memory unlimited")
except MemoryError:
    print("memory limited")
import os
children = []
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            import time
            time.sleep(30)
            os._exit(0)
        children.append(pid)
    print("processes unlimited")
except OSError:
    print("processes limited")
finally:
    for pid in children:
        os.kill(pid, 9)
""", forked)
    assert "memory limited" in printed
    assert "processes limited" in printed


def test_without_bubblewrap_the_sandbox_refuses_with_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SandboxUnavailableError, match="apt-get install bubblewrap"):
        bwrap()


@needs_sandbox
def test_a_kernel_starts_after_a_run_folder_was_removed():
    """A process that grades again after a run ended (its folder, with the font list, removed)."""
    run_in_sandbox("pass")
    scratch.remove_run_folder()
    assert "started" in run_in_sandbox("print('started')")


@needs_sandbox
def test_a_kernel_that_cannot_start_says_why():
    with pytest.raises(KernelUnavailableError, match="the sandbox says: .*(MemoryError|Error|memory)"):
        KernelSession(sandboxed=True, limits=Limits(memory_bytes=16 * 1024**2)).start()


@needs_sandbox
def test_the_package_installed_where_the_sandbox_sees_python_is_an_empty_folder_there(monkeypatch):
    """Installed from its wheel, the package lies in the environment the sandbox binds: its code and
    the assignments it ships are masked. A package of this environment stands in for it here (this
    checkout's own lies outside every bound folder)."""
    import jupyter_client

    from backprop_course.sandbox import sandbox

    installed = Path(jupyter_client.__file__).resolve().parent
    listing = [sys.executable, "-c", f"import os; print(sorted(os.listdir({str(installed)!r})))"]

    def seen() -> str:
        box = sandbox.Sandbox(Limits())
        try:
            done = subprocess.run([*box.bwrap_command(), *listing], capture_output=True, text=True, timeout=60)
        finally:
            box.close()
        return done.stdout.strip() or done.stderr

    assert "manager.py" in seen()  # bound, and readable, while it is not the grader's package
    monkeypatch.setattr(sandbox, "PACKAGE_DIR", installed)
    assert seen() == "[]"
