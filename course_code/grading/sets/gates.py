"""Exercise set "gates": the LSTM's step forward and backward, a sequence of steps, the GRU's step.

Goes with the chapters "Long short-term memory" and "Gated recurrent units".
The student writes four plain functions (no caches: the forward quantities are arguments):

* ``lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b)`` returns ``(h, c)``;
* ``lstm_forward(x, h0, c0, W_x, W_h, b)`` returns ``(h, c_T)``: every hidden
  state ``(N, T, H)`` and the last cell state;
* ``lstm_step_backward(dh, dc, x, h_prev, c_prev, gates, c, W_x, W_h)`` returns
  ``(dx, dh_prev, dc_prev, dW_x, dW_h, db)``;
* ``gru_step_forward(x, h_prev, W_x, W_h, b_x, b_h)`` returns ``h``, PyTorch's form.

Weights are in PyTorch's layout: the LSTM's gate blocks in the order ``i, f, g, o``
(``W_x (4H, D)``, ``W_h (4H, H)``, ``b (4H,)``), the GRU's in the order ``r, z, n``
with its two biases separate. Each array is compared with the reference in
:mod:`course_code.scratch` (float64, ``rtol=1e-6, atol=1e-8``) on seeded inputs
including ``N=1``, ``T=1`` and ``H == D``. The known bugs include the lecture
decks' errata: the cell update with the previous candidate or the previous cell
in place of the candidate, the forget gate applied to the short-term state, the
tanh missing on the cell before the output gate, the gate blocks in another
order, and the GRU's ``z`` and ``1 - z`` swapped.
"""

from __future__ import annotations

import numpy as np

from course_code.checks import numerical_gradient
from course_code.grading.questions import Case, ExerciseSet, KnownBug, Output, Property, Question, case_rng
from course_code.scratch.gru import gru_step_forward as reference_gru_step_forward
from course_code.scratch.gru import gru_step_forward_cho
from course_code.scratch.lstm import LSTMStepCache
from course_code.scratch.lstm import lstm_forward as reference_lstm_forward
from course_code.scratch.lstm import lstm_step_backward as reference_lstm_step_backward
from course_code.scratch.lstm import lstm_step_forward as reference_lstm_step_forward

__all__ = ["EXERCISE_SET", "NUMERICAL_TOLERANCE"]

SEED = 60607
NUMERICAL_TOLERANCE = 1e-6  # largest ||student - finite differences|| / (||student|| + ||finite differences||)
EPS = 1e-5  # step of the central differences


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _lstm_weights(rng, D: int, H: int):
    """``W_x (4H, D)``, ``W_h (4H, H)``, ``b (4H,)``, scaled so the gates stay away from saturation."""
    return rng.normal(0, 0.5, (4 * H, D)), rng.normal(0, 0.5, (4 * H, H)), rng.normal(0, 0.5, 4 * H)


def _blocks(a, order="ifgo"):
    """The four ``(N, H)`` blocks of ``a (N, 4H)``, named by ``order`` (the correct order is ``"ifgo"``)."""
    parts = dict(zip(order, np.split(a, 4, axis=-1)))
    return parts["i"], parts["f"], parts["g"], parts["o"]


# ---- LSTM: one step forward -----------------------------------------------------------------

LSTM_STEP_OUTPUTS = (Output("h", ("N", "H")), Output("c", ("N", "H")))


def _lstm_step_cases() -> list[Case]:
    cases = []
    for i, (N, D, H) in enumerate([(1, 3, 4), (2, 5, 3), (3, 4, 4), (4, 2, 6), (1, 1, 1)]):
        rng = _rng(100 + i)
        args = (rng.normal(size=(N, D)), rng.normal(0, 0.5, (N, H)), rng.normal(0, 1.0, (N, H)),
                *_lstm_weights(rng, D, H))
        cases.append(Case(f"N={N}, D={D}, H={H}", args, {"N": N, "D": D, "H": H}))
    return cases


def _lstm_step_reference(x, h_prev, c_prev, W_x, W_h, b):
    h, c, _ = reference_lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b)
    return h, c


