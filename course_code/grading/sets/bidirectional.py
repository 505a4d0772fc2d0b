"""Exercise set "bidirectional": reading sequences both ways, padded batches, the masked loss.

Goes with the chapter "Deep and bidirectional RNNs". The notebook gives the
student a left-to-right RNN, ``run_rnn(x, W_xh, W_hh, b_h) -> h (N, T, H)``
(zero initial state), and asks for four plain NumPy functions:

* ``reverse_padded(x, lengths)``: reverse each sequence within its length,
  padding left where it is;
* ``bidirectional_rnn(x, W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b)``: the
  wrapper ``[h→_t ; h←_t]`` over ``run_rnn``, ``(N, T, 2H)``;
* ``bidirectional_rnn_padded(x, lengths, ...same weights...)``: the same for a
  padded batch, zero at padded steps;
* ``masked_cross_entropy(logits, targets, lengths)``: the mean loss over real steps.

References: :mod:`course_code.scratch.bidirectional`. The padding of every case
holds large random numbers, so an answer that lets padding into a real step,
or moves it, is caught by its values.
"""

from __future__ import annotations

import numpy as np

from course_code.data.sequences import length_mask
from course_code.grading.questions import Case, ExerciseSet, KnownBug, Property, Question, case_rng
from course_code.scratch.bidirectional import bidirectional_forward, masked_cross_entropy, reverse_padded
from course_code.scratch.losses import log_softmax
from course_code.scratch.rnn import rnn_forward

__all__ = ["EXERCISE_SET", "run_rnn"]

SEED = 16180
WEIGHT_NAMES = ("W_xh_f", "W_hh_f", "b_h_f", "W_xh_b", "W_hh_b", "b_h_b")


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


def run_rnn(x, W_xh, W_hh, b_h):
    """The left-to-right RNN the notebook gives the student: zero initial state, ``(N, T, H)``."""
    return rnn_forward(x, np.zeros((x.shape[0], W_hh.shape[0]), dtype=x.dtype), W_xh, W_hh, b_h)[0]


def _padded_inputs(rng, N: int, T: int, D: int, lengths) -> np.ndarray:
    """``(N, T, D)`` inputs whose padded steps hold large garbage, so that any leak shows."""
    x = rng.normal(size=(N, T, D))
    padding = ~length_mask(np.asarray(lengths), T)
    x[padding] = rng.uniform(5, 50, size=(int(padding.sum()), D))
    return x


def _weights(rng, D: int, H: int):
    forward = (rng.normal(0, 0.5, (H, D)), rng.normal(0, 0.5, (H, H)), rng.normal(0, 0.3, H))
    backward = (rng.normal(0, 0.5, (H, D)), rng.normal(0, 0.5, (H, H)), rng.normal(0, 0.3, H))
    return forward + backward


PADDED_SHAPES = [  # N, T, D, lengths
    (1, 1, 2, [1]),
    (1, 5, 3, [5]),
    (3, 6, 2, [6, 3, 1]),
    (4, 5, 1, [2, 5, 4, 1]),
    (2, 7, 3, [4, 6]),
]


# ---- 1. reversing within lengths ------------------------------------------------------------


def _reverse_cases() -> list[Case]:
    cases = []
    for i, (N, T, D, lengths) in enumerate(PADDED_SHAPES):
        x = _padded_inputs(_rng(100 + i), N, T, D, lengths)
        cases.append(Case(f"N={N}, T={T}, D={D}, lengths={lengths}", (x, np.array(lengths)), {"N": N, "T": T, "D": D}))
    return cases


def _zero_padding(x, lengths):
    return x * length_mask(lengths, x.shape[1])[..., None]


def _padding_unchanged(output, case: Case) -> str | None:
    x, lengths = case.args
    padding = ~length_mask(lengths, x.shape[1])
    if not np.array_equal(output[padding], x[padding]):
        return ("the padded steps changed; they must stay where they are, as they are "
                "(out[n, t] = x[n, t] for t >= lengths[n]).")
    return None


REVERSE_BUGS = (
    KnownBug("whole rows reversed, padding included", lambda x, lengths: x[:, ::-1].copy(),
             "x[:, ::-1] reverses the padding too and moves it to the front. Reverse only the first lengths[n] "
             "steps of row n: out[n, :k] = x[n, k - 1::-1] with k = lengths[n], and leave the rest."),
    KnownBug("reversed along the batch axis", lambda x, lengths: x[::-1].copy(),
             "Axis 0 is the batch. Time is axis 1: reverse the steps of each sequence, "
             "not the order of the sequences."),
    KnownBug("padding zeroed", lambda x, lengths: _zero_padding(reverse_padded(x, lengths), lengths),
             "The real steps are right, but the padded steps were set to zero. Leave them as they are."),
    KnownBug("not reversed", lambda x, lengths: x.copy(), "The result equals the input: nothing was reversed."),
)


# ---- 2. the bidirectional wrapper -------------------------------------------------------------


