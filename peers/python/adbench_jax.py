"""JAX (jit, float64, one thread) on ADBench's GMM and LSTM inputs, timed by ADBench's method,
for the same-run table of BENCHMARKS.md beside Manual, Tapenade and ours (peers/adbench/run.sh
gives those three).

GMM: the objective of adbench_reference.py (vectorised over points and components, as the
issue's JAX numbers were) and its gradient with respect to alphas, means and icf. LSTM:
ADBench's objective with the characters in a `lax.scan` (adbench_reference.py's Python loop
would have jit trace every step), checked against adbench_reference.py's on the first 16
characters, and its gradient with respect to main_params and extra_params.

    python3 peers/python/adbench_jax.py [DATA_DIR] [--min-time 0.1] [--time-limit 2]
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
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)
from adbench_reference import gmm_objective, gmm_parts, lstm_layer, lstm_objective  # noqa: E402


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return [float(t) for t in f.read().split()]


def gmm_inputs(path):
    return gmm_parts(read(path))


def lstm_inputs(path):
    v = read(path)
    l, c, b = int(v[0]), int(v[1]), int(v[2])
    at = 3
    parts = []
    for rows, cols in [(2 * l, 4 * b), (3, b), (2 * l, b), (c, b)]:
        parts.append(np.array(v[at:at + rows * cols]).reshape(rows, cols))
        at += rows * cols
    return parts


def lstm_scan_objective(main_params, extra_params, state, sequence):
    """ADBench's LSTM objective (adbench_reference.lstm_objective), the characters in a scan."""
    l = main_params.shape[0] // 2
    c, b = sequence.shape

    def step(carry, chars):
        hidden, cell = carry
        now, following = chars
        inp = now * extra_params[0]
        new_hidden, new_cell = [], []
        for i in range(l):
            hidden_i, cell_i = lstm_layer(inp, hidden[i], cell[i], main_params[2 * i], main_params[2 * i + 1])
            new_hidden.append(hidden_i)
            new_cell.append(cell_i)
            inp = hidden_i
        ypred = inp * extra_params[1] + extra_params[2]
        lse = jnp.log(jnp.sum(jnp.exp(ypred)) + 2)
        term = jnp.sum(following * (ypred - lse))
        return (jnp.stack(new_hidden), jnp.stack(new_cell)), term

    start = (state[0::2], state[1::2])
    sequence = jnp.asarray(sequence)
    _, terms = jax.lax.scan(step, start, (sequence[:-1], sequence[1:]))
    return -jnp.sum(terms) / ((c - 1) * b)


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
    root = os.path.join(args.data, "lstm")
    for name in sorted(os.listdir(root)):
        main_params, extra_params, state, sequence = lstm_inputs(os.path.join(root, name))
        short = sequence[:16]
        scanned = lstm_scan_objective(main_params, extra_params, state, short)
        looped = lstm_objective(main_params, extra_params, state, short)
        if abs(scanned - looped) > 1e-12 * max(1.0, abs(looped)):
            raise SystemExit(f"{name}: the scanned LSTM objective {scanned} differs from ADBench's {looped}")
        f = jax.jit(lambda mp, ep: lstm_scan_objective(mp, ep, state, sequence))
        g = jax.jit(jax.grad(lambda mp, ep: lstm_scan_objective(mp, ep, state, sequence), argnums=(0, 1)))
        value = lambda: f(main_params, extra_params).block_until_ready()
        grad = lambda: jax.block_until_ready(g(main_params, extra_params))
        value(), grad()  # compile
        t_f = min_time_per_call(value, args.min_time, args.time_limit)
        t_g = min_time_per_call(grad, args.min_time, args.time_limit)
        print(f"| lstm/{name.split('.')[0]} | {show(t_f)} | {show(t_g)} | {t_g / t_f:.1f} |", flush=True)


if __name__ == "__main__":
    main()
