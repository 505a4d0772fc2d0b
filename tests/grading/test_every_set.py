"""What every exercise set must satisfy, checked for each set in the registry.

For each set: the solution notebook scores full marks in the isolated grader and
is left unchanged; the untouched student notebook scores zero; the committed
student notebook is exactly the generator's output, holds no solution line and
no output, names its chapter and the grade command, and puts each check cell
right after its answer; executed top to bottom, the solution notebook passes
every check cell; and every known bug differs from the reference on some case,
or the checks could never tell them apart. Each set's own file tests what is
particular to it (its mutants, its cases, its demo).
"""

from __future__ import annotations

import importlib.util
import json
import re

import nbformat
import pytest

from course_code.grading.grade import grade_notebook
from course_code.grading.notebook import notebook_text, student_version
from course_code.grading.limits import Limits
from course_code.grading.sets import SETS

from .helpers import cell_text, code_sources, executed_source, same_output, set_notebooks, sha256, solution_only_lines

LIMITS = Limits(timeout_seconds=10.0)
SET_NAMES = sorted(SETS)
TORCH_AVAILABLE = importlib.util.find_spec("torch") is not None


def test_every_registered_set_has_its_notebooks_and_every_notebook_its_set():
    sources = {p.stem for p in set_notebooks("x")[0].parent.glob("*.ipynb")}
    students = {p.stem for p in set_notebooks("x")[1].parent.glob("*.ipynb")}
    assert sources == students == set(SETS)


def test_question_names_are_unique_across_sets():
    # check("name", f) in a notebook finds its question by name alone.
    names = [q.name for s in SETS.values() for q in s.questions]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("secret", [None, 20261201], ids=["public", "hidden"])
@pytest.mark.parametrize("name", SET_NAMES)
def test_solution_scores_full_marks_and_is_not_changed(name, secret):
    source, _ = set_notebooks(name)
    before = sha256(source)
    result = grade_notebook(source, limits=LIMITS, secret=secret)
    full = {q.name: q.points for q in SETS[name].questions}
    assert {q.name: q.points for q in result.questions} == full, [q.message for q in result.questions]
    assert sha256(source) == before


@pytest.mark.parametrize("name", SET_NAMES)
def test_untouched_student_notebook_scores_zero(name):
    _, student = set_notebooks(name)
    result = grade_notebook(student, limits=LIMITS)
    assert [q.points for q in result.questions] == [0] * len(SETS[name].questions)
    assert all(q.status == "not attempted" for q in result.questions)


@pytest.mark.parametrize("name", SET_NAMES)
def test_committed_student_notebook_equals_the_generators_output(name):
    source, student = set_notebooks(name)
    generated = notebook_text(student_version(nbformat.reads(source.read_text(encoding="utf-8"), as_version=4)))
    assert student.read_text(encoding="utf-8") == generated, "run: python -m course_code exercises generate"


@pytest.mark.parametrize("name", SET_NAMES)
def test_student_notebook_holds_no_solution_and_no_output(name):
    source, student = set_notebooks(name)
    solution = solution_only_lines(source)
    assert len(solution) >= 2 * len(SETS[name].questions), "the source should hold every solution"
    student_code = "\n".join(code_sources(student))
    assert [line for line in solution if line in student_code] == []
    assert "SOLUTION" not in student.read_text(encoding="utf-8")
    assert student_code.count("raise NotImplementedError()") == len(SETS[name].questions)
    notebook = json.loads(student.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["course_exercise"] == {"set": name}
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in notebook["cells"]
               if c["cell_type"] == "code")


@pytest.mark.parametrize("name", SET_NAMES)
def test_first_cell_names_the_chapter_and_the_notebook_grades_itself_with_its_own_python(name):
    _, student = set_notebooks(name)
    cells = json.loads(student.read_text(encoding="utf-8"))["cells"]
    first = "".join(cells[0]["source"])
    assert SETS[name].chapter in first
    assert f'grade("{name}.ipynb")' in first and "hidden inputs" in first
    assert f".venv/bin/python -m course_code grade exercises/{name}.ipynb" in first
    assert "".join(cells[-1]["source"]) == f'grade("{name}.ipynb")'
    assert "from course_code.grading import check, grade" in code_sources(student)[0]


@pytest.mark.parametrize("name", SET_NAMES)
def test_each_answer_cell_is_followed_by_its_check_cell(name):
    sources = code_sources(set_notebooks(name)[1])
    for question in SETS[name].questions:
        index = next(i for i, s in enumerate(sources) if re.search(rf"^def {question.name}\(", s, re.MULTILINE))
        assert sources[index + 1].strip() == f'check("{question.name}", {question.name})'


@pytest.mark.parametrize("name", SET_NAMES)
def test_executed_solution_notebook_passes_every_check_cell(name):
    uses_models = any("course_code.models" in s for s in code_sources(set_notebooks(name)[0]))
    if uses_models and not TORCH_AVAILABLE:  # a demo cell runs a torch model (make test-pythons)
        pytest.skip("this set's notebook runs a course_code.models model, which needs torch")
    notebook = executed_source(name)
    checks = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert len(checks) == len(SETS[name].questions)
    graded = cell_text(notebook.cells[-1])  # grade("<set>.ipynb") in the kernel's folder: the source itself
    total = f"{SETS[name].max_score:g}/{SETS[name].max_score:g}"
    assert f"Grading {name}.ipynb" in graded and "Total" in graded and total in graded, graded
    for cell in checks:
        text = cell_text(cell)
        assert ": passed" in text and "Well done!" in text and "[FAIL]" not in text, text
        assert all(o.output_type == "stream" for o in cell.outputs)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # some known bugs overflow on purpose
@pytest.mark.parametrize("secret", [None, 7, 2**61 + 3], ids=["public", "hidden-a", "hidden-b"])
@pytest.mark.parametrize("name", SET_NAMES)
def test_every_known_bug_differs_from_the_reference_on_some_case(name, secret):
    for question in SETS[name].questions:
        cases = question.cases(secret)
        expected = [question.reference(*[a.copy() for a in c.args]) for c in cases]
        for bug in question.known_bugs:
            differs = 0
            for case, want in zip(cases, expected):
                try:
                    wrong = bug.compute(*[a.copy() for a in case.args])
                except Exception:
                    differs += 1  # a bug that raises is told apart by its error
                    continue
                differs += not same_output(wrong, want)
            assert differs, f"{name}/{question.name}: known bug {bug.name!r} equals the reference on every case"
