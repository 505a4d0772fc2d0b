import numpy as np
import pytest
import torch

from course_code.models.echo_families import train_family_on_echo
from course_code.nn.output_recurrent import OutputRecurrentRNN


def model_and_batch(seed=0):
    torch.manual_seed(seed)
    model = OutputRecurrentRNN(3, 5, 4).double()
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    targets = torch.randint(0, 4, (2, 6))
    return model, x, targets


def test_teacher_forced_pass_equals_the_equations_step_by_step():
    model, x, targets = model_and_batch()
    W_xh, b_h = model.input_to_hidden.weight, model.input_to_hidden.bias
    W_yh = model.output_to_hidden.weight
    W_hy, b_y = model.hidden_to_output.weight, model.hidden_to_output.bias
    previous = torch.zeros(2, 4, dtype=torch.float64)
    expected = []
    for t in range(6):
        h = torch.tanh(x[:, t] @ W_xh.T + previous @ W_yh.T + b_h)
        expected.append(h @ W_hy.T + b_y)
        previous = torch.nn.functional.one_hot(targets[:, t], 4).double()
    torch.testing.assert_close(
        model.forward_teacher_forced(x, targets), torch.stack(expected, 1)
    )


def test_free_running_feeds_back_its_own_distribution():
    model, x, _ = model_and_batch(1)
    logits = model.forward_free_running(x)
    # Re-running step t alone with softmax(logits[t - 1]) as the fed-back vector
    # reproduces step t: the loop carries nothing else from one step to the next.
    for t in range(1, 6):
        h = torch.tanh(
            model.input_to_hidden(x[:, t])
            + model.output_to_hidden(torch.softmax(logits[:, t - 1], -1))
        )
        torch.testing.assert_close(model.hidden_to_output(h), logits[:, t])


def test_the_past_reaches_a_step_only_through_the_previous_target():
    model, x, targets = model_and_batch(2)
    changed = x.clone()
    changed[:, :4] = torch.randn(
        2, 4, 3, dtype=torch.float64
    )  # new inputs before t = 4
    before = model.forward_teacher_forced(x, targets)
    after = model.forward_teacher_forced(changed, targets)
    torch.testing.assert_close(before[:, 4:], after[:, 4:])  # unchanged: no W_hh
    assert not torch.allclose(before[:, :4], after[:, :4])


def test_bad_shapes_and_sizes_are_named():
    model, x, targets = model_and_batch()
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\)"):
        model.forward_free_running(x[..., :2])
    with pytest.raises(ValueError, match=r"targets must have shape \(N=\d+, T=\d+\)"):
        model.forward_teacher_forced(x, targets[:, :5])
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        OutputRecurrentRNN(3, 0, 4)
    with pytest.raises(ValueError, match="family must be"):
        train_family_on_echo("feed-forward", 0)


def test_on_the_echo_hidden_to_hidden_learns_and_output_to_hidden_cannot():
    hidden = train_family_on_echo("hidden-to-hidden", seed=0, steps=150)
    output = train_family_on_echo("output-to-hidden", seed=0, steps=150)
    assert hidden.test_accuracy > 0.99
    assert np.isnan(hidden.teacher_forced_accuracy)
    assert abs(output.test_accuracy - 0.5) < 0.03  # the bit it needs never reaches it
    assert abs(output.teacher_forced_accuracy - 0.5) < 0.03
