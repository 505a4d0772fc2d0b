"""Experiments the chapters run over several seeds, and how their results are summed up.

* :mod:`~course_code.experiments.summary`: :func:`summarise_seeds`, the
  "k of n succeed, median (min to max)" line every comparison is stated in.
* :mod:`~course_code.experiments.adding_runs`: one run of a named model on the
  adding problem (or its short-dependency variant) with its learning curve and
  test MSE every few updates.
* :mod:`~course_code.experiments.char_lm_runs`: one run of the character
  language model with its validation perplexity every few updates.

Each run is a module-level function of plain arguments, seeded only by its own
seed, so :func:`course_code.sweeps.run_jobs` can spread the runs over both
cores and the results do not depend on which worker ran what.
"""

from course_code.experiments.summary import SeedSummary, summarise_seeds

__all__ = ["SeedSummary", "summarise_seeds"]
