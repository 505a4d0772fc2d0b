"""The LSTM cell as a diagram: four layers, three gates on the cell path.

The cell state ``c_t`` runs along the top, touched only by the forget gate's product
and the sum that writes ``i_t * g_t``; ``h_t`` is read from it through ``o_t``. The graph
(:mod:`course_code.plots.cell_graph`) is laid out on the grid of
:mod:`course_code.plots.cell_layout` and drawn by
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

__all__ = ["lstm_cell_diagram"]


def lstm_cell_diagram() -> CellDiagram:
    """The LSTM cell: four layers, three gates on the cell path, ``h_t`` read from it.

    The highlighted path is ``c_{t-1} -> × f_t -> + i_t ⊙ g_t -> c_t``: one
    element-wise product and one sum per step, no weight matrix.
    """
    f_x, i_x, g_x, o_x = 1.4, 3.0, 4.5, 6.3
    add_x, out_x = (i_x + g_x) / 2, 7.8
    ig_y, tanh_y = 3.8, 4.1
    h_in = (-0.2, BUS)
    x_in = (0.8, -0.5)
    nodes = (
        Node("c_prev", "input", "$c_{t-1}$", (-0.75, TOP)),
        Node("h_prev", "input", "$h_{t-1}$", (-0.75, BUS)),
        Node("x", "input", "$x_t$", (x_in[0], -0.85)),
        Node("f", "sigmoid", "$\\sigma$", (f_x, LAYER_Y)),
        Node("i", "sigmoid", "$\\sigma$", (i_x, LAYER_Y)),
        Node("g", "tanh", "tanh", (g_x, LAYER_Y)),
        Node("o", "sigmoid", "$\\sigma$", (o_x, LAYER_Y)),
        Node("forget", "mul", "", (f_x, TOP)),
        Node("write", "mul", "", (add_x, ig_y)),
        Node("add", "add", "", (add_x, TOP)),
        Node("squash", "tanh_op", "", (out_x, tanh_y)),
        Node("show", "mul", "", (out_x, LAYER_Y)),
        Node("c", "output", "$c_t$", (9.55, TOP)),
        Node("h", "output", "$h_t$", (9.55, BUS)),
    )
    edges = state_line("c_prev", "forget", "c", f_x, add_x)
    for name, x in (("f", f_x), ("i", i_x), ("g", g_x), ("o", o_x)):
        edges.append(Edge("h_prev", name, from_bus(h_in[0], x)))
        edges.append(Edge("x", name, (x_in, *from_bus(x_in[0], x))))
    edges += [
        Edge("f", "forget", up(f_x, TOP - OP_RADIUS), "$f_t$", (f_x + 0.4, 3.3)),
        Edge(
            "i",
            "write",
            ((i_x, LAYER_TOP), (i_x, ig_y), (add_x - OP_RADIUS, ig_y)),
            "$i_t$",
            (i_x - 0.4, 3.3),
        ),
        Edge(
            "g",
            "write",
            ((g_x, LAYER_TOP), (g_x, ig_y), (add_x + OP_RADIUS, ig_y)),
            "$g_t$",
            (g_x + 0.45, 3.3),
        ),
        Edge("write", "add", ((add_x, ig_y + OP_RADIUS), (add_x, TOP - OP_RADIUS))),
        Edge("add", "squash", ((out_x, TOP), (out_x, tanh_y + OP_RADIUS))),
        Edge(
            "o",
            "show",
            ((o_x + LAYER_SIZE[0] / 2, LAYER_Y), (out_x - OP_RADIUS, LAYER_Y)),
            "$o_t$",
            (o_x, 3.2),
        ),
        Edge(
            "squash",
            "show",
            ((out_x, tanh_y - OP_RADIUS), (out_x, LAYER_Y + OP_RADIUS)),
        ),
        Edge("show", "h", ((out_x, LAYER_Y - OP_RADIUS), (out_x, BUS), (9.1, BUS))),
    ]
    return CellDiagram("LSTM", nodes, tuple(edges), box=(0.25, 0.35, 8.75, 5.85))
