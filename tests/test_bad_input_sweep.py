"""A sweep of bad inputs over the public API, generated from the docstrings.

For every public function and class of the modules below, the ``Args:`` section
of its docstring says what each argument is: an array of a shape in the
course's letters (``x: ``(N, T, D)``.``), a size (``input_size: ``D``.``), or a
random generator (``rng``). From that alone this file builds a valid call (which
must run), then breaks one argument at a time, in every way its kind can be
broken:

* an array: one axis too few; the other library's type (a torch tensor for a
  NumPy function, a NumPy array for a torch one);
* a size: ``True``, ``0``, ``-1``, ``2.5``;
* a generator: the integer ``0`` (a seed, not a generator).

Each broken call must raise ``ValueError`` or ``TypeError`` whose message names
the broken argument: never a silent answer, never an error from deep inside.
A function whose valid call cannot be built from its docstring is listed in
``test_the_sweep_covers_the_api`` so that the coverage cannot shrink unnoticed.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass

import numpy as np
import pytest
import torch

NUMPY_MODULES = [
    "course_code.scratch.rnn", "course_code.scratch.lstm", "course_code.scratch.gru",
    "course_code.scratch.losses", "course_code.scratch.attention", "course_code.scratch.bidirectional",
    "course_code.scratch.sampling", "course_code.scratch.jacobians", "course_code.scratch.lstm_jacobians",
    "course_code.data.sequences", "course_code.data.echo", "course_code.data.long_range",
    "course_code.data.tasks", "course_code.masking",
]
TORCH_MODULES = [
    "course_code.nn.rnn", "course_code.nn.gru", "course_code.nn.lstm", "course_code.nn.stacked",
    "course_code.nn.attention", "course_code.nn.pyramid", "course_code.nn.deep_rnn", "course_code.nn.variants",
    "course_code.training.masking", "course_code.training.metrics", "course_code.models.char_rnn",
    "course_code.models.many_to_one", "course_code.models.tagger", "course_code.models.sampling",
]
SIZES = {"N": 2, "T": 3, "D": 4, "H": 5, "V": 6, "S": 3, "A": 4, "H_q": 3, "H_k": 4, "L": 1, "T_in": 3, "T_out": 2}
ENTRY = re.compile(r"(?m)(?:^\s*|(?<=\. ))(\w+(?:, \w+)*): ")  # "x: " at a line's start or after ". "


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str  # "array", "size" or "rng"
    shape: tuple = ()
    fill: str = "float"  # "float", "ids", "bool" or "lengths"
    trailing: bool = False  # documented as ``(N, T, ...)``: any further axes are allowed


def _args_section(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    match = re.search(r"^Args:\n(.*?)(?:\n\S|\Z)", doc, re.S | re.M)
    return match.group(1) if match else ""


def _parse(obj) -> dict[str, Arg]:
    """What the docstring says about each argument."""
    args = {}
    section = _args_section(obj)
    starts = list(ENTRY.finditer(section))
    for start, end in zip(starts, starts[1:] + [None]):
        names, text = start.group(1), section[start.end() : end.start() if end else None]
        specs = re.findall(r"``([^`]+)``", text)
        shapes = [spec for spec in specs if re.fullmatch(r"\((?:\d*[A-Z]\w*(?:, )?)+,?\)", spec)
                  and all(re.fullmatch(r"\d*(\w+)", a).group(1) in SIZES for a in spec.strip("(),").split(", "))]
        letters = [spec for spec in specs if re.fullmatch(r"[A-Z]\w*", spec) and spec in SIZES]
        text = text.lower()
        for name in names.split(", "):
            if name == "rng":
                args[name] = Arg(name, "rng")
            elif shapes:
                spec = shapes[0]
                shape = tuple(a for a in spec.strip("(),").split(", "))
                fill = ("bool" if "boolean" in text else "lengths" if name == "lengths"
                        else "ids" if ("integer" in text or "ids" in text or "class" in text) else "float")
                args[name] = Arg(name, "array", shape, fill, trailing=any("..." in spec for spec in specs))
            elif letters and specs[0] == letters[0]:
                args[name] = Arg(name, "size", (letters[0],))
    for name in inspect.signature(obj).parameters:
        if name == "rng":
            args[name] = Arg(name, "rng")
    return args


def _size(axis: str) -> int:
    match = re.fullmatch(r"(\d*)(\w+)", axis)
    return int(match.group(1) or 1) * SIZES[match.group(2)]


def _value(arg: Arg, torch_side: bool):
    if arg.kind == "rng":
        return np.random.default_rng(0)
    if arg.kind == "size":
        return SIZES[arg.shape[0]]
    shape = tuple(_size(a) for a in arg.shape)
    rng = np.random.default_rng(1)
    if arg.fill == "bool":
        value = np.ones(shape, dtype=bool)
    elif arg.fill == "lengths":
        value = np.full(shape, SIZES["T"], dtype=np.int64)
    elif arg.fill == "ids":
        value = rng.integers(0, SIZES["V"] if "V" not in arg.shape else 2, size=shape)
    else:
        value = rng.normal(size=shape) * 0.3
    return torch.from_numpy(value) if torch_side else value


# The readable cells run once per time step inside modules that checked their inputs
# once per call; a check per step would cost more than the step itself at the book's sizes.
UNCHECKED_KERNELS = {"nn.rnn.rnn_cell", "nn.gru.gru_cell", "nn.lstm.lstm_cell", "nn.gru.gru_recurrence",
                     "nn.lstm.lstm_recurrence"}
# Arguments documented to accept any array-like (a list, either library's type).
EITHER_LIBRARY = {"lengths", "eigenvalues"}


def _callables():
    for module_name in NUMPY_MODULES + TORCH_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            if f"{module_name.removeprefix('course_code.')}.{name}" in UNCHECKED_KERNELS:
                continue
            obj = getattr(module, name)
            if callable(obj) and not (inspect.isclass(obj) and issubclass(obj, tuple)):
                yield f"{module_name.removeprefix('course_code.')}.{name}", obj, module_name in TORCH_MODULES


def _valid_call(obj, torch_side: bool):
    """``(kwargs, args)`` of a call built from the docstring that runs, or ``None``."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    parsed = _parse(obj)
    kwargs = {}
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in parsed:
            kwargs[name] = _value(parsed[name], torch_side)
        elif parameter.default is parameter.empty:
            return None  # the docstring does not say how to build it
    if not any(name in kwargs for name in parsed):
        return None
    try:
        obj(**kwargs)
    except Exception:  # noqa: BLE001 - a docstring too loose to build a call from
        return None
    return kwargs, parsed


