"""One kernel for one student's notebook: run code in it within time and output limits,
answer its questions on the stdin channel, notice when it dies, and start it afresh."""

from __future__ import annotations

import contextlib
import ctypes
import json
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import zmq
from jupyter_client.manager import KernelManager
from nbformat.v4 import output_from_msg

from .sandbox import SandboxedKernelManager

# How often a silent kernel is checked for being still alive (seconds).
LIVENESS_INTERVAL = 0.25
STARTUP_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


@dataclass
class OutputBudget:
    """The output bytes one notebook may still produce; past it outputs are dropped."""

    left: int
    exceeded: bool = False

    def take(self, size: int) -> bool:
        """True when size more bytes fit; False (from then on) once the budget is spent."""
        if not self.exceeded and size <= self.left:
            self.left -= size
            return True
        self.exceeded = True
        return False


@dataclass
class Run:
    """What running one piece of code gave: its outputs and how it ended.

    status is "ok", "error" (the code raised), "time-limit" or "kernel-died"; output_cut says
    that the output budget ran out during this run.
    """

    status: str
    outputs: list = field(default_factory=list)
    execution_count: int | None = None
    output_cut: bool = False


class KernelSession:
    """A kernel, sandboxed or not, driven over its channels by the grading process."""

    def __init__(self, sandboxed: bool = True, cwd: Path | None = None):
        self.sandboxed = sandboxed
        self.cwd = cwd
        self.manager: KernelManager | None = None
        self.client = None
        self._scratch: Path | None = None

    def __enter__(self) -> KernelSession:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        manager_class = SandboxedKernelManager if self.sandboxed else KernelManager
        self.manager = manager_class(kernel_name="python3")
        # A sandboxed kernel works in its private /tmp; this folder is only where bwrap starts.
        self._scratch = Path(tempfile.mkdtemp(prefix="backprop-kernel-"))
        cwd = self.cwd if (self.cwd is not None and not self.sandboxed) else self._scratch
        # Only what Python code prints becomes output: text written straight to the file
        # descriptors (os.write, C code) would interleave with it differently on every run, so it
        # goes, with the kernel's own banner, nowhere (and never into the instructor's log).
        self.manager.start_kernel(cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                                  preexec_fn=_die_with_grader)
        self.client = self.manager.client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except RuntimeError:
            self.close()
            raise

    def close(self) -> None:
        """Stop the kernel (everything in its sandbox goes with it) and forget it."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.manager is not None:
            with contextlib.suppress(Exception):  # a kernel that is already gone is fine
                self.manager.shutdown_kernel(now=True)
            self.manager = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def restart(self) -> None:
        self.close()
        self.start()

    def is_alive(self) -> bool:
        return self.manager is not None and self.manager.is_alive()

    def run(
        self,
        code: str,
        timeout: float,
        budget: OutputBudget | None = None,
        answer: Callable[[str], str] | None = None,
        silent: bool = False,
    ) -> Run:
        """Execute code and collect its outputs (while budget lasts; none without a budget).

        answer, when given, replies to each input() the code makes, from its prompt; without it
        the kernel is told that there is no stdin.
        """
        client = self.client
        if client is None or not self.is_alive():
            return Run("kernel-died")
        msg_id = client.execute(code, silent=silent, store_history=not silent, allow_stdin=answer is not None,
                                stop_on_error=False)
        run = Run("ok")
        sockets = {"iopub": client.iopub_channel, "shell": client.shell_channel, "stdin": client.stdin_channel}
        poller = zmq.Poller()
        for channel in sockets.values():
            poller.register(channel.socket, zmq.POLLIN)
        deadline = time.monotonic() + timeout
        idle = replied = False
        last_check = time.monotonic()
        while not (idle and replied):
            now = time.monotonic()
            if now >= deadline:
                run.status = "time-limit"
                return run
            ready = dict(poller.poll(1000 * min(deadline - now, LIVENESS_INTERVAL)))
            if not ready or now - last_check > LIVENESS_INTERVAL:
                last_check = now
                if not self.is_alive():
                    run.status = "kernel-died"
                    return run
            for name, channel in sockets.items():
                if channel.socket not in ready:
                    continue
                message = channel.get_msg(timeout=0)
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if name == "stdin":
                    prompt = message["content"].get("prompt", "")
                    client.input(answer(prompt) if answer is not None else "")
                elif name == "shell":
                    replied = True
                    if message["content"].get("status") != "ok":
                        run.status = "error"
                elif message["msg_type"] == "status":
                    idle = message["content"].get("execution_state") == "idle"
                elif message["msg_type"] == "execute_input":
                    run.execution_count = message["content"].get("execution_count")
                elif budget is not None:
                    _collect(run, message, budget)
        return run


def _die_with_grader() -> None:
    """In the kernel's (or bwrap's) process before it starts: be killed when the grading process
    dies, however it dies, so that no kernel outlives an interrupted run."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _collect(run: Run, message: dict, budget: OutputBudget) -> None:
    """Add one iopub message to run's outputs, while the budget lasts."""
    kind = message["msg_type"]
    if kind == "clear_output":
        run.outputs.clear()
        return
    if kind not in ("stream", "display_data", "execute_result", "error"):
        return
    size = len(json.dumps(message["content"]))
    if not budget.take(size):
        run.output_cut = True
        if kind != "stream" or budget.left <= 0:
            return
        # The part of a long stream that still fits is kept, up to the last byte of the budget.
        message = {**message, "content": {**message["content"], "text": message["content"]["text"][: budget.left]}}
        budget.left = 0
    if kind == "stream":
        # One output per stream name, however the kernel happened to split and interleave them.
        name = message["content"].get("name")
        same = next((out for out in run.outputs if out.output_type == "stream" and out.get("name") == name), None)
        if same is not None:
            same.text += message["content"]["text"]
            return
    output = output_from_msg(message)
    run.outputs.append(nbformat.from_dict(output))
