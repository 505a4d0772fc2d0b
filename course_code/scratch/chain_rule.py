"""The chain rule through time, term by term, for a one-unit RNN.

For the scalar RNN ``h_t = tanh(w_x x_t + w_h h_{t-1} + b)`` with a loss on the
last step only, ``L_T = (v h_T - y)^2 / 2``, backpropagation through time is

    dL_T/dw_h = sum_{k=1}^{T} dL_T/dh_T * (prod_{j=k+1}^{T} dh_j/dh_{j-1}) * d+h_k/dw_h

where ``dh_j/dh_{j-1} = (1 - h_j^2) w_h`` and ``d+h_k/dw_h = (1 - h_k^2) h_{k-1}``
is the *immediate* derivative: ``h_{k-1}`` held fixed. Each term ``k`` is how
much the use of ``w_h`` at step ``k`` changes the final loss. Plain floats and
``math.tanh``, so every number can be followed by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ChainRuleTerms", "scalar_rnn_chain_rule"]


@dataclass
class ChainRuleTerms:
    """Every factor of the chain rule for ``dL_T/dw_h``; lists are indexed by step ``k = 1..T``."""

    h: list[float]  # h_0, h_1, ..., h_T  (T + 1 values)
    loss: float  # L_T
    dL_dh_T: float  # v (v h_T - y)
    step_jacobians: list[float]  # dh_k/dh_{k-1} = (1 - h_k^2) w_h, for k = 1..T
    immediate: list[float]  # d+h_k/dw_h = (1 - h_k^2) h_{k-1}, for k = 1..T
    terms: list[float]  # the k-th summand, for k = 1..T

    @property
    def total(self) -> float:
        """``dL_T/dw_h``: the sum of the terms."""
        return math.fsum(self.terms)


def scalar_rnn_chain_rule(
    w_x: float, w_h: float, b: float, v: float, xs: Sequence[float], y: float, h0: float = 0.0
) -> ChainRuleTerms:
    """Run the scalar RNN over ``xs`` and split ``dL_T/dw_h`` into one term per step.

    Args:
        w_x: the input weight of the one hidden unit.
        w_h: its recurrent weight.
        b: its bias.
        v: output weight, ``y_hat = v h_T``.
        xs: the inputs ``x_1, ..., x_T`` (at least one).
        y: the target for the last step.
        h0: the initial state.

    Raises:
        ValueError: if ``xs`` is empty.
    """
    if len(xs) == 0:
        raise ValueError("xs must hold at least one input, got an empty sequence")
    h = [float(h0)]
    for x in xs:
        h.append(math.tanh(w_x * x + w_h * h[-1] + b))
    T = len(xs)
    dL_dh_T = v * (v * h[T] - y)
    step_jacobians = [(1 - h[k] ** 2) * w_h for k in range(1, T + 1)]
    immediate = [(1 - h[k] ** 2) * h[k - 1] for k in range(1, T + 1)]
    terms = []
    for k in range(1, T + 1):
        through_time = math.prod(step_jacobians[j - 1] for j in range(k + 1, T + 1))  # dh_T/dh_k
        terms.append(dL_dh_T * through_time * immediate[k - 1])
    loss = 0.5 * (v * h[T] - y) ** 2
    return ChainRuleTerms(h, loss, dL_dh_T, step_jacobians, immediate, terms)