def _cases():
    cases, skipped = [], []
    for label, obj, torch_side in _callables():
        built = _valid_call(obj, torch_side)
        if built is None:
            skipped.append(label)
            continue
        kwargs, parsed = built
        for name, arg in parsed.items():
            if name not in kwargs:
                continue
            if arg.kind == "array":
                value = kwargs[name]
                broken = {} if arg.trailing else {"one axis too few": value[..., 0] if value.ndim > 1 else value[0]}
                if name not in EITHER_LIBRARY:
                    broken["the other library's type"] = value.numpy() if torch_side else torch.from_numpy(value)
            elif arg.kind == "size":
                broken = {"True": True, "0": 0, "-1": -1, "2.5": 2.5}
            else:
                broken = {"a seed": 0}
            for how, bad in broken.items():
                cases.append(pytest.param(obj, kwargs, name, bad, id=f"{label}:{name}={how}"))
    return cases, skipped


CASES, NOT_GENERATED = _cases()


def test_the_sweep_covers_the_api():
    """At least this many broken calls are generated; these callables are not (they take callbacks or caches)."""
    assert len(CASES) >= 300, len(CASES)
    assert len(NOT_GENERATED) <= 60, NOT_GENERATED


@pytest.mark.parametrize("function, kwargs, name, bad", CASES)
def test_a_broken_argument_is_named_in_a_value_or_type_error(function, kwargs, name, bad):
    with pytest.raises((ValueError, TypeError)) as caught:
        function(**(kwargs | {name: bad}))
    assert name in str(caught.value), f"{type(caught.value).__name__}: {caught.value}"
