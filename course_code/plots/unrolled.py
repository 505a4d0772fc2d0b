"""The unrolled computational graph of an RNN, drawn with matplotlib.

Left: the folded view, one cell with a loop (the black square marks the
one-step delay). Right: the same cell copied once per time step, every copy
with the same weights ``W_xh``, ``W_hh``, ``W_hy``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

__all__ = ["draw_unrolled_rnn"]

_COLOURS = {"x": "#dbe9f6", "h": "#fde2c8", "o": "#d9f0d3"}


def _node(ax: Axes, xy: tuple[float, float], text: str, kind: str) -> None:
    x, y = xy
    box = FancyBboxPatch(
        (x - 0.32, y - 0.22), 0.64, 0.44,
        boxstyle="round,pad=0.02", facecolor=_COLOURS[kind], edgecolor="black", linewidth=1.2,
    )
    ax.add_patch(box)
    ax.text(x, y, text, ha="center", va="center", fontsize=12)


def _arrow(ax: Axes, start, end, label: str = "", offset=(0.0, 0.0), **style) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, linewidth=1.2, **style))
    if label:
        mid = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
        ax.text(*mid, label, ha="center", va="center", fontsize=10, color="#333333")


def draw_unrolled_rnn(num_steps: int = 4, ax: Axes | None = None, show_outputs: bool = True) -> Axes:
    """Draw the folded RNN and its unrolling over ``num_steps`` time steps.

    Args:
        num_steps: how many copies of the cell to draw (1 to 8).
        ax: where to draw; a new figure of a fitting size if ``None``.
        show_outputs: draw the output ``o_t`` above every hidden state.

    Returns:
        The axes drawn on.
    """
    if not isinstance(num_steps, int) or not 1 <= num_steps <= 8:
        raise ValueError(f"num_steps must be an integer from 1 to 8, got {num_steps!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.0 + 1.5 * (num_steps + 1), 3.4))
    y_x, y_h, y_o = 0.0, 1.3, 2.6

    # Folded view: one cell and its recurrent loop through a one-step delay.
    _node(ax, (0, y_x), "$x_t$", "x")
    _node(ax, (0, y_h), "$h_t$", "h")
    _arrow(ax, (0, y_x + 0.22), (0, y_h - 0.22), "$W_{xh}$", offset=(-0.35, 0))
    loop_x, loop_y = 0.85, y_h - 0.55
    ax.plot([0.32, loop_x, loop_x, 0.2], [y_h, y_h, loop_y, loop_y], color="black", linewidth=1.2)
    _arrow(ax, (0.2, loop_y), (0.2, y_h - 0.22))
    ax.add_patch(plt.Rectangle((loop_x - 0.06, (y_h + loop_y) / 2 - 0.06), 0.12, 0.12, color="black"))
    ax.text(loop_x + 0.35, (y_h + loop_y) / 2, "$W_{hh}$", ha="center", va="center", fontsize=10, color="#333333")
    if show_outputs:
        _node(ax, (0, y_o), "$o_t$", "o")
        _arrow(ax, (0, y_h + 0.22), (0, y_o - 0.22), "$W_{hy}$", offset=(0.3, 0))
    ax.text(1.75, y_h, "unroll\n$\\Longrightarrow$", ha="center", va="center", fontsize=11)

    # Unrolled view: one copy per step, the hidden state passed to the right.
    first = 3.6
    labels = ["1", "2", "3", "t", "T"] if num_steps > 5 else [str(t) for t in range(1, num_steps + 1)]
    columns = [first + 1.5 * i for i in range(num_steps)]
    _node(ax, (first - 1.2, y_h), "$h_0$", "h")
    previous = (first - 1.2 + 0.32, y_h)
    for i, x in enumerate(columns):
        t = labels[i] if i < len(labels) else str(i + 1)
        _node(ax, (x, y_x), f"$x_{{{t}}}$", "x")
        _node(ax, (x, y_h), f"$h_{{{t}}}$", "h")
        _arrow(ax, (x, y_x + 0.22), (x, y_h - 0.22), "$W_{xh}$", offset=(0.3, 0))
        _arrow(ax, previous, (x - 0.32, y_h), "$W_{hh}$", offset=(0, 0.22))
        if show_outputs:
            _node(ax, (x, y_o), f"$o_{{{t}}}$", "o")
            _arrow(ax, (x, y_h + 0.22), (x, y_o - 0.22), "$W_{hy}$", offset=(0.3, 0))
        previous = (x + 0.32, y_h)

    ax.set_xlim(-0.6, columns[-1] + 0.6)
    ax.set_ylim(-0.5, y_o + 0.5 if show_outputs else y_h + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
