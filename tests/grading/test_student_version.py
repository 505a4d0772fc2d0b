"""The committed student notebook is exactly what the generator makes, and holds no solution."""

from __future__ import annotations

import json
import re

import pytest

from course_code.grading.cli import main
from course_code.grading.notebook import notebook_text, strip_solutions, student_version

from .helpers import SOURCE, STUDENT


def _solution_lines(source_text: str) -> list[str]:
    """The non-blank lines between the solution markers of the source notebook's code cells."""
    lines = []
    for cell in json.loads(source_text)["cells"]:
        inside = False
        for line in "".join(cell["source"]).split("\n"):
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def test_committed_student_notebook_equals_the_generators_output():
    import nbformat

    generated = notebook_text(student_version(nbformat.reads(SOURCE.read_text(encoding="utf-8"), as_version=4)))
    assert STUDENT.read_text(encoding="utf-8") == generated


def test_generate_check_reports_up_to_date_and_detects_a_stale_copy(tmp_path, capsys):
    assert main(["exercises", "generate", "--check", "--source-dir", str(SOURCE.parent),
                 "--output-dir", str(STUDENT.parent)]) == 0
    stale = tmp_path / STUDENT.name
    stale.write_text(STUDENT.read_text(encoding="utf-8").replace("One step", "One stop"), encoding="utf-8")
    assert main(["exercises", "generate", "--check", "--source-dir", str(SOURCE.parent),
                 "--output-dir", str(tmp_path)]) == 1
    assert "One stop" in stale.read_text(encoding="utf-8"), "--check must not write"
    assert main(["exercises", "generate", "--source-dir", str(SOURCE.parent), "--output-dir", str(tmp_path)]) == 0
    assert stale.read_text(encoding="utf-8") == STUDENT.read_text(encoding="utf-8")


def test_student_notebook_contains_no_solution_code():
    solution = _solution_lines(SOURCE.read_text(encoding="utf-8"))
    assert len(solution) >= 10, "the source should hold every solution"
    student_code = "\n".join(
        "".join(c["source"]) for c in json.loads(STUDENT.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"
    )
    leaked = [line for line in solution if line in student_code]
    assert leaked == []
    assert "SOLUTION" not in STUDENT.read_text(encoding="utf-8")
    assert student_code.count("raise NotImplementedError()") == 4


def test_student_notebook_is_clean_nbformat4_without_outputs():
    notebook = json.loads(STUDENT.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert notebook["metadata"]["course_exercise"] == {"set": "rnn_forward"}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_first_cell_names_the_chapter_and_the_grade_command():
    first = "".join(json.loads(STUDENT.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert "The vanilla RNN" in first
    assert "python -m course_code grade exercises/rnn_forward.ipynb" in first


def test_each_answer_cell_is_followed_by_its_check_cell():
    cells = [c for c in json.loads(STUDENT.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in cells]
    for name in ("rnn_step_forward", "rnn_forward", "softmax", "sequence_cross_entropy"):
        index = next(i for i, s in enumerate(sources) if re.search(rf"^def {name}\(", s, re.MULTILINE))
        assert sources[index + 1].strip() == f'check("{name}", {name})'


def test_strip_solutions_keeps_indentation_and_rejects_unbalanced_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert strip_solutions(source) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    with pytest.raises(ValueError, match="without"):
        strip_solutions("    ### BEGIN SOLUTION\n    return x\n")
    with pytest.raises(ValueError, match="without"):
        strip_solutions("    return x\n    ### END SOLUTION\n")
