"""A kernel forked from the kernel template (kernel_template.py) into its sandbox, where the
grader runs as root: the sandbox's first process is a placeholder that bubblewrap starts with
all the sandbox's namespaces, mounts and caps, and the template puts the kernel into them.

Stopping the placeholder stops everything in its PID namespace, the kernel included.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from . import scratch
from .sandbox import SANDBOX_ENV, SOCKETS_INSIDE, Sandbox, as_root, die_with_parent, matplotlib_font_list

# The placeholder: it says that the sandbox is set up, then waits until its input is closed.
PLACEHOLDER = ["/bin/sh", "-c", "echo ready && exec cat"]
STARTUP_SECONDS = 60.0
TEMPLATE_SCRIPT = Path(__file__).with_name("kernel_template.py")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class TemplateUnavailableError(RuntimeError):
    """The kernel template could not be started or did not answer."""


class KernelTemplate:
    """This process's kernel template (one, started on first use, restarted if it ended)."""

    _shared: KernelTemplate | None = None
    _lock = threading.Lock()

    def __init__(self):
        self.owner = os.getpid()  # a forked worker inherits the object, not the process's pipes
        # matplotlib reads its backend and configuration folder when it is imported, here: the
        # inline backend that ipykernel would set, and the font list prepared for the sandboxes.
        font_list = matplotlib_font_list()
        env = {"PATH": SANDBOX_ENV["PATH"], "HOME": str(scratch.new_folder("template-home-")),
               "MPLBACKEND": INLINE_BACKEND}
        if font_list is not None:
            env["MPLCONFIGDIR"] = str(font_list.parent)
        self.process = subprocess.Popen(
            [sys.executable, str(TEMPLATE_SCRIPT)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=env["HOME"],
            preexec_fn=die_with_parent)
        if _read_line(self.process.stdout, STARTUP_SECONDS) != {"ready": True}:
            self.process.kill()
            raise TemplateUnavailableError("the kernel template did not start")

    @classmethod
    def shared(cls) -> KernelTemplate:
        with cls._lock:
            found = cls._shared
            if found is None or found.owner != os.getpid() or found.process.poll() is not None:
                found = cls._shared = cls()
            return found

    def spawn(self, request: dict) -> int:
        """A kernel's pid, forked into the sandbox the request describes."""
        with self._lock:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            answer = _read_line(self.process.stdout, STARTUP_SECONDS)
        if answer is None or "pid" not in answer:
            raise TemplateUnavailableError((answer or {}).get("error", "the kernel template did not answer"))
        return answer["pid"]


def _read_line(stream, seconds: float) -> dict | None:
    ready, _, _ = select.select([stream], [], [], seconds)
    line = stream.readline() if ready else ""
    return json.loads(line) if line.strip() else None


def _child_pid(info: int) -> int:
    """The pid of the sandbox's first process, from the JSON that bubblewrap writes to its info fd."""
    text = b""
    try:
        while True:
            ready, _, _ = select.select([info], [], [], STARTUP_SECONDS)
            chunk = os.read(info, 4096) if ready else b""
            if not chunk:
                raise TemplateUnavailableError("bubblewrap did not say which process it started")
            text += chunk
            try:
                return json.loads(text)["child-pid"]
            except ValueError:
                continue  # not all of it yet
    finally:
        os.close(info)


def can_fork() -> bool:
    """Whether kernels can be forked from a template here: as root (elsewhere they are started)."""
    return as_root()


class ForkedKernelManager:
    """The part of a jupyter_client KernelManager that KernelSession uses, for a forked kernel."""

    def __init__(self, sandbox: Sandbox, arguments: list[str]):
        self.sandbox, self.arguments = sandbox, arguments
        self.placeholder: subprocess.Popen | None = None
        self.pidfd: int | None = None
        self.pid: int | None = None
        self.connection: dict = {}

    def start_kernel(self, **_ignored) -> None:
        folder = self.sandbox.socket_dir
        _, self.connection = write_connection_file(str(folder / "connection.json"), ip=str(folder / "kernel"),
                                                   transport="ipc", key=uuid.uuid4().hex.encode())
        inside = {**self.connection, "ip": f"{SOCKETS_INSIDE}/kernel"}
        kernel_file = folder / "kernel.json"
        kernel_file.write_text(json.dumps(inside))
        kernel_file.chmod(0o644)  # the kernel's to read, not to write (it lies on the host's disk)
        info_read, info_write = os.pipe()
        try:
            self.placeholder = subprocess.Popen(
                [*self.sandbox.bwrap_command(info_fd=info_write), *PLACEHOLDER], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(info_write,),
                preexec_fn=self.sandbox.before_exec, cwd=scratch.run_folder())
        finally:
            os.close(info_write)
        anchor = _child_pid(info_read)
        ready, _, _ = select.select([self.placeholder.stdout], [], [], STARTUP_SECONDS)
        if not ready or self.placeholder.stdout.readline().strip() != b"ready":
            raise TemplateUnavailableError("the sandbox did not get ready")
        request = {"anchor": anchor, "procs": self.sandbox.group.procs_files if self.sandbox.group else [],
                   "uid": self.sandbox.uid, "rlimits": self.sandbox.rlimits(), "env": SANDBOX_ENV, "cwd": "/tmp",
                   "argv": ["-f", f"{SOCKETS_INSIDE}/kernel.json", *self.arguments]}
        self.pid = KernelTemplate.shared().spawn(request)
        self.pidfd = os.pidfd_open(self.pid)

    def client(self) -> BlockingKernelClient:
        client = BlockingKernelClient()
        client.load_connection_info(self.connection)
        return client

    def is_alive(self) -> bool:
        if self.pidfd is None:
            return False
        exited, _, _ = select.select([self.pidfd], [], [], 0)
        return not exited

    def shutdown_kernel(self, now: bool = True) -> None:
        """Stop the kernel and its sandbox (the placeholder's end takes every process in it)."""
        if self.pidfd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            os.close(self.pidfd)
            self.pidfd = None
        if self.placeholder is not None:
            self.placeholder.kill()
            self.placeholder.wait()
            for stream in (self.placeholder.stdin, self.placeholder.stdout):
                stream.close()
            self.placeholder = None
        for name in ("connection.json", "kernel.json"):
            Path(self.sandbox.socket_dir, name).unlink(missing_ok=True)
