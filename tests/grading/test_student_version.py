"""The student-version generator: its --check mode and how it strips solutions.

That every committed student notebook equals its output is tested for every set in test_every_set.py.
"""

from __future__ import annotations


import pytest

from course_code.grading.cli import main
from course_code.grading.notebook import strip_solutions

from .helpers import SOURCE, STUDENT


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


def test_strip_solutions_keeps_indentation_and_rejects_unbalanced_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert strip_solutions(source) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    with pytest.raises(ValueError, match="without"):
        strip_solutions("    ### BEGIN SOLUTION\n    return x\n")
    with pytest.raises(ValueError, match="without"):
        strip_solutions("    return x\n    ### END SOLUTION\n")
