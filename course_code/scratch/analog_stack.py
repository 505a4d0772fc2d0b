"""A stack of bits in one neuron, as in Siegelmann and Sontag's construction.

The construction behind the universality theorem stores a Turing machine's
tape in the digits of one number. Here is its basic part: a stack of bits kept
in a state ``q`` in ``[0, 1)``, written in base 4 with the digits 1 (bit 0) and
3 (bit 1). Every operation is an affine map followed by the saturated-linear
activation ``sigma(z) = min(1, max(0, z))``, which is what one neuron computes::

    push(b):  q <- sigma(q / 4 + (2 b + 1) / 4)
    top:      t  = sigma(4 q - 2)              # 1 if q >= 3/4, 0 if q < 1/2
    pop:      q <- sigma(4 q - (2 t + 1))

With exact rational arithmetic the stack is exact at any depth. With floats each
push shifts the stored digits two bits further right, so a float with a
``p``-bit significand keeps about ``p / 2`` of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

__all__ = ["first_failing_depth", "round_trip", "saturated_linear"]


def saturated_linear(z):
    """The activation of the theorem, ``min(1, max(0, z))``, for any number type."""
    return min(max(z, 0 * z), 0 * z + 1)


def round_trip(bits: Sequence[int], number: Callable = Fraction) -> list[int]:
    """Push ``bits`` in order, then pop them all; return them in the order pushed.

    Args:
        bits: zeros and ones.
        number: the number type of the state: ``Fraction`` (exact), ``float``
            (float64) or ``np.float32``.

    Returns:
        The popped bits, reversed: equal to ``bits`` when the stack is exact.

    Raises:
        ValueError: if an entry of ``bits`` is not 0 or 1.
    """
    if any(bit not in (0, 1) for bit in bits):
        raise ValueError(f"bits must be zeros and ones, got {list(bits)!r}")
    one, q = number(1), number(0)
    for bit in bits:
        q = saturated_linear(q / 4 + (2 * bit + 1) * one / 4)
    popped = []
    for _ in bits:
        top = 1 if saturated_linear(4 * q - 2 * one) >= one / 2 else 0
        popped.append(top)
        q = saturated_linear(4 * q - (2 * top + 1) * one)
    return popped[::-1]


def first_failing_depth(
    number: Callable, max_depth: int = 60, trials: int = 20, seed: int = 0
) -> int | None:
    """The smallest stack depth at which a push-then-pop round trip loses a bit.

    Args:
        number: the number type, as in :func:`round_trip`.
        max_depth: the deepest stack tried.
        trials: random bit strings tried at each depth.
        seed: seeds the bit strings.

    Returns:
        The first depth with a failed round trip, or ``None`` if every depth up
        to ``max_depth`` was exact.
    """
    rng = np.random.default_rng(seed)
    for depth in range(1, max_depth + 1):
        for _ in range(trials):
            bits = [int(bit) for bit in rng.integers(0, 2, size=depth)]
            if round_trip(bits, number) != bits:
                return depth
    return None
