"""Exercise set "bptt": the backward pass of the vanilla RNN, one step and through time.

Goes with the chapter "Backpropagation through time". The student writes three
plain functions (no caches: the forward quantities are arguments):

* ``rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh)`` returns the tuple
  ``(dx, dh_prev, dW_xh, dW_hh, db_h)`` of one step;
* ``rnn_backward(dh, x, h0, h, W_xh, W_hh)`` returns ``(dx, dh0, dW_xh, dW_hh, db_h)``
  for whole sequences, ``dh (N, T, H)`` being the gradient each hidden state
  receives from the layers above;
* ``softmax_cross_entropy_backward(logits, targets)`` returns the gradient of
  the mean cross-entropy at the logits.

Each array of a returned tuple is compared on its own with the reference in
:mod:`course_code.scratch` (float64, ``rtol=1e-6, atol=1e-8``) on seeded inputs
including ``N=1``, ``T=1``, ``H != D`` and one square case (``H == D``), where a
transposed ``W_xh`` runs without error and must be caught by its values. A
property also checks the student's arrays against central differences of
``L = sum(dh * h)`` (resp. the loss), computed in the grading process.
"""

from __future__ import annotations

import numpy as np

from course_code.checks import numerical_gradient
from course_code.grading.questions import Case, ExerciseSet, KnownBug, Output, Property, Question, case_rng
from course_code.scratch.losses import cross_entropy, cross_entropy_backward
from course_code.scratch.losses import softmax as reference_softmax
from course_code.scratch.rnn import RNNCache, RNNStepCache
from course_code.scratch.rnn import rnn_backward as reference_rnn_backward
from course_code.scratch.rnn import rnn_forward as reference_rnn_forward
from course_code.scratch.rnn import rnn_step_backward as reference_rnn_step_backward

__all__ = ["EXERCISE_SET", "NUMERICAL_TOLERANCE"]

SEED = 31415
NUMERICAL_TOLERANCE = 1e-6  # largest ||student - finite differences|| / (||student|| + ||finite differences||)
EPS = 1e-5  # step of the central differences


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


def _weights(rng, D: int, H: int):
    """``W_xh (H, D)``, ``W_hh (H, H)``, ``b_h (H,)``, scaled so tanh stays away from saturation."""
    return rng.normal(0, 0.5, (H, D)), rng.normal(0, 0.5, (H, H)), rng.normal(0, 0.3, H)


def _tanh_derivative(h):
    return 1 - h**2


# Each array has the shape of what it is the gradient of; the usual cause of a shape error.
BACKWARD_ERROR_HINTS = tuple(
    (key, "A matrix product's shapes do not line up. Each gradient has the shape of what it is the gradient "
          "of: dx = delta @ W_xh is (N, D), dh_prev = delta @ W_hh is (N, H), dW_xh = delta.T @ x is (H, D), "
          "dW_hh = delta.T @ h_prev is (H, H). Check which factor needs .T.")
    for key in ("mismatch in its core dimension", "not aligned")
)


def _relative_gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def _numerical_problem(output: tuple, names: tuple[str, ...], wrt: dict, loss, what: str) -> str | None:
    """Compare each returned gradient with central differences of ``loss()`` in the array it belongs to."""
    for name, got in zip(names, output):
        numeric = numerical_gradient(loss, wrt[name], eps=EPS)
        gap = _relative_gap(got, numeric)
        if gap > NUMERICAL_TOLERANCE:
            return (f"{name} does not match the finite-difference gradient of {what}: relative gap {gap:.1e} "
                    f"(||a - b|| / (||a|| + ||b||), tolerance {NUMERICAL_TOLERANCE:g}).")
    return None


def _bias_from_first_step(x_1, h_prev, h_1, W_xh, W_hh):
    """The bias the forward pass used: ``b_h = artanh(h_1) - W_xh x_1 - W_hh h_0`` (the same in every row).

    The student's function is not given ``b_h``, which it does not need; the
    numerical check needs it to rerun the forward pass.
    """
    return (np.arctanh(h_1) - x_1 @ W_xh.T - h_prev @ W_hh.T).mean(axis=0)


# ---- one step ---------------------------------------------------------------------------

STEP_OUTPUTS = ("dx", "dh_prev", "dW_xh", "dW_hh", "db_h")


