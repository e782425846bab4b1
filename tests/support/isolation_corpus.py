"""Submissions that try to take the grading host's shared resources from the students graded at
the same time: processes, writable space, memory in child processes, and CPU.

Each is a correct submission plus one cell of attack code at the end of the first notebook, so
its functions earn full marks; the attack must only earn it its limit's id. {hold} is how long
an attack holds what it took (most of a cell's time limit).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hog:
    name: str
    what: str
    code: str
    limit: str  # the limit id its feedback must name

    def cell(self, hold: float) -> str:
        return self.code.replace("{hold}", repr(hold))


HOGS = (
    Hog(
        "processes",
        "takes every process slot it can and holds them for most of the cell's time limit",
        """
import os, time
children = []
while True:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep({hold})
        os._exit(0)
    children.append(pid)
print("processes taken:", len(children))
for pid in children:
    os.waitpid(pid, 0)
""",
        "process-limit",
    ),
    Hog(
        "disk",
        "fills its /tmp and tries every other place to write to",
        """
import os
places = ["/tmp", os.getcwd(), os.path.expanduser("~"), "/dev/shm", "/run/kernel", "/run", "/var/tmp", "/",
          "/usr", "/etc", "/dev"]
writable = []
block = b"x" * (1 << 20)
for place in places:
    try:
        with open(os.path.join(place, "filler.bin"), "wb") as handle:
            while True:
                handle.write(block)
    except OSError:
        pass
    if os.path.exists(os.path.join(place, "filler.bin")):
        writable.append(place)
print("writable places:", sorted(set(writable)))
""",
        "disk-limit",
    ),
    Hog(
        "child_memory",
        "allocates memory in child processes, each under the per-process limit, together far past it",
        """
import os, time
children = []
for _ in range(6):
    pid = os.fork()
    if pid == 0:
        try:
            block = bytearray(1 << 30)
            for start in range(0, len(block), 4096):
                block[start] = 1
            time.sleep({hold})
        finally:
            os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
print("children done")
""",
        "memory-limit",
    ),
    Hog(
        "cpu",
        "spins on every CPU, in many processes, until stopped",
        """
import os
for _ in range(4 * (os.cpu_count() or 1)):
    if os.fork() == 0:
        while True:
            pass
while True:
    pass
""",
        "time-limit",
    ),
)
