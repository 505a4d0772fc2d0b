"""The LSTM's sequence loops in NumPy, fused and in place: the fast twin of :mod:`course_code.scratch.lstm`.

:func:`lstm_forward_fused` and :func:`lstm_backward_fused` compute exactly what
:func:`course_code.scratch.lstm.lstm_forward` and
:func:`~course_code.scratch.lstm.lstm_backward` compute (the tests check it,
bit for bit), with three tricks that the readable version leaves out:

* all four gates' nonlinearities in one pass over the ``(N, 4H)`` block, using
  ``σ(a) = tanh(a / 2) / 2 + 1/2`` so that one ``tanh`` serves the sigmoid
  gates and the candidate alike (``_activate_gates_``);
* every element-wise result written in place (``out=``) into arrays allocated
  once, instead of a new array per operation;
* the gate gradients of every step kept in one ``(T, N, 4H)`` array.

``bench/lstm_speed.py`` measures what these buy against the readable loops and
against ``torch.nn.LSTM``.
"""

from __future__ import annotations

import numpy as np

from course_code.scratch.lstm import LSTMCache, LSTMGradients, check_lstm_weights
from course_code.shapes import check_float_dtype, check_numpy_array, check_shape

__all__ = ["lstm_backward_fused", "lstm_forward_fused"]


