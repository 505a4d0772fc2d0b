"""The grid both gated-cell diagrams are laid out on, and the routes along it.

Three rows: the state line at the top (``TOP``), the layers with weights in the
middle (``LAYER_Y``) and, at the bottom, the "bus" (``BUS``) along which the layers
read the concatenation ``[h_{t-1}, x_t]``, as in Olah's well-known pictures;
``W_f [h_{t-1}, x_t] + b_f`` there is ``W_if x_t + W_hf h_{t-1} + b_f`` in the
course's notation. Layers are ``LAYER_SIZE`` boxes, element-wise operations circles
of radius ``OP_RADIUS``.
"""

from __future__ import annotations

from course_code.plots.cell_graph import Edge

__all__ = [
    "BUS",
    "LAYER_SIZE",
    "LAYER_TOP",
    "LAYER_Y",
    "OP_RADIUS",
    "TOP",
    "from_bus",
    "state_line",
    "up",
]

OP_RADIUS = 0.32
LAYER_SIZE = (1.2, 0.7)

# Layout: the state line runs at y = 5.2, the layers at y = 2.3, the bus at y = 1.
TOP, LAYER_Y, BUS = 5.2, 2.3, 1.0
LAYER_TOP = LAYER_Y + LAYER_SIZE[1] / 2


def up(x: float, top: float) -> tuple[tuple[float, float], ...]:
    """From the top of a layer at ``x`` straight up to ``top``."""
    return ((x, LAYER_TOP), (x, top))


def from_bus(start_x: float, x: float) -> tuple[tuple[float, float], ...]:
    """From the bus at ``start_x`` along it to ``x``, then up into the layer there."""
    return ((start_x, BUS), (x, BUS), (x, LAYER_Y - LAYER_SIZE[1] / 2))


def state_line(
    start: str, gate: str, end: str, gate_x: float, add_x: float
) -> list[Edge]:
    """The state path along the top row, highlighted: the same in both cells.

    ``start`` (the state coming in) runs into the product ``gate`` at ``gate_x``,
    then into the sum ``"add"`` at ``add_x``, then out to ``end``.
    """
    return [
        Edge(start, gate, ((-0.25, TOP), (gate_x - OP_RADIUS, TOP)), highlighted=True),
        Edge(
            gate,
            "add",
            ((gate_x + OP_RADIUS, TOP), (add_x - OP_RADIUS, TOP)),
            highlighted=True,
        ),
        Edge("add", end, ((add_x + OP_RADIUS, TOP), (9.1, TOP)), highlighted=True),
    ]
