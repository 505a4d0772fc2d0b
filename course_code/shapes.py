"""One shape vocabulary for the whole package, and the checks that enforce it.

Every docstring in ``course_code`` writes shapes with these letters:

====  =========================================================
N     batch size (number of sequences processed together)
T     number of time steps
D     input features per time step
H     hidden units (size of the hidden state)
V     output size (vocabulary size for language models)
L     number of stacked layers
====  =========================================================

Arrays are **batch-first**: a batch of sequences has shape ``(N, T, D)``, as in
``torch.nn.RNN(..., batch_first=True)``. PyTorch's default layout is time-first,
``(T, N, D)``; ``x.transpose(0, 1)`` moves between the two. A stacked axis is
written with its multiple: an LSTM's four gates stack to ``4H`` rows, so its
``W_x`` is ``(4H, D)``, and a message reads ``(4H=24, D=5)``.

Every public function of the package checks its arguments with the functions
here, so that bad input gets one kind of message everywhere, naming the
argument and what was expected:

* :func:`check_shape`: an array's shape, in the letters above;
* :func:`check_float_dtype`: NumPy arrays of one floating-point dtype;
* :func:`check_positive_int`: a size or a count (``True`` is not a size), or an
  integer in a range;
* :func:`check_positive_real`: a learning rate, a threshold or a temperature, a
  finite number above 0 (:func:`check_real` for other intervals,
  :func:`check_probability` for ``[0, 1]``);
* :func:`check_generator`: an ``rng`` argument;
* :func:`check_numpy_array` and :func:`check_tensor`: NumPy on the NumPy side, torch on the
  torch side, with a hint how to convert.

A wrong *type* raises :class:`ArgumentTypeError`, which is both a ``TypeError``
and a ``ValueError``, so code that catches either keeps working; a wrong value
or shape raises ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np

__all__ = [
    "ArgumentTypeError",
    "check_float_dtype",
    "check_generator",
    "check_ids",
    "check_numpy_array",
    "check_numpy_arrays",
    "check_positive_int",
    "check_positive_real",
    "check_probability",
    "check_real",
    "check_shape",
    "check_tensor",
]

Axis = int | str | None

_STACKED = re.compile(r"^(\d+)([A-Za-z_][A-Za-z_0-9]*)$")  # "4H": four blocks of H stacked on one axis


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: a ``TypeError`` that ``except ValueError`` also catches."""


def _split_axis(axis: str) -> tuple[int, str]:
    """``"4H" -> (4, "H")``, ``"H" -> (1, "H")``."""
    match = _STACKED.match(axis)
    return (int(match.group(1)), match.group(2)) if match else (1, axis)


def _spell(expected: Sequence[Axis], sizes: dict[str, int]) -> str:
    parts = []
    for axis in expected:
        if axis is None:
            parts.append("?")
        elif isinstance(axis, str):
            multiple, letter = _split_axis(axis)
            parts.append(f"{axis}={multiple * sizes[letter]}" if letter in sizes else axis)
        else:
            parts.append(str(axis))
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_shape(name: str, array, expected: Sequence[Axis], sizes: dict[str, int] | None = None) -> dict[str, int]:
    """Check that ``array`` has the ``expected`` shape; return the sizes of the letters.

    ``expected`` holds one entry per axis: an ``int`` (exactly that size), a
    letter such as ``"N"`` (any size, the same for every use of the letter), a
    stacked letter such as ``"4H"`` (four times the size of ``H``), or ``None``
    (any size). Pass one ``sizes`` dict to several calls so that a
    letter keeps its meaning across arguments; it is updated in place::

        sizes = {}
        check_shape("x", x, ("N", "T", "D"), sizes)
        check_shape("W_xh", W_xh, ("H", "D"), sizes)   # D must equal x's D

    Raises:
        ValueError: naming the argument, the expected shape (with the sizes
            already known filled in) and the actual shape.

    Example:
        >>> check_shape("x", np.zeros((2, 5, 3)), ("N", "T", "D"))
        {'N': 2, 'T': 5, 'D': 3}
    """
    sizes = {} if sizes is None else sizes
    if not hasattr(array, "shape"):
        raise ValueError(
            f"{name} must be an array of shape {_spell(expected, sizes)}, got {type(array).__name__}"
        )
    actual = tuple(array.shape)
    problem = None
    if len(actual) != len(expected):
        problem = f"{len(actual)} dimensions"
    else:
        new: dict[str, int] = {}
        for size, axis in zip(actual, expected):
            if isinstance(axis, str):
                multiple, letter = _split_axis(axis)
                known = sizes.get(letter, new.get(letter))
                want = None if known is None else multiple * known
                if want is not None and want != size:
                    problem = f"{axis}={size} where {axis}={want} was expected"
                    break
                if want is None and size % multiple:
                    problem = f"{size} rows, not a multiple of {multiple}"
                    break
                new[letter] = size // multiple
            elif axis is not None and axis != size:
                problem = f"size {size} where {axis} was expected"
                break
    if problem is not None:
        raise ValueError(
            f"{name} must have shape {_spell(expected, sizes)}, got shape {actual} ({problem})"
        )
    sizes.update(new)
    return sizes


