"""Delayed outputs: let a left-to-right model answer ``d`` steps late.

A causal tagger must emit the tag of word ``t`` at step ``t``, having read
``x_1, ..., x_t``. Schuster and Paliwal (1997) compare bidirectional networks
with a left-to-right network whose output is *delayed*: the tag of word ``t``
is emitted at step ``t + d``, after the network has also read
``x_{t+1}, ..., x_{t+d}``. The input gets ``d`` extra steps of a *wait* token
after each sequence's end, so that the last word's tag has somewhere to go::

    tokens   we  met  paris  said  <wait> <wait>          (d = 2)
    targets  --  --   O      O     PER    O               (-- : ignored)

The delay is the price in latency: a streaming tagger with delay ``d``
answers ``d`` words after each word arrives.
"""

from __future__ import annotations

import numpy as np

from course_code.masking import check_lengths
from course_code.shapes import check_numpy_array, check_positive_int, check_shape

__all__ = ["delay_outputs"]


def delay_outputs(
    tokens: np.ndarray,
    targets: np.ndarray,
    lengths: np.ndarray,
    delay: int,
    wait_id: int,
    padding_id: int = 0,
    ignore_index: int = -100,
) -> tuple[np.ndarray, np.ndarray]:
    """Shift every target ``delay`` steps later and append ``delay`` wait tokens.

    Args:
        tokens: integer token ids ``(N, T)``, padded at the end with ``padding_id``.
        targets: integer targets ``(N, T)``; only the first ``lengths[n]`` of row ``n``
            are read.
        lengths: real lengths ``(N,)``, integers in ``[1, T]``.
        delay: ``d >= 0``, how many steps late each target is emitted.
        wait_id: the token id read at the ``d`` steps after a sequence's end; it must
            differ from ``padding_id``, so that a model that finds lengths from the
            padding counts those steps as real.
        padding_id: the token id of padding.
        ignore_index: the target at steps that carry no target.

    Returns:
        ``(tokens, targets)``, both ``(N, T + d)``: row ``n`` reads its ``lengths[n]``
        tokens, then ``d`` wait tokens, then padding; its target at step ``t + d`` is
        the old target at ``t``, and ``ignore_index`` at its first ``d`` steps and on
        padding. With ``d = 0`` the real steps are unchanged.

    Raises:
        ValueError: if the shapes disagree, ``delay`` is not a non-negative integer,
            or ``wait_id`` equals ``padding_id``.
    """
    check_numpy_array("tokens", tokens)
    check_numpy_array("targets", targets)
    sizes = check_shape("tokens", tokens, ("N", "T"))
    check_shape("targets", targets, ("N", "T"), sizes)
    lengths = check_lengths(lengths, T=sizes["T"], N=sizes["N"], minimum=1)
    delay = check_positive_int("delay", delay, minimum=0)
    if wait_id == padding_id:
        raise ValueError(
            f"wait_id must differ from padding_id={padding_id}, got {wait_id!r}"
        )
    N, T = tokens.shape
    delay = int(delay)
    new_tokens = np.full((N, T + delay), padding_id, dtype=tokens.dtype)
    new_targets = np.full((N, T + delay), ignore_index, dtype=targets.dtype)
    for n, length in enumerate(lengths):
        new_tokens[n, :length] = tokens[n, :length]
        new_tokens[n, length : length + delay] = wait_id
        new_targets[n, delay : length + delay] = targets[n, :length]
    return new_tokens, new_targets
