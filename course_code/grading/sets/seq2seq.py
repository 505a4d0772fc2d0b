"""Exercise set "seq2seq": greedy decoding, and the scores and context vector of additive attention.

Goes with the chapter "Encoder-decoder models and attention". The student writes,
in NumPy:

* ``greedy_decode(embedding, W_xh, W_hh, b_h, W_hy, b_y, h0, start_id, end_id, max_len)``:
  the decoding loop around a step function the notebook provides,
  ``decoder_step(previous_ids, h, embedding, W_xh, W_hh, b_h, W_hy, b_y)``
  (:func:`course_code.scratch.decoding.rnn_decoder_step`); a row stops after
  emitting ``end_id`` and its later positions hold 0;
* ``additive_attention_scores(query, keys, W_q, W_k, v)``: ``v . tanh(W_q q + W_k k_s)``
  for every source position;
* ``attention_context(scores, keys, mask)``: the masked softmax over the source
  positions and the weighted sum of the keys, returned as ``(weights, context)``.

Every greedy case is built so that some rows emit ``end_id`` before ``max_len`` and
others do not; every attention case has padding in some rows but a real position
in every column, so that a softmax over the wrong axis gives finite, recognisable
numbers; one case has ``N == S``.
"""

from __future__ import annotations

import numpy as np

from course_code.grading.questions import Case, ExerciseSet, KnownBug, Output, Property, Question, case_rng
from course_code.scratch.attention import additive_attention_scores, attention_context
from course_code.scratch.decoding import greedy_decode, rnn_decoder_step

__all__ = ["EXERCISE_SET"]

SEED = 16180

GREEDY_ARGS = ("embedding", "W_xh", "W_hh", "b_h", "W_hy", "b_y", "h0", "start_id", "end_id", "max_len")


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


# ---- greedy decoding ---------------------------------------------------------------------


def _decode(E, W_xh, W_hh, b_h, W_hy, b_y, h0, start_id, end_id, max_len, *, feed_back=True, carry=True,
            stop=True, record_input=False, write_end=True, stop_at_first=False):
    """The greedy loop, optionally with one of the known mistakes."""
    start_id, end_id, max_len = int(start_id), int(end_id), int(max_len)
    N = h0.shape[0]
    out = np.zeros((N, max_len), dtype=np.int64)
    previous, h, done = np.full(N, start_id), h0, np.zeros(N, dtype=bool)
    for t in range(max_len):
        logits, h_new = rnn_decoder_step(previous, h if carry else h0, E, W_xh, W_hh, b_h, W_hy, b_y)
        h = h_new
        best = logits.argmax(axis=1)
        written = previous if record_input else best
        active = ~done if stop else np.ones(N, dtype=bool)
        if not write_end:
            active = active & (best != end_id)
        out[active, t] = written[active]
        done = done | (best == end_id)
        if (stop_at_first and done.any()) or (stop and done.all()):
            break
        if feed_back:
            previous = best
    return out


def _greedy_cases() -> list[Case]:
    cases = []
    for i, (N, V, D, H, max_len) in enumerate([(1, 5, 3, 4, 1), (3, 6, 3, 4, 6), (1, 7, 4, 3, 8), (4, 6, 2, 5, 7),
                                               (5, 8, 3, 6, 9)]):
        rng = _rng(100 + i)
        for _ in range(200):
            weights = (rng.normal(0, 1.5, (V, D)), rng.normal(0, 1.0, (H, D)), rng.normal(0, 1.0, (H, H)),
                       rng.normal(0, 0.3, H), rng.normal(0, 2.0, (V, H)), rng.normal(0, 0.5, V))
            h0 = rng.normal(0, 1.0, (N, H))
            start_id = int(rng.integers(0, V))
            free = _decode(*weights, h0, start_id, -1, max_len)  # no end token: every row runs on
            if max_len == 1:
                end_id = int(free[0, 0])
                break
            end_id = int(free[0, min(2, max_len - 2)])  # row 0 ends early
            ended = [(row[:-1] == end_id).any() for row in free]
            varied = len(set(free[0].tolist())) > 1 and free[0, 0] != end_id
            if varied and (N == 1 or not all(ended)):  # and some row runs to max_len
                break
        args = (*weights, h0, np.array(start_id), np.array(end_id), np.array(max_len))
        cases.append(Case(f"N={N}, V={V}, D={D}, H={H}, max_len={max_len}", args,
                          {"N": N, "V": V, "D": D, "H": H, "max_len": max_len}))
    return cases


