"""The code that runs the student's functions, and the program of the isolated child process.

This module imports only the standard library and NumPy, because the grader runs
its source text as the child's program (``python -I -S -c <this file>``), where
``course_code`` is not importable (under bubblewrap it is not even on the
filesystem). The parent (:mod:`runner`) never imports or unpickles anything the
child produced: it reads framed JSON and ``.npz`` bytes, checked for size first.

The notebook check (:func:`course_code.grading.check`) reuses :func:`capture_call`
in-process, so both paths describe a student's result in the same words.

The notebook runs **once** per submission, as in nbgrader and otter: every code
cell in order, each under its own time limit, then each graded function on its
cases, each question under its own time limit. Protocol::

    stdin   job.npz: "job" (JSON as uint8 bytes, see child_channel.job_bytes) and the
            inputs "q{j}/case{i}/{arg}"
    fd 1    frames to the parent: one type byte, a 4-byte big-endian length, the
            payload. "P" progress (JSON {"phase": "cell"|"question", "index": k}),
            "C" the cells ran (JSON {"problems": [...], "slow": [...], "loud": [...]}),
            "Q" one question's results (an .npz: "meta" JSON bytes with "question"
            and one entry per case, "out{i}" or "out{i}_{k}" arrays), "E" the end.
    stdout  what the student's code prints goes to a counting writer that stops
            it past the output limit; fd 1 and 2 of the process lead to /dev/null
"""

from __future__ import annotations

import ast
import io
import json
import linecache
import os
import signal
import struct
import sys
import traceback

import numpy as np

MAX_TEXT = 400  # longest text taken from the student's process, in characters


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_student_frame(filename: str) -> bool:
    """True for frames of the student's code (notebook cells), False for NumPy, the stdlib, the grader."""
    if filename.startswith("<cell"):
        return True
    if filename.startswith("<") or filename == globals().get("__file__"):
        return False
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(np.__file__)}
    return not any(filename.startswith(p + os.sep) for p in prefixes if p)


class TimeLimit(BaseException):
    """Raised inside the student's code when a cell or a question runs out of time."""


class OutputLimit(BaseException):
    """Raised inside the student's code when it prints more than it may."""


def describe_exception(error: BaseException) -> dict:
    """``{"kind": "raised", "exception", "detail", "where"}`` for an exception the student's code raised.

    ``where`` names the deepest line of the student's own code (not NumPy's) and
    quotes it, e.g. ``"line 4, in rnn_forward: h = x @ W_xh"``. A time or output
    limit becomes ``{"kind": "timeout"}`` or ``{"kind": "printed"}``.
    """
    if isinstance(error, TimeLimit):
        return {"kind": "timeout"}
    if isinstance(error, OutputLimit):
        return {"kind": "printed"}
    try:
        detail = _short(str(error))
    except BaseException:  # a hostile __str__
        detail = "(the error message could not be read)"
    where = ""
    try:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if _is_student_frame(f.filename)]
        if frames:
            last = frames[-1]
            where = _short(f"line {last.lineno}, in {last.name}: {(last.line or '').strip()}", 200)
    except BaseException:
        pass
    try:
        name = _short(type(error).__name__, 80)
    except BaseException:
        name = "an exception"
    return {"kind": "raised", "exception": name, "detail": detail, "where": where}


def describe_result(result, n_outputs: int = 0) -> tuple[dict, np.ndarray | list | None]:
    """Classify what the student's function returned; return ``(meta, array or None)``.

    ``meta["kind"]`` is ``"array"`` (an ndarray, copied to a plain ndarray),
    ``"scalar"`` (a Python or NumPy number, as a 0-d array) or ``"wrong_type"``
    (anything else, described by ``type_name`` and, for lists and tuples, ``length``).
    With ``n_outputs > 0``, a tuple or list of exactly that many items is
    ``"tuple"``: ``meta["items"]`` describes each item and the second value is
    the list of their arrays (``None`` for an item that is not one).
    """
    if n_outputs and isinstance(result, (tuple, list)):
        items = list(result)
        if len(items) == n_outputs:
            described = [describe_result(item) for item in items]
            return {"kind": "tuple", "items": [m for m, _ in described]}, [a for _, a in described]
    if isinstance(result, np.ndarray):
        if result.dtype.hasobject or result.dtype.kind not in "biufc":
            return {"kind": "wrong_type", "type_name": f"NumPy array of dtype {_short(result.dtype, 40)}"}, None
        return {"kind": "array"}, np.array(result, copy=True).view(np.ndarray)
    if isinstance(result, (bool, np.bool_)):
        return {"kind": "wrong_type", "type_name": "bool"}, None
    if isinstance(result, (int, float, np.integer, np.floating)):
        return {"kind": "scalar", "type_name": _short(type(result).__name__, 80)}, np.asarray(result).copy()
    meta = {"kind": "wrong_type", "type_name": "None" if result is None else _short(type(result).__name__, 80)}
    if isinstance(result, (list, tuple)):
        try:
            meta["length"] = int(len(result))
        except BaseException:
            pass
    return meta, None


