"""`make hub-demo`: the hub that tests/test_hub.py tests, started for an instructor to try, on
loopback, until Ctrl-C: the course released by the instructor, the logins in a file only root reads."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from .layout import HubLayout
from .prepare import HubError, prepare_hub
from .running import running_hub
from .users import GRADER, INSTRUCTOR, PASSWORDS, STUDENTS, missing

DEFAULT_PORT = 8000


def unreachable(folder: Path) -> Path | None:
    """The first folder above folder that other users cannot pass through (the hub's users must)."""
    for parent in folder.resolve().parents:
        if not parent.stat().st_mode & 0o001:
            return parent
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make hub-demo", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path(".hub/demo"), help="the hub's folder (made anew)")
    parser.add_argument("--proxy", type=Path, required=True, help="configurable-http-proxy")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    reason = missing() or (None if args.proxy.exists() else f"no {args.proxy}: run `make hub-proxy` (needs npm)")
    blocked = unreachable(args.root)
    if reason or blocked:
        print(f"hub-demo: {reason or f'the hub users cannot pass through {blocked}: give another --root'}")
        return 1
    root = args.root.resolve()
    if root.exists():
        if not (root / "state").is_dir():
            print(f"hub-demo: {root} is not a hub's folder: give another --root")
            return 1
        shutil.rmtree(root)  # the last demo's, made anew
    layout = HubLayout(root, Path(sys.prefix) / "bin")
    try:
        port = prepare_hub(layout, args.proxy.resolve(), args.port)
        with running_hub(layout, port) as url:
            print(f"The course's hub runs at {url}/ (Ctrl-C stops it and every user's server).\n"
                  f"Log in as {INSTRUCTOR} (instructor: Nbgrader > Formgrader; commands in its terminal),\n"
                  f"{GRADER} (grader: formgrader), or a student: {', '.join(STUDENTS)} (Nbgrader > Assignment List).\n"
                  f"Passwords: {PASSWORDS} (root only). Course: {layout.course}; log: {layout.log}", flush=True)
            while True:
                time.sleep(3600)
    except HubError as error:
        print(f"hub-demo: {error}")
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