def _gate_affine(H: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``(scale, shift)``, ``(4H,)`` each, for :func:`_activate_gates_`.

    ``σ(a) = (1 + tanh(a / 2)) / 2 = tanh(a * 0.5) * 0.5 + 0.5`` and
    ``tanh(a) = tanh(a * 1) * 1 + 0``, so with ``scale = [½, ½, 1, ½]`` and
    ``shift = [½, ½, 0, ½]`` (block by block, gates ``i, f, g, o``) every gate is
    ``tanh(a * scale) * scale + shift``.
    """
    scale = np.full(4 * H, 0.5, dtype=dtype)
    scale[2 * H : 3 * H] = 1.0  # g is a tanh, not a sigmoid
    shift = np.full(4 * H, 0.5, dtype=dtype)
    shift[2 * H : 3 * H] = 0.0
    return scale, shift


def _activate_gates_(a: np.ndarray, scale: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Turn pre-activations ``(..., 4H)`` into gates ``[σ(a_i) | σ(a_f) | tanh(a_g) | σ(a_o)]``, in place.

    One ``tanh`` over the whole array (see :func:`_gate_affine`): four NumPy calls
    instead of one per block and operation, no overflow for large ``|a|``, and
    the dtype (float32 or float64) is kept.
    """
    a *= scale
    np.tanh(a, out=a)
    a *= scale
    a += shift
    return a


def _gate_derivatives(gates: np.ndarray) -> np.ndarray:
    """d gate / d pre-activation, ``(..., 4H)``, written in terms of the gates.

    ``σ' = σ (1 - σ)`` for ``i, f, o`` and ``tanh' = 1 - tanh²`` for ``g``.
    """
    H = gates.shape[-1] // 4
    derivative = gates * (1 - gates)  # σ'(a) = σ(a)(1 - σ(a))
    g = gates[..., 2 * H : 3 * H]
    derivative[..., 2 * H : 3 * H] = 1 - g * g  # tanh'(a) = 1 - tanh(a)²
    return derivative


def _split(gates: np.ndarray):
    """The four blocks ``i, f, g, o`` of a ``(..., 4H)`` array, as views."""
    H = gates.shape[-1] // 4
    return gates[..., :H], gates[..., H : 2 * H], gates[..., 2 * H : 3 * H], gates[..., 3 * H :]


def _cell_backward_(dh, dc, gates, derivative, c_prev, tanh_c, da_out):
    """Backward through the element-wise part of one step, for a batch.

    Given the gradients reaching ``h_t`` and ``c_t`` (``dh``, ``dc``, ``(N, H)``),
    writes the gradient of the pre-activations ``a_t`` into ``da_out`` ``(N, 4H)``
    and returns the gradient reaching ``c_{t-1}``, ``(N, H)``.
    ``derivative`` is :func:`_gate_derivatives` of ``gates``.
    """
    i, f, g, o = _split(gates)
    di, df, dg, do = _split(da_out)  # filled with dL/d gate, then scaled to dL/d a
    dc = dc + dh * o * (1 - tanh_c * tanh_c)  # h = o ⊙ tanh(c): backprop through tanh
    np.multiply(dc, g, out=di)  # c = f ⊙ c_prev + i ⊙ g
    np.multiply(dc, c_prev, out=df)
    np.multiply(dc, i, out=dg)
    np.multiply(dh, tanh_c, out=do)  # h = o ⊙ tanh(c)
    da_out *= derivative  # through σ (i, f, o) and tanh (g), all four blocks at once
    return dc * f  # dL/dc_prev: the cell path, scaled only by the forget gate


def lstm_forward_fused(
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
        states ``(N, H)`` each, and an :class:`~course_code.scratch.lstm.LSTMCache`.

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
    gates = (x_rows @ W_x.T + b).reshape(T, N, 4 * H)  # pre-activations; overwritten by the gates
    h = np.empty((T + 1, N, H), dtype=dtype)
    c = np.empty((T + 1, N, H), dtype=dtype)
    tanh_c = np.empty((T, N, H), dtype=dtype)
    h[0], c[0] = h0, c0
    W_h_T = np.ascontiguousarray(W_h.T)  # (H, 4H)
    scale, shift = _gate_affine(H, dtype)
    for t in range(T):
        a = gates[t]  # (N, 4H): the input term of step t
        a += h[t] @ W_h_T  # plus the recurrent term: one fused product for the four gates
        i, f, g, o = _split(_activate_gates_(a, scale, shift))
        np.add(f * c[t], i * g, out=c[t + 1])  # c_t = f ⊙ c_{t-1} + i ⊙ g
        np.tanh(c[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=h[t + 1])  # h_t = o ⊙ tanh(c_t)
    cache = LSTMCache(x_rows, h, c, gates, tanh_c, W_x, W_h)
    return h[1:].transpose(1, 0, 2), (h[T].copy(), c[T].copy()), cache


def lstm_backward_fused(
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
        cache: the :class:`~course_code.scratch.lstm.LSTMCache` returned by :func:`lstm_forward_fused`.
        dh_T, dc_T: gradients with respect to the returned final states
            ``h_T`` and ``c_T``, ``(N, H)`` each, or ``None`` for zeros.

    Returns:
        :class:`~course_code.scratch.lstm.LSTMGradients` with ``dx (N, T, D)``, ``dh_prev`` and ``dc_prev``
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
    derivative = _gate_derivatives(cache.gates)  # (T, N, 4H), every step at once
    da = np.empty_like(cache.gates)  # (T, N, 4H): dL/da_t for every step
    dh_next = np.zeros((N, H), dtype=cache.h.dtype) if dh_T is None else dh_T  # flows back into h_t
    dc_next = np.zeros((N, H), dtype=cache.c.dtype) if dc_T is None else dc_T  # flows back into c_t
    W_h = cache.W_h
    for t in reversed(range(T)):
        dc_next = _cell_backward_(
            dh[t] + dh_next, dc_next, cache.gates[t], derivative[t], cache.c[t], cache.tanh_c[t], da[t]
        )
        dh_next = da[t] @ W_h  # (N, 4H) @ (4H, H)

    # The shared weights: sums over the batch and over time, one product each.
    da_rows = da.reshape(T * N, 4 * H)  # rows ordered (t, n), like cache.x
    h_prev_rows = cache.h[:-1].reshape(T * N, H)  # h_{t-1} for every step, a view
    dW_x = da_rows.T @ cache.x  # (4H, D) = sum over n, t of da x^T
    dW_h = da_rows.T @ h_prev_rows  # (4H, H) = sum over n, t of da h_prev^T
    db = da_rows.sum(axis=0)  # (4H,)
    dx = (da_rows @ cache.W_x).reshape(T, N, D).transpose(1, 0, 2)  # (N, T, D), batch-first view
    return LSTMGradients(dx, dh_next, dc_next, dW_x, dW_h, db)