def capture_call(func, args, n_outputs: int = 0) -> tuple[dict, np.ndarray | list | None]:
    """Call ``func(*args)`` and describe the outcome, whatever happens (even ``sys.exit``).

    ``n_outputs`` is the number of arrays a multi-output question returns (0: one result).
    """
    try:
        result = func(*args)
    except SystemExit as error:
        try:
            return {"kind": "exit", "detail": _short(f"sys.exit({error.code!r})")}, None
        except BaseException:
            return {"kind": "exit", "detail": "sys.exit(...)"}, None
    except BaseException as error:
        return describe_exception(error), None
    try:
        return describe_result(result, n_outputs)
    except BaseException as error:  # e.g. an array-like whose conversion fails
        return describe_exception(error), None


# ----------------------------------------------------------------------------------------
# What runs only in the child process.
# ----------------------------------------------------------------------------------------

SKIPPED_CALLS = {"check", "grade"}  # the notebook's own feedback and grading cells


def _is_skipped_statement(node: ast.stmt) -> bool:
    """Statements the child does not run: imports of course_code, ``check(...)`` and ``grade(...)``."""
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "course_code" for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "course_code"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return isinstance(func, ast.Name) and func.id in SKIPPED_CALLS
    return False


class _Timer:
    """A wall-clock alarm that raises :class:`TimeLimit` in the running code."""

    def __init__(self):
        signal.signal(signal.SIGALRM, self._fire)

    @staticmethod
    def _fire(signum, frame):
        raise TimeLimit()

    @staticmethod
    def start(seconds: float) -> None:
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))

    @staticmethod
    def stop() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)


class _CountingWriter(io.TextIOBase):
    """Stands for sys.stdout and sys.stderr: discards the text, stops the code past ``limit`` characters."""

    def __init__(self, limit: int):
        self.limit, self.count = limit, 0

    def writable(self):
        return True

    def write(self, text):
        self.count += len(text)
        if self.count > self.limit:
            raise OutputLimit()
        return len(text)

    def flush(self):
        pass