def _lstm_step(x, h_prev, c_prev, W_x, W_h, b, order="ifgo", g_act=np.tanh, written=None, kept=None,
               squash_cell=np.tanh, shown_cell="c"):
    """One LSTM step with optionally one known mistake (the defaults are correct)."""
    i, f, a_g, o = _blocks(x @ W_x.T + h_prev @ W_h.T + b, order)
    i, f, o = _sigmoid(i), _sigmoid(f), _sigmoid(o)
    g = g_act(a_g)
    c = f * (c_prev if kept is None else kept(h_prev, c_prev)) + i * (g if written is None else written(g, c_prev))
    h = o * squash_cell(c if shown_cell == "c" else c_prev)
    return h, c


def _step_bug(**mistake):
    return lambda *args: _lstm_step(*args, **mistake)


GATE_ORDER_HINT = ("PyTorch stacks the four blocks of W_x, W_h and b in the order i, f, g, o: rows 0:H are the "
                   "input gate, H:2H the forget gate, 2H:3H the candidate g, 3H:4H the output gate.")

LSTM_STEP_BUGS = (
    KnownBug("gate blocks i and f swapped", _step_bug(order="figo"), GATE_ORDER_HINT),
    KnownBug("gate blocks g and o swapped", _step_bug(order="ifog"), GATE_ORDER_HINT),
    KnownBug("gate blocks in the order i, g, f, o", _step_bug(order="igfo"), GATE_ORDER_HINT
             + " (i, g, f, o is TensorFlow's order, not PyTorch's.)"),
    KnownBug("previous cell written instead of the candidate",
             _step_bug(written=lambda g, c_prev: c_prev),
             "The input gate admits the candidate computed at this step, g_t = tanh(a_g): "
             "c_t = f_t * c_(t-1) + i_t * g_t. One lecture deck writes i_t * C~_(t-1); that is an erratum."),
    KnownBug("forget gate applied to the hidden state", _step_bug(kept=lambda h_prev, c_prev: h_prev),
             "The forget gate scales the previous *cell* (long-term) state c_(t-1), not the hidden "
             "(short-term) state h_(t-1): c_t = f_t * c_(t-1) + i_t * g_t."),
    KnownBug("tanh missing on the cell before the output gate", _step_bug(squash_cell=lambda c: c),
             "The hidden state is h_t = o_t * tanh(c_t): squash the cell state before the output gate scales it."),
    KnownBug("sigmoid for the candidate", _step_bug(g_act=_sigmoid),
             "The candidate g is a tanh layer (values in (-1, 1), so the cell can be decreased too); "
             "only i, f and o are sigmoids."),
    KnownBug("hidden state from the previous cell", _step_bug(shown_cell="c_prev"),
             "h_t = o_t * tanh(c_t) uses the cell state just computed, not c_(t-1)."),
)


# ---- LSTM: a whole sequence -----------------------------------------------------------------

LSTM_SEQUENCE_OUTPUTS = (Output("h", ("N", "T", "H")), Output("c_T", ("N", "H")))


def _lstm_sequence_cases() -> list[Case]:
    cases = []
    for i, (N, T, D, H) in enumerate([(1, 1, 3, 4), (2, 5, 3, 4), (3, 4, 4, 4), (1, 6, 2, 5), (4, 3, 5, 2)]):
        rng = _rng(200 + i)
        args = (rng.normal(size=(N, T, D)), rng.normal(0, 0.5, (N, H)), rng.normal(0, 1.0, (N, H)),
                *_lstm_weights(rng, D, H))
        cases.append(Case(f"N={N}, T={T}, D={D}, H={H}", args, {"N": N, "T": T, "D": D, "H": H}))
    return cases


def _lstm_sequence_reference(x, h0, c0, W_x, W_h, b):
    h, (_, c_T), _ = reference_lstm_forward(x, h0, c0, W_x, W_h, b)
    return h, c_T


def _lstm_sequence(x, h0, c0, W_x, W_h, b, candidate="current", carry_h=True, carry_c=True):
    """The loop over time with optionally one known mistake (the defaults are correct)."""
    N, T, _ = x.shape
    h_prev, c_prev, g_prev = h0, c0, np.zeros_like(c0)
    states = []
    for t in range(T):
        i, f, a_g, o = _blocks(x[:, t] @ W_x.T + (h_prev if carry_h else h0) @ W_h.T + b)
        i, f, o, g = _sigmoid(i), _sigmoid(f), _sigmoid(o), np.tanh(a_g)
        c = f * (c_prev if carry_c else c0) + i * (g if candidate == "current" else g_prev)
        h = o * np.tanh(c)
        states.append(h)
        h_prev, c_prev, g_prev = h, c, g
    return np.stack(states, axis=1), c_prev


