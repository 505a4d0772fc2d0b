"""The backward pass of BPTT drawn on the unrolled graph, with its messages.

Black arrows are the forward computation; red arrows carry gradients backward:
``ŷ_t - e_{y_t}`` from each loss into its logits, ``W_hy^T (ŷ_t - e_{y_t})`` from
the logits into ``h_t``, and ``W_hh^T δ_{t+1}`` from step ``t + 1`` into ``h_t``.
Each ``h_t`` adds the two, multiplies by ``1 - h_t^2`` and obtains ``δ_t``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from course_code.plots.diagram import (
    BOX_HEIGHT,
    BOX_WIDTH,
    COLOURS,
    draw_arrow,
    draw_box,
)
from course_code.shapes import check_positive_int

__all__ = ["BACKWARD_COLOUR", "draw_backward_flow"]

BACKWARD_COLOUR = "#b03a2e"
_SPACING, _Y_X, _Y_H, _Y_O, _Y_L = 2.1, 0.0, 1.5, 3.0, 4.3


def _backward_arrow(ax, start, end, label, offset, fontsize) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            linewidth=1.4,
            color=BACKWARD_COLOUR,
            linestyle="--",
        )
    )
    middle = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
    ax.text(
        *middle,
        label,
        ha="center",
        va="center",
        fontsize=fontsize,
        color=BACKWARD_COLOUR,
    )


def draw_backward_flow(
    num_steps: int = 3, ax: Axes | None = None, fontsize: float = 14
) -> Axes:
    """Draw the graph x -> h -> ℓ -> L over ``num_steps`` steps, with the backward messages.

    Args:
        num_steps: time steps drawn, 2 to 4.
        ax: where to draw; a new figure of a fitting size if ``None``.
        fontsize: size of the labels, in points.

    Returns:
        The axes drawn on.
    """
    num_steps = check_positive_int("num_steps", num_steps, minimum=2, maximum=4)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 + 1.9 * num_steps, 5.2))
    columns = [_SPACING * i for i in range(num_steps)]
    half_w, half_h = BOX_WIDTH / 2, BOX_HEIGHT / 2
    for i, x in enumerate(columns):
        t = i + 1
        draw_box(ax, (x, _Y_X), f"$x_{{{t}}}$", COLOURS["input"], fontsize)
        draw_box(ax, (x, _Y_H), f"$h_{{{t}}}$", COLOURS["hidden"], fontsize)
        draw_box(ax, (x, _Y_O), f"$\\ell_{{{t}}}$", COLOURS["output"], fontsize)
        draw_box(ax, (x, _Y_L), f"$L_{{{t}}}$", "#eeeeee", fontsize)
        left = x - 0.12
        draw_arrow(ax, (x, _Y_X + half_h), (x, _Y_H - half_h))
        draw_arrow(ax, (left, _Y_H + half_h), (left, _Y_O - half_h))
        draw_arrow(ax, (left, _Y_O + half_h), (left, _Y_L - half_h))
        right = x + 0.14
        _backward_arrow(
            ax,
            (right, _Y_L - half_h),
            (right, _Y_O + half_h),
            f"$\\hat y_{{{t}}} - e_{{y_{{{t}}}}}$",
            (0.62, 0),
            fontsize - 1,
        )
        _backward_arrow(
            ax,
            (right, _Y_O - half_h),
            (right, _Y_H + half_h),
            "$W_{hy}^{\\top}\\cdot$",
            (0.42, 0),
            fontsize - 1,
        )
        ax.text(
            x - half_w - 0.05,
            _Y_H - half_h - 0.28,
            f"$\\delta_{{{t}}}$",
            ha="center",
            va="center",
            fontsize=fontsize,
            color=BACKWARD_COLOUR,
        )
        if i > 0:
            previous = columns[i - 1]
            draw_arrow(ax, (previous + half_w, _Y_H + 0.1), (x - half_w, _Y_H + 0.1))
            _backward_arrow(
                ax,
                (x - half_w, _Y_H - 0.12),
                (previous + half_w, _Y_H - 0.12),
                f"$W_{{hh}}^{{\\top}}\\delta_{{{t}}}$",
                (0, -0.38),
                fontsize - 1,
            )
    ax.set_xlim(-0.8, columns[-1] + 1.2)
    ax.set_ylim(-0.5, _Y_L + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
