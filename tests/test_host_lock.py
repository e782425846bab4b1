"""The lock the workers of test runs on one host share (support/host.py): a host-measuring section
gets in while the other workers run test after test, their tests overlapping, and no test of
another worker runs while it does."""

from __future__ import annotations

import subprocess
import sys
import time

from .support import host

# Another worker: tests of 50 ms, one after the other, each noted (start and end) in a file, until
# told to stop or at most SECONDS.
WORKER = """
import importlib.util, pathlib, sys, time
spec = importlib.util.spec_from_file_location("host", sys.argv[1])
host = importlib.util.module_from_spec(spec)
spec.loader.exec_module(host)
host.LOCK_FILE, host.TURNSTILE, notes, stop = (pathlib.Path(name) for name in sys.argv[2:6])
end = time.monotonic() + float(sys.argv[6])
with notes.open("a") as file:
    while time.monotonic() < end and not stop.exists():
        with host.sharing_host():
            start = time.time()
            time.sleep(0.05)
            print(start, time.time(), file=file, flush=True)
"""
SECONDS = 10
SECTION = 0.5


def test_a_section_gets_in_between_the_other_workers_tests_and_runs_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(host, "LOCK_FILE", tmp_path / "tests.lock")
    monkeypatch.setattr(host, "TURNSTILE", tmp_path / "tests.turnstile")
    monkeypatch.setattr(host, "_shared", None)  # this test's hold is on the real lock, left alone here
    notes, stop = tmp_path / "notes", tmp_path / "stop"
    others = [subprocess.Popen([sys.executable, "-c", WORKER, host.__file__, str(host.LOCK_FILE),
                                str(host.TURNSTILE), str(notes), str(stop), str(SECONDS)]) for _ in range(2)]
    try:
        while not notes.exists() or not notes.read_text():  # the other workers' tests have begun
            time.sleep(0.01)
        asked = time.time()
        with host.host_alone():
            began = time.time()
            time.sleep(SECTION)
            ended = time.time()
        while not [line for line in notes.read_text().splitlines() if float(line.split()[0]) > ended]:
            time.sleep(0.01)
    finally:
        stop.touch()
        assert [other.wait(timeout=60) for other in others] == [0, 0]
    tests = [tuple(map(float, line.split())) for line in notes.read_text().splitlines()]
    assert began - asked < 1, "the section waited for more than the tests that were running"
    assert not [test for test in tests if test[0] < ended and test[1] > began], "a test ran during the section"
    assert any(test[0] > ended for test in tests), "the other workers' tests did not go on after the section"

