"""tools/execute_notebooks.py keeps a measured cell's output when only its digits changed."""

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import execute_notebooks  # noqa: E402


def _notebook(timing: str, value: str) -> nbformat.NotebookNode:
    measured = nbformat.v4.new_code_cell(
        "time_it()", metadata={"tags": ["nbval-ignore-output"]}
    )
    measured.outputs = [nbformat.v4.new_output("stream", name="stdout", text=timing)]
    plain = nbformat.v4.new_code_cell("print(x)")
    plain.outputs = [nbformat.v4.new_output("stream", name="stdout", text=value)]
    return nbformat.v4.new_notebook(cells=[measured, plain])


def test_a_timing_that_changed_only_its_digits_keeps_the_stored_output():
    stored, rerun = (
        _notebook("took 9.5 ms\n", "4\n"),
        _notebook("took 12.25 ms\n", "4\n"),
    )
    execute_notebooks.keep_measurements(stored, rerun)
    assert rerun.cells[0].outputs[0].text == "took 9.5 ms\n"


def test_a_changed_measurement_text_or_an_ordinary_cell_is_updated():
    stored, rerun = (
        _notebook("took 9.5 ms\n", "4\n"),
        _notebook("took 9.5 s per step\n", "5\n"),
    )
    execute_notebooks.keep_measurements(stored, rerun)
    assert rerun.cells[0].outputs[0].text == "took 9.5 s per step\n"
    assert rerun.cells[1].outputs[0].text == "5\n"
    # an untagged cell is never kept, even when only digits changed
    stored, rerun = _notebook("a\n", "4\n"), _notebook("a\n", "7\n")
    execute_notebooks.keep_measurements(stored, rerun)
    assert rerun.cells[1].outputs[0].text == "7\n"


def test_a_plot_of_measurements_is_kept_when_its_text_is_the_same():
    def plotted(png: str) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell(
            "plot_times()", metadata={"tags": ["nbval-ignore-output"]}
        )
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={
                    "image/png": png,
                    "text/plain": "<Figure size 600x300 with 1 Axes>",
                },
            )
        ]
        return nbformat.v4.new_notebook(cells=[cell])

    stored, rerun = plotted("iVBORw0KGgoAAA"), plotted("iVBORw0KGgoBBB")
    execute_notebooks.keep_measurements(stored, rerun)
    assert rerun.cells[0].outputs[0].data["image/png"] == "iVBORw0KGgoAAA"
