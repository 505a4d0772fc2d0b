"""Exercise set "gradients": clipping, the Jacobian norms dh_T/dh_k, and the eigenvalue prediction.

Goes with the chapter "Vanishing and exploding gradients". The student writes
three plain NumPy functions:

* ``clip_by_global_norm(dW_xh, dW_hh, db_h, max_norm)`` returns the three
  gradients rescaled together by ``min(1, max_norm / global norm)``;
* ``jacobian_norms(x, h0, W_xh, W_hh, b_h)`` returns ``||dh_T/dh_k||_2`` for
  ``k = 0..T`` along one sequence of a tanh RNN, shape ``(T + 1,)``;
* ``predict_gradient_fate(W_hh)`` returns ``(radius, verdict)``: the spectral
  radius and ``-1`` (vanish), ``0`` (neither) or ``1`` (explode) for the
  linear recurrence ``h_t = W_hh h_{t-1}``.

The references are :func:`course_code.scratch.clipping.clip_by_global_norm`,
:func:`course_code.scratch.jacobians.hidden_jacobian_norms` and
:func:`course_code.scratch.jacobians.gradient_fate`. The cases are chosen so
that each known bug changes the answer on at least one of them: for clipping,
gradients whose every array is below the threshold while their global norm is
above it (clipping each array on its own then does nothing), and all-zero gradients.
"""

from __future__ import annotations

import numpy as np

from course_code.grading.questions import Case, ExerciseSet, KnownBug, Output, Property, Question, case_rng
from course_code.scratch.clipping import clip_by_global_norm as reference_clip
from course_code.scratch.jacobians import gradient_fate, hidden_jacobian_norms, symmetric_matrix_with_eigenvalues

__all__ = ["EXERCISE_SET", "FATE_TOLERANCE"]

SEED = 2718
FATE_TOLERANCE = 1e-6  # |radius - 1| <= this counts as on the unit circle: verdict 0


def _rng(offset: int) -> np.random.Generator:
    return case_rng(SEED + offset)


# ---- 1. gradient-norm clipping -------------------------------------------------------------

CLIP_OUTPUTS = (Output("dW_xh", ("H", "D")), Output("dW_hh", ("H", "H")), Output("db_h", ("H",)))


def _clip_cases() -> list[Case]:
    # (H, D, scale of each gradient, max_norm): the scales set each array's norm relative to the threshold
    specs = [
        (4, 3, (3.0, 3.0, 3.0), 1.0),  # every array above the threshold
        (5, 2, (0.7, 0.7, 0.7), 1.0),  # each array below, the global norm above: only global clipping acts
        (3, 3, (0.1, 0.2, 0.1), 1.0),  # all below: nothing to do
        (1, 1, (5.0, 0.5, 2.0), 2.5),  # H = D = 1
        (6, 4, (10.0, 0.01, 1.0), 0.5),  # one array dominates
        (2, 3, (0.0, 0.0, 0.0), 1.0),  # zero gradients: the norm is 0
    ]
    cases = []
    for i, (H, D, scales, max_norm) in enumerate(specs):
        rng = _rng(100 + i)
        shapes = ((H, D), (H, H), (H,))
        grads = []
        for shape, scale in zip(shapes, scales):
            g = rng.normal(size=shape)
            grads.append(g * (scale / np.linalg.norm(g)))  # this array's norm is exactly `scale`
        label = f"H={H}, D={D}, array norms {scales}, max_norm={max_norm}"
        cases.append(Case(label, (*grads, np.array(max_norm)), {"H": H, "D": D}))
    return cases


def _clip_reference(dW_xh, dW_hh, db_h, max_norm):
    return tuple(reference_clip([dW_xh, dW_hh, db_h], float(max_norm))[0])


def _rescale(grads, norm, max_norm, always=False, inverted=False):
    with np.errstate(all="ignore"):
        if inverted:
            scale = norm / max_norm if norm > max_norm else 1.0
        elif always:
            scale = max_norm / norm
        else:
            scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return tuple(g * scale for g in grads)


