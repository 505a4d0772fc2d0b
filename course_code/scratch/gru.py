"""The GRU in NumPy, forward and backward, batch-first, in PyTorch's layout.

Column-vector form, one sequence (PyTorch's equations)::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   candidate
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

The three blocks are stacked in the order ``r, z, n`` exactly as PyTorch stacks them::

    W_x = [W_ir; W_iz; W_in]   (3H, D)   like weight_ih_l0
    W_h = [W_hr; W_hz; W_hn]   (3H, H)   like weight_hh_l0
    b_x = [b_ir; b_iz; b_in]   (3H,)     like bias_ih_l0
    b_h = [b_hr; b_hz; b_hn]   (3H,)     like bias_hh_l0

Unlike the vanilla RNN and the LSTM, the GRU needs its two biases *separately*:
the reset gate multiplies the hidden part of the candidate, ``W_hn h + b_hn``,
and not ``b_in``, so only the ``r`` and ``z`` blocks depend on the sum alone.

Two conventions to know when reading other texts:

* Cho et al. (2014), the paper that introduced the GRU, apply the reset gate to
  ``h_{t-1}`` *before* the product: ``n_t = tanh(W_in x_t + W_hn (r_t ⊙ h_{t-1}))``.
  It is a different function (see :func:`gru_step_forward_cho`); the two agree
  when ``r_t = 1``. PyTorch and cuDNN use the form above, which lets the product
  ``W_h h_{t-1}`` for all three blocks be one fused product.
* Cho et al. and PyTorch both write ``h_t = z_t ⊙ h_{t-1} + (1 - z_t) ⊙ n_t``:
  ``z_t`` near 1 keeps the old state. Some texts swap ``z_t`` and ``1 - z_t``;
  both are valid (the gate simply learns the complement), but weights only carry
  over between implementations that share the convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from course_code.scratch.activations import sigmoid
from course_code.scratch.initialisation import uniform_drawer
from course_code.shapes import check_float_dtype, check_numpy_array, check_shape

__all__ = [
    "GRUCache",
    "GRUGradients",
    "GRUParams",
    "GRUStepCache",
    "gru_backward",
    "gru_forward",
    "gru_step_backward",
    "gru_step_forward",
    "gru_step_forward_cho",
    "init_gru_params",
]


@dataclass
class GRUParams:
    """The weights of one GRU layer, blocks stacked in the order ``r, z, n``.

    Attributes:
        W_x: input-to-hidden weights, ``(3H, D)``.
        W_h: hidden-to-hidden weights, ``(3H, H)``.
        b_x: input bias, ``(3H,)``.
        b_h: hidden bias, ``(3H,)``.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b_x: np.ndarray
    b_h: np.ndarray

    def num_parameters(self) -> int:
        """Total number of scalars: ``3H*D + 3H*H + 6H``."""
        return self.W_x.size + self.W_h.size + self.b_x.size + self.b_h.size


def init_gru_params(input_size: int, hidden_size: int, rng: np.random.Generator, dtype=np.float64) -> GRUParams:
    """Draw weights uniformly from ``[-1/sqrt(H), 1/sqrt(H)]``, as ``torch.nn.GRU`` does.

    Args:
        input_size: ``D``. hidden_size: ``H``.
        rng: the source of randomness, e.g. ``np.random.default_rng(0)``.
        dtype: floating-point dtype of every array.
    """
    draw = uniform_drawer(hidden_size, rng, dtype, input_size=input_size)
    H = hidden_size
    return GRUParams(W_x=draw(3 * H, input_size), W_h=draw(3 * H, H), b_x=draw(3 * H), b_h=draw(3 * H))


def _split(blocks: np.ndarray):
    """The three blocks ``r, z, n`` of a ``(..., 3H)`` array, as views."""
    H = blocks.shape[-1] // 3
    return blocks[..., :H], blocks[..., H : 2 * H], blocks[..., 2 * H :]


def _check_weights(sizes: dict, W_x, W_h, b_x, b_h) -> None:
    """``W_x (3H, D)``, ``W_h (3H, H)``, ``b_x (3H,)``, ``b_h (3H,)``; fills in ``sizes["H"]``."""
    check_shape("W_h", W_h, ("3H", "H"), sizes)
    check_shape("W_x", W_x, ("3H", "D"), sizes)
    check_shape("b_x", b_x, ("3H",), sizes)
    check_shape("b_h", b_h, ("3H",), sizes)


