"""Draw the four sequence-task patterns as unrolled RNNs: boxes and arrows.

Each pattern is a list of time steps; at every step the network has a hidden
state box ``h_t``, and may read an input box ``x_t`` (below) and emit an output
box ``y_hat_t`` (above). Arrows show what feeds what: input to hidden, hidden
to the next hidden (the recurrence), hidden to output.

Example::

    fig = draw_task_shapes()
    fig.savefig("task_shapes.png")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_code.plots.diagram import BOX_HEIGHT, BOX_WIDTH, COLOURS, draw_arrow, draw_box

__all__ = ["TASK_PATTERNS", "Step", "draw_task_shapes", "draw_unrolled"]

ROW_Y = {"input": 0.0, "hidden": 1.0, "output": 2.0}
MAX_STEPS = 7  # the widest pattern; every panel uses this width so boxes have one size


@dataclass(frozen=True)
class Step:
    """One time step of an unrolled network.

    Attributes:
        has_input: whether an input ``x_t`` enters at this step.
        has_output: whether an output ``y_hat_t`` is read at this step.
        decoder: whether the step belongs to a decoder (drawn in another colour).
    """

    has_input: bool
    has_output: bool
    decoder: bool = False


TASK_PATTERNS: dict[str, tuple[str, tuple[Step, ...]]] = {
    "one_to_many": (
        "One-to-many\n(captioning, music generation)",
        (Step(True, True),) + (Step(False, True),) * 3,
    ),
    "many_to_one": (
        "Many-to-one\n(sentiment, spam, series classification)",
        (Step(True, False),) * 3 + (Step(True, True),),
    ),
    "many_to_many_same": (
        "Many-to-many, same length\n(named entities, next character)",
        (Step(True, True),) * 4,
    ),
    "many_to_many_different": (
        "Many-to-many, different lengths\n(translation, transcription)",
        (Step(True, False),) * 3 + (Step(False, True, decoder=True),) * 4,
    ),
}


def draw_unrolled(ax: Axes, steps: Sequence[Step], title: str = "") -> Axes:
    """Draw one unrolled pattern into ``ax``.

    Args:
        ax: a matplotlib Axes; its axis lines are turned off.
        steps: the time steps, 1 to :data:`MAX_STEPS` of them.
        title: the panel's title.

    Returns:
        ``ax``, holding one box per hidden state, input and output, and one
        arrow per connection (input to hidden, hidden to hidden, hidden to output).
        An output followed by a step without an input is fed back into that step:
        a dashed arrow, drawn as an annotation (``ax.texts``), not a patch. A
        decoder's states are numbered from 1, on their own clock.

    Raises:
        ValueError: if ``ax`` is not an Axes, ``steps`` is empty or too long,
            or an entry is not a :class:`Step`.
    """
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    if not 1 <= len(steps) <= MAX_STEPS:
        raise ValueError(f"steps must hold between 1 and {MAX_STEPS} steps, got {len(steps)}")
    for i, step in enumerate(steps):
        if not isinstance(step, Step):
            raise ValueError(f"steps[{i}] must be a Step, got {type(step).__name__}")

    offset = (MAX_STEPS - len(steps)) / 2  # centre narrow patterns
    input_t = output_t = encoder_t = decoder_t = 0
    for t, step in enumerate(steps):
        x = offset + t
        hidden_color = COLOURS["decoder"] if step.decoder else COLOURS["hidden"]
        if step.decoder:  # a decoder is a network of its own, with its own clock
            decoder_t += 1
        else:
            encoder_t += 1
        state_t = decoder_t if step.decoder else encoder_t
        draw_box(ax, (x, ROW_Y["hidden"]), f"$h_{{{state_t}}}$", hidden_color)
        if step.has_input:
            input_t += 1
            draw_box(ax, (x, ROW_Y["input"]), f"$x_{{{input_t}}}$", COLOURS["input"])
            draw_arrow(ax, (x, ROW_Y["input"] + BOX_HEIGHT / 2), (x, ROW_Y["hidden"] - BOX_HEIGHT / 2))
        if step.has_output:
            output_t += 1
            draw_box(ax, (x, ROW_Y["output"]), f"$\\hat{{y}}_{{{output_t}}}$", COLOURS["output"])
            draw_arrow(ax, (x, ROW_Y["hidden"] + BOX_HEIGHT / 2), (x, ROW_Y["output"] - BOX_HEIGHT / 2))
        if t > 0:
            draw_arrow(ax, (x - 1 + BOX_WIDTH / 2, ROW_Y["hidden"]), (x - BOX_WIDTH / 2, ROW_Y["hidden"]))
        if step.has_output and t + 1 < len(steps) and not steps[t + 1].has_input:
            # a generator feeds its output back in as the next step's input (dashed)
            ax.annotate(
                "", xy=(x + 1 - BOX_WIDTH / 2, ROW_Y["hidden"] - BOX_HEIGHT / 2),
                xytext=(x + BOX_WIDTH / 2, ROW_Y["output"]),
                arrowprops={"arrowstyle": "-|>", "linestyle": "--", "color": "#555555",
                            "connectionstyle": "arc3,rad=-0.35"},
            )

    ax.set_xlim(-0.6, MAX_STEPS - 0.4)
    ax.set_ylim(-0.5, 2.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def draw_task_shapes(axes: Sequence[Axes] | None = None) -> Figure:
    """Draw the four task patterns of :data:`TASK_PATTERNS`, one per panel.

    Inputs are blue, hidden states orange (a decoder's in red), outputs green.

    Args:
        axes: four Axes to draw into, in the order of :data:`TASK_PATTERNS`;
            ``None`` creates a new 2 x 2 figure.

    Returns:
        The Figure holding the panels.

    Raises:
        ValueError: if ``axes`` does not hold exactly four Axes of one figure.
    """
    if axes is None:
        fig, grid = plt.subplots(2, 2, figsize=(10, 5.2))
        axes = list(grid.ravel())
    else:
        axes = list(axes.ravel()) if hasattr(axes, "ravel") else list(axes)
        if len(axes) != len(TASK_PATTERNS):
            raise ValueError(f"axes must hold {len(TASK_PATTERNS)} Axes, got {len(axes)}")
        for i, ax in enumerate(axes):
            if not isinstance(ax, Axes):
                raise ValueError(f"axes[{i}] must be a matplotlib Axes, got {type(ax).__name__}")
        figures = {id(ax.figure) for ax in axes}
        if len(figures) != 1:
            raise ValueError("axes must all belong to one figure")
        fig = axes[0].figure
    for ax, (title, steps) in zip(axes, TASK_PATTERNS.values()):
        draw_unrolled(ax, steps, title)
    return fig
