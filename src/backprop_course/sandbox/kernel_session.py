"""One kernel for one student's notebook: run code in it within time and output limits,
answer its questions on the stdin channel, notice when it dies, and start it afresh."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import zmq
from jupyter_client.manager import KernelManager
from nbformat.v4 import output_from_msg

from ..course.mistake_ids import KERNEL_DIED, TIME_LIMIT
from . import scratch
from .caps import DEFAULT, Limits
from .cgroups import Counters
from .forked_kernel import ForkedKernelManager, can_fork
from .host import NO_SANDBOX
from .sandbox import Sandbox, SandboxedKernelManager, die_with_parent
from .stream_outputs import coalesce_streams

# How often a silent kernel is checked for being still alive (seconds).
LIVENESS_INTERVAL = 0.25
STARTUP_TIMEOUT = 60.0
READY_RETRY = 0.05  # seconds before kernel_info is asked again (its IOPub message may be lost)
# Output written straight to the file descriptors (os.write, C code) is not captured: it would
# interleave with what Python prints differently on every run. No input history is kept.
KERNEL_ARGUMENTS = ["--IPKernelApp.capture_fd_output=False", "--HistoryManager.enabled=False"]
# A kernel that fails to start is tried this often, with pauses of 1, 2, ... times START_PAUSE.
START_ATTEMPTS = 3
START_PAUSE = 1.0


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
    that the output budget ran out during this run; interrupted, that the code ran past its time
    and the kernel was interrupted, and ended_by_interrupt, that the interrupt ended it (the
    kernel is still usable).
    """

    status: str
    outputs: list = field(default_factory=list)
    execution_count: int | None = None
    output_cut: bool = False
    interrupted: bool = False
    ended_by_interrupt: bool = False


class KernelUnavailableError(RuntimeError):
    """No kernel could be started, however often tried: a failure of the grading host, never of
    the student's code (none of it has run in a kernel that is starting)."""


