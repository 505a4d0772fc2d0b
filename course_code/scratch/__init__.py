"""NumPy implementations written from the equations: pure functions, no globals.

Forward functions return ``(output, cache)``; the cache is a small dataclass
holding what the matching backward pass will need.
"""

from course_code.scratch.activations import relu, sigmoid, tanh
from course_code.scratch.losses import (
    cross_entropy,
    cross_entropy_backward,
    log_softmax,
    mean_squared_error,
    softmax,
)
from course_code.scratch.rnn import (
    RNNGradients,
    RNNParams,
    init_rnn_params,
    output_layer,
    output_layer_backward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)

__all__ = [
    "RNNGradients",
    "RNNParams",
    "cross_entropy",
    "cross_entropy_backward",
    "init_rnn_params",
    "log_softmax",
    "mean_squared_error",
    "output_layer",
    "output_layer_backward",
    "relu",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
    "rnn_step_forward",
    "sigmoid",
    "softmax",
    "tanh",
]
