"""The code that runs the student's functions, and the script of the isolated child process.

This module imports only the standard library and NumPy, because the grader runs
its source text as the child process's program (``python -I -c <this file>``),
where ``course_code`` must not be importable. The parent (:mod:`runner`) never
imports anything the child produced: it reads back plain arrays from an ``.npz``
file (``allow_pickle=False``) and a JSON description of what happened.

The notebook check (:func:`course_code.grading.check`) reuses :func:`capture_call`
in-process, so both paths describe a student's result in the same words.

Protocol of the child, all files inside a private temporary directory::

    stdin   job.npz: "job" (JSON as uint8 bytes: function, cells, n_cases,
            arg_names, result_path, n_outputs) and the inputs "case{i}/{arg}"
    cwd     an empty directory, the only place relative paths lead to
    result  result.npz at job["result_path"]: "meta" (JSON as uint8 bytes,
            one entry per case) and "out{i}" for each case that returned an array;
            for a question with n_outputs > 0, a tuple of that length comes back
            as meta kind "tuple" with one "items" entry per element, and
            "out{i}_{k}" for each element that is an array
    argv    memory limit (bytes), CPU limit (seconds), file size limit (bytes)
"""

from __future__ import annotations

import ast
import io
import json
import linecache
import os
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
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    return not any(filename.startswith(p + os.sep) for p in prefixes if p)


def describe_exception(error: BaseException) -> dict:
    """``{"kind": "raised", "exception", "detail", "where"}`` for an exception the student's code raised.

    ``where`` names the deepest line of the student's own code (not NumPy's) and
    quotes it, e.g. ``"line 4, in rnn_forward: h = x @ W_xh"``.
    """
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
    return {"kind": "raised", "exception": _short(type(error).__name__, 80), "detail": detail, "where": where}


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
        if result.dtype == object:
            return {"kind": "wrong_type", "type_name": "NumPy array of Python objects"}, None
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
        return {"kind": "exit", "detail": _short(f"sys.exit({error.code!r})")}, None
    except BaseException as error:
        return describe_exception(error), None
    try:
        return describe_result(result, n_outputs)
    except BaseException as error:  # e.g. an array-like whose conversion fails
        return describe_exception(error), None


# ----------------------------------------------------------------------------------------
# What runs only in the child process.
# ----------------------------------------------------------------------------------------


def _is_skipped_statement(node: ast.stmt) -> bool:
    """Statements the child does not run: imports of course_code and calls of ``check(...)``."""
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "course_code" for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "course_code"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return isinstance(func, ast.Name) and func.id == "check"
    return False


def run_cells(cells: list[str], namespace: dict) -> list[dict]:
    """Run the notebook's code cells statement by statement; return the problems met.

    A statement that fails is recorded and skipped, so one broken cell does not
    hide the functions defined in the others.
    """
    problems = []
    for index, source in enumerate(cells):
        filename = f"<cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            tree = ast.parse(source, filename)
        except SyntaxError as error:
            problems.append({"cell": index, "exception": "SyntaxError", "detail": _short(error.msg), "line": error.lineno})
            continue
        for node in tree.body:
            if _is_skipped_statement(node):
                continue
            try:
                exec(compile(ast.Module([node], type_ignores=[]), filename, "exec"), namespace)
            except SystemExit as error:
                problems.append({"cell": index, "exception": "SystemExit", "detail": _short(repr(error.code))})
            except BaseException as error:
                problems.append({"cell": index, **describe_exception(error)})
    return problems


class _BlockCourseCode:
    """A meta-path finder that makes ``import course_code`` fail in the child."""

    def find_spec(self, name, path=None, target=None):
        if name == "course_code" or name.startswith("course_code."):
            raise ImportError("course_code is not available while your code is graded")
        return None


def _limit_resources(memory_bytes: int, cpu_seconds: int, file_bytes: int) -> None:
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


def child_main(argv: list[str]) -> None:
    """Run one question's cases on the student's code; write ``result.npz``; end the process."""
    memory_bytes, cpu_seconds, file_bytes = (int(value) for value in argv[:3])
    sys.meta_path.insert(0, _BlockCourseCode())
    # NumPy is already imported (its submodules load through numpy.__path__); the graded code gets
    # the standard library and NumPy, nothing else installed, and no path into the repository.
    sys.path[:] = [p for p in sys.path if p and not any(k in p for k in ("__editable__", "site-packages", "dist-packages"))]
    for name in [m for m in sys.modules if m == "course_code" or m.startswith("course_code.")]:
        del sys.modules[name]

    with np.load(io.BytesIO(sys.stdin.buffer.read()), allow_pickle=False) as archive:
        job = json.loads(archive["job"].tobytes().decode("utf-8"))
        cases = [[archive[f"case{i}/{arg}"] for arg in job["arg_names"]] for i in range(job["n_cases"])]
    result_file = open(job["result_path"], "wb")
    save, dumps, flush, exit_now = np.savez, json.dumps, sys.stdout.flush, os._exit
    _limit_resources(memory_bytes, cpu_seconds, file_bytes)

    namespace = {"__name__": "__main__"}
    cell_problems = run_cells(job["cells"], namespace)
    func = namespace.get(job["function"])
    n_outputs = int(job.get("n_outputs", 0))
    metas, arrays = [], {}
    if not callable(func):
        meta = {"kind": "missing", "cell_problems": cell_problems[:5]}
        metas = [meta] * len(cases)
    else:
        for i, args in enumerate(cases):
            meta, array = capture_call(func, [a.copy() for a in args], n_outputs)
            metas.append(meta)
            if isinstance(array, list):
                arrays.update({f"out{i}_{k}": item for k, item in enumerate(array) if item is not None})
            elif array is not None:
                arrays[f"out{i}"] = array
    try:
        flush()
    except BaseException:
        pass
    meta_bytes = np.frombuffer(dumps({"cases": metas}).encode("utf-8"), dtype=np.uint8)
    save(result_file, meta=meta_bytes, **arrays)
    result_file.close()
    exit_now(0)  # skip any atexit handler the student registered


if __name__ == "__main__":
    child_main(sys.argv[1:])
