"""The LSTM in NumPy, forward and backward, batch-first, in PyTorch's layout.

Column-vector form, one sequence (PyTorch's equations, the form the chapters derive)::

    i_t = σ(W_ii x_t + W_hi h_{t-1} + b_i)          input gate
    f_t = σ(W_if x_t + W_hf h_{t-1} + b_f)          forget gate
    g_t = tanh(W_ig x_t + W_hg h_{t-1} + b_g)       candidate values
    o_t = σ(W_io x_t + W_ho h_{t-1} + b_o)          output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                 cell state
    h_t = o_t ⊙ tanh(c_t)                           hidden state

The four gates are computed by one *fused* product. Their weights are stacked
in the order ``i, f, g, o`` exactly as PyTorch stacks them::

    W_x = [W_ii; W_if; W_ig; W_io]   (4H, D)   like weight_ih_l0
    W_h = [W_hi; W_hf; W_hg; W_ho]   (4H, H)   like weight_hh_l0
    b   = [b_i;  b_f;  b_g;  b_o ]   (4H,)     bias_ih_l0 + bias_hh_l0

Row-batched form, ``N`` sequences at once (the form the code runs)::

    A_t = X_t W_x^T + H_{t-1} W_h^T + b              A_t: (N, 4H), the pre-activations
    [I_t | F_t | G_t | O_t] = [σ | σ | tanh | σ](A_t)

The step functions are the equations line by line. The sequence functions
compute the input term ``X_t W_x^T + b`` for every step in one matrix product
before the loop, so the loop does one ``(N, H) @ (H, 4H)`` product per step; the
backward pass keeps the pre-activation gradients of every step in one
``(T, N, 4H)`` array and forms ``dW_x``, ``dW_h``, ``db`` and ``dx`` with one
product each after the loop. Caches are stored time-major (``[t]`` is one
contiguous ``(N, ...)`` block); inputs and outputs are batch-first. The same
loops with every operation fused and in place are :mod:`course_code.scratch.lstm_fused`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from course_code.scratch.activations import sigmoid, sigmoid_derivative, tanh, tanh_derivative
from course_code.scratch.initialisation import uniform_drawer
from course_code.shapes import check_float_dtype, check_numpy_array, check_shape

__all__ = [
    "LSTMCache",
    "LSTMGradients",
    "LSTMParams",
    "LSTMStepCache",
    "check_lstm_weights",
    "init_lstm_params",
    "lstm_backward",
    "lstm_forward",
    "lstm_step_backward",
    "lstm_step_forward",
]


@dataclass
class LSTMParams:
    """The weights of one LSTM layer, gate blocks stacked in the order ``i, f, g, o``.

    Attributes:
        W_x: input-to-hidden weights, ``(4H, D)``.
        W_h: hidden-to-hidden weights, ``(4H, H)``.
        b: bias, ``(4H,)``.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray

    def num_parameters(self) -> int:
        """Total number of scalars: ``4H*D + 4H*H + 4H``, four times a vanilla RNN's."""
        return self.W_x.size + self.W_h.size + self.b.size


def init_lstm_params(input_size: int, hidden_size: int, rng: np.random.Generator, dtype=np.float64) -> LSTMParams:
    """Draw weights uniformly from ``[-1/sqrt(H), 1/sqrt(H)]``, as ``torch.nn.LSTM`` does.

    Args:
        input_size: ``D``. hidden_size: ``H``.
        rng: the source of randomness, e.g. ``np.random.default_rng(0)``.
        dtype: floating-point dtype of every array.
    """
    draw = uniform_drawer(hidden_size, rng, dtype, input_size=input_size)
    H = hidden_size
    return LSTMParams(W_x=draw(4 * H, input_size), W_h=draw(4 * H, H), b=draw(4 * H))


def _split(blocks: np.ndarray):
    """The four blocks ``i, f, g, o`` of a ``(..., 4H)`` array."""
    return np.split(blocks, 4, axis=-1)


@dataclass
class LSTMStepCache:
    """What one step's backward pass needs: its inputs, its gates and its cell state."""

    x: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    c_prev: np.ndarray  # (N, H)
    gates: np.ndarray  # (N, 4H): i, f, g, o after their nonlinearities
    tanh_c: np.ndarray  # (N, H)
    W_x: np.ndarray  # (4H, D)
    W_h: np.ndarray  # (4H, H)