def _step_cases() -> list[Case]:
    cases = []
    for i, (N, D, H) in enumerate([(1, 3, 4), (2, 5, 3), (3, 4, 4), (4, 2, 6), (2, 3, 5)]):
        rng = _rng(100 + i)
        x, h_prev = rng.normal(size=(N, D)), np.tanh(rng.normal(0, 0.7, (N, H)))
        W_xh, W_hh, b_h = _weights(rng, D, H)
        h = np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h)
        dh = rng.normal(size=(N, H))
        cases.append(Case(f"N={N}, D={D}, H={H}", (dh, x, h_prev, h, W_xh, W_hh), {"N": N, "D": D, "H": H}))
    return cases


def _step_reference(dh, x, h_prev, h, W_xh, W_hh):
    return tuple(reference_rnn_step_backward(dh, RNNStepCache(x, h_prev, h, W_xh, W_hh, "tanh")))


def _step(dh, x, h_prev, h, W_xh, W_hh, derivative=None, **changes):
    """One step's gradients with ``delta = dh * derivative`` and any gradient replaced by a wrong one.

    ``changes`` maps an output name to a function of ``(delta, x, h_prev, h, W_xh, W_hh)``.
    """
    delta = dh * (derivative if derivative is not None else _tanh_derivative(h))
    grads = {"dx": lambda d, *_: d @ W_xh, "dh_prev": lambda d, *_: d @ W_hh,
             "dW_xh": lambda d, *_: d.T @ x, "dW_hh": lambda d, *_: d.T @ h_prev,
             "db_h": lambda d, *_: d.sum(axis=0)}
    grads.update(changes)
    return tuple(grads[name](delta, x, h_prev, h, W_xh, W_hh) for name in STEP_OUTPUTS)


STEP_BUGS = (
    KnownBug("tanh derivative as 1 - h", lambda dh, x, hp, h, Wx, Wh: _step(dh, x, hp, h, Wx, Wh, 1 - h),
             "The derivative of tanh, written with its output, is 1 - h**2 (tanh'(a) = 1 - tanh(a)^2), not 1 - h."),
    KnownBug("tanh applied again in the derivative",
             lambda dh, x, hp, h, Wx, Wh: _step(dh, x, hp, h, Wx, Wh, 1 - np.tanh(h) ** 2),
             "h is already tanh(a): the derivative is 1 - h**2, not 1 - tanh(h)**2."),
    KnownBug("tanh derivative forgotten", lambda dh, x, hp, h, Wx, Wh: _step(dh, x, hp, h, Wx, Wh, 1.0),
             "Backpropagate through tanh first: delta = (1 - h**2) * dh, then use delta everywhere."),
    KnownBug("tanh derivative at h_prev", lambda dh, x, hp, h, Wx, Wh: _step(dh, x, hp, h, Wx, Wh, 1 - hp**2),
             "The tanh of this step produced h, so its derivative is 1 - h**2 (the output), not 1 - h_prev**2."),
    KnownBug("W_hh transposed in dh_prev",
             lambda *a: _step(*a, dh_prev=lambda d, x, hp, h, Wx, Wh: d @ Wh.T),
             "The forward pass computes h_prev @ W_hh.T, so the gradient flows back as dh_prev = delta @ W_hh "
             "(no transpose). W_hh is square, so the wrong product runs."),
    KnownBug("W_xh transposed in dx",
             lambda *a: _step(*a, dx=lambda d, x, hp, h, Wx, Wh: d @ Wx.T),
             "The forward pass computes x @ W_xh.T, so dx = delta @ W_xh (no transpose), of shape (N, D)."),
    KnownBug("dW_hh transposed",
             lambda *a: _step(*a, dW_hh=lambda d, x, hp, h, Wx, Wh: hp.T @ d),
             "dW_hh = sum over the batch of delta h_prev^T, i.e. delta.T @ h_prev; you have its transpose. "
             "W_hh is square, so the shapes cannot tell you."),
    KnownBug("dW_xh transposed",
             lambda *a: _step(*a, dW_xh=lambda d, x, hp, h, Wx, Wh: x.T @ d),
             "dW_xh has the shape of W_xh, (H, D): delta.T @ x, not x.T @ delta."),
    KnownBug("h instead of h_prev in dW_hh",
             lambda *a: _step(*a, dW_hh=lambda d, x, hp, h, Wx, Wh: d.T @ h),
             "W_hh multiplies the previous state, so dW_hh = delta.T @ h_prev, not delta.T @ h."),
    KnownBug("db_h not summed over the batch",
             lambda *a: _step(*a, db_h=lambda d, *_: d),
             "b_h (shape (H,)) is added to every row of the batch, so its gradient is the sum of delta over the "
             "batch: delta.sum(axis=0)."),
    KnownBug("weight gradients averaged over the batch",
             lambda dh, x, *rest: _step(dh, x, *rest)[:2] + tuple(g / len(x) for g in _step(dh, x, *rest)[2:]),
             "Sum the weight gradients over the batch, do not average: any 1/N of a mean loss is already in dh."),
)


