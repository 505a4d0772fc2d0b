"""Forward + backward speed of three LSTMs, as ratios to ``torch.nn.LSTM``.

Run from the repository root::

    .venv/bin/python bench/lstm_speed.py              # 1 thread (the default)
    .venv/bin/python bench/lstm_speed.py --threads 2

Measures, at T=64, N=32, D=H=128 in float32, the time of one forward pass plus
one backward pass (loss = sum of the outputs) of

    (a) the NumPy LSTM: ``course_code.scratch.lstm.lstm_forward`` + ``lstm_backward``
    (b) the from-scratch torch module ``course_code.nn.lstm.ScratchLSTM``
    (c) ``torch.nn.LSTM(batch_first=True)``, the reference

and prints the median of ``--repeats`` runs after warm-up, each as a ratio to
(c), and the GFLOP/s each achieves next to the GFLOP/s of one large float32
matrix product on the same machine (the practical ceiling). The three are timed
in turn within each round so that a noisy neighbour slows all of them alike.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--threads", type=int, default=1, help="threads for BLAS and torch (default 1)")
parser.add_argument("--repeats", type=int, default=20, help="timed runs of each (default 20)")
parser.add_argument("--warmup", type=int, default=3, help="untimed runs of each first (default 3)")
args = parser.parse_args()

# Thread counts must be fixed before NumPy and torch load their BLAS libraries.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(args.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from course_code.nn.lstm import ScratchLSTM, lstm_layer_to_numpy  # noqa: E402
from course_code.scratch.lstm import lstm_backward, lstm_forward  # noqa: E402

torch.set_num_threads(args.threads)
N, T, D, H = 32, 64, 128, 128


def median_seconds(functions: dict, repeats: int, warmup: int) -> dict:
    """Median wall time of each function, timing them in turn within each round."""
    for function in functions.values():
        for _ in range(warmup):
            function()
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    torch.manual_seed(0)
    reference = torch.nn.LSTM(D, H, batch_first=True)
    scratch = ScratchLSTM(D, H)
    scratch.load_state_dict(reference.state_dict())
    x = torch.randn(N, T, D)

    weights = lstm_layer_to_numpy(reference)  # float32, like the torch weights
    x_np = x.numpy()
    zeros = np.zeros((N, H), dtype=np.float32)
    ones = np.ones((N, T, H), dtype=np.float32)  # d(sum of outputs)/d outputs

    def run_numpy():
        _, _, cache = lstm_forward(x_np, zeros, zeros, **weights)
        lstm_backward(ones, cache)

    def run_torch(module):
        def run():
            module.zero_grad(set_to_none=True)
            output, _ = module(x)
            output.sum().backward()

        return run

    timed = median_seconds(
        {"NumPy LSTM": run_numpy, "ScratchLSTM": run_torch(scratch), "torch.nn.LSTM": run_torch(reference)},
        args.repeats,
        args.warmup,
    )

    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    matmul = median_seconds({"matmul": lambda: a @ b}, repeats=5, warmup=1)["matmul"]
    ceiling = 2 * 2048**3 / matmul / 1e9

    forward_flops = T * 2 * N * (D + H) * 4 * H  # the gate products; element-wise work is negligible
    flops = 3 * forward_flops  # backward: about twice the forward (gradients of inputs and of weights)

    print(f"LSTM forward + backward, T={T} N={N} D={D} H={H}, float32")
    print(f"torch {torch.__version__}, numpy {np.__version__}, {platform.machine()}, "
          f"torch.get_num_threads() = {torch.get_num_threads()}, BLAS threads = {args.threads}")
    print(f"median of {args.repeats} runs after {args.warmup} warm-up runs; "
          f"{flops / 1e9:.2f} GFLOP per forward + backward")
    print()
    print(f"{'implementation':<16}{'ms':>9}{'ratio':>9}{'GFLOP/s':>10}")
    base = timed["torch.nn.LSTM"]
    for name, seconds in timed.items():
        print(f"{name:<16}{seconds * 1e3:>9.2f}{seconds / base:>8.2f}x{flops / seconds / 1e9:>10.1f}")
    print(f"{'2048² matmul':<16}{matmul * 1e3:>9.2f}{'':>9}{ceiling:>10.1f}   (ceiling)")


if __name__ == "__main__":
    main()