@dataclass
class LSTMCache:
    """What the sequence backward pass needs: the inputs and every step's gates and states.

    Stored **time-major**, so that each step's slice ``[t]`` is one contiguous
    ``(N, ...)`` block (NumPy's element-wise loops and BLAS are fastest on those).
    ``h[t + 1]`` is ``h_t`` and ``h[0]`` is ``h0``; the same for ``c``.
    """

    x: np.ndarray  # (T*N, D): x_t of every sequence, rows ordered by (t, n)
    h: np.ndarray  # (T+1, N, H): h0, h_1, ..., h_T
    c: np.ndarray  # (T+1, N, H): c0, c_1, ..., c_T
    gates: np.ndarray  # (T, N, 4H): i, f, g, o after their nonlinearities
    tanh_c: np.ndarray  # (T, N, H)
    W_x: np.ndarray  # (4H, D)
    W_h: np.ndarray  # (4H, H)


class LSTMGradients(NamedTuple):
    """Gradients of the loss with respect to the inputs and weights of an LSTM layer.

    For one step ``dx`` is ``(N, D)``; for a whole sequence ``dx`` is ``(N, T, D)``
    and ``dh_prev``, ``dc_prev`` are the gradients at ``h0`` and ``c0``, ``(N, H)``.
    """

    dx: np.ndarray
    dh_prev: np.ndarray  # (N, H)
    dc_prev: np.ndarray  # (N, H)
    dW_x: np.ndarray  # (4H, D)
    dW_h: np.ndarray  # (4H, H)
    db: np.ndarray  # (4H,)


def check_lstm_weights(sizes: dict, W_x, W_h, b) -> None:
    """Check ``W_x (4H, D)``, ``W_h (4H, H)``, ``b (4H,)``; fills in ``sizes["H"]`` (and ``"D"``).

    Raises:
        ValueError: naming the array whose shape is wrong, in the letters ``4H``, ``D``, ``H``.
    """
    check_shape("W_h", W_h, ("4H", "H"), sizes)
    check_shape("W_x", W_x, ("4H", "D"), sizes)
    check_shape("b", b, ("4H",), sizes)


def lstm_step_forward(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    W_x: np.ndarray,
    W_h: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, LSTMStepCache]:
    """One LSTM step for a batch.

    Args:
        x: inputs at this step, ``(N, D)``.
        h_prev: hidden state from the previous step, ``(N, H)``.
        c_prev: cell state from the previous step, ``(N, H)``.
        W_x: ``(4H, D)``. W_h: ``(4H, H)``. b: ``(4H,)``; gate blocks ``i, f, g, o``.

    Returns:
        ``(h, c, cache)``: the new hidden state ``(N, H)``, the new cell state
        ``(N, H)`` and an :class:`LSTMStepCache`.

    Raises:
        ValueError: naming the argument whose shape or dtype is wrong.
    """
    sizes = check_shape("h_prev", h_prev, ("N", "H"))
    check_shape("x", x, ("N", "D"), sizes)
    check_shape("c_prev", c_prev, ("N", "H"), sizes)
    check_lstm_weights(sizes, W_x, W_h, b)
    check_float_dtype(x=x, h_prev=h_prev, c_prev=c_prev, W_x=W_x, W_h=W_h, b=b)

    a = x @ W_x.T + h_prev @ W_h.T + b  # (N, 4H): the four gates' pre-activations in one product
    a_i, a_f, a_g, a_o = _split(a)  # (N, H) each, PyTorch's gate order
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)
    c = f * c_prev + i * g  # forget some of the old cell, write some of the candidate
    tanh_c = tanh(c)
    h = o * tanh_c  # expose some of the cell
    gates = np.concatenate([i, f, g, o], axis=1)  # (N, 4H), kept for the backward pass
    return h, c, LSTMStepCache(x, h_prev, c_prev, gates, tanh_c, W_x, W_h)


def _gate_derivatives(gates: np.ndarray) -> np.ndarray:
    """d gate / d pre-activation, ``(..., 4H)``, from the gates: ``σ' = σ(1 - σ)`` for i, f, o, ``tanh' = 1 - g²``."""
    H = gates.shape[-1] // 4
    derivative = sigmoid_derivative(gates)
    derivative[..., 2 * H : 3 * H] = tanh_derivative(gates[..., 2 * H : 3 * H])
    return derivative