def _step_numerically(output, case: Case) -> str | None:
    dh, x, h_prev, h, W_xh, W_hh = (np.array(a, dtype=float) for a in case.args)
    b_h = _bias_from_first_step(x, h_prev, h, W_xh, W_hh)
    wrt = dict(zip(STEP_OUTPUTS, (x, h_prev, W_xh, W_hh, b_h)))

    def loss():
        return float(np.sum(dh * np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h)))

    return _numerical_problem(output, STEP_OUTPUTS, wrt, loss, "sum(dh * h)")


# ---- the whole sequence -----------------------------------------------------------------

SEQUENCE_OUTPUTS = ("dx", "dh0", "dW_xh", "dW_hh", "db_h")


def _sequence_cases() -> list[Case]:
    cases = []
    for i, (N, T, D, H) in enumerate([(1, 1, 3, 4), (2, 5, 3, 4), (3, 4, 4, 4), (1, 6, 2, 5), (4, 3, 5, 2)]):
        rng = _rng(200 + i)
        x, h0 = rng.normal(size=(N, T, D)), np.tanh(rng.normal(0, 0.7, (N, H)))
        W_xh, W_hh, b_h = _weights(rng, D, H)
        h = reference_rnn_forward(x, h0, W_xh, W_hh, b_h)[0]
        dh = rng.normal(size=(N, T, H))
        cases.append(Case(f"N={N}, T={T}, D={D}, H={H}", (dh, x, h0, h, W_xh, W_hh),
                          {"N": N, "T": T, "D": D, "H": H}))
    return cases


def _sequence_reference(dh, x, h0, h, W_xh, W_hh):
    return tuple(reference_rnn_backward(dh, RNNCache(x, h0, h, W_xh, W_hh, "tanh")))


def _bptt(dh, x, h0, h, W_xh, W_hh, derivative=_tanh_derivative, carry="through tanh", keep="sum",
          previous="h0 at t = 0", dW_hh_with="h_prev", dW_hh_transposed=False, back_transposed=False,
          db_over_batch=True):
    """Backpropagation through time, optionally with one known mistake (the defaults are correct)."""
    T = x.shape[1]
    dx = np.zeros_like(x)
    contributions = {}  # t -> this step's shares of dW_xh, dW_hh, db_h
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h0 if (t == 0 and previous == "h0 at t = 0") else h[:, t - 1]
        if carry == "through tanh":
            delta = (dh[:, t] + dh_next) * derivative(h[:, t])
        elif carry == "after tanh":
            delta = dh[:, t] * derivative(h[:, t]) + dh_next
        else:  # not carried
            delta = dh[:, t] * derivative(h[:, t])
        dx[:, t] = delta @ W_xh
        step_W_hh = delta.T @ (h[:, t] if dW_hh_with == "h" else h_prev)
        contributions[t] = (delta.T @ x[:, t], step_W_hh.T if dW_hh_transposed else step_W_hh,
                            delta.sum(axis=0) if db_over_batch else delta)
        dh_next = delta @ (W_hh.T if back_transposed else W_hh)
    if keep == "sum":
        dW_xh, dW_hh, db_h = (sum(c[k] for c in contributions.values()) for k in range(3))
    elif keep == "mean":
        dW_xh, dW_hh, db_h = (sum(c[k] for c in contributions.values()) / T for k in range(3))
    else:  # one step only: "first" (t = 0, the last one a backward loop visits) or "last" (t = T - 1)
        dW_xh, dW_hh, db_h = contributions[0 if keep == "first" else T - 1]
    return dx, dh_next, dW_xh, dW_hh, db_h


def _bptt_bug(**mistake):
    return lambda *args: _bptt(*args, **mistake)