@dataclass
class GRUStepCache:
    """What one step's backward pass needs."""

    x: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    gates: np.ndarray  # (N, 3H): r, z, n after their nonlinearities
    hidden_n: np.ndarray  # (N, H): W_hn h_prev + b_hn, the part the reset gate scales
    W_x: np.ndarray  # (3H, D)
    W_h: np.ndarray  # (3H, H)


@dataclass
class GRUCache:
    """What the sequence backward pass needs, stored **time-major** (each ``[t]`` is contiguous).

    ``h[t + 1]`` is ``h_t`` and ``h[0]`` is ``h0``.
    """

    x: np.ndarray  # (T*N, D): x_t of every sequence, rows ordered by (t, n)
    h: np.ndarray  # (T+1, N, H): h0, h_1, ..., h_T
    gates: np.ndarray  # (T, N, 3H): r, z, n
    hidden_n: np.ndarray  # (T, N, H): W_hn h_{t-1} + b_hn
    W_x: np.ndarray  # (3H, D)
    W_h: np.ndarray  # (3H, H)


class GRUGradients(NamedTuple):
    """Gradients of the loss with respect to the inputs and weights of a GRU layer.

    For one step ``dx`` is ``(N, D)``; for a whole sequence ``dx`` is ``(N, T, D)``
    and ``dh_prev`` is the gradient at ``h0``.
    """

    dx: np.ndarray
    dh_prev: np.ndarray  # (N, H)
    dW_x: np.ndarray  # (3H, D)
    dW_h: np.ndarray  # (3H, H)
    db_x: np.ndarray  # (3H,)
    db_h: np.ndarray  # (3H,)


def _cell_forward(input_term, hidden_term, h_prev, gates_out):
    """The element-wise part of one step.

    ``input_term = x W_x^T + b_x`` and ``hidden_term = h_prev W_h^T + b_h``, ``(N, 3H)``
    each. Writes ``r, z, n`` into ``gates_out`` ``(N, 3H)`` and returns ``h``, ``(N, H)``.
    """
    x_r, x_z, x_n = _split(input_term)
    h_r, h_z, h_n = _split(hidden_term)
    r, z, n = _split(gates_out)
    r[...] = sigmoid(x_r + h_r)
    z[...] = sigmoid(x_z + h_z)
    np.tanh(x_n + r * h_n, out=n)  # the reset gate scales the hidden part only
    return (1 - z) * n + z * h_prev


def gru_step_forward(
    x: np.ndarray,
    h_prev: np.ndarray,
    W_x: np.ndarray,
    W_h: np.ndarray,
    b_x: np.ndarray,
    b_h: np.ndarray,
) -> tuple[np.ndarray, GRUStepCache]:
    """One GRU step for a batch, PyTorch's equations.

    Args:
        x: inputs at this step, ``(N, D)``.
        h_prev: hidden state from the previous step, ``(N, H)``.
        W_x: ``(3H, D)``. W_h: ``(3H, H)``. b_x, b_h: ``(3H,)`` each; blocks ``r, z, n``.

    Returns:
        ``(h, cache)``: the new hidden state ``(N, H)`` and a :class:`GRUStepCache`.

    Raises:
        ValueError: naming the argument whose shape or dtype is wrong.
    """
    sizes = check_shape("h_prev", h_prev, ("N", "H"))
    check_shape("x", x, ("N", "D"), sizes)
    _check_weights(sizes, W_x, W_h, b_x, b_h)
    check_float_dtype(x=x, h_prev=h_prev, W_x=W_x, W_h=W_h, b_x=b_x, b_h=b_h)

    hidden_term = h_prev @ W_h.T + b_h  # (N, 3H)
    gates = np.empty_like(hidden_term)
    h = _cell_forward(x @ W_x.T + b_x, hidden_term, h_prev, gates)
    return h, GRUStepCache(x, h_prev, gates, hidden_term[:, 2 * sizes["H"] :], W_x, W_h)


