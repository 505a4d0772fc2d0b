"""The delayed-echo task: repeat the input bit seen ``delay`` steps ago.

A dependency of known length, so we can ask whether a training method can
learn to bridge it: the target at step ``t`` is the bit at step ``t - delay``
(and class 0 for the first ``delay`` steps, where there is nothing to echo).
"""

from __future__ import annotations

import numpy as np

from course_code.shapes import check_generator, check_positive_int

__all__ = ["delayed_echo"]


def delayed_echo(num_sequences: int, length: int, delay: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random bits as inputs (encoded as -1 / +1) and the same bits ``delay`` steps later as targets.

    Args:
        num_sequences: ``N``. length: ``T``. delay: ``1 <= delay < T``.
        rng: the source of randomness.

    Returns:
        ``(x, targets)``: inputs ``(N, T, 1)`` of -1.0 or +1.0, and integer
        targets ``(N, T)`` in {0, 1} with ``targets[:, t] = bits[:, t - delay]``.
    """
    for name, value in (("num_sequences", num_sequences), ("length", length), ("delay", delay)):
        check_positive_int(name, value)
    check_generator("rng", rng)
    if delay >= length:
        raise ValueError(f"delay must be smaller than length, got delay={delay}, length={length}")
    bits = rng.integers(0, 2, size=(num_sequences, length))
    x = (2.0 * bits - 1.0)[..., None]
    targets = np.zeros_like(bits)
    targets[:, delay:] = bits[:, :-delay]
    return x, targets