def _bidirectional_cases() -> list[Case]:
    cases = []
    for i, (N, T, D, H) in enumerate([(1, 1, 2, 3), (2, 5, 3, 4), (3, 4, 4, 4), (1, 6, 2, 5), (4, 3, 5, 2)]):
        rng = _rng(200 + i)
        cases.append(Case(f"N={N}, T={T}, D={D}, H={H}", (rng.normal(size=(N, T, D)), *_weights(rng, D, H)),
                          {"N": N, "T": T, "D": D, "H": H, "2H": 2 * H}))
    return cases


def _bidirectional_reference(x, *weights):
    return bidirectional_forward(run_rnn, x, weights[:3], weights[3:])


def _both(forward, backward):
    return np.concatenate([forward, backward], axis=-1)


BIDIRECTIONAL_BUGS = (
    KnownBug("backward outputs not re-reversed", lambda x, *w: _both(run_rnn(x, *w[:3]), run_rnn(x[:, ::-1], *w[3:])),
             "The backward RNN ran on the reversed sequence, so its outputs come out reversed too: its first "
             "output belongs to the last step. Reverse them back ([:, ::-1]) before concatenating, so that "
             "position t of both halves belongs to x[:, t]."),
    KnownBug("backward direction not reversed", lambda x, *w: _both(run_rnn(x, *w[:3]), run_rnn(x, *w[3:])),
             "The backward direction must read the sequence from the last step to the first: run it on "
             "x[:, ::-1] (then reverse its outputs back). Time is axis 1; reversing axis 0, the batch, "
             "changes nothing."),
    KnownBug("directions in the wrong order",
             lambda x, *w: _both(run_rnn(x[:, ::-1], *w[3:])[:, ::-1], run_rnn(x, *w[:3])),
             "Concatenate the forward direction first: [h_forward ; h_backward], as PyTorch does."),
    KnownBug("forward weights used for both directions",
             lambda x, *w: _both(run_rnn(x, *w[:3]), run_rnn(x[:, ::-1], *w[:3])[:, ::-1]),
             "The backward direction has its own weights: W_xh_b, W_hh_b, b_h_b."),
    KnownBug("backward weights used for both directions",
             lambda x, *w: _both(run_rnn(x, *w[3:]), run_rnn(x[:, ::-1], *w[3:])[:, ::-1]),
             "The forward direction has its own weights: W_xh_f, W_hh_f, b_h_f."),
    KnownBug("directions summed, not concatenated",
             lambda x, *w: run_rnn(x, *w[:3]) + run_rnn(x[:, ::-1], *w[3:])[:, ::-1],
             "Combine the two directions by concatenation along the last axis, giving (N, T, 2H), not by a sum."),
)


def _forward_half_is_the_forward_rnn(output, case: Case) -> str | None:
    x, *weights = case.args
    H = weights[1].shape[0]
    if not np.allclose(output[..., :H], run_rnn(x, *weights[:3]), rtol=1e-6, atol=1e-8):
        return "the first H features are not run_rnn(x, W_xh_f, W_hh_f, b_h_f), the forward direction."
    return None


# ---- 3. the wrapper for padded batches --------------------------------------------------------


def _padded_cases() -> list[Case]:
    cases = []
    for i, ((N, T, D, lengths), H) in enumerate(zip(PADDED_SHAPES, (3, 2, 4, 3, 2))):
        rng = _rng(300 + i)
        x = _padded_inputs(rng, N, T, D, lengths)
        args = (x, np.array(lengths), *_weights(rng, D, H))
        cases.append(Case(f"N={N}, T={T}, D={D}, H={H}, lengths={lengths}", args,
                          {"N": N, "T": T, "D": D, "H": H, "2H": 2 * H}))
    return cases


def _padded_reference(x, lengths, *weights):
    return bidirectional_forward(run_rnn, x, weights[:3], weights[3:], lengths)


def _padded_variant(x, lengths, *w, reverse=reverse_padded, reverse_back=True, zero=True):
    forward = run_rnn(x, *w[:3])
    backward = run_rnn(reverse(x, lengths), *w[3:])
    if reverse_back:
        backward = reverse(backward, lengths)
    out = _both(forward, backward)
    return _zero_padding(out, lengths) if zero else out


def _whole_rows(x, lengths):
    return x[:, ::-1].copy()


PADDED_BUGS = (
    KnownBug("padding read first by the backward direction",
             lambda *a: _padded_variant(*a, reverse=_whole_rows),
             "x[:, ::-1] puts the padding first, so the backward RNN starts on padding and all of its outputs "
             "change. Reverse each sequence within its length (your reverse_padded), run, and reverse back "
             "the same way."),
    KnownBug("backward outputs not re-reversed", lambda *a: _padded_variant(*a, reverse_back=False),
             "The backward RNN's outputs come out reversed: reverse them back within each length "
             "(reverse_padded again) before concatenating."),
    KnownBug("padded steps not zeroed", lambda *a: _padded_variant(*a, zero=False),
             "The real steps are right; set the outputs at padded steps (t >= lengths[n]) to zero."),
    KnownBug("backward direction not reversed",
             lambda x, lengths, *w: _zero_padding(_both(run_rnn(x, *w[:3]), run_rnn(x, *w[3:])), lengths),
             "The backward direction must read each sequence from its last real step to its first."),
)