def _cell_backward(dh, dc, gates, c_prev, tanh_c):
    """Backward through the element-wise part of one step, for a batch.

    Given the gradients reaching ``h_t`` and ``c_t`` (``dh``, ``dc``, ``(N, H)``),
    returns the gradient of the pre-activations ``a_t``, ``(N, 4H)``, and the
    gradient reaching ``c_{t-1}``, ``(N, H)``.
    """
    i, f, g, o = _split(gates)
    dc = dc + dh * o * (1 - tanh_c * tanh_c)  # h = o ⊙ tanh(c): backprop through tanh
    d_gates = np.concatenate([dc * g, dc * c_prev, dc * i,  # c = f ⊙ c_prev + i ⊙ g
                              dh * tanh_c], axis=-1)  # h = o ⊙ tanh(c); (N, 4H): dL/d i, f, g, o
    da = d_gates * _gate_derivatives(gates)  # through σ (i, f, o) and tanh (g)
    return da, dc * f  # dL/dc_prev: the cell path, scaled only by the forget gate


def lstm_step_backward(dh: np.ndarray, dc: np.ndarray, cache: LSTMStepCache) -> LSTMGradients:
    """Backward pass of one step.

    Args:
        dh: gradient of the loss with respect to this step's ``h``, ``(N, H)``.
        dc: gradient with respect to this step's ``c`` from the next step, ``(N, H)``
            (zeros at the last step: the loss reads ``c`` only through ``h``).
        cache: the :class:`LSTMStepCache` returned by :func:`lstm_step_forward`.

    Returns:
        :class:`LSTMGradients` with ``dx (N, D)``, ``dh_prev (N, H)``, ``dc_prev (N, H)``,
        ``dW_x (4H, D)``, ``dW_h (4H, H)``, ``db (4H,)``.
    """
    check_numpy_array("dh", dh)
    check_numpy_array("dc", dc)
    check_shape("dh", dh, cache.h_prev.shape)
    check_shape("dc", dc, cache.c_prev.shape)
    da, dc_prev = _cell_backward(dh, dc, cache.gates, cache.c_prev, cache.tanh_c)  # (N, 4H), (N, H)
    return LSTMGradients(
        dx=da @ cache.W_x,  # (N, D)
        dh_prev=da @ cache.W_h,  # (N, H)
        dc_prev=dc_prev,
        dW_x=da.T @ cache.x,  # (4H, D): summed over the batch
        dW_h=da.T @ cache.h_prev,  # (4H, H)
        db=da.sum(axis=0),  # (4H,)
    )


def lstm_forward(
    x: np.ndarray,
    h0: np.ndarray,
    c0: np.ndarray,
    W_x: np.ndarray,
    W_h: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], LSTMCache]:
    """Run one LSTM layer over whole sequences, the same weights at every step.

    Args:
        x: input sequences, batch-first, ``(N, T, D)``.
        h0, c0: initial hidden and cell states, ``(N, H)`` each (zeros if you have nothing better).
        W_x: ``(4H, D)``. W_h: ``(4H, H)``. b: ``(4H,)``; gate blocks ``i, f, g, o``.

    Returns:
        ``(h, (h_T, c_T), cache)``: the hidden state at every step ``(N, T, H)``
        (a batch-first view of the time-major store), the last hidden and cell
        states ``(N, H)`` each, and an :class:`LSTMCache`.

    Raises:
        ValueError: naming the argument whose shape or dtype is wrong.
    """
    sizes = check_shape("x", x, ("N", "T", "D"))
    check_shape("h0", h0, ("N", "H"), sizes)
    check_shape("c0", c0, ("N", "H"), sizes)
    check_lstm_weights(sizes, W_x, W_h, b)
    dtype = check_float_dtype(x=x, h0=h0, c0=c0, W_x=W_x, W_h=W_h, b=b)
    N, T, D = x.shape
    H = sizes["H"]

    x_rows = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(T * N, D)  # time-major rows (t, n)
    # The input term of every step in one product: (T*N, D) @ (D, 4H).
    gates = (x_rows @ W_x.T + b).reshape(T, N, 4 * H)  # input terms; each replaced by its gates in the loop
    h = np.empty((T + 1, N, H), dtype=dtype)
    c = np.empty((T + 1, N, H), dtype=dtype)
    tanh_c = np.empty((T, N, H), dtype=dtype)
    h[0], c[0] = h0, c0
    W_h_T = np.ascontiguousarray(W_h.T)  # (H, 4H)
    for t in range(T):
        a = gates[t] + h[t] @ W_h_T  # (N, 4H): the input term plus the recurrent term
        gates[t] = sigmoid(a)  # σ for the gates i, f, o ...
        gates[t, :, 2 * H : 3 * H] = tanh(a[:, 2 * H : 3 * H])  # ... and tanh for the candidate g
        i, f, g, o = _split(gates[t])
        c[t + 1] = f * c[t] + i * g  # c_t = f ⊙ c_{t-1} + i ⊙ g
        tanh_c[t] = tanh(c[t + 1])
        h[t + 1] = o * tanh_c[t]  # h_t = o ⊙ tanh(c_t)
    cache = LSTMCache(x_rows, h, c, gates, tanh_c, W_x, W_h)
    return h[1:].transpose(1, 0, 2), (h[T].copy(), c[T].copy()), cache