class KernelSession:
    """A kernel, sandboxed or not, driven over its channels by the grading process.

    A sandboxed kernel is forked from the kernel template (forked_kernel.py) where the grader runs
    as root, and started as a new process otherwise (or when forked is False).
    """

    def __init__(self, sandboxed: bool = True, cwd: Path | None = None, limits: Limits = DEFAULT,
                 forked: bool = True):
        self.sandboxed = sandboxed
        self.forked = forked and sandboxed and can_fork()  # from the kernel template, where it can be
        self.cwd = cwd
        self.limits = limits
        self.manager: KernelManager | None = None
        self.client = None
        self.sandbox: Sandbox | None = None

    def __enter__(self) -> KernelSession:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start a fresh kernel, trying again a few times when the host fails to start one."""
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                self._start()
                return
            except Exception as error:  # noqa: BLE001 - whatever stopped it, it is the host's
                why = self.sandbox.probe() if attempt == START_ATTEMPTS and self.sandbox is not None else ""
                self.close()
                if attempt == START_ATTEMPTS:
                    raise KernelUnavailableError(
                        f"no kernel could start ({START_ATTEMPTS} attempts): {type(error).__name__}: {error}"
                        + (f"; the sandbox says: {why}" if why else "")
                    ) from error
                time.sleep(attempt * START_PAUSE)

    def _start(self) -> None:
        if self.sandboxed:
            self.sandbox = Sandbox(self.limits)
            if self.forked:
                self.manager = ForkedKernelManager(self.sandbox, KERNEL_ARGUMENTS)
            else:
                self.manager = SandboxedKernelManager(kernel_name="python3")
                self.manager.use(self.sandbox)
            # The kernel works in its private /tmp; this folder is only where bwrap starts.
            cwd, before_exec = scratch.run_folder(), self.sandbox.before_exec
        else:
            self.manager = KernelManager(kernel_name="python3")
            cwd, before_exec = self.cwd or scratch.run_folder(), die_with_parent
        # The kernel's own stdout and stderr (its banner, os.write) go nowhere, and never into
        # the instructor's log.
        self.manager.start_kernel(cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  extra_arguments=KERNEL_ARGUMENTS,
                                  preexec_fn=before_exec)
        self.client = self.manager.client()
        self.client.start_channels()
        self.wait_for_ready(STARTUP_TIMEOUT)
        if self.sandbox is not None:
            self.sandbox.seal()

    def close(self) -> None:
        """Stop the kernel (everything in its sandbox goes with it) and forget it."""
        if self.client is not None:
            self.client.stop_channels()
            self.client = None
        if self.manager is not None:
            with contextlib.suppress(Exception):  # a kernel that is already gone is fine
                self.manager.shutdown_kernel(now=True)
            self.manager = None
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None

    def wait_for_ready(self, timeout: float) -> None:
        """Until the kernel answers kernel_info on its shell channel and reports on its IOPub
        channel (so that no output of the first cell is lost to a subscription still joining).

        jupyter_client's own wait ends with 0.2 s of silence on IOPub, a fifth of a forked
        kernel's start; this ends as soon as both channels have answered.
        """
        client, deadline = self.client, time.monotonic() + timeout
        asked: set[str] = set()
        replied = reported = False
        while time.monotonic() < deadline:
            asked.add(client.kernel_info())  # again and again: IOPub drops what it gets before it joins
            sent = time.monotonic()
            while time.monotonic() - sent < READY_RETRY:
                if client.shell_channel.msg_ready():
                    replied |= client.shell_channel.get_msg(timeout=0)["parent_header"].get("msg_id") in asked
                elif client.iopub_channel.msg_ready():
                    reported |= client.iopub_channel.get_msg(timeout=0)["parent_header"].get("msg_id") in asked
                else:
                    time.sleep(0.002)
                if replied and reported:
                    return
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel did not respond in {timeout:g} seconds")

    def restart(self) -> None:
        self.close()
        self.start()

    def interrupt(self) -> None:
        """Interrupt what the kernel runs (a KeyboardInterrupt in its code), as nbclient does on a
        cell's timeout; by a message on the control channel, which reaches a kernel in a sandbox
        and one forked from the template alike."""
        if self.client is not None:
            self.client.control_channel.send(self.client.session.msg("interrupt_request", content={}))

    def isolation(self) -> str:
        """How far the running kernel's sandbox is kept from others (host.Isolation), in words."""
        return self.sandbox.isolation().describe() if self.sandbox is not None else NO_SANDBOX

    def counters(self) -> Counters:
        """The sandbox's cap counters so far (all zero without a control group)."""
        return self.sandbox.counters() if self.sandbox is not None else Counters()

    def is_alive(self) -> bool:
        return self.manager is not None and self.manager.is_alive()

    def run(
        self,
        code: str,
        timeout: float,
        budget: OutputBudget | None = None,
        answer: Callable[[str], str] | None = None,
        silent: bool = False,
        interrupt_grace: float | None = None,
    ) -> Run:
        """Execute code and collect its outputs (while budget lasts; none without a budget).

        answer, when given, replies to each input() the code makes, from its prompt; without it
        the kernel is told that there is no stdin. With interrupt_grace, code still running at its
        timeout is interrupted and given that many seconds more to end (nbgrader's semantics);
        without, it is left running (the caller restarts the kernel). Its stream outputs are
        coalesced (stream_outputs.py), whichever way it ended.
        """
        run = self._run(code, timeout, budget, answer, silent, interrupt_grace)
        run.outputs = coalesce_streams(run.outputs)
        return run

    def _run(self, code: str, timeout: float, budget: OutputBudget | None, answer: Callable[[str], str] | None,
             silent: bool, interrupt_grace: float | None) -> Run:
        client = self.client
        if client is None or not self.is_alive():
            return Run(KERNEL_DIED)
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
            if now >= deadline and interrupt_grace is not None and not run.interrupted:
                self.interrupt()
                run.interrupted, deadline = True, now + interrupt_grace
            elif now >= deadline:
                run.status = TIME_LIMIT
                return run
            ready = dict(poller.poll(1000 * min(deadline - now, LIVENESS_INTERVAL)))
            if not ready or now - last_check > LIVENESS_INTERVAL:
                last_check = now
                if not self.is_alive():
                    run.status = KERNEL_DIED
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
        if run.interrupted:
            run.status, run.ended_by_interrupt = TIME_LIMIT, True
        return run


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
    output = output_from_msg(message)
    run.outputs.append(nbformat.from_dict(output))
