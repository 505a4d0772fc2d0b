"""Hidden-state traces: how each unit of ``h_t`` moves as the sequence is read."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_code.shapes import check_shape

__all__ = ["plot_hidden_states", "plot_activations"]


def plot_hidden_states(
    h: np.ndarray,
    ax: Axes | None = None,
    title: str = "Hidden state over time",
    labels: list[str] | None = None,
) -> Axes:
    """Plot every unit of one sequence's hidden states against time.

    Args:
        h: hidden states of one sequence, ``(T, H)`` (e.g. ``h[0]`` of an ``(N, T, H)`` batch).
        ax: where to draw; a new figure if ``None``.
        title: the axes title.
        labels: one legend entry per unit, ``H`` strings; ``"unit 1"``, ... if ``None``.

    Returns:
        The axes drawn on.
    """
    sizes = check_shape("h", h, ("T", "H"))
    if labels is None:
        labels = [f"unit {unit + 1}" for unit in range(sizes["H"])]
    elif len(labels) != sizes["H"]:
        raise ValueError(f"labels must have one entry per unit (H={sizes['H']}), got {len(labels)}")
    h = np.asarray(h)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    steps = np.arange(1, h.shape[0] + 1)
    for unit in range(h.shape[1]):
        ax.plot(steps, h[:, unit], marker="o", markersize=3, label=labels[unit])
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("$h_t$")
    ax.set_title(title)
    if h.shape[1] <= 8:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return ax


def plot_activations(functions: dict, z: np.ndarray | None = None, ax: Axes | None = None) -> Axes:
    """Plot activation functions side by side on one axes.

    Args:
        functions: ``{"tanh": np.tanh, ...}``, each mapping an array to an array of the same shape.
        z: the points to evaluate at, ``(K,)``; ``linspace(-4, 4, 401)`` if ``None``.
        ax: where to draw; a new figure if ``None``.
    """
    z = np.linspace(-4, 4, 401) if z is None else np.asarray(z)
    check_shape("z", z, (None,))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    for name, function in functions.items():
        ax.plot(z, function(z), label=name, linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.axvline(0, color="grey", linewidth=0.6)
    ax.set_xlabel("$z$")
    ax.set_ylim(-1.3, 2.2)
    ax.legend()
    return ax
