"""Every temporary folder of a grading run under one parent per run, removed on every way out.

The parent is `backprop-run-<pid>-<start>` in the temporary folder (TMPDIR or /tmp). Kernels'
sockets are the exception: their folders need a short path, so they go to one folder per host
and user (sockets_base), named after their process too. The process
that made it removes it when it exits (normally, on Ctrl-C, or on SIGTERM where the run turns
SIGTERM into an interruption); worker processes put their folders inside their parent's run
folder, so a killed worker leaves nothing that the run does not remove. A run whose own process
was killed outright leaves its folder to `sweep`, which the next run calls: it removes the
folders of runs whose process is gone.

Nothing here is ever seen from inside a sandbox by its path: the sandbox binds what it needs at
fixed places of its own, so TMPDIR's folders need not be reachable by the sandbox's user.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

PREFIX = "backprop-run-"

_lock = threading.Lock()
_folder: Path | None = None
_owner_pid: int | None = None


def process_start(pid: int) -> str | None:
    """The start time of process pid (clock ticks since boot), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def owner_tag(pid: int | None = None) -> str:
    """`<pid>-<start time>`: names a process so that a later one with the same pid is not taken for it."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}-{process_start(pid)}"


def owner_alive(tag: str) -> bool:
    """Whether the process that a name made by owner_tag names is still running."""
    pid, _, start = tag.partition("-")
    return pid.isdigit() and process_start(int(pid)) == start


def run_folder() -> Path:
    """This run's folder, made on first use and removed when this process exits."""
    global _folder, _owner_pid
    with _lock:
        if _folder is None or _owner_pid != os.getpid():
            _folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{owner_tag()}-"))
            _owner_pid = os.getpid()
            atexit.register(_remove, _folder, _owner_pid)
        return _folder


def adopt(parent: Path) -> Path:
    """In a worker process: a folder of its own inside its parent's run folder, which the parent
    removes at its end whatever happens to the worker."""
    global _folder, _owner_pid
    with _lock:
        _folder = Path(tempfile.mkdtemp(prefix=f"worker-{owner_tag()}-", dir=parent))
        _owner_pid = os.getpid()
        atexit.register(_remove, _folder, _owner_pid)
        return _folder


def new_folder(prefix: str) -> Path:
    """A fresh folder inside this run's folder, for its caller to remove when done."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=run_folder()))


def sockets_base() -> Path:
    """Where kernels' socket folders are made: a short path per host and user, never in TMPDIR (a
    Unix socket's path has at most 107 bytes, and TMPDIR may be deep)."""
    if os.geteuid() == 0:
        base = Path("/run/backprop-course/sockets")
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        base = Path(runtime, "backprop-course") if runtime else Path(f"/tmp/backprop-course-{os.getuid()}")
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    return base


def new_socket_folder() -> Path:
    """A fresh folder for one kernel's sockets, for its caller to remove (sweep removes it when
    its process was killed first)."""
    return Path(tempfile.mkdtemp(prefix=f"{owner_tag()}-", dir=sockets_base()))


def remove_run_folder() -> None:
    """Remove this process's run folder now (it is made again if needed)."""
    global _folder
    with _lock:
        if _folder is not None and _owner_pid == os.getpid():
            _remove(_folder, _owner_pid)
            _folder = None


def _remove(folder: Path, owner_pid: int) -> None:
    if os.getpid() == owner_pid:  # not in a forked child, which inherits the exit handlers
        shutil.rmtree(folder, ignore_errors=True)


def sweep() -> list[Path]:
    """Remove the run folders (in the temporary folder) and socket folders of processes that are gone."""
    found = [(folder, folder.name[len(PREFIX):]) for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*")]
    found += [(folder, folder.name) for folder in sockets_base().iterdir()]
    removed = []
    for folder, name in found:
        if folder.is_dir() and not owner_alive(name.rsplit("-", 1)[0]):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def interrupt_on_sigterm() -> None:
    """Make SIGTERM interrupt this process as Ctrl-C does, so that it cleans up on its way out
    (only where SIGTERM still has its default action, and only from the main thread)."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