def check_float_dtype(**arrays) -> np.dtype:
    """Check that the keyword arrays are all floating point of one dtype; return it.

    Raises:
        ValueError: if an array is not floating point, or the dtypes differ.
    """
    dtypes = {}
    for name, array in arrays.items():
        check_numpy_array(name, array)
        dtype = array.dtype
        if not np.issubdtype(dtype, np.floating):
            raise ValueError(f"{name} must be a floating-point array, got dtype {dtype}")
        dtypes[name] = dtype
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{k}: {v}" for k, v in dtypes.items())
        raise ValueError(f"all arrays must share one floating-point dtype, got {listed}")
    return next(iter(dtypes.values()))


def check_positive_int(name: str, value, minimum: int = 1, maximum: int | None = None,
                       what: str | None = None) -> int:
    """Return ``value`` as an ``int`` if it lies in ``[minimum, maximum]``; else raise.

    Python and NumPy integers are accepted (``np.int64(3)`` is a size);
    ``True`` and ``3.0`` are not.

    Args:
        name: the argument's name, for the message.
        value: the value to check.
        minimum: the smallest allowed value (1 for sizes, 0 for counts that may be empty).
        maximum: the largest allowed value, or ``None`` for no bound.
        what: how the message describes the expected value, for a caller that adds
            a condition of its own and raises with the same words, for example
            ``"a positive divisor of E=8"``; by default the message names the interval.

    Raises:
        ArgumentTypeError: if ``value`` is not an integer (a ``bool`` is not one).
        ValueError: if ``value`` lies outside ``[minimum, maximum]``.

    Example:
        >>> check_positive_int("num_steps", 3, minimum=2, maximum=5)
        3
    """
    if what is not None:
        wanted = what
    elif maximum is not None:
        wanted = f"an integer in [{minimum}, {maximum}]"
    else:
        wanted = {1: "a positive integer", 0: "a non-negative integer"}.get(
            minimum, f"an integer of at least {minimum}"
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise ArgumentTypeError(f"{name} must be {wanted}, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def check_positive_real(name: str, value) -> float:
    """Return ``value`` as a ``float`` if it is a finite number above 0; else raise.

    For learning rates, thresholds, temperatures and other scales: ``0``, a
    negative number, NaN and infinity are rejected, and so is ``True``. A 0-d
    array of an integer or floating-point dtype counts as a number.

    Raises:
        ArgumentTypeError: if ``value`` is not a real number (a ``bool`` is not one).
        ValueError: if it is not finite or not above 0.

    Example:
        >>> check_positive_real("learning_rate", 0.1)
        0.1
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()  # a 0-d array of a real dtype is a number
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ArgumentTypeError(f"{name} must be a positive number, got {value!r}")
    number = float(value)
    if not 0.0 < number < np.inf:  # False for NaN too
        infinite = np.isinf(number) and number > 0
        hint = " (it must be finite)" if infinite else ""
        raise ValueError(f"{name} must be a positive number, got {value!r}{hint}")
    return number


def check_real(name: str, value, low: float = -np.inf, high: float = np.inf,
               low_open: bool = False, high_open: bool = False,
               allow_nan: bool = False) -> float:
    """Return ``value`` as a ``float`` if it is a real number in the given interval; else raise.

    ``allow_nan=True`` lets NaN through as well (a padding value may be NaN, so
    that a computation that reads padding shows it).

    Raises:
        ArgumentTypeError: if ``value`` is not a real number (a ``bool`` is not one).
        ValueError: if it is NaN (unless ``allow_nan``), infinite where the interval
            is bounded, or outside the interval.
    """
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    interval = f"{left}{low:g}, {high:g}{right}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ArgumentTypeError(f"{name} must be a real number in {interval}, got {value!r}")
    value = float(value)
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if np.isnan(value):
        if allow_nan:
            return value
        raise ValueError(f"{name} must be a real number in {interval}, got {value!r}")
    if below or above:
        raise ValueError(f"{name} must be a real number in {interval}, got {value!r}")
    return value


def check_probability(name: str, value) -> float:
    """Return ``value`` as a ``float`` if it is a probability, a real number in ``[0, 1]``; else raise.

    Raises:
        ArgumentTypeError: if ``value`` is not a real number (a ``bool`` is not one).
        ValueError: if it is NaN or outside ``[0, 1]``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ArgumentTypeError(f"{name} must be a probability in [0, 1], got {value!r}")
    if not 0.0 <= float(value) <= 1.0:  # False for NaN too
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def check_generator(name: str, rng) -> np.random.Generator:
    """Return ``rng`` if it is a ``np.random.Generator``; else raise.

    Raises:
        ArgumentTypeError: for anything else, including a seed: the message says how to make one.
    """
    if not isinstance(rng, np.random.Generator):
        hint = f"; make one with np.random.default_rng({rng!r})" if isinstance(rng, Integral) else ""
        raise ArgumentTypeError(
            f"{name} must be a numpy.random.Generator, got {type(rng).__name__}{hint}"
        )
    return rng


def _is_tensor(value) -> bool:
    return type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach")


def check_numpy_array(name: str, array) -> np.ndarray:
    """Return ``array`` if it is a NumPy array; else raise.

    The NumPy implementations take NumPy arrays only, so that a torch tensor does
    not travel half-way through a computation before failing.

    Raises:
        ArgumentTypeError: naming the argument; for a torch tensor the message says
            to call ``.detach().numpy()``.
    """
    if isinstance(array, np.ndarray):
        return array
    hint = "; convert a tensor with .detach().numpy()" if _is_tensor(array) else ""
    raise ArgumentTypeError(f"{name} must be a numpy array, got {type(array).__name__}{hint}")


def check_numpy_arrays(**arrays) -> None:
    """:func:`check_numpy_array` for each keyword argument: ``check_numpy_arrays(x=x, h0=h0)``."""
    for name, array in arrays.items():
        check_numpy_array(name, array)


def check_tensor(name: str, tensor, expected: Sequence[Axis] | None = None,
                 sizes: dict[str, int] | None = None, dtype=None) -> dict[str, int]:
    """Check a torch tensor's type, shape (as :func:`check_shape`) and dtype; return the sizes.

    Args:
        name: the argument's name, for the message.
        tensor: the value to check.
        expected: the shape, as in :func:`check_shape`, or ``None`` for any shape.
        sizes: the letters' sizes so far, updated in place.
        dtype: ``None`` (any dtype), ``"float"`` (any floating-point dtype),
            ``"integer"`` (any integer dtype), ``"bool"``, or one ``torch.dtype``
            (for example a module's parameter dtype).

    Raises:
        ArgumentTypeError: if ``tensor`` is not a ``torch.Tensor`` (for a NumPy array the
            message says to call ``torch.from_numpy``), or has the wrong dtype.
        ValueError: if the shape is wrong.
    """
    import torch  # here, not at the top: the NumPy side of the package does not need torch

    if not isinstance(tensor, torch.Tensor):
        hint = "; convert an array with torch.from_numpy" if isinstance(tensor, np.ndarray) else ""
        raise ArgumentTypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}{hint}")
    sizes = {} if sizes is None else sizes
    if expected is not None:
        check_shape(name, tensor, expected, sizes)
    if dtype is None:
        return sizes
    if dtype == "float":
        ok, wanted = tensor.is_floating_point(), "a floating-point dtype"
    elif dtype == "integer":
        ok = not tensor.is_floating_point() and not tensor.is_complex() and tensor.dtype != torch.bool
        wanted = "an integer dtype"
    elif dtype == "bool":
        ok, wanted = tensor.dtype == torch.bool, "dtype torch.bool"
    else:
        ok, wanted = tensor.dtype == dtype, f"the module's dtype {dtype}"
    if not ok:
        hint = f" (convert with .to({dtype}))" if isinstance(dtype, torch.dtype) else ""
        raise ArgumentTypeError(f"{name} must have {wanted}, got {tensor.dtype}{hint}")
    return sizes


def check_ids(name: str, ids, V: int):
    """Check that ``ids`` (a NumPy array or a torch tensor) holds integer ids in ``[0, V)``; return it.

    An id of ``-1`` would silently pick the last row of an embedding or the last
    class of a loss; an id of ``V`` would fail deep inside an indexing kernel.

    Raises:
        ArgumentTypeError: if ``ids`` is not an integer array or tensor (booleans are not ids).
        ValueError: if an id lies outside ``[0, V)``.
    """
    if _is_tensor(ids):
        integer = not ids.is_floating_point() and not ids.is_complex() and str(ids.dtype) != "torch.bool"
        dtype = ids.dtype
    else:
        check_numpy_array(name, ids)
        integer = np.issubdtype(ids.dtype, np.integer)
        dtype = ids.dtype
    if not integer:
        raise ArgumentTypeError(f"{name} must hold integer ids, got dtype {dtype}")
    if ids.numel() if _is_tensor(ids) else ids.size:
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= V:
            raise ValueError(f"{name} must be ids in [0, V={V}), got values from {low} to {high}")
    return ids
