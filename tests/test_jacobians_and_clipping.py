import numpy as np
import pytest
import torch

from course_code.scratch.clipping import clip_by_global_norm, clip_elementwise, global_norm
from course_code.scratch.jacobians import (
    ACTIVATION_DERIVATIVE_BOUND,
    gradient_fate,
    hidden_jacobian_norms,
    jacobian_norm_bound,
    matrix_with_spectral_radius,
    power_iteration_states,
    spectral_radius,
    symmetric_matrix_with_eigenvalues,
)


def sequence(T=12, D=3, H=5, radius=0.9, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((T, D)), rng.standard_normal(H) * 0.1, rng.standard_normal((H, D)) * 0.5,
            matrix_with_spectral_radius(H, radius, rng), rng.standard_normal(H) * 0.1)


@pytest.mark.parametrize("nonlinearity", ["tanh", "sigmoid", "relu", "linear"])
def test_jacobian_norms_equal_torch_autograd_jacobians(nonlinearity):
    x, h0, W_xh, W_hh, b_h = sequence()
    norms = hidden_jacobian_norms(x, h0, W_xh, W_hh, b_h, nonlinearity)
    phi = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "linear": lambda a: a}[nonlinearity]

    def run_from(k, h_k):
        h = h_k
        for t in range(k, len(x)):
            h = phi(torch.tensor(W_xh) @ torch.tensor(x[t]) + torch.tensor(W_hh) @ h + torch.tensor(b_h))
        return h

    h = torch.tensor(h0)
    for k in range(len(x)):
        jacobian = torch.autograd.functional.jacobian(lambda state: run_from(k, state), h)
        assert norms[k] == pytest.approx(torch.linalg.matrix_norm(jacobian, ord=2).item(), rel=1e-9)
        h = phi(torch.tensor(W_xh) @ torch.tensor(x[k]) + torch.tensor(W_hh) @ h + torch.tensor(b_h))  # on to h_(k+1)
    assert norms[-1] == 1.0


@pytest.mark.parametrize("nonlinearity", ["tanh", "sigmoid"])
def test_jacobian_norms_respect_the_pascanu_bound(nonlinearity):
    x, h0, W_xh, W_hh, b_h = sequence(T=20, radius=1.5)
    norms = hidden_jacobian_norms(x, h0, W_xh, W_hh, b_h, nonlinearity)
    bound = ACTIVATION_DERIVATIVE_BOUND[nonlinearity] * np.linalg.norm(W_hh, 2)
    distances = len(x) - np.arange(len(x) + 1)
    assert (norms <= bound**distances * (1 + 1e-9)).all()


def test_linear_recurrence_norms_grow_or_shrink_with_the_spectral_radius():
    for radius, grows in [(0.8, False), (1.25, True)]:
        x, h0, W_xh, W_hh, b_h = sequence(T=60, radius=radius, seed=3)
        norms = hidden_jacobian_norms(x, h0, W_xh, W_hh, b_h, "linear")
        assert (norms[0] > 1e3) if grows else (norms[0] < 1e-3)


def test_power_iteration_turns_towards_the_leading_eigenvector():
    W = np.array([[2.0, 0.0], [0.0, 0.5]])
    states = power_iteration_states(W, np.array([1.0, 1.0]), 10)
    np.testing.assert_allclose(states[10], [2.0**10, 0.5**10])
    assert spectral_radius(W) == 2.0
    assert spectral_radius(matrix_with_spectral_radius(6, 0.7, np.random.default_rng(0))) == pytest.approx(0.7)


def test_input_validation():
    x, h0, W_xh, W_hh, b_h = sequence()
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        hidden_jacobian_norms(x, h0, W_xh, W_hh, b_h, "softplus")
    with pytest.raises(ValueError, match=r"W_hh must have shape \(H=5, H=5\)"):
        hidden_jacobian_norms(x, h0, W_xh, W_hh[:4], b_h)
    with pytest.raises(ValueError, match="radius must be a positive number"):
        matrix_with_spectral_radius(3, 0.0, np.random.default_rng(0))


def test_norm_clipping_equals_torch_and_keeps_the_direction():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)) * 10, rng.standard_normal(5) * 10]
    clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
    assert norm == pytest.approx(np.sqrt(sum((g**2).sum() for g in grads)))
    assert global_norm(clipped) == pytest.approx(1.0)
    for g, c in zip(grads, clipped):
        np.testing.assert_allclose(c, g / norm)  # same direction, shorter

    tensors = [torch.tensor(g, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g.copy())
    torch_norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm=1.0)
    assert torch_norm.item() == pytest.approx(norm)
    for t, c in zip(tensors, clipped):
        np.testing.assert_allclose(t.grad.numpy(), c, rtol=1e-5)  # torch adds 1e-6 to the norm