LSTM_SEQUENCE_BUGS = (
    KnownBug("cell update with the previous step's candidate",
             lambda *a: _lstm_sequence(*a, candidate="previous"),
             "The cell takes the candidate of the *current* step: c_t = f_t * c_(t-1) + i_t * g_t. One lecture "
             "deck writes i_t * C~_(t-1), the candidate of the previous step; that is an erratum (it would let "
             "the input x_t reach the memory only one step late)."),
    KnownBug("hidden state not carried", lambda *a: _lstm_sequence(*a, carry_h=False),
             "Each step must read the hidden state of the step before (h0 only at t = 0): update h_prev "
             "inside the loop."),
    KnownBug("cell state not carried", lambda *a: _lstm_sequence(*a, carry_c=False),
             "Each step must read the cell state of the step before (c0 only at t = 0): update c_prev "
             "inside the loop."),
)


# ---- LSTM: one step backward ----------------------------------------------------------------

LSTM_BACKWARD_OUTPUTS = (Output("dx", ("N", "D")), Output("dh_prev", ("N", "H")), Output("dc_prev", ("N", "H")),
                         Output("dW_x", ("4H", "D")), Output("dW_h", ("4H", "H")), Output("db", ("4H",)))
LSTM_BACKWARD_NAMES = tuple(output.name for output in LSTM_BACKWARD_OUTPUTS)


def _lstm_backward_cases() -> list[Case]:
    cases = []
    for i, (N, D, H) in enumerate([(1, 3, 4), (2, 5, 3), (3, 4, 4), (4, 2, 6), (1, 1, 1)]):
        rng = _rng(300 + i)
        x, h_prev, c_prev = rng.normal(size=(N, D)), rng.normal(0, 0.5, (N, H)), rng.normal(0, 1.0, (N, H))
        W_x, W_h, b = _lstm_weights(rng, D, H)
        _, c, cache = reference_lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b)
        dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
        cases.append(Case(f"N={N}, D={D}, H={H}", (dh, dc, x, h_prev, c_prev, cache.gates, c, W_x, W_h),
                          {"N": N, "D": D, "H": H, "4H": 4 * H}))
    return cases


def _lstm_backward_reference(dh, dc, x, h_prev, c_prev, gates, c, W_x, W_h):
    cache = LSTMStepCache(x, h_prev, c_prev, gates, np.tanh(c), W_x, W_h)
    return tuple(reference_lstm_step_backward(dh, dc, cache))


def _lstm_backward(dh, dc, x, h_prev, c_prev, gates, c, W_x, W_h, through_h=True, tanh_derivative=True,
                   g_derivative="tanh", forget=True, carry="total", order="ifgo", db_summed=True):
    """One step's gradients with optionally one known mistake (the defaults are correct)."""
    i, f, g, o = _blocks(gates)
    tanh_c = np.tanh(c)
    from_h = dh * o * ((1 - tanh_c**2) if tanh_derivative else 1.0)
    total = dc + from_h if through_h else dc
    di, df, dg, do = total * g, total * c_prev, total * i, dh * tanh_c
    da_i, da_f, da_o = di * i * (1 - i), df * f * (1 - f), do * o * (1 - o)
    da_g = dg * ((1 - g**2) if g_derivative == "tanh" else g * (1 - g))
    parts = {"i": da_i, "f": da_f, "g": da_g, "o": da_o}
    da = np.concatenate([parts[k] for k in order], axis=1)  # (N, 4H)
    dc_prev = (total if carry == "total" else dc) * (f if forget else 1.0)
    return (da @ W_x, da @ W_h, dc_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0) if db_summed else da)


def _backward_bug(**mistake):
    return lambda *args: _lstm_backward(*args, **mistake)


