"""Synthetic tasks with long-range dependencies: the adding problem and the copy task.

Both come from Hochreiter and Schmidhuber (1997) and are used in their modern
forms (Le et al. 2015; Arjovsky et al. 2016). Their difficulty is set by one
number, the sequence length, and each has a trivial baseline that a network
must beat to show that it has bridged the gap.
"""

from __future__ import annotations

import numpy as np

from course_code.shapes import check_generator, check_positive_int

__all__ = ["ADDING_BASELINE_MSE", "adding_problem", "copy_task", "copy_task_baseline"]

ADDING_BASELINE_MSE = 1.0 / 6.0
"""MSE of always predicting 1, the mean of the target: Var(a + b) = 2/12 for a, b ~ U[0, 1]."""


def _check_positive(**values) -> None:
    for name, value in values.items():
        check_positive_int(name, value)


def adding_problem(
    num_sequences: int,
    length: int,
    rng: np.random.Generator,
    window: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of random numbers, two of them marked; the target is the sum of the marked two.

    Each step has two features: a value drawn from U[0, 1] and a marker, 1 at
    exactly two steps and 0 elsewhere. By default one marker falls in the first
    half of the sequence and one in the second, so the network must find the
    marked values, hold the first one in memory across up to ``length`` steps,
    and add them. With ``window`` the two markers fall among the last ``window``
    steps instead (one in the first half of that window, one in the second);
    ``window = 2`` marks the last two steps, a dependency of one step in a
    sequence as long as before, which separates the length of the *dependency*
    from the length of the *sequence*. The values, the target and its baseline
    MSE 1/6 are the same either way, and ``window = length`` is the default task,
    draw for draw.

    Args:
        num_sequences: ``N``.
        length: ``T``, at least 2.
        rng: the source of randomness.
        window: how many of the last steps the markers may fall in,
            ``2 <= window <= T``, or ``None`` for the whole sequence.

    Returns:
        ``(x, y)``: inputs ``(N, T, 2)`` (values, markers) and targets ``(N,)`` in [0, 2].

    Raises:
        ValueError: if a size is not a positive integer, ``length < 2`` or
            ``window`` is not in ``[2, T]``.
    """
    _check_positive(num_sequences=num_sequences, length=length)
    check_generator("rng", rng)
    if length < 2:
        raise ValueError(f"length must be at least 2 (two marked steps), got {length}")
    if window is None:
        window = length
    check_positive_int("window", window)
    if not 2 <= window <= length:
        raise ValueError(f"window must be between 2 and T={length}, got {window}")
    values = rng.uniform(0.0, 1.0, size=(num_sequences, length))
    start, half = length - window, window // 2
    first = rng.integers(start, start + half, size=num_sequences)
    second = rng.integers(start + half, length, size=num_sequences)
    markers = np.zeros_like(values)
    rows = np.arange(num_sequences)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)  # (N, T, 2)
    y = values[rows, first] + values[rows, second]  # (N,)
    return x, y


def copy_task(
    num_sequences: int,
    delay: int,
    rng: np.random.Generator,
    num_symbols: int = 10,
    alphabet_size: int = 8,
) -> tuple[np.ndarray, np.ndarray]:
    """Remember a short sequence of symbols across a long delay, then reproduce it.

    The input is ``num_symbols`` random symbols from ``1..alphabet_size``, then
    ``delay - 1`` blanks (symbol 0), then a go signal (symbol ``alphabet_size + 1``),
    then ``num_symbols`` blanks, during which the target is the remembered
    symbols. Everywhere else the target is blank. Inputs are one-hot.

    Args:
        num_sequences: ``N``.
        delay: steps between the last symbol shown and the go signal's step, ``>= 1``.
        rng: the source of randomness.
        num_symbols: ``K``, how many symbols to remember.
        alphabet_size: symbols to choose from (excluding blank and go signal).

    Returns:
        ``(x, targets)``: one-hot inputs ``(N, T, alphabet_size + 2)`` and integer
        targets ``(N, T)`` in ``[0, alphabet_size]``, where ``T = delay + 2 K``.
    """
    _check_positive(num_sequences=num_sequences, delay=delay, num_symbols=num_symbols, alphabet_size=alphabet_size)
    check_generator("rng", rng)
    K, T = num_symbols, delay + 2 * num_symbols
    symbols = rng.integers(1, alphabet_size + 1, size=(num_sequences, K))
    inputs = np.zeros((num_sequences, T), dtype=np.int64)
    inputs[:, :K] = symbols
    inputs[:, K + delay - 1] = alphabet_size + 1  # the go signal
    targets = np.zeros((num_sequences, T), dtype=np.int64)
    targets[:, -K:] = symbols
    x = np.eye(alphabet_size + 2)[inputs]  # (N, T, alphabet_size + 2)
    return x, targets


def copy_task_baseline(delay: int, num_symbols: int = 10, alphabet_size: int = 8) -> float:
    """Mean cross-entropy of the best memoryless strategy: blank everywhere, then guess uniformly.

    ``K log(alphabet_size) / (delay + 2 K)`` nats per step: a model must beat this
    to show it remembers anything.
    """
    _check_positive(delay=delay, num_symbols=num_symbols, alphabet_size=alphabet_size)
    return num_symbols * float(np.log(alphabet_size)) / (delay + 2 * num_symbols)