# ---- 4. the masked loss -------------------------------------------------------------------------


def _loss_cases() -> list[Case]:
    cases = []
    for i, (N, T, V, lengths) in enumerate([(1, 1, 3, [1]), (2, 4, 5, [4, 2]), (3, 5, 4, [5, 1, 3]),
                                              (4, 6, 2, [2, 6, 3, 1])]):
        rng = _rng(400 + i)
        logits = rng.normal(0, 2, (N, T, V))
        logits[~length_mask(np.array(lengths), T)] = rng.normal(0, 8, (int(N * T - sum(lengths)), V))
        cases.append(Case(f"N={N}, T={T}, V={V}, lengths={lengths}", (logits, rng.integers(0, V, (N, T)),
                                                                       np.array(lengths)), {"N": N, "T": T, "V": V}))
    rng = _rng(410)
    large = rng.normal(0, 1, (2, 3, 5)) * 1000
    cases.append(Case("large logits (up to about 3000), N=2, T=3, V=5, lengths=[3, 2]",
                      (large, rng.integers(0, 5, (2, 3)), np.array([3, 2])), {"N": 2, "T": 3, "V": 5}))
    return cases


def _loss_reference(logits, targets, lengths):
    return np.asarray(masked_cross_entropy(logits, targets, lengths))


def _step_losses(logits, targets):
    return -np.take_along_axis(log_softmax(logits), targets[..., None], axis=-1)[..., 0]  # (N, T)


def _naive_step_losses(logits, targets):
    e = np.exp(logits)
    p = e / e.sum(axis=-1, keepdims=True)
    return -np.log(np.take_along_axis(p, targets[..., None], axis=-1)[..., 0])


def _masked(logits, targets, lengths):
    return _step_losses(logits, targets) * length_mask(lengths, logits.shape[1])


LOSS_BUGS = (
    KnownBug("padding not masked", lambda l, y, k: np.asarray(_step_losses(l, y).mean()),
             "The padded steps' losses were included. Multiply the per-step losses by the mask "
             "(t < lengths[n]) and average over the real steps only."),
    KnownBug("divided by N * T, padding included", lambda l, y, k: np.asarray(_masked(l, y, k).sum() / y.size),
             "You masked the padding but divided by N * T. Divide by the number of real steps, lengths.sum()."),
    KnownBug("mean of the per-sequence means",
             lambda l, y, k: np.asarray(np.mean(_masked(l, y, k).sum(axis=1) / k)),
             "Averaging each sequence first gives every sequence the same weight, so one step of a short sequence "
             "counts more than one of a long sequence. Sum over all real steps, then divide by lengths.sum()."),
    KnownBug("summed, not averaged", lambda l, y, k: np.asarray(_masked(l, y, k).sum()),
             "Divide the sum of the real steps' losses by their number, lengths.sum()."),
    KnownBug("no max subtraction (overflow)",
             lambda l, y, k: np.asarray((_naive_step_losses(l, y) * length_mask(k, l.shape[1])).sum() / k.sum()),
             "np.exp overflows to inf for logits above about 709. Compute log-softmax stably: subtract each row's "
             "max first, log softmax(l) = (l - m) - log(sum(exp(l - m)))."),
)


def _non_negative(output, case: Case) -> str | None:
    if output < 0:
        return f"the loss is {float(output):.6g}; a cross-entropy is never negative."
    return None


EXERCISE_SET = ExerciseSet(
    name="bidirectional",
    title="Bidirectional RNNs and padded batches",
    chapter="Deep and bidirectional RNNs",
    questions=(
        Question("reverse_padded", 2, ("x", "lengths"), ("N", "T", "D"), lambda x, k: reverse_padded(x, k),
                 _reverse_cases, REVERSE_BUGS, (Property("padded steps unchanged", _padding_unchanged),)),
        Question("bidirectional_rnn", 3, ("x",) + WEIGHT_NAMES, ("N", "T", "2H"), _bidirectional_reference,
                 _bidirectional_cases, BIDIRECTIONAL_BUGS,
                 (Property("the first H features are the forward RNN", _forward_half_is_the_forward_rnn),)),
        Question("bidirectional_rnn_padded", 3, ("x", "lengths") + WEIGHT_NAMES, ("N", "T", "2H"),
                 _padded_reference, _padded_cases, PADDED_BUGS),
        Question("masked_cross_entropy", 2, ("logits", "targets", "lengths"), (), _loss_reference, _loss_cases,
                 LOSS_BUGS, (Property("never negative", _non_negative),)),
    ),
)
