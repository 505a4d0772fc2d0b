"""Exercise set "rnn_forward": the vanilla RNN's forward pass, softmax and the sequence loss.

Goes with the chapter "The vanilla RNN". The student writes four plain
functions (no caches); each is compared with the reference in
:mod:`course_code.scratch` on seeded inputs, including ``N=1``, ``T=1`` and
``H != D``, and one square case (``H == D``) where a transposed ``W_xh`` runs
without error and must be caught by its values.
"""

from __future__ import annotations

import numpy as np

from course_code.grading.questions import Case, ExerciseSet, KnownBug, Property, Question, case_rng
from course_code.scratch.losses import cross_entropy, log_softmax
from course_code.scratch.losses import softmax as reference_softmax
from course_code.scratch.rnn import rnn_forward as reference_rnn_forward
from course_code.scratch.rnn import rnn_step_forward as reference_rnn_step_forward

__all__ = ["EXERCISE_SET"]

SEED = 20260


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


def _weights(rng, D: int, H: int):
    """``W_xh (H, D)``, ``W_hh (H, H)``, ``b_h (H,)``, scaled so tanh stays away from saturation."""
    return rng.normal(0, 0.5, (H, D)), rng.normal(0, 0.5, (H, H)), rng.normal(0, 0.3, H)


# ---- one step ---------------------------------------------------------------------------


def _step_cases() -> list[Case]:
    cases = []
    for i, (N, D, H) in enumerate([(1, 3, 4), (2, 5, 3), (3, 4, 4), (4, 2, 6), (1, 1, 1)]):
        rng = _rng(100 + i)
        args = (rng.normal(size=(N, D)), rng.normal(0, 0.5, (N, H)), *_weights(rng, D, H))
        cases.append(Case(f"N={N}, D={D}, H={H}", args, {"N": N, "D": D, "H": H}))
    return cases


def _step_reference(x, h_prev, W_xh, W_hh, b_h):
    return reference_rnn_step_forward(x, h_prev, W_xh, W_hh, b_h)[0]


STEP_BUGS = (
    KnownBug("W_xh not transposed", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b),
             "W_xh has shape (H, D) and each row of x is one example, so the input term is x @ W_xh.T."),
    KnownBug("W_hh not transposed", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh + b),
             "W_hh is square, so h_prev @ W_hh runs, but it is the wrong product: use h_prev @ W_hh.T."),
    KnownBug("missing bias b_h", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh.T),
             "The bias is missing: add + b_h inside the tanh."),
    KnownBug("no tanh", lambda x, h, Wx, Wh, b: x @ Wx.T + h @ Wh.T + b,
             "The values are the pre-activation: apply np.tanh to the whole sum."),
    KnownBug("tanh on the input term only", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + b) + h @ Wh.T,
             "tanh must wrap the whole sum x @ W_xh.T + h_prev @ W_hh.T + b_h, not only the input term."),
    KnownBug("tanh applied twice", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + np.tanh(h) @ Wh.T + b),
             "h_prev is already a tanh output: do not apply tanh to it again."),
    KnownBug("sigmoid instead of tanh", lambda x, h, Wx, Wh, b: 1 / (1 + np.exp(-(x @ Wx.T + h @ Wh.T + b))),
             "The vanilla RNN uses tanh, not the sigmoid."),
    KnownBug("previous state ignored", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + b),
             "The recurrent term h_prev @ W_hh.T is missing."),
)


# ---- the whole sequence -----------------------------------------------------------------


def _sequence_cases() -> list[Case]:
    cases = []
    for i, (N, T, D, H) in enumerate([(1, 1, 3, 4), (2, 5, 3, 4), (3, 4, 4, 4), (1, 6, 2, 5), (4, 3, 5, 2)]):
        rng = _rng(200 + i)
        args = (rng.normal(size=(N, T, D)), rng.normal(0, 0.5, (N, H)), *_weights(rng, D, H))
        cases.append(Case(f"N={N}, T={T}, D={D}, H={H}", args, {"N": N, "T": T, "D": D, "H": H}))
    return cases


def _sequence_reference(x, h0, W_xh, W_hh, b_h):
    return reference_rnn_forward(x, h0, W_xh, W_hh, b_h)[0]


def _loop(x, h0, step, store_previous=False, carry=True):
    """The forward loop with one step function, optionally with a known mistake."""
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]))
    h_t = h0
    for t in range(T):
        h_new = step(x[:, t], h_t if carry else h0)
        h[:, t] = h_t if store_previous else h_new
        h_t = h_new
    return h


