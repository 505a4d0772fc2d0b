"""Figures of the encoder-decoder chapter: accuracy against length, attention heatmaps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_code.shapes import check_shape

__all__ = ["accuracy_by_length", "plot_accuracy_by_length", "plot_attention"]


def accuracy_by_length(correct, lengths) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fraction of correct examples at each length.

    Args:
        correct: booleans ``(N,)``, one per example. lengths: integers ``(N,)``.

    Returns:
        ``(lengths present (K,), accuracy (K,), counts (K,))``, sorted by length.
    """
    correct, lengths = np.asarray(correct), np.asarray(lengths)
    sizes = check_shape("correct", correct, ("N",))
    check_shape("lengths", lengths, ("N",), sizes)
    present, inverse, counts = np.unique(lengths, return_inverse=True,
                                         return_counts=True)
    hits = np.bincount(inverse, weights=correct.astype(float), minlength=len(present))
    return present, hits / counts, counts


def plot_accuracy_by_length(curves: dict, lengths, ax: Axes | None = None,
                            xlabel: str = "source length") -> Axes:
    """One line per model: exact-match accuracy against the length of the source.

    Args:
        curves: ``{label: correct (N,)}``, booleans for the same ``N`` examples.
        lengths: the examples' lengths ``(N,)`` (in words, digits, ...).
        xlabel: the horizontal axis's label.
        ax: where to draw; a new figure if ``None``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 3.4), layout="constrained")
    for label, correct in curves.items():
        present, accuracy, _ = accuracy_by_length(correct, lengths)
        ax.plot(present, accuracy, marker="o", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("exact match")
    ax.set_ylim(-0.03, 1.03)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=11)
    return ax


def plot_attention(weights, source_tokens: list[str], output_tokens: list[str],
                   ax: Axes | None = None, title: str = "") -> Axes:
    """A heatmap of attention weights: a row per output token, a column per source token.

    Args:
        weights: ``(T, S)``, row ``t`` the weights that output step ``t`` gave the
            source positions.
        source_tokens: ``S`` labels for the columns.
        output_tokens: ``T`` labels for the rows.
        ax: where to draw; a new figure if ``None``.
    """
    weights = np.asarray(weights)
    check_shape("weights", weights, (len(output_tokens), len(source_tokens)))
    if ax is None:
        width = min(5.0, 0.38 * len(source_tokens) + 1.5)
        _, ax = plt.subplots(figsize=(width, 0.3 * len(output_tokens) + 1.6))
    ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=50, ha="right",
                  rotation_mode="anchor", fontsize=11)
    ax.set_yticks(range(len(output_tokens)), output_tokens, fontsize=11)
    ax.set_ylabel("output")
    if title:
        ax.set_title(title, fontsize=12)
    return ax
