"""Greedy decoding in NumPy, for any decoder given as a step function.

A decoder step maps the previous token and the state to the next token's logits and
the new state: ``step(previous_ids (N,), h (N, H)) -> (logits (N, V), h (N, H))``.
Greedy decoding starts from ``<bos>`` and, at every step, emits the token with the
largest logit and feeds *that prediction* back in as the next input::

    y_0 = start_id;   for t = 1, 2, ...:   l_t, h_t = step(y_{t-1}, h_{t-1});   y_t = argmax l_t

A row stops once it has emitted ``end_id``; its later positions hold ``pad_id``.
:mod:`course_code.models.decoding` does the same for the course's torch models, and
adds beam search.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_code.shapes import check_ids, check_positive_int, check_shape

__all__ = ["greedy_decode", "rnn_decoder_step"]


def rnn_decoder_step(previous_ids: np.ndarray, h: np.ndarray, embedding: np.ndarray, W_xh: np.ndarray,
                     W_hh: np.ndarray, b_h: np.ndarray, W_hy: np.ndarray, b_y: np.ndarray):
    """One step of an embedding -> vanilla RNN -> linear decoder.

    ``h' = tanh(E[y] W_xh^T + h W_hh^T + b_h)`` and ``logits = h' W_hy^T + b_y``.

    Args:
        previous_ids: ``(N,)`` integer ids. h: ``(N, H)``. embedding: ``(V, D)``.
        W_xh: ``(H, D)``. W_hh: ``(H, H)``. b_h: ``(H,)``. W_hy: ``(V, H)``. b_y: ``(V,)``.

    Returns:
        ``(logits (N, V), h' (N, H))``.
    """
    sizes = check_shape("h", h, ("N", "H"))
    check_shape("previous_ids", previous_ids, ("N",), sizes)
    check_shape("embedding", embedding, ("V", "D"), sizes)
    check_shape("W_xh", W_xh, ("H", "D"), sizes)
    check_shape("W_hy", W_hy, ("V", "H"), sizes)
    previous_ids = np.asarray(check_ids("previous_ids", previous_ids, sizes["V"]))
    h = np.tanh(embedding[previous_ids] @ W_xh.T + h @ W_hh.T + b_h)
    return h @ W_hy.T + b_y, h


def greedy_decode(step: Callable, h0: np.ndarray, start_id: int, end_id: int, max_len: int,
                  pad_id: int = 0) -> np.ndarray:
    """Decode greedily for ``max_len`` steps from ``h0``, feeding each prediction back in.

    Args:
        step: ``(previous_ids (N,), h (N, H)) -> (logits (N, V), h (N, H))``.
        h0: ``(N, H)``, the decoder's initial state (for an encoder-decoder, it carries the source).
        start_id: the token every row reads first (``<bos>``).
        end_id: the token that ends a row (``<eos>``); it is written, then the row stops.
        max_len: the number of steps, ``>= 1``.
        pad_id: what fills a row's positions after its ``end_id``.

    Returns:
        ``int64`` ids ``(N, max_len)``.
    """
    check_shape("h0", h0, ("N", "H"))
    max_len = check_positive_int("max_len", max_len)
    N = h0.shape[0]
    out = np.full((N, max_len), pad_id, dtype=np.int64)
    previous = np.full(N, start_id, dtype=np.int64)
    done = np.zeros(N, dtype=bool)
    h = h0
    for t in range(max_len):
        logits, h = step(previous, h)
        best = logits.argmax(axis=1)  # (N,): one choice per row, over the V tokens
        out[~done, t] = best[~done]
        done = done | (best == end_id)
        if done.all():
            break
        previous = best  # the prediction, not anything given, is the next input
    return out
