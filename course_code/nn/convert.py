"""Copy one recurrent layer's weights between NumPy arrays and a torch module.

:func:`layer_arrays` and :func:`fill_layer` read and write the four parameters
that ``torch.nn.RNN``, ``torch.nn.GRU``, ``torch.nn.LSTM`` and the course's
modules share (``weight_ih_l{l}``, ``weight_hh_l{l}``, ``bias_ih_l{l}``,
``bias_hh_l{l}``); each model names the NumPy side its own way.

For the vanilla RNN, NumPy's single bias ``b_h`` is the sum of PyTorch's two
biases, ``bias_ih + bias_hh``: only the sum enters the equations.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course_code.shapes import check_numpy_array, check_positive_int

__all__ = ["check_no_bias_lost", "fill_layer", "layer_arrays", "rnn_layer_from_numpy", "rnn_layer_to_numpy"]


def _check_layer(module: nn.Module, layer) -> int:
    layer = check_positive_int("layer", layer, minimum=0)
    if not hasattr(module, f"weight_ih_l{layer}"):
        raise ValueError(f"layer must be a layer of the module, got {layer} "
                         f"(it has num_layers={getattr(module, 'num_layers', '?')})")
    return layer


def check_no_bias_lost(module: nn.Module, **biases: np.ndarray) -> None:
    """Raise ``ValueError`` if ``module`` has no biases but one of ``biases`` is not all zero.

    A ``bias=False`` module cannot hold a bias: copying weights into it would
    silently drop a non-zero one and change what the layer computes.
    """
    if getattr(module, "bias", True) is not False:
        return
    for name, bias in biases.items():
        check_numpy_array(name, bias)
        if np.any(bias != 0):
            raise ValueError(f"{name} is not zero but the module was built with bias=False, "
                             f"so it cannot hold it; build it with bias=True")


def layer_arrays(module: nn.Module, layer: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Copies of one layer's ``(weight_ih, weight_hh, bias_ih, bias_hh)`` as NumPy arrays.

    The biases are zeros of the right shape for a module built with ``bias=False``.

    Raises:
        ValueError: if ``layer`` is not a layer of ``module``.
    """
    layer = _check_layer(module, layer)
    get = lambda name: getattr(module, f"{name}_l{layer}").detach().cpu().numpy().copy()  # noqa: E731
    weight_ih, weight_hh = get("weight_ih"), get("weight_hh")
    if getattr(module, "bias", True) is False:
        zeros = np.zeros(weight_hh.shape[0], dtype=weight_hh.dtype)
        return weight_ih, weight_hh, zeros, zeros.copy()
    return weight_ih, weight_hh, get("bias_ih"), get("bias_hh")


@torch.no_grad()
def fill_layer(module: nn.Module, layer: int, arrays: list[tuple[str, str, np.ndarray]]) -> None:
    """Copy NumPy arrays into one layer's parameters, in place.

    Args:
        module: a module with PyTorch's recurrent parameter names.
        layer: which layer.
        arrays: ``(torch name, NumPy name, array)`` triples, e.g.
            ``("weight_hh", "W_hh", W_hh)``; the NumPy name is used in errors.

    Raises:
        ValueError: if an array's shape differs from its parameter's, or ``layer``
            is not a layer of ``module``.
        TypeError: if an array is not a NumPy array.
    """
    layer = _check_layer(module, layer)
    for torch_name, numpy_name, array in arrays:
        check_numpy_array(numpy_name, array)
        target = getattr(module, f"{torch_name}_l{layer}")
        if tuple(np.shape(array)) != tuple(target.shape):
            raise ValueError(
                f"{numpy_name} must have shape {tuple(target.shape)} to fill {torch_name}_l{layer}, "
                f"got {tuple(np.shape(array))}"
            )
        target.copy_(torch.as_tensor(np.asarray(array), dtype=target.dtype))


def rnn_layer_to_numpy(module: nn.Module, layer: int = 0) -> dict[str, np.ndarray]:
    """Return ``{"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,)}`` for one layer of ``module``."""
    W_xh, W_hh, b_ih, b_hh = layer_arrays(module, layer)
    return {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_ih + b_hh}


@torch.no_grad()
def rnn_layer_from_numpy(module: nn.Module, W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray, layer: int = 0) -> None:
    """Write NumPy weights into one layer of ``module`` in place.

    ``b_h`` goes into ``bias_ih`` and ``bias_hh`` is set to zero, so their sum is ``b_h``.

    Raises:
        ValueError: if a shape differs from the module's parameter of that name, or
            ``b_h`` is not zero for a module built with ``bias=False``.
    """
    check_no_bias_lost(module, b_h=b_h)
    arrays = [("weight_ih", "W_xh", W_xh), ("weight_hh", "W_hh", W_hh)]
    has_bias = getattr(module, "bias", True)
    fill_layer(module, layer, arrays + ([("bias_ih", "b_h", b_h)] if has_bias else []))
    if has_bias:
        getattr(module, f"bias_hh_l{layer}").zero_()
