"""The GRU cell as a diagram, as Cho et al. wrote it: one state, mixed by a gate.

The reset gate scales ``h_{t-1}`` on its way into the candidate's layer; the update
gate ``z_t`` keeps part of the state and lets ``1 - z_t`` of the candidate in. Laid
out on the grid of :mod:`course_code.plots.cell_layout`, drawn by
:func:`~course_code.plots.cell_drawing.draw_cell`.
"""

from __future__ import annotations

from course_code.plots.cell_graph import CellDiagram, Edge, Node
from course_code.plots.cell_layout import (
    BUS,
    LAYER_SIZE,
    LAYER_TOP,
    LAYER_Y,
    OP_RADIUS,
    TOP,
    from_bus,
    state_line,
    up,
)

__all__ = ["gru_cell_diagram"]


def gru_cell_diagram() -> CellDiagram:
    """The GRU cell as Cho et al. wrote it: ``h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h~_t``.

    One state, carried along the highlighted line; the reset gate scales
    ``h_{t-1}`` before the candidate's matrix (PyTorch scales the product
    instead, which changes this drawing only inside the candidate's box).
    """
    r_x, z_x, n_x = 1.4, 3.0, 6.6
    keep_x, mix_x, add_x = z_x, 4.5, 5.7
    drop_x, reset_y, mix_y = 0.0, 3.4, 4.25
    x_in = (4.9, -0.5)
    nodes = (
        Node("h_prev", "input", "$h_{t-1}$", (-0.75, TOP)),
        Node("x", "input", "$x_t$", (x_in[0], -0.85)),
        Node("r", "sigmoid", "$\\sigma$", (r_x, LAYER_Y)),
        Node("z", "sigmoid", "$\\sigma$", (z_x, LAYER_Y)),
        Node("n", "tanh", "tanh", (n_x, LAYER_Y)),
        Node("reset", "mul", "", (r_x, reset_y)),
        Node("keep", "mul", "", (keep_x, TOP)),
        Node("one_minus", "one_minus", "", (mix_x, mix_y)),
        Node("mix", "mul", "", (add_x, mix_y)),
        Node("add", "add", "", (add_x, TOP)),
        Node("h", "output", "$h_t$", (9.55, TOP)),
    )
    edges = state_line("h_prev", "keep", "h", keep_x, add_x)
    for name, x in (("r", r_x), ("z", z_x)):
        edges.append(
            Edge(
                "h_prev",
                name,
                ((drop_x, TOP), (drop_x, BUS), *from_bus(drop_x, x)[1:]),
            )
        )
        edges.append(Edge("x", name, (x_in, *from_bus(x_in[0], x))))
    edges += [
        Edge("x", "n", (x_in, *from_bus(x_in[0], n_x))),
        Edge(
            "h_prev",
            "reset",
            ((drop_x, TOP), (drop_x, reset_y), (r_x - OP_RADIUS, reset_y)),
        ),
        Edge("r", "reset", up(r_x, reset_y - OP_RADIUS), "$r_t$", (r_x - 0.45, 2.95)),
        Edge(
            "reset",
            "n",
            ((r_x + OP_RADIUS, reset_y), (n_x, reset_y), (n_x, LAYER_TOP)),
        ),
        Edge("z", "keep", up(z_x, TOP - OP_RADIUS), "$z_t$", (z_x - 0.4, 3.75)),
        Edge("z", "one_minus", ((z_x, mix_y), (mix_x - OP_RADIUS, mix_y))),
        Edge(
            "one_minus", "mix", ((mix_x + OP_RADIUS, mix_y), (add_x - OP_RADIUS, mix_y))
        ),
        Edge(
            "n",
            "mix",
            (
                (n_x + LAYER_SIZE[0] / 2, LAYER_Y),
                (7.6, LAYER_Y),
                (7.6, mix_y),
                (add_x + OP_RADIUS, mix_y),
            ),
            "$\\tilde h_t$",
            (8.15, 3.3),
        ),
        Edge("mix", "add", ((add_x, mix_y + OP_RADIUS), (add_x, TOP - OP_RADIUS))),
    ]
    return CellDiagram("GRU", nodes, tuple(edges), box=(0.25, 0.35, 8.75, 5.85))