def gru_step_forward_cho(
    x: np.ndarray,
    h_prev: np.ndarray,
    W_x: np.ndarray,
    W_h: np.ndarray,
    b_x: np.ndarray,
    b_h: np.ndarray,
) -> np.ndarray:
    """One step of the GRU as Cho et al. (2014) wrote it: reset *before* the product.

    Same arguments and gates as :func:`gru_step_forward`, except the candidate::

        n = tanh(W_in x + b_in + W_hn (r ⊙ h_prev) + b_hn)     (Cho et al.)
        n = tanh(W_in x + b_in + r ⊙ (W_hn h_prev + b_hn))     (PyTorch, cuDNN)

    The two agree when ``r = 1`` and differ otherwise. Forward only, for comparison.

    Returns:
        The new hidden state, ``(N, H)``.
    """
    sizes = check_shape("h_prev", h_prev, ("N", "H"))
    check_shape("x", x, ("N", "D"), sizes)
    _check_weights(sizes, W_x, W_h, b_x, b_h)
    check_float_dtype(x=x, h_prev=h_prev, W_x=W_x, W_h=W_h, b_x=b_x, b_h=b_h)

    x_r, x_z, x_n = _split(x @ W_x.T + b_x)
    W_hr, W_hz, W_hn = _split(W_h.T)  # (H, H) each, transposed
    b_hr, b_hz, b_hn = _split(b_h)
    r = sigmoid(x_r + h_prev @ W_hr + b_hr)
    z = sigmoid(x_z + h_prev @ W_hz + b_hz)
    n = np.tanh(x_n + (r * h_prev) @ W_hn + b_hn)  # the reset gate acts on h_prev itself
    return (1 - z) * n + z * h_prev


def _cell_backward(dh, gates, hidden_n, h_prev, dx_out, dh_out):
    """Backward through the element-wise part of one step.

    Given ``dh`` ``(N, H)``, the gradient reaching this step's ``h``, writes the
    gradient of the input term ``x W_x^T + b_x`` into ``dx_out`` and of the hidden
    term ``h_prev W_h^T + b_h`` into ``dh_out`` (``(N, 3H)`` each), and returns
    the part of ``dL/dh_prev`` that bypasses ``W_h`` (through ``z ⊙ h_prev``).
    """
    r, z, n = _split(gates)
    dx_r, dx_z, dx_n = _split(dx_out)
    dh_r, dh_z, dh_n = _split(dh_out)
    # h = (1 - z) ⊙ n + z ⊙ h_prev
    np.multiply(dh * (1 - z), 1 - n * n, out=dx_n)  # through n = tanh(...): dL/d(pre-activation of n)
    np.multiply(dx_n, r, out=dh_n)  # the hidden part of n's pre-activation is scaled by r
    np.multiply(dx_n * hidden_n, r * (1 - r), out=dx_r)  # dL/dr, then through σ
    np.multiply(dh * (h_prev - n), z * (1 - z), out=dx_z)  # dL/dz, then through σ
    dh_r[...] = dx_r  # r and z take x and h_prev through the same sum
    dh_z[...] = dx_z
    return dh * z


def gru_step_backward(dh: np.ndarray, cache: GRUStepCache) -> GRUGradients:
    """Backward pass of one step.

    Args:
        dh: gradient of the loss with respect to this step's ``h``, ``(N, H)``.
        cache: the :class:`GRUStepCache` returned by :func:`gru_step_forward`.

    Returns:
        :class:`GRUGradients` with ``dx (N, D)``, ``dh_prev (N, H)``, ``dW_x (3H, D)``,
        ``dW_h (3H, H)``, ``db_x (3H,)``, ``db_h (3H,)``.
    """
    check_numpy_array("dh", dh)
    check_shape("dh", dh, cache.h_prev.shape)
    d_input = np.empty_like(cache.gates)  # (N, 3H)
    d_hidden = np.empty_like(cache.gates)  # (N, 3H)
    dh_direct = _cell_backward(dh, cache.gates, cache.hidden_n, cache.h_prev, d_input, d_hidden)
    return GRUGradients(
        dx=d_input @ cache.W_x,  # (N, D)
        dh_prev=dh_direct + d_hidden @ cache.W_h,  # (N, H): two paths back to h_prev
        dW_x=d_input.T @ cache.x,  # (3H, D)
        dW_h=d_hidden.T @ cache.h_prev,  # (3H, H)
        db_x=d_input.sum(axis=0),
        db_h=d_hidden.sum(axis=0),
    )


