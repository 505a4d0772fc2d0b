"""NumPy implementations written from the equations: pure functions, no globals.

Forward functions return ``(output, cache)``; the cache is a small dataclass
holding what the matching backward pass will need.
"""

from course_code.scratch.activations import relu, sigmoid, tanh
from course_code.scratch.losses import cross_entropy, log_softmax, mean_squared_error, softmax
from course_code.scratch.rnn import (
    RNNParams,
    init_rnn_params,
    output_layer,
    rnn_forward,
    rnn_step_forward,
)

__all__ = [
    "RNNParams",
    "cross_entropy",
    "init_rnn_params",
    "log_softmax",
    "mean_squared_error",
    "output_layer",
    "relu",
    "rnn_forward",
    "rnn_step_forward",
    "sigmoid",
    "softmax",
    "tanh",
]
