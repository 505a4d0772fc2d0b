"""A submission that calls the reference implementation is flagged and gets nothing for it."""

from __future__ import annotations

import pytest

from course_code.grading import run_checks
from course_code.grading.static import find_function, reference_use
from course_code.scratch.losses import softmax as reference_softmax

from .helpers import FULL_MARKS, grade_points

CHEATS = {
    "import-inside": "def softmax(logits):\n    from course_code.scratch import softmax as s\n    return s(logits)\n",
    "module-level-alias": "from course_code.scratch.losses import softmax as library_softmax\n\n"
                          "def softmax(logits):\n    return library_softmax(logits)\n",
    "attribute-access": "import course_code.scratch\n\ndef softmax(logits):\n    return course_code.scratch.softmax(logits)\n",
    "through-a-helper": "from course_code import scratch as sc\n\ndef helper(z):\n    return sc.softmax(z)\n\n"
                        "def softmax(logits):\n    return helper(logits)\n",
    "by-name-string": "import importlib\n\ndef softmax(logits):\n"
                      "    return importlib.import_module('course_code.scratch').softmax(logits)\n",
    "imported-under-its-own-name": "from course_code.scratch.losses import softmax\n",
    "assigned-from-the-module": "import course_code.scratch.losses as L\n\nsoftmax = L.softmax\n",
    "via-the-grader": "from course_code.grading import sets\n\ndef softmax(logits):\n"
                      "    return sets.get_set('rnn_forward').question('softmax').reference(logits)\n",
}


@pytest.mark.parametrize("cell", CHEATS.values(), ids=CHEATS.keys())
def test_static_check_flags_use_of_course_code(cell):
    assert reference_use([cell], "softmax") != ""


def test_the_check_import_and_honest_code_are_not_flagged():
    cells = ["import numpy as np\n\nfrom course_code.grading import check",
             "def helper(z):\n    return np.exp(z - z.max(axis=-1, keepdims=True))\n\n"
             "def softmax(logits):\n    e = helper(logits)\n    return e / e.sum(axis=-1, keepdims=True)\n",
             'check("softmax", softmax)']
    assert reference_use(cells, "softmax") == ""


@pytest.mark.parametrize("name", ["module-level-alias", "through-a-helper", "imported-under-its-own-name"])
def test_flagged_question_scores_zero_and_says_why(submission, name):
    points, result = grade_points(submission({"softmax": CHEATS[name]}))
    softmax = next(q for q in result.questions if q.name == "softmax")
    assert points["softmax"] == 0 and softmax.status == "flagged"
    assert "reference implementation" in softmax.message
    assert points["rnn_forward"] == FULL_MARKS["rnn_forward"]


def test_notebook_check_flags_the_reference_function_itself():
    result = run_checks("softmax", reference_softmax)
    assert result.status == "flagged" and result.points == 0


def test_find_function_reports_the_last_definition_and_syntax_errors():
    cells = ["def f(x):\n    return 1\n", "def f(x):\n    return 2\n", "def g(x:\n    pass\n"]
    assert find_function(cells, "f").cell == 1
    assert "SyntaxError on line 1" in find_function(cells, "g").syntax_error
    assert find_function(cells, "h") is None
