"""Work and critical path of one sequence layer: a GRU against self-attention.

For a sequence of ``T`` positions with ``E`` features each (input and output size
``E``), counting the multiply-adds of the matrix products only:

* a **GRU layer** computes, at every step, ``3E x E`` products for its input and
  ``3E x E`` for its recurrent term: ``6 T E^2`` in all, in ``T`` steps that must run
  one after another, because step ``t`` needs ``h_{t-1}``;
* a **self-attention layer** computes the queries, keys, values and output
  projection (``4 T E^2``), the scores ``Q K^T`` (``T^2 E``, summed over the heads) and
  the weighted sums ``A V`` (``T^2 E``), with no step waiting for another: one
  sequential step.

Element-wise work (gates, softmax) is left out; it grows like ``T E`` and ``T^2``.
"""

from __future__ import annotations

from course_code.shapes import check_positive_int

__all__ = ["LAYERS", "layer_costs"]

LAYERS = ("gru", "self-attention")


def layer_costs(layer: str, T: int, E: int) -> dict[str, int]:
    """Multiply-adds and sequential steps of one layer over one sequence.

    Args:
        layer: ``"gru"`` or ``"self-attention"``.
        T: the sequence length.
        E: the features per position (input and hidden size).

    Returns:
        ``{"multiply_adds": ..., "sequential_steps": ...}``.

    Raises:
        ValueError: on an unknown layer or a size that is not a positive integer.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}, got {layer!r}")
    T, E = check_positive_int("T", T), check_positive_int("E", E)
    if layer == "gru":
        return {"multiply_adds": T * (3 * E * E + 3 * E * E), "sequential_steps": T}
    return {"multiply_adds": 4 * T * E * E + 2 * T * T * E, "sequential_steps": 1}
