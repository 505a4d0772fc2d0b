"""Forward + backward speed of three LSTMs, as ratios to ``torch.nn.LSTM``.

Run from the repository root::

    .venv/bin/python bench/lstm_speed.py              # 1 thread (the default)
    .venv/bin/python bench/lstm_speed.py --threads 2

Measures, at T=64, N=32, D=H=128 in float32, the time of one forward pass plus
one backward pass (loss = sum of the outputs) of

    (a) the NumPy LSTM the book shows: ``course_code.scratch.lstm.lstm_forward`` + ``lstm_backward``
    (b) its fused, in-place twin: ``course_code.scratch.lstm_fused`` (the same numbers, bit for bit)
    (c) the from-scratch torch module ``course_code.nn.lstm.ScratchLSTM``
    (d) ``torch.nn.LSTM(batch_first=True)``, the reference

and prints the median of ``--repeats`` runs after warm-up, each as a ratio to
(d), and the GFLOP/s each achieves next to the GFLOP/s of one large float32
matrix product on the same machine (the practical ceiling). The four are timed
in turn within each round so that a noisy neighbour slows all of them alike.
Targets: (a) within 1.5x and (c) within 2x of (d). It then prints the same
ratios at the chapters' small size, T=60, N=128, D=2, H=32.
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
from course_code.scratch.lstm_fused import lstm_backward_fused, lstm_forward_fused  # noqa: E402

torch.set_num_threads(args.threads)
SIZES = {"benchmark": (32, 64, 128, 128), "chapters": (128, 60, 2, 32)}  # N, T, D, H


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


def time_all(N: int, T: int, D: int, H: int) -> dict:
    """Median seconds of one forward and backward pass of each implementation at one size."""
    torch.manual_seed(0)
    reference = torch.nn.LSTM(D, H, batch_first=True)
    scratch = ScratchLSTM(D, H)
    scratch.load_state_dict(reference.state_dict())
    x = torch.randn(N, T, D)

    weights = lstm_layer_to_numpy(reference)  # float32, like the torch weights
    x_np = x.numpy()
    zeros = np.zeros((N, H), dtype=np.float32)
    ones = np.ones((N, T, H), dtype=np.float32)  # d(sum of outputs)/d outputs

    def run_numpy(forward, backward):
        def run():
            _, _, cache = forward(x_np, zeros, zeros, **weights)
            backward(ones, cache)

        return run

    def run_torch(module):
        def run():
            module.zero_grad(set_to_none=True)
            output, _ = module(x)
            output.sum().backward()

        return run

    return median_seconds(
        {"NumPy LSTM": run_numpy(lstm_forward, lstm_backward),
         "NumPy fused": run_numpy(lstm_forward_fused, lstm_backward_fused),
         "ScratchLSTM": run_torch(scratch), "torch.nn.LSTM": run_torch(reference)},
        args.repeats,
        args.warmup,
    )


def main() -> None:
    N, T, D, H = SIZES["benchmark"]
    timed = time_all(N, T, D, H)

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
    print(f"{'implementation':<16}{'ms':>9}{'ratio':>9}{'GFLOP/s':>10}{'target':>9}")
    base = timed["torch.nn.LSTM"]
    targets = {"NumPy LSTM": "1.5x", "ScratchLSTM": "2x"}
    for name, seconds in timed.items():
        print(f"{name:<16}{seconds * 1e3:>9.2f}{seconds / base:>8.2f}x{flops / seconds / 1e9:>10.1f}"
              f"{targets.get(name, ''):>9}")
    print(f"{'2048² matmul':<16}{matmul * 1e3:>9.2f}{'':>9}{ceiling:>10.1f}   (ceiling)")

    N, T, D, H = SIZES["chapters"]
    small = time_all(N, T, D, H)
    print()
    print(f"at the chapters' size, T={T} N={N} D={D} H={H}: ratio to torch.nn.LSTM")
    for name, seconds in small.items():
        print(f"{name:<16}{seconds * 1e3:>9.2f} ms{seconds / small['torch.nn.LSTM']:>8.2f}x")


if __name__ == "__main__":
    main()
