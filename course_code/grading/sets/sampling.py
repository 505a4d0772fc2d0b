"""Exercise set "sampling": generating text from a character model, with a temperature.

Goes with the chapter "Training recurrent networks". The student writes, in
NumPy, the three pieces of :mod:`course_code.scratch.sampling`:

* ``softmax_with_temperature(logits, temperature)``: ``softmax(l / tau)``, stably;
* ``inverse_cdf_sample(probabilities, uniforms)``: one draw per row, given one
  uniform number per row;
* ``sample_char_rnn(embedding, W_xh, W_hh, b_h, W_hy, b_y, h0, first_ids,
  temperature, uniforms)``: the generation loop of an embedding -> RNN ->
  linear model, feeding each sample back in.

The random numbers are inputs, so every answer is deterministic and compared
exactly with the reference. Uniform numbers closer than ``MARGIN`` to a
boundary of the reference's cumulative distribution are redrawn when the
cases are built, so that a correct answer computed in another order of
floating-point operations cannot land on the other side of a boundary.
"""

from __future__ import annotations

import numpy as np

from course_code.grading.questions import Case, ExerciseSet, KnownBug, Property, Question, case_rng
from course_code.scratch.losses import softmax
from course_code.scratch.sampling import inverse_cdf_sample, sample_char_rnn, softmax_with_temperature

__all__ = ["EXERCISE_SET", "MARGIN"]

SEED = 27182
MARGIN = 1e-6  # smallest distance between a test's uniform number and a cumulative probability


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


def _far_from_boundaries(cumulative: np.ndarray, uniforms: np.ndarray) -> bool:
    """Whether every ``u`` of ``uniforms (N,)`` is at least MARGIN from every entry of its row of ``(N, V)``."""
    return bool((np.abs(cumulative - uniforms[:, None]) > MARGIN).all())


# ---- softmax with a temperature ---------------------------------------------------------


def _softmax_cases() -> list[Case]:
    cases = []
    for i, (N, V, tau) in enumerate([(1, 5, 1.0), (3, 4, 0.5), (2, 7, 2.0), (4, 3, 0.25)]):
        logits = _rng(100 + i).normal(0, 2, (N, V))
        cases.append(Case(f"N={N}, V={V}, temperature={tau}", (logits, np.array(tau)), {"N": N, "V": V}))
    cold = _rng(110).normal(0, 10, (2, 6))
    cases.append(Case("cold: temperature=0.01 with logits up to about 25, N=2, V=6", (cold, np.array(0.01)),
                      {"N": 2, "V": 6}))
    return cases


def _rows_are_distributions(output: np.ndarray, case: Case) -> str | None:
    if (output < 0).any():
        return f"{int((output < 0).sum())} entries are negative; probabilities are never negative."
    sums = output.sum(axis=-1)
    worst = int(np.abs(sums - 1).argmax())
    if abs(sums[worst] - 1) > 1e-6:
        return f"row {worst} sums to {sums[worst]:.6g}, not 1 (tolerance 1e-6)."
    return None


def _exp_normalised(scaled: np.ndarray, axis=-1) -> np.ndarray:
    e = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _naive(logits, tau):
    e = np.exp(logits / tau)
    return e / e.sum(axis=-1, keepdims=True)


SOFTMAX_BUGS = (
    KnownBug("temperature multiplies", lambda l, tau: softmax(l * tau),
             "Divide the logits by the temperature: softmax(l / tau). Multiplying makes a high temperature "
             "sharper, the opposite of what it should do."),
    KnownBug("temperature ignored", lambda l, tau: softmax(l),
             "This is the plain softmax: divide the logits by the temperature first."),
    KnownBug("no max subtraction (overflow)", _naive,
             "l / tau is large when tau is small, and np.exp overflows to inf above about 709 (inf / inf is NaN). "
             "Subtract each row's max of l / tau before exponentiating."),
    KnownBug("power of the probabilities, not renormalised", lambda l, tau: softmax(l) ** (1 / tau),
             "softmax(l) ** (1 / tau) is proportional to softmax(l / tau) but does not sum to 1: divide each row "
             "by its sum (or compute softmax(l / tau) directly)."),
    KnownBug("normalised over the batch axis", lambda l, tau: _exp_normalised(l / tau, axis=0),
             "Each row (one sequence's V scores) is normalised on its own: sum over axis=-1 with keepdims=True."),
    KnownBug("not normalised", lambda l, tau: np.exp(l / tau - (l / tau).max(axis=-1, keepdims=True)),
             "Divide the exponentials by their sum over the last axis."),
)