def _bound_names(node: ast.stmt) -> set[str]:
    """The names a statement binds at the top level (imports, assignments, loop variables, definitions)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _first_line(source: str) -> str:
    for line in source.split("\n"):
        if line.strip():
            return _short(line.strip(), 80)
    return ""


def run_cells(cells: list[str], namespace: dict, skip=(), timer=None, cell_seconds: float = 0.0,
              writer=None, progress=None) -> dict:
    """Run the notebook's code cells statement by statement; return what went wrong.

    A statement that fails is recorded and skipped, so one broken cell does not
    hide the functions defined in the others. With a ``timer``, each cell has
    ``cell_seconds``; a cell that runs out of time is stopped and only the
    ``def`` and ``class`` statements after the slow one still run. With a
    ``writer``, each cell may print up to its limit.

    Returns ``{"problems": [...], "slow": [...], "loud": [...]}``: exceptions
    (cell, exception, detail, line), cells stopped for time, cells stopped for output.
    """
    report = {"problems": [], "slow": [], "loud": []}
    unavailable: set[str] = set()  # names the skipped imports of course_code would have bound
    for index, source in enumerate(cells):
        if index in skip:
            continue
        filename = f"<cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            tree = ast.parse(source, filename)
        except SyntaxError as error:
            report["problems"].append({"cell": index, "exception": "SyntaxError", "detail": _short(error.msg),
                                       "line": error.lineno})
            continue
        except BaseException as error:  # e.g. a cell too deeply nested to parse
            report["problems"].append({"cell": index, **describe_exception(error)})
            continue
        if progress:
            progress("cell", index)
        if writer is not None:
            writer.count = 0
        stopped = ""
        if timer:
            timer.start(cell_seconds)
        for node in tree.body:
            if stopped and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if _is_skipped_statement(node):
                unavailable |= _bound_names(node)
                continue
            try:
                try:
                    exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), namespace)
                finally:
                    if stopped and timer:
                        timer.stop()
            except SystemExit as error:
                report["problems"].append({"cell": index, "exception": "SystemExit",
                                           "detail": _short(repr(error.code))})
            except TimeLimit:
                stopped = "slow"
            except OutputLimit:
                stopped = "loud"
                if timer:
                    timer.stop()
            except BaseException as error:
                if isinstance(error, NameError) and getattr(error, "name", None) in unavailable:
                    unavailable |= _bound_names(node)  # so are the names this statement would have bound
                    continue  # course material that uses the course's package (a demo), not the student's code
                report["problems"].append({"cell": index, **describe_exception(error)})
        if timer:
            timer.stop()
        if stopped:
            report[stopped].append({"cell": index, "first_line": _first_line(source)})
    return report


def _limit_resources(memory_bytes: int, cpu_seconds: int, file_bytes: int, processes: int) -> None:
    import resource

    def limit(kind, soft, hard):
        _, current_hard = resource.getrlimit(kind)
        if current_hard != resource.RLIM_INFINITY:  # a process may only lower its hard limit
            soft, hard = min(soft, current_hard), min(hard, current_hard)
        resource.setrlimit(kind, (soft, hard))

    limit(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
    limit(resource.RLIMIT_FSIZE, file_bytes, file_bytes)
    limit(resource.RLIMIT_CORE, 0, 0)
    if processes > 0:
        limit(resource.RLIMIT_NPROC, processes, processes)


def _reap_others(mode: str, grader_uid: int) -> None:
    """End every other process the student's code started, where that is safe to ask for.

    ``namespace``: this process is PID 2 of bubblewrap's PID namespace, so
    ``kill(-1)`` reaches only the sandbox. ``uid``: this process runs as the
    grader's dedicated, unprivileged user, so ``kill(-1)`` reaches only that user's
    processes. Any other case does nothing (``kill(-1)`` would reach the user's desktop).
    """
    safe = (mode == "namespace" and os.getpid() == 2) or (
        mode == "uid" and grader_uid > 0 and os.getuid() == grader_uid and os.geteuid() == grader_uid)
    if safe:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass


def child_main(argv: list[str]) -> None:
    """Run the cells once, then every question's cases; send frames to the parent; end the process."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    dumps, pack, exit_now = json.dumps, struct.pack, os._exit

    def send(kind: bytes, payload: bytes) -> None:
        out.write(kind + pack(">I", len(payload)) + payload)

    def progress(phase: str, index: int) -> None:
        send(b"P", dumps({"phase": phase, "index": index}).encode())

    with np.load(io.BytesIO(sys.stdin.buffer.read()), allow_pickle=False) as archive:
        job = json.loads(archive["job"].tobytes().decode("utf-8"))
        inputs = {name: archive[name] for name in archive.files if name != "job"}
    limits = job["limits"]
    _limit_resources(limits["memory_bytes"], limits["cpu_seconds"], limits["file_bytes"], limits["processes"])
    reap, grader_uid = job.get("reap", ""), int(job.get("grader_uid", -1))
    writer = _CountingWriter(limits["output_chars"])
    sys.stdout = sys.stderr = writer
    timer = _Timer()

    namespace = {"__name__": "__main__"}
    report = run_cells(job["cells"], namespace, set(job["skip_cells"]), timer, limits["cell_seconds"], writer,
                       progress)
    _reap_others(reap, grader_uid)
    send(b"C", dumps(report).encode())
    for question in job["questions"]:
        j = question["index"]
        progress("question", j)
        cases = [[inputs[f"q{j}/case{i}/{arg}"] for arg in question["arg_names"]] for i in range(question["n_cases"])]
        func = namespace.get(question["function"])
        metas, arrays = [], {}
        if not callable(func):
            metas = [{"kind": "missing"}] * len(cases)
        else:
            writer.count = 0
            timer.start(limits["question_seconds"])
            timed_out = False
            for i, args in enumerate(cases):
                if timed_out:
                    metas.append({"kind": "timeout"})
                    continue
                meta, array = capture_call(func, [a.copy() for a in args], int(question["n_outputs"]))
                timed_out = meta.get("kind") == "timeout"
                metas.append(meta)
                if isinstance(array, list):
                    arrays.update({f"out{i}_{k}": item for k, item in enumerate(array) if item is not None})
                elif array is not None:
                    arrays[f"out{i}"] = array
            timer.stop()
        _reap_others(reap, grader_uid)
        if sum(a.nbytes for a in arrays.values()) > limits["result_bytes"]:
            metas, arrays = [{"kind": "too_large"}] * len(cases), {}
        buffer = io.BytesIO()
        meta_bytes = np.frombuffer(dumps({"question": j, "cases": metas}).encode("utf-8"), dtype=np.uint8)
        np.savez(buffer, meta=meta_bytes, **arrays)
        send(b"Q", buffer.getvalue())
    send(b"E", b"")
    exit_now(0)  # skip any atexit handler the student registered


if __name__ == "__main__":  # the child's program (runner.child_command puts NumPy on sys.path first)
    child_main(sys.argv[1:])
