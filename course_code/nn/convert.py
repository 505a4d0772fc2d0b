"""Copy one RNN layer's weights between NumPy arrays and a torch module.

Works with :class:`course_code.nn.VanillaRNN` and with ``torch.nn.RNN``, which
share parameter names. NumPy's single bias ``b_h`` is the sum of PyTorch's two
biases, ``bias_ih + bias_hh``: only the sum enters the equations.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["rnn_layer_from_numpy", "rnn_layer_to_numpy"]


def rnn_layer_to_numpy(module: nn.Module, layer: int = 0) -> dict[str, np.ndarray]:
    """Return ``{"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,)}`` for one layer of ``module``."""
    get = lambda name: getattr(module, f"{name}_l{layer}")  # noqa: E731
    W_xh = get("weight_ih").detach().cpu().numpy().copy()
    W_hh = get("weight_hh").detach().cpu().numpy().copy()
    if getattr(module, "bias", True) is False:
        b_h = np.zeros(W_hh.shape[0], dtype=W_hh.dtype)
    else:
        b_h = (get("bias_ih") + get("bias_hh")).detach().cpu().numpy().copy()
    return {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h}


@torch.no_grad()
def rnn_layer_from_numpy(module: nn.Module, W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray, layer: int = 0) -> None:
    """Write NumPy weights into one layer of ``module`` in place.

    ``b_h`` goes into ``bias_ih`` and ``bias_hh`` is set to zero, so their sum is ``b_h``.

    Raises:
        ValueError: if a shape differs from the module's parameter of that name.
    """
    get = lambda name: getattr(module, f"{name}_l{layer}")  # noqa: E731
    pairs = [("weight_ih", "W_xh", W_xh), ("weight_hh", "W_hh", W_hh)]
    if getattr(module, "bias", True):
        pairs.append(("bias_ih", "b_h", b_h))
    for torch_name, numpy_name, array in pairs:
        target = get(torch_name)
        if tuple(np.shape(array)) != tuple(target.shape):
            raise ValueError(
                f"{numpy_name} must have shape {tuple(target.shape)} to fill {torch_name}_l{layer}, "
                f"got {tuple(np.shape(array))}"
            )
        target.copy_(torch.as_tensor(np.asarray(array), dtype=target.dtype))
    if getattr(module, "bias", True):
        get("bias_hh").zero_()