def gru_forward(
    x: np.ndarray,
    h0: np.ndarray,
    W_x: np.ndarray,
    W_h: np.ndarray,
    b_x: np.ndarray,
    b_h: np.ndarray,
) -> tuple[np.ndarray, GRUCache]:
    """Run one GRU layer over whole sequences, the same weights at every step.

    Args:
        x: input sequences, batch-first, ``(N, T, D)``.
        h0: initial hidden state, ``(N, H)``.
        W_x: ``(3H, D)``. W_h: ``(3H, H)``. b_x, b_h: ``(3H,)`` each; blocks ``r, z, n``.

    Returns:
        ``(h, cache)``: the hidden state at every step, ``(N, T, H)`` (a batch-first
        view of the time-major store; the last one is ``h[:, -1]``), and a :class:`GRUCache`.

    Raises:
        ValueError: naming the argument whose shape or dtype is wrong.
    """
    sizes = check_shape("x", x, ("N", "T", "D"))
    check_shape("h0", h0, ("N", "H"), sizes)
    _check_weights(sizes, W_x, W_h, b_x, b_h)
    dtype = check_float_dtype(x=x, h0=h0, W_x=W_x, W_h=W_h, b_x=b_x, b_h=b_h)
    N, T, D = x.shape
    H = sizes["H"]

    x_rows = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(T * N, D)  # time-major rows (t, n)
    input_terms = (x_rows @ W_x.T + b_x).reshape(T, N, 3 * H)  # every step in one product
    h = np.empty((T + 1, N, H), dtype=dtype)
    h[0] = h0
    gates = np.empty((T, N, 3 * H), dtype=dtype)
    hidden_n = np.empty((T, N, H), dtype=dtype)
    W_h_T = np.ascontiguousarray(W_h.T)  # (H, 3H)
    for t in range(T):
        hidden_term = h[t] @ W_h_T + b_h  # (N, 3H): one fused product for the three blocks
        h[t + 1] = _cell_forward(input_terms[t], hidden_term, h[t], gates[t])
        hidden_n[t] = hidden_term[:, 2 * H :]
    return h[1:].transpose(1, 0, 2), GRUCache(x_rows, h, gates, hidden_n, W_x, W_h)


def gru_backward(dh: np.ndarray, cache: GRUCache, dh_T: np.ndarray | None = None) -> GRUGradients:
    """Backpropagation through time over a whole sequence.

    At step ``t`` the gradient reaching ``h_t`` is ``dh[:, t]`` plus what step
    ``t + 1`` sent back, along two paths: directly through ``z ⊙ h_{t-1}`` and
    through ``W_h``. The per-step gradients of the input and hidden terms are kept
    in ``(T, N, 3H)`` arrays; the shared-weight gradients are formed after the
    loop by one product each.

    Args:
        dh: gradient of the loss with respect to every hidden state from the
            layers above, ``(N, T, H)``.
        cache: the :class:`GRUCache` returned by :func:`gru_forward`.
        dh_T: an extra gradient with respect to the last state ``h_T``, ``(N, H)``, or ``None``.

    Returns:
        :class:`GRUGradients` with ``dx (N, T, D)``, ``dh_prev`` the gradient at
        ``h0`` ``(N, H)``, and the weight gradients summed over time.
    """
    T_plus_1, N, H = cache.h.shape
    T, D = T_plus_1 - 1, cache.W_x.shape[1]
    check_numpy_array("dh", dh)
    check_shape("dh", dh, (N, T, H))
    if dh_T is not None:
        check_numpy_array("dh_T", dh_T)
        check_shape("dh_T", dh_T, (N, H))

    dh = dh.transpose(1, 0, 2)  # (T, N, H) view
    d_input = np.empty_like(cache.gates)  # (T, N, 3H)
    d_hidden = np.empty_like(cache.gates)  # (T, N, 3H)
    dh_next = np.zeros((N, H), dtype=cache.h.dtype) if dh_T is None else dh_T
    W_h = cache.W_h
    for t in reversed(range(T)):
        dh_t = dh[t] + dh_next
        dh_direct = _cell_backward(dh_t, cache.gates[t], cache.hidden_n[t], cache.h[t], d_input[t], d_hidden[t])
        dh_next = dh_direct + d_hidden[t] @ W_h  # (N, H)

    d_input_rows = d_input.reshape(T * N, 3 * H)
    d_hidden_rows = d_hidden.reshape(T * N, 3 * H)
    dW_x = d_input_rows.T @ cache.x  # (3H, D)
    dW_h = d_hidden_rows.T @ cache.h[:-1].reshape(T * N, H)  # (3H, H): against h_{t-1}
    dx = (d_input_rows @ cache.W_x).reshape(T, N, D).transpose(1, 0, 2)  # (N, T, D) view
    return GRUGradients(dx, dh_next, dW_x, dW_h, d_input_rows.sum(axis=0), d_hidden_rows.sum(axis=0))
