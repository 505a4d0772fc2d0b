"""The architectures of deep and bidirectional RNNs, as diagrams and as figures.

Each builder returns a :class:`~course_code.plots.diagram_graph.Diagram` (a graph
of boxes that the tests check against the models themselves), and each ``draw_``
function draws one at the size the book shows it, legible at 390 px:

* :func:`depth_diagram`: one time step of a network made deep in one of the
  three places of Pascanu et al. (2014), or stacked (:func:`draw_depth_kinds`);
* :func:`bidirectional_diagram`: a bidirectional layer unrolled over ``T`` steps
  (:func:`draw_bidirectional_layer`);
* :func:`pyramid_diagram`: a pyramid of layers that halves the steps layer by layer
  (:func:`draw_pyramid`).
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_code.plots.diagram_graph import Diagram, draw_diagram
from course_code.shapes import check_positive_int

__all__ = [
    "DEPTH_KINDS",
    "bidirectional_diagram",
    "depth_diagram",
    "draw_bidirectional_layer",
    "draw_depth_kinds",
    "draw_pyramid",
    "pyramid_diagram",
]

DEPTH_KINDS = ("input", "transition", "output", "stacked")


class _SizedDiagram(Diagram):
    """A diagram whose boxes all have one size unless told otherwise."""

    def __init__(self, size: tuple[float, float]) -> None:
        super().__init__()
        self._size = size

    def add_node(self, name, xy, label, kind="hidden", size=None) -> None:
        super().add_node(name, xy, label, kind, self._size if size is None else size)


def depth_diagram(kind: str, depth: int = 2) -> Diagram:
    """One step ``t`` of a recurrent network made deep in one place.

    ``kind`` is ``"input"`` (an MLP of ``depth`` layers between ``x_t`` and the
    recurrence), ``"transition"`` (``depth`` layers after the ``tanh`` layer that
    reads ``h_{t-1}``, so the recurrence itself crosses ``depth + 1`` layers),
    ``"output"`` (``depth`` layers between ``h_t`` and the logits ``l_t``) or
    ``"stacked"`` (``depth`` recurrent layers, each with its own recurrence).
    Every arrow into a non-output node is one affine map and one nonlinearity,
    as in :class:`course_code.nn.deep_rnn.DeepRNN`; the arrow into ``l_t`` is affine.

    Node names: ``"x"``, ``"h"`` (the state passed on), ``"h_prev"``, ``"l"``, and
    ``"in1", ...``, ``"z", "trans1", ...``, ``"out1", ...`` for the extra layers;
    a stack has ``"h1", "h2", ...`` and ``"h1_prev", ...``.
    """
    if kind not in DEPTH_KINDS:
        raise ValueError(f"kind must be one of {DEPTH_KINDS}, got {kind!r}")
    depth = check_positive_int("depth", depth)
    d = _SizedDiagram(size=(0.82, 0.42))
    column, rise = 1.5, 0.76
    d.add_node("x", (column, 0.0), "$x_t$", "input")
    row = 1
    if kind == "stacked":
        below = "x"
        for layer in range(1, depth + 1):
            y = row * rise
            d.add_node(f"h{layer}", (column, y), f"$h^{{({layer})}}_t$")
            d.add_node(f"h{layer}_prev", (0.0, y), f"$h^{{({layer})}}_{{t-1}}$")
            d.add_edge(below, f"h{layer}")
            d.add_edge(f"h{layer}_prev", f"h{layer}")
            below, row = f"h{layer}", row + 1
        d.add_node("l", (column, row * rise), r"$\ell_t$", "output")
        d.add_edge(below, "l")
        return d
    below = "x"
    if kind == "input":
        for layer in range(1, depth + 1):
            d.add_node(f"in{layer}", (column, row * rise), "tanh", "layer")
            d.add_edge(below, f"in{layer}")
            below, row = f"in{layer}", row + 1
    if kind == "transition":
        d.add_node("z", (column, row * rise), "tanh", "layer")
        d.add_edge(below, "z")
        below, row = "z", row + 1
        for layer in range(1, depth):
            d.add_node(f"trans{layer}", (column, row * rise), "tanh", "layer")
            d.add_edge(below, f"trans{layer}")
            below, row = f"trans{layer}", row + 1
    h_row = row * rise
    d.add_node("h", (column, h_row), "$h_t$")
    d.add_edge(below, "h")
    recurrent_target = "z" if kind == "transition" else "h"
    d.add_node("h_prev", (0.0, h_row), "$h_{t-1}$")
    d.add_edge("h_prev", recurrent_target)
    below, row = "h", row + 1
    if kind == "output":
        for layer in range(1, depth + 1):
            d.add_node(f"out{layer}", (column, row * rise), "tanh", "layer")
            d.add_edge(below, f"out{layer}")
            below, row = f"out{layer}", row + 1
    d.add_node("l", (column, row * rise), r"$\ell_t$", "output")
    d.add_edge(below, "l")
    return d


def bidirectional_diagram(num_steps: int = 4) -> Diagram:
    """A bidirectional layer unrolled over ``num_steps`` steps.

    Node names: ``"x1", ...`` (inputs), ``"f1", ...`` (forward states, arrows to the
    right), ``"b1", ...`` (backward states, arrows to the left) and ``"y1", ...``
    (the concatenated outputs ``y_t = [forward ; backward]``).
    """
    num_steps = check_positive_int("num_steps", num_steps)
    if num_steps > 6:
        raise ValueError(
            f"num_steps must be at most 6 to stay legible, got {num_steps}"
        )
    d = _SizedDiagram(size=(0.86, 0.62))
    spacing, shift, rise = 2.4, 0.58, 1.35
    for t in range(1, num_steps + 1):
        x = (t - 1) * spacing
        d.add_node(f"x{t}", (x, 0.0), f"$x_{{{t}}}$", "input")
        d.add_node(f"f{t}", (x - shift, rise), rf"$\overrightarrow{{h}}_{{{t}}}$")
        d.add_node(
            f"b{t}",
            (x + shift, 2 * rise),
            rf"$\overleftarrow{{h}}_{{{t}}}$",
            "backward",
        )
        d.add_node(f"y{t}", (x, 3 * rise), f"$y_{{{t}}}$", "output")
        d.add_edge(f"x{t}", f"f{t}")
        d.add_edge(f"x{t}", f"b{t}")
        d.add_edge(f"f{t}", f"y{t}")
        d.add_edge(f"b{t}", f"y{t}")
    for t in range(1, num_steps):
        d.add_edge(f"f{t}", f"f{t + 1}")
        d.add_edge(f"b{t + 1}", f"b{t}")
    left = -shift - 0.43 - 0.15
    d.add_note((left, rise), "forward", "right")
    d.add_note((left, 2 * rise), "backward", "right")
    return d


def pyramid_diagram(num_steps: int = 8, num_layers: int = 3) -> Diagram:
    """A pyramid of bidirectional layers: each above the first reads pairs of steps.

    Layer ``l`` runs ``ceil(T / 2^(l-1))`` steps, as
    :func:`course_code.nn.pyramid.layer_steps` counts them; the two-headed arrows
    along a layer stand for its two directions.

    Node names: ``"x1", ...`` for the inputs and ``"l{layer}_{step}"`` for the
    layers' steps, both counted from 1.
    """
    num_steps = check_positive_int("num_steps", num_steps)
    num_layers = check_positive_int("num_layers", num_layers)
    if num_steps > 8:
        raise ValueError(
            f"num_steps must be at most 8 to stay legible, got {num_steps}"
        )
    d = Diagram()
    size, rise, spacing = (0.72, 0.56), 1.1, 1.45
    positions = [spacing * i for i in range(num_steps)]
    for i, x in enumerate(positions, start=1):
        d.add_node(f"x{i}", (x, 0.0), f"$x_{{{i}}}$", "input", size)
    below = [f"x{i}" for i in range(1, num_steps + 1)]
    for layer in range(1, num_layers + 1):
        if layer > 1:  # merge pairs; an odd count gets a zero step appended
            groups = [below[i : i + 2] for i in range(0, len(below), 2)]
            positions = [
                sum(positions[i : i + 2]) / len(positions[i : i + 2])
                for i in range(0, len(positions), 2)
            ]
        else:
            groups = [[name] for name in below]
        names = []
        for step, (x, group) in enumerate(zip(positions, groups), start=1):
            name = f"l{layer}_{step}"
            d.add_node(name, (x, layer * rise), "", "hidden", size)
            for source in group:
                d.add_edge(source, name)
            names.append(name)
        for a, b in itertools.pairwise(names):
            d.add_edge(a, b, both_ways=True)
        steps = len(names)
        d.add_note(
            (
                positions[-1] + 0.5 if layer == 1 else spacing * (num_steps - 1) + 0.5,
                layer * rise,
            ),
            f"{steps} step{'s' if steps > 1 else ''}",
            "left",
        )
        below = names
    return d


def draw_depth_kinds(depth: int = 2) -> Figure:
    """The three places a recurrent step can be made deep, and a stack: a 2 x 2 grid."""
    titles = {
        "input": "deep input-to-hidden",
        "transition": "deep hidden-to-hidden",
        "output": "deep hidden-to-output",
        "stacked": "stacked layers",
    }
    diagrams = {kind: depth_diagram(kind, depth) for kind in DEPTH_KINDS}
    tallest = max(max(n.xy[1] for n in d.nodes.values()) for d in diagrams.values())
    unit = 0.62  # inches per unit of the diagrams' coordinates
    fig, axes = plt.subplots(2, 2, figsize=(3.9, 2 * (tallest + 1.4) * unit))
    for ax, (kind, diagram) in zip(axes.flat, diagrams.items()):
        draw_diagram(diagram, ax)
        ax.set_xlim(-0.55, 2.05)
        ax.set_ylim(-0.3, tallest + 0.3)
        ax.set_title(titles[kind], fontsize=11)
    fig.tight_layout(h_pad=0.6, w_pad=0.4)
    return fig


def draw_bidirectional_layer(num_steps: int = 4) -> Axes:
    """Draw :func:`bidirectional_diagram` at most 3.9 inches wide, legible at 390 px."""
    return draw_diagram(
        bidirectional_diagram(num_steps), fontsize=10, inches_per_unit=0.335
    )


def draw_pyramid(num_steps: int = 8, num_layers: int = 3) -> Axes:
    """Draw :func:`pyramid_diagram` at most 3.9 inches wide, legible at 390 px."""
    return draw_diagram(
        pyramid_diagram(num_steps, num_layers), fontsize=10, inches_per_unit=0.29
    )
