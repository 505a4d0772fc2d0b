"""The vanilla (Elman) RNN in NumPy, forward pass, batch-first.

Column-vector form, one sequence (the form the chapters derive)::

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)        h_t: (H,)
    l_t = W_hy h_t + b_y                              l_t: (V,), the logits
    y_hat_t = softmax(l_t)

Row-batched form, ``N`` sequences at once (the form the code runs)::

    H_t = tanh(X_t W_xh^T + H_{t-1} W_hh^T + b_h)    X_t: (N, D), H_t: (N, H)

Weights are stored in PyTorch's layout, ``W_xh: (H, D)`` like ``weight_ih_l0``
and ``W_hh: (H, H)`` like ``weight_hh_l0``, so they can be copied to and from
``torch.nn.RNN`` unchanged. PyTorch keeps two biases, ``bias_ih_l0`` and
``bias_hh_l0``; only their sum enters the equations, and that sum is ``b_h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_code.scratch.activations import ACTIVATIONS
from course_code.shapes import check_float_dtype, check_shape

__all__ = [
    "RNNParams",
    "RNNStepCache",
    "RNNCache",
    "init_rnn_params",
    "output_layer",
    "rnn_forward",
    "rnn_step_forward",
]


@dataclass
class RNNParams:
    """The weights of a one-layer vanilla RNN with an output layer.

    Attributes:
        W_xh: input-to-hidden weights, ``(H, D)``.
        W_hh: hidden-to-hidden (recurrent) weights, ``(H, H)``.
        b_h: hidden bias, ``(H,)``.
        W_hy: hidden-to-output weights, ``(V, H)``.
        b_y: output bias, ``(V,)``.
    """

    W_xh: np.ndarray
    W_hh: np.ndarray
    b_h: np.ndarray
    W_hy: np.ndarray
    b_y: np.ndarray

    def num_parameters(self) -> int:
        """Total number of scalars: ``H*D + H*H + H + V*H + V``, whatever the sequence length."""
        return sum(a.size for a in (self.W_xh, self.W_hh, self.b_h, self.W_hy, self.b_y))


def init_rnn_params(
    input_size: int,
    hidden_size: int,
    output_size: int,
    rng: np.random.Generator,
    dtype=np.float64,
) -> RNNParams:
    """Draw weights uniformly from ``[-1/sqrt(H), 1/sqrt(H)]``, as ``torch.nn.RNN`` does.

    Args:
        input_size: ``D``. hidden_size: ``H``. output_size: ``V``.
        rng: the source of randomness, e.g. ``np.random.default_rng(0)``.
        dtype: floating-point dtype of every array.
    """
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(*shape):
        return rng.uniform(-bound, bound, size=shape).astype(dtype)

    return RNNParams(
        W_xh=draw(hidden_size, input_size),
        W_hh=draw(hidden_size, hidden_size),
        b_h=draw(hidden_size),
        W_hy=draw(output_size, hidden_size),
        b_y=draw(output_size),
    )


@dataclass
class RNNStepCache:
    """What one step's backward pass needs: its inputs and its output."""

    x: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    h: np.ndarray  # (N, H)
    W_xh: np.ndarray  # (H, D)
    W_hh: np.ndarray  # (H, H)
    nonlinearity: str


@dataclass
class RNNCache:
    """What the sequence backward pass needs: the inputs and every hidden state."""

    x: np.ndarray  # (N, T, D)
    h0: np.ndarray  # (N, H)
    h: np.ndarray  # (N, T, H)
    W_xh: np.ndarray  # (H, D)
    W_hh: np.ndarray  # (H, H)
    nonlinearity: str


def _activation(nonlinearity: str):
    if nonlinearity not in ACTIVATIONS:
        raise ValueError(f"nonlinearity must be one of {sorted(ACTIVATIONS)}, got {nonlinearity!r}")
    return ACTIVATIONS[nonlinearity]


