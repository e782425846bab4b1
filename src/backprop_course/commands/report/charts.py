"""The report's charts, as base64 PNG: each column's score distribution, the most frequent mistakes."""

from __future__ import annotations

import base64
import io
from collections import Counter


def _png_base64(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def score_chart(title: str, scores: list[float], max_points: float) -> str:
    """A bar chart of how many students got each score, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2.6))
    axes = figure.add_subplot()
    counts = Counter(scores)
    if max_points <= 20:
        positions = sorted(set(range(int(max_points) + 1)) | set(counts))
        axes.bar(positions, [counts.get(position, 0) for position in positions], width=0.6, color="#4878a8")
        axes.set_xticks(positions)
    else:
        axes.hist(scores, bins=10, range=(0, max_points), color="#4878a8", edgecolor="white")
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(f"points (of {max_points:g})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _png_base64(figure)


def mistake_chart(counts: Counter, limit: int = 15) -> str:
    """A horizontal bar chart of the most frequent mistake ids, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    common = counts.most_common(limit)[::-1]
    figure = Figure(figsize=(6, 0.35 * max(len(common), 1) + 1))
    axes = figure.add_subplot()
    axes.barh([mistake for mistake, _ in common], [count for _, count in common], color="#c0504d")
    axes.set_title("most frequent mistakes", fontsize=10)
    axes.set_xlabel("times seen under a graded cell")
    axes.xaxis.get_major_locator().set_params(integer=True)
    return _png_base64(figure)