SEQUENCE_BUGS = (
    KnownBug("dh not carried to the previous step", _bptt_bug(carry="none"),
             "h_t also feeds the next step: the gradient reaching h_t is dh[:, t] plus what step t + 1 sent back "
             "(delta_(t+1) @ W_hh). Keep a running dh_next, add it to dh[:, t], and update it at every step."),
    KnownBug("carried gradient skips tanh", _bptt_bug(carry="after tanh"),
             "Add the gradient from step t + 1 to dh[:, t] *before* multiplying by 1 - h_t**2: "
             "delta_t = (1 - h_t**2) * (dh[:, t] + dh_next)."),
    KnownBug("tanh derivative as 1 - h", _bptt_bug(derivative=lambda h_t: 1 - h_t),
             "The derivative of tanh, written with its output, is 1 - h**2 (tanh'(a) = 1 - tanh(a)^2), not 1 - h."),
    KnownBug("weight gradients overwritten, not summed", _bptt_bug(keep="first"),
             "W_xh, W_hh and b_h are used at every step, so their gradients are the sum of every step's "
             "contribution: start from zeros and add (dW_hh += ...), do not assign (dW_hh = ...)."),
    KnownBug("weight gradients of the last step only", _bptt_bug(keep="last"),
             "W_xh, W_hh and b_h are used at every step, so their gradients are the sum of every step's "
             "contribution, not the contribution of the last step."),
    KnownBug("weight gradients averaged over time", _bptt_bug(keep="mean"),
             "The gradient of a shared weight is the sum over time steps, not the mean: do not divide by T."),
    KnownBug("dW_hh transposed", _bptt_bug(dW_hh_transposed=True),
             "dW_hh = sum over t of delta_t h_(t-1)^T, i.e. delta.T @ h_prev at each step; you have its transpose. "
             "W_hh is square, so the shapes cannot tell you."),
    KnownBug("h_t instead of h_(t-1) in dW_hh", _bptt_bug(dW_hh_with="h"),
             "W_hh multiplies the previous state, so step t adds delta_t.T @ h_(t-1) to dW_hh, not "
             "delta_t.T @ h_t. The previous state of step t is h[:, t - 1], and h0 at t = 0."),
    KnownBug("h[:, t - 1] used at t = 0", _bptt_bug(previous="wraps"),
             "At t = 0 the previous state is h0. h[:, t - 1] with t = 0 is h[:, -1], the *last* state: "
             "Python's negative indices wrap around."),
    KnownBug("db_h not summed over the batch", _bptt_bug(db_over_batch=False),
             "b_h (shape (H,)) is added to every row of the batch at every step, so db_h sums delta over the "
             "batch and over time: delta.sum(axis=0) at each step."),
    KnownBug("W_hh transposed in the carried gradient", _bptt_bug(back_transposed=True),
             "The forward pass computes h_prev @ W_hh.T, so the gradient sent back to h_(t-1) is delta @ W_hh "
             "(no transpose). W_hh is square, so the wrong product runs."),
)


def _sequence_numerically(output, case: Case) -> str | None:
    dh, x, h0, h, W_xh, W_hh = (np.array(a, dtype=float) for a in case.args)
    b_h = _bias_from_first_step(x[:, 0], h0, h[:, 0], W_xh, W_hh)
    wrt = dict(zip(SEQUENCE_OUTPUTS, (x, h0, W_xh, W_hh, b_h)))

    def loss():
        h_t, total = h0, 0.0
        for t in range(x.shape[1]):
            h_t = np.tanh(x[:, t] @ W_xh.T + h_t @ W_hh.T + b_h)
            total += float(np.sum(dh[:, t] * h_t))
        return total

    return _numerical_problem(output, SEQUENCE_OUTPUTS, wrt, loss, "sum(dh * h)")


# ---- the gradient at the logits ---------------------------------------------------------


def _logits_cases() -> list[Case]:
    cases = []
    for i, (N, T, V) in enumerate([(1, 1, 3), (2, 3, 4), (3, 5, 2), (2, 2, 6)]):
        rng = _rng(300 + i)
        logits = rng.normal(0, 2, (N, T, V))
        targets = rng.integers(0, V, (N, T))
        cases.append(Case(f"N={N}, T={T}, V={V}", (logits, targets), {"N": N, "T": T, "V": V}))
    rng = _rng(310)
    large = rng.normal(0, 1, (2, 3, 5)) * 1000
    cases.append(Case("large logits (up to about 3000), N=2, T=3, V=5",
                      (large, rng.integers(0, 5, (2, 3))), {"N": 2, "T": 3, "V": 5}))
    return cases