# ---- one draw per row -------------------------------------------------------------------


def _distribution_cases() -> list[Case]:
    shapes = [(1, 4), (5, 3), (6, 6), (3, 8), (8, 2)]  # (6, 6): N == V, where a broadcasting slip still runs
    cases = []
    for i, (N, V) in enumerate(shapes):
        rng = _rng(200 + i)
        p = rng.dirichlet(np.full(V, 0.7), size=N)
        if V > 2:
            p[:, 1] = 0.0  # a class that can never be drawn
            p /= p.sum(axis=1, keepdims=True)
        u = rng.random(N)
        while not _far_from_boundaries(np.cumsum(p, axis=1), u):
            u = rng.random(N)
        cases.append(Case(f"N={N}, V={V}", (p, u), {"N": N, "V": V}))
    return cases


def _count_at_or_below(cumulative, u):
    return (cumulative <= u).sum(axis=1).astype(np.int64)


def _drawable(output: np.ndarray, case: Case) -> str | None:
    probabilities = case.args[0]
    V = probabilities.shape[1]
    if ((output < 0) | (output >= V)).any():
        return f"an id is outside [0, V) = [0, {V}): {output.tolist()}"
    never = probabilities[np.arange(len(output)), output] == 0
    if never.any():
        row = int(np.argmax(never))
        return f"row {row} drew class {int(output[row])}, whose probability is 0: it can never be drawn."
    return None


DRAW_BUGS = (
    KnownBug("argmax instead of a draw", lambda p, u: p.argmax(axis=1),
             "You returned the most likely class. Sampling uses the uniform numbers: find the first class whose "
             "cumulative probability exceeds u."),
    KnownBug("probabilities not accumulated", lambda p, u: np.argmax(p > u[:, None], axis=1),
             "Compare u with the cumulative probabilities p_0 + ... + p_v (np.cumsum(..., axis=1)), "
             "not with each p_v on its own."),
    KnownBug("cumulative sum over the batch axis",
             lambda p, u: _count_at_or_below(np.cumsum(p, axis=0), u[:, None]).clip(max=p.shape[1] - 1),
             "Accumulate along each row (over the V classes): np.cumsum(probabilities, axis=1)."),
    KnownBug("counted the classes above u", lambda p, u: (np.cumsum(p, axis=1) > u[:, None]).sum(axis=1),
             "Count the cumulative probabilities at or below u (that many classes lie before the drawn one), "
             "or take the first index where the cumulative probability exceeds u."),
    KnownBug("u not paired with its row",
             lambda p, u: _count_at_or_below(np.cumsum(p, axis=1), u[None, :]).clip(max=p.shape[1] - 1),
             "cumulative <= uniforms pairs u[j] with class j. Each row has its own u: compare with "
             "uniforms[:, None], shape (N, 1)."),
)


# ---- generation -------------------------------------------------------------------------

GENERATION_ARGS = ("embedding", "W_xh", "W_hh", "b_h", "W_hy", "b_y", "h0", "first_ids", "temperature", "uniforms")