def _norm_of(grads, how):
    norms = [np.sqrt(np.sum(g**2)) for g in grads]
    return {"global": np.sqrt(sum(n**2 for n in norms)), "sum": sum(norms), "max": max(norms),
            "squared": sum(n**2 for n in norms)}[how]


def _clip_bug(how="global", always=False, inverted=False):
    return lambda *a: _rescale(a[:3], _norm_of(a[:3], how), float(a[3]), always=always, inverted=inverted)


def _per_parameter(dW_xh, dW_hh, db_h, max_norm):
    return tuple(_rescale((g,), _norm_of((g,), "global"), float(max_norm))[0] for g in (dW_xh, dW_hh, db_h))


def _zero_division(dW_xh, dW_hh, db_h, max_norm):
    """Normalise, then give the clipped length: ``g / norm * min(norm, max_norm)``, which is 0 / 0 at g = 0."""
    norm = _norm_of((dW_xh, dW_hh, db_h), "global")
    with np.errstate(all="ignore"):
        return tuple(g / norm * min(norm, float(max_norm)) for g in (dW_xh, dW_hh, db_h))


CLIP_BUGS = (
    KnownBug("each parameter clipped on its own", _per_parameter,
             "Clip by the *global* norm: sqrt of the sum of the squares of every entry of all three arrays "
             "together, then scale all three by the same factor. Clipping each array by its own norm changes "
             "the direction of the update, and does nothing when each array is small but all together are not."),
    KnownBug("clipped element-wise", lambda a, b, c, m: tuple(np.clip(g, -float(m), float(m)) for g in (a, b, c)),
             "That is element-wise clipping (np.clip), which changes the direction. Norm clipping multiplies "
             "every entry by the same factor min(1, max_norm / global norm)."),
    KnownBug("norm as the sum of the parameters' norms", _clip_bug(how="sum"),
             "The global norm is sqrt(||dW_xh||^2 + ||dW_hh||^2 + ||db_h||^2), not the sum of the three norms."),
    KnownBug("norm of the largest parameter only", _clip_bug(how="max"),
             "The global norm includes every array: sqrt(||dW_xh||^2 + ||dW_hh||^2 + ||db_h||^2), not the "
             "largest of the three norms."),
    KnownBug("squared norm (no square root)", _clip_bug(how="squared"),
             "You compared the *squared* norm with max_norm: take the square root of the sum of squares."),
    KnownBug("scale factor inverted", _clip_bug(inverted=True),
             "The factor is max_norm / norm (below 1 when clipping), not norm / max_norm."),
    KnownBug("division by a zero norm", _zero_division,
             "When every gradient is zero the norm is 0, and dividing by it gives NaN (0 / 0). Return the "
             "gradients unchanged when the norm is not larger than max_norm; divide only when clipping."),
    KnownBug("bias left out of the global norm", lambda a, b, c, m: _rescale((a, b, c), _norm_of((a, b), "global"),
                                                                              float(m)),
             "The global norm includes every gradient, the bias's too: "
             "sqrt(||dW_xh||^2 + ||dW_hh||^2 + ||db_h||^2)."),
    KnownBug("always rescaled to max_norm", _clip_bug(always=True),
             "Only rescale when the global norm is larger than max_norm: the factor is min(1, max_norm / norm). "
             "A gradient that is already short enough must come back unchanged."),
)


def _same_direction(output, case: Case) -> str | None:
    grads, max_norm = case.args[:3], float(case.args[3])
    flat_in = np.concatenate([np.ravel(g) for g in grads])
    flat_out = np.concatenate([np.ravel(g) for g in output])
    norm_in = np.linalg.norm(flat_in)
    if norm_in == 0:
        return None if not flat_out.any() else "the gradients are all zero, so the clipped ones must be too."
    scale = float(flat_out @ flat_in) / norm_in**2  # the best single factor
    if scale <= 0 or np.linalg.norm(flat_out - scale * flat_in) > 1e-9 * norm_in:
        return ("the three arrays are not all multiplied by one and the same positive factor, so the update's "
                "direction changed.")
    if np.linalg.norm(flat_out) > max_norm * (1 + 1e-9):
        return f"the global norm after clipping is {np.linalg.norm(flat_out):.6g}, above max_norm = {max_norm:g}."
    return None


