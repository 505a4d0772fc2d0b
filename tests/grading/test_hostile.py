"""Bad and hostile submissions: a clear message, zero for that question, no crash, file unchanged.

Each case replaces one answer of the solution notebook, so every other
question must still get full marks (``rnn_forward`` calls
``rnn_step_forward``, so breaking the step breaks both).
"""

from __future__ import annotations

import pytest

from .helpers import FULL_MARKS, REPO, grade_points, sha256

STEP = "def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h):\n"
FORWARD = "def rnn_forward(x, h0, W_xh, W_hh, b_h):\n"
SOFTMAX = "def softmax(logits):\n"
LOSS = "def sequence_cross_entropy(logits, targets):\n"
GOOD_SOFTMAX = ("    e = np.exp(logits - logits.max(axis=-1, keepdims=True))\n"
                "    return e / e.sum(axis=-1, keepdims=True)\n")

# (test id, question, its new cell, a piece of the expected message)
HOSTILE = [
    ("syntax-error", "softmax", SOFTMAX + "    return np.exp(logits /\n", "SyntaxError on line 2"),
    ("syntax-error-in-step", "rnn_step_forward", STEP + "    h = np.tanh(x @ W_xh.T +)\n    return h\n",
     "SyntaxError"),
    ("renamed-function", "softmax", "def my_softmax(logits):\n    return logits\n", "no function named softmax"),
    ("exception", "rnn_forward", FORWARD + "    scale = 1 / 0\n    return x\n", "raised ZeroDivisionError"),
    ("name-error", "rnn_forward", FORWARD + "    return h_all\n", "NameError"),
    ("wrong-shape", "rnn_forward", FORWARD + "    return np.zeros((x.shape[1], x.shape[0], h0.shape[1]))\n",
     "expected shape (N="),
    ("wrong-dtype", "softmax", SOFTMAX + GOOD_SOFTMAX.replace("return e / e.sum(axis=-1, keepdims=True)",
                                                             "return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)"),
     "expected dtype float64, got float32"),
    ("integer-dtype", "rnn_forward", FORWARD + "    return np.zeros((x.shape[0], x.shape[1], h0.shape[1]), dtype=int)\n",
     "got int64"),
    ("nan", "rnn_forward", FORWARD + "    return np.full((x.shape[0], x.shape[1], h0.shape[1]), np.nan)\n",
     "contains NaN"),
    ("inf", "sequence_cross_entropy", LOSS + "    return np.inf\n", "contains inf"),
    ("list", "softmax", SOFTMAX + GOOD_SOFTMAX.replace("return e / e.sum(axis=-1, keepdims=True)",
                                                      "return (e / e.sum(axis=-1, keepdims=True)).tolist()"),
     "returned a list"),
    ("none", "sequence_cross_entropy", LOSS + "    loss = 1.0\n", "returned None"),
    ("infinite-loop", "rnn_forward", FORWARD + "    while True:\n        pass\n", "did not finish within"),
    ("sys-exit", "softmax", SOFTMAX + "    import sys\n    sys.exit(0)\n", "called sys.exit(0)"),
    ("os-exit", "softmax", SOFTMAX + "    import os\n    os._exit(3)\n", "exit status 3"),
    ("fifty-gigabytes", "rnn_forward", FORWARD + "    big = np.ones(50 * 2**30 // 8)\n    return big\n",
     "MemoryError"),
    ("prints-megabytes", "softmax", SOFTMAX + "    for _ in range(50):\n        print('x' * 100_000)\n" + GOOD_SOFTMAX,
     "printed (or wrote to a file) more than"),
    ("writes-and-deletes-files", "rnn_forward",
     FORWARD + "    import glob, os\n"
     "    for path in glob.glob('**/*', recursive=True) + glob.glob('../*.ipynb') + glob.glob('../*/*.ipynb'):\n"
     "        if os.path.isfile(path):\n            os.remove(path)\n"
     "    for name in ('rnn_forward.ipynb', 'submission0.ipynb', '../rnn_forward.ipynb'):\n"
     "        with open(name, 'w') as f:\n            f.write('overwritten')\n"
     "    return np.zeros((x.shape[0], x.shape[1], h0.shape[1]))\n",
     "values are off"),
    ("reads-solutions", "softmax",
     SOFTMAX + "    import glob\n"
     "    for pattern in ('exercises/source/*.ipynb', '../exercises/source/*.ipynb', '../../exercises/source/*.ipynb',\n"
     "                    '**/source/*.ipynb', 'tests/grading/*.py', '../tests/**/*.py'):\n"
     "        for path in glob.glob(pattern, recursive=True):\n"
     "            raise RuntimeError('found ' + path)\n"
     "    return open('exercises/source/rnn_forward.ipynb').read()\n",
     "FileNotFoundError"),
    ("imports-reference-dynamically", "softmax",
     SOFTMAX + "    import importlib\n    losses = importlib.import_module('course_' + 'code.scratch.losses')\n"
     "    return losses.softmax(logits)\n",
     "No module named 'course_code'"),
    ("overrides-allclose", "rnn_forward",
     "np.allclose = lambda *args, **kwargs: True\nnp.isclose = lambda a, b, **kwargs: np.ones(np.shape(a), bool)\n"
     "np.array_equal = lambda *args, **kwargs: True\n\n"
     + FORWARD + "    return np.zeros((x.shape[0], x.shape[1], h0.shape[1]))\n",
     "values are off"),
    ("object-equal-to-everything", "softmax",
     "class Liar:\n    shape = property(lambda self: (2, 3, 5))\n    dtype = np.dtype(float)\n"
     "    def __eq__(self, other):\n        return True\n    def __array__(self, *args, **kwargs):\n"
     "        raise RuntimeError('no')\n\n" + SOFTMAX + "    return Liar()\n",
     "returned a Liar"),
    ("ndarray-subclass-equal-to-everything", "softmax",
     "class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
     "    def __array_function__(self, *args, **kwargs):\n        return True\n\n"
     + SOFTMAX + "    return np.zeros(logits.shape).view(Liar)\n",
     "values are off"),
]


