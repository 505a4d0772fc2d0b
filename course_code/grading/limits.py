"""What one submission's child may use, and how an overrun is told to the student."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits", "describe_size", "printed_message", "timeout_message"]


@dataclass(frozen=True)
class Limits:
    """What one submission's child may use.

    Attributes:
        timeout_seconds: wall-clock time of one question (all its cases).
        cell_seconds: wall-clock time of one notebook cell.
        memory_bytes: address space of the child.
        output_bytes: what one cell or one question may print.
        startup_seconds: for the child to start Python and import NumPy.
    """

    timeout_seconds: float = 10.0
    cell_seconds: float = 10.0
    memory_bytes: int = 2 * 2**30
    output_bytes: int = 2**20
    startup_seconds: float = 60.0


def describe_size(n_bytes: int) -> str:
    """``n_bytes`` in GiB or MiB, as the reports write it."""
    return f"{n_bytes / 2**30:g} GiB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:g} MiB"


def timeout_message(limits: Limits) -> str:
    """What a case that ran past ``limits.timeout_seconds`` is told."""
    return (f"did not finish within {limits.timeout_seconds:g} s: an endless loop, "
            "or a `while` whose condition never becomes False?")


def printed_message(limits: Limits) -> str:
    """What code that printed more than ``limits.output_bytes`` is told."""
    return (f"printed (or wrote to a file) more than {describe_size(limits.output_bytes)}; "
            "remove print calls inside loops")
