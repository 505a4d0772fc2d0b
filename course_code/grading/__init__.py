"""Graded exercises: notebook checks for students, isolated grading for instructors.

In a notebook, after each exercise::

    from course_code.grading import check
    check("rnn_step_forward", rnn_step_forward)

On the command line::

    python -m course_code grade exercises/rnn_forward.ipynb [--json grade.json]
    python -m course_code grade --batch submissions/ --csv gradebook.csv --gradescope results/
    python -m course_code exercises generate [--check]

Modules: :mod:`questions` (what a question is), :mod:`sets` (the exercise sets),
:mod:`child` and :mod:`runner` (the isolated process), :mod:`static` (reading
the code without running it), :mod:`checks` (feedback and scores),
:mod:`notebook` (cells, student versions), :mod:`grade`, :mod:`report`,
:mod:`inline` (the notebook check) and :mod:`cli`.
"""

from course_code.grading.inline import check, run_checks

__all__ = ["check", "run_checks"]
