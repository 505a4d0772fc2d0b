"""Checks of hand-written code: central differences, relative error, gradient checks and torch parity.

The tests and the chapters share these, so that "checked against PyTorch" and
"checked numerically" mean the same computation everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["gradient_check", "numerical_gradient", "relative_error", "torch_parity"]


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    """Largest element-wise relative error, ``max |a - b| / max(|a| + |b|, floor)``.

    Symmetric in ``a`` and ``b``, and meaningful whatever the scale of the numbers.
    For float64 gradients, below 1e-6 is a pass (the course's pass mark, set in the
    chapter on BPTT); around 1e-2 or above is a bug.

    Raises:
        ValueError: if the shapes differ.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Gradient of the scalar ``f()`` with respect to the array ``x``, by central differences.

    ``f`` takes no arguments and reads ``x``, which is changed in place one entry
    at a time and restored afterwards::

        d_W = numerical_gradient(lambda: loss(params), params.W_hh)

    Each entry costs two calls of ``f``; the error of the estimate is O(eps^2).

    Args:
        f: returns a float computed from the current contents of ``x``.
        x: a float64 array (float32 is too coarse for eps around 1e-6).
        eps: the step.

    Returns:
        An array of the shape of ``x``.

    Raises:
        ValueError: if ``x`` is not a float64 array.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise ValueError(f"x must be a float64 numpy array, got {getattr(x, 'dtype', type(x).__name__)}")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        above = f()
        x[index] = original - eps
        below = f()
        x[index] = original
        grad[index] = (above - below) / (2 * eps)
    return grad


def gradient_check(loss: Callable[[], float], pairs: dict, eps: float = 1e-6) -> dict[str, float]:
    """The relative error of each hand-written gradient against central differences.

    The loop every gradient check runs, once::

        errors = gradient_check(loss, {"W_x": (params.W_x, grads.dW_x), "b": (params.b, grads.db)})

    Args:
        loss: returns the scalar loss computed from the current contents of the arrays.
        pairs: ``name -> (array, gradient)``; each array is a float64 NumPy array that
            ``loss`` reads, and ``gradient`` the hand-written gradient of its shape.
        eps: the step of the central differences.

    Returns:
        ``name -> relative error`` (:func:`relative_error`); below 1e-6 is a pass in float64.

    Raises:
        ValueError: if an array is not float64 or a gradient's shape differs from its array's.
    """
    errors = {}
    for name, (array, gradient) in pairs.items():
        if np.shape(gradient) != np.shape(array):
            raise ValueError(f"the gradient of {name} must have its shape {np.shape(array)}, "
                             f"got {np.shape(gradient)}")
        errors[name] = relative_error(gradient, numerical_gradient(loss, array, eps))
    return errors


def torch_parity(ours, reference, *inputs, loss: Callable | None = None) -> dict[str, float]:
    """Largest absolute difference between two torch modules on the same inputs, part by part.

    Runs both modules on copies of ``inputs``, backpropagates ``loss(output, state)``
    through each, and compares the outputs, the final states, the gradient of every
    parameter (the two modules must have the same parameter names, as the course's
    modules and ``torch.nn``'s do) and the gradient of every floating-point input::

        ours.load_state_dict(reference.state_dict())
        gaps = torch_parity(ours, reference, x)   # {"output": 2e-16, "state": ..., "weight_ih_l0": ...}

    Args:
        ours, reference: modules returning ``(output, state)``, ``state`` a tensor or a tuple of tensors.
        inputs: the positional inputs of both.
        loss: ``(output, state) -> scalar``; by default ``sum(sin(output)) + sum(state^2)``,
            which reads every output and every final state.

    Returns:
        ``part -> max |ours - reference|``, with parts ``"output"``, ``"state"``, each
        parameter's name, and ``"input 0"``, ``"input 1"``, ... for the inputs.

    Raises:
        ValueError: if the two modules' parameter names differ.
    """
    import torch  # here: the NumPy checks above do not need torch

    def flat(state):
        return torch.cat([s.reshape(-1) for s in state]) if isinstance(state, (tuple, list)) else state.reshape(-1)

    loss = loss or (lambda output, state: output.sin().sum() + flat(state).square().sum())
    names = [name for name, _ in ours.named_parameters()]
    if names != [name for name, _ in reference.named_parameters()]:
        raise ValueError("ours and reference must have the same parameter names in the same order")
    results = []
    for module in (ours, reference):
        copies = [x.detach().clone().requires_grad_(x.is_floating_point()) if isinstance(x, torch.Tensor) else x
                  for x in inputs]
        module.zero_grad(set_to_none=True)
        output, state = module(*copies)
        loss(output, state).backward()
        parts = {"output": output.detach(), "state": flat(state).detach()}
        parts |= {name: p.grad for name, p in module.named_parameters()}
        parts |= {f"input {k}": x.grad for k, x in enumerate(copies)
                  if isinstance(x, torch.Tensor) and x.grad is not None}
        results.append(parts)
    return {part: float((results[0][part] - results[1][part]).abs().max()) for part in results[0]}
