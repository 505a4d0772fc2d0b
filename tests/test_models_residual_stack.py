"""ResidualRNNStack: plain it equals StackedRNN; residual it adds each input."""

import pytest
import torch

from course_code.models.residual_stack import ResidualRNNStack
from course_code.nn.stacked import StackedRNN


def _copy_into_stack(stack: ResidualRNNStack, reference: StackedRNN) -> None:
    state = reference.state_dict()
    for layer_index, layer in enumerate(stack.layers):
        layer.load_state_dict(
            {
                name.replace(f"_l{layer_index}", "_l0"): value
                for name, value in state.items()
                if f"_l{layer_index}" in name
            }
        )


@pytest.mark.parametrize(
    "mode, bidirectional", [("rnn", True), ("gru", False), ("lstm", True)]
)
def test_plain_stack_equals_stacked_rnn(mode, bidirectional):
    torch.manual_seed(0)
    reference = StackedRNN(
        mode, 3, 4, num_layers=3, bidirectional=bidirectional
    ).double()
    stack = ResidualRNNStack(mode, 3, 4, 3, bidirectional, residual=False).double()
    _copy_into_stack(stack, reference)
    x, lengths = torch.randn(2, 5, 3, dtype=torch.float64), torch.tensor([5, 3])
    expected, _ = reference(x, lengths=lengths)
    torch.testing.assert_close(stack(x, lengths), expected, rtol=0, atol=1e-12)


def test_residual_stack_adds_each_layers_input_and_keeps_padding_zero():
    torch.manual_seed(1)
    stack = ResidualRNNStack("gru", 3, 4, 3, bidirectional=True).double()
    x, lengths = torch.randn(2, 6, 3, dtype=torch.float64), torch.tensor([6, 2])
    first, _ = stack.layers[0](x, lengths=lengths)
    second = first + stack.layers[1](first, lengths=lengths)[0]
    third = second + stack.layers[2](second, lengths=lengths)[0]
    output = stack(x, lengths)
    torch.testing.assert_close(output[0], third[0], rtol=0, atol=1e-12)
    torch.testing.assert_close(output[1, :2], third[1, :2], rtol=0, atol=1e-12)
    assert bool((output[1, 2:] == 0).all())
    assert output.shape == (2, 6, 8)


def test_bad_depth():
    with pytest.raises(ValueError, match="num_layers"):
        ResidualRNNStack("rnn", 3, 4, 0)
