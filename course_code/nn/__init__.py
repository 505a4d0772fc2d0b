"""PyTorch modules built from the same equations as :mod:`course_code.scratch`.

Each module uses PyTorch's parameter names, so its ``state_dict`` loads into the
matching ``torch.nn`` module (and back) and the tests can compare them.
"""

from course_code.nn.convert import rnn_layer_from_numpy, rnn_layer_to_numpy
from course_code.nn.rnn import VanillaRNN, rnn_cell

__all__ = ["VanillaRNN", "rnn_cell", "rnn_layer_from_numpy", "rnn_layer_to_numpy"]