@pytest.mark.parametrize("question, cell, expected", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_submission_gets_a_clear_message_and_zero(submission, question, cell, expected):
    path = submission({question: cell})
    before = sha256(path)
    points, result = grade_points(path)
    affected = {question} | ({"rnn_forward"} if question == "rnn_step_forward" else set())
    graded = {q.name: q for q in result.questions}
    assert points[question] == 0
    feedback = graded[question].message + " " + " ".join(t.message for t in graded[question].tests)
    assert expected in feedback
    assert "Traceback" not in feedback
    assert {n: p for n, p in points.items() if n not in affected} == {
        n: p for n, p in FULL_MARKS.items() if n not in affected}
    assert sha256(path) == before


def test_top_level_sabotage_of_the_grading_folder_costs_nothing(submission):
    # The child's folder and its parent are the grader's private temporary folders (or the sandbox's
    # tmpfs): deleting them loses nothing, and the results still come back.
    path = submission(extra_cells=("import os, shutil\nshutil.rmtree(os.path.abspath('..'), ignore_errors=True)",))
    before = sha256(path)
    points, result = grade_points(path)
    assert points == FULL_MARKS, [q.message for q in result.questions]
    assert sha256(path) == before


def test_a_function_defined_without_def_is_still_graded(submission):
    cell = "softmax = lambda logits: np.exp(logits - logits.max(-1, keepdims=True)) / " \
           "np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True)\n"
    points, _ = grade_points(submission({"softmax": "import numpy as np\n" + cell + "def unused():\n    pass\n"}))
    assert points == FULL_MARKS


def test_child_sees_no_path_of_the_repository_in_cwd_environment_or_sys_path(submission):
    probe = (SOFTMAX + "    import os, sys\n"
             f"    places = [os.getcwd(), *os.environ.values(), *sys.path]\n"
             f"    leaks = [p for p in places if {str(REPO)!r} in p]\n"
             "    raise RuntimeError('LEAKS' if leaks else 'CLEAN')\n")
    points, result = grade_points(submission({"softmax": probe}))
    messages = {t.message for q in result.questions if q.name == "softmax" for t in q.tests[:-1]}
    assert len(messages) == 1 and next(iter(messages)).startswith("raised RuntimeError: CLEAN (line 5, in softmax")
