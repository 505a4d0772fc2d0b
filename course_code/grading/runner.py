"""Run a submission's notebook in isolated children until every question has its outcomes.

One child (:mod:`child_run`) runs the cells and then the questions. If the
child dies in a cell, that cell is skipped and the notebook runs again
in a fresh child for the questions still to grade; if it dies in a question,
that question gets the reason and the others are graded in a fresh child. So a
slow cell outside the graded functions costs a warning, and a broken function
costs only its own question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_code.grading.child_run import run_child, why_it_stopped
from course_code.grading.isolation import Isolation, choose_isolation
from course_code.grading.limits import Limits, describe_size, timeout_message
from course_code.grading.outcomes import Outcome
from course_code.grading.questions import Case, Question

__all__ = ["Execution", "run_notebook"]


@dataclass
class Execution:
    """What running a notebook once gave: outcomes per question (by index), the cells' report, warnings."""

    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)
    cell_report: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    attempts: int = 0


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
        attempt = run_child(cells, skip, remaining, limits, isolation)
        if attempt.report is not None:
            execution.cell_report = attempt.report
        execution.outcomes.update(attempt.outcomes)
        remaining = [w for w in remaining if w[0] not in attempt.outcomes]
        if attempt.finished or not remaining:
            break
        why = why_it_stopped(attempt, limits, isolation)
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
                text = timeout_message(limits) if why == "timeout" else why
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
                      ("loud", f"printed more than {describe_size(limits.output_bytes)}")):
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
