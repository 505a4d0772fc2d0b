"""Multi-head scaled dot-product self-attention as a ``torch.nn.Module``.

The same equations as :mod:`course_code.scratch.self_attention`: for a batch
``X`` ``(N, T, E)`` and ``h`` heads of ``d = E / h`` columns,

    Q, K, V = X W_q^T + b_q,  X W_k^T + b_k,  X W_v^T + b_v
    A_j     = softmax(Q_j K_j^T / sqrt(d))      masked keys get weight 0
    Y       = [A_1 V_1 ... A_h V_h] W_o^T + b_o

The parameters have ``torch.nn.MultiheadAttention``'s names and layout
(``in_proj_weight`` ``(3E, E)``, ``in_proj_bias``, ``out_proj.weight``,
``out_proj.bias``), so a ``state_dict`` loads into it and back; the tests check that
both compute the same outputs and weights. Masks follow the course's convention,
``True`` on real positions (PyTorch's ``key_padding_mask`` is the opposite).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from course_code.shapes import check_positive_int

__all__ = ["SelfAttention", "causal_mask", "scaled_dot_product_attention",
           "sinusoidal_positions"]


def causal_mask(T: int) -> torch.Tensor:
    """Booleans ``(T, T)``, ``True`` where query ``t`` may read key ``s``: ``s <= t``."""
    T = check_positive_int("T", T)
    return torch.ones(T, T, dtype=torch.bool).tril()


def sinusoidal_positions(T: int, E: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Sinusoidal positional encodings ``(T, E)``: ``sin``/``cos`` of ``t / 10000^(2i/E)``.

    Column ``2i`` holds the sine and column ``2i + 1`` the cosine of one frequency
    (Vaswani et al., 2017); equal to
    :func:`course_code.scratch.self_attention.sinusoidal_positions`.
    """
    T = check_positive_int("T", T)
    E = check_positive_int("E", E)
    if E % 2:
        raise ValueError(f"E must be even, got {E}")
    t = torch.arange(T, dtype=torch.float64)[:, None]
    frequencies = 10000.0 ** (-torch.arange(0, E, 2, dtype=torch.float64) / E)
    encoding = torch.empty(T, E, dtype=torch.float64)
    encoding[:, 0::2] = torch.sin(t * frequencies)
    encoding[:, 1::2] = torch.cos(t * frequencies)
    return encoding.to(dtype)


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 allowed: torch.Tensor | None = None
                                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """``softmax(q k^T / sqrt(d)) v`` over the last two axes.

    Args:
        q: queries ``(..., T, d)``.
        k: keys ``(..., S, d)``.
        v: values ``(..., S, d_v)``.
        allowed: booleans broadcastable to ``(..., T, S)``, ``True`` where a query may
            read a key; every query needs at least one, or ``None``.

    Returns:
        ``(out (..., T, d_v), weights (..., T, S))``.
    """
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if allowed is not None:
        scores = scores.masked_fill(~allowed, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


class SelfAttention(nn.Module):
    """Multi-head self-attention over a batch of sequences, optionally causal.

    Args:
        embed_dim: ``E``, the size of every position's vector.
        num_heads: ``h``, a divisor of ``E``.

    Inputs: ``x (N, T, E)``; ``mask``, booleans ``(N, T)`` that are ``True`` on real
    positions (padded keys get weight 0), or ``None``; ``causal``: if true, position ``t``
    reads only positions ``s <= t``.

    Outputs: ``y (N, T, E)`` and ``weights (N, h, T, T)``, each row of the weights a
    distribution over the keys.
    """

    def __init__(self, embed_dim: int, num_heads: int = 1) -> None:
        super().__init__()
        E = check_positive_int("embed_dim", embed_dim)
        h = check_positive_int("num_heads", num_heads)
        if E % h:
            raise ValueError(f"num_heads={h} must divide embed_dim={E}")
        self.embed_dim, self.num_heads = E, h
        self.in_proj_weight = nn.Parameter(torch.empty(3 * E, E))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * E))
        self.out_proj = nn.Linear(E, E)
        nn.init.xavier_uniform_(self.in_proj_weight)  # as torch.nn.MultiheadAttention
        nn.init.zeros_(self.out_proj.bias)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None,
                causal: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise TypeError(f"x must be a floating-point tensor (N, T, E={self.embed_dim}), "
                            f"got {getattr(x, 'dtype', type(x).__name__)}")
        if x.dim() != 3 or x.shape[2] != self.embed_dim or x.shape[1] == 0:
            raise ValueError(f"x must have shape (N, T, E={self.embed_dim}) with T >= 1, "
                             f"got {tuple(x.shape)}")
        if x.dtype != self.in_proj_weight.dtype:
            raise TypeError(f"x is {x.dtype} but the layer's parameters are "
                            f"{self.in_proj_weight.dtype}; convert one of them")
        N, T, E = x.shape
        h, d = self.num_heads, E // self.num_heads
        allowed = None
        if mask is not None:
            if not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool \
                    or tuple(mask.shape) != (N, T):
                raise ValueError(f"mask must be a boolean tensor (N={N}, T={T}), True on "
                                 f"real positions, got {getattr(mask, 'dtype', mask)!r} "
                                 f"{tuple(getattr(mask, 'shape', ()))}")
            if bool((~mask.any(dim=1)).any()):
                raise ValueError("every row of mask needs at least one real position")
            allowed = mask[:, None, None, :]  # (N, 1, 1, T)
        if causal:
            future = causal_mask(T).to(x.device)[None, None]  # (1, 1, T, T)
            allowed = future if allowed is None else allowed & future
        projected = x @ self.in_proj_weight.T + self.in_proj_bias  # (N, T, 3E)
        q, k, v = projected.reshape(N, T, 3, h, d).permute(2, 0, 3, 1, 4)  # (N, h, T, d)
        out, weights = scaled_dot_product_attention(q, k, v, allowed)
        concat = out.transpose(1, 2).reshape(N, T, E)  # heads side by side
        return self.out_proj(concat), weights
