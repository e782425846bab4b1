"""A cell's stdout and stderr come out in one shape, however the kernel split and interleaved them."""

from __future__ import annotations

import itertools

import nbformat
import pytest

from backprop_course.sandbox.kernel_session import KernelSession, OutputBudget
from backprop_course.sandbox.stream_outputs import coalesce_streams


def stream(name: str, text: str):
    return nbformat.v4.new_output("stream", name=name, text=text)


def shape(outputs) -> list[tuple]:
    return [(output.output_type, output.get("name"), output.get("text")) for output in outputs]


def interleavings(first: list, second: list):
    """Every order of the two lists' items that keeps each list's own order."""
    size = len(first) + len(second)
    for places in itertools.combinations(range(size), len(first)):
        left, right = iter(first), iter(second)
        yield [next(left) if index in places else next(right) for index in range(size)]


def test_every_arrival_order_of_the_same_writes_gives_the_same_outputs():
    printed = [stream("stdout", "a\n"), stream("stdout", "b\n"), stream("stdout", "c\n")]
    warned = [stream("stderr", "x\n"), stream("stderr", "y\n")]
    shapes = {tuple(shape(coalesce_streams(arrival))) for arrival in interleavings(printed, warned)}
    assert shapes == {(("stream", "stdout", "a\nb\nc\n"), ("stream", "stderr", "x\ny\n"))}


def test_streams_keep_their_place_around_other_outputs():
    figure = nbformat.v4.new_output("display_data", data={"text/plain": "<figure>"})
    error = nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[])
    outputs = [stream("stderr", "warning\n"), figure, stream("stdout", "1\n"), stream("stderr", "again\n"),
               stream("stdout", "2\n"), error]
    assert shape(coalesce_streams(outputs)) == [
        ("stream", "stderr", "warning\nagain\n"),
        ("display_data", None, None),
        ("stream", "stdout", "1\n2\n"),
        ("error", None, None),
    ]


def test_outputs_without_streams_are_left_as_they_are():
    figure = nbformat.v4.new_output("display_data", data={"text/plain": "<figure>"})
    assert coalesce_streams([figure]) == [figure]
    assert coalesce_streams([]) == []


INTERLEAVED = """
import sys, time
for _ in range(3):
    print("to stderr", file=sys.stderr)
    time.sleep(0.1)
    print("to stdout")
"""


@pytest.mark.parametrize("attempt", range(5))
def test_a_kernel_that_interleaves_stdout_and_stderr_gives_one_output_each_stdout_first(kernel, attempt):
    run = kernel.run(INTERLEAVED, timeout=30, budget=OutputBudget(10**6))
    assert shape(run.outputs) == [("stream", "stdout", "to stdout\n" * 3), ("stream", "stderr", "to stderr\n" * 3)]


@pytest.fixture(scope="module")
def kernel():
    """A plain kernel outside the sandbox: what is tested is only how its messages are collected."""
    with KernelSession(sandboxed=False) as session:
        yield session
