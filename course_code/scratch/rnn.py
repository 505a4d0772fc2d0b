"""The vanilla (Elman) RNN in NumPy, forward and backward, batch-first.

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
from typing import NamedTuple

import numpy as np

from course_code.scratch.activations import ACTIVATIONS, derivative_from_output
from course_code.scratch.initialisation import uniform_drawer
from course_code.shapes import check_float_dtype, check_numpy_array, check_numpy_arrays, check_shape

__all__ = [
    "RNNParams",
    "RNNStepCache",
    "RNNCache",
    "RNNGradients",
    "init_rnn_params",
    "output_layer",
    "output_layer_backward",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
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
    draw = uniform_drawer(hidden_size, rng, dtype, input_size=input_size, output_size=output_size)
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


class RNNGradients(NamedTuple):
    """Gradients of the loss with respect to the inputs and weights of an RNN layer.

    For one step ``dx`` is ``(N, D)`` and ``dh_prev`` is ``(N, H)``; for a whole
    sequence ``dx`` is ``(N, T, D)`` and ``dh_prev`` is the gradient at ``h0``.
    """

    dx: np.ndarray
    dh_prev: np.ndarray
    dW_xh: np.ndarray  # (H, D)
    dW_hh: np.ndarray  # (H, H)
    db_h: np.ndarray  # (H,)


def rnn_step_backward(dh: np.ndarray, cache: RNNStepCache) -> RNNGradients:
    """Backward pass of one step, ``h = tanh(x W_xh^T + h_prev W_hh^T + b_h)``.

    Args:
        dh: gradient of the loss with respect to this step's output ``h``, ``(N, H)``:
            everything that flows into ``h``, from the output layer and from the next step.
        cache: the :class:`RNNStepCache` returned by :func:`rnn_step_forward`.

    Returns:
        :class:`RNNGradients` with ``dx (N, D)``, ``dh_prev (N, H)``, ``dW_xh (H, D)``,
        ``dW_hh (H, H)``, ``db_h (H,)``.
    """
    check_numpy_array("dh", dh)
    check_shape("dh", dh, cache.h.shape)
    da = dh * derivative_from_output(cache.nonlinearity, cache.h)  # (N, H): tanh'(a) = 1 - h^2
    return RNNGradients(
        dx=da @ cache.W_xh,  # (N, D)
        dh_prev=da @ cache.W_hh,  # (N, H)
        dW_xh=da.T @ cache.x,  # (H, D): summed over the batch
        dW_hh=da.T @ cache.h_prev,  # (H, H)
        db_h=da.sum(axis=0),  # (H,)
    )


def rnn_backward(dh: np.ndarray, cache: RNNCache) -> RNNGradients:
    """Backpropagation through time over a whole sequence.

    Walks from the last step to the first. At step ``t`` the gradient reaching
    ``h_t`` is the sum of what its own output sent (``dh[:, t]``) and what step
    ``t + 1`` sent back through ``W_hh``. The weights are shared by every step,
    so their gradients are the *sum* of the per-step gradients.

    Args:
        dh: gradient of the loss with respect to every hidden state from the
            layers above (not through the recurrence), ``(N, T, H)``.
        cache: the :class:`RNNCache` returned by :func:`rnn_forward`.

    Returns:
        :class:`RNNGradients` with ``dx (N, T, D)``, ``dh_prev`` the gradient at
        ``h0`` ``(N, H)``, and ``dW_xh``, ``dW_hh``, ``db_h`` summed over time.
    """
    check_numpy_array("dh", dh)
    check_shape("dh", dh, cache.h.shape)
    N, T, _ = cache.x.shape
    dx = np.empty_like(cache.x)
    dW_xh, dW_hh = np.zeros_like(cache.W_xh), np.zeros_like(cache.W_hh)
    db_h = np.zeros(cache.W_hh.shape[0], dtype=cache.h.dtype)
    dh_next = np.zeros_like(cache.h0)  # nothing flows back from beyond the last step
    for t in reversed(range(T)):
        h_prev = cache.h[:, t - 1] if t > 0 else cache.h0
        step = RNNStepCache(cache.x[:, t], h_prev, cache.h[:, t], cache.W_xh, cache.W_hh, cache.nonlinearity)
        grads = rnn_step_backward(dh[:, t] + dh_next, step)
        dx[:, t] = grads.dx
        dW_xh += grads.dW_xh
        dW_hh += grads.dW_hh
        db_h += grads.db_h
        dh_next = grads.dh_prev
    return RNNGradients(dx, dh_next, dW_xh, dW_hh, db_h)


def output_layer_backward(
    dlogits: np.ndarray, h: np.ndarray, W_hy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`output_layer`, ``logits = h W_hy^T + b_y``.

    Args:
        dlogits: gradient with respect to the logits, ``(N, T, V)``.
        h: the hidden states the logits were computed from, ``(N, T, H)``.
        W_hy: ``(V, H)``.

    Returns:
        ``(dh, dW_hy, db_y)`` of shapes ``(N, T, H)``, ``(V, H)``, ``(V,)``; the
        weight gradients are summed over the batch and over time.
    """
    check_numpy_arrays(dlogits=dlogits, h=h, W_hy=W_hy)
    sizes = check_shape("dlogits", dlogits, ("N", "T", "V"))
    check_shape("h", h, ("N", "T", "H"), sizes)
    check_shape("W_hy", W_hy, ("V", "H"), sizes)
    dh = dlogits @ W_hy  # (N, T, H)
    dW_hy = np.einsum("ntv,nth->vh", dlogits, h)  # sum over n and t of outer products
    db_y = dlogits.sum(axis=(0, 1))
    return dh, dW_hy, db_y