def _greedy_reference(E, W_xh, W_hh, b_h, W_hy, b_y, h0, start_id, end_id, max_len):
    def step(previous, h):
        return rnn_decoder_step(previous, h, E, W_xh, W_hh, b_h, W_hy, b_y)

    return greedy_decode(step, h0, int(start_id), int(end_id), int(max_len))


def _bug(**mistake):
    return lambda *args: _decode(*args, **mistake)


GREEDY_BUGS = (
    KnownBug("fed its own input instead of the previous prediction", _bug(feed_back=False),
             "Every step reads the same input again (start_id). After choosing a token, the next step must read "
             "that prediction: set previous_ids to the argmax you just took."),
    KnownBug("hidden state not carried", _bug(carry=False),
             "Every step starts again from h0: pass the h that decoder_step returned to the next step."),
    KnownBug("kept decoding after end_id", _bug(stop=False),
             "A row is finished once it has emitted end_id: its later positions must stay 0, even if the "
             "loop goes on for the other rows."),
    KnownBug("recorded the input, not the prediction", _bug(record_input=True),
             "Position t of the output holds the token chosen at step t, not the one the step read: start_id is "
             "not part of the output."),
    KnownBug("end_id not written", _bug(write_end=False),
             "end_id is part of the output: write it, then stop the row (its later positions hold 0)."),
    KnownBug("stopped when the first row ended", _bug(stop_at_first=True),
             "Stop the loop only when every row has emitted end_id (or after max_len steps); the other rows "
             "must go on."),
)


def _ids_in_range(output: np.ndarray, case: Case) -> str | None:
    V = case.sizes["V"]
    if ((output < 0) | (output >= V)).any():
        return f"an id is outside [0, V) = [0, {V}): {output.tolist()}"
    return None


# ---- attention ---------------------------------------------------------------------------


def _attention_inputs(i: int, N: int, S: int, H_q: int, H_k: int, A: int):
    rng = _rng(200 + i)
    lengths = rng.integers(1, S + 1, N)
    lengths[0] = S  # every column has a real position
    if N > 1:
        lengths[-1] = max(1, S - 2)  # and some row has padding
    mask = np.arange(S)[None, :] < lengths[:, None]
    keys = rng.normal(0, 1, (N, S, H_k))
    keys[~mask] = rng.normal(0, 1, (int((~mask).sum()), H_k))  # padding holds numbers too, to be ignored
    return (rng.normal(0, 1, (N, H_q)), keys, rng.normal(0, 0.7, (A, H_q)), rng.normal(0, 0.7, (A, H_k)),
            rng.normal(0, 1, A), mask)


ATTENTION_SHAPES = [(1, 1, 2, 3, 4), (1, 5, 3, 4, 2), (3, 5, 4, 6, 5), (4, 4, 3, 3, 3), (2, 7, 5, 2, 6)]


def _score_cases() -> list[Case]:
    cases = []
    for i, (N, S, H_q, H_k, A) in enumerate(ATTENTION_SHAPES):
        query, keys, W_q, W_k, v, _ = _attention_inputs(i, N, S, H_q, H_k, A)
        cases.append(Case(f"N={N}, S={S}, H_q={H_q}, H_k={H_k}, A={A}", (query, keys, W_q, W_k, v),
                          {"N": N, "S": S, "H_q": H_q, "H_k": H_k, "A": A}))
    return cases