def test_small_gradients_are_not_clipped_and_elementwise_changes_direction():
    grads = [np.array([0.3, -0.4])]
    clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
    np.testing.assert_array_equal(clipped[0], grads[0])
    assert norm == pytest.approx(0.5)
    elementwise = clip_elementwise([np.array([10.0, 0.1])], 1.0)[0]
    np.testing.assert_array_equal(elementwise, [1.0, 0.1])
    cosine = elementwise @ np.array([10.0, 0.1]) / (np.linalg.norm(elementwise) * np.linalg.norm([10.0, 0.1]))
    assert cosine < 0.999
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        clip_by_global_norm(grads, 0.0)
    with pytest.raises(ValueError, match="max_value must be a positive number"):
        clip_elementwise(grads, -1.0)


# ---- the bound, the eigenvalue prediction, matrices with given eigenvalues ----------------


def test_symmetric_matrix_has_the_requested_eigenvalues_and_eigenvectors():
    eigenvalues = np.array([1.1, 0.9, -0.5, 0.2])
    W = symmetric_matrix_with_eigenvalues(eigenvalues, np.random.default_rng(0))
    np.testing.assert_allclose(W, W.T, atol=1e-12)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(W)), np.sort(eigenvalues), atol=1e-12)
    with pytest.raises(ValueError, match="eigenvalues must have shape"):
        symmetric_matrix_with_eigenvalues(np.ones((2, 2)), np.random.default_rng(0))


@pytest.mark.parametrize("nonlinearity", ["tanh", "sigmoid", "relu", "linear"])
def test_bound_is_the_per_step_norm_to_the_power_of_the_distance(nonlinearity):
    x, h0, W_xh, W_hh, b_h = sequence(T=15, radius=1.2, seed=4)
    distances = np.arange(16)
    bound = jacobian_norm_bound(W_hh, nonlinearity, distances)
    gamma = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}[nonlinearity]
    sigma = np.linalg.svd(W_hh, compute_uv=False)[0]
    np.testing.assert_allclose(bound, (gamma * sigma) ** distances)
    norms = hidden_jacobian_norms(x, h0, W_xh, W_hh, b_h, nonlinearity)[::-1]  # distance T - k = 0, 1, ...
    assert (norms <= bound * (1 + 1e-9)).all()


def test_bound_rejects_bad_arguments():
    with pytest.raises(ValueError, match="nonlinearity"):
        jacobian_norm_bound(np.eye(2), "softplus", [1])
    with pytest.raises(ValueError, match="non-negative"):
        jacobian_norm_bound(np.eye(2), "tanh", [-1])
    with pytest.raises(ValueError, match="W_hh must have shape"):
        jacobian_norm_bound(np.ones((2, 3)), "tanh", [1])


def test_gradient_fate_follows_the_spectral_radius_not_the_norm():
    rng = np.random.default_rng(1)
    for eigenvalues, vanishes, explodes in [([0.5, 0.9], True, False), ([1.2, 0.3], False, True),
                                            ([-1.3, 0.1, 0.2], False, True), ([1.0, -1.0], False, False)]:
        fate = gradient_fate(symmetric_matrix_with_eigenvalues(eigenvalues, rng))
        assert fate.radius == pytest.approx(max(abs(e) for e in eigenvalues))
        assert (fate.vanishes, fate.explodes) == (vanishes, explodes)
    # norm 3 > 1, but both eigenvalues are 0.5: the powers still vanish
    non_normal = np.array([[0.5, 3.0], [0.0, 0.5]])
    assert np.linalg.norm(non_normal, 2) > 1
    fate = gradient_fate(non_normal)
    assert fate.vanishes and not fate.explodes
    assert np.linalg.norm(np.linalg.matrix_power(non_normal, 60), 2) < 1e-10
    # a rotation scaled by 1.05 has complex eigenvalues of modulus 1.05
    angle = 0.7
    rotation = 1.05 * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    assert gradient_fate(rotation).explodes
    assert np.linalg.norm(np.linalg.matrix_power(rotation, 100), 2) == pytest.approx(1.05**100)
    assert not gradient_fate(np.eye(3) * (1 + 1e-9)).explodes  # within the tolerance
    with pytest.raises(ValueError, match="tolerance"):
        gradient_fate(np.eye(2), tolerance=-1.0)
