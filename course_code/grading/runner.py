"""Run a submission's notebook once, in an isolated child, and bring back every question's outcomes.

The child (:mod:`child`) runs the code cells in order, each under a time limit,
then calls each graded function on its cases, each question under a time limit.
It is started at the isolation level of :mod:`isolation` (bubblewrap, a dedicated
user, or a plain process) with these limits:

* per-cell and per-question wall-clock limits, enforced in the child (an alarm)
  and, as a backstop, here: a child that overruns a phase is killed;
* ``RLIMIT_AS`` (address space, 2 GiB by default), ``RLIMIT_CPU``, ``RLIMIT_FSIZE``
  and ``RLIMIT_NPROC``;
* printed output: what a cell or a question prints beyond 1 MiB stops it.

If the child dies in a cell, that cell is skipped and the notebook runs again
in a fresh child for the questions still to grade; if it dies in a question,
that question gets the reason and the others are graded in a fresh child. So a
slow cell outside the graded functions costs a warning, and a broken function
costs only its own question.

Everything read back is bounded: frames are size-checked, results are
uncompressed ``.npz`` whose every array header is checked before it is read,
with ``allow_pickle=False``, so nothing from the student's process is ever
unpickled, executed or allowed to inflate.
"""

from __future__ import annotations

import io
import json
import math
import os
import selectors
import signal
import struct
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course_code.grading import child
from course_code.grading.checks import Outcome
from course_code.grading.isolation import Isolation, choose_isolation
from course_code.grading.questions import Case, Question

__all__ = ["Execution", "Limits", "read_npz", "run_notebook"]

CHILD_SOURCE = Path(child.__file__).read_text(encoding="utf-8")
PROGRAM = ("import sys\nsys.path.insert(0, sys.argv[1])\n"
           f"exec(compile({CHILD_SOURCE!r}, '<grader child>', 'exec'))\n")
MAX_RESULT_BYTES = 32 * 2**20  # the arrays one question may return, in all
MAX_FRAME_BYTES = MAX_RESULT_BYTES + 2**20
MAX_TOTAL_BYTES = 8 * MAX_FRAME_BYTES
MAX_REPORT_BYTES = 2**20
GRACE_SECONDS = 5.0  # beyond a phase's own limit before the child is killed from outside


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


@dataclass
class Execution:
    """What running a notebook once gave: outcomes per question (by index), the cells' report, warnings."""

    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)
    cell_report: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    attempts: int = 0


def _describe_size(n_bytes: int) -> str:
    return f"{n_bytes / 2**30:g} GiB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:g} MiB"