SCORE_BUGS = (
    KnownBug("no tanh", lambda q, k, W_q, W_k, v: (k @ W_k.T + (q @ W_q.T)[:, None, :]) @ v,
             "The hidden layer has a tanh: e = v . tanh(W_q q + W_k k_s). Without it the score is linear."),
    KnownBug("query left out", lambda q, k, W_q, W_k, v: np.tanh(k @ W_k.T) @ v,
             "Add the projected query W_q q to every projected key before the tanh (broadcast it over the S "
             "positions with [:, None, :])."),
    KnownBug("summed instead of weighted by v",
             lambda q, k, W_q, W_k, v: np.tanh(k @ W_k.T + (q @ W_q.T)[:, None, :]).sum(-1),
             "The A hidden units are combined with the weights v (a dot product with v), not summed."),
)


def _context_cases() -> list[Case]:
    cases = []
    for i, (N, S, H_q, H_k, A) in enumerate(ATTENTION_SHAPES):
        query, keys, W_q, W_k, v, mask = _attention_inputs(i, N, S, H_q, H_k, A)
        scores = additive_attention_scores(query, keys, W_q, W_k, v)
        cases.append(Case(f"N={N}, S={S}, H_k={H_k}, {int((~mask).sum())} padded positions", (scores, keys, mask),
                          {"N": N, "S": S, "H_k": H_k}))
    return cases


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _with_weights(weights, keys):
    return weights, np.einsum("ns,nsh->nh", weights, keys)


def _after_softmax(scores, keys, mask):
    return _with_weights(_softmax(scores, 1) * mask, keys)


CONTEXT_BUGS = (
    KnownBug("softmax over the wrong axis",
             lambda s, k, m: _with_weights(_softmax(np.where(m, s, -np.inf), 0), k),
             "The weights of one output step are a distribution over the S source positions: take the softmax "
             "over axis 1 (or -1), so that each row, not each column, sums to 1."),
    KnownBug("padding not masked", lambda s, k, m: _with_weights(_softmax(s, 1), k),
             "Padded positions (mask False) must get weight 0: set their scores to -inf before the softmax."),
    KnownBug("masked after the softmax, not renormalised", _after_softmax,
             "Zeroing the padded weights after the softmax leaves rows that sum to less than 1. Mask the scores "
             "(-inf) before the softmax instead."),
    KnownBug("context from the scores, not the weights",
             lambda s, k, m: (_softmax(np.where(m, s, -np.inf), 1),
                              np.einsum("ns,nsh->nh", np.where(m, s, 0.0), k)),
             "The context vector is the sum of the keys weighted by the softmax weights, not by the raw scores."),
)


def _weights_are_distributions(output, case: Case) -> str | None:
    weights = output[0]
    mask = case.args[2]
    if (weights[~mask] != 0).any():
        return "a padded position (mask False) has a weight that is not 0."
    sums = weights.sum(axis=1)
    worst = int(np.abs(sums - 1).argmax())
    if abs(sums[worst] - 1) > 1e-6:
        return f"the weights of row {worst} sum to {sums[worst]:.6g}, not 1 (tolerance 1e-6)."
    return None


EXERCISE_SET = ExerciseSet(
    name="seq2seq",
    title="Greedy decoding and additive attention",
    chapter="Encoder-decoder models and attention",
    questions=(
        Question("greedy_decode", 4, GREEDY_ARGS, ("N", "max_len"), _greedy_reference, _greedy_cases,
                 GREEDY_BUGS, (Property("every id is a token of the vocabulary", _ids_in_range),)),
        Question("additive_attention_scores", 2, ("query", "keys", "W_q", "W_k", "v"), ("N", "S"),
                 additive_attention_scores, _score_cases, SCORE_BUGS),
        Question("attention_context", 3, ("scores", "keys", "mask"), (), attention_context, _context_cases,
                 CONTEXT_BUGS, (Property("weights are 0 at padding and each row sums to 1",
                                         _weights_are_distributions),),
                 outputs=(Output("weights", ("N", "S")), Output("context", ("N", "H_k")))),
    ),
)
