"""What passes between the grader and the child: the job it is sent, the frames it sends back.

The job is one ``.npz`` on the child's stdin: the cells, the questions, the
limits (as JSON) and every case's arguments. The child answers on stdout in
frames (a kind byte, a 4-byte length, a payload), each size-checked. Results are
uncompressed ``.npz`` whose every array header is checked before it is read
(:func:`read_npz`), with ``allow_pickle=False``, so nothing from the student's
process is ever unpickled, executed or allowed to inflate.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np

from course_code.grading.isolation import Isolation
from course_code.grading.limits import (
    Limits,
    describe_size,
    printed_message,
    timeout_message,
)
from course_code.grading.outcomes import Outcome
from course_code.grading.questions import Case, Question

__all__ = [
    "MAX_FRAME_BYTES",
    "MAX_REPORT_BYTES",
    "MAX_RESULT_BYTES",
    "MAX_TOTAL_BYTES",
    "job_bytes",
    "outcomes_from",
    "read_npz",
]

MAX_RESULT_BYTES = 32 * 2**20  # the arrays one question may return, in all
MAX_FRAME_BYTES = MAX_RESULT_BYTES + 2**20
MAX_TOTAL_BYTES = 8 * MAX_FRAME_BYTES
MAX_REPORT_BYTES = 2**20


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


def job_bytes(cells: list[str], skip: set[int], work: list[tuple[int, Question, list[Case]]], limits: Limits,
               isolation: Isolation, processes: int) -> bytes:
    """The job for one child: ``work``'s questions and cases, after ``cells`` (but ``skip``)."""
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


def outcomes_from(payload: bytes, work: dict[int, tuple[Question, list[Case]]], limits: Limits):
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
                outcomes.append(Outcome("crashed", detail=timeout_message(limits)))
            elif kind == "printed":
                outcomes.append(Outcome("crashed", detail=printed_message(limits)))
            elif kind == "too_large":
                outcomes.append(Outcome("crashed", detail=f"returned more than {describe_size(MAX_RESULT_BYTES)} "
                                                          "of arrays: a result of a wrong, huge shape?"))
            elif kind == "tuple" and isinstance(case_meta.get("items"), list):
                items = [arrays.get(f"out{i}_{k}") for k in range(min(len(case_meta["items"]), 64))]
                outcomes.append(Outcome.from_meta(case_meta, items))
            else:
                outcomes.append(Outcome.from_meta(case_meta, arrays.get(f"out{i}")))
        return j, outcomes
    except Exception:
        return None
