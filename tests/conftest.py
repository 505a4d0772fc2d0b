"""Shared test settings. Plain pytest draws figures off-screen.

The backend is chosen here, not through MPLBACKEND in the environment, because
nbval's kernels inherit the environment and need the inline backend.
"""

import matplotlib

matplotlib.use("Agg")
