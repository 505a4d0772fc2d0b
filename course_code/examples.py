"""Small fixed examples that the chapters work through by hand.

The numbers are chosen to be easy to follow with a pocket calculator; the tests
recompute every result with plain Python arithmetic (``math.tanh``, loops), not
with the code under test.
"""

from __future__ import annotations

import numpy as np

from course_code.scratch.rnn import RNNParams

__all__ = ["three_step_example"]


def three_step_example() -> tuple[RNNParams, np.ndarray, np.ndarray]:
    """A vanilla RNN with D=2, H=2, V=2 and one sequence of T=3 steps.

    Returns:
        ``(params, x, targets)``: the weights, the inputs ``x`` of shape
        ``(N=1, T=3, D=2)``, and the correct classes ``(N=1, T=3)``.
    """
    params = RNNParams(
        W_xh=np.array([[0.5, -1.0], [1.0, 0.5]]),  # (H, D)
        W_hh=np.array([[0.5, 0.0], [-0.5, 1.0]]),  # (H, H)
        b_h=np.array([0.0, 0.0]),  # (H,)
        W_hy=np.array([[1.0, -1.0], [0.5, 0.5]]),  # (V, H)
        b_y=np.array([0.0, 0.0]),  # (V,)
    )
    x = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])  # (1, 3, 2)
    targets = np.array([[0, 1, 1]])  # (1, 3)
    return params, x, targets