def lstm_backward(
    dh: np.ndarray,
    cache: LSTMCache,
    dh_T: np.ndarray | None = None,
    dc_T: np.ndarray | None = None,
) -> LSTMGradients:
    """Backpropagation through time over a whole sequence.

    Walks from the last step to the first carrying two gradients: the one
    reaching ``h_t`` (from its own output, ``dh[:, t]``, plus what step ``t + 1``
    sent back through ``W_h``) and the one reaching ``c_t`` (what step ``t + 1``
    sent back through ``f_{t+1} ⊙``). The per-step pre-activation gradients are
    kept in one ``(T, N, 4H)`` array; the shared-weight gradients are their sums
    over time, formed after the loop by one product each.

    Args:
        dh: gradient of the loss with respect to every hidden state from the
            layers above (not through the recurrence), ``(N, T, H)``.
        cache: the :class:`LSTMCache` returned by :func:`lstm_forward`.
        dh_T, dc_T: gradients with respect to the returned final states
            ``h_T`` and ``c_T``, ``(N, H)`` each, or ``None`` for zeros.

    Returns:
        :class:`LSTMGradients` with ``dx (N, T, D)``, ``dh_prev`` and ``dc_prev``
        the gradients at ``h0`` and ``c0`` ``(N, H)``, and ``dW_x``, ``dW_h``,
        ``db`` summed over time.
    """
    T_plus_1, N, H = cache.h.shape
    T, D = T_plus_1 - 1, cache.W_x.shape[1]
    check_numpy_array("dh", dh)
    check_shape("dh", dh, (N, T, H))
    for name, value in (("dh_T", dh_T), ("dc_T", dc_T)):
        if value is not None:
            check_numpy_array(name, value)
            check_shape(name, value, (N, H))

    dh = dh.transpose(1, 0, 2)  # (T, N, H), a view: dh[t] is the upstream gradient of step t
    da = np.empty_like(cache.gates)  # (T, N, 4H): dL/da_t for every step
    dh_next = np.zeros((N, H), dtype=cache.h.dtype) if dh_T is None else dh_T  # flows back into h_t
    dc_next = np.zeros((N, H), dtype=cache.c.dtype) if dc_T is None else dc_T  # flows back into c_t
    W_h = cache.W_h
    for t in reversed(range(T)):
        da[t], dc_next = _cell_backward(dh[t] + dh_next, dc_next, cache.gates[t], cache.c[t], cache.tanh_c[t])
        dh_next = da[t] @ W_h  # (N, 4H) @ (4H, H)

    # The shared weights: sums over the batch and over time, one product each.
    da_rows = da.reshape(T * N, 4 * H)  # rows ordered (t, n), like cache.x
    h_prev_rows = cache.h[:-1].reshape(T * N, H)  # h_{t-1} for every step, a view
    dW_x = da_rows.T @ cache.x  # (4H, D) = sum over n, t of da x^T
    dW_h = da_rows.T @ h_prev_rows  # (4H, H) = sum over n, t of da h_prev^T
    db = da_rows.sum(axis=0)  # (4H,)
    dx = (da_rows @ cache.W_x).reshape(T, N, D).transpose(1, 0, 2)  # (N, T, D), batch-first view
    return LSTMGradients(dx, dh_next, dc_next, dW_x, dW_h, db)