def read_npz(data: bytes, max_bytes: int = MAX_RESULT_BYTES) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` produced by an untrusted process, checked before anything is allocated.

    Raises:
        ValueError: if the archive is compressed, holds too many members, arrays
            of object or unknown dtype, or more than ``max_bytes`` in all, or an array
            header that claims more data than the member holds.
    """
    arrays = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > 4096:
            raise ValueError("too many arrays")
        if sum(i.file_size for i in infos) > max_bytes:
            raise ValueError("arrays too large")
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError("unexpected archive member")
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                else:
                    raise ValueError("unexpected array format")
                if dtype.hasobject or dtype.kind not in "biufc" or len(shape) > 32:
                    raise ValueError("unexpected dtype")
                if math.prod(shape) * dtype.itemsize > info.file_size:
                    raise ValueError("array header larger than its data")
            with archive.open(info) as member:
                arrays[info.filename[:-4]] = np.lib.format.read_array(member, allow_pickle=False)
    return arrays


def _job_bytes(cells: list[str], skip: set[int], work: list[tuple[int, Question, list[Case]]], limits: Limits,
               isolation: Isolation, processes: int) -> bytes:
    phases = len(cells) * limits.cell_seconds + len(work) * limits.timeout_seconds
    job = {
        "cells": cells, "skip_cells": sorted(skip), "reap": isolation.reap, "grader_uid": isolation.uid,
        "questions": [{"index": j, "function": q.name, "arg_names": list(q.arg_names), "n_cases": len(cases),
                       "n_outputs": len(q.outputs)} for j, q, cases in work],
        "limits": {"cell_seconds": limits.cell_seconds, "question_seconds": limits.timeout_seconds,
                   "memory_bytes": limits.memory_bytes, "cpu_seconds": math.ceil(phases) + 5,
                   "file_bytes": limits.output_bytes, "output_chars": limits.output_bytes,
                   "processes": processes, "result_bytes": MAX_RESULT_BYTES},
    }
    arrays = {"job": np.frombuffer(json.dumps(job).encode("utf-8"), dtype=np.uint8)}
    for j, question, cases in work:
        for i, case in enumerate(cases):
            for name, value in zip(question.arg_names, case.args):
                arrays[f"q{j}/case{i}/{name}"] = np.asarray(value)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _task_count(uid: int) -> int:
    """How many threads ``uid`` runs now (RLIMIT_NPROC counts them): the child may add a few."""
    count = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return count


@dataclass
class _Attempt:
    """One child's run: the frames it sent and how it ended."""

    report: dict | None = None
    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)
    phase: tuple[str, int] = ("startup", -1)
    finished: bool = False
    ending: str = ""  # why the parent stopped it: "timeout" or "garbled", else ""
    returncode: int | None = None
    stderr: str = ""


def _outcomes_from(payload: bytes, work: dict[int, tuple[Question, list[Case]]], limits: Limits):
    """``(question index, outcomes)`` from a "Q" frame, or None if it cannot be trusted."""
    try:
        arrays = read_npz(payload, MAX_FRAME_BYTES)
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        j, metas = meta["question"], meta["cases"]
        if not isinstance(j, int) or j not in work or not isinstance(metas, list):
            return None
        question, cases = work[j]
        if len(metas) != len(cases):
            return None
        outcomes = []
        for i, case_meta in enumerate(metas):
            kind = case_meta.get("kind") if isinstance(case_meta, dict) else None
            if kind == "timeout":
                outcomes.append(Outcome("crashed", detail=_timeout_message(limits)))
            elif kind == "printed":
                outcomes.append(Outcome("crashed", detail=_printed_message(limits)))
            elif kind == "too_large":
                outcomes.append(Outcome("crashed", detail=f"returned more than {_describe_size(MAX_RESULT_BYTES)} "
                                                          "of arrays: a result of a wrong, huge shape?"))
            elif kind == "tuple" and isinstance(case_meta.get("items"), list):
                items = [arrays.get(f"out{i}_{k}") for k in range(min(len(case_meta["items"]), 64))]
                outcomes.append(Outcome.from_meta(case_meta, items))
            else:
                outcomes.append(Outcome.from_meta(case_meta, arrays.get(f"out{i}")))
        return j, outcomes
    except Exception:
        return None


def _timeout_message(limits: Limits) -> str:
    return (f"did not finish within {limits.timeout_seconds:g} s: an endless loop, "
            "or a `while` whose condition never becomes False?")


def _printed_message(limits: Limits) -> str:
    return (f"printed (or wrote to a file) more than {_describe_size(limits.output_bytes)}; "
            "remove print calls inside loops")


def _run_child(cells, skip, work, limits: Limits, isolation: Isolation) -> _Attempt:
    attempt = _Attempt()
    by_index = {j: (q, cases) for j, q, cases in work}
    processes = _task_count(isolation.uid if isolation.uid > 0 else os.getuid()) + 64
    job = _job_bytes(cells, skip, work, limits, isolation, processes)
    command, keywords = isolation.command(PROGRAM)
    popen = {k: v for k, v in keywords.items() if not k.startswith("_")}
    phase_limits = {"cell": limits.cell_seconds, "question": limits.timeout_seconds}
    start = time.monotonic()
    overall = start + limits.startup_seconds + sum(
        GRACE_SECONDS + s for s in [limits.cell_seconds] * len(cells) + [limits.timeout_seconds] * len(work))
    with isolation.lock(), tempfile.TemporaryFile() as job_file, tempfile.TemporaryFile() as errors:
        job_file.write(job)
        job_file.seek(0)
        process = None
        try:
            process = subprocess.Popen(command, stdin=job_file, stdout=subprocess.PIPE, stderr=errors, **popen)
            deadline = start + limits.startup_seconds
            buffer, total = bytearray(), 0
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                while not attempt.finished:
                    now = time.monotonic()
                    remaining = min(deadline, overall) - now
                    if remaining <= 0:
                        attempt.ending = "timeout"
                        break
                    if not selector.select(remaining):
                        continue
                    chunk = os.read(process.stdout.fileno(), 1 << 20)
                    if not chunk:
                        break
                    total += len(chunk)
                    buffer += chunk
                    if total > MAX_TOTAL_BYTES:
                        attempt.ending = "garbled"
                        break
                    while len(buffer) >= 5 and not attempt.ending:
                        kind, size = buffer[:1], struct.unpack(">I", bytes(buffer[1:5]))[0]
                        if size > MAX_FRAME_BYTES or kind not in (b"P", b"C", b"Q", b"E"):
                            attempt.ending = "garbled"
                            break
                        if len(buffer) < 5 + size:
                            break
                        payload = bytes(buffer[5:5 + size])
                        del buffer[:5 + size]
                        now = time.monotonic()
                        if kind == b"P":
                            try:
                                info = json.loads(payload.decode("utf-8"))
                                phase, index = info["phase"], int(info["index"])
                                attempt.phase = (phase, index)
                                deadline = now + phase_limits[phase] + GRACE_SECONDS
                            except Exception:
                                attempt.ending = "garbled"
                        elif kind == b"C":
                            try:
                                report = json.loads(payload.decode("utf-8")) if size <= MAX_REPORT_BYTES else None
                                attempt.report = report if isinstance(report, dict) else {}
                            except Exception:
                                attempt.report = {}
                            attempt.phase, deadline = ("between", -1), now + GRACE_SECONDS
                        elif kind == b"Q":
                            found = _outcomes_from(payload, by_index, limits)
                            if found is None:
                                attempt.ending = "garbled"
                            else:
                                attempt.outcomes[found[0]] = found[1]
                                attempt.phase, deadline = ("between", found[0]), now + GRACE_SECONDS
                        else:
                            attempt.finished = True
                            break
                    if attempt.ending:
                        break
        finally:
            if process is not None:
                isolation.clean_up(process, keywords)
                try:
                    process.kill()
                except OSError:
                    pass
                process.wait()
                process.stdout.close()
                attempt.returncode = process.returncode
            else:
                isolation.clean_up(None, keywords)
        errors.seek(0)
        attempt.stderr = errors.read(2000).decode("utf-8", "replace")
    return attempt


def _death(attempt: _Attempt, limits: Limits, isolation: Isolation) -> str:
    """Why the child stopped before finishing, in the student's terms."""
    code = attempt.returncode
    if isolation.level == "bubblewrap" and code is not None and code > 128:
        code = -(code - 128)  # bwrap reports a child killed by signal s as 128 + s
    if attempt.ending == "timeout":
        return "timeout"
    if attempt.ending == "garbled":
        return ("the grader could not read what your code sent back (did it write to the grader's "
                "channel, or return something enormous?)")
    if code == -signal.SIGXFSZ:
        return _printed_message(limits)
    if code == -signal.SIGXCPU:
        return "used more CPU time than allowed: an endless loop?"
    if code is not None and code < 0:
        return (f"the Python process running your code was killed by signal {-code} "
                f"(it may have used more than {_describe_size(limits.memory_bytes)} of memory)")
    if code == 0:
        return "the Python process running your code ended early: did your code end it, or kill it?"
    return (f"the Python process running your code ended before returning results (exit status {code}); "
            "did your code call os._exit() or exit()?")


def _cell_name(cells: list[str], index: int) -> str:
    first = next((line.strip() for line in cells[index].split("\n") if line.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    return f"code cell {index + 1} (`{first}`)"


def run_notebook(cells: list[str], work: list[tuple[int, Question, list[Case]]], limits: Limits = Limits(),
                 isolation: Isolation | None = None) -> Execution:
    """Run the notebook's ``cells`` once and every ``(index, question, cases)`` of ``work`` on them.

    Returns an :class:`Execution` with one list of :class:`Outcome` per question
    index (every case of a question the child could not finish gets a ``crashed``
    outcome saying why), the cells' report and warnings naming each cell that was
    stopped or failed.
    """
    isolation = isolation or choose_isolation()
    execution = Execution()
    skip: set[int] = set()
    remaining = list(work)
    for _ in range(len(cells) + len(work) + 2):
        if not remaining:
            break
        execution.attempts += 1
        attempt = _run_child(cells, skip, remaining, limits, isolation)
        if attempt.report is not None:
            execution.cell_report = attempt.report
        execution.outcomes.update(attempt.outcomes)
        remaining = [w for w in remaining if w[0] not in attempt.outcomes]
        if attempt.finished or not remaining:
            break
        why = _death(attempt, limits, isolation)
        phase, index = attempt.phase
        if phase == "cell" and 0 <= index < len(cells) and index not in skip:
            skip.add(index)
            reason = (f"ran for more than {limits.cell_seconds:g} s" if why == "timeout" else why)
            execution.warnings.append(f"{_cell_name(cells, index)} was stopped: {reason}. The notebook was run "
                                      "again without it.")
            continue
        if phase in ("question", "between") and attempt.phase[1] >= 0:
            current = next((w for w in remaining if w[0] == index), None) if phase == "question" else remaining[0]
            if current is not None:
                text = _timeout_message(limits) if why == "timeout" else why
                execution.outcomes[current[0]] = [Outcome("crashed", detail=text) for _ in current[2]]
                remaining = [w for w in remaining if w is not current]
                continue
        text = why if why != "timeout" else "the Python process running your code did not start in time"
        if phase == "startup" and attempt.stderr.strip() and why != "timeout":
            text += f" ({attempt.stderr.strip().splitlines()[-1][:200]})"
        for j, question, cases in remaining:
            execution.outcomes[j] = [Outcome("crashed", detail=text) for _ in cases]
        remaining = []
    for j, question, cases in remaining:
        execution.outcomes[j] = [Outcome("crashed", detail="the notebook could not be run to the end")
                                 for _ in cases]
    report = execution.cell_report if isinstance(execution.cell_report, dict) else {}
    for key, text in (("slow", f"ran for more than {limits.cell_seconds:g} s"),
                      ("loud", f"printed more than {_describe_size(limits.output_bytes)}")):
        entries = report.get(key, [])
        for entry in entries if isinstance(entries, list) else []:
            index = entry.get("cell") if isinstance(entry, dict) else None
            if isinstance(index, int) and 0 <= index < len(cells):
                execution.warnings.append(f"{_cell_name(cells, index)} was stopped: it {text}. "
                                          "Only the definitions after that point still ran.")
    problems = report.get("problems", [])
    for entry in problems[:20] if isinstance(problems, list) else []:
        index = entry.get("cell") if isinstance(entry, dict) else None
        if isinstance(index, int) and 0 <= index < len(cells):
            line = entry.get("line") or entry.get("where") or ""
            execution.warnings.append(f"{_cell_name(cells, index)} raised {str(entry.get('exception', ''))[:80]}: "
                                      f"{str(entry.get('detail', ''))[:200]}" + (f" ({line})" if line else ""))
    return execution
