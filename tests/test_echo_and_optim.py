import numpy as np
import pytest

from course_code.data.echo import delayed_echo
from course_code.scratch import init_rnn_params
from course_code.scratch.bptt import rnn_loss_and_gradients
from course_code.scratch.optim import sgd_step, train_with_gradients


def test_delayed_echo_targets_repeat_the_input_bits():
    x, targets = delayed_echo(5, 9, 3, np.random.default_rng(0))
    assert x.shape == (5, 9, 1) and targets.shape == (5, 9)
    bits = (x[..., 0] > 0).astype(int)
    np.testing.assert_array_equal(targets[:, 3:], bits[:, :-3])
    np.testing.assert_array_equal(targets[:, :3], 0)
    assert set(np.unique(x)) == {-1.0, 1.0}


@pytest.mark.parametrize("args, message", [((0, 5, 1), "num_sequences must be a positive integer"),
                                           ((2, 5, 5), "delay must be smaller than length, got delay=5, length=5"),
                                           ((2, 5, 0), "delay must be a positive integer")])
def test_delayed_echo_rejects_bad_sizes(args, message):
    with pytest.raises(ValueError, match=message):
        delayed_echo(*args, rng=np.random.default_rng(0))


def test_sgd_step_moves_against_the_gradient():
    params = init_rnn_params(2, 3, 2, np.random.default_rng(0))
    before = params.W_hh.copy()
    grads = init_rnn_params(2, 3, 2, np.random.default_rng(1))
    sgd_step(params, grads, 0.1)
    np.testing.assert_allclose(params.W_hh, before - 0.1 * grads.W_hh)
    with pytest.raises(ValueError, match="learning_rate must be a positive number, got 0"):
        sgd_step(params, grads, 0)
    grads.W_hy = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"gradient for W_hy must have shape \(2, 3\), got \(3, 3\)"):
        sgd_step(params, grads, 0.1)


def test_training_with_full_bptt_lowers_the_loss_on_the_echo_task():
    rng = np.random.default_rng(0)
    params = init_rnn_params(1, 8, 2, rng)
    losses = train_with_gradients(
        params, lambda: delayed_echo(8, 10, 1, rng),
        lambda p, x, y: rnn_loss_and_gradients(p, x, y, reduction="mean"), steps=150, learning_rate=0.5,
    )
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        train_with_gradients(params, lambda: None, lambda p, x, y: None, steps=0, learning_rate=0.1)
