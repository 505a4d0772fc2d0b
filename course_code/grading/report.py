"""Grades as text for people, JSON for programs, CSV for gradebooks and Gradescope's results.json."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

from course_code.grading.checks import TOLERANCE_NOTE, QuestionResult, TestResult
from course_code.grading.grade import SetResult

__all__ = [
    "format_question",
    "format_report",
    "gradescope_results",
    "result_to_dict",
    "write_gradebook",
]

MARK = {True: "[pass]", False: "[FAIL]"}


def _points(value: float) -> str:
    return f"{value:g}"


def format_question(result: QuestionResult) -> str:
    """Per-test feedback for one question: what was expected, what came back, and a hint."""
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
    """The score table (question, points, status, message), the total, then details of what failed."""
    header = f"Grading {result.notebook} (exercise set: {result.set_name})"
    if result.error:
        return f"{header}\nCould not grade: {result.error}"
    width = max([len("Question")] + [len(q.name) for q in result.questions])
    rows = [f"{'Question':<{width}}  {'Points':>9}  {'Status':<13}  Message"]
    for q in result.questions:
        points = f"{_points(q.points)}/{_points(q.max_points)}"
        rows.append(f"{q.name:<{width}}  {points:>9}  {q.status:<13}  {q.message}")
    total = f"{_points(result.score)}/{_points(result.max_score)}"
    rows.append(f"{'Total':<{width}}  {total:>9}")
    parts = [header, "", *rows]
    unfinished = [q for q in result.questions if q.status not in ("passed", "not attempted")]
    if details and unfinished:
        parts += ["", "Details", "-------"]
        for q in unfinished:
            parts += [format_question(q), ""]
        parts.append(TOLERANCE_NOTE)
    parts.append(f"(graded in {result.seconds:.1f} s)")
    return "\n".join(parts)


def result_to_dict(result: SetResult) -> dict:
    """JSON-ready: top-level ``score`` and ``max_score``, one entry per question with its tests."""
    return {
        "notebook": result.notebook,
        "set": result.set_name,
        "score": result.score,
        "max_score": result.max_score,
        "error": result.error or None,
        "seconds": round(result.seconds, 3),
        "tolerance": TOLERANCE_NOTE,
        "questions": [
            {"name": q.name, "points": q.points, "max_points": q.max_points, "status": q.status,
             "message": q.message,
             "tests": [{"name": t.label, "passed": t.passed, "message": t.message, "hint": t.hint}
                       for t in q.tests]}
            for q in result.questions
        ],
    }


def gradescope_results(result: SetResult) -> dict:
    """Gradescope's ``results.json``: ``score`` and one test per question, feedback in ``output``."""
    if result.error:
        return {"score": 0.0, "output": f"Could not grade: {result.error}", "tests": []}
    return {
        "score": result.score,
        "output": TOLERANCE_NOTE,
        "tests": [{"name": q.name, "score": q.points, "max_score": q.max_points, "output": format_question(q)}
                  for q in result.questions],
    }


def write_gradebook(results: list[SetResult], path: Path) -> None:
    """A CSV with one row per submission: file, each question's points, total, maximum, problems."""
    names = list(dict.fromkeys(q.name for r in results for q in r.questions))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "set", *names, "score", "max_score", "error"])
        for r in results:
            points = {q.name: q.points for q in r.questions}
            writer.writerow([Path(r.notebook).name, r.set_name, *[points.get(n, 0.0) for n in names],
                             r.score, r.max_score, r.error])