# ---- 2. the Jacobian norms ||dh_T/dh_k|| ---------------------------------------------------


def _jacobian_cases() -> list[Case]:
    cases = []
    # (T, D, H, spectral radius of W_hh): radii near 1 keep the norms well above the absolute tolerance
    for i, (T, D, H, radius) in enumerate([(1, 2, 3, 1.2), (5, 3, 4, 1.3), (8, 2, 2, 1.1), (6, 1, 1, 1.5),
                                           (10, 3, 5, 1.6)]):
        rng = _rng(200 + i)
        W_hh = rng.normal(size=(H, H))
        W_hh *= radius / np.max(np.abs(np.linalg.eigvals(W_hh)))
        args = (rng.normal(size=(T, D)), np.tanh(rng.normal(0, 0.5, H)), rng.normal(0, 0.5, (H, D)), W_hh,
                rng.normal(0, 0.2, H))
        cases.append(Case(f"T={T}, D={D}, H={H}", args, {"T": T, "D": D, "H": H, "T+1": T + 1}))
    return cases


def _jacobian_reference(x, h0, W_xh, W_hh, b_h):
    return hidden_jacobian_norms(x, h0, W_xh, W_hh, b_h, "tanh")


def _jacobians(x, h0, W_xh, W_hh, b_h, step="diag W", derivative="1 - h^2", order="right", norm=2, shift=False,
               reverse=False):
    """The norms with one known mistake (the defaults are correct)."""
    h, states, slopes = h0, [h0], []
    for t in range(len(x)):
        h = np.tanh(W_xh @ x[t] + W_hh @ h + b_h)
        states.append(h)
        slopes.append({"1 - h^2": 1 - h**2, "1 - h": 1 - h, "none": np.ones_like(h),
                       "previous": 1 - states[-2] ** 2}[derivative])
    T, H = len(x), len(h0)
    norms, product = np.empty(T + 1), np.eye(H)
    norms[T] = 1.0
    for k in reversed(range(T)):
        d = slopes[k]
        J = {"diag W": d[:, None] * W_hh, "W diag": W_hh * d[None, :], "diag W.T": d[:, None] * W_hh.T}[step]
        previous = product
        product = product @ J if order == "right" else J @ product
        measured = previous if shift else product
        if norm == "radius":
            norms[k] = np.max(np.abs(np.linalg.eigvals(measured)))
        else:
            norms[k] = np.linalg.norm(measured, ord=norm)
    return norms[::-1] if reverse else norms


def _jacobian_bug(**mistake):
    return lambda *args: _jacobians(*args, **mistake)