LSTM_BACKWARD_BUGS = (
    KnownBug("dc_prev from the incoming dc only", _backward_bug(carry="incoming"),  # before the next: same dc_prev
             "dc_prev = f * (dc + dh * o * (1 - tanh(c)**2)): the path through h_t reaches c_(t-1) too."),
    KnownBug("gradient from h not added to the cell", _backward_bug(through_h=False),
             "c_t reaches the loss along two paths: directly (dc, from the next step) and through "
             "h_t = o_t * tanh(c_t). Add dh * o * (1 - tanh(c)**2) to dc before going further back."),
    KnownBug("tanh derivative missing on the path from h to c", _backward_bug(tanh_derivative=False),
             "h_t = o_t * tanh(c_t), so the gradient reaching c_t from h_t is dh * o * (1 - tanh(c_t)**2)."),
    KnownBug("sigmoid derivative used for the candidate", _backward_bug(g_derivative="sigmoid"),
             "g is a tanh: its derivative, written with its output, is 1 - g**2; g * (1 - g) is the sigmoid's."),
    KnownBug("forget gate missing from dc_prev", _backward_bug(forget=False),
             "c_t = f_t * c_(t-1) + ..., so the gradient sent back to c_(t-1) is the cell's gradient times f_t."),
    KnownBug("gate blocks of da in another order", _backward_bug(order="ifog"),
             "Assemble the pre-activation gradient in the same order as the weights: i, f, g, o."),
    KnownBug("db not summed over the batch", _backward_bug(db_summed=False),
             "b (shape (4H,)) is added to every row of the batch, so db sums da over the batch: da.sum(axis=0)."),
)


def _bias_from_gates(x, h_prev, gates, W_x, W_h):
    """The bias the forward pass used, recovered from its gates (the same in every row)."""
    i, f, g, o = _blocks(gates)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    a = np.concatenate([logit(i), logit(f), np.arctanh(g), logit(o)], axis=1)
    return (a - x @ W_x.T - h_prev @ W_h.T).mean(axis=0)


def _relative_gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


def _lstm_backward_numerically(output, case: Case) -> str | None:
    dh, dc, x, h_prev, c_prev, gates, _, W_x, W_h = (np.array(a, dtype=float) for a in case.args)
    b = _bias_from_gates(x, h_prev, gates, W_x, W_h)
    wrt = dict(zip(LSTM_BACKWARD_NAMES, (x, h_prev, c_prev, W_x, W_h, b)))

    def loss():
        h, c = _lstm_step(x, h_prev, c_prev, W_x, W_h, b)
        return float(np.sum(dh * h) + np.sum(dc * c))

    for name, got in zip(LSTM_BACKWARD_NAMES, output):
        gap = _relative_gap(got, numerical_gradient(loss, wrt[name], eps=EPS))
        if gap > NUMERICAL_TOLERANCE:
            return (f"{name} does not match the finite-difference gradient of sum(dh * h) + sum(dc * c): "
                    f"relative gap {gap:.1e} (||a - b|| / (||a|| + ||b||), tolerance {NUMERICAL_TOLERANCE:g}).")
    return None


# ---- GRU: one step forward ------------------------------------------------------------------


def _gru_cases() -> list[Case]:
    cases = []
    for i, (N, D, H) in enumerate([(1, 3, 4), (2, 5, 3), (3, 4, 4), (4, 2, 6), (1, 1, 1)]):
        rng = _rng(400 + i)
        args = (rng.normal(size=(N, D)), rng.normal(0, 0.5, (N, H)), rng.normal(0, 0.5, (3 * H, D)),
                rng.normal(0, 0.5, (3 * H, H)), rng.normal(0, 0.5, 3 * H), rng.normal(0, 0.5, 3 * H))
        cases.append(Case(f"N={N}, D={D}, H={H}", args, {"N": N, "D": D, "H": H}))
    return cases


def _gru_reference(x, h_prev, W_x, W_h, b_x, b_h):
    return reference_gru_step_forward(x, h_prev, W_x, W_h, b_x, b_h)[0]


def _gru(x, h_prev, W_x, W_h, b_x, b_h, keep="z", order="rzn", reset="pytorch", n_act=np.tanh):
    """One GRU step with optionally one known mistake (the defaults are correct)."""
    parts_x = dict(zip(order, np.split(x @ W_x.T + b_x, 3, axis=1)))
    parts_h = dict(zip(order, np.split(h_prev @ W_h.T + b_h, 3, axis=1)))
    r = _sigmoid(parts_x["r"] + parts_h["r"])
    z = _sigmoid(parts_x["z"] + parts_h["z"])
    b_hn = dict(zip(order, np.split(b_h, 3)))["n"]
    hidden_n = {"pytorch": r * parts_h["n"], "bias outside": r * (parts_h["n"] - b_hn) + b_hn,
                "none": parts_h["n"]}[reset]
    n = n_act(parts_x["n"] + hidden_n)
    return (1 - z) * n + z * h_prev if keep == "z" else z * n + (1 - z) * h_prev