def _tanh_step(W_xh, W_hh, b_h):
    return lambda x_t, h_prev: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)


SEQUENCE_BUGS = (
    KnownBug("hidden state not carried",
             lambda x, h0, Wx, Wh, b: _loop(x, h0, _tanh_step(Wx, Wh, b), carry=False),
             "Every step starts again from h0: update the running state (h_t = ...) and use it at the next step."),
    KnownBug("h0 ignored",
             lambda x, h0, Wx, Wh, b: _loop(x, np.zeros_like(h0), _tanh_step(Wx, Wh, b)),
             "The first step must start from the given h0, not from zeros."),
    KnownBug("off by one in time",
             lambda x, h0, Wx, Wh, b: _loop(x, h0, _tanh_step(Wx, Wh, b), store_previous=True),
             "Position t of the output must hold the state after reading x[:, t] (h_t), not the state before it."),
    KnownBug("W_hh not transposed",
             lambda x, h0, Wx, Wh, b: _loop(x, h0, _tanh_step(Wx, Wh.T, b)),
             "Use h_prev @ W_hh.T: W_hh is square, so the untransposed product runs but is wrong."),
    KnownBug("missing bias b_h",
             lambda x, h0, Wx, Wh, b: _loop(x, h0, _tanh_step(Wx, Wh, np.zeros_like(b))),
             "The bias b_h is missing from the step."),
    KnownBug("W_xh not transposed",
             lambda x, h0, Wx, Wh, b: _loop(x, h0, _tanh_step(Wx.T, Wh, b)),
             "W_xh has shape (H, D): the input term is x_t @ W_xh.T."),
    KnownBug("no tanh",
             lambda x, h0, Wx, Wh, b: _loop(x, h0, lambda xt, hp: xt @ Wx.T + hp @ Wh.T + b),
             "Apply np.tanh to the whole sum at every step."),
)


# ---- softmax ----------------------------------------------------------------------------


def _softmax_cases() -> list[Case]:
    cases = []
    for i, (N, T, V) in enumerate([(1, 1, 5), (2, 3, 4), (3, 1, 7), (2, 4, 3)]):
        logits = _rng(300 + i).normal(0, 2, (N, T, V))
        cases.append(Case(f"N={N}, T={T}, V={V}", (logits,), {"N": N, "T": T, "V": V}))
    large = _rng(310).normal(0, 1, (2, 3, 5)) * 1000
    cases.append(Case("large logits (up to about 3000), N=2, T=3, V=5", (large,), {"N": 2, "T": 3, "V": 5}))
    return cases


def _naive_softmax(logits):
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)


def _global_max_softmax(logits):
    e = np.exp(logits - logits.max())
    return e / e.sum(axis=-1, keepdims=True)


def _normalised_over(axis):
    def wrong(logits):
        e = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    return wrong


def _rows_are_distributions(output: np.ndarray, case: Case) -> str | None:
    if (output < 0).any():
        return f"{int((output < 0).sum())} entries are negative; probabilities are never negative."
    sums = output.sum(axis=-1)
    worst = np.abs(sums - 1).max()
    if worst > 1e-6:
        return f"a row sums to {sums.flat[np.abs(sums - 1).argmax()]:.6g}, not 1 (tolerance 1e-6)."
    return None


SOFTMAX_BUGS = (
    KnownBug("no max subtraction (overflow)", _naive_softmax,
             "np.exp overflows to inf for logits above about 709, and inf / inf is NaN. "
             "Subtract each row's max first: softmax(l) = softmax(l - max(l))."),
    KnownBug("global max subtracted", _global_max_softmax,
             "Subtract each row's own max (logits.max(axis=-1, keepdims=True)), not the max of the whole array: "
             "otherwise a row far below the global max underflows to 0 / 0."),
    KnownBug("normalised over the batch axis", _normalised_over(0),
             "You normalised over axis 0 (the batch). Each row of V scores is normalised on its own: sum over axis=-1."),
    KnownBug("normalised over the time axis", _normalised_over(1),
             "You normalised over axis 1 (time). Each row of V scores is normalised on its own: sum over axis=-1."),
    KnownBug("normalised over the whole array", _normalised_over(None),
             "You divided by the sum of the whole array. Normalise each row of V scores: sum over axis=-1 with keepdims=True."),
    KnownBug("returned log-probabilities", lambda logits: log_softmax(logits, axis=-1),
             "These are log-probabilities: softmax returns exp of them, positive numbers summing to 1."),
    KnownBug("not normalised", lambda logits: np.exp(logits - logits.max(axis=-1, keepdims=True)),
             "Divide the exponentials by their sum over the last axis."),
)


