"""Grades as text for people, JSON for programs, CSV for gradebooks and Gradescope's results.json.

Every text that came from a submission is escaped (:mod:`text`) before it is
printed or stored, every file is written atomically (a temporary file in the
same folder, then renamed; folders are created), and every report names the
isolation that graded it and whether the inputs were hidden.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import textwrap
from pathlib import Path

from course_code.grading.case_checks import TOLERANCE_NOTE
from course_code.grading.grade import SetResult
from course_code.grading.outcomes import QuestionResult, TestResult
from course_code.grading.sets import SETS
from course_code.grading.text import printable, spreadsheet_cell

__all__ = [
    "format_question",
    "format_report",
    "gradescope_error",
    "gradescope_results",
    "result_to_dict",
    "write_atomically",
    "write_gradebook",
    "write_json",
]


def write_atomically(path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half of it.

    The folder is created if needed; the new file is readable by its owner's group and others
    (mode 644) and, like its folder, not writable by them.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_json(path, data) -> None:
    """``data`` as indented JSON, written atomically."""
    write_atomically(path, json.dumps(data, indent=2, allow_nan=False) + "\n")

MARK = {True: "[pass]", False: "[FAIL]"}


def _points(value: float) -> str:
    return f"{value:g}"


def format_question(result: QuestionResult) -> str:
    """Per-test feedback for one question: what was expected, what came back, and a hint (escaped)."""
    return printable(_format_question(result))


def _format_question(result: QuestionResult) -> str:
    lines = [f"{result.name}: {result.status}, {_points(result.points)} / {_points(result.max_points)} points "
             f"({result.message})"]
    tests = result.tests
    if result.status == "not attempted":
        return lines[0]
    cases = [t for t in tests if not t.label.startswith("property")]
    if len(cases) > 1 and len({(t.passed, t.message, t.hint) for t in cases}) == 1 and not cases[0].passed:
        summary = TestResult(f"all {len(cases)} test inputs", False, cases[0].message, cases[0].hint)
        tests = [summary] + [t for t in tests if t.label.startswith("property")]
    hinted = set()
    for test in tests:
        lines.append(f"  {MARK[test.passed]} {test.label}: {test.message}")
        if test.hint and test.hint not in hinted:  # each hint once per question
            hinted.add(test.hint)
            lines.extend(textwrap.wrap("Hint: " + test.hint, width=96, initial_indent="         ",
                                       subsequent_indent="           "))
    return "\n".join(lines)


def format_report(result: SetResult, details: bool = True) -> str:
    """The score table (question, points, status, message), the total, warnings, then details of what failed."""
    return printable(_format_report(result, details))


def _format_report(result: SetResult, details: bool) -> str:
    header = f"Grading {result.notebook} (exercise set: {result.set_name})"
    about = [f"Isolation: {result.isolation}"] if result.isolation else []
    about += [f"Test inputs: {result.inputs}"] if result.inputs else []
    if result.error:
        return "\n".join([header, *about, f"Could not grade: {result.error}"])
    width = max([len("Question")] + [len(q.name) for q in result.questions])
    rows = [f"{'Question':<{width}}  {'Points':>9}  {'Status':<13}  Message"]
    for q in result.questions:
        points = f"{_points(q.points)}/{_points(q.max_points)}"
        rows.append(f"{q.name:<{width}}  {points:>9}  {q.status:<13}  {q.message}")
    total = f"{_points(result.score)}/{_points(result.max_score)}"
    rows.append(f"{'Total':<{width}}  {total:>9}")
    parts = [header, *about, "", *rows]
    if result.warnings:
        parts += ["", "Warnings (no points lost for these):"] + [f"  - {w}" for w in result.warnings]
    unfinished = [q for q in result.questions if q.status not in ("passed", "not attempted")]
    if details and unfinished:
        parts += ["", "Details", "-------"]
        for q in unfinished:
            parts += [_format_question(q), ""]
        parts.append(TOLERANCE_NOTE)
    parts.append(f"(graded in {result.seconds:.1f} s)")
    return "\n".join(parts)


def result_to_dict(result: SetResult) -> dict:
    """JSON-ready: top-level ``score`` and ``max_score``, one entry per question with its tests."""
    clean = printable
    return {
        "notebook": clean(result.notebook),
        "set": result.set_name,
        "score": result.score,
        "max_score": result.max_score,
        "error": clean(result.error) if result.error else None,
        "warnings": [clean(w) for w in result.warnings],
        "isolation": result.isolation,
        "inputs": result.inputs,
        "seconds": round(result.seconds, 3),
        "tolerance": TOLERANCE_NOTE,
        "questions": [
            {"name": q.name, "points": q.points, "max_points": q.max_points, "status": q.status,
             "message": clean(q.message),
             "tests": [{"name": clean(t.label), "passed": t.passed, "message": clean(t.message), "hint": clean(t.hint)}
                       for t in q.tests]}
            for q in result.questions
        ],
    }


def _gradescope_about(result: SetResult) -> str:
    lines = [f"Isolation: {result.isolation}."] if result.isolation else []
    lines += [f"Test inputs: {result.inputs}."] if result.inputs else []
    lines += [f"Warning: {w}" for w in result.warnings]
    return printable("\n".join(lines))


def gradescope_error(reason: str, max_score: float) -> dict:
    """Gradescope's ``results.json`` for a submission that could not be graded: 0 of ``max_score``, and why."""
    text = printable(f"Could not grade: {reason}")
    return {"score": 0.0, "output": text,
            "tests": [{"name": "grading", "score": 0.0, "max_score": float(max_score), "output": text}]}


def gradescope_results(result: SetResult) -> dict:
    """Gradescope's ``results.json``: ``score`` and one test per question (with ``max_score``), feedback in ``output``."""
    if result.error:
        data = gradescope_error(result.error, result.max_score)
        data["output"] += "\n" + _gradescope_about(result)
        return data
    return {
        "score": result.score,
        "output": "\n".join(p for p in (TOLERANCE_NOTE, _gradescope_about(result)) if p),
        "tests": [{"name": q.name, "score": q.points, "max_score": float(q.max_points),
                   "output": format_question(q)} for q in result.questions],
    }


def write_gradebook(results: list[SetResult], path: Path, note: str = "") -> None:
    """A CSV with one row per submission: file, set, each question's points, total, maximum, isolation, problems.

    A question outside a submission's set is left blank (not 0). Every text cell is
    escaped and neutralised for spreadsheets. ``note`` (e.g. that grading ran without
    a sandbox, by the instructor's choice) goes into every row's ``isolation`` cell.
    The file is written atomically, its folder created if needed.
    """
    names = list(dict.fromkeys(q.name for r in results for q in r.questions))
    for r in results:  # a set whose every submission failed still gets its columns
        if r.set_name in SETS:
            names += [q.name for q in SETS[r.set_name].questions if q.name not in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", "set", *names, "score", "max_score", "isolation", "inputs", "warnings", "error"])
    for r in results:
        points = {q.name: q.points for q in r.questions}
        in_set = {q.name for q in SETS[r.set_name].questions} if r.set_name in SETS else set(points)
        cells = [points.get(n, 0.0) if n in in_set else "" for n in names]
        isolation = r.isolation + (f"; {note}" if note else "")
        row = [Path(r.notebook).name, r.set_name, *cells, r.score, r.max_score, isolation, r.inputs,
               " | ".join(r.warnings), r.error]
        writer.writerow([spreadsheet_cell(value) for value in row])
    write_atomically(path, buffer.getvalue())
