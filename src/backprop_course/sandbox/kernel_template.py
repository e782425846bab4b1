"""A kernel template: a process that has imported what every kernel imports, and forks each new
kernel straight into its sandbox, so that a notebook's kernel starts in milliseconds, fresh.

A grading process that runs as root starts one template and asks it for a kernel per sandbox
(forked_kernel.py). The template forks; the child joins the sandbox's control group and the
namespaces of the sandbox's first process (bubblewrap set them up: mounts, /tmp, no network,
its own PIDs), and forks again, into that PID namespace; the grandchild drops to the sandbox's
uid with the sandbox's limits and becomes an IPython kernel. The template runs no student code
and its children never come back to it, so every kernel starts from the same untouched state.

Run as a script, `python kernel_template.py` (not as a module of this package, which the kernels
must not hold): requests and answers are JSON lines on its standard input and output.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
# The namespaces a kernel joins, in an order that works: the mount namespace last (it changes
# the root), the PID namespace before the fork that puts the kernel in it.
NAMESPACES = {"ipc": 0x08000000, "uts": 0x04000000, "net": 0x40000000, "cgroup": 0x02000000,
              "pid": 0x20000000, "mnt": 0x00020000}
RLIMITS = {"as": resource.RLIMIT_AS, "nproc": resource.RLIMIT_NPROC, "nofile": resource.RLIMIT_NOFILE,
           "cpu": resource.RLIMIT_CPU}
# What every kernel imports before it runs a cell (as a kernel's initialisation imports them:
# ipykernel's debugger support is the largest part), and numpy and matplotlib. matplotlib's inline
# backend is not among them: imported in a kernel, it hooks the kernel's shell to show the
# figures, which it cannot do here. A module missing from another version is left out.
PRELOADED = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "IPython",
             "IPython.core.completerlib", "IPython.core.debugger", "IPython.extensions.storemagic", "debugpy",
             "debugpy.server", "tornado", "tornado.queues", "pdb", "pydoc", "http.server", "xmlrpc.server",
             "email.parser", "mimetypes", "faulthandler", "numpy", "zmq", "matplotlib.pyplot",
             "tornado.platform.asyncio", "IPython.core.oinspect", "IPython.utils.wildcard")

_libc = ctypes.CDLL(None, use_errno=True)


def _prctl(option: int, value: int) -> None:
    if _libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def _setns(path: str, kind: int) -> None:
    handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(handle, kind) != 0:
            raise OSError(ctypes.get_errno(), f"setns({path}) failed")
    finally:
        os.close(handle)


def spawn(request: dict) -> int:
    """Fork a kernel into the sandbox the request describes; its pid (in this PID namespace)."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        try:
            _enter_and_fork(request, write)
        except BaseException as error:  # noqa: BLE001 - told to the template, then this child ends
            os.write(write, f"error {type(error).__name__}: {error}".encode())
        os._exit(1)
    os.close(write)
    answer = b""
    while chunk := os.read(read, 4096):
        answer += chunk
    os.close(read)
    text = answer.decode()
    if not text.startswith("pid "):
        raise RuntimeError(text.removeprefix("error ") or "the kernel's parent ended without a word")
    return int(text.split()[1])


def _enter_and_fork(request: dict, write: int) -> None:
    """In the template's child: join the sandbox, fork the kernel into it, stay its parent."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the template ends, so does this
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the template's pipes to the grading process are not this one's
        os.dup2(null, fd)
    for procs in request["procs"]:  # the control group first: its files are the host's
        with open(procs, "w") as handle:
            handle.write(str(os.getpid()))
    anchor = request["anchor"]
    for name, kind in NAMESPACES.items():
        _setns(f"/proc/{anchor}/ns/{name}", kind)
    kernel = os.fork()
    if kernel == 0:
        os.close(write)
        _become_kernel(request)
    os.write(write, f"pid {kernel}".encode())
    os.close(write)
    os.waitpid(kernel, 0)
    os._exit(0)


def _become_kernel(request: dict) -> None:
    """In the sandbox: drop to its uid and limits, and run the kernel (never returns)."""
    try:
        os.setsid()
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])  # nothing of the template's
        os.chdir(request["cwd"])
        sys.path[0] = request["cwd"]  # as for `python -m ipykernel_launcher` there (this script's folder)
        for name, value in request["rlimits"].items():
            resource.setrlimit(RLIMITS[name], (value, value))
        uid = request.get("uid")
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
    finally:
        os._exit(0)


def main() -> None:
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grading process ends, so does the template
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the children are reaped as they end
    # and so is a kernel whose parent (the child that forked it) ended first: adopted here, not by a
    # process that adopts orphans and never reaps them (a test worker, a container's first process),
    # where it would stay a process of its sandbox's uid and count against that uid's next sandbox
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    for module in PRELOADED:
        try:
            __import__(module)
        except ImportError:
            continue
    # What the template holds is never collected in a kernel: a kernel's collections then scan
    # only its own objects (a full one took 50 ms), and do not write to, and so copy, the
    # template's memory pages.
    gc.freeze()
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        try:
            answer = {"pid": spawn(json.loads(line))}
        except Exception as error:  # noqa: BLE001 - the grading process decides what to do
            answer = {"error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
