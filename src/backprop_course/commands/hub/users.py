"""The hub's Unix users: an instructor, a grader (TA) and three students, made on this host by
`make hub-users` (root only, idempotent), each with a password that only root can read."""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import subprocess
import sys
from pathlib import Path

INSTRUCTOR = "bpc-instructor"
GRADER = "bpc-ta"
STUDENTS = ("bpc-s1", "bpc-s2", "bpc-s3")
GRADERS = (INSTRUCTOR, GRADER)
USERS = (*GRADERS, *STUDENTS)
# The graders' group: it owns the course directory, so the TA grades in it and no student enters it.
GRADERS_GROUP = "bpc-graders"
# {user: password}, mode 0600, root's; kept, so that a second run sets the same passwords.
PASSWORDS = Path("/var/lib/backprop-course/hub-passwords.json")
# No shell: the accounts log in to the hub (PAM), never to a terminal of the host (sshd, login).
NO_SHELL = "/usr/sbin/nologin"


def missing() -> str | None:
    """Why the hub cannot run here as the project sets it up (for a skip or the demo), or None."""
    if os.geteuid() != 0:
        return "the hub starts each user's server as that Unix user: run it as root"
    absent = [name for name in USERS if not _exists(name)]
    if absent or not _group_exists(GRADERS_GROUP):
        return f"the hub's users are missing ({', '.join(absent) or GRADERS_GROUP}): run `make hub-users` as root"
    if not PASSWORDS.is_file():
        return f"no {PASSWORDS}: run `make hub-users` as root"
    return None


def passwords() -> dict[str, str]:
    return json.loads(PASSWORDS.read_text())


def ensure_users() -> list[str]:
    """Make what is missing of the users, their group and their passwords; what was done, a line each."""
    said = []
    if not _group_exists(GRADERS_GROUP):
        _run("groupadd", GRADERS_GROUP)
        said.append(f"added group {GRADERS_GROUP}")
    for name in USERS:
        if not _exists(name):
            _run("useradd", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", NO_SHELL,
                 "--comment", "backprop-course hub user", name)
            said.append(f"added user {name}")
    for name in GRADERS:
        if GRADERS_GROUP not in _groups_of(name):
            _run("usermod", "--append", "--groups", GRADERS_GROUP, name)
            said.append(f"added {name} to {GRADERS_GROUP}")
    known = passwords() if PASSWORDS.is_file() else {}
    wanted = {name: known.get(name) or secrets.token_urlsafe(12) for name in USERS}
    if wanted != known:
        PASSWORDS.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(PASSWORDS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(wanted, file, indent=1)
        said.append(f"wrote the passwords to {PASSWORDS}")
    # set every time: another host's file, or a password changed by hand, is put back
    subprocess.run(["chpasswd"], input="".join(f"{name}:{password}\n" for name, password in wanted.items()),
                   text=True, check=True, capture_output=True)
    return said


def _exists(name: str) -> bool:
    return _known(pwd.getpwnam, name)


def _group_exists(name: str) -> bool:
    return _known(grp.getgrnam, name)


def _known(lookup, name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def _groups_of(name: str) -> set[str]:
    return {group.gr_name for group in grp.getgrall() if name in group.gr_mem}


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


def main() -> int:
    if os.geteuid() != 0:
        print("make hub-users: making Unix users needs root; the hub test will be skipped")
        return 0
    try:
        said = ensure_users()
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        print(f"make hub-users: could not make the hub's users ({detail.strip()}); the hub test will be skipped")
        return 0
    print("\n".join(said) if said else f"the hub's users are there: {', '.join(USERS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
