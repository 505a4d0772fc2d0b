"""Run one question's tests on the student's code in a separate, limited process.

The child is ``python -I -c <source of child.py>``: isolated mode (no
``PYTHON*`` variables, no user site, no script directory on ``sys.path``), a
fresh empty temporary directory as its working directory, a minimal
environment that names no path of the repository, and these limits:

* wall-clock timeout (the whole process group is killed),
* ``RLIMIT_AS`` (address space, 2 GiB by default) and ``RLIMIT_CPU``,
* ``RLIMIT_FSIZE``: printed output and any file written are capped (1 MiB).

Inputs go in through stdin as an ``.npz``; results come back as an ``.npz``
read with ``allow_pickle=False`` plus JSON, so nothing from the student's
process is ever unpickled or executed here.
"""

from __future__ import annotations

import io
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_code.grading import child
from course_code.grading.checks import Outcome
from course_code.grading.questions import Case, Question

__all__ = ["Limits", "run_isolated"]

CHILD_SOURCE = Path(child.__file__).read_text(encoding="utf-8")
MAX_RESULT_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Limits:
    """What one question's child process may use."""

    timeout_seconds: float = 10.0
    memory_bytes: int = 2 * 2**30
    output_bytes: int = 2**20


def _describe_size(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:g} GiB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:g} MiB"


def _job_bytes(cells: list[str], question: Question, cases: list[Case], result_path: str) -> bytes:
    job = {"function": question.name, "cells": cells, "n_cases": len(cases),
           "arg_names": list(question.arg_names), "result_path": result_path, "n_outputs": len(question.outputs)}
    arrays = {"job": np.frombuffer(json.dumps(job).encode("utf-8"), dtype=np.uint8)}
    for i, case in enumerate(cases):
        for name, value in zip(question.arg_names, case.args):
            arrays[f"case{i}/{name}"] = value
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _read_results(path: Path, n_cases: int) -> list[Outcome] | None:
    """The outcomes written by the child, or None if the file is missing or malformed."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_RESULT_BYTES:
            return None
        with np.load(path, allow_pickle=False) as archive:
            metas = json.loads(archive["meta"].tobytes().decode("utf-8"))["cases"]
            if not isinstance(metas, list) or len(metas) != n_cases:
                return None
            outcomes = []
            for i, meta in enumerate(metas):
                if isinstance(meta, dict) and meta.get("kind") == "tuple" and isinstance(meta.get("items"), list):
                    array = [archive[f"out{i}_{k}"] if f"out{i}_{k}" in archive.files else None
                             for k in range(min(len(meta["items"]), 64))]
                else:
                    array = archive[f"out{i}"] if f"out{i}" in archive.files else None
                outcomes.append(Outcome.from_meta(meta, array))
            return outcomes
    except Exception:
        return None


def _crash_message(returncode: int | None, timed_out: bool, printed: int, limits: Limits) -> str:
    if timed_out:
        return (f"did not finish within {limits.timeout_seconds:g} s: an endless loop, "
                "or a `while` whose condition never becomes False?")
    if returncode == -signal.SIGXFSZ or printed >= limits.output_bytes:
        return (f"printed (or wrote to a file) more than {_describe_size(limits.output_bytes)}; "
                "remove print calls inside loops")
    if returncode == -signal.SIGXCPU:
        return "used more CPU time than allowed: an endless loop?"
    if returncode is not None and returncode < 0:
        return (f"the Python process running your code was killed by signal {-returncode} "
                f"(it may have used more than {_describe_size(limits.memory_bytes)} of memory)")
    if returncode == 0:
        return ("the results of your code could not be read back: did it delete or change files "
                "outside its own working directory?")
    return (f"the Python process running your code ended before returning results (exit status {returncode}); "
            "did your code call os._exit() or exit()?")


def _crashed(n_cases: int, detail: str) -> list[Outcome]:
    return [Outcome("crashed", detail=detail) for _ in range(n_cases)]


def _child_environment(work: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_isolated(cells: list[str], question: Question, cases: list[Case], limits: Limits = Limits()) -> list[Outcome]:
    """Run ``question``'s function, as defined by the notebook's ``cells``, on every case.

    Returns one :class:`Outcome` per case. If the child process fails as a
    whole (timeout, too much output, killed, ``os._exit``), every case gets a
    ``crashed`` outcome explaining why.
    """
    with tempfile.TemporaryDirectory(prefix="grading-", ignore_cleanup_errors=True) as private:
        private_dir = Path(private)
        work = private_dir / "work"
        work.mkdir()
        result_path = private_dir / "result.npz"
        (private_dir / "job.npz").write_bytes(_job_bytes(cells, question, cases, str(result_path)))
        cpu_seconds = math.ceil(limits.timeout_seconds) + 1
        command = [sys.executable, "-I", "-c", CHILD_SOURCE,
                   str(limits.memory_bytes), str(cpu_seconds), str(limits.output_bytes)]
        timed_out = False
        with open(private_dir / "job.npz", "rb") as stdin, open(private_dir / "output.txt", "wb") as output:
            process = subprocess.Popen(command, stdin=stdin, stdout=output, stderr=subprocess.STDOUT,
                                       cwd=work, env=_child_environment(str(work)), start_new_session=True)
            try:
                process.wait(timeout=limits.timeout_seconds)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                try:  # also ends any process the student's code started
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                process.wait()
        try:
            printed = (private_dir / "output.txt").stat().st_size
        except OSError:  # the student's code deleted it
            printed = 0
        outcomes = None if timed_out else _read_results(result_path, len(cases))
        if outcomes is None or process.returncode != 0 or printed >= limits.output_bytes:
            return _crashed(len(cases), _crash_message(process.returncode, timed_out, printed, limits))
        return outcomes