JACOBIAN_BUGS = (
    KnownBug("tanh derivative left out", _jacobian_bug(derivative="none"),
             "Each step's Jacobian is diag(1 - h_t**2) @ W_hh: the tanh derivative at that step scales the rows "
             "of W_hh. Without it you get the norms of powers of W_hh, the linear recurrence."),
    KnownBug("Frobenius norm", _jacobian_bug(norm="fro"),
             "np.linalg.norm(M) of a matrix is the Frobenius norm; the spectral norm (the largest singular value) "
             "is np.linalg.norm(M, ord=2)."),
    KnownBug("spectral radius instead of the norm", _jacobian_bug(norm="radius"),
             "The largest |eigenvalue| of the product is its spectral radius, not its norm. Use the largest "
             "singular value: np.linalg.norm(M, ord=2)."),
    KnownBug("product multiplied in the wrong order", _jacobian_bug(order="left"),
             "Going back from T, dh_T/dh_k = dh_T/dh_(k+1) @ dh_(k+1)/dh_k: multiply the running product on the "
             "right by the earlier step's Jacobian (product = product @ J), not on the left."),
    KnownBug("derivative on the wrong side of W_hh", _jacobian_bug(step="W diag"),
             "h_t = tanh(W_hh h_(t-1) + ...): the chain rule gives diag(1 - h_t**2) @ W_hh, which scales the rows "
             "of W_hh (d[:, None] * W_hh), not its columns."),
    KnownBug("W_hh transposed", _jacobian_bug(step="diag W.T"),
             "With column vectors, dh_t/dh_(t-1) = diag(1 - h_t**2) @ W_hh (no transpose): entry (i, j) is how "
             "unit i at step t reacts to unit j at step t - 1."),
    KnownBug("tanh derivative at the previous state", _jacobian_bug(derivative="previous"),
             "The derivative in step t's Jacobian belongs to that step's tanh: 1 - h_t**2, with h_t the state the "
             "step produces, not h_(t-1)."),
    KnownBug("tanh derivative as 1 - h", _jacobian_bug(derivative="1 - h"),
             "tanh'(a) = 1 - tanh(a)**2, so written with the output it is 1 - h**2, not 1 - h."),
    KnownBug("off by one step", _jacobian_bug(shift=True),
             "Entry k must be the norm of dh_T/dh_k, which includes the Jacobian of step k + 1. Yours holds "
             "dh_T/dh_(k+1) at position k."),
    KnownBug("in reverse order", _jacobian_bug(reverse=True),
             "Entry k is the norm of dh_T/dh_k for k = 0..T: the first entry is the longest product, the last "
             "entry (k = T) is the identity, norm 1."),
)


def _last_is_one(output, case: Case) -> str | None:
    if abs(float(output[-1]) - 1.0) > 1e-12:
        return f"the last entry is {float(output[-1]):.6g}; dh_T/dh_T is the identity, whose norm is 1."
    return None


def _under_the_bound(output, case: Case) -> str | None:
    W_hh = case.args[3]
    T = len(case.args[0])
    bound = np.linalg.norm(W_hh, 2) ** (T - np.arange(T + 1))  # tanh' <= 1
    if (output > bound * (1 + 1e-9)).any():
        k = int(np.argmax(output > bound * (1 + 1e-9)))
        return (f"entry k = {k} is {float(output[k]):.6g}, above the bound ||W_hh||_2^(T - k) = {bound[k]:.6g}; "
                "no tanh RNN can exceed it.")
    return None


# ---- 3. the eigenvalue prediction ----------------------------------------------------------

FATE_OUTPUTS = (Output("radius", ()), Output("verdict", ()))


def _fate_cases() -> list[Case]:
    angle = 0.9
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    orthogonal_4 = np.linalg.qr(_rng(305).normal(size=(4, 4)))[0]  # radius 1 up to rounding,
    orthogonal_5 = np.linalg.qr(_rng(300).normal(size=(5, 5)))[0]  # on either side of 1
    gaussian = _rng(301).normal(size=(5, 5))
    matrices = [
        ("1 x 1, w = 0.5", np.array([[0.5]])),
        ("1 x 1, w = 2", np.array([[2.0]])),
        ("symmetric, eigenvalues -1.3, 0.4, 0.8 (dominant one negative)",
         symmetric_matrix_with_eigenvalues(np.array([-1.3, 0.4, 0.8]), _rng(302))),
        ("non-normal [[0.5, 3], [0, 0.5]]: norm above 1, eigenvalues 0.5", np.array([[0.5, 3.0], [0.0, 0.5]])),
        ("rotation by 0.9 rad scaled by 1.05 (complex eigenvalues)", 1.05 * rotation),
        ("random orthogonal 4 x 4", orthogonal_4),
        ("random orthogonal 5 x 5", orthogonal_5),
        ("random 5 x 5 with spectral radius 0.95", gaussian * 0.95 / np.max(np.abs(np.linalg.eigvals(gaussian)))),
        ("non-normal [[0.9, 0], [4, 1.1]]: lower triangle", np.array([[0.9, 0.0], [4.0, 1.1]])),
    ]
    return [Case(label, (W,), {"H": len(W)}) for label, W in matrices]


