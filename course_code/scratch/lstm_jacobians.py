"""How a change in an early LSTM state reaches a later one: the Jacobians of ``(h_t, c_t)``.

The LSTM's state at step ``t`` is the pair ``s_t = (h_t, c_t)``. With the gates
``i, f, g, o`` of :mod:`course_code.scratch.lstm` (``a_t = W_x x_t + W_h h_{t-1} + b``),
one step's Jacobian is the ``(2H, 2H)`` block matrix::

    dc_t/dc_{t-1} = diag(f_t)                                       the cell path
    dc_t/dh_{t-1} = diag(c_{t-1} ⊙ σ'_f) W_hf + diag(g_t ⊙ σ'_i) W_hi + diag(i_t ⊙ tanh'_g) W_hg
    dh_t/dc_{t-1} = diag(o_t ⊙ (1 - tanh²c_t)) diag(f_t)
    dh_t/dh_{t-1} = diag(tanh c_t ⊙ σ'_o) W_ho + diag(o_t ⊙ (1 - tanh²c_t)) dc_t/dh_{t-1}

where ``σ'_i = i_t (1 - i_t)`` and so on, and ``W_hi`` is the ``i`` block of
``W_h`` (rows ``0..H``). The first line is the *constant error carousel*: along
the cell path there is no weight matrix and no activation derivative, only the
forget gate, so ``dc_T/dc_k`` contains the term ``diag(f_{k+1} ⊙ ... ⊙ f_T)``,
which stays near the identity as long as the forget gates stay near 1.
:func:`~course_code.scratch.jacobians.hidden_jacobian_norms` is the vanilla
RNN's counterpart.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_code.scratch.lstm import lstm_step_forward
from course_code.shapes import check_numpy_arrays, check_shape

__all__ = ["LSTMJacobianNorms", "lstm_state_jacobian_norms", "lstm_step_jacobian"]


class LSTMJacobianNorms(NamedTuple):
    """Spectral norms of the Jacobians of the last state with respect to ``s_k``, for ``k = 0 .. T``.

    Each field is ``(T + 1,)``; entry ``k`` concerns the state after step ``k``
    (entry 0: the initial state), and entry ``T`` is 1 (an identity).
    """

    hidden: np.ndarray  # ||dh_T/dh_k||: the vanilla RNN's quantity
    cell: np.ndarray  # ||dc_T/dc_k||, every path included
    state: np.ndarray  # ||d(h_T, c_T)/d(h_k, c_k)||, the whole (2H, 2H) Jacobian
    forget_product: np.ndarray  # ||diag(f_{k+1} ⊙ ... ⊙ f_T)|| = max over units: the cell path alone


def lstm_step_jacobian(gates: np.ndarray, c_prev: np.ndarray, c: np.ndarray, W_h: np.ndarray) -> np.ndarray:
    """The ``(2H, 2H)`` Jacobian ``d(h_t, c_t) / d(h_{t-1}, c_{t-1})`` of one step of one sequence.

    Args:
        gates: ``i, f, g, o`` after their nonlinearities, ``(4H,)``.
        c_prev: ``c_{t-1}``, ``(H,)``. c: ``c_t``, ``(H,)``.
        W_h: ``(4H, H)``, gate blocks ``i, f, g, o``.

    Returns:
        ``[[dh/dh_prev, dh/dc_prev], [dc/dh_prev, dc/dc_prev]]``, ``(2H, 2H)``.
    """
    check_numpy_arrays(gates=gates, c_prev=c_prev, c=c, W_h=W_h)
    sizes = check_shape("c", c, ("H",))
    check_shape("c_prev", c_prev, ("H",), sizes)
    H = sizes["H"]
    check_shape("gates", gates, (4 * H,))
    check_shape("W_h", W_h, (4 * H, "H"), sizes)
    i, f, g, o = np.split(gates, 4)
    W_hi, W_hf, W_hg, W_ho = np.split(W_h, 4)  # (H, H) each
    tanh_c = np.tanh(c)
    dc_dh = ((c_prev * f * (1 - f))[:, None] * W_hf  # through the forget gate
             + (g * i * (1 - i))[:, None] * W_hi  # through the input gate
             + (i * (1 - g * g))[:, None] * W_hg)  # through the candidate
    dc_dc = np.diag(f)  # the cell path: no matrix, no activation derivative
    through_cell = o * (1 - tanh_c * tanh_c)  # dh/dc of this step, element-wise
    dh_dh = (tanh_c * o * (1 - o))[:, None] * W_ho + through_cell[:, None] * dc_dh
    dh_dc = np.diag(through_cell * f)
    return np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])


def lstm_state_jacobian_norms(
    x: np.ndarray,
    h0: np.ndarray,
    c0: np.ndarray,
    W_x: np.ndarray,
    W_h: np.ndarray,
    b: np.ndarray,
) -> LSTMJacobianNorms:
    """Spectral norms of ``d s_T / d s_k`` for ``k = 0 .. T`` along one sequence, ``s = (h, c)``.

    Args:
        x: one input sequence, ``(T, D)``.
        h0, c0: its initial states, ``(H,)`` each.
        W_x: ``(4H, D)``. W_h: ``(4H, H)``. b: ``(4H,)``; gate blocks ``i, f, g, o``
            (e.g. :func:`course_code.nn.lstm.lstm_layer_to_numpy` of a trained model).

    Returns:
        :class:`LSTMJacobianNorms`, each field ``(T + 1,)``.

    Raises:
        ValueError: naming the argument whose shape is wrong.
    """
    check_numpy_arrays(x=x, h0=h0, c0=c0)
    sizes = check_shape("x", x, ("T", "D"))
    check_shape("h0", h0, ("H",), sizes)
    check_shape("c0", c0, ("H",), sizes)
    T, H = sizes["T"], sizes["H"]

    step_jacobians, forget_gates = [], []
    h, c = np.asarray(h0, dtype=float)[None], np.asarray(c0, dtype=float)[None]  # a batch of one: (1, H)
    for t in range(T):
        c_prev = c
        h, c, cache = lstm_step_forward(np.asarray(x[t : t + 1], dtype=float), h, c, W_x, W_h, b)
        step_jacobians.append(lstm_step_jacobian(cache.gates[0], c_prev[0], c[0], W_h))
        forget_gates.append(cache.gates[0, H : 2 * H])

    norms = {name: np.empty(T + 1) for name in LSTMJacobianNorms._fields}
    product = np.eye(2 * H)  # d s_T / d s_T
    forget = np.ones(H)
    for name in norms:
        norms[name][T] = 1.0
    for k in reversed(range(T)):  # d s_T/d s_k = d s_T/d s_{k+1} @ d s_{k+1}/d s_k
        product = product @ step_jacobians[k]
        forget = forget * forget_gates[k]
        norms["hidden"][k] = np.linalg.norm(product[:H, :H], ord=2)
        norms["cell"][k] = np.linalg.norm(product[H:, H:], ord=2)
        norms["state"][k] = np.linalg.norm(product, ord=2)
        norms["forget_product"][k] = forget.max()
    return LSTMJacobianNorms(**norms)
