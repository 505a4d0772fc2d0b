"""One run of the child: start it, hold it to its limits, read its frames, end all it started.

The child (:mod:`child`) runs the code cells in order, each under a time limit,
then calls each graded function on its cases, each question under a time limit.
It is started at the isolation level of :mod:`isolation` (bubblewrap, a dedicated
user, or a plain process) with these limits:

* per-cell and per-question wall-clock limits, enforced in the child (an alarm)
  and, as a backstop, here: a child that overruns a phase is killed;
* ``RLIMIT_AS`` (address space, 2 GiB by default), ``RLIMIT_CPU``, ``RLIMIT_FSIZE``
  and ``RLIMIT_NPROC``;
* printed output: what a cell or a question prints beyond 1 MiB stops it.

Everything read back is bounded (:mod:`child_channel`). When the child stops
early, :func:`why_it_stopped` says why in the student's terms.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from course_code.grading import child
from course_code.grading.child_channel import (
    MAX_FRAME_BYTES,
    MAX_REPORT_BYTES,
    MAX_TOTAL_BYTES,
    job_bytes,
    outcomes_from,
)
from course_code.grading.isolation import Isolation
from course_code.grading.limits import Limits, describe_size, printed_message
from course_code.grading.outcomes import Outcome

__all__ = ["GRACE_SECONDS", "PROGRAM", "run_child", "why_it_stopped"]

CHILD_SOURCE = Path(child.__file__).read_text(encoding="utf-8")
PROGRAM = ("import sys\nsys.path.insert(0, sys.argv[1])\n"
           f"exec(compile({CHILD_SOURCE!r}, '<grader child>', 'exec'))\n")
GRACE_SECONDS = 5.0  # beyond a phase's own limit before the child is killed from outside


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


def run_child(cells, skip, work, limits: Limits, isolation: Isolation) -> _Attempt:
    """Run one child on ``work`` (after ``cells``, but ``skip``): its frames, and how it ended."""
    attempt = _Attempt()
    by_index = {j: (q, cases) for j, q, cases in work}
    processes = _task_count(isolation.uid if isolation.uid > 0 else os.getuid()) + 64
    job = job_bytes(cells, skip, work, limits, isolation, processes)
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
                            found = outcomes_from(payload, by_index, limits)
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


def why_it_stopped(attempt: _Attempt, limits: Limits, isolation: Isolation) -> str:
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
        return printed_message(limits)
    if code == -signal.SIGXCPU:
        return "used more CPU time than allowed: an endless loop?"
    if code is not None and code < 0:
        return (f"the Python process running your code was killed by signal {-code} "
                f"(it may have used more than {describe_size(limits.memory_bytes)} of memory)")
    if code == 0:
        return "the Python process running your code ended early: did your code end it, or kill it?"
    return (f"the Python process running your code ended before returning results (exit status {code}); "
            "did your code call os._exit() or exit()?")
