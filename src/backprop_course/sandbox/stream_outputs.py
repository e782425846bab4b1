"""A cell's stream outputs in one shape, however the kernel happened to split and interleave them."""

from __future__ import annotations

import nbformat


def coalesce_streams(outputs: list) -> list:
    """outputs with every stream's pieces joined into one output per stream name, as nbclient's
    `coalesce_streams` leaves them: each name keeps the place of its first piece, and a stderr
    output just before the stdout output goes after it.

    The kernel sends stdout and stderr on timers of their own, so the order in which their
    pieces arrive changes from run to run; merging only consecutive pieces (nbconvert's
    CoalesceStreamsPreprocessor) would keep that chance in the notebook.
    """
    merged: list = []
    pieces: dict[str, list[str]] = {}
    for output in outputs:
        if output.get("output_type") != "stream":
            merged.append(output)
            continue
        name = output.get("name")
        if name not in pieces:
            pieces[name] = []
            merged.append(output)
        pieces[name].append(output.get("text", ""))
    merged = [
        nbformat.from_dict({**output, "text": "".join(pieces[output.get("name")])})
        if output.get("output_type") == "stream" else output
        for output in merged
    ]
    names = [output.get("name") if output.get("output_type") == "stream" else None for output in merged]
    for index in range(len(merged) - 1):
        if names[index] == "stderr" and names[index + 1] == "stdout":
            merged[index], merged[index + 1] = merged[index + 1], merged[index]
    return merged