def _logits_reference(logits, targets):
    return cross_entropy_backward(logits, targets, reduction="mean")


def _one_hot(targets, V):
    return np.eye(V)[targets]


def _probs_minus(logits, targets, scale=None, probabilities=None, subtract=None):
    p = reference_softmax(logits) if probabilities is None else probabilities(logits)
    y = _one_hot(targets, logits.shape[-1]) if subtract is None else subtract
    return (p - y) / (targets.size if scale is None else scale)


def _naive_probabilities(logits):
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)


def _rows_sum_to_zero(output, case: Case) -> str | None:
    sums = output.sum(axis=-1)
    worst = float(np.abs(sums).max())
    if worst > 1e-8:
        return (f"the gradient of one step sums to {sums.flat[np.abs(sums).argmax()]:.3g} over the classes; "
                "softmax minus one-hot sums to 0 (tolerance 1e-8).")
    return None


def _logits_numerically(output, case: Case) -> str | None:
    logits, targets = np.array(case.args[0], dtype=float), case.args[1]
    return _numerical_problem((output,), ("dlogits",), {"dlogits": logits},
                              lambda: float(cross_entropy(logits, targets, reduction="mean")), "the mean loss")


LOGITS_BUGS = (
    KnownBug("summed instead of averaged", lambda l, y: _probs_minus(l, y, scale=1),
             "The loss is the mean over all N * T steps, so every step's gradient is divided by N * T."),
    KnownBug("averaged over the batch only", lambda l, y: _probs_minus(l, y, scale=l.shape[0]),
             "You divided by N only: the loss averages over all N * T steps, so divide by N * T."),
    KnownBug("averaged over time only", lambda l, y: _probs_minus(l, y, scale=l.shape[1]),
             "You divided by T only: the loss averages over all N * T steps, so divide by N * T."),
    KnownBug("one-hot not subtracted", lambda l, y: _probs_minus(l, y, subtract=0.0),
             "The gradient is the predicted distribution *minus* the true one: subtract 1 at the target class."),
    KnownBug("sign flipped", lambda l, y: -_probs_minus(l, y),
             "The sign is flipped: the gradient is softmax(l) - onehot(y), positive for classes given too much "
             "probability."),
    KnownBug("1 subtracted from every class", lambda l, y: _probs_minus(l, y, subtract=1.0),
             "Subtract 1 only at the target class y_t (a one-hot vector), not from every class."),
    KnownBug("no max subtraction (overflow)", lambda l, y: _probs_minus(l, y, probabilities=_naive_probabilities),
             "np.exp overflows to inf for logits above about 709, and inf / inf is NaN. "
             "Subtract each row's max before exponentiating: softmax(l) = softmax(l - max(l))."),
)


EXERCISE_SET = ExerciseSet(
    name="bptt",
    title="Backpropagation through time",
    chapter="Backpropagation through time",
    questions=(
        Question("rnn_step_backward", 3, ("dh", "x", "h_prev", "h", "W_xh", "W_hh"), (),
                 _step_reference, _step_cases, STEP_BUGS,
                 (Property("agrees with finite differences", _step_numerically),),
                 outputs=(Output("dx", ("N", "D")), Output("dh_prev", ("N", "H")), Output("dW_xh", ("H", "D")),
                          Output("dW_hh", ("H", "H")), Output("db_h", ("H",))),
                 error_hints=BACKWARD_ERROR_HINTS),
        Question("rnn_backward", 5, ("dh", "x", "h0", "h", "W_xh", "W_hh"), (),
                 _sequence_reference, _sequence_cases, SEQUENCE_BUGS,
                 (Property("agrees with finite differences", _sequence_numerically),),
                 outputs=(Output("dx", ("N", "T", "D")), Output("dh0", ("N", "H")), Output("dW_xh", ("H", "D")),
                          Output("dW_hh", ("H", "H")), Output("db_h", ("H",))),
                 error_hints=BACKWARD_ERROR_HINTS),
        Question("softmax_cross_entropy_backward", 2, ("logits", "targets"), ("N", "T", "V"),
                 _logits_reference, _logits_cases, LOGITS_BUGS,
                 (Property("each step's gradient sums to 0 over the classes", _rows_sum_to_zero),
                  Property("agrees with finite differences", _logits_numerically))),
    ),
)
