"""Shared test settings. Plain pytest draws figures off-screen.

The backend is chosen here, not through MPLBACKEND in the environment, because
nbval's kernels inherit the environment and need the inline backend.

Without torch (``make test-pythons`` runs the suite on Pythons for which this
machine has no torch wheel), a test module that cannot be imported because torch
is missing is reported as skipped, with that reason, instead of as an error; every
other import error still fails the run.
"""

import importlib.util

import matplotlib
import pytest

matplotlib.use("Agg")

TORCH_AVAILABLE = importlib.util.find_spec("torch") is not None


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    if TORCH_AVAILABLE:
        return
    report = outcome.get_result()
    if report.failed and "No module named 'torch'" in str(report.longrepr):
        report.outcome = "skipped"
        report.longrepr = (str(collector.path), 0, "Skipped: needs torch (not installed)")