# ---- the sequence loss ------------------------------------------------------------------


def _loss_cases() -> list[Case]:
    cases = []
    for i, (N, T, V) in enumerate([(1, 1, 3), (2, 3, 4), (3, 5, 2), (2, 2, 6)]):
        rng = _rng(400 + i)
        logits = rng.normal(0, 2, (N, T, V))
        targets = rng.integers(0, V, (N, T))
        cases.append(Case(f"N={N}, T={T}, V={V}", (logits, targets), {"N": N, "T": T, "V": V}))
    rng = _rng(410)
    large = rng.normal(0, 1, (2, 3, 5)) * 1000
    cases.append(Case("large logits (up to about 3000), N=2, T=3, V=5",
                      (large, rng.integers(0, 5, (2, 3))), {"N": 2, "T": 3, "V": 5}))
    return cases


def _loss_reference(logits, targets):
    return np.asarray(cross_entropy(logits, targets, reduction="mean"))


def _picked(logits, targets):
    """``log softmax(l_t)[y_t]`` at every step, ``(N, T)``."""
    return np.take_along_axis(log_softmax(logits), targets[..., None], axis=-1)[..., 0]


def _naive_loss(logits, targets):
    probs = _naive_softmax(logits)
    return -np.log(np.take_along_axis(probs, targets[..., None], axis=-1)).mean()


def _non_negative(output: np.ndarray, case: Case) -> str | None:
    if output < 0:
        return f"the loss is {float(output):.6g}; a cross-entropy is never negative (-log p >= 0 for p <= 1)."
    return None


LOSS_BUGS = (
    KnownBug("summed instead of averaged", lambda l, y: -_picked(l, y).sum(),
             "Divide by the number of steps, N * T: the loss is the mean over every step of every sequence."),
    KnownBug("averaged over the batch only", lambda l, y: -_picked(l, y).sum() / l.shape[0],
             "You divided by N only: average over all N * T steps (e.g. .mean() of the (N, T) losses)."),
    KnownBug("averaged over time only", lambda l, y: -_picked(l, y).sum() / l.shape[1],
             "You divided by T only: average over all N * T steps."),
    KnownBug("log forgotten", lambda l, y: -np.exp(_picked(l, y)).mean(),
             "You averaged -p instead of -log p: take the log of the probability of the correct class."),
    KnownBug("minus sign forgotten", lambda l, y: _picked(l, y).mean(),
             "The loss is the *negative* log-probability of the correct class."),
    KnownBug("mean over all classes", lambda l, y: -log_softmax(l).mean(),
             "You averaged the log-probabilities of every class: pick only the correct class y_t at each step, "
             "e.g. np.take_along_axis(log_probs, targets[..., None], axis=-1)."),
    KnownBug("wrong fancy indexing", lambda l, y: -log_softmax(l)[..., y].mean(),
             "log_probs[..., targets] picks every target for every step (an (N, T, N, T) array). "
             "Pair each step with its own target: np.take_along_axis(log_probs, targets[..., None], axis=-1)."),
    KnownBug("predicted class instead of target", lambda l, y: -log_softmax(l).max(axis=-1).mean(),
             "You used the model's most likely class; the loss uses the correct class from targets."),
    KnownBug("no max subtraction (overflow)", _naive_loss,
             "exp overflows for large logits. Compute log-probabilities stably: "
             "l - max(l) - log(sum(exp(l - max(l))))."),
)


EXERCISE_SET = ExerciseSet(
    name="rnn_forward",
    title="The vanilla RNN forward pass",
    chapter="The vanilla RNN",
    questions=(
        Question("rnn_step_forward", 2, ("x", "h_prev", "W_xh", "W_hh", "b_h"), ("N", "H"),
                 _step_reference, _step_cases, STEP_BUGS),
        Question("rnn_forward", 3, ("x", "h0", "W_xh", "W_hh", "b_h"), ("N", "T", "H"),
                 _sequence_reference, _sequence_cases, SEQUENCE_BUGS),
        Question("softmax", 2, ("logits",), ("N", "T", "V"), reference_softmax, _softmax_cases, SOFTMAX_BUGS,
                 (Property("entries are positive and each row sums to 1", _rows_are_distributions),)),
        Question("sequence_cross_entropy", 3, ("logits", "targets"), (), _loss_reference, _loss_cases, LOSS_BUGS,
                 (Property("the loss is never negative", _non_negative),)),
    ),
)