def _gru_bug(**mistake):
    return lambda *args: _gru(*args, **mistake)


GRU_BUGS = (
    KnownBug("z and 1 - z swapped", _gru_bug(keep="1 - z"),
             "In PyTorch's (and Cho et al.'s) convention the update gate keeps the old state: "
             "h_t = (1 - z_t) * n_t + z_t * h_(t-1). Texts that swap z and 1 - z describe a valid GRU too, "
             "but its weights mean something else."),
    KnownBug("reset gate applied before the product (Cho et al.'s form)",
             lambda x, h, Wx, Wh, bx, bh: gru_step_forward_cho(x, h, Wx, Wh, bx, bh),
             "That is the GRU of Cho et al. (2014), r * h_prev multiplied by W_hn: a valid GRU, but not the one "
             "asked for. PyTorch applies r after the product, to the whole hidden term: "
             "n = tanh(x W_in^T + b_in + r * (h_prev W_hn^T + b_hn))."),
    KnownBug("reset gate does not scale b_hn", _gru_bug(reset="bias outside"),
             "In PyTorch's form the reset gate multiplies the whole hidden term of the candidate, its bias "
             "included: r * (h_prev @ W_hn.T + b_hn)."),
    KnownBug("reset gate missing", _gru_bug(reset="none"),
             "The candidate reads the old state through the reset gate: n = tanh(x W_in^T + b_in + r * (...))."),
    KnownBug("blocks r and z swapped", _gru_bug(order="zrn"),
             "PyTorch stacks the GRU's blocks in the order r, z, n: rows 0:H are the reset gate, H:2H the "
             "update gate, 2H:3H the candidate."),
    KnownBug("sigmoid for the candidate", _gru_bug(n_act=_sigmoid),
             "The candidate n is a tanh layer; only r and z are sigmoids."),
)


def _gru_between_candidate_and_state(output, case: Case) -> str | None:
    """Each unit of h lies between h_prev and a value in (-1, 1): h is a convex combination."""
    h_prev = case.args[1]
    low, high = np.minimum(h_prev, -1.0), np.maximum(h_prev, 1.0)
    if np.any(output < low - 1e-12) or np.any(output > high + 1e-12):
        return ("h_t = (1 - z) * n + z * h_prev is a weighted average of n (in (-1, 1)) and h_prev, so each "
                "entry lies between min(h_prev, -1) and max(h_prev, 1); yours does not.")
    return None


EXERCISE_SET = ExerciseSet(
    name="gates",
    title="Gated recurrent networks: LSTM and GRU",
    chapter="Long short-term memory",
    questions=(
        Question("lstm_step_forward", 3, ("x", "h_prev", "c_prev", "W_x", "W_h", "b"), (),
                 _lstm_step_reference, _lstm_step_cases, LSTM_STEP_BUGS, outputs=LSTM_STEP_OUTPUTS),
        Question("lstm_forward", 2, ("x", "h0", "c0", "W_x", "W_h", "b"), (),
                 _lstm_sequence_reference, _lstm_sequence_cases, LSTM_SEQUENCE_BUGS, outputs=LSTM_SEQUENCE_OUTPUTS),
        Question("lstm_step_backward", 4, ("dh", "dc", "x", "h_prev", "c_prev", "gates", "c", "W_x", "W_h"), (),
                 _lstm_backward_reference, _lstm_backward_cases, LSTM_BACKWARD_BUGS,
                 (Property("agrees with finite differences", _lstm_backward_numerically),),
                 outputs=LSTM_BACKWARD_OUTPUTS),
        Question("gru_step_forward", 3, ("x", "h_prev", "W_x", "W_h", "b_x", "b_h"), ("N", "H"),
                 _gru_reference, _gru_cases, GRU_BUGS,
                 (Property("h lies between the candidate's range and h_prev", _gru_between_candidate_and_state),)),
    ),
)