def _generate(E, W_xh, W_hh, b_h, W_hy, b_y, h0, first, tau, uniforms, *, feed_back=True, carry=True,
              use_tau=True, greedy=False, same_uniform=False, record_input=False, zero_h0=False):
    """The generation loop, optionally with one of the known mistakes; also returns each step's cumulative."""
    N, S = uniforms.shape
    ids, cumulatives = np.empty((N, S), dtype=np.int64), []
    h = np.zeros_like(h0) if zero_h0 else h0
    current = first
    for s in range(S):
        reading = current if feed_back else first
        h = np.tanh(E[reading] @ W_xh.T + (h if carry else h0) @ W_hh.T + b_h)
        p = softmax((h @ W_hy.T + b_y) / (tau if use_tau else 1.0))
        cumulatives.append(np.cumsum(p, axis=1))
        drawn = p.argmax(axis=1) if greedy else inverse_cdf_sample(p, uniforms[:, 0 if same_uniform else s])
        ids[:, s] = reading if record_input else drawn
        current = drawn
    return ids, cumulatives


def _generation_cases() -> list[Case]:
    cases = []
    for i, (N, S, V, D, H, tau) in enumerate([(1, 1, 5, 3, 4, 1.0), (2, 6, 6, 3, 4, 1.0), (3, 8, 5, 2, 5, 0.5),
                                              (1, 10, 7, 4, 3, 2.0), (4, 5, 4, 3, 6, 1.5)]):
        rng = _rng(300 + i)
        weights = (rng.normal(0, 1, (V, D)), rng.normal(0, 0.8, (H, D)), rng.normal(0, 0.8, (H, H)),
                   rng.normal(0, 0.3, H), rng.normal(0, 1.5, (V, H)), rng.normal(0, 0.5, V))
        h0, first = rng.normal(0, 0.5, (N, H)), rng.integers(0, V, N)
        while True:
            uniforms = rng.random((N, S))
            _, cumulatives = _generate(*weights, h0, first, tau, uniforms)
            if all(_far_from_boundaries(c, uniforms[:, s]) for s, c in enumerate(cumulatives)):
                break
        args = (*weights, h0, first, np.array(tau), uniforms)
        cases.append(Case(f"N={N}, S={S}, V={V}, D={D}, H={H}, temperature={tau}", args,
                          {"N": N, "S": S, "V": V, "D": D, "H": H}))
    return cases


def _buggy(**mistake):
    return lambda *args: _generate(*args, **mistake)[0]


GENERATION_BUGS = (
    KnownBug("sample not fed back", _buggy(feed_back=False),
             "Every step reads first_ids again. After drawing a character, the next step must read it: "
             "set the current ids to the ones just drawn."),
    KnownBug("hidden state not carried", _buggy(carry=False),
             "Every step starts again from h0: keep the new h and use it at the next step."),
    KnownBug("h0 ignored", _buggy(zero_h0=True), "The first step must start from the given h0, not from zeros."),
    KnownBug("temperature ignored", _buggy(use_tau=False),
             "Divide the logits by the temperature before the softmax."),
    KnownBug("argmax instead of a draw", _buggy(greedy=True),
             "You picked the most likely character at every step. Draw it with inverse_cdf_sample and this "
             "step's column of uniforms."),
    KnownBug("same uniform at every step", _buggy(same_uniform=True),
             "Step s uses its own uniform numbers, uniforms[:, s]."),
    KnownBug("recorded the character read, not the one drawn", _buggy(record_input=True),
             "Position s of the output holds the character drawn at step s, not the one the step read: "
             "first_ids is not part of the output."),
)


def _generation_reference(*args):
    return sample_char_rnn(*args)


EXERCISE_SET = ExerciseSet(
    name="sampling",
    title="Sampling from a character model",
    chapter="Training recurrent networks",
    questions=(
        Question("softmax_with_temperature", 2, ("logits", "temperature"), ("N", "V"), softmax_with_temperature,
                 _softmax_cases, SOFTMAX_BUGS,
                 (Property("entries are positive and each row sums to 1", _rows_are_distributions),)),
        Question("inverse_cdf_sample", 2, ("probabilities", "uniforms"), ("N",), inverse_cdf_sample,
                 _distribution_cases, DRAW_BUGS,
                 (Property("every id is a class of positive probability", _drawable),)),
        Question("sample_char_rnn", 4, GENERATION_ARGS, ("N", "S"), _generation_reference, _generation_cases,
                 GENERATION_BUGS),
    ),
)