def rnn_step_forward(
    x: np.ndarray,
    h_prev: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    b_h: np.ndarray,
    nonlinearity: str = "tanh",
) -> tuple[np.ndarray, RNNStepCache]:
    """One time step for a batch: ``h = tanh(x W_xh^T + h_prev W_hh^T + b_h)``.

    Args:
        x: inputs at this step, ``(N, D)``.
        h_prev: hidden state from the previous step, ``(N, H)``.
        W_xh: input-to-hidden weights, ``(H, D)``.
        W_hh: hidden-to-hidden weights, ``(H, H)``.
        b_h: hidden bias, ``(H,)``.
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.

    Returns:
        ``(h, cache)``: the new hidden state ``(N, H)`` and an :class:`RNNStepCache`.

    Raises:
        ValueError: naming the argument whose shape or dtype is wrong.
    """
    sizes = check_shape("x", x, ("N", "D"))
    check_shape("h_prev", h_prev, ("N", "H"), sizes)
    check_shape("W_xh", W_xh, ("H", "D"), sizes)
    check_shape("W_hh", W_hh, ("H", "H"), sizes)
    check_shape("b_h", b_h, ("H",), sizes)
    check_float_dtype(x=x, h_prev=h_prev, W_xh=W_xh, W_hh=W_hh, b_h=b_h)
    phi = _activation(nonlinearity)

    h = phi(x @ W_xh.T + h_prev @ W_hh.T + b_h)  # (N, H)
    return h, RNNStepCache(x, h_prev, h, W_xh, W_hh, nonlinearity)


def rnn_forward(
    x: np.ndarray,
    h0: np.ndarray,
    W_xh: np.ndarray,
    W_hh: np.ndarray,
    b_h: np.ndarray,
    nonlinearity: str = "tanh",
) -> tuple[np.ndarray, RNNCache]:
    """Run the RNN over whole sequences, the same weights at every step.

    Args:
        x: input sequences, batch-first, ``(N, T, D)``.
        h0: initial hidden state, ``(N, H)`` (zeros if you have nothing better).
        W_xh: ``(H, D)``. W_hh: ``(H, H)``. b_h: ``(H,)``.
        nonlinearity: ``"tanh"`` (default) or ``"relu"``.

    Returns:
        ``(h, cache)``: the hidden state at every step, ``(N, T, H)`` (the last
        one is ``h[:, -1]``), and an :class:`RNNCache`.

    Raises:
        ValueError: naming the argument whose shape or dtype is wrong.
    """
    sizes = check_shape("x", x, ("N", "T", "D"))
    check_shape("h0", h0, ("N", "H"), sizes)
    check_shape("W_xh", W_xh, ("H", "D"), sizes)
    check_shape("W_hh", W_hh, ("H", "H"), sizes)
    check_shape("b_h", b_h, ("H",), sizes)
    dtype = check_float_dtype(x=x, h0=h0, W_xh=W_xh, W_hh=W_hh, b_h=b_h)
    phi = _activation(nonlinearity)
    N, T, _ = x.shape

    inputs = x @ W_xh.T + b_h  # (N, T, H): the input term for every step in one product
    h = np.empty((N, T, sizes["H"]), dtype=dtype)
    h_t = h0
    for t in range(T):
        h_t = phi(inputs[:, t] + h_t @ W_hh.T)  # (N, H)
        h[:, t] = h_t
    return h, RNNCache(x, h0, h, W_xh, W_hh, nonlinearity)


def output_layer(h: np.ndarray, W_hy: np.ndarray, b_y: np.ndarray) -> np.ndarray:
    """Logits at every step: ``l_t = W_hy h_t + b_y`` (the chapters write it as ℓ_t).

    Args:
        h: hidden states, ``(N, T, H)``.
        W_hy: hidden-to-output weights, ``(V, H)``.
        b_y: output bias, ``(V,)``.

    Returns:
        Logits, ``(N, T, V)``; their softmax gives the predicted distributions.
    """
    sizes = check_shape("h", h, ("N", "T", "H"))
    check_shape("W_hy", W_hy, ("V", "H"), sizes)
    check_shape("b_y", b_y, ("V",), sizes)
    check_float_dtype(h=h, W_hy=W_hy, b_y=b_y)
    return h @ W_hy.T + b_y
