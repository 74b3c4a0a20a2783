"""JAX (jit, float64, one thread) on ADBench's GMM inputs, timed by ADBench's method, for the
same-run table of BENCHMARKS.md beside Manual, Tapenade and ours (peers/adbench/run.sh gives
those three): the objective of adbench_reference.py (vectorised over points and components,
as the issue's JAX numbers were) and its gradient with respect to alphas, means and icf.

    python3 peers/python/adbench_jax.py [DATA_DIR] [--min-time 0.1] [--time-limit 2]

LSTM is left out: written as Python loops over characters, as adbench_reference.py writes it,
jit traces every step (4,096 of them for l2 c4096); the issue's JAX LSTM times were behind
Tapenade's on every input.
"""
import argparse
import gzip
import os
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import numpy as np  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
from adbench_reference import gmm_objective, gmm_parts  # noqa: E402


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return [float(t) for t in f.read().split()]


def gmm_inputs(path):
    return gmm_parts(read(path))


def min_time_per_call(f, min_time, time_limit):
    """ADBench's method: double the repeat count until a batch takes at least `min_time`,
    then run batches until `time_limit` has passed; the fastest batch's time per call."""
    repeats = 1
    while True:
        start = time.perf_counter()
        for _ in range(repeats):
            f()
        spent = time.perf_counter() - start
        if spent >= min_time:
            break
        repeats *= 2
    best, total = spent / repeats, spent
    while total < time_limit:
        start = time.perf_counter()
        for _ in range(repeats):
            f()
        spent = time.perf_counter() - start
        best, total = min(best, spent / repeats), total + spent
    return best


def show(seconds):
    return f"{seconds * 1e6:.3g} us" if seconds < 1e-3 else (
        f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default=os.path.join(here, "..", "..", "..", "shared", "data", "adbench"))
    parser.add_argument("--min-time", type=float, default=0.1)
    parser.add_argument("--time-limit", type=float, default=2.0)
    args = parser.parse_args()
    print(f"JAX {jax.__version__}, one thread, float64")
    print("| input | JAX: objective | JAX: gradient | JAX: gradient/objective |")
    print("| --- | ---: | ---: | ---: |")
    root = os.path.join(args.data, "gmm")
    for sub in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, sub))):
            alphas, means, icf, x, gamma, m = gmm_inputs(os.path.join(root, sub, name))
            f = jax.jit(lambda a, mu, q: gmm_objective(a, mu, q, x, gamma, m))
            g = jax.jit(jax.grad(lambda a, mu, q: gmm_objective(a, mu, q, x, gamma, m), argnums=(0, 1, 2)))
            value = lambda: f(alphas, means, icf).block_until_ready()
            grad = lambda: jax.block_until_ready(g(alphas, means, icf))
            value(), grad()  # compile
            t_f = min_time_per_call(value, args.min_time, args.time_limit)
            t_g = min_time_per_call(grad, args.min_time, args.time_limit)
            label = f"gmm/{sub}/{name.split('.')[0]}"
            print(f"| {label} | {show(t_f)} | {show(t_g)} | {t_g / t_f:.1f} |", flush=True)


if __name__ == "__main__":
    main()