def _verdict(radius: float, tolerance: float = FATE_TOLERANCE) -> int:
    return -1 if radius < 1 - tolerance else 1 if radius > 1 + tolerance else 0


def _fate_reference(W_hh):
    fate = gradient_fate(W_hh, tolerance=FATE_TOLERANCE)
    return fate.radius, -1 if fate.vanishes else 1 if fate.explodes else 0


def _fate_bug(radius_of, verdict_of=_verdict):
    def wrong(W_hh):
        radius = float(radius_of(W_hh))
        return radius, verdict_of(radius)
    return wrong


FATE_BUGS = (
    KnownBug("largest singular value instead of the spectral radius", _fate_bug(lambda W: np.linalg.norm(W, 2)),
             "np.linalg.norm(W, 2) is the largest singular value: it says how much one step can stretch a vector, "
             "not how W^n behaves for large n. Use the largest |eigenvalue|: np.abs(np.linalg.eigvals(W)).max()."),
    KnownBug("largest eigenvalue without the absolute value",
             _fate_bug(lambda W: np.max(np.linalg.eigvals(W).real)),
             "Take the absolute value (the modulus, for complex eigenvalues) before the maximum: an eigenvalue of "
             "-1.3 makes powers explode as surely as +1.3."),
    KnownBug("smallest |eigenvalue|", _fate_bug(lambda W: np.min(np.abs(np.linalg.eigvals(W)))),
             "The long-run growth of W^n is set by the *largest* |eigenvalue|, the spectral radius."),
    KnownBug("eigvalsh on a matrix that is not symmetric",
             _fate_bug(lambda W: np.max(np.abs(np.linalg.eigvalsh(W)))),
             "np.linalg.eigvalsh assumes a symmetric matrix and reads only one triangle; W_hh is not symmetric in "
             "general. Use np.linalg.eigvals, whose eigenvalues may be complex, and their modulus np.abs."),
    KnownBug("verdict reversed", _fate_bug(lambda W: np.max(np.abs(np.linalg.eigvals(W))),
                                           lambda r: -_verdict(r)),
             "A spectral radius below 1 makes the powers of W shrink: that is vanishing, verdict -1; above 1 they "
             "grow: exploding, verdict 1."),
    KnownBug("no tolerance around 1", _fate_bug(lambda W: np.max(np.abs(np.linalg.eigvals(W))),
                                                lambda r: _verdict(r, tolerance=0.0)),
             "An orthogonal matrix has spectral radius 1, but computed in floating point it comes out as "
             "0.9999999999999998 or 1.0000000000000002. Count |radius - 1| <= 1e-6 as 1: verdict 0."),
)


def _verdict_matches_radius(output, case: Case) -> str | None:
    radius, verdict = float(output[0]), int(output[1])
    if verdict != _verdict(radius):
        return (f"the verdict {verdict} does not follow from the radius {radius:.6g} you returned: -1 below "
                f"1 - 1e-6, 1 above 1 + 1e-6, else 0.")
    return None


EXERCISE_SET = ExerciseSet(
    name="gradients",
    title="Vanishing and exploding gradients",
    chapter="Vanishing and exploding gradients",
    questions=(
        Question("clip_by_global_norm", 3, ("dW_xh", "dW_hh", "db_h", "max_norm"), (),
                 _clip_reference, _clip_cases, CLIP_BUGS,
                 (Property("one positive factor for all arrays, global norm at most max_norm", _same_direction),),
                 outputs=CLIP_OUTPUTS),
        Question("jacobian_norms", 4, ("x", "h0", "W_xh", "W_hh", "b_h"), ("T+1",),
                 _jacobian_reference, _jacobian_cases, JACOBIAN_BUGS,
                 (Property("the last entry is 1", _last_is_one),
                  Property("below the bound ||W_hh||_2^(T - k)", _under_the_bound))),
        Question("predict_gradient_fate", 3, ("W_hh",), (),
                 _fate_reference, _fate_cases, FATE_BUGS,
                 (Property("the verdict follows from the radius", _verdict_matches_radius),),
                 outputs=FATE_OUTPUTS),
    ),
)
