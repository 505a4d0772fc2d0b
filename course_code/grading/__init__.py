"""Graded exercises: notebook checks for students, isolated grading for instructors.

In a notebook, after each exercise::

    from course_code.grading import check
    check("rnn_step_forward", rnn_step_forward)

On the command line::

    python -m course_code grade exercises/rnn_forward.ipynb [--json grade.json]
    python -m course_code grade --batch submissions/ --csv gradebook.csv --gradescope results/
    python -m course_code exercises generate [--check]

Modules: :mod:`questions` (what a question is), :mod:`sets` (the exercise sets),
:mod:`child` (the code that runs in the child), :mod:`isolation` (what an isolation
level is, and which one runs here) with :mod:`bubblewrap`, :mod:`dedicated_user` and
:mod:`child_runtime` (the levels' mechanics), :mod:`limits`, :mod:`child_channel`
(the job and the frames), :mod:`child_run` (one child) and :mod:`runner` (children
until every question has its outcomes), :mod:`static` (reading the code without
running it), :mod:`outcomes` (what came back, and the verdicts),
:mod:`case_checks` (feedback on one case), :mod:`properties`, :mod:`scoring`,
:mod:`notebook` (cells, magics, student versions), :mod:`grade`, :mod:`report`,
:mod:`text` (escaping what a submission wrote), :mod:`inline` (the notebook check and
``grade()``), :mod:`autograder` (the Gradescope zip) and :mod:`cli`.
"""

from course_code.grading.inline import check, grade, run_checks

__all__ = ["check", "grade", "run_checks"]
