"""Each class of bad input of issue 12, with the behaviour the package promises for it.

Every test here failed before the fix (a NaN gradient, a silent wrong answer, or an
error from deep inside torch or NumPy) and passes after it. The tests use public
names only, so they also run against an older checkout of the package.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_code.nn.attention import AdditiveAttention, masked_softmax
from course_code.nn.gru import ScratchGRU
from course_code.nn.lstm import ScratchLSTM
from course_code.nn.rnn import VanillaRNN
from course_code.nn.stacked import StackedRNN
from course_code.scratch.bidirectional import bidirectional_forward, masked_cross_entropy
from course_code.scratch.rnn import init_rnn_params, rnn_forward
from course_code.training.masking import IGNORE_INDEX, masked_sequence_cross_entropy

LENGTHS = torch.tensor([5, 2, 4])
POISONS = [float("nan"), float("inf"), -float("inf"), 1e30]


def padded_batch(poison: float, D: int = 3):
    """``(x, lengths)`` of shape ``(3, 5, D)`` with ``poison`` in every padded step."""
    x = torch.randn(3, 5, D, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    real = torch.arange(5)[None, :] < LENGTHS[:, None]
    return torch.where(real[..., None], x, torch.full_like(x, poison)), real


# --- padding that poisons gradients -------------------------------------------------------------

@pytest.mark.parametrize("poison", POISONS)
@pytest.mark.parametrize("mode, bidirectional", [("rnn", False), ("gru", True), ("lstm", True)])
def test_padding_cannot_poison_the_gradients_of_a_stack(mode, bidirectional, poison):
    torch.manual_seed(0)
    stack = StackedRNN(mode, 3, 4, num_layers=2, bidirectional=bidirectional).double()
    x, real = padded_batch(poison)
    x.requires_grad_()
    output, _ = stack(x, lengths=LENGTHS)
    output.sum().backward()
    grads = [p.grad for p in stack.parameters()]
    assert all(torch.isfinite(g).all() for g in grads)
    assert (output[~real] == 0).all() and (x.grad[~real] == 0).all()
    # The same as each sequence alone: the padding does not exist.
    stack.zero_grad()
    for n, length in enumerate(LENGTHS.tolist()):
        stack(x[n : n + 1, :length].detach())[0].sum().backward()
    for ours, alone in zip(grads, (p.grad for p in stack.parameters())):
        torch.testing.assert_close(ours, alone)


@pytest.mark.parametrize("poison", POISONS)
def test_masked_loss_equals_ignore_index_whatever_the_padding_holds(poison):
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(3, 5, 4, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 4, (3, 5), generator=generator)
    real = torch.arange(5)[None, :] < LENGTHS[:, None]
    targets[~real] = IGNORE_INDEX
    expected = F.cross_entropy(logits.reshape(-1, 4), targets.reshape(-1), ignore_index=IGNORE_INDEX)
    poisoned = torch.where(real[..., None], logits, torch.full_like(logits, poison)).requires_grad_()
    loss = masked_sequence_cross_entropy(poisoned, targets)
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert torch.isfinite(poisoned.grad).all() and (poisoned.grad[~real] == 0).all()


@pytest.mark.parametrize("poison", POISONS)
def test_numpy_masked_loss_and_bidirectional_forward_ignore_the_padding(poison):
    rng = np.random.default_rng(2)
    lengths = LENGTHS.numpy()
    real = np.arange(5)[None, :] < lengths[:, None]
    logits = rng.normal(size=(3, 5, 4))
    targets = rng.integers(0, 4, (3, 5))
    clean = masked_cross_entropy(logits, targets, lengths)
    logits[~real] = poison
    targets[~real] = -1  # anything may sit at padding, even an impossible class
    assert masked_cross_entropy(logits, targets, lengths) == pytest.approx(clean, rel=1e-15)

    x, _ = padded_batch(poison)
    x = x.numpy()
    params = init_rnn_params(3, 4, 1, rng)
    weights = (params.W_xh, params.W_hh, params.b_h)
    run = lambda x, *w: rnn_forward(x, np.zeros((x.shape[0], 4)), *w)[0]  # noqa: E731
    out = bidirectional_forward(run, x, weights, weights, lengths)
    assert np.isfinite(out).all() and (out[~real] == 0).all()  # zero at padding, as documented


@pytest.mark.parametrize("poison", POISONS)
def test_attention_padding_reaches_no_output_and_no_gradient(poison):
    torch.manual_seed(3)
    attention = AdditiveAttention(4, 6, 5).double()
    query = torch.randn(3, 4, dtype=torch.float64)
    keys, real = padded_batch(poison, D=6)
    keys.requires_grad_()
    context, weights = attention(query, keys, real)
    context.sum().backward()
    assert torch.isfinite(context).all() and (weights[~real] == 0).all()
    assert all(torch.isfinite(p.grad).all() for p in attention.parameters())
    assert (keys.grad[~real] == 0).all()


def test_a_row_without_real_steps_raises_in_torch_as_in_numpy():
    from course_code.scratch.attention import masked_softmax as numpy_masked_softmax

    mask = np.array([[True, False], [False, False]])
    with pytest.raises(ValueError, match="rows \\[1\\] have none"):
        numpy_masked_softmax(np.zeros((2, 2)), mask)
    with pytest.raises(ValueError, match="rows \\[1\\] have none"):
        masked_softmax(torch.zeros(2, 2), torch.from_numpy(mask))
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, T=5\]"):
        StackedRNN("gru", 3, 4)(torch.zeros(3, 5, 3), lengths=torch.tensor([5, 0, 2]))


# --- lengths and targets ------------------------------------------------------------------------

def test_lengths_of_the_wrong_size_or_dtype_are_refused():
    stack = StackedRNN("lstm", 3, 4, bidirectional=True)
    x = torch.zeros(3, 5, 3)
    with pytest.raises(ValueError, match=r"lengths must have shape \(N=3,\)"):
        stack(x, lengths=torch.tensor([5, 2]))  # was broadcast over the batch
    with pytest.raises(TypeError, match="lengths must hold integers, got dtype float32"):
        stack(x, lengths=torch.tensor([5.0, 2.5, 1.0]))  # was truncated silently
    with pytest.raises(ValueError, match=r"lengths must have shape \(N=3,\)"):
        masked_cross_entropy(np.zeros((3, 5, 2)), np.zeros((3, 5), dtype=int), np.array([5, 2]))


def test_targets_outside_the_classes_are_refused():
    logits = np.zeros((1, 3, 4))
    with pytest.raises(ValueError, match=r"targets at real steps must lie in \[0, V=4\)"):
        masked_cross_entropy(logits, np.array([[0, -1, 2]]), np.array([3]))  # -1 picked the last class
    with pytest.raises(ValueError, match=r"targets at real steps must lie in \[0, V=4\)"):
        masked_sequence_cross_entropy(torch.zeros(1, 3, 4), torch.tensor([[0, 4, 1]]))


def test_negative_ids_are_refused():
    from course_code.models import CharRNN

    with pytest.raises(ValueError, match=r"ids must be ids in \[0, V=5\)"):
        CharRNN(5, 3, seed=0)(torch.tensor([[1, -1, 2]]))


# --- sizes and types ----------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: VanillaRNN(True, 3), lambda: ScratchLSTM(3, True), lambda: StackedRNN("gru", 3, 4, num_layers=True),
    lambda: init_rnn_params(True, 3, 2, np.random.default_rng(0)),
    lambda: __import__("course_code.data.long_range", fromlist=["x"]).adding_problem(True, 5, np.random.default_rng(0)),
    lambda: __import__("course_code.data.echo", fromlist=["x"]).delayed_echo(2, True, 1, np.random.default_rng(0)),
    lambda: __import__("course_code.models", fromlist=["x"]).CharRNN(True, 4),
])
def test_true_is_not_a_size(make):
    with pytest.raises(TypeError, match="must be a positive integer, got True"):
        make()


@pytest.mark.parametrize("make, name", [
    (lambda: __import__("course_code.nn.pyramid", fromlist=["x"]).PyramidRNN("gru", 3, 4, num_layers=0), "num_layers"),
    (lambda: AdditiveAttention(3, 4, 0), "attention_size"),
    (lambda: ScratchGRU(3, -2), "hidden_size"),
])
def test_zero_or_negative_sizes_are_refused(make, name):
    with pytest.raises(ValueError, match=f"{name} must be a positive integer"):
        make()


def test_an_int_is_not_an_rng():
    from course_code.data.echo import delayed_echo

    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator, got int; make one with"):
        init_rnn_params(2, 3, 1, 0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        delayed_echo(2, 5, 1, 0)


@pytest.mark.parametrize("init", ["init_rnn_params", "init_lstm_params", "init_gru_params"])
def test_initialisers_refuse_integer_dtypes(init):
    module = {"init_rnn_params": "rnn", "init_lstm_params": "lstm", "init_gru_params": "gru"}[init]
    function = getattr(__import__(f"course_code.scratch.{module}", fromlist=[init]), init)
    sizes = (2, 3, 1) if module == "rnn" else (2, 3)
    with pytest.raises(TypeError, match="dtype must be a floating-point dtype"):
        function(*sizes, np.random.default_rng(0), dtype=np.int64)  # was all-zero integer weights


def test_numpy_arrays_to_torch_modules_and_tensors_to_numpy_functions():
    from course_code.scratch.lstm import init_lstm_params, lstm_forward

    with pytest.raises(TypeError, match="x must be a torch.Tensor, got ndarray; convert an array with torch.from_numpy"):
        ScratchLSTM(3, 4)(np.zeros((2, 5, 3)))
    params = init_lstm_params(3, 4, np.random.default_rng(0))
    zeros = np.zeros((2, 4))
    with pytest.raises(TypeError, match=r"x must be a numpy array, got Tensor; convert a tensor with .detach\(\).numpy\(\)"):
        lstm_forward(torch.zeros(2, 5, 3, dtype=torch.float64), zeros, zeros, params.W_x, params.W_h, params.b)


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
def test_input_dtype_must_match_the_module(dtype):
    module = ScratchGRU(3, 4).double()
    with pytest.raises(TypeError, match=f"x must have the module's dtype torch.float64, got {dtype}"):
        module(torch.zeros(2, 5, 3, dtype=dtype))


@pytest.mark.parametrize("module", [VanillaRNN(3, 4), ScratchGRU(3, 4), ScratchLSTM(3, 4), StackedRNN("rnn", 3, 4)])
def test_zero_time_steps_is_one_clear_error(module):
    with pytest.raises(ValueError, match=r"x must have at least one time step, got shape \(2, 0, 3\)"):
        module(torch.zeros(2, 0, 3))


def test_a_nan_uniform_is_not_a_draw():
    from course_code.scratch.sampling import inverse_cdf_sample

    with pytest.raises(ValueError, match="uniforms must lie in"):
        inverse_cdf_sample(np.array([[0.5, 0.5]]), np.array([np.nan]))  # was class 0


def test_converters_refuse_to_drop_a_bias():
    from course_code.nn.convert import rnn_layer_from_numpy
    from course_code.nn.lstm import lstm_layer_from_numpy

    with pytest.raises(ValueError, match="b_h is not zero but the module was built with bias=False"):
        rnn_layer_from_numpy(VanillaRNN(3, 4, bias=False), np.zeros((4, 3)), np.zeros((4, 4)), np.ones(4))
    with pytest.raises(ValueError, match="b is not zero but the module was built with bias=False"):
        lstm_layer_from_numpy(ScratchLSTM(3, 4, bias=False), np.zeros((16, 3)), np.zeros((16, 4)), np.ones(16))
    rnn_layer_from_numpy(VanillaRNN(3, 4, bias=False), np.zeros((4, 3)), np.zeros((4, 4)), np.zeros(4))  # zeros fit


def test_scratch_lstm_has_second_derivatives():
    torch.manual_seed(0)
    ours = ScratchLSTM(3, 4).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64, requires_grad=True)
    (dx,) = torch.autograd.grad(ours(x)[0].sum(), x, create_graph=True)
    (second,) = torch.autograd.grad(dx.square().sum(), ours.weight_hh_l0)  # was an error (out= inside)
    assert torch.isfinite(second).all() and second.abs().sum() > 0
