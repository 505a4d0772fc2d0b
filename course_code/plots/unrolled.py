"""The unrolled computational graph of an RNN, drawn with matplotlib.

Left: the folded view, one cell with a loop (the black square marks the
one-step delay). Right: the same cell copied once per time step, every copy
with the same weights ``W_xh``, ``W_hh``, ``W_hy``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from course_code.plots.diagram import (
    BOX_HEIGHT,
    BOX_WIDTH,
    COLOURS,
    draw_arrow,
    draw_box,
)
from course_code.shapes import check_positive_int

__all__ = ["draw_unrolled_rnn"]


def draw_unrolled_rnn(num_steps: int = 4, ax: Axes | None = None, show_outputs: bool = True) -> Axes:
    """Draw the folded RNN and its unrolling over ``num_steps`` time steps.

    Args:
        num_steps: how many copies of the cell to draw (1 to 8).
        ax: where to draw; a new figure of a fitting size if ``None``.
        show_outputs: draw the logits ``ℓ_t`` above every hidden state.

    Returns:
        The axes drawn on.
    """
    num_steps = check_positive_int("num_steps", num_steps, minimum=1, maximum=8)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.0 + 1.5 * (num_steps + 1), 3.4))
    y_x, y_h, y_o = 0.0, 1.3, 2.6

    # Folded view: one cell and its recurrent loop through a one-step delay.
    draw_box(ax, (0, y_x), "$x_t$", COLOURS["input"])
    draw_box(ax, (0, y_h), "$h_t$", COLOURS["hidden"])
    draw_arrow(ax, (0, y_x + BOX_HEIGHT / 2), (0, y_h - BOX_HEIGHT / 2), "$W_{xh}$", offset=(-0.35, 0))
    loop_x, loop_y = 0.85, y_h - 0.55
    ax.plot([BOX_WIDTH / 2, loop_x, loop_x, 0.2], [y_h, y_h, loop_y, loop_y], color="black", linewidth=1.2)
    draw_arrow(ax, (0.2, loop_y), (0.2, y_h - BOX_HEIGHT / 2))
    ax.add_patch(plt.Rectangle((loop_x - 0.06, (y_h + loop_y) / 2 - 0.06), 0.12, 0.12, color="black"))
    ax.text(loop_x + 0.35, (y_h + loop_y) / 2, "$W_{hh}$", ha="center", va="center", fontsize=10, color="#333333")
    if show_outputs:
        draw_box(ax, (0, y_o), "$\\ell_t$", COLOURS["output"])
        draw_arrow(ax, (0, y_h + BOX_HEIGHT / 2), (0, y_o - BOX_HEIGHT / 2), "$W_{hy}$", offset=(0.3, 0))
    ax.text(1.55, y_h, "unroll\n$\\Longrightarrow$", ha="center", va="center", fontsize=11)

    # Unrolled view: one copy per step, the hidden state passed to the right.
    first = 3.6
    labels = ["1", "2", "3", "t", "T"] if num_steps > 5 else [str(t) for t in range(1, num_steps + 1)]
    columns = [first + 1.5 * i for i in range(num_steps)]
    draw_box(ax, (first - 1.2, y_h), "$h_0$", COLOURS["hidden"])
    previous = (first - 1.2 + BOX_WIDTH / 2, y_h)
    for i, x in enumerate(columns):
        t = labels[i] if i < len(labels) else str(i + 1)
        draw_box(ax, (x, y_x), f"$x_{{{t}}}$", COLOURS["input"])
        draw_box(ax, (x, y_h), f"$h_{{{t}}}$", COLOURS["hidden"])
        draw_arrow(ax, (x, y_x + BOX_HEIGHT / 2), (x, y_h - BOX_HEIGHT / 2), "$W_{xh}$", offset=(0.3, 0))
        draw_arrow(ax, previous, (x - BOX_WIDTH / 2, y_h), "$W_{hh}$", offset=(0, BOX_HEIGHT / 2))
        if show_outputs:
            draw_box(ax, (x, y_o), f"$\\ell_{{{t}}}$", COLOURS["output"])
            draw_arrow(ax, (x, y_h + BOX_HEIGHT / 2), (x, y_o - BOX_HEIGHT / 2), "$W_{hy}$", offset=(0.3, 0))
        previous = (x + BOX_WIDTH / 2, y_h)

    ax.set_xlim(-0.6, columns[-1] + 0.6)
    ax.set_ylim(-0.5, y_o + 0.5 if show_outputs else y_h + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
